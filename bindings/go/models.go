package openint

import (
	"bytes"
	"encoding/json"
	"errors"
)

// The real server omits most fields and adds fields and enum values before any schema lists
// them (API-NOTES). So: only Name is required, optional fields are pointers or nil slices,
// enums are plain string types that keep any value, and each Connector keeps its item's JSON
// exactly as the server sent it (Raw), from which Extra recovers the fields this version does
// not know.

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

// Expand names extra data GET /connector can include.
type Expand string

// ExpandSchemas adds each connector's JSON Schemas (Connector.Schemas).
const ExpandSchemas Expand = "schemas"

// Connector is one item of GET /connector.
type Connector struct {
	Name                  string            `json:"name"`
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
// nil here; Connector.Raw tells them apart.
type Integration struct {
	ID            *string         `json:"id,omitempty"`
	Standard      json.RawMessage `json:"standard,omitempty"`   // any JSON value
	External      json.RawMessage `json:"external,omitempty"`   // any JSON value
	CreatedAt     *string         `json:"created_at,omitempty"` // PostgreSQL text, e.g. "2026-11-27 21:33:04.647469+00"
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

// UnmarshalJSON decodes the known fields, insists on "name", and keeps a copy of the item's
// JSON in Raw.
func (c *Connector) UnmarshalJSON(data []byte) error {
	return c.decode(bytes.Clone(data))
}

// decode fills c from raw, which it keeps as Raw (the caller hands it over).
func (c *Connector) decode(raw []byte) error {
	type fields Connector // the same fields without the UnmarshalJSON method
	var v struct {
		*fields
		Name *string `json:"name"` // shadows fields.Name so a missing "name" is seen
	}
	*c = Connector{}
	v.fields = (*fields)(c)
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	if v.Name == nil {
		return errMissingName
	}
	c.Name = *v.Name
	c.Raw = raw
	return nil
}

var errMissingName = errors.New(`connector has no "name"`)

// knownConnectorFields are the JSON keys Connector decodes.
var knownConnectorFields = map[string]bool{
	"name": true, "display_name": true, "logo_url": true, "stage": true, "platforms": true,
	"schemas": true, "auth_type": true, "required_scopes": true, "openint_default_scopes": true,
	"openint_allowed_scopes": true, "scopes": true, "has_openint_credentials": true,
	"integrations": true,
}

// Extra returns the top-level fields of Raw this version of the package does not know, e.g.
// fields the API added later. It is nil when there are none.
func (c *Connector) Extra() map[string]json.RawMessage {
	var all map[string]json.RawMessage
	if json.Unmarshal(c.Raw, &all) != nil {
		return nil
	}
	var extra map[string]json.RawMessage
	for k, v := range all {
		if !knownConnectorFields[k] {
			if extra == nil {
				extra = map[string]json.RawMessage{}
			}
			extra[k] = v
		}
	}
	return extra
}
