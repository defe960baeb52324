package openint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

var allSentinels = []error{
	ErrInvalidArgument, ErrConnection, ErrTimeout, ErrBadRequest, ErrAuthentication,
	ErrPermissionDenied, ErrNotFound, ErrConflict, ErrUnprocessableEntity, ErrRateLimited,
	ErrInternalServer, ErrAPIStatus, ErrDecode, ErrBodyTooLarge, ErrInternal,
}

// checkKind asserts err is an *Error of kind k that matches exactly one sentinel, k's.
func checkKind(t testing.TB, err error, k Kind, sentinel error) *Error {
	t.Helper()
	e := asError(t, err)
	if e.Kind != k {
		t.Fatalf("kind %v, want %v (%v)", e.Kind, k, err)
	}
	for _, s := range allSentinels {
		if errors.Is(err, s) != (s == sentinel) {
			t.Fatalf("errors.Is(%v, %v) = %v", err, s, errors.Is(err, s))
		}
	}
	return e
}

func listOnce(c *Client) error {
	_, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(5)})
	return err
}

func TestStatusMapping(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status   int
		kind     Kind
		sentinel error
	}{
		{400, KindBadRequest, ErrBadRequest},
		{401, KindAuthentication, ErrAuthentication},
		{403, KindPermissionDenied, ErrPermissionDenied},
		{404, KindNotFound, ErrNotFound},
		{409, KindConflict, ErrConflict},
		{422, KindUnprocessableEntity, ErrUnprocessableEntity},
		{429, KindRateLimited, ErrRateLimited},
		{500, KindInternalServer, ErrInternalServer},
		{502, KindInternalServer, ErrInternalServer},
		{503, KindInternalServer, ErrInternalServer},
		{504, KindInternalServer, ErrInternalServer},
		{599, KindInternalServer, ErrInternalServer},
		{501, KindAPIStatus, ErrAPIStatus}, // Not Implemented: an answer, not a failure
		{410, KindAPIStatus, ErrAPIStatus},
		{418, KindAPIStatus, ErrAPIStatus},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			s := newScenario(t, map[string]any{"status": tc.status, "error_headers": map[string]string{"x-request-id": "req_" + fmt.Sprint(tc.status)}})
			c := newTestClient(t, s.BaseURL, WithMaxRetries(0))
			err := listOnce(c)
			e := checkKind(t, err, tc.kind, tc.sentinel)
			var body struct{ Message, Code string }
			if jerr := json.Unmarshal([]byte(e.Body), &body); jerr != nil {
				t.Fatalf("Body is not the server's JSON: %q", e.Body)
			}
			if e.StatusCode != tc.status || e.Message != body.Message || e.Code != body.Code || body.Code == "" {
				t.Fatalf("got status %d message %q code %q; body %s", e.StatusCode, e.Message, e.Code, e.Body)
			}
			if e.RequestID != "req_"+fmt.Sprint(tc.status) || !strings.Contains(err.Error(), e.RequestID) {
				t.Fatalf("request id %q, error %q", e.RequestID, err)
			}
			if e.Header.Get("X-Request-Id") != e.RequestID || e.Header.Get("Content-Type") == "" {
				t.Fatalf("the error answer's headers: %v", e.Header)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d %s", tc.status, e.Code)) {
				t.Fatalf("Error() = %q", err)
			}
			if n := len(s.requests(t)); n != 1 {
				t.Fatalf("%d requests with max retries 0", n)
			}
		})
	}
}

// The retry policy lives in the library; these check that the Go client gets it.
func TestRetries(t *testing.T) {
	t.Parallel()
	fast := map[string]string{"retry-after-ms": "10"}
	cases := []struct {
		name     string
		fail     map[string]any
		retries  int
		requests int
		kind     Kind // 0: success
	}{
		{"503 then success", map[string]any{"times": 2, "status": 503, "headers": fast}, 2, 3, 0},
		{"429 then success", map[string]any{"times": 1, "status": 429, "headers": fast}, 2, 2, 0},
		{"409 then success", map[string]any{"times": 1, "status": 409, "headers": fast}, 2, 2, 0},
		{"dropped connection then success", map[string]any{"times": 1, "status": "drop"}, 2, 2, 0},
		{"dropped connection, no retries", map[string]any{"times": 1, "status": "drop"}, 0, 1, KindConnection},
		{"retries exhausted", map[string]any{"times": 10, "status": 502, "headers": fast}, 2, 3, KindInternalServer},
		{"400 is not retried", map[string]any{"times": 1, "status": 400}, 2, 1, KindBadRequest},
		{"404 is not retried", map[string]any{"times": 1, "status": 404}, 2, 1, KindNotFound},
		{"x-should-retry false wins", map[string]any{"times": 1, "status": 503, "headers": map[string]string{"x-should-retry": "false"}}, 2, 1, KindInternalServer},
		{"x-should-retry true wins", map[string]any{"times": 1, "status": 400, "headers": map[string]string{"x-should-retry": "true", "retry-after-ms": "10"}}, 2, 2, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScenario(t, map[string]any{"fail": tc.fail})
			c := newTestClient(t, s.BaseURL, WithMaxRetries(tc.retries))
			err := listOnce(c)
			if tc.kind == 0 && err != nil {
				t.Fatalf("got %v, want success", err)
			}
			if tc.kind != 0 {
				e := asError(t, err)
				if e.Kind != tc.kind || e.Retries != tc.requests-1 {
					t.Fatalf("got kind %v after %d retries, want %v after %d (%v)", e.Kind, e.Retries, tc.kind, tc.requests-1, err)
				}
				if e.Retries > 0 && !strings.Contains(err.Error(), fmt.Sprintf("after %d retries", e.Retries)) {
					t.Fatalf("Error() does not say how many retries: %q", err)
				}
			}
			if n := len(s.requests(t)); n != tc.requests {
				t.Fatalf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}

// Retry-After asks for longer than the library's own first back-off (at most 0.5 s).
func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"fail": map[string]any{"times": 1, "status": 429, "headers": map[string]string{"Retry-After": "1"}}})
	c := newTestClient(t, s.BaseURL)
	start := time.Now()
	if err := listOnce(c); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Fatalf("retried after %v, before the 1 s the server asked for", waited)
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	t.Parallel()
	html := "<html><body>502 Bad Gateway from the proxy</body></html>"
	s := newScenario(t, map[string]any{"fail": map[string]any{"times": 1, "status": 502, "body": html, "content_type": "text/html"}})
	c := newTestClient(t, s.BaseURL, WithMaxRetries(0))
	e := checkKind(t, listOnce(c), KindInternalServer, ErrInternalServer)
	if e.StatusCode != 502 || e.Body != html || e.Code != "" || !strings.Contains(e.Message, "502") {
		t.Fatalf("got %+v", e)
	}
}

func TestBadBodies(t *testing.T) {
	t.Parallel()
	t.Run("html with status 200", func(t *testing.T) {
		t.Parallel()
		s := newScenario(t, map[string]any{"non_json": true})
		checkKind(t, listOnce(newTestClient(t, s.BaseURL)), KindDecode, ErrDecode)
	})
	t.Run("body cut off", func(t *testing.T) {
		t.Parallel()
		s := newScenario(t, map[string]any{"truncate": true})
		checkKind(t, listOnce(newTestClient(t, s.BaseURL, WithMaxRetries(0))), KindConnection, ErrConnection)
	})
	t.Run("body over the cap", func(t *testing.T) {
		t.Parallel()
		s := newScenario(t, nil)
		e := checkKind(t, listOnce(newTestClient(t, s.BaseURL, WithMaxBodyBytes(1000))), KindBodyTooLarge, ErrBodyTooLarge)
		if !strings.Contains(e.Message, "1000") {
			t.Fatalf("message does not name the cap: %q", e.Message)
		}
	})
	t.Run("gzip", func(t *testing.T) {
		t.Parallel()
		s := newScenario(t, map[string]any{"gzip": true})
		got := listAll(t, newTestClient(t, s.BaseURL), &ListConnectorsParams{Limit: Ptr(100)})
		want := oracle(t, 171, false)
		if len(got) != len(want) {
			t.Fatalf("%d items", len(got))
		}
		for i := range got {
			checkConnector(t, got[i], want[i])
		}
		if !strings.Contains(s.requests(t)[0].Headers["accept-encoding"], "gzip") {
			t.Fatal("the client did not ask for gzip, so the test proved nothing")
		}
	})
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newTestClient(t, "http://"+addr+"/v1", WithMaxRetries(0))
	checkKind(t, listOnce(c), KindConnection, ErrConnection)
}

func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"latency_ms": 3000})
	c := newTestClient(t, s.BaseURL, WithTimeout(200*time.Millisecond), WithMaxRetries(0))
	err := listOnce(c)
	checkKind(t, err, KindTimeout, ErrTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("a client timeout without a context deadline claims to be the context's")
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	const token = "sk_test_Gx7secret"
	s := newScenario(t, map[string]any{"token": token})
	checkKind(t, listOnce(newTestClient(t, s.BaseURL)), KindPermissionDenied, ErrPermissionDenied)
	const wrong = "sk_test_WRONGsecret"
	err := listOnce(newTestClient(t, s.BaseURL, WithToken(wrong)))
	e := checkKind(t, err, KindAuthentication, ErrAuthentication)
	for what, text := range map[string]string{"Error()": err.Error(), "Message": e.Message, "Body": e.Body, "RequestID": e.RequestID, "%+v": fmt.Sprintf("%+v", e)} {
		mustNotContain(t, what, text, wrong)
	}
	if err := listOnce(newTestClient(t, s.BaseURL, WithToken(token))); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests(t)
	if got := reqs[len(reqs)-1].Headers["authorization"]; got != "Bearer "+token {
		t.Fatalf("Authorization %q", got)
	}
}

// A server or proxy may echo the token back; the library scrubs it from every field.
func TestTokenEchoedByServerIsRedacted(t *testing.T) {
	t.Parallel()
	const token = "sk_live_EchoMe42"
	body := `{"message":"invalid token sk_live_EchoMe42","code":"UNAUTHORIZED"}`
	s := newScenario(t, map[string]any{"fail": map[string]any{"times": 1, "status": 401, "body": body,
		"headers": map[string]string{"x-request-id": "id-" + token}}})
	c := newTestClient(t, s.BaseURL, WithToken(token))
	err := listOnce(c)
	e := checkKind(t, err, KindAuthentication, ErrAuthentication)
	for what, text := range map[string]string{"Error()": err.Error(), "Message": e.Message, "Body": e.Body, "RequestID": e.RequestID} {
		mustNotContain(t, what, text, token)
	}
	if !strings.Contains(e.Message, "invalid token") {
		t.Fatalf("message lost more than the token: %q", e.Message)
	}
}

// The token must never reach another origin: the library refuses the redirect.
func TestCrossOriginRedirectIsRefused(t *testing.T) {
	t.Parallel()
	const token = "sk_test_NoLeak"
	s := newScenario(t, map[string]any{"redirect": "other_origin", "token": token})
	c := newTestClient(t, s.BaseURL, WithToken(token))
	err := listOnce(c)
	e := checkKind(t, err, KindAPIStatus, ErrAPIStatus)
	if e.StatusCode != 302 || !strings.Contains(e.Message, "another origin") {
		t.Fatalf("got %+v", e)
	}
	mustNotContain(t, "Error()", err.Error(), token)
	for _, r := range s.requests(t) {
		if r.Port != "main" {
			t.Fatalf("the client followed the redirect to the other origin: %+v", r)
		}
	}
}

func TestSameOriginRedirectIsFollowed(t *testing.T) {
	t.Parallel()
	const token = "sk_test_Follow"
	s := newScenario(t, map[string]any{"redirect": "same_origin", "token": token})
	c := newTestClient(t, s.BaseURL, WithToken(token))
	if err := listOnce(c); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests(t)
	if len(reqs) != 2 || reqs[1].param("_redirected") != "1" {
		t.Fatalf("requests: %+v", reqs)
	}
	for _, r := range reqs {
		if r.Headers["authorization"] != "Bearer "+token {
			t.Fatalf("request without the token: %+v", r)
		}
	}
}

func TestErrorsAsAndIs(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"status": 404})
	err := listOnce(newTestClient(t, s.BaseURL))
	wrapped := fmt.Errorf("loading connectors: %w", err)
	var e *Error
	if !errors.As(wrapped, &e) || e.StatusCode != 404 || !errors.Is(wrapped, ErrNotFound) {
		t.Fatalf("errors.As/Is through a wrap: %v", wrapped)
	}
}

// garbageServer answers every request with text that is not HTTP.
func garbageServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				buf := make([]byte, 4096)
				conn.Read(buf)
				conn.Write([]byte("SSH-2.0-OpenSSH_9.6 not http at all\r\n\r\n"))
			}()
		}
	}()
	return "http://" + l.Addr().String() + "/v1"
}

func TestProtocolError(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, garbageServer(t))
	_, err := c.Health(context.Background())
	e := checkKind(t, err, KindProtocol, ErrProtocol)
	if e.Method != "GET" || !strings.HasSuffix(e.URL, "/v1/health") || e.Retries != 0 {
		t.Fatalf("got %+v: a protocol error names the request and is not retried", e)
	}
}

// A 200 that is not JSON is a decode error for single calls as for pages.
func TestNonJSONAnswerToACall(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"non_json": true})
	_, err := newTestClient(t, s.BaseURL).Health(context.Background())
	checkKind(t, err, KindDecode, ErrDecode)
}

// Error() is one line that says each thing once: no "openint: connection: connection error".
func TestErrorIsOneCleanLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/v1"
	l.Close()
	slow := newScenario(t, map[string]any{"latency_ms": 3000})
	nonJSON := newScenario(t, map[string]any{"non_json": true})
	notFound := newScenario(t, map[string]any{"status": 404, "error_headers": map[string]string{"x-request-id": "req_1"}})
	html := newScenario(t, map[string]any{"fail": map[string]any{"times": 9, "status": 502, "body": "<html>bad</html>", "headers": map[string]string{"retry-after-ms": "1"}}})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	errs := map[string]error{}
	_, errs["connection"] = newTestClient(t, refused, WithMaxRetries(0)).Health(ctx)
	_, errs["timeout"] = newTestClient(t, slow.BaseURL, WithTimeout(100*time.Millisecond), WithMaxRetries(0)).Health(ctx)
	_, errs["not found"] = newTestClient(t, notFound.BaseURL).Health(ctx)
	_, errs["html 502"] = newTestClient(t, html.BaseURL, WithMaxRetries(1)).Health(ctx)
	_, errs["decode"] = newTestClient(t, nonJSON.BaseURL).ListConnectors(ctx, nil)
	_, errs["invalid"] = newTestClient(t, slow.BaseURL).GetConnection(ctx, "x", nil)
	_, errs["cancelled"] = newTestClient(t, slow.BaseURL).Health(cancelled)
	_, errs["protocol"] = newTestClient(t, garbageServer(t)).Health(ctx)
	_, errs["body too large"] = newTestClient(t, nonJSON.BaseURL, WithMaxBodyBytes(10)).Health(ctx)
	_, errs["invalid option"] = NewClient(WithTimeout(-time.Second))
	for name, err := range errs {
		msg := asError(t, err).Error()
		t.Logf("%s: %s", name, msg)
		if strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, "openint: ") || strings.Count(msg, "openint:") != 1 {
			t.Errorf("%s: not one line starting with one \"openint: \": %q", name, msg)
		}
		// Words, without URLs and numbers. ("not valid HTTP: http parse fail" is the
		// library quoting its HTTP parser, so "http" may follow itself.)
		text := regexp.MustCompile(`\S+://\S+`).ReplaceAllString(strings.ToLower(msg), " ")
		words := strings.FieldsFunc(text, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '_') })
		for i := 1; i < len(words); i++ {
			if words[i] == words[i-1] && words[i] != "http" {
				t.Errorf("%s: %q repeats %q", name, msg, words[i])
			}
		}
		if e := asError(t, err); e.display != "" && msg != "openint: "+e.display {
			t.Errorf("%s: Error() adds to the library's own line: %q", name, msg)
		}
	}
}
