package openint

import (
	"context"
	"errors"
	"testing"
	"time"
)

// deadlineOnly has a deadline but no Done channel, so the Go side cannot stop waiting early:
// only the timeout handed to the library can end the call. It isolates that hand-off.
type deadlineOnly struct {
	context.Context
	deadline time.Time
}

func (d deadlineOnly) Deadline() (time.Time, bool) { return d.deadline, true }
func (d deadlineOnly) Done() <-chan struct{}       { return nil }
func (d deadlineOnly) Err() error {
	if time.Now().After(d.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

func checkDeadline(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want an error wrapping context.DeadlineExceeded", err)
	}
}

// The server would answer after 3 s, well within the client's own 60 s timeout: only the
// context deadline, handed to the library as the call's timeout, can make this fail.
func TestContextDeadlineBoundsTheLibraryCall(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"latency_ms": 3000})
	c := newTestClient(t, s.BaseURL)
	ctx := deadlineOnly{context.Background(), time.Now().Add(300 * time.Millisecond)}
	_, err := c.ListConnectors(ctx, nil)
	checkDeadline(t, err)
	checkKind(t, err, KindTimeout, ErrTimeout) // it came from the library
	if n := len(s.requests(t)); n != 1 {
		t.Fatalf("%d requests: the deadline must also stop retries", n)
	}
}

// The same for each page fetch of the auto-pager: every request takes 400 ms, the whole
// listing gets 1 s, so the third page must fail (if the remaining time were not handed on,
// every page would get the first call's full second and the listing would complete).
func TestContextDeadlineBoundsEachPage(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"deadline only", "context.WithTimeout"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newScenario(t, map[string]any{"latency_ms": 400})
			c := newTestClient(t, s.BaseURL)
			var ctx context.Context = deadlineOnly{context.Background(), time.Now().Add(time.Second)}
			if name == "context.WithTimeout" {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(context.Background(), time.Second)
				defer cancel()
			}
			var n int
			var last error
			for _, err := range c.ListConnectorsAutoPaging(ctx, &ListConnectorsParams{Limit: Ptr(50)}) {
				if err != nil {
					last = err
					break
				}
				n++
			}
			checkDeadline(t, last)
			if name == "deadline only" {
				// The page request itself was cut off by the library (a later Go-side check
				// of ctx.Err() would give a plain context error instead).
				checkKind(t, last, KindTimeout, ErrTimeout)
			}
			if n >= 171 {
				t.Fatalf("listed all %d connectors past the deadline", n)
			}
		})
	}
}

func TestContextCancelStopsAutoPagingBeforeTheNextPage(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n int
	var last error
	for _, err := range c.ListConnectorsAutoPaging(ctx, &ListConnectorsParams{Limit: Ptr(50)}) {
		if err != nil {
			last = err
			break
		}
		n++
		cancel()
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("got %v, want an error wrapping context.Canceled", last)
	}
	if n != 1 || len(s.requests(t)) != 1 {
		t.Fatalf("%d items and %d requests after cancel, want 1 and 1", n, len(s.requests(t)))
	}
}

// Cancelling a blocked call returns at once: without it this call would succeed after 2 s.
func TestContextCancelDuringACall(t *testing.T) {
	t.Parallel()
	s := newScenario(t, map[string]any{"latency_ms": 2000})
	c := newTestClient(t, s.BaseURL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := c.ListConnectors(ctx, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want an error wrapping context.Canceled", err)
	}
	// The same for GetNextPage.
	page, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	time.AfterFunc(100*time.Millisecond, cancel2)
	if _, err := page.GetNextPage(ctx2); !errors.Is(err, context.Canceled) {
		t.Fatalf("GetNextPage: got %v, want an error wrapping context.Canceled", err)
	}
}

func TestDoneContextMakesNoRequest(t *testing.T) {
	t.Parallel()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL)
	page, err := c.ListConnectors(context.Background(), &ListConnectorsParams{Limit: Ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, ctx := range []context.Context{cancelled, expired} {
		if _, err := c.ListConnectors(ctx, nil); !errors.Is(err, ctx.Err()) {
			t.Fatalf("ListConnectors: %v", err)
		}
		if _, err := page.GetNextPage(ctx); !errors.Is(err, ctx.Err()) {
			t.Fatalf("GetNextPage: %v", err)
		}
		for _, err := range c.ListConnectorsAutoPaging(ctx, nil) {
			if !errors.Is(err, ctx.Err()) {
				t.Fatalf("auto-paging: %v", err)
			}
		}
	}
	if n := len(s.requests(t)); n != 1 {
		t.Fatalf("%d requests, want only the first", n)
	}
}
