package openint

// The params objects the Go types make (what the library then validates and sends; the
// requests themselves are checked against the server's log in api_test.go).

import (
	"context"
	"testing"
	"time"
)

func TestParamsJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		what string
		got  func() ([]byte, error)
		want string
	}{
		{"nil params", func() ([]byte, error) { return paramsJSON[CreateTokenParams](nil, "customer_id", "c") }, `{"customer_id":"c"}`},
		{"a duration in seconds, fractions kept", func() ([]byte, error) {
			return paramsJSON(&CreateTokenParams{Validity: Ptr(1500 * time.Millisecond)})
		}, `{"validity_in_seconds":1.5}`},
		{"a zero duration is sent", func() ([]byte, error) { return paramsJSON(&CreateTokenParams{Validity: Ptr(time.Duration(0))}) }, `{"validity_in_seconds":0}`},
		{"no duration", func() ([]byte, error) { return paramsJSON(&CreateTokenParams{}) }, `{}`},
		{"a query flag's false is not sent", func() ([]byte, error) {
			return paramsJSON(&GetConnectionParams{IncludeSecrets: false}, "id", "conn_1")
		}, `{"id":"conn_1"}`},
		{"a query flag's true is", func() ([]byte, error) { return paramsJSON(&ListEventsParams{IncludePrompt: true}) }, `{"include_prompt":true}`},
		{"a body boolean's false is sent", func() ([]byte, error) { return paramsJSON(&UpdateConnectorConfigParams{Disabled: Ptr(false)}) }, `{"disabled":false}`},
		{"limit 0 is sent", func() ([]byte, error) { return paramsJSON(&ListConnectorsParams{Limit: Ptr(0)}) }, `{"limit":0}`},
	}
	for _, tc := range cases {
		got, err := tc.got()
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.what, got, err, tc.want)
		}
	}
}

// A duration goes out in seconds and the server takes it; 0 too (the spec sets no minimum).
func TestValidityIsSentInSeconds(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
	for d, want := range map[time.Duration]float64{90 * time.Second: 90, 2500 * time.Millisecond: 2.5, 0: 0} {
		if _, err := c.CreateToken(context.Background(), "cus_validity", &CreateTokenParams{Validity: Ptr(d)}); err != nil {
			t.Fatalf("%v: %v", d, err)
		}
		if got := lastRequest(t, s).bodyMap(t)["validity_in_seconds"]; got != want {
			t.Fatalf("%v: sent %v, want %v", d, got, want)
		}
	}
}
