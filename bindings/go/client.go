package openint

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

// Client talks to the OpenInt API through libopenint. It is safe for concurrent use by any
// number of goroutines, which share its keep-alive connection pool. Close it when done; a
// Client that becomes unreachable is closed by the garbage collector as a safety net.
type Client struct {
	h       *handle
	c       cClient
	cleanup runtime.Cleanup
	// pages counts this client's live ConnectorPages (tests check auto-paging frees them).
	pages atomic.Int64
}

// Option configures NewClient.
type Option func(*settings)

// settings is the options object of openint_client_new; unset fields are left out, so the
// library's defaults apply (including OPENINT_API_KEY and OPENINT_BASE_URL).
type settings struct {
	Token          *string           `json:"token,omitempty"`
	BaseURL        *string           `json:"base_url,omitempty"`
	Timeout        *float64          `json:"timeout,omitempty"`
	ConnectTimeout *float64          `json:"connect_timeout,omitempty"`
	TotalTimeout   *float64          `json:"total_timeout,omitempty"`
	MaxRetries     *int              `json:"max_retries,omitempty"`
	MaxBodyBytes   *int64            `json:"max_body_bytes,omitempty"`
	Headers        map[string]string `json:"default_headers,omitempty"`
}

// WithToken sets the bearer token (default: $OPENINT_API_KEY). An empty token sends none.
func WithToken(token string) Option { return func(s *settings) { s.Token = &token } }

// WithBaseURL sets the API base URL (default: $OPENINT_BASE_URL, else https://api.openint.dev/v1).
// The token is only ever sent to this URL's origin; redirects elsewhere are refused.
func WithBaseURL(url string) Option { return func(s *settings) { s.BaseURL = &url } }

// WithTimeout bounds each HTTP attempt, body included (default 60s).
func WithTimeout(d time.Duration) Option { return func(s *settings) { s.Timeout = seconds(d) } }

// WithConnectTimeout bounds connecting (default 5s).
func WithConnectTimeout(d time.Duration) Option {
	return func(s *settings) { s.ConnectTimeout = seconds(d) }
}

// WithTotalTimeout bounds each call across its retries and back-off (default: none; a
// context deadline also bounds each call).
func WithTotalTimeout(d time.Duration) Option {
	return func(s *settings) { s.TotalTimeout = seconds(d) }
}

// WithMaxRetries sets how often a failed request is retried (default 2). Connection errors,
// timeouts, 408, 409, 429 and 5xx are retried, honouring Retry-After.
func WithMaxRetries(n int) Option { return func(s *settings) { s.MaxRetries = &n } }

// WithMaxBodyBytes caps a response body (default 256 MiB).
func WithMaxBodyBytes(n int64) Option { return func(s *settings) { s.MaxBodyBytes = &n } }

// WithHeader adds a header to every request. Authorization cannot be set this way.
func WithHeader(name, value string) Option {
	return func(s *settings) {
		if s.Headers == nil {
			s.Headers = map[string]string{}
		}
		s.Headers[name] = value
	}
}

// setUserAgent names this module and the library in User-Agent (so API operators can tell the
// bindings apart), unless the caller set one with WithHeader.
func (s *settings) setUserAgent() {
	for name := range s.Headers {
		if strings.EqualFold(name, "User-Agent") {
			return
		}
	}
	if s.Headers == nil {
		s.Headers = map[string]string{}
	}
	v := Version()
	s.Headers["User-Agent"] = "openint-go/" + v + " openint-rust/" + v + " " + runtime.Version()
}

func seconds(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}

// NewClient makes a client. Bad options give a KindInvalidArgument error naming the option.
func NewClient(opts ...Option) (*Client, error) {
	if abiError != nil {
		return nil, abiError
	}
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	s.setUserAgent()
	optionsJSON, err := json.Marshal(&s)
	if err != nil {
		// Only a non-finite duration can get here.
		return nil, &Error{Kind: KindInvalidArgument, Message: "options: " + err.Error()}
	}
	c, err := newCClient(optionsJSON)
	if err != nil {
		return nil, err
	}
	client := &Client{h: newHandle(c.free), c: c}
	client.cleanup = runtime.AddCleanup(client, (*handle).close, client.h)
	return client, nil
}

// Close frees the client. It is idempotent and returns at once; later calls return ErrClosed.
// Calls already running finish normally, and the library's client is freed when the last
// one ends.
func (c *Client) Close() error {
	if c == nil || c.h == nil {
		return nil
	}
	c.cleanup.Stop()
	c.h.close()
	return nil
}

// ListConnectors fetches one page of GET /connector. ctx's deadline bounds the call
// (retries included); its cancellation returns at once.
func (c *Client) ListConnectors(ctx context.Context, params ListConnectorsParams) (*ConnectorPage, error) {
	const op = "list connectors"
	if c == nil || c.h == nil { // nil, or a Client not made by NewClient
		return nil, ErrClosed
	}
	timeout, err := callTimeout(ctx, op)
	if err != nil {
		return nil, err
	}
	paramsJSON, err := params.json(timeout)
	if err != nil {
		return nil, err
	}
	if !c.h.acquire() {
		return nil, ErrClosed
	}
	p, err := await(ctx, op, func() (cPage, error) {
		defer c.h.release()
		p, err := c.c.listConnectors(paramsJSON)
		runtime.KeepAlive(c)
		return p, err
	}, cPage.free)
	if err != nil {
		return nil, err
	}
	return newConnectorPage(c, p)
}
