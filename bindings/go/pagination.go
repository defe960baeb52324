package openint

import (
	"context"
	"iter"
	"math"
	"runtime"
)

// Pagination is decided by the library, never here: the server's envelope lies (on
// GET /connector, total is the page length and has_next_page is always true), so Go neither
// reads those flags nor does offset arithmetic. It asks the library whether a next page
// exists (HasNextPage) and to fetch it (openint_page_next).

// ConnectorPage is one page of GET /connector. Its fields are plain Go data; the library keeps
// its own copy of the page to compute the next request, released by Close or, as a safety net,
// by the garbage collector. Safe for concurrent use.
type ConnectorPage struct {
	Items []Connector
	// Total is "total" as the server sent it, -1 when absent. The real server sends the
	// length of this page here, so it is not a count of all connectors.
	Total int64
	// Limit is the page size the server echoed, -1 when absent.
	Limit int64
	// Offset is the offset the server echoed, else the one requested.
	Offset int64

	client  *Client
	hasNext bool
	h       *handle
	p       cPage
	// turn serialises GetNextPage: a library page is used by one thread at a time.
	turn    chan struct{}
	cleanup runtime.Cleanup
}

// newConnectorPage decodes p and takes ownership of it (freeing it on error).
func newConnectorPage(client *Client, p cPage) (*ConnectorPage, error) {
	d, err := p.read()
	if err != nil {
		p.free()
		return nil, err
	}
	items := make([]Connector, len(d.items))
	for i, raw := range d.items {
		if err := items[i].decode(raw); err != nil {
			p.free()
			return nil, decodeError("connector %d of the page at offset %d does not match the model: %v", i, d.offset, err)
		}
	}
	pg := &ConnectorPage{
		Items:   items,
		Total:   d.total,
		Limit:   d.limit,
		Offset:  d.offset,
		client:  client,
		hasNext: d.hasNext,
		h:       newHandle(func() { p.free(); client.pages.Add(-1) }),
		p:       p,
		turn:    make(chan struct{}, 1),
	}
	client.pages.Add(1)
	pg.cleanup = runtime.AddCleanup(pg, (*handle).close, pg.h)
	return pg, nil
}

// HasNextPage reports whether another page may follow, as decided by the library from this
// page (not from the server's has_next_page flag). When true, GetNextPage makes a request,
// which can still find that the listing is over.
func (pg *ConnectorPage) HasNextPage() bool { return pg != nil && pg.hasNext }

// GetNextPage fetches the page after this one; it returns nil, nil when the listing is over.
// ctx's deadline bounds the call; without one, only the client's timeouts apply.
func (pg *ConnectorPage) GetNextPage(ctx context.Context) (*ConnectorPage, error) {
	const op = "get next page"
	if !pg.HasNextPage() {
		return nil, nil
	}
	timeout, err := callTimeout(ctx, op)
	if err != nil {
		return nil, err
	}
	if timeout == 0 {
		// No deadline on this ctx: +Inf tells the library to drop the bound of the call
		// that made the first page (0 would keep it).
		timeout = math.Inf(1)
	}
	if pg.client.h.isClosed() {
		return nil, ErrClosed
	}
	select {
	case pg.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, contextError(op, ctx.Err())
	}
	if !pg.h.acquire() {
		<-pg.turn
		return nil, &Error{Kind: KindInvalidArgument, Message: "GetNextPage called on a closed page"}
	}
	type fetched struct {
		p   cPage
		end bool
	}
	r, err := await(ctx, op, func() (fetched, error) {
		defer func() { pg.h.release(); <-pg.turn }()
		p, end, err := pg.p.next(timeout)
		runtime.KeepAlive(pg)
		return fetched{p, end}, err
	}, func(r fetched) {
		if !r.end {
			r.p.free()
		}
	})
	if err != nil || r.end {
		return nil, err
	}
	return newConnectorPage(pg.client, r.p)
}

// Close releases the library's copy of the page now instead of at garbage collection. Items
// stay valid; GetNextPage no longer works. Optional and idempotent.
func (pg *ConnectorPage) Close() error {
	if pg != nil && pg.h != nil {
		pg.cleanup.Stop()
		pg.h.close()
	}
	return nil
}

// ListConnectorsAutoPaging lists every connector from params.Offset on, fetching pages as the
// loop advances:
//
//	for c, err := range client.ListConnectorsAutoPaging(ctx, openint.ListConnectorsParams{Limit: 100}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(c.Name)
//	}
//
// An error is yielded once and ends the loop. A cancelled ctx ends it before the next item
// with an error wrapping ctx.Err(); its deadline bounds each page request. Breaking out of the
// loop frees the library's page at once.
func (c *Client) ListConnectorsAutoPaging(ctx context.Context, params ListConnectorsParams) iter.Seq2[Connector, error] {
	return func(yield func(Connector, error) bool) {
		page, err := c.ListConnectors(ctx, params)
		defer func() { page.Close() }()
		for err == nil && page != nil {
			for i := range page.Items {
				if ctx.Err() != nil {
					yield(Connector{}, contextError("list connectors", ctx.Err()))
					return
				}
				if !yield(page.Items[i], nil) {
					return
				}
			}
			next, nextErr := page.GetNextPage(ctx)
			page.Close()
			page, err = next, nextErr
		}
		if err != nil {
			yield(Connector{}, err)
		}
	}
}
