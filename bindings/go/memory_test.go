package openint

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// rssBytes is the resident set size of this process: it sees the library's (Rust) heap, which
// the Go runtime's statistics do not.
func rssBytes(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm: %v", err)
	}
	fields := strings.Fields(string(b))
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// Listing 100,000 connectors (about 120 MB of JSON) must hold one page at a time, on both
// sides of the boundary. Leaking the pages would grow the Go heap and the RSS by hundreds of
// MB; the bounds below allow a few pages of slack.
func TestMemoryStaysFlatOver100000Connectors(t *testing.T) {
	const count, limit = 100_000, 1000
	const maxGoHeap, maxRSSGrowth = 48 << 20, 64 << 20
	s := newScenario(t, map[string]any{"count": count})
	c := newTestClient(t, s.BaseURL)

	var n int
	var baseRSS, peakRSS int64
	var peakHeap uint64
	var ms runtime.MemStats
	sample := func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		peakHeap = max(peakHeap, ms.HeapAlloc)
		rss := rssBytes(t)
		if baseRSS == 0 {
			baseRSS = rss
		}
		peakRSS = max(peakRSS, rss)
	}
	for item, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(limit)}) {
		if err != nil {
			t.Fatalf("after %d items: %v", n, err)
		}
		if item.Name == "" {
			t.Fatalf("item %d has no name", n)
		}
		n++
		// The baseline is taken once the first pages have warmed the allocators.
		if n%10_000 == 5_000 {
			sample()
			if live := c.pages.Load(); live != 1 {
				t.Fatalf("%d library pages alive while iterating, want 1", live)
			}
		}
	}
	if n != count {
		t.Fatalf("listed %d connectors, want %d", n, count)
	}
	t.Logf("Go heap peak %.1f MB, RSS %.1f MB -> peak %.1f MB", float64(peakHeap)/1e6, float64(baseRSS)/1e6, float64(peakRSS)/1e6)
	if peakHeap > maxGoHeap {
		t.Errorf("Go heap reached %d MB (bound %d MB)", peakHeap>>20, maxGoHeap>>20)
	}
	if growth := peakRSS - baseRSS; growth > maxRSSGrowth {
		t.Errorf("RSS grew by %d MB while listing (bound %d MB)", growth>>20, maxRSSGrowth>>20)
	}
	if live := c.pages.Load(); live != 0 {
		t.Errorf("%d library pages alive after the listing", live)
	}
}
