package openint

import (
	"encoding/json"
	"log/slog"
	"math"
	"time"
)

// Option configures NewClient.
type Option interface{ applyClient(*settings) }

// RequestOption configures one call (and, for a listing, every page it fetches).
type RequestOption interface{ applyCall(*callConfig) }

// SharedOption works in both places: given to NewClient it applies to every call, given to a
// call it applies to that call only (and wins over the client's).
type SharedOption interface {
	Option
	RequestOption
}

// settings is the options object of openint_client_new plus what the Go client does itself;
// unset fields are left out, so the library's defaults apply (including OPENINT_API_KEY and
// OPENINT_BASE_URL).
type settings struct {
	Token          *string           `json:"token,omitempty"`
	BaseURL        *string           `json:"base_url,omitempty"`
	Timeout        *float64          `json:"timeout,omitempty"`
	ConnectTimeout *float64          `json:"connect_timeout,omitempty"`
	TotalTimeout   *float64          `json:"total_timeout,omitempty"`
	MaxRetries     *int              `json:"max_retries,omitempty"`
	MaxBodyBytes   *int              `json:"max_body_bytes,omitempty"`
	Headers        map[string]string `json:"default_headers,omitempty"`
	TLSCAFile      *string           `json:"tls_ca_file,omitempty"`
	TLSCAPEM       *string           `json:"tls_ca_pem,omitempty"`
	TLSRoots       *string           `json:"tls_roots,omitempty"`
	TLSCertFile    *string           `json:"tls_client_cert_file,omitempty"`
	TLSCertPEM     *string           `json:"tls_client_cert_pem,omitempty"`
	TLSKeyFile     *string           `json:"tls_client_key_file,omitempty"`
	TLSKeyPEM      *string           `json:"tls_client_key_pem,omitempty"`
	Proxy          any               `json:"proxy,omitempty"` // a URL, or false for none
	Prefetch       *int              `json:"prefetch,omitempty"`

	maxInFlight int
	logger      *slog.Logger
	err         error // a bad option found in Go
}

// callConfig is what the RequestOptions of one call ask for.
type callConfig struct {
	timeout     time.Duration // 0: none
	maxRetries  *int
	headers     map[string]*string // nil value: remove the header
	query       map[string]string
	body        map[string]any
	retryUnsafe *bool
	prefetch    *int
	into        *Response
	err         error // a bad option found in Go
}

type optionFunc func(*settings)

func (f optionFunc) applyClient(s *settings) { f(s) }

type requestOptionFunc func(*callConfig)

func (f requestOptionFunc) applyCall(c *callConfig) { f(c) }

type sharedOption struct {
	client func(*settings)
	call   func(*callConfig)
}

func (o sharedOption) applyClient(s *settings) { o.client(s) }
func (o sharedOption) applyCall(c *callConfig) { o.call(c) }

// WithToken sets the bearer token (default: $OPENINT_API_KEY). An empty token sends none.
func WithToken(token string) Option { return optionFunc(func(s *settings) { s.Token = &token }) }

// WithBaseURL sets the API base URL, including /v1 (default: $OPENINT_BASE_URL, else
// https://api.openint.dev/v1). The token is only ever sent to this URL's origin; redirects
// elsewhere are refused.
func WithBaseURL(url string) Option { return optionFunc(func(s *settings) { s.BaseURL = &url }) }

// WithTimeout bounds each HTTP attempt, body included (default 60s). See WithRequestTimeout
// for a bound on a whole call.
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(s *settings) { s.Timeout = seconds(d) })
}

// WithConnectTimeout bounds connecting (default 5s).
func WithConnectTimeout(d time.Duration) Option {
	return optionFunc(func(s *settings) { s.ConnectTimeout = seconds(d) })
}

// WithTotalTimeout bounds every call across its retries and back-off (default: none; a
// context deadline or WithRequestTimeout also bounds a call).
func WithTotalTimeout(d time.Duration) Option {
	return optionFunc(func(s *settings) { s.TotalTimeout = seconds(d) })
}

// WithMaxBodyBytes caps a response body (default 64 MiB).
func WithMaxBodyBytes(n int) Option {
	return optionFunc(func(s *settings) { s.MaxBodyBytes = &n })
}

// WithTLSCAFile trusts only the CA certificates in this PEM file (default: the system's).
func WithTLSCAFile(path string) Option {
	return optionFunc(func(s *settings) { s.TLSCAFile = &path })
}

// WithTLSCAPEM trusts only these PEM CA certificates (default: the system's).
func WithTLSCAPEM(pem string) Option {
	return optionFunc(func(s *settings) { s.TLSCAPEM = &pem })
}

// WithTLSRoots picks the default trust store: "system" (the OS's) or "webpki" (Mozilla's
// list built into the library).
func WithTLSRoots(roots string) Option {
	return optionFunc(func(s *settings) { s.TLSRoots = &roots })
}

// WithTLSClientCertFiles presents a client certificate (mutual TLS) from PEM files.
func WithTLSClientCertFiles(certFile, keyFile string) Option {
	return optionFunc(func(s *settings) { s.TLSCertFile, s.TLSKeyFile = &certFile, &keyFile })
}

// WithTLSClientCertPEM presents a client certificate (mutual TLS) given as PEM text.
func WithTLSClientCertPEM(certPEM, keyPEM string) Option {
	return optionFunc(func(s *settings) { s.TLSCertPEM, s.TLSKeyPEM = &certPEM, &keyPEM })
}

// WithProxy sends every request through this proxy (e.g. "http://user:pass@host:3128").
// Default: HTTPS_PROXY / ALL_PROXY / NO_PROXY from the environment.
func WithProxy(url string) Option { return optionFunc(func(s *settings) { s.Proxy = url }) }

// WithoutProxy ignores the proxy environment variables.
func WithoutProxy() Option { return optionFunc(func(s *settings) { s.Proxy = false }) }

// DefaultMaxInFlight is how many calls a Client runs at once unless WithMaxInFlight says
// otherwise.
const DefaultMaxInFlight = 64

// WithMaxInFlight bounds the calls one Client has in flight at once (default
// DefaultMaxInFlight). Each call blocked in the library holds an OS thread, so without a bound
// 10,000 goroutines calling a slow server would make 10,000 threads. Calls past the bound wait
// for a slot; their context can cancel the wait, and no request is made before a slot is free.
// Pages a listing prefetches (WithPrefetch) run on the library's own threads and do not count.
func WithMaxInFlight(n int) Option {
	return optionFunc(func(s *settings) {
		if n < 1 {
			s.err = invalidArgument("options: max in flight must be at least 1, got %d", n)
		}
		s.maxInFlight = n
	})
}

// WithLogger sends the library's log lines to logger (default: none; OPENINT_LOG=info etc.
// logs to stderr instead). Lines come at the most verbose level logger enables: one Info line
// per attempt (method, URL, status, elapsed, attempt), Warn per retry with its reason and wait,
// Debug request details, and bodies at slog.LevelDebug-4 (trace). Each line has a "target"
// attribute (e.g. "openint::http"). Lines never contain the token or credentials.
func WithLogger(logger *slog.Logger) Option {
	return optionFunc(func(s *settings) { s.logger = logger })
}

// WithMaxRetries sets how often a failed request is retried (client default 2). GET, PUT and
// DELETE are retried on connection errors, timeouts, 408, 409, 429 and 5xx, honouring
// Retry-After; POSTs that create something only when the request provably never reached the
// server or the server said so (see WithRetryUnsafe).
func WithMaxRetries(n int) SharedOption {
	return sharedOption{
		client: func(s *settings) { s.MaxRetries = &n },
		call:   func(c *callConfig) { c.maxRetries = &n },
	}
}

// WithHeader adds a header to every request of the client, or to one call's requests (where
// it replaces a client header of the same name). Authorization cannot be set this way.
func WithHeader(name, value string) SharedOption {
	return sharedOption{
		client: func(s *settings) {
			if s.Headers == nil {
				s.Headers = map[string]string{}
			}
			s.Headers[name] = value
		},
		call: func(c *callConfig) {
			if c.headers == nil {
				c.headers = map[string]*string{}
			}
			c.headers[name] = &value
		},
	}
}

// WithPrefetch keeps k pages of a listing in flight at once (1..64; default 1, one page after
// the other), for every listing of the client or for one. Pages still come out in order and
// each item once; stopping early (break, or freeing the page) cancels the pages in flight.
// On the lists with a real total the library fetches only pages that exist; on
// ListConnectors it speculates, so up to k-1 requests may go past the end.
func WithPrefetch(k int) SharedOption {
	return sharedOption{
		client: func(s *settings) { s.Prefetch = &k },
		call:   func(c *callConfig) { c.prefetch = &k },
	}
}

// WithRequestTimeout bounds one call, all its retries and back-off included (for a listing:
// each page fetch). A context deadline bounds it too; the earlier one wins.
func WithRequestTimeout(d time.Duration) RequestOption {
	return requestOptionFunc(func(c *callConfig) {
		if d <= 0 {
			c.err = invalidArgument("options: request timeout must be positive, got %v", d)
		}
		c.timeout = d
	})
}

// WithoutHeader removes a header (a client default, or User-Agent) from one call's requests.
func WithoutHeader(name string) RequestOption {
	return requestOptionFunc(func(c *callConfig) {
		if c.headers == nil {
			c.headers = map[string]*string{}
		}
		c.headers[name] = nil
	})
}

// WithQuery adds a query parameter to one call's requests (replacing the operation's own of
// that name), e.g. for a parameter this version does not know yet.
func WithQuery(key, value string) RequestOption {
	return requestOptionFunc(func(c *callConfig) {
		if c.query == nil {
			c.query = map[string]string{}
		}
		c.query[key] = value
	})
}

// WithBodyField sets a field of one call's JSON body (replacing the operation's own of that
// name), e.g. for a field this version does not know yet. value is encoded with
// encoding/json; nil sends null.
func WithBodyField(key string, value any) RequestOption {
	return requestOptionFunc(func(c *callConfig) {
		if c.body == nil {
			c.body = map[string]any{}
		}
		c.body[key] = value
	})
}

// WithRetryUnsafe decides whether a POST that creates something (CreateConnection,
// CreateConnectorConfig, HandleWebhook) may be retried after a failure that may have reached
// the server: true retries it like a GET, false never retries it. Without it such a POST is
// retried only when the request provably never reached the server, or on 429/503.
func WithRetryUnsafe(retry bool) RequestOption {
	return requestOptionFunc(func(c *callConfig) { c.retryUnsafe = &retry })
}

// WithResponseInto fills *r with the HTTP answer of a successful call: status, headers, request
// id and retries taken (for a listing: those of the last page fetched). A failed call leaves
// *r alone; its *Error carries the same details.
func WithResponseInto(r *Response) RequestOption {
	return requestOptionFunc(func(c *callConfig) { c.into = r })
}

func seconds(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}

func newCallConfig(opts []RequestOption) (*callConfig, error) {
	c := &callConfig{}
	for _, o := range opts {
		if o != nil {
			o.applyCall(c)
		}
	}
	return c, c.err
}

// noBound is the timeout that drops a listing's earlier bound (the library's largest).
const noBound = 1e9

// callOptions is the options object of openint_client_call_with and friends.
type callOptions struct {
	Timeout     float64            `json:"timeout,omitempty"`
	MaxRetries  *int               `json:"max_retries,omitempty"`
	Headers     map[string]*string `json:"extra_headers,omitempty"`
	Query       map[string]string  `json:"extra_query,omitempty"`
	Body        map[string]any     `json:"extra_body,omitempty"`
	RetryUnsafe *bool              `json:"retry_unsafe,omitempty"`
	Prefetch    *int               `json:"prefetch,omitempty"`
}

// json is the options object for a call bounded by timeout seconds (0: no bound of its own),
// with body fields merged under the caller's own; nil when there is nothing to say.
func (c *callConfig) json(timeout float64, body map[string]any) ([]byte, error) {
	o := callOptions{Timeout: timeout, MaxRetries: c.maxRetries, Headers: c.headers, Query: c.query,
		RetryUnsafe: c.retryUnsafe, Prefetch: c.prefetch}
	if len(body) > 0 || len(c.body) > 0 {
		o.Body = make(map[string]any, len(body)+len(c.body))
		for k, v := range body {
			o.Body[k] = v
		}
		for k, v := range c.body {
			o.Body[k] = v
		}
	}
	if o.Timeout == 0 && o.MaxRetries == nil && o.Headers == nil && o.Query == nil && o.Body == nil &&
		o.RetryUnsafe == nil && o.Prefetch == nil {
		return nil, nil
	}
	b, err := json.Marshal(&o)
	if err != nil {
		return nil, invalidArgument("options: %v", err)
	}
	return b, nil
}

// timeoutJSON is the options object of a page fetch: only its bound (the listing keeps the
// other options).
func timeoutJSON(timeout float64) []byte {
	if timeout <= 0 || math.IsInf(timeout, 1) {
		timeout = noBound
	}
	b, _ := json.Marshal(callOptions{Timeout: timeout})
	return b
}
