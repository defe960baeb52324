package openint

// Typed settings (credentials.go) on connections the local server seeds with each shape the
// spec gives: an OAuth connector (hubspot), api_key (acme-apikey), apiKey (greenhouse), and a
// shape of its own (toggl's apiToken).

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParseSettingsOfEachShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newScenario(t, map[string]any{"seed": map[string]any{"connections": 8}})
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
	seen := map[string]int{}
	for conn, err := range c.ListConnectionsAutoPaging(ctx, &ListConnectionsParams{IncludeSecrets: true}) {
		if err != nil {
			t.Fatal(err)
		}
		st, err := conn.ParseSettings()
		if err != nil || st == nil {
			t.Fatalf("%s: %v, %v", conn.ID, st, err)
		}
		if string(st.Raw) != string(conn.Settings) {
			t.Fatalf("%s: Raw %s, Settings %s", conn.ID, st.Raw, conn.Settings)
		}
		var raw map[string]any // the same settings read generically, to check the typed view
		if err := json.Unmarshal(conn.Settings, &raw); err != nil {
			t.Fatal(err)
		}
		name := *conn.ConnectorName
		seen[name]++
		switch name {
		case "hubspot":
			creds := raw["oauth"].(map[string]any)["credentials"].(map[string]any)
			if st.OAuth == nil || st.OAuth.Credentials == nil {
				t.Fatalf("%s: no OAuth credentials in %s", conn.ID, conn.Settings)
			}
			oc := st.OAuth.Credentials
			if oc.AccessToken != creds["access_token"] || *oc.RefreshToken != creds["refresh_token"] ||
				*oc.ExpiresIn != creds["expires_in"] || *oc.TokenType != "bearer" ||
				st.AccessToken == nil || *st.AccessToken != oc.AccessToken || st.APIKey != nil {
				t.Fatalf("%s: %+v from %s", conn.ID, *oc, conn.Settings)
			}
			expiry, ok := oc.Expiry()
			want, _ := time.Parse(time.RFC3339Nano, creds["expires_at"].(string))
			if !ok || !expiry.Equal(want) || expiry.IsZero() {
				t.Fatalf("%s: Expiry %v %v, want %v", conn.ID, expiry, ok, want)
			}
			for _, shown := range []string{fmt.Sprint(st), fmt.Sprintf("%+v", *st.OAuth), logged(st)} {
				mustNotContain(t, "printed settings", shown, oc.AccessToken)
				mustNotContain(t, "printed settings", shown, *oc.RefreshToken)
			}
		case "acme-apikey", "greenhouse": // api_key and apiKey: the spec spells it both ways
			key := raw["api_key"]
			if key == nil {
				key = raw["apiKey"]
			}
			if st.APIKey == nil || *st.APIKey != key || st.OAuth != nil || st.AccessToken != nil {
				t.Fatalf("%s: APIKey %v from %s", conn.ID, st.APIKey, conn.Settings)
			}
			mustNotContain(t, "printed settings", fmt.Sprint(st)+logged(st), *st.APIKey)
		case "toggl": // a shape of its own: in Extra, as sent
			if st.APIKey != nil || st.OAuth != nil || string(st.Extra()["apiToken"]) != fmt.Sprintf("%q", raw["apiToken"]) {
				t.Fatalf("%s: %v, Extra %v from %s", conn.ID, st, st.Extra(), conn.Settings)
			}
		}
	}
	if len(seen) != 4 {
		t.Fatalf("connectors seen: %v", seen)
	}

	// Without IncludeSecrets there are no settings to parse.
	page, err := c.ListConnections(ctx, nil)
	if err != nil || len(page.Items) == 0 {
		t.Fatal(page, err)
	}
	if st, err := page.Items[0].ParseSettings(); st != nil || err != nil {
		t.Fatalf("without secrets: %v, %v", st, err)
	}
}

func TestParseSettingsOddInputs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`[1]`:                            "expected an object",
		`{"api_key":5}`:                  "api_key: expected a string, got a number",
		`{"apiKey":false}`:               "apiKey",
		`{"oauth":{"credentials":"x"}}`:  "oauth.credentials: expected an object",
		`{"oauth":{"credentials":{}}} x`: "after top-level value",
	} {
		conn := Connection{ID: "conn_1", Settings: json.RawMessage(in)}
		st, err := conn.ParseSettings()
		if e, ok := err.(*Error); !ok || e.Kind != KindDecode || !strings.Contains(e.Message, want) || !strings.Contains(e.Message, "conn_1") {
			t.Errorf("%s: %v, %v; want a decode error saying %q", in, st, err, want)
		}
	}
	// Both spellings: api_key wins. A time that is not RFC 3339 has no Expiry.
	conn := Connection{Settings: json.RawMessage(`{"apiKey":"b","api_key":"a","oauth":{"credentials":{"access_token":"t","expires_at":"tomorrow"}}}`)}
	st, err := conn.ParseSettings()
	if err != nil || *st.APIKey != "a" || st.OAuth.Credentials.AccessToken != "t" {
		t.Fatalf("%v, %v", st, err)
	}
	if _, ok := st.OAuth.Credentials.Expiry(); ok {
		t.Fatal("Expiry of \"tomorrow\"")
	}
	// encoding/json reads them the same way.
	var viaJSON ConnectionSettings
	if err := json.Unmarshal(conn.Settings, &viaJSON); err != nil || *viaJSON.APIKey != "a" || string(viaJSON.Raw) != string(conn.Settings) {
		t.Fatalf("json.Unmarshal: %v, %v", viaJSON, err)
	}
}

// logged is what slog's JSON handler writes for v.
func logged(v any) string {
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "v", v)
	return b.String()
}
