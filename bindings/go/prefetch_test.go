package openint

// Prefetching (WithPrefetch): pages in order and each item once, no request past a real
// total, the client's default and a listing's own, and an early stop that cancels the pages
// in flight.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPrefetchKeepsOrderAndEachItemOnce(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"count": 300, "seed": map[string]any{"connections": 500}})
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
	wantConns := rawIDs(t, s.store(t).Connections)
	wantConnectors := oracle(t, 300, false)
	for _, k := range []int{1, 2, 8, 64} {
		t.Run(fmt.Sprintf("prefetch=%d", k), func(t *testing.T) {
			before := len(s.requests(t))
			var got []string
			for conn, err := range c.ListConnectionsAutoPaging(context.Background(), &ListConnectionsParams{Limit: Ptr(9)}, WithPrefetch(k)) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, conn.ID)
			}
			if strings.Join(got, ",") != strings.Join(wantConns, ",") {
				t.Fatalf("%d connections, not the store's %d in order", len(got), len(wantConns))
			}
			// total counts the rows: no page past it is asked for, whatever k.
			if n := len(s.requests(t)) - before; n != 56 {
				t.Fatalf("%d requests for 500 rows at 9 a page, want 56", n)
			}

			before = len(s.requests(t))
			n := 0
			for item, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(11)}, WithPrefetch(k)) {
				if err != nil {
					t.Fatal(err)
				}
				if string(item.Raw) != string(wantConnectors[n]) {
					t.Fatalf("connector %d is %q, out of order or twice", n, item.Name)
				}
				n++
			}
			if n != 300 {
				t.Fatalf("%d connectors", n)
			}
			// GET /connector has no real total: the library speculates up to k-1 pages past
			// the end.
			if reqs := len(s.requests(t)) - before; reqs < 28 || reqs > 28+k-1 {
				t.Fatalf("%d requests for 300 connectors at 11 a page with prefetch %d", reqs, k)
			}
		})
	}
}

// distinctConns is how many TCP connections carried the scenario's requests.
func distinctConns(reqs []loggedRequest) int {
	seen := map[int]bool{}
	for _, r := range reqs {
		seen[r.Conn] = true
	}
	return len(seen)
}

// Pages fetched one after the other reuse one connection; pages in flight at once need more.
func TestPrefetchFromTheClientOrTheListing(t *testing.T) {
	t.Parallel()
	walk := func(c *Client, opts ...RequestOption) {
		for _, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(10)}, opts...) {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name     string
		client   []Option
		listing  []RequestOption
		parallel bool
	}{
		{"none", nil, nil, false},
		{"client", []Option{WithPrefetch(4)}, nil, true},
		{"listing", nil, []RequestOption{WithPrefetch(4)}, true},
		{"listing overrides client", []Option{WithPrefetch(4)}, []RequestOption{WithPrefetch(1)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t, map[string]any{"latency_ms": 50, "count": 100})
			walk(newTestClient(t, s.BaseURL, tc.client...), tc.listing...)
			n := distinctConns(s.requests(t))
			if tc.parallel != (n > 1) {
				t.Fatalf("pages came over %d connections", n)
			}
		})
	}
}

// pageThreads counts the library's prefetch threads ("openint-page") in this process.
func pageThreads() int {
	comms, _ := filepath.Glob("/proc/self/task/*/comm")
	n := 0
	for _, f := range comms {
		if b, err := os.ReadFile(f); err == nil && strings.TrimSpace(string(b)) == "openint-page" {
			n++
		}
	}
	return n
}

// Breaking out of a listing frees its page, which cancels the pages in flight: their threads
// end at once instead of waiting out the server's 3 s.
func TestEarlyStopCancelsPrefetchedPages(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc/self/task")
	}
	s := newScenario(t, map[string]any{"latency_ms": 3000, "seed": map[string]any{"connections": 100}})
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))
	waitFor(t, "no prefetch thread of another test", func() bool { return pageThreads() == 0 })
	inFlight := 0
	for _, err := range c.ListConnectionsAutoPaging(context.Background(), &ListConnectionsParams{Limit: Ptr(10)}, WithPrefetch(4)) {
		if err != nil {
			t.Fatal(err)
		}
		// The threads name themselves as they start: give them a moment (the server holds
		// each answer for 3 s).
		for start := time.Now(); inFlight < 4 && time.Since(start) < time.Second; time.Sleep(5 * time.Millisecond) {
			inFlight = pageThreads()
		}
		break
	}
	if inFlight != 4 {
		t.Fatalf("%d pages in flight after the first page, want 4", inFlight)
	}
	if live := c.pages.Load(); live != 0 {
		t.Fatalf("%d pages alive after break", live)
	}
	stopped := time.Now()
	waitFor(t, "the prefetch threads to end", func() bool { return pageThreads() == 0 })
	if d := time.Since(stopped); d > cancelBound {
		t.Fatalf("the pages in flight took %v to stop (the server answers after 3 s)", d)
	}
}
