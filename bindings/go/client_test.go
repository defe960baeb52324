package openint

import (
	"context"
	"errors"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestVersionMatchesCargoToml(t *testing.T) {
	toml, err := os.ReadFile(repoPath(t, "Cargo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^version\s*=\s*"([^"]+)"`).FindSubmatch(toml)
	if m == nil || Version() != string(m[1]) {
		t.Fatalf("Version() = %q, Cargo.toml says %q", Version(), m)
	}
}

func TestABICheck(t *testing.T) {
	if abiError != nil {
		t.Fatalf("the linked library fails the ABI check: %v", abiError)
	}
	if checkABI(3, 3) != nil {
		t.Fatal("equal ABI numbers rejected")
	}
	err := checkABI(2, 1)
	if e := asError(t, err); e.Kind != KindInternal || !strings.Contains(e.Message, "ABI 2") ||
		!strings.Contains(e.Message, "ABI 1") || !strings.Contains(e.Message, "cargo build") {
		t.Fatalf("unclear ABI mismatch error: %v", err)
	}
}

// Kind numbers and names must be the library's (OpenintStatus).
func TestKindsMatchTheLibrary(t *testing.T) {
	for k := KindInvalidArgument; k <= KindProtocol; k++ {
		if k.String() != statusName(uint32(k)) {
			t.Fatalf("Kind %d is %q here, %q in the library", int(k), k, statusName(uint32(k)))
		}
		if sentinels[k] == nil {
			t.Fatalf("no sentinel for %v", k)
		}
	}
	if statusName(uint32(KindProtocol)+1) != "unknown" {
		t.Fatal("the library has a status this package does not know")
	}
}

func TestBadOptionsAreRejectedWithTheirName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		opt   Option
		names string // what the message must mention
	}{
		{"relative base URL", WithBaseURL("api.openint.dev/v1"), "base_url"},
		{"base URL not http", WithBaseURL("ftp://example.com/v1"), "base_url"},
		{"zero timeout", WithTimeout(0), "timeout"},
		{"negative timeout", WithTimeout(-time.Second), "timeout"},
		{"zero connect timeout", WithConnectTimeout(0), "connect_timeout"},
		{"negative total timeout", WithTotalTimeout(-time.Second), "total_timeout"},
		{"negative retries", WithMaxRetries(-1), "max_retries"},
		{"negative body cap", WithMaxBodyBytes(-1), "max_body_bytes"},
		{"bad header name", WithHeader("Bad Name", "x"), "Bad Name"},
		{"header with newline", WithHeader("X-Ok", "a\r\nInjected: 1"), "X-Ok"},
		{"authorization header", WithHeader("Authorization", "Bearer x"), "Authorization"},
		{"token with a control character", WithToken("sk_secret_tok\x01en"), "token"},
		{"unknown trust store", WithTLSRoots("bogus"), "tls_roots"},
		{"missing CA file", WithTLSCAFile("/nonexistent/ca.pem"), "tls_ca_file"},
		{"CA that is not PEM", WithTLSCAPEM("not a certificate"), "tls_ca"},
		{"client certificate that is not PEM", WithTLSClientCertPEM("x", "y"), "client"},
		{"proxy that is not a URL", WithProxy("not a url"), "proxy"},
		{"prefetch out of range", WithPrefetch(65), "prefetch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(WithBaseURL("http://127.0.0.1:1/v1"), tc.opt)
			if c != nil {
				t.Fatal("got a client")
			}
			e := checkKind(t, err, KindInvalidArgument, ErrInvalidArgument)
			if !strings.Contains(e.Message, tc.names) {
				t.Fatalf("message does not name %q: %q", tc.names, e.Message)
			}
			mustNotContain(t, "message", err.Error(), "sk_secret_tok")
		})
	}
}

// Bad params fail before any request, naming the field.
func TestBadParamsFailBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	cases := []struct {
		p     *ListConnectorsParams
		names string
	}{
		{&ListConnectorsParams{Limit: Ptr(3001)}, `"limit"`},
		{&ListConnectorsParams{Limit: Ptr(-1)}, `"limit"`},
		{&ListConnectorsParams{Offset: Ptr(-5)}, `"offset"`},
		{&ListConnectorsParams{Expand: []ConnectorExpand{"bogus"}}, `"bogus"`},
		{&ListConnectorsParams{Expand: []ConnectorExpand{""}}, `"expand"`},
	}
	for _, tc := range cases {
		_, err := c.ListConnectors(context.Background(), tc.p)
		e := checkKind(t, err, KindInvalidArgument, ErrInvalidArgument)
		if !strings.Contains(e.Message, tc.names) {
			t.Errorf("%+v: message does not name %s: %q", tc.p, tc.names, e.Message)
		}
		for _, err := range c.ListConnectorsAutoPaging(context.Background(), tc.p) {
			checkKind(t, err, KindInvalidArgument, ErrInvalidArgument)
		}
	}
	if n := len(s.requests(t)); n != 0 {
		t.Fatalf("%d requests made for bad params", n)
	}
}

// The token and base URL default to OPENINT_API_KEY and OPENINT_BASE_URL (read by the library).
func TestEnvironmentDefaults(t *testing.T) {
	const token = "sk_env_token"
	s := newScenario(t, map[string]any{"token": token})
	t.Setenv("OPENINT_API_KEY", token)
	t.Setenv("OPENINT_BASE_URL", s.BaseURL)
	c, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := listOnce(c); err != nil {
		t.Fatal(err)
	}
	// An explicit empty token replaces the environment's.
	c2, err := NewClient(WithToken(""))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	checkKind(t, listOnce(c2), KindPermissionDenied, ErrPermissionDenied)
	if n := len(s.requests(t)); n != 2 {
		t.Fatalf("%d requests reached the scenario from OPENINT_BASE_URL, want 2", n)
	}
}

func TestDefaultHeaders(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL, WithHeader("X-Trace-Id", "trace-1"), WithHeader("X-Team", "a b"), WithToken("tok"))
	if err := listOnce(c); err != nil {
		t.Fatal(err)
	}
	h := s.requests(t)[0].Headers
	if h["x-trace-id"] != "trace-1" || h["authorization"] != "Bearer tok" || h["user-agent"] != "openint-go/"+Version()+" "+runtime.Version()+" openint-rust/"+Version() {
		t.Fatalf("headers %v", h)
	}
	// The caller's own User-Agent replaces this module's (the library still names itself).
	c = newTestClient(t, s.BaseURL, WithHeader("user-agent", "mine/1"))
	if err := listOnce(c); err != nil {
		t.Fatal(err)
	}
	if ua := s.requests(t)[1].Headers["user-agent"]; ua != "mine/1 openint-rust/"+Version() {
		t.Fatalf("user-agent %q", ua)
	}
}

func TestCloseIsIdempotentAndCallsAfterCloseFail(t *testing.T) {
	s := newScenario(t, nil)
	c, err := NewClient(WithBaseURL(s.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(10)})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if !c.h.freed() {
		t.Fatal("Close did not free the library client")
	}
	c.Close()
	if _, err := c.ListConnectors(context.Background(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("ListConnectors after Close: %v", err)
	}
	for _, err := range c.ListConnectorsAutoPaging(context.Background(), nil) {
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("auto-paging after Close: %v", err)
		}
	}
	if _, err := page.GetNextPage(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("GetNextPage after Close: %v", err)
	}
	var nilClient *Client
	if _, err := nilClient.ListConnectors(context.Background(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("nil client: %v", err)
	}
	if _, err := new(Client).ListConnectors(context.Background(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("zero Client: %v", err)
	}
	new(Client).Close()
	if len(s.requests(t)) != 1 {
		t.Fatal("a request was made after Close")
	}
}

// Close while goroutines are mid-call: each call succeeds or gets ErrClosed, nothing crashes,
// and the library client is freed once, after the last call.
func TestCloseDuringCalls(t *testing.T) {
	s := newScenario(t, map[string]any{"latency_ms": 20})
	c, err := NewClient(WithBaseURL(s.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok, closed int
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				err := listOnce(c)
				mu.Lock()
				if err == nil {
					ok++
				}
				mu.Unlock()
				if errors.Is(err, ErrClosed) {
					mu.Lock()
					closed++
					mu.Unlock()
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	c.Close()
	wg.Wait()
	if ok == 0 || closed != 8 {
		t.Fatalf("%d successes, %d goroutines saw ErrClosed", ok, closed)
	}
	if !c.h.freed() {
		t.Fatal("library client not freed after the last call")
	}
}

// Clients and pages nobody closes are freed by the garbage collector.
func TestCleanupFreesWhatIsNotClosed(t *testing.T) {
	s := newScenario(t, nil)
	clients, pages := settledHandleCounts()
	func() {
		for range 5 {
			c, err := NewClient(WithBaseURL(s.BaseURL))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(3)}); err != nil {
				t.Fatal(err)
			}
		}
	}()
	if liveClients.Load() != clients+5 || livePages.Load() != pages+5 {
		t.Fatalf("live: %d clients, %d pages; want %d and %d", liveClients.Load(), livePages.Load(), clients+5, pages+5)
	}
	// At most the baseline: garbage of earlier tests may be freed meanwhile too.
	waitFor(t, "the GC to free unreachable clients and pages", func() bool {
		runtime.GC()
		return liveClients.Load() <= clients && livePages.Load() <= pages
	})
}

// Breaking out of the loop frees the library's page at once.
func TestBreakFreesThePage(t *testing.T) {
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	n := 0
	for _, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(30)}) {
		if err != nil {
			t.Fatal(err)
		}
		if live := c.pages.Load(); live != 1 {
			t.Fatalf("%d pages alive while iterating, want 1", live)
		}
		if n++; n == 45 {
			break
		}
	}
	if live := c.pages.Load(); live != 0 {
		t.Fatalf("%d pages alive after break", live)
	}
	for _, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(30)}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if live := c.pages.Load(); live != 0 {
		t.Fatalf("%d pages alive after a full listing", live)
	}
}

// One client shared by 8 goroutines, each listing everything while others fetch pages.
func TestGoroutinesShareOneClient(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	want := oracle(t, 171, false)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				var n int
				for item, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(10 + g)}) {
					if err != nil {
						t.Errorf("goroutine %d: %v", g, err)
						return
					}
					if string(item.Raw) != string(want[n]) {
						t.Errorf("goroutine %d round %d: item %d is %q", g, round, n, item.Name)
						return
					}
					n++
				}
				if n != len(want) {
					t.Errorf("goroutine %d: %d items", g, n)
				}
			}
		}()
	}
	wg.Wait()
}

// settledHandleCounts collects garbage until earlier tests' unreachable clients and pages are
// freed, so counts taken afterwards move only with what the calling test does.
func settledHandleCounts() (clients, pages int64) {
	clients, pages = -1, -1
	for range 50 {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		c, p := liveClients.Load(), livePages.Load()
		if c == clients && p == pages {
			time.Sleep(20 * time.Millisecond) // let queued cleanups run
			if liveClients.Load() == c && livePages.Load() == p {
				break
			}
		}
		clients, pages = c, p
	}
	return clients, pages
}
