package openint

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// listAll drains the auto-pager, failing on error.
func listAll(t testing.TB, c *Client, p *ListConnectorsParams) []Connector {
	t.Helper()
	var out []Connector
	for item, err := range c.ListConnectorsAutoPaging(context.Background(), p) {
		if err != nil {
			t.Fatalf("after %d items: %v", len(out), err)
		}
		out = append(out, item)
	}
	return out
}

// checkOffsets asserts the requests walked the listing page by page from offset 0 with the
// given page size, and that the listing took `pages` requests.
func checkOffsets(t testing.TB, reqs []loggedRequest, limit, pages int) {
	t.Helper()
	if len(reqs) != pages {
		t.Fatalf("%d requests, want %d", len(reqs), pages)
	}
	for i, r := range reqs {
		off := r.param("offset")
		if i == 0 && off == "" {
			off = "0"
		}
		if off != strconv.Itoa(i*limit) {
			t.Fatalf("request %d asked for offset %q, want %d (query %q)", i, off, i*limit, r.Query)
		}
	}
}

// On the real server total is the page length and has_next_page is always true: an
// auto-pager that trusts either stops after one page or never stops. The library ends on a
// short or empty page, so a listing takes ceil(n/limit) requests, plus one that comes back
// empty when the last page happens to be full.
func TestAutoPagingListsEveryConnector(t *testing.T) {
	t.Parallel()
	const count = 171
	for _, mode := range []string{"real", "spec"} {
		// -1: no limit (the server's default page size).
		for _, limit := range []int{-1, 1, 7, 50, 57, 171, 1000, 3000} {
			t.Run(fmt.Sprintf("%s/limit=%d", mode, limit), func(t *testing.T) {
				t.Parallel()
				s := newScenario(t, map[string]any{"mode": mode, "count": count})
				c := newTestClient(t, s.BaseURL)
				var p *ListConnectorsParams // nil: no params at all
				if limit >= 0 {
					p = &ListConnectorsParams{Limit: Ptr(limit)}
				}
				got := listAll(t, c, p)
				want := oracle(t, count, false)
				if len(got) != len(want) {
					t.Fatalf("listed %d connectors, want %d", len(got), len(want))
				}
				for i := range got {
					checkConnector(t, got[i], want[i])
				}
				size := limit
				if size < 0 {
					size = 50 // the server's default page size
				}
				pages := (count + size - 1) / size
				if count%size == 0 {
					pages++
				}
				checkOffsets(t, s.requests(t), size, pages)
			})
		}
	}
}

// limit 0 is the server's meaning, zero items, not its default: one request, nothing listed.
func TestLimitZeroMeansZeroItems(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	page, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 0 || page.HasNextPage() {
		t.Fatalf("limit 0: %d items, HasNextPage %v", len(page.Items), page.HasNextPage())
	}
	if got := listAll(t, c, &ListConnectorsParams{Limit: Ptr(0)}); len(got) != 0 {
		t.Fatalf("auto-paging with limit 0 listed %d connectors", len(got))
	}
	reqs := s.requests(t)
	if len(reqs) != 2 || reqs[0].param("limit") != "0" || reqs[1].param("limit") != "0" {
		t.Fatalf("requests: %+v", reqs)
	}
	// And nil is left out, so the server's default applies.
	if _, err := c.ListConnectors(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if q := s.requests(t)[2].Query; strings.Contains(q, "limit") {
		t.Fatalf("an unset limit was sent: %q", q)
	}
}

func TestAutoPagingFromOffsetAndPastTheEnd(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	want := oracle(t, 171, false)
	got := listAll(t, c, &ListConnectorsParams{Limit: Ptr(40), Offset: Ptr(100)})
	if len(got) != 71 {
		t.Fatalf("listed %d connectors from offset 100, want 71", len(got))
	}
	for i := range got {
		checkConnector(t, got[i], want[100+i])
	}
	if got := listAll(t, c, &ListConnectorsParams{Offset: Ptr(5000)}); len(got) != 0 {
		t.Fatalf("past the end: %d connectors", len(got))
	}
}

// Walks the page chain by hand and checks what each page reports.
func TestPageChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, mode := range []string{"real", "spec"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s := newScenario(t, map[string]any{"mode": mode})
			c := newTestClient(t, s.BaseURL)
			want := oracle(t, 171, false)
			page, err := c.ListConnectors(ctx, &ListConnectorsParams{Limit: Ptr(50)})
			if err != nil {
				t.Fatal(err)
			}
			var seen, pages int
			for page != nil {
				pages++
				if page.Offset != seen || page.Limit != 50 {
					t.Fatalf("page %d: offset %d limit %d, want %d and 50", pages, page.Offset, page.Limit, seen)
				}
				// Total is reported as sent: the page length on the real server.
				wantTotal := len(page.Items)
				if mode == "spec" {
					wantTotal = 171
				}
				if page.Total != wantTotal {
					t.Fatalf("page %d: Total %d, want %d", pages, page.Total, wantTotal)
				}
				for i, item := range page.Items {
					checkConnector(t, item, want[seen+i])
				}
				seen += len(page.Items)
				if page.HasNextPage() != (seen < 171) {
					t.Fatalf("page %d: HasNextPage %v after %d items", pages, page.HasNextPage(), seen)
				}
				before := len(s.requests(t))
				next, err := page.GetNextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if next == nil && len(s.requests(t)) != before {
					t.Fatal("GetNextPage made a request after a short last page")
				}
				page = next
			}
			if seen != 171 || pages != 4 {
				t.Fatalf("saw %d connectors on %d pages", seen, pages)
			}
		})
	}
}

// A full last page cannot tell that it is the last: GetNextPage asks, finds an empty page
// and reports the end as nil, nil (an empty page is never handed out).
func TestFullLastPageEndsWithNil(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newScenario(t, map[string]any{"count": 100})
	c := newTestClient(t, s.BaseURL)
	page, err := c.ListConnectors(ctx, &ListConnectorsParams{Limit: Ptr(50), Offset: Ptr(50)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 50 || !page.HasNextPage() {
		t.Fatalf("%d items, HasNextPage %v", len(page.Items), page.HasNextPage())
	}
	next, err := page.GetNextPage(ctx)
	if next != nil || err != nil {
		t.Fatalf("GetNextPage at the end: %v, %v; want nil, nil", next, err)
	}
	if n := len(s.requests(t)); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	past, err := c.ListConnectors(ctx, &ListConnectorsParams{Offset: Ptr(500)})
	if err != nil {
		t.Fatal(err)
	}
	if len(past.Items) != 0 || past.HasNextPage() || past.Total != 0 {
		t.Fatalf("past the end: %d items, HasNextPage %v, Total %d", len(past.Items), past.HasNextPage(), past.Total)
	}
}

func TestExpandSchemas(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	got := listAll(t, c, &ListConnectorsParams{Limit: Ptr(100), Expand: []ConnectorExpand{ConnectorExpandSchemas}})
	want := oracle(t, 171, true)
	if len(got) != len(want) {
		t.Fatalf("listed %d, want %d", len(got), len(want))
	}
	for i := range got {
		checkConnector(t, got[i], want[i])
	}
	for _, r := range s.requests(t) {
		if r.param("expand") != "schemas" {
			t.Fatalf("request without expand=schemas: %q", r.Query)
		}
	}
}

// A server that ignores offset serves page 1 again; the library refuses to loop.
func TestServerIgnoringOffsetIsAnError(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"ignore_offset": true})
	c := newTestClient(t, s.BaseURL)
	var n int
	var last error
	for _, err := range c.ListConnectorsAutoPaging(context.Background(), &ListConnectorsParams{Limit: Ptr(50)}) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	e := asError(t, last)
	if e.Kind != KindDecode || !errors.Is(last, ErrDecode) {
		t.Fatalf("got %v, want a decode error", last)
	}
	if n != 50 || len(s.requests(t)) != 2 {
		t.Fatalf("%d items in %d requests, want 50 in 2", n, len(s.requests(t)))
	}
}

func TestClosedPage(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	page, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(10)})
	if err != nil {
		t.Fatal(err)
	}
	page.Close()
	page.Close()
	if len(page.Items) != 10 || page.Items[3].Name == "" {
		t.Fatal("Items changed after Close")
	}
	_, err = page.GetNextPage(context.Background())
	if e := asError(t, err); e.Kind != KindInvalidArgument {
		t.Fatalf("GetNextPage on a closed page: %v", err)
	}
}

// Many goroutines may call GetNextPage on one page: the calls are serialised, each gets the
// same next page.
func TestConcurrentGetNextPageOnOnePage(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	page, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(20)})
	if err != nil {
		t.Fatal(err)
	}
	want := oracle(t, 171, false)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			next, err := page.GetNextPage(context.Background())
			if err == nil && string(next.Items[0].Raw) != string(want[20]) {
				err = fmt.Errorf("next page starts with %s", next.Items[0].Name)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
