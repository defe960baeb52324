package openint

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

// Typed access to a connection's credentials. Connection.Settings stays the raw JSON the
// server sent (each connector has its own shape: the spec lists about 170); ParseSettings reads
// the parts the spec gives most connectors: the OAuth credentials and the API key.

// ConnectionSettings is the typed view of Connection.Settings. fmt and slog show none of its
// secrets.
type ConnectionSettings struct {
	// OAuth holds an OAuth connector's credentials (settings.oauth), nil for other connectors.
	OAuth *OAuthSettings `json:"oauth,omitempty"`
	// AccessToken is settings.access_token: OAuth connectors send a copy of
	// OAuth.Credentials.AccessToken here (older connections may lack it), and a few others
	// their own token (finch, twenty).
	AccessToken *string `json:"access_token,omitempty"`
	// APIKey is the connector's API key: settings.api_key (acme-apikey, apollo), or
	// settings.apiKey (airtable, coda, greenhouse); the spec spells it both ways.
	APIKey *string `json:"api_key,omitempty"`

	// Raw is the settings' JSON as sent (the same bytes as Connection.Settings). Extra()
	// returns the fields this type does not name, e.g. toggl's apiToken or stripe's secretKey.
	Raw json.RawMessage `json:"-"`
}

// OAuthSettings are an OAuth connector's settings.oauth.
type OAuthSettings struct {
	Credentials   *OAuthCredentials `json:"credentials,omitempty"`
	CreatedAt     *string           `json:"created_at,omitempty"`
	UpdatedAt     *string           `json:"updated_at,omitempty"`
	LastFetchedAt *string           `json:"last_fetched_at,omitempty"`
	Metadata      json.RawMessage   `json:"metadata,omitempty"`
}

// OAuthCredentials are the tokens an OAuth connection holds (settings.oauth.credentials).
type OAuthCredentials struct {
	AccessToken  string  `json:"access_token"`
	RefreshToken *string `json:"refresh_token,omitempty"`
	// ExpiresIn is the access token's lifetime in seconds, as the provider gave it.
	ExpiresIn *float64 `json:"expires_in,omitempty"`
	// ExpiresAt is when the access token expires, an ISO 8601 time (see Expiry).
	ExpiresAt *string `json:"expires_at,omitempty"`
	TokenType *string `json:"token_type,omitempty"`
	Scope     *string `json:"scope,omitempty"`
	ClientID  *string `json:"client_id,omitempty"`
	// ProviderResponse is the provider's own token answer (credentials.raw), when kept.
	ProviderResponse json.RawMessage `json:"raw,omitempty"`
}

// Expiry is ExpiresAt as a time.Time; false when it is absent or not an RFC 3339 time.
func (c *OAuthCredentials) Expiry() (time.Time, bool) {
	if c == nil || c.ExpiresAt == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, *c.ExpiresAt)
	return t, err == nil
}

// ParseSettings reads Settings into their typed view. It returns nil, nil when the connection
// came without settings (they come only with IncludeSecrets), and a KindDecode error when they
// are not a JSON object of the spec's shape.
func (c *Connection) ParseSettings() (*ConnectionSettings, error) {
	if len(c.Settings) == 0 || string(c.Settings) == "null" {
		return nil, nil
	}
	s := new(ConnectionSettings)
	if err := s.decode(c.Settings); err != nil {
		return nil, decodeError("connection %s: settings: %v", c.ID, err)
	}
	return s, nil
}

func (s *ConnectionSettings) decode(data []byte) error {
	if err := decodeModel(data, s); err != nil {
		return err
	}
	if s.APIKey == nil {
		if v, ok := s.Extra()["apiKey"]; ok {
			var key string
			if err := jsonv2.Unmarshal(v, &key); err != nil {
				return fmt.Errorf("apiKey: %v", err)
			}
			s.APIKey = &key
		}
	}
	return nil
}

type connectionSettingsFields ConnectionSettings

func (s *ConnectionSettings) twin() (any, *json.RawMessage) {
	return (*connectionSettingsFields)(s), &s.Raw
}

// UnmarshalJSON reads settings as ParseSettings does, on a copy of data.
func (s *ConnectionSettings) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	return s.decode(append([]byte(nil), data...))
}

// Extra returns the top-level fields of Raw this type does not name (nil when none).
func (s *ConnectionSettings) Extra() map[string]json.RawMessage {
	return extraFields[ConnectionSettings](s.Raw)
}

// String shows which credentials are present, not their values.
func (s ConnectionSettings) String() string {
	var creds *OAuthCredentials
	if s.OAuth != nil {
		creds = s.OAuth.Credentials
	}
	return fmt.Sprintf("ConnectionSettings{OAuth:%v AccessToken:%s APIKey:%s}",
		creds, redacted(s.AccessToken != nil), redacted(s.APIKey != nil))
}

// LogValue logs which credentials are present, not their values.
func (s ConnectionSettings) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("oauth", s.OAuth != nil), slog.Bool("access_token", s.AccessToken != nil),
		slog.Bool("api_key", s.APIKey != nil))
}

// String shows the token's type and expiry, not the tokens.
func (c OAuthCredentials) String() string {
	return fmt.Sprintf("OAuthCredentials{AccessToken:%s RefreshToken:%s TokenType:%s ExpiresAt:%s}",
		redacted(c.AccessToken != ""), redacted(c.RefreshToken != nil), set(c.TokenType), set(c.ExpiresAt))
}

// LogValue logs the token's type and expiry, not the tokens.
func (c OAuthCredentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token_type", set(c.TokenType)), slog.String("expires_at", set(c.ExpiresAt)))
}

// String shows the OAuth settings without their tokens.
func (o OAuthSettings) String() string {
	return fmt.Sprintf("OAuthSettings{Credentials:%v LastFetchedAt:%s}", o.Credentials, set(o.LastFetchedAt))
}
