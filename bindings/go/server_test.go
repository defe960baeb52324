package openint

// The local test server (tests/server, binary openint-testserver) and helpers around its
// admin API: scenarios, their request logs, and the registry oracle.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var server struct {
	BaseURL   string `json:"base_url"`
	Port      int    `json:"port"`
	OtherPort int    `json:"other_port"`
	AdminURL  string `json:"admin_url"`
}

func TestMain(m *testing.M) {
	os.Exit(runWithServer(m))
}

func runWithServer(m *testing.M) int {
	bin := os.Getenv("OPENINT_TESTSERVER")
	if bin == "" {
		bin = filepath.Join("..", "..", "target", "release", "openint-testserver")
		if _, err := os.Stat(filepath.Join("..", "..", "Cargo.toml")); err != nil {
			// A copy of the module on its own (no repository around it): the tests that
			// need the server skip (see admin); set OPENINT_TESTSERVER to run them.
			fmt.Fprintln(os.Stderr, "no local test server (set OPENINT_TESTSERVER): the tests that need it skip")
			return m.Run()
		}
	}
	cmd := exec.Command(bin, "--port", "0", "--exit-on-stdin-eof")
	cmd.Stderr = os.Stderr
	// The server exits when this pipe closes, so a killed test run leaves nothing behind.
	stdin, err := cmd.StdinPipe()
	if err == nil {
		var stdout io.ReadCloser
		if stdout, err = cmd.StdoutPipe(); err == nil {
			if err = cmd.Start(); err == nil {
				var line string
				if line, err = bufio.NewReader(stdout).ReadString('\n'); err == nil {
					err = json.Unmarshal([]byte(line), &server)
				}
			}
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot start the test server %s: %v\n"+
			"build it with `cargo build --release -p openint-testserver` (bindings/go/test.sh does), "+
			"or point OPENINT_TESTSERVER at it\n", bin, err)
		return 1
	}
	code := m.Run()
	stdin.Close()
	cmd.Wait()
	return code
}

type scenario struct {
	ID           string `json:"id"`
	BaseURL      string `json:"base_url"`
	OtherBaseURL string `json:"other_base_url"`
	OrgKey       string `json:"org_key"`
}

type loggedRequest struct {
	Port    string            `json:"port"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"` // non-GET requests only
	Conn    int               `json:"conn"`
}

// bodyMap is the logged request's JSON body as a map.
func (r loggedRequest) bodyMap(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", r.Method, r.Path, r.Body, err)
	}
	return m
}

// store is the scenario's database as the API shows it, each table in list order.
type store struct {
	Customers        []json.RawMessage `json:"customers"`
	ConnectorConfigs []json.RawMessage `json:"connector_configs"`
	Connections      []json.RawMessage `json:"connections"`
	Events           []json.RawMessage `json:"events"`
}

func (s scenario) store(t testing.TB) store {
	t.Helper()
	var st store
	if err := json.Unmarshal(admin(t, "GET", "/scenarios/"+s.ID+"/store", nil), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// param is a query parameter of the logged request ("" when absent).
func (r loggedRequest) param(key string) string {
	q, _ := url.ParseQuery(r.Query)
	return q.Get(key)
}

// adminClient talks to the admin API with plain net/http, independent of the code under test.
var adminClient = &http.Client{Timeout: 60 * time.Second}

func admin(t testing.TB, method, path string, body any) []byte {
	t.Helper()
	if server.AdminURL == "" {
		t.Skip("no local test server: a copy of the module on its own (set OPENINT_TESTSERVER)")
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, server.AdminURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := adminClient.Do(req)
	if err != nil {
		t.Fatalf("admin %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("admin %s %s: %d %s %v", method, path, resp.StatusCode, out, err)
	}
	return out
}

// newScenario creates a server scenario (keys as in tests/server/README.md), deleted after the test.
func newScenario(t testing.TB, config map[string]any) scenario {
	t.Helper()
	if config == nil {
		config = map[string]any{}
	}
	var s scenario
	if err := json.Unmarshal(admin(t, "POST", "/scenarios", config), &s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin(t, "DELETE", "/scenarios/"+s.ID, nil) })
	return s
}

func (s scenario) requests(t testing.TB) []loggedRequest {
	t.Helper()
	var reqs []loggedRequest
	if err := json.Unmarshal(admin(t, "GET", "/scenarios/"+s.ID+"/requests", nil), &reqs); err != nil {
		t.Fatal(err)
	}
	return reqs
}

var oracleCache sync.Map // "count/expand" -> []json.RawMessage

// oracle is the server's registry of the given size: what a full listing must return.
func oracle(t testing.TB, count int, expand bool) []json.RawMessage {
	t.Helper()
	key := fmt.Sprintf("%d/%v", count, expand)
	if v, ok := oracleCache.Load(key); ok {
		return v.([]json.RawMessage)
	}
	path := fmt.Sprintf("/registry?count=%d", count)
	if expand {
		path += "&expand=schemas"
	}
	var items []json.RawMessage
	if err := json.Unmarshal(admin(t, "GET", path, nil), &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != count {
		t.Fatalf("oracle: %d items, want %d", len(items), count)
	}
	oracleCache.Store(key, items)
	return items
}

// newTestClient is a client for baseURL, closed after the test.
func newTestClient(t testing.TB, baseURL string, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(append([]Option{WithBaseURL(baseURL)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// asError returns err as *Error, failing the test when it is not one.
func asError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if err == nil {
		t.Fatal("expected an error, got nil")
	}
	if !errors.As(err, &e) {
		t.Fatalf("expected an *openint.Error, got %T: %v", err, err)
	}
	return e
}

// mustNotContain fails when s contains secret (tokens must never reach errors).
func mustNotContain(t testing.TB, what, s, secret string) {
	t.Helper()
	if strings.Contains(s, secret) {
		t.Errorf("%s contains the token: %q", what, s)
	}
}

// waitFor polls cond until it holds or 10s pass (for things the GC or a background call does).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
