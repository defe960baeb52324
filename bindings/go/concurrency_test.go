package openint

// Many goroutines on one client: every list walked at once by 8 goroutines, and the bound on
// calls in flight that keeps a slow server from costing an OS thread per goroutine.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// lister walks one list to its end and returns each item's Raw.
type lister struct {
	name string
	all  func(c *Client, limit, prefetch int) ([]string, error)
}

func collect[T any](seq func(yield func(T, error) bool), raw func(*T) []byte) ([]string, error) {
	var out []string
	for item, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, string(raw(&item)))
	}
	return out, nil
}

var allLists = []lister{
	{"connectors", func(c *Client, limit, k int) ([]string, error) {
		return collect(c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(limit)}, WithPrefetch(k)),
			func(x *Connector) []byte { return x.Raw })
	}},
	{"connector configs", func(c *Client, limit, k int) ([]string, error) {
		return collect(c.ListConnectorConfigsAutoPaging(context.Background(), &ListConnectorConfigsParams{Limit: Ptr(limit)}, WithPrefetch(k)),
			func(x *ConnectorConfig) []byte { return x.Raw })
	}},
	{"connections", func(c *Client, limit, k int) ([]string, error) {
		return collect(c.ListConnectionsAutoPaging(context.Background(), &ListConnectionsParams{Limit: Ptr(limit)}, WithPrefetch(k)),
			func(x *Connection) []byte { return x.Raw })
	}},
	{"events", func(c *Client, limit, k int) ([]string, error) {
		return collect(c.ListEventsAutoPaging(context.Background(), &ListEventsParams{Limit: Ptr(limit)}, WithPrefetch(k)),
			func(x *Event) []byte { return x.Raw })
	}},
	{"customers", func(c *Client, limit, k int) ([]string, error) {
		return collect(c.ListCustomersAutoPaging(context.Background(), &ListCustomersParams{Limit: Ptr(limit)}, WithPrefetch(k)),
			func(x *CustomerSummary) []byte { return x.Raw })
	}},
}

// ids are the "id" fields of JSON objects.
func ids(t testing.TB, items []string) []string {
	t.Helper()
	out := make([]string, len(items))
	for i, it := range items {
		var v struct{ ID string }
		if err := json.Unmarshal([]byte(it), &v); err != nil {
			t.Fatal(err)
		}
		out[i] = v.ID
	}
	return out
}

func rawIDs(t testing.TB, rows []json.RawMessage) []string {
	t.Helper()
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = string(r)
	}
	return ids(t, s)
}

// Each list is first walked alone in one page (the reference, checked against the store),
// then by 8 goroutines at once, each at its own page size and prefetch, three times: every
// walk must give the reference exactly.
func TestEightGoroutinesOverAllLists(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"count": 300,
		"seed": map[string]any{"customers": 40, "connector_configs": 25, "connections": 230, "events": 260}})
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
	st := s.store(t)
	want := map[string][]string{}
	for _, l := range allLists {
		items, err := l.all(c, 3000, 1)
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		want[l.name] = items
	}
	if len(want["connectors"]) != 300 {
		t.Fatalf("%d connectors", len(want["connectors"]))
	}
	for name, rows := range map[string][]json.RawMessage{"connector configs": st.ConnectorConfigs, "connections": st.Connections, "events": st.Events} {
		if got, w := ids(t, want[name]), rawIDs(t, rows); strings.Join(got, ",") != strings.Join(w, ",") {
			t.Fatalf("%s listed %d ids, the store has %d (or another order)", name, len(got), len(w))
		}
	}
	if len(want["customers"]) == 0 {
		t.Fatal("no customers listed")
	}

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				for i := range allLists {
					l := allLists[(g+i)%len(allLists)]
					limit, k := 7+g*5, 1+(g+round)%4
					got, err := l.all(c, limit, k)
					if err != nil {
						t.Errorf("goroutine %d, %s: %v", g, l.name, err)
						return
					}
					if strings.Join(got, "\n") != strings.Join(want[l.name], "\n") {
						t.Errorf("goroutine %d, %s at limit %d, prefetch %d: %d items differ from the reference's %d",
							g, l.name, limit, k, len(got), len(want[l.name]))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if live := c.pages.Load(); live != 0 {
		t.Fatalf("%d pages alive after every listing", live)
	}
}

// osThreads is the process's thread count (Threads in /proc/self/status).
func osThreads() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}

const threadProbeEnv = "OPENINT_GO_THREAD_PROBE"

// TestThreadProbe is the child process of TestThreadsStayBounded: it makes 1,500 goroutines
// call one client against a slow scenario and prints the peak thread count. A fresh process,
// so that idle threads of other tests do not hide what these calls cost.
func TestThreadProbe(t *testing.T) {
	spec := os.Getenv(threadProbeEnv)
	if spec == "" {
		t.Skip("run by TestThreadsStayBounded")
	}
	var bound int
	var baseURL string
	fmt.Sscan(spec, &bound, &baseURL)
	c := newTestClient(t, baseURL, WithMaxInFlight(bound))
	base := osThreads()
	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				if n := int64(osThreads()); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 1500 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Health(context.Background()); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	fmt.Printf("THREADS base=%d peak=%d failed=%d\n", base, peak.Load(), failed.Load())
}

// 1,500 goroutines calling a server that takes 100 ms an answer: with the bound, the process
// keeps about bound threads more than it started with; without it (a bound of 100,000) it
// needs one per waiting call, which shows the probe measures what the bound prevents.
func TestThreadsStayBounded(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/self/status")
	}
	t.Parallel()
	s := newScenario(t, map[string]any{"latency_ms": 100})
	probe := func(bound int) (base, peak int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestThreadProbe$", "-test.v")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %s", threadProbeEnv, bound, s.BaseURL))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("probe: %v\n%s", err, out)
		}
		var failed int
		i := strings.Index(string(out), "THREADS ")
		if i < 0 {
			t.Fatalf("probe printed no count:\n%s", out)
		}
		fmt.Sscanf(string(out[i:]), "THREADS base=%d peak=%d failed=%d", &base, &peak, &failed)
		if failed != 0 {
			t.Fatalf("%d calls failed:\n%s", failed, out)
		}
		return base, peak
	}
	const bound = 16
	base, peak := probe(bound)
	t.Logf("bound %d: %d threads at the start, %d at the peak", bound, base, peak)
	// The bound, plus the Go runtime's own (a few per P) and the library's.
	if peak-base > bound+16 {
		t.Fatalf("the thread count grew by %d with at most %d calls in flight", peak-base, bound)
	}
	ubase, upeak := probe(100_000)
	t.Logf("no bound: %d threads at the start, %d at the peak", ubase, upeak)
	if upeak-ubase < 4*bound {
		t.Fatalf("without a bound the thread count grew by only %d: the probe shows nothing", upeak-ubase)
	}
}
