package openint

import (
	"context"
	"iter"
	"runtime"
)

// Pagination is decided by the library, never here: the server's envelope lies (on
// GET /connector total is the page length and has_next_page is always true; on the other
// lists has_next_page is inverted), so Go neither reads those flags nor does offset
// arithmetic. It asks the library whether a next page exists (HasNextPage) and to fetch it
// (openint_page_next_with); the library also prefetches (WithPrefetch).

// Page is one page of a list operation. Its fields are plain Go data; the library keeps its
// own copy of the page to fetch the next one, released by Close or, as a safety net, by the
// garbage collector. Safe for concurrent use.
type Page[T any] struct {
	Items []T
	// Total is "total" as the server sent it, -1 when absent. On ListConnectors the real
	// server sends the length of this page, so it is not a count of all connectors.
	Total int
	// Limit is the page size the server echoed, -1 when absent.
	Limit int
	// Offset is the offset the server echoed, else the one requested.
	Offset int

	list    *listing
	hasNext bool
	h       *handle
	p       cPage
	// turn serialises GetNextPage: a library page is used by one thread at a time.
	turn    chan struct{}
	cleanup runtime.Cleanup
}

// ConnectorPage is a page of ListConnectors.
type ConnectorPage = Page[Connector]

// listing is what the pages of one listing share.
type listing struct {
	client *Client
	op     string
	cfg    *callConfig // the listing call's options (its timeout bounds each page)
}

// newPage decodes a fetched page and takes ownership of p (freeing it on error).
func newPage[T any](l *listing, p cPage, d pageData) (*Page[T], error) {
	items, err := decodeItems[T](d.json, d.count)
	if err == nil && len(items) != d.count {
		err = decodeError("the page has %d items, the library found %d", len(items), d.count)
	}
	if err != nil {
		p.free()
		return nil, decodeError("%s: the page at offset %d does not match the model: %v", l.op, d.offset, err)
	}
	c := l.client
	c.pages.Add(1)
	c.sink.retain() // the page may fetch (and log) after its client is closed
	pg := &Page[T]{
		Items:   items,
		Total:   int(d.total),
		Limit:   int(d.limit),
		Offset:  int(d.offset),
		list:    l,
		hasNext: d.hasNext,
		h: newHandle(func() {
			p.free()
			c.pages.Add(-1)
			c.sink.release()
		}),
		p:    p,
		turn: make(chan struct{}, 1),
	}
	pg.cleanup = runtime.AddCleanup(pg, (*handle).close, pg.h)
	return pg, nil
}

// firstPage fetches the first page of list operation op. k (may be nil) cancels it and, as
// the listing's own, every page fetched without a cancel of its own.
func firstPage[T any](c *Client, ctx context.Context, op string, params []byte, cfg *callConfig, k *canceller) (*Page[T], error) {
	if c == nil || c.h == nil {
		return nil, ErrClosed
	}
	timeout, fromDeadline, err := bound(ctx, cfg.timeout, op)
	if err != nil {
		return nil, err
	}
	options, err := cfg.json(timeout, nil)
	if err != nil {
		return nil, err
	}
	leave, err := c.enter(ctx, op)
	if err != nil {
		return nil, err
	}
	p, d, err := c.c.list(op, params, options, k.handle())
	leave()
	runtime.KeepAlive(c)
	if err != nil {
		return nil, fromContext(ctx, err, fromDeadline)
	}
	if k.cancelled() {
		// ctx ended as the page arrived. The listing's pages would all inherit the fired
		// cancel handle, so report the cancellation now rather than fail later.
		p.free()
		return nil, contextError(op, ctx.Err())
	}
	if cfg.into != nil {
		*cfg.into = *p.response()
	}
	return newPage[T](&listing{client: c, op: op, cfg: cfg}, p, d)
}

// list is the body of every ListXxx method.
func list[T, P any](c *Client, ctx context.Context, op string, params *P, opts []RequestOption) (*Page[T], error) {
	cfg, err := newCallConfig(opts)
	if err != nil {
		return nil, err
	}
	body, err := paramsJSON(params)
	if err != nil {
		return nil, err
	}
	k, err := newCanceller(ctx)
	if err != nil {
		return nil, err
	}
	defer k.release()
	return firstPage[T](c, ctx, op, body, cfg, k)
}

// HasNextPage reports whether another page may follow, as decided by the library from this
// page (not from the server's has_next_page flag). When true, GetNextPage makes a request,
// which can still find that the listing is over.
func (pg *Page[T]) HasNextPage() bool { return pg != nil && pg.hasNext }

// GetNextPage fetches the page after this one; it returns nil, nil when the listing is over.
// ctx bounds and cancels this fetch; opts apply to it on top of the listing's options.
func (pg *Page[T]) GetNextPage(ctx context.Context, opts ...RequestOption) (*Page[T], error) {
	if !pg.HasNextPage() {
		return nil, nil
	}
	cfg, err := newCallConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg.timeout == 0 {
		cfg.timeout = pg.list.cfg.timeout
	}
	k, err := newCanceller(ctx)
	if err != nil {
		return nil, err
	}
	defer k.release()
	return pg.next(ctx, cfg, k, true)
}

// next fetches the following page with cancel handle k (nil: the listing's). full sends all
// of cfg's options; otherwise only its bound (the listing has the rest).
func (pg *Page[T]) next(ctx context.Context, cfg *callConfig, k *canceller, full bool) (*Page[T], error) {
	l := pg.list
	op := l.op
	timeout, fromDeadline, err := bound(ctx, cfg.timeout, op)
	if err != nil {
		return nil, err
	}
	if timeout == 0 {
		// No bound of this fetch's own: drop the bound the first page's call had.
		timeout = noBound
	}
	options := timeoutJSON(timeout)
	if full {
		if options, err = cfg.json(timeout, nil); err != nil {
			return nil, err
		}
	}
	select {
	case pg.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, contextError(op, ctx.Err())
	}
	defer func() { <-pg.turn }()
	leave, err := l.client.enter(ctx, op)
	if err != nil {
		return nil, err
	}
	if !pg.h.acquire() {
		leave()
		return nil, invalidArgument("%s: GetNextPage called on a closed page", op)
	}
	p, d, end, err := pg.p.next(options, k.handle())
	pg.h.release()
	leave()
	if err != nil {
		return nil, fromContext(ctx, err, fromDeadline)
	}
	if end {
		return nil, nil
	}
	if cfg.into != nil {
		*cfg.into = *p.response()
	}
	return newPage[T](l, p, d)
}

// Close releases the library's copy of the page now instead of at garbage collection. Items
// stay valid; GetNextPage no longer works. When no page of the listing is left, pages the
// library was prefetching are cancelled. Optional and idempotent.
func (pg *Page[T]) Close() error {
	if pg != nil && pg.h != nil {
		pg.cleanup.Stop()
		pg.h.close()
	}
	return nil
}

// autoPaging is the body of every ListXxxAutoPaging method: every item from params' offset on,
// pages fetched as the loop advances. One cancel handle serves the whole listing, so a done
// ctx also stops the pages being prefetched.
func autoPaging[T, P any](c *Client, ctx context.Context, op string, params *P, opts []RequestOption) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cfg, err := newCallConfig(opts)
		if err != nil {
			yield(zero, err)
			return
		}
		body, err := paramsJSON(params)
		if err != nil {
			yield(zero, err)
			return
		}
		k, err := newCanceller(ctx)
		if err != nil {
			yield(zero, err)
			return
		}
		defer k.release()
		page, err := firstPage[T](c, ctx, op, body, cfg, k)
		defer func() { page.Close() }()
		for err == nil && page != nil {
			for i := range page.Items {
				if err := ctx.Err(); err != nil {
					yield(zero, contextError(op, err))
					return
				}
				if !yield(page.Items[i], nil) {
					return
				}
			}
			var next *Page[T]
			if page.hasNext {
				next, err = page.next(ctx, cfg, k, false)
			}
			page.Close()
			page = next
		}
		if err != nil {
			yield(zero, err)
		}
	}
}
