package openint

// Per-call options (RequestOption), checked in what reaches the server.

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRequestTimeoutBoundsTheCall(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"latency_ms": 3000})
	c := newTestClient(t, s.BaseURL)
	_, err := c.Health(context.Background(), WithRequestTimeout(200*time.Millisecond))
	checkKind(t, err, KindTimeout, ErrTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("a request timeout claims to be a context's deadline")
	}
	if n := len(s.requests(t)); n != 1 {
		t.Fatalf("%d requests: the timeout covers the retries too", n)
	}
	// The sooner of the context's deadline and the option wins.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.Health(ctx, WithRequestTimeout(time.Hour))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
}

func TestMaxRetriesPerCall(t *testing.T) {
	t.Parallel()
	fail := map[string]any{"times": 10, "status": 503, "headers": map[string]string{"retry-after-ms": "5"}}
	for _, tc := range []struct {
		client, call, requests int
	}{{0, 2, 3}, {3, 0, 1}} {
		s := newScenario(t, map[string]any{"fail": fail})
		c := newTestClient(t, s.BaseURL, WithMaxRetries(tc.client))
		_, err := c.Health(context.Background(), WithMaxRetries(tc.call))
		if e := checkKind(t, err, KindInternalServer, ErrInternalServer); e.Retries != tc.requests-1 {
			t.Fatalf("client %d, call %d: %d retries", tc.client, tc.call, e.Retries)
		}
		if n := len(s.requests(t)); n != tc.requests {
			t.Fatalf("client %d, call %d: %d requests, want %d", tc.client, tc.call, n, tc.requests)
		}
	}
}

func TestExtraHeadersQueryAndBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey), WithHeader("X-Team", "core"), WithHeader("X-Keep", "1"))

	if _, err := c.Health(ctx, WithHeader("X-Team", "call"), WithHeader("X-Call", "yes"), WithoutHeader("X-Keep")); err != nil {
		t.Fatal(err)
	}
	h := lastRequest(t, s).Headers
	if h["x-team"] != "call" || h["x-call"] != "yes" || h["x-keep"] != "" || h["authorization"] != "Bearer "+s.OrgKey {
		t.Fatalf("headers %v", h)
	}
	if _, err := c.Health(ctx); err != nil {
		t.Fatal(err)
	}
	if h := lastRequest(t, s).Headers; h["x-team"] != "core" || h["x-keep"] != "1" || h["x-call"] != "" {
		t.Fatalf("a call's headers leaked into the next call: %v", h)
	}

	// A query parameter of the call replaces the operation's own.
	if _, err := c.ListConnectors(ctx, &ListConnectorsParams{Limit: Ptr(5)}, WithQuery("limit", "7"), WithQuery("x_new", "a b")); err != nil {
		t.Fatal(err)
	}
	r := lastRequest(t, s)
	if r.param("limit") != "7" || r.param("x_new") != "a b" {
		t.Fatalf("query %q", r.Query)
	}

	// Body fields are merged over the operation's; nil sends null.
	if _, err := c.UpsertCustomer(ctx, &UpsertCustomerParams{ID: Ptr("cus_x"), Metadata: map[string]any{"a": 1}},
		WithBodyField("metadata", map[string]any{"b": 2}), WithBodyField("x_new", nil)); err != nil {
		t.Fatal(err)
	}
	if got := lastRequest(t, s).bodyMap(t); !reflect.DeepEqual(got, map[string]any{"id": "cus_x", "metadata": map[string]any{"b": 2.0}, "x_new": nil}) {
		t.Fatalf("body %v", got)
	}
	if _, err := c.HealthEcho(ctx, HealthEchoParams{"a": 1}, WithBodyField("a", 2)); err != nil {
		t.Fatal(err)
	}
	if got := lastRequest(t, s).bodyMap(t); !reflect.DeepEqual(got, map[string]any{"a": 2.0}) {
		t.Fatalf("healthEcho body %v", got)
	}
}

// A create whose connection drops after the request went out is not retried, unless the call
// says so.
func TestRetryUnsafe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts     []RequestOption
		requests int
	}{{nil, 1}, {[]RequestOption{WithRetryUnsafe(true)}, 2}} {
		s := newScenario(t, map[string]any{"fail": map[string]any{"times": 1, "status": "drop"}})
		c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
		_, err := c.CreateConnectorConfig(context.Background(), &CreateConnectorConfigParams{ConnectorName: "toggl"}, tc.opts...)
		if tc.requests == 1 {
			checkKind(t, err, KindConnection, ErrConnection)
		} else if err != nil {
			t.Fatal(err)
		}
		if n := len(s.requests(t)); n != tc.requests {
			t.Fatalf("%d requests, want %d", n, tc.requests)
		}
	}
}

func TestResponseInto(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newScenario(t, map[string]any{"fail": map[string]any{"times": 1, "status": 503, "headers": map[string]string{"retry-after-ms": "5"}}})
	c := newTestClient(t, s.BaseURL)
	var r Response
	if _, err := c.Health(ctx, WithResponseInto(&r)); err != nil {
		t.Fatal(err)
	}
	if r.StatusCode != 200 || r.Retries != 1 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("response %+v", r)
	}
	var p Response
	page, err := c.ListConnectors(ctx, &ListConnectorsParams{Limit: Ptr(100)}, WithResponseInto(&p))
	if err != nil || p.StatusCode != 200 || p.Retries != 0 || p.Header.Get("Content-Length") == "" {
		t.Fatalf("list response %+v, %v", p, err)
	}
	var n Response
	if _, err := page.GetNextPage(ctx, WithResponseInto(&n)); err != nil || n.StatusCode != 200 {
		t.Fatalf("next page response %+v, %v", n, err)
	}
	// A failed call leaves it alone.
	bad := Response{StatusCode: -1}
	if _, err := c.GetConnection(ctx, "conn_nope", nil, WithResponseInto(&bad)); err == nil || bad.StatusCode != -1 {
		t.Fatalf("%v, %+v", err, bad)
	}
}

func TestBadRequestOptionsFailBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	for _, tc := range []struct {
		opt   RequestOption
		names string
	}{
		{WithRequestTimeout(0), "request timeout"},
		{WithRequestTimeout(-time.Second), "request timeout"},
		{WithPrefetch(0), "prefetch"},
		{WithPrefetch(65), "prefetch"},
		{WithHeader("Authorization", "Bearer other"), "Authorization"},
		{WithHeader("Bad Name", "x"), "Bad Name"},
		{WithBodyField("f", func() {}), "f"},
	} {
		_, err := c.HealthEcho(context.Background(), HealthEchoParams{}, tc.opt)
		e := checkKind(t, err, KindInvalidArgument, ErrInvalidArgument)
		if !strings.Contains(e.Message, tc.names) {
			t.Errorf("message does not name %q: %v", tc.names, err)
		}
	}
	if _, err := NewClient(WithBaseURL(s.BaseURL), WithMaxInFlight(0)); err == nil || !strings.Contains(err.Error(), "max in flight") {
		t.Fatalf("WithMaxInFlight(0): %v", err)
	}
	if _, err := NewClient(WithBaseURL(s.BaseURL), WithPrefetch(0)); err == nil || !strings.Contains(err.Error(), "prefetch") {
		t.Fatalf("client WithPrefetch(0): %v", err)
	}
	if n := len(s.requests(t)); n != 0 {
		t.Fatalf("%d requests made with bad options", n)
	}
}

// Bad params of any operation fail before any request, naming the operation and parameter.
func TestBadParamsOfEveryKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
	cases := []struct {
		call  func() error
		names []string
	}{
		{func() error { _, err := c.GetConnection(ctx, "", nil); return err }, []string{"getConnection", "id"}},
		{func() error { _, err := c.GetConnection(ctx, "ccfg_x", nil); return err }, []string{"getConnection", "conn_"}},
		{func() error {
			_, err := c.GetConnection(ctx, "conn_x", &GetConnectionParams{RefreshPolicy: Ptr(RefreshPolicy("sometimes"))})
			return err
		}, []string{"refresh_policy", "sometimes"}},
		{func() error {
			_, err := c.CreateConnectorConfig(ctx, &CreateConnectorConfigParams{ConnectorName: "toggl", Config: map[string]any{"x": math.NaN()}})
			return err
		}, []string{"params", "NaN"}},
		{func() error {
			_, err := c.HandleWebhook(ctx, "", HandleWebhookParams{})
			return err
		}, []string{"handleWebhook", "connector_name"}},
		{func() error {
			_, err := c.ListConnections(ctx, &ListConnectionsParams{ConnectorNames: []string{}})
			return err
		}, []string{"listConnections", "connector_names"}},
		{func() error {
			_, err := c.ListEvents(ctx, &ListEventsParams{Limit: Ptr(3001)})
			return err
		}, []string{"listEvents", "limit"}},
		{func() error {
			_, err := c.MessageTemplate(ctx, &MessageTemplateParams{Language: Ptr("python")})
			return err
		},
			[]string{"messageTemplate", "language"}},
	}
	for i, tc := range cases {
		err := tc.call()
		e := checkKind(t, err, KindInvalidArgument, ErrInvalidArgument)
		for _, name := range tc.names {
			if !strings.Contains(e.Message, name) {
				t.Errorf("case %d: message does not name %q: %v", i, name, err)
			}
		}
	}
	if n := len(s.requests(t)); n != 0 {
		t.Fatalf("%d requests made for bad params", n)
	}
}
