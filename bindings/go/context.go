package openint

import (
	"context"
	"errors"
	"time"
)

// A context acts on a call in the library in two ways:
//   - its deadline becomes the call's timeout (retries and back-off included), so the library
//     ends the call by the deadline on its own, even for a context whose Done channel is nil;
//   - its Done channel fires the call's cancel handle (context.AfterFunc), and the library
//     stops whatever it is doing (connecting, sending, waiting, reading, backing off) within
//     about 10 ms and returns CANCELLED.
// The call runs on the caller's goroutine: no goroutine is started per call, and none is left
// behind when the context ends.

// deadlineSlack is how close to the context's deadline a library timeout counts as the
// deadline's doing (the library's clock and Go's differ by scheduling delays).
const deadlineSlack = 20 * time.Millisecond

// bound is the timeout of one call: the sooner of the context's deadline and the call's own
// timeout, in seconds (0: none), and whether it came from the deadline. It fails when ctx is
// already done, before any request.
func bound(ctx context.Context, own time.Duration, op string) (secs float64, fromDeadline bool, err error) {
	if err := ctx.Err(); err != nil {
		return 0, false, contextError(op, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left < time.Millisecond { // the library's shortest timeout
			return 0, false, contextError(op, context.DeadlineExceeded)
		}
		if own == 0 || left < own {
			return left.Seconds(), true, nil
		}
	}
	return own.Seconds(), false, nil
}

// contextError is the error of a call the context ended before the library was called.
func contextError(op string, err error) *Error {
	e := &Error{Kind: KindCancelled, Message: op + ": " + err.Error(), cause: err}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Kind = KindTimeout
	}
	return e
}

// fromContext ties a library error to the context that caused it: a call cancelled through
// the context's cancel handle, or timed out at the context's deadline, wraps ctx's error.
func fromContext(ctx context.Context, err error, fromDeadline bool) error {
	var e *Error
	if !errors.As(err, &e) || (e.Kind != KindCancelled && e.Kind != KindTimeout) {
		return err
	}
	switch cerr := ctx.Err(); {
	case cerr != nil:
		e.cause = cerr
	case fromDeadline:
		// The library's timer (set from the deadline) can fire a moment before ctx's own.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= deadlineSlack {
			e.cause = context.DeadlineExceeded
		}
	}
	if errors.Is(e.cause, context.DeadlineExceeded) {
		e.Kind = KindTimeout
	}
	return err
}

// canceller fires a library cancel handle when a context is done.
type canceller struct {
	c     cCancel
	stop  func() bool
	fired chan struct{}
}

// newCanceller returns nil for a context that can never be cancelled (no Done channel).
func newCanceller(ctx context.Context) (*canceller, error) {
	if ctx.Done() == nil {
		return nil, nil
	}
	c, err := newCCancel()
	if err != nil {
		return nil, err
	}
	k := &canceller{c: c, fired: make(chan struct{})}
	k.stop = context.AfterFunc(ctx, func() {
		c.fire()
		close(k.fired)
	})
	return k, nil
}

// handle is the cancel handle to pass to the library (nil: none).
func (k *canceller) handle() *cCancel {
	if k == nil {
		return nil
	}
	return &k.c
}

// cancelled reports whether the handle fired.
func (k *canceller) cancelled() bool {
	if k == nil {
		return false
	}
	select {
	case <-k.fired:
		return true
	default:
		return false
	}
}

// release stops watching the context and frees the handle, after a firing in progress ends.
func (k *canceller) release() {
	if k == nil {
		return
	}
	if !k.stop() {
		<-k.fired
	}
	k.c.free()
}
