// Package decoderbench compares JSON decoders on the pages of a 20,000-connector listing
// (bench.sh decoders): the standard library's encoding/json (the baseline's decoder), JSON v2
// as the Go module uses it (decode.go), goccy/go-json, bytedance/sonic, and easyjson's
// generated per-model code. Each fills Connector items with Raw set (except the plain
// baseline, which has no Raw), so each does the module's job.
package decoderbench

import "encoding/json"

// Copies of models.go's Connector and the types it holds (the same fields and tags), so that
// this module needs neither cgo nor the library.

type (
	Stage    string
	AuthType string
	Platform string
)

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

type Scope struct {
	Scope       string  `json:"scope"`
	DisplayName *string `json:"display_name,omitempty"`
	Description *string `json:"description,omitempty"`
}

type ConnectorSchemas struct {
	ConnectorConfig    json.RawMessage `json:"connector_config,omitempty"`
	ConnectionSettings json.RawMessage `json:"connection_settings,omitempty"`
	IntegrationData    json.RawMessage `json:"integration_data,omitempty"`
	WebhookInput       json.RawMessage `json:"webhook_input,omitempty"`
	PreConnectInput    json.RawMessage `json:"pre_connect_input,omitempty"`
	ConnectInput       json.RawMessage `json:"connect_input,omitempty"`
	ConnectOutput      json.RawMessage `json:"connect_output,omitempty"`
}

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

// connectorFields is Connector's fields without its methods (decode.go's twin).
//
//easyjson:json
type connectorFields Connector

// plainConnector is what the net/http baseline decodes into (bench_test.go's plainConnector).
type plainConnector struct {
	Name                  string            `json:"name"`
	DisplayName           *string           `json:"display_name,omitempty"`
	LogoURL               *string           `json:"logo_url,omitempty"`
	Stage                 *Stage            `json:"stage,omitempty"`
	Platforms             []Platform        `json:"platforms,omitempty"`
	Schemas               *ConnectorSchemas `json:"schemas,omitempty"`
	AuthType              *AuthType         `json:"auth_type,omitempty"`
	RequiredScopes        []string          `json:"required_scopes,omitempty"`
	OpenintDefaultScopes  []string          `json:"openint_default_scopes,omitempty"`
	OpenintAllowedScopes  []string          `json:"openint_allowed_scopes,omitempty"`
	Scopes                []Scope           `json:"scopes,omitempty"`
	HasOpenintCredentials *bool             `json:"has_openint_credentials,omitempty"`
	Integrations          []Integration     `json:"integrations,omitempty"`
}
