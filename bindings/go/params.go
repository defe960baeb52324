package openint

import (
	"encoding/json"
	"time"
)

// Parameters of the operations. Every operation that has parameters takes a pointer to its
// params struct, and nil means none (GetConnection(ctx, id, nil)).
//
// Inside a params struct, one idiom for what is optional: a nil pointer, slice or map means
// "not set" and is left out of the request, so the server's default applies; a set value is
// sent, zero values included. Set a scalar with Ptr:
//
//	&openint.UpdateConnectorConfigParams{Disabled: openint.Ptr(false)} // sends "disabled": false
//	&openint.ListConnectionsParams{Limit: openint.Ptr(0)}              // asks for zero items
//	&openint.ListConnectionsParams{}                                   // the server's 50, as nil
//
// The one exception says so in its type: the query flags IncludeSecrets, IncludePrompt and
// UseEnvironmentVariables are plain bools, sent only when true, because the server reads any
// value of them, false included, as true: false and "not set" are the same request.
//
// Limit is 0..3000 on every list: 0 means zero items (the server's meaning), nil the server's
// default page size (50). Required parameters are plain values. Integers are int, durations
// time.Duration. The library checks every parameter against its operation table (types,
// ranges, enums, id prefixes) before any request; an error (KindInvalidArgument) names the
// operation and the parameter.

// Ptr returns a pointer to v, to set an optional parameter.
func Ptr[T any](v T) *T { return &v }

// ConnectorExpand names extra data listConnectors can include.
type ConnectorExpand string

// ConnectorExpandSchemas adds each connector's JSON Schemas (Connector.Schemas).
const ConnectorExpandSchemas ConnectorExpand = "schemas"

// ConnectorConfigExpand names extra data of the connector config operations.
type ConnectorConfigExpand string

const (
	ConnectorConfigExpandConnector        ConnectorConfigExpand = "connector"
	ConnectorConfigExpandConnectorSchemas ConnectorConfigExpand = "connector.schemas"
	ConnectorConfigExpandConnectionCount  ConnectorConfigExpand = "connection_count"
)

// ConnectionExpand names extra data of the connection operations.
type ConnectionExpand string

const ConnectionExpandConnector ConnectionExpand = "connector"

// RefreshPolicy says whether reading a connection refreshes its credentials first.
type RefreshPolicy string

const (
	RefreshPolicyNone  RefreshPolicy = "none"
	RefreshPolicyForce RefreshPolicy = "force"
	RefreshPolicyAuto  RefreshPolicy = "auto"
)

// ConnectView is the Connect UI's first view.
type ConnectView string

const (
	ConnectViewAdd    ConnectView = "add"
	ConnectViewManage ConnectView = "manage"
)

// ListConnectorsParams are the query of listConnectors (GET /connector).
type ListConnectorsParams struct {
	// Limit is the page size, 0..3000: 0 asks for zero items, nil for the server's 50.
	Limit *int `json:"limit,omitzero"`
	// Offset is the number of connectors to skip.
	Offset *int `json:"offset,omitzero"`
	// Expand adds data to each connector, e.g. ConnectorExpandSchemas.
	Expand []ConnectorExpand `json:"expand,omitzero"`
}

// GetConnectorConfigParams are getConnectorConfig's, besides the id.
type GetConnectorConfigParams struct {
	Expand []ConnectorConfigExpand `json:"expand,omitzero"`
}

// UpdateConnectorConfigParams are updateConnectorConfig's, besides the id. Fields left nil are
// left unchanged.
type UpdateConnectorConfigParams struct {
	DisplayName *string `json:"display_name,omitzero"`
	Disabled    *bool   `json:"disabled,omitzero"`
	// Config replaces the stored configuration (not checked against the connector's schema).
	Config map[string]any `json:"config,omitzero"`
}

// ListConnectorConfigsParams are listConnectorConfigs'.
type ListConnectorConfigsParams struct {
	// Limit is the page size, 0..3000: 0 asks for zero items, nil for the server's 50.
	Limit  *int                    `json:"limit,omitzero"`
	Offset *int                    `json:"offset,omitzero"`
	Expand []ConnectorConfigExpand `json:"expand,omitzero"`
	// ConnectorNames keeps configs of these connectors (open strings: the server adds
	// connectors over time and answers 400 for an unknown one).
	ConnectorNames []string `json:"connector_names,omitzero"`
	SearchQuery    *string  `json:"search_query,omitzero"`
}

// CreateConnectorConfigParams are createConnectorConfig's.
type CreateConnectorConfigParams struct {
	ConnectorName string         `json:"connector_name"`
	DisplayName   *string        `json:"display_name,omitzero"`
	Disabled      *bool          `json:"disabled,omitzero"`
	Metadata      map[string]any `json:"metadata,omitzero"`
	// Config is checked against the connector's schema by the server; nil stores {}.
	Config map[string]any `json:"config,omitzero"`
}

// GetConnectionParams are getConnection's, besides the id.
type GetConnectionParams struct {
	// IncludeSecrets adds the credentials (Connection.Settings); sent only when true.
	IncludeSecrets bool               `json:"include_secrets,omitzero"`
	RefreshPolicy  *RefreshPolicy     `json:"refresh_policy,omitzero"`
	Expand         []ConnectionExpand `json:"expand,omitzero"`
}

// ListConnectionsParams are listConnections'.
type ListConnectionsParams struct {
	// Limit is the page size, 0..3000: 0 asks for zero items, nil for the server's 50.
	Limit             *int     `json:"limit,omitzero"`
	Offset            *int     `json:"offset,omitzero"`
	ConnectorNames    []string `json:"connector_names,omitzero"`
	CustomerID        *string  `json:"customer_id,omitzero"`
	ConnectorConfigID *string  `json:"connector_config_id,omitzero"`
	// IncludeSecrets adds the credentials (Connection.Settings); sent only when true.
	IncludeSecrets bool               `json:"include_secrets,omitzero"`
	Expand         []ConnectionExpand `json:"expand,omitzero"`
	SearchQuery    *string            `json:"search_query,omitzero"`
	RefreshPolicy  *RefreshPolicy     `json:"refresh_policy,omitzero"`
}

// ConnectionData is what createConnection imports: the connector and its credentials.
type ConnectionData struct {
	ConnectorName string `json:"connector_name"`
	// Settings are the credentials, checked against the connector's schema by the server.
	Settings map[string]any `json:"settings,omitzero"`
}

// CreateConnectionParams are createConnection's.
type CreateConnectionParams struct {
	ConnectorConfigID string         `json:"connector_config_id"`
	CustomerID        string         `json:"customer_id"`
	Data              ConnectionData `json:"data"`
	Metadata          map[string]any `json:"metadata,omitzero"`
	// CheckConnection checks the credentials with the provider before answering.
	CheckConnection *bool `json:"check_connection,omitzero"`
}

// ConnectOptions configure the Connect UI a token opens.
type ConnectOptions struct {
	ReturnURL      *string      `json:"return_url,omitzero"`
	ConnectorNames []string     `json:"connector_names,omitzero"`
	View           *ConnectView `json:"view,omitzero"`
	Debug          *bool        `json:"debug,omitzero"`
	IsEmbedded     *bool        `json:"is_embedded,omitzero"`
	HideNavigation *bool        `json:"hide_navigation,omitzero"`
}

// CreateTokenParams are createToken's, besides the customer id.
type CreateTokenParams struct {
	// Validity is how long the token and its magic link are valid (nil: the server's 30 days),
	// sent as validity_in_seconds (fractions included).
	Validity       *time.Duration  `json:"validity_in_seconds,omitzero"`
	ConnectOptions *ConnectOptions `json:"connect_options,omitzero"`
}

// MarshalJSON sends Validity in seconds, as the API counts it.
func (p CreateTokenParams) MarshalJSON() ([]byte, error) {
	var wire struct {
		Validity       *float64        `json:"validity_in_seconds,omitzero"`
		ConnectOptions *ConnectOptions `json:"connect_options,omitzero"`
	}
	if p.Validity != nil {
		s := p.Validity.Seconds()
		wire.Validity = &s
	}
	wire.ConnectOptions = p.ConnectOptions
	return json.Marshal(wire)
}

// ListEventsParams are listEvents'.
type ListEventsParams struct {
	// Limit is the page size, 0..3000: 0 asks for zero items, nil for the server's 50.
	Limit       *int    `json:"limit,omitzero"`
	Offset      *int    `json:"offset,omitzero"`
	SearchQuery *string `json:"search_query,omitzero"`
	// IncludePrompt adds each event's prompt; sent only when true.
	IncludePrompt bool `json:"include_prompt,omitzero"`
	// Since keeps events from this PostgreSQL timestamp on, e.g. "2026-01-01".
	Since *string `json:"since,omitzero"`
}

// UpsertCustomerParams are upsertCustomer's. Without an ID the server makes one.
type UpsertCustomerParams struct {
	ID *string `json:"id,omitzero"`
	// Metadata replaces the customer's (nil stores null).
	Metadata map[string]any `json:"metadata,omitzero"`
}

// ListCustomersParams are listCustomers'.
type ListCustomersParams struct {
	// Limit is the page size, 0..3000: 0 asks for zero items, nil for the server's 50.
	Limit       *int    `json:"limit,omitzero"`
	Offset      *int    `json:"offset,omitzero"`
	SearchQuery *string `json:"search_query,omitzero"`
}

// MessageTemplateParams are messageTemplate's.
type MessageTemplateParams struct {
	CustomerID string `json:"customer_id"`
	// Language is "javascript", the only one the server knows.
	Language *string `json:"language,omitzero"`
	// UseEnvironmentVariables writes the template for keys read from the environment; sent
	// only when true.
	UseEnvironmentVariables bool `json:"use_environment_variables,omitzero"`
}

// HealthEchoParams is the body healthEcho sends (and the server echoes back).
type HealthEchoParams map[string]any

// HandleWebhookParams is the provider's webhook body handleWebhook forwards.
type HandleWebhookParams map[string]any

// paramsJSON is the params object of an operation: *params' fields (none when params is nil),
// then path parameters (name, value pairs).
func paramsJSON[P any](params *P, path ...string) ([]byte, error) {
	b := []byte("{}")
	if params != nil {
		var err error
		if b, err = json.Marshal(params); err != nil {
			return nil, invalidArgument("params: %v", err)
		}
	}
	if len(path) == 0 {
		return b, nil
	}
	out := []byte{'{'}
	for i := 0; i+1 < len(path); i += 2 {
		name, _ := json.Marshal(path[i])
		value, _ := json.Marshal(path[i+1])
		if i > 0 {
			out = append(out, ',')
		}
		out = append(append(append(out, name...), ':'), value...)
	}
	if len(b) > 2 { // more than "{}"
		out = append(append(out, ','), b[1:]...)
		return out, nil
	}
	return append(out, '}'), nil
}
