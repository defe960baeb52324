package openint

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A C call cannot be interrupted, so a context acts on it in two ways:
//   - its deadline becomes the call's timeout in the library (retries and back-off included),
//     so the blocking call itself ends by the deadline;
//   - its cancellation makes the Go call return at once; the abandoned C call finishes in the
//     background (bounded by the client's timeouts) and its result is freed.

// callTimeout is the time left before ctx's deadline, in seconds, for the library's timeout;
// 0 when ctx has no deadline. It fails when ctx is already done, before any request.
func callTimeout(ctx context.Context, op string) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, contextError(op, err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return 0, nil
	}
	left := time.Until(deadline)
	if left <= 0 {
		return 0, contextError(op, context.DeadlineExceeded)
	}
	return left.Seconds(), nil
}

// contextError wraps ctx.Err() so errors.Is(err, context.Canceled) and
// errors.Is(err, context.DeadlineExceeded) work.
func contextError(op string, err error) error {
	return fmt.Errorf("openint: %s: %w", op, err)
}

// withDeadlineCause marks a library timeout that came from ctx's deadline, so that
// errors.Is(err, context.DeadlineExceeded) holds as well as errors.Is(err, ErrTimeout).
func withDeadlineCause(ctx context.Context, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindTimeout {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		e.cause = context.DeadlineExceeded
	}
	return err
}

// await runs call, a blocking C call, and returns its result, or ctx's error as soon as ctx is
// done. An abandoned result is handed to discard when the call ends (to free its C handle).
func await[T any](ctx context.Context, op string, call func() (T, error), discard func(T)) (T, error) {
	if ctx.Done() == nil {
		// Never cancelled (e.g. context.Background()): no goroutine needed.
		v, err := call()
		return v, withDeadlineCause(ctx, err)
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := call()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, withDeadlineCause(ctx, r.err)
	case <-ctx.Done():
		select {
		case r := <-done: // finished at the same moment: keep the result
			return r.v, withDeadlineCause(ctx, r.err)
		default:
		}
		go func() {
			if r := <-done; r.err == nil {
				discard(r.v)
			}
		}()
		var zero T
		return zero, contextError(op, ctx.Err())
	}
}
