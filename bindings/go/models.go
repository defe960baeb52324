package openint

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// The models of the answers. The real server omits fields, adds fields and adds enum values
// before any schema lists them (docs/API-BEHAVIOUR.md), so:
//   - only the fields the SDK cannot do without are required (`openint:"required"`); the
//     others are pointers, nil slices or raw JSON, nil when absent;
//   - enums are string types that keep any value;
//   - free-form JSON (settings, config, data, metadata, schemas) is json.RawMessage, exactly as
//     sent (a JSON null stays "null", an absent field is nil);
//   - every model keeps its JSON exactly as the server sent it in Raw, and Extra() returns the
//     fields this version does not know;
//   - timestamps stay strings (the API sends PostgreSQL text, e.g.
//     "2026-12-01 16:45:22.158466+00", not RFC 3339).
//
// A list item's Raw is a slice of its page's one buffer, so keeping one item keeps its page's
// bytes: bytes.Clone it to keep a small part of a big page. The other json.RawMessage fields
// are copies. json.Unmarshal into a model works the same way (on a copy of its input).

// Stage is a release stage. Values this version does not list are kept as sent.
type Stage string

const (
	StageAlpha  Stage = "alpha"
	StageBeta   Stage = "beta"
	StageGA     Stage = "ga"
	StageHidden Stage = "hidden"
)

// AuthType is how a connector authenticates. Unknown values are kept as sent.
type AuthType string

const (
	AuthTypeBasic    AuthType = "BASIC"
	AuthTypeOAuth1   AuthType = "OAUTH1"
	AuthTypeOAuth2   AuthType = "OAUTH2"
	AuthTypeOAuth2CC AuthType = "OAUTH2CC"
	AuthTypeAPIKey   AuthType = "API_KEY"
	AuthTypeCustom   AuthType = "CUSTOM"
)

// Platform is where a connector runs. Unknown values are kept as sent.
type Platform string

const (
	PlatformWeb     Platform = "web"
	PlatformMobile  Platform = "mobile"
	PlatformDesktop Platform = "desktop"
	PlatformLocal   Platform = "local"
	PlatformCloud   Platform = "cloud"
)

// ConnectionStatus is the health of a connection's credentials. Unknown values are kept.
type ConnectionStatus string

const (
	ConnectionStatusHealthy      ConnectionStatus = "healthy"
	ConnectionStatusDisconnected ConnectionStatus = "disconnected"
	ConnectionStatusError        ConnectionStatus = "error"
	ConnectionStatusManual       ConnectionStatus = "manual"
	// ConnectionStatusUnknown: the connection was imported without a check.
	ConnectionStatusUnknown ConnectionStatus = "unknown"
)

// Role is who a token belongs to (Viewer). Unknown values are kept.
type Role string

const (
	RoleAnon     Role = "anon"
	RoleCustomer Role = "customer"
	RoleUser     Role = "user"
	RoleOrg      Role = "org"
	RoleSystem   Role = "system"
)

// Connector is one item of listConnectors (GET /connector).
type Connector struct {
	Name                  string            `json:"name" openint:"required"`
	DisplayName           *string           `json:"display_name,omitempty"`
	LogoURL               *string           `json:"logo_url,omitempty"`
	Stage                 *Stage            `json:"stage,omitempty"`
	Platforms             []Platform        `json:"platforms,omitempty"`
	Schemas               *ConnectorSchemas `json:"schemas,omitempty"` // only with ExpandSchemas
	AuthType              *AuthType         `json:"auth_type,omitempty"`
	RequiredScopes        []string          `json:"required_scopes,omitempty"`
	OpenintDefaultScopes  []string          `json:"openint_default_scopes,omitempty"`
	OpenintAllowedScopes  []string          `json:"openint_allowed_scopes,omitempty"`
	Scopes                []Scope           `json:"scopes,omitempty"`
	HasOpenintCredentials *bool             `json:"has_openint_credentials,omitempty"`
	Integrations          []Integration     `json:"integrations,omitempty"`

	// Raw is the item's JSON exactly as the server sent it, unknown fields included.
	Raw json.RawMessage `json:"-"`
}

// Scope is an OAuth scope a connector can ask for.
type Scope struct {
	Scope       string  `json:"scope"`
	DisplayName *string `json:"display_name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// ConnectorSchemas are a connector's JSON Schemas, each kept as raw JSON.
type ConnectorSchemas struct {
	ConnectorConfig    json.RawMessage `json:"connector_config,omitempty"`
	ConnectionSettings json.RawMessage `json:"connection_settings,omitempty"`
	IntegrationData    json.RawMessage `json:"integration_data,omitempty"`
	WebhookInput       json.RawMessage `json:"webhook_input,omitempty"`
	PreConnectInput    json.RawMessage `json:"pre_connect_input,omitempty"`
	ConnectInput       json.RawMessage `json:"connect_input,omitempty"`
	ConnectOutput      json.RawMessage `json:"connect_output,omitempty"`
}

// Integration is an integration of a connector. A JSON null and an absent field both read as
// nil in the pointer fields; Connector.Raw tells them apart.
type Integration struct {
	ID            *string         `json:"id,omitempty"`
	Standard      json.RawMessage `json:"standard,omitempty"`   // any JSON value
	External      json.RawMessage `json:"external,omitempty"`   // any JSON value
	CreatedAt     *string         `json:"created_at,omitempty"` // PostgreSQL text
	UpdatedAt     *string         `json:"updated_at,omitempty"`
	ConnectorName *string         `json:"connector_name,omitempty"`
	Name          *string         `json:"name,omitempty"`
	LogoURL       *string         `json:"logo_url,omitempty"`
	Stage         *Stage          `json:"stage,omitempty"`
	Platforms     []Platform      `json:"platforms,omitempty"`
	Category      *string         `json:"category,omitempty"`
	AuthType      *string         `json:"auth_type,omitempty"`
	Version       *string         `json:"version,omitempty"`
}

// Connection is a customer's connection to a connector. Settings (the credentials) come only
// with IncludeSecrets. fmt and slog show neither Settings nor StatusMessage.
type Connection struct {
	ID                string  `json:"id" openint:"required"`
	CustomerID        *string `json:"customer_id,omitempty"`
	ConnectorConfigID *string `json:"connector_config_id,omitempty"`
	IntegrationID     *string `json:"integration_id,omitempty"`
	// StatusMessage can contain text from the provider's answer, secrets included: do not
	// log it.
	StatusMessage *string           `json:"status_message,omitempty"`
	CreatedAt     *string           `json:"created_at,omitempty"`
	UpdatedAt     *string           `json:"updated_at,omitempty"`
	DisplayName   *string           `json:"display_name,omitempty"`
	Disabled      *bool             `json:"disabled,omitempty"`
	Status        *ConnectionStatus `json:"status,omitempty"`
	Metadata      json.RawMessage   `json:"metadata,omitempty"`
	ConnectorName *string           `json:"connector_name,omitempty"`
	// Settings are the credentials, present only with IncludeSecrets.
	Settings json.RawMessage `json:"settings,omitempty"`
	// Connector comes with ConnectionExpandConnector.
	Connector *Connector `json:"connector,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// ConnectorConfig is an organization's configuration of a connector (OAuth client, scopes,
// ...). fmt and slog do not show Config, which can hold client secrets.
type ConnectorConfig struct {
	ID            string          `json:"id" openint:"required"`
	CreatedAt     *string         `json:"created_at,omitempty"`
	UpdatedAt     *string         `json:"updated_at,omitempty"`
	OrgID         *string         `json:"org_id,omitempty"`
	DisplayName   *string         `json:"display_name,omitempty"`
	Disabled      *bool           `json:"disabled,omitempty"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	ConnectorName *string         `json:"connector_name,omitempty"`
	// Config is the connector's configuration as stored.
	Config json.RawMessage `json:"config,omitempty"`
	// Connector comes with ConnectorConfigExpandConnector (with its schemas with
	// ConnectorConfigExpandConnectorSchemas too).
	Connector *Connector `json:"connector,omitempty"`
	// ConnectionCount comes with ConnectorConfigExpandConnectionCount.
	ConnectionCount *int `json:"connection_count,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// Customer is what upsertCustomer returns, with the customer's long-lived APIKey (not shown
// by fmt or slog).
type Customer struct {
	ID        string          `json:"id" openint:"required"`
	OrgID     *string         `json:"org_id,omitempty"`
	APIKey    *string         `json:"api_key,omitempty"`
	Metadata  json.RawMessage `json:"metadata,omitempty"`
	CreatedAt *string         `json:"created_at,omitempty"`
	UpdatedAt *string         `json:"updated_at,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// CustomerSummary is a customer as listCustomers lists it: built from its connections.
type CustomerSummary struct {
	// ID is "" for the row that counts the connections without a customer (the server sends
	// a null id for it).
	ID              string  `json:"id"`
	ConnectionCount *int    `json:"connection_count,omitempty"`
	CreatedAt       *string `json:"created_at,omitempty"`
	UpdatedAt       *string `json:"updated_at,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// Event is something that happened (connection checked, deleted, ...).
type Event struct {
	ID         string          `json:"id" openint:"required"`
	Name       *string         `json:"name,omitempty"`
	Timestamp  *string         `json:"timestamp,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	User       json.RawMessage `json:"user,omitempty"`
	V          *string         `json:"v,omitempty"`
	OrgID      *string         `json:"org_id,omitempty"`
	UserID     *string         `json:"user_id,omitempty"`
	CustomerID *string         `json:"customer_id,omitempty"`
	Prompt     *string         `json:"prompt,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// CreateTokenResponse is a customer's Connect token, the magic link that carries it, and the
// customer's long-lived API key. fmt and slog show none of them.
type CreateTokenResponse struct {
	Token        string  `json:"token" openint:"required"`
	MagicLinkURL string  `json:"magic_link_url" openint:"required"`
	APIKey       *string `json:"api_key,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// Viewer is who the token belongs to.
type Viewer struct {
	Role       Role    `json:"role" openint:"required"`
	OrgID      *string `json:"orgId,omitempty"`
	CustomerID *string `json:"customerId,omitempty"`
	UserID     *string `json:"userId,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// ConnectorStatus is one connector's status for the organization.
type ConnectorStatus struct {
	Name                  string `json:"name" openint:"required"`
	HasConnectionForOrg   *bool  `json:"hasConnectionForOrg,omitempty"`
	IsHealthyForOrg       *bool  `json:"isHealthyForOrg,omitempty"`
	HasDefaultCredentials *bool  `json:"hasDefaultCredentials,omitempty"`
	Complete              *bool  `json:"complete,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// ConnectorStatusList is connectorStatus's answer: every connector's status (counts the
// server adds are in Extra()).
type ConnectorStatusList struct {
	List []ConnectorStatus `json:"list"`

	Raw json.RawMessage `json:"-"`
}

// CheckConnectionResponse is the status a check found. A failed check is still an answer,
// with status disconnected or error.
type CheckConnectionResponse struct {
	ID     string            `json:"id" openint:"required"`
	Status *ConnectionStatus `json:"status,omitempty"`
	// StatusMessage can contain text from the provider's answer, secrets included.
	StatusMessage *string `json:"status_message,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// Deleted is what a delete returns: the id deleted.
type Deleted struct {
	ID string `json:"id" openint:"required"`

	Raw json.RawMessage `json:"-"`
}

// Health is health's answer.
type Health struct {
	OK *bool `json:"ok,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// HealthEcho is healthEcho's answer: the body sent, as the server read it.
type HealthEcho struct {
	Input json.RawMessage `json:"input,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// WebhookResponse is what the connector's handler made of a webhook.
type WebhookResponse struct {
	Status string          `json:"status" openint:"required"`
	Info   json.RawMessage `json:"info,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// MessageTemplate is messageTemplate's answer.
type MessageTemplate struct {
	Language string `json:"language" openint:"required"`
	Template string `json:"template" openint:"required"`

	Raw json.RawMessage `json:"-"`
}

// Each model has a twin: a type with its fields and none of its methods, which the decoder
// (decode.go) fills field by field without calling the model's UnmarshalJSON back.
type (
	connectorFields               Connector
	connectionFields              Connection
	connectorConfigFields         ConnectorConfig
	customerFields                Customer
	customerSummaryFields         CustomerSummary
	eventFields                   Event
	createTokenResponseFields     CreateTokenResponse
	viewerFields                  Viewer
	connectorStatusFields         ConnectorStatus
	connectorStatusListFields     ConnectorStatusList
	checkConnectionResponseFields CheckConnectionResponse
	deletedFields                 Deleted
	healthFields                  Health
	healthEchoFields              HealthEcho
	webhookResponseFields         WebhookResponse
	messageTemplateFields         MessageTemplate
)

// UnmarshalJSON decodes the known fields, insists on the required ones, and keeps a copy of
// the JSON in Raw.
func (c *Connector) UnmarshalJSON(data []byte) error { return unmarshalModel(data, c) }

// Extra returns the top-level fields of Raw this version of the package does not know, e.g.
// fields the API added later. It is nil when there are none.
func (c *Connector) Extra() map[string]json.RawMessage { return extraFields[Connector](c.Raw) }

func (c *Connector) twin() (any, *json.RawMessage) { return (*connectorFields)(c), &c.Raw }

func (c *Connection) UnmarshalJSON(data []byte) error   { return unmarshalModel(data, c) }
func (c *Connection) Extra() map[string]json.RawMessage { return extraFields[Connection](c.Raw) }
func (c *Connection) twin() (any, *json.RawMessage)     { return (*connectionFields)(c), &c.Raw }

func (c *ConnectorConfig) UnmarshalJSON(data []byte) error { return unmarshalModel(data, c) }
func (c *ConnectorConfig) Extra() map[string]json.RawMessage {
	return extraFields[ConnectorConfig](c.Raw)
}
func (c *ConnectorConfig) twin() (any, *json.RawMessage) { return (*connectorConfigFields)(c), &c.Raw }

func (c *Customer) UnmarshalJSON(data []byte) error   { return unmarshalModel(data, c) }
func (c *Customer) Extra() map[string]json.RawMessage { return extraFields[Customer](c.Raw) }
func (c *Customer) twin() (any, *json.RawMessage)     { return (*customerFields)(c), &c.Raw }

func (c *CustomerSummary) UnmarshalJSON(data []byte) error { return unmarshalModel(data, c) }
func (c *CustomerSummary) Extra() map[string]json.RawMessage {
	return extraFields[CustomerSummary](c.Raw)
}
func (c *CustomerSummary) twin() (any, *json.RawMessage) { return (*customerSummaryFields)(c), &c.Raw }

func (e *Event) UnmarshalJSON(data []byte) error   { return unmarshalModel(data, e) }
func (e *Event) Extra() map[string]json.RawMessage { return extraFields[Event](e.Raw) }
func (e *Event) twin() (any, *json.RawMessage)     { return (*eventFields)(e), &e.Raw }

func (t *CreateTokenResponse) UnmarshalJSON(data []byte) error { return unmarshalModel(data, t) }
func (t *CreateTokenResponse) Extra() map[string]json.RawMessage {
	return extraFields[CreateTokenResponse](t.Raw)
}
func (t *CreateTokenResponse) twin() (any, *json.RawMessage) {
	return (*createTokenResponseFields)(t), &t.Raw
}

func (v *Viewer) UnmarshalJSON(data []byte) error   { return unmarshalModel(data, v) }
func (v *Viewer) Extra() map[string]json.RawMessage { return extraFields[Viewer](v.Raw) }
func (v *Viewer) twin() (any, *json.RawMessage)     { return (*viewerFields)(v), &v.Raw }

func (s *ConnectorStatus) UnmarshalJSON(data []byte) error { return unmarshalModel(data, s) }
func (s *ConnectorStatus) Extra() map[string]json.RawMessage {
	return extraFields[ConnectorStatus](s.Raw)
}
func (s *ConnectorStatus) twin() (any, *json.RawMessage) { return (*connectorStatusFields)(s), &s.Raw }

func (l *ConnectorStatusList) UnmarshalJSON(data []byte) error { return unmarshalModel(data, l) }
func (l *ConnectorStatusList) Extra() map[string]json.RawMessage {
	return extraFields[ConnectorStatusList](l.Raw)
}
func (l *ConnectorStatusList) twin() (any, *json.RawMessage) {
	return (*connectorStatusListFields)(l), &l.Raw
}

func (r *CheckConnectionResponse) UnmarshalJSON(data []byte) error { return unmarshalModel(data, r) }
func (r *CheckConnectionResponse) Extra() map[string]json.RawMessage {
	return extraFields[CheckConnectionResponse](r.Raw)
}
func (r *CheckConnectionResponse) twin() (any, *json.RawMessage) {
	return (*checkConnectionResponseFields)(r), &r.Raw
}

func (d *Deleted) UnmarshalJSON(data []byte) error   { return unmarshalModel(data, d) }
func (d *Deleted) Extra() map[string]json.RawMessage { return extraFields[Deleted](d.Raw) }
func (d *Deleted) twin() (any, *json.RawMessage)     { return (*deletedFields)(d), &d.Raw }

func (h *Health) UnmarshalJSON(data []byte) error   { return unmarshalModel(data, h) }
func (h *Health) Extra() map[string]json.RawMessage { return extraFields[Health](h.Raw) }
func (h *Health) twin() (any, *json.RawMessage)     { return (*healthFields)(h), &h.Raw }

func (h *HealthEcho) UnmarshalJSON(data []byte) error   { return unmarshalModel(data, h) }
func (h *HealthEcho) Extra() map[string]json.RawMessage { return extraFields[HealthEcho](h.Raw) }
func (h *HealthEcho) twin() (any, *json.RawMessage)     { return (*healthEchoFields)(h), &h.Raw }

func (w *WebhookResponse) UnmarshalJSON(data []byte) error { return unmarshalModel(data, w) }
func (w *WebhookResponse) Extra() map[string]json.RawMessage {
	return extraFields[WebhookResponse](w.Raw)
}
func (w *WebhookResponse) twin() (any, *json.RawMessage) { return (*webhookResponseFields)(w), &w.Raw }

func (m *MessageTemplate) UnmarshalJSON(data []byte) error { return unmarshalModel(data, m) }
func (m *MessageTemplate) Extra() map[string]json.RawMessage {
	return extraFields[MessageTemplate](m.Raw)
}
func (m *MessageTemplate) twin() (any, *json.RawMessage) { return (*messageTemplateFields)(m), &m.Raw }

// Secret-bearing models print and log without their secrets. (Raw and the fields themselves
// still hold them; json.Marshal includes them.)

func set[T any](p *T) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprint(*p)
}

func redacted(present bool) string {
	if present {
		return "[REDACTED]"
	}
	return "<nil>"
}

// String shows the connection without its settings and status message.
func (c Connection) String() string {
	return fmt.Sprintf("Connection{ID:%s ConnectorName:%s CustomerID:%s Status:%s Settings:%s StatusMessage:%s}",
		c.ID, set(c.ConnectorName), set(c.CustomerID), set(c.Status), redacted(c.Settings != nil), redacted(c.StatusMessage != nil))
}

// LogValue logs the connection without its settings and status message.
func (c Connection) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", c.ID), slog.String("connector_name", set(c.ConnectorName)),
		slog.String("customer_id", set(c.CustomerID)), slog.String("status", set(c.Status)))
}

// String shows the config without its configuration.
func (c ConnectorConfig) String() string {
	return fmt.Sprintf("ConnectorConfig{ID:%s ConnectorName:%s DisplayName:%s Disabled:%s Config:%s}",
		c.ID, set(c.ConnectorName), set(c.DisplayName), set(c.Disabled), redacted(c.Config != nil))
}

// LogValue logs the config without its configuration.
func (c ConnectorConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", c.ID), slog.String("connector_name", set(c.ConnectorName)))
}

// String shows the customer without its API key.
func (c Customer) String() string {
	return fmt.Sprintf("Customer{ID:%s OrgID:%s APIKey:%s}", c.ID, set(c.OrgID), redacted(c.APIKey != nil))
}

// LogValue logs the customer without its API key.
func (c Customer) LogValue() slog.Value { return slog.GroupValue(slog.String("id", c.ID)) }

// String shows that a token was made, not the token.
func (t CreateTokenResponse) String() string {
	return fmt.Sprintf("CreateTokenResponse{Token:%s MagicLinkURL:%s APIKey:%s}",
		redacted(t.Token != ""), redacted(t.MagicLinkURL != ""), redacted(t.APIKey != nil))
}

// LogValue logs nothing of the token.
func (t CreateTokenResponse) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }
