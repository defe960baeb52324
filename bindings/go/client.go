package openint

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
)

// Client talks to the OpenInt API through libopenint. It is safe for concurrent use by any
// number of goroutines, which share its keep-alive connection pool; at most WithMaxInFlight
// calls run at once (DefaultMaxInFlight), the others wait for a slot. Close it when done; a
// Client that becomes unreachable is closed by the garbage collector as a safety net.
type Client struct {
	h       *handle
	c       cClient
	cleanup runtime.Cleanup
	// slots bounds the calls in flight: each blocked C call holds an OS thread.
	slots chan struct{}
	sink  *logSink
	// pages counts this client's live library pages (tests check that listings free them).
	pages atomic.Int64
}

// Response is the HTTP answer of a call, as WithResponseInto captures it.
type Response struct {
	StatusCode int
	// Header holds the answer's headers (canonical names, as net/http keeps them).
	Header http.Header
	// RequestID is the x-request-id (or request-id) header, when sent.
	RequestID string
	// Retries is how many retries the call made before this answer.
	Retries int
}

// setUserAgent names this module in User-Agent (so API operators can tell the bindings
// apart), unless the caller set one with WithHeader. The library appends its own name
// ("openint-rust/<version>") to either.
func (s *settings) setUserAgent() {
	for name := range s.Headers {
		if strings.EqualFold(name, "User-Agent") {
			return
		}
	}
	if s.Headers == nil {
		s.Headers = map[string]string{}
	}
	s.Headers["User-Agent"] = "openint-go/" + Version() + " " + runtime.Version()
}

// NewClient makes a client. Bad options give a KindInvalidArgument error naming the option,
// before any request.
func NewClient(opts ...Option) (*Client, error) {
	if abiError != nil {
		return nil, abiError
	}
	s := settings{maxInFlight: DefaultMaxInFlight}
	for _, opt := range opts {
		if opt != nil {
			opt.applyClient(&s)
		}
	}
	if s.err != nil {
		return nil, s.err
	}
	s.setUserAgent()
	optionsJSON, err := json.Marshal(&s)
	if err != nil {
		// Only a non-finite duration can get here.
		return nil, invalidArgument("options: %v", err)
	}
	c, err := newCClient(optionsJSON)
	if err != nil {
		return nil, err
	}
	var sink *logSink
	if s.logger != nil {
		if sink, err = attachLogger(c, s.logger); err != nil {
			c.free()
			return nil, err
		}
	}
	client := &Client{
		h:     newHandle(func() { c.free(); sink.release() }),
		c:     c,
		slots: make(chan struct{}, s.maxInFlight),
		sink:  sink,
	}
	client.cleanup = runtime.AddCleanup(client, (*handle).close, client.h)
	return client, nil
}

// Close frees the client. It is idempotent and returns at once; later calls return ErrClosed.
// Calls already running finish normally, and the library's client is freed when the last
// one ends. Pages already fetched keep their items; their GetNextPage returns ErrClosed.
func (c *Client) Close() error {
	if c == nil || c.h == nil {
		return nil
	}
	c.cleanup.Stop()
	c.h.close()
	return nil
}

// enter takes a slot (waiting while WithMaxInFlight calls run, unless ctx ends first) and a
// reference on the library client; leave gives both back.
func (c *Client) enter(ctx context.Context, op string) (leave func(), err error) {
	if c == nil || c.h == nil || c.h.isClosed() {
		return nil, ErrClosed
	}
	select {
	case c.slots <- struct{}{}:
	default:
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, contextError(op, ctx.Err())
		}
	}
	if !c.h.acquire() {
		<-c.slots
		return nil, ErrClosed
	}
	return func() {
		c.h.release()
		<-c.slots
	}, nil
}

// call runs one non-list operation and decodes its answer into a new T. params is the JSON
// params object; body, when set, is merged into the request body (healthEcho, handleWebhook).
func call[T any](c *Client, ctx context.Context, op string, params []byte, body map[string]any, opts []RequestOption) (*T, error) {
	if c == nil || c.h == nil {
		return nil, ErrClosed
	}
	cfg, err := newCallConfig(opts)
	if err != nil {
		return nil, err
	}
	timeout, fromDeadline, err := bound(ctx, cfg.timeout, op)
	if err != nil {
		return nil, err
	}
	options, err := cfg.json(timeout, body)
	if err != nil {
		return nil, err
	}
	r, err := c.callC(ctx, op, params, options, cfg.into != nil)
	if err != nil {
		return nil, fromContext(ctx, err, fromDeadline)
	}
	v := new(T)
	if !json.Valid(r.body) {
		// The body is not quoted: an answer is no place to echo into error logs.
		return nil, decodeError("%s: the answer (%d bytes) is not JSON", op, len(r.body))
	}
	if err := decodeModel(r.body, v); err != nil {
		return nil, decodeError("%s: the answer does not match the model: %v", op, err)
	}
	if cfg.into != nil {
		*cfg.into = *r.resp
	}
	return v, nil
}

// callC runs one call in the library within a slot. The slot, the client reference and the
// cancel handle are given back by defer, so that nothing leaks whatever unwinds.
func (c *Client) callC(ctx context.Context, op string, params, options []byte, wantResponse bool) (callResult, error) {
	leave, err := c.enter(ctx, op)
	if err != nil {
		return callResult{}, err
	}
	defer leave()
	k, err := newCanceller(ctx)
	if err != nil {
		return callResult{}, err
	}
	defer k.release()
	defer runtime.KeepAlive(c)
	return c.c.call(op, params, options, k.handle(), wantResponse)
}
