/*
 * openint: C ABI of the OpenInt API client.
 *
 * Every v1 operation goes through a few generic entry points keyed by the operation's id
 * (see openint_operations_json for the table): openint_client_call[_with] for one call,
 * openint_client_list / openint_client_list_cursor for listings, openint_client_request for
 * endpoints the table does not know yet. Parameters cross as one JSON object, by name:
 *     openint_client_call(client, "getConnection", "{"id":"conn_1","include_secrets":true}", &resp, &err);
 *
 * Ownership and lifetimes
 *   - Handles (OpenintClient, OpenintPage, OpenintCursor, OpenintResponse, OpenintCancel,
 *     OpenintError) are opaque. Each one a function hands you is yours: free it exactly once
 *     with its own *_free function. Every *_free accepts NULL. A response lent by a page or a
 *     cursor (openint_page_response, openint_cursor_response) is not yours: never free it.
 *   - Strings returned as `const char *` are borrowed from the handle that returned them and
 *     are valid until that handle is freed (or, for a cursor, advanced). Never free them.
 *   - Inputs are NUL-terminated UTF-8. Parameters and options cross as JSON object text;
 *     NULL means none.
 *
 * Errors
 *   - Fallible functions return an OpenintStatus (0 = OPENINT_STATUS_OK) and take a last
 *     `OpenintError **err_out`. It may be NULL; otherwise, on failure, *err_out receives an
 *     error you free with openint_error_free. Other out-parameters are written only on
 *     OPENINT_STATUS_OK. OPENINT_STATUS_END (not an error) ends cursors and page chains.
 *   - Bad input (NULL handle, invalid JSON, unknown operation or key, wrong type, missing
 *     required parameter) gives OPENINT_STATUS_INVALID_ARGUMENT naming it, before any request.
 *     No panic ever crosses this boundary (it becomes OPENINT_STATUS_INTERNAL, and nothing is
 *     printed unless logging was asked for).
 *   - Messages never contain the token. Network errors name the method and URL.
 *
 * Threads
 *   - An OpenintClient may be shared by any number of threads at once. Free it only after
 *     every call on it has returned, and never while another thread may still enter one:
 *     that is a use-after-free. Pages, cursors and responses stay valid after the client is
 *     freed (they hold what they need).
 *   - An OpenintPage or OpenintCursor is used by one thread at a time. OpenintResponse,
 *     OpenintError and OpenintCancel may be read from any thread; openint_cancel may be called
 *     from any thread while another is inside a call.
 *   - No per-thread "last error" state is kept, so any thread may inspect an error.
 *
 * Memory
 *   - A page keeps its body (bounded by max_body_bytes) plus an index of about 2 bytes an
 *     item; the first openint_page_item call adds a copy of the items (about the body's size).
 *     A cursor lends one item at a time. Error bodies are kept up to 64 KiB.
 *   - Prefetch (`prefetch` > 1): besides the page it hands out, a listing holds at most
 *     min(16 MiB, max_body_bytes) of bodies of pages fetched ahead (plus their indexes). It puts
 *     no more pages in flight than fit, at the size of the biggest page yet, and fetches no
 *     further until the caller consumes; a page that would go past the bound stops being read
 *     and is fetched again when the caller reaches it.
 *
 * fork()
 *   - A client (and a page or cursor) made before fork() may be used in the child: the child's
 *     first request makes a new connection pool, and a listing fetches itself the pages the
 *     parent had in flight. The child never uses, nor shuts down, the parent's connections
 *     (it only closes its copies), so the parent goes on unaffected. As with any library that
 *     uses threads, a lock another thread holds at the moment of the fork (inside a logger
 *     callback, say) stays held in the child: fork where no other thread is inside a call, as
 *     gunicorn --preload and multiprocessing do.
 *
 * Logging (openint_set_logger, openint_client_set_logger, OPENINT_LOG)
 *   - error: a call that got no HTTP answer (connection, timeout, protocol), a caught panic;
 *     warn: a retry (status, reason, wait); info: one line per attempt (method, URL, status,
 *     elapsed, attempt) and a failed answer's message; debug: request details (the names of
 *     extra headers, never their values; the body's size); trace: request and response bodies,
 *     cut at 4096 bytes.
 *   - Masked at every level, in lines and in error messages and bodies alike: the token and
 *     the proxy password (as sent, JSON-escaped, percent-encoded, and a start of them at a
 *     cut); the values of JSON keys `settings`, `config`, `credentials`, `oauth`, `auth`,
 *     `authorization`, `cookie` and of any key whose name holds `secret`, `token`, `password`,
 *     `passwd` or `key` (`api_key`, `apiKey`, `client_secret`, `access_token`, ...); query
 *     values of such names; Authorization, Cookie and other credential header values; `key_...`
 *     API keys and JWT-looking values.
 */

#ifndef OPENINT_H
#define OPENINT_H

/* Generated by cbindgen from src/ffi.rs: do not edit by hand. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Bumped whenever a signature, a struct or an enum value of this header changes
// incompatibly. Bindings compare it with `openint_abi_version()` when they load the library.
// Functions and status values are only ever added: ABI 1 callers keep working.
#define OPENINT_ABI_VERSION 1

// Levels of `openint_set_logger` and `OPENINT_LOG`; a logger receives lines at its level
// and every more severe one.
enum OpenintLogLevel
#ifdef __cplusplus
  : uint32_t
#endif // __cplusplus
 {
  OPENINT_LOG_LEVEL_OFF = 0,
  OPENINT_LOG_LEVEL_ERROR = 1,
  OPENINT_LOG_LEVEL_WARN = 2,
  OPENINT_LOG_LEVEL_INFO = 3,
  OPENINT_LOG_LEVEL_DEBUG = 4,
  OPENINT_LOG_LEVEL_TRACE = 5,
};
#ifndef __cplusplus
typedef uint32_t OpenintLogLevel;
#endif // __cplusplus

// The result of every fallible function, and the kind of an `OpenintError`.
// The numbers are part of the ABI: they are never renumbered or reused.
enum OpenintStatus
#ifdef __cplusplus
  : uint32_t
#endif // __cplusplus
 {
  // Success.
  OPENINT_STATUS_OK = 0,
  // Bad input from the caller (NULL handle, bad JSON, unknown operation or key, wrong type,
  // value out of range, missing required parameter), found before any request.
  OPENINT_STATUS_INVALID_ARGUMENT = 1,
  // The connection could not be made or broke (including a body cut off mid-way).
  OPENINT_STATUS_CONNECTION = 2,
  // A per-attempt timeout or the call's deadline passed.
  OPENINT_STATUS_TIMEOUT = 3,
  // HTTP 400.
  OPENINT_STATUS_BAD_REQUEST = 4,
  // HTTP 401.
  OPENINT_STATUS_AUTHENTICATION = 5,
  // HTTP 403.
  OPENINT_STATUS_PERMISSION_DENIED = 6,
  // HTTP 404.
  OPENINT_STATUS_NOT_FOUND = 7,
  // HTTP 409.
  OPENINT_STATUS_CONFLICT = 8,
  // HTTP 422.
  OPENINT_STATUS_UNPROCESSABLE_ENTITY = 9,
  // HTTP 429.
  OPENINT_STATUS_RATE_LIMITED = 10,
  // HTTP 500 and 502 to 599: the server failed or is unavailable.
  OPENINT_STATUS_INTERNAL_SERVER = 11,
  // Any other non-2xx HTTP status, such as 501 Not Implemented (the server does not do
  // what was asked), or a refused redirect to another origin.
  OPENINT_STATUS_API_STATUS = 12,
  // A 2xx answer that is not the expected JSON, or a server that ignores `offset`.
  OPENINT_STATUS_DECODE = 13,
  // The response body passed `max_body_bytes`.
  OPENINT_STATUS_BODY_TOO_LARGE = 14,
  // A bug in this library (a caught panic). Please report it.
  OPENINT_STATUS_INTERNAL = 15,
  // The call was cancelled with `openint_cancel`. (Added in 0.2; ABI 1.)
  OPENINT_STATUS_CANCELLED = 16,
  // The server's answer is not valid HTTP (garbage status line, header flood). Not
  // retried. (Added in 0.2; ABI 1.)
  OPENINT_STATUS_PROTOCOL = 17,
  // Not an error: a cursor or page chain has no more items. No out-parameter is written.
  OPENINT_STATUS_END = 100,
};
#ifndef __cplusplus
typedef uint32_t OpenintStatus;
#endif // __cplusplus

// A cancel handle. Fire it from any thread with `openint_cancel` to stop the calls made
// with it; thread-safe, and harmless to fire twice or after the calls ended.
typedef struct OpenintCancel OpenintCancel;

// A client. Thread-safe: one client may be used by many threads at once; they share its
// keep-alive connection pool. Never free it while another thread is still inside a call
// that uses it (free it after every such call has returned); pages, cursors and responses
// made from it stay usable after it is freed.
typedef struct OpenintClient OpenintClient;

// A cursor over every item of a listing, across pages. Use from one thread at a time.
typedef struct OpenintCursor OpenintCursor;

// An error. Immutable; may be read from any thread.
typedef struct OpenintError OpenintError;

// One page of a listing. Use from one thread at a time. It keeps what it needs of its
// client, so it stays usable after `openint_client_free`.
typedef struct OpenintPage OpenintPage;

// The answer to a call: status, headers, request id, retries and the JSON body. Immutable;
// may be read from any thread. Pages lend one with `openint_page_response`.
typedef struct OpenintResponse OpenintResponse;

// Receives log lines: `level` (an `OpenintLogLevel`), `target` (e.g. "openint::http") and
// the message, both NUL-terminated and valid only during the call. Called from whatever thread
// made the request, or a prefetch thread of a page or cursor, possibly several at once: it must
// be thread-safe. It may make calls of this library (a logger that reports through the SDK): a
// nested call on the same thread is safe, and the outer call keeps its state (it is never sent
// again because of it, and its cancel keeps working).
//
// The lifetime rule, for freeing `user_data`: no callback runs with a logger's `user_data` once
// - `openint_set_logger` (or `openint_client_set_logger`) that removed or replaced it has
//   returned: it waits for the callbacks of the old logger running on other threads;
// - for a client's logger, the client and every page and cursor made from it are freed: freeing
//   the last page or cursor of a listing cancels its prefetch threads and waits for any callback
//   they are running, and they log nothing after.
//
// Called from inside a logger callback, those functions do not wait (they could wait for the
// caller itself): the rule then holds once the running callbacks return.
typedef void (*OpenintLogCallback)(void *user_data,
                                   uint32_t level,
                                   const char *target,
                                   const char *message);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// The library version, e.g. "0.2.0". A static string: never free it.
const char *openint_version(void);

// `OPENINT_ABI_VERSION` of the library actually loaded. Bindings compare it with the
// number they were written for and refuse to load on a mismatch.
uint32_t openint_abi_version(void);

// A short lowercase name for a status ("ok", "not_found", "end", ...). Static; never free it.
// Unknown numbers give "unknown".
const char *openint_status_name(uint32_t status);

// The operation table as JSON text, static (never free it): an array of
// `{"id","method","path","list","paging","retry","summary","params":[{"name","in","type",
// "required","nullable",...}]}`. Bindings test their method sets against it.
const char *openint_operations_json(void);

// Creates a client. `options_json` is NULL (all defaults) or a JSON object with any of:
// `token` (string; default OPENINT_API_KEY; trimmed, empty means none), `base_url` (default
// OPENINT_BASE_URL, else `https://api.openint.dev/v1`; it includes the API version),
// `timeout` (seconds per attempt, default 60), `connect_timeout` (default 5), `total_timeout`
// (seconds per call across retries; default none), `max_retries` (default 2),
// `max_body_bytes` (default 64 MiB), `default_headers` (object of strings; the same rules as
// the `extra_headers` of `openint_client_call_with`), `tls_ca_file` or
// `tls_ca_pem` (trust only these CAs; default: the OS trust store), `tls_roots` ("system" or
// "webpki"), `tls_client_cert_file`/`tls_client_cert_pem` with
// `tls_client_key_file`/`tls_client_key_pem` (mutual TLS), `proxy` (URL such as
// "http://user:pass@host:3128", or false for none; default HTTPS_PROXY/ALL_PROXY/NO_PROXY; a
// SOCKS proxy, given or from the environment, is refused rather than bypassed),
// `prefetch` (pages a listing keeps in flight, 1 to 64, as long as they fit in
// min(16 MiB, `max_body_bytes`): see Memory at the top; default 1). All timeouts are 0.001 to
// 1e9 seconds. Unknown keys and wrong types are errors naming the key. On success writes
// `*client_out`, owned by the caller: free it with `openint_client_free`.
OpenintStatus openint_client_new(const char *options_json,
                                 struct OpenintClient **client_out,
                                 struct OpenintError **err_out);

// Frees a client. NULL is a no-op. No other thread may be inside a call on it (or about to
// enter one); pages, cursors and responses made from it stay usable.
void openint_client_free(struct OpenintClient *client);

// Calls an operation by its id (`"getConnection"`, `"createToken"`, ...; see
// `openint_operations_json`) with its parameters as one JSON object: path, query and body
// parameters by name, e.g. `{"id":"conn_1","include_secrets":true}` (NULL: none). Unknown
// operations, unknown keys, wrong types, missing required parameters, a path parameter that is
// `.` or `..`, or over 4096 bytes, and a query value over 8192 bytes fail with
// `OPENINT_STATUS_INVALID_ARGUMENT` naming them, before any request. A list operation
// returns its first page's JSON. On success writes `*response_out` (free it with
// `openint_response_free`).
OpenintStatus openint_client_call(const struct OpenintClient *client,
                                  const char *operation,
                                  const char *params_json,
                                  struct OpenintResponse **response_out,
                                  struct OpenintError **err_out);

// `openint_client_call` with per-call options. `options_json` (NULL: none) is a JSON object
// with any of: `timeout` (seconds for the whole call, retries included), `max_retries`,
// `extra_headers` (object; a string value adds or replaces the header, whatever the case of
// its name, the SDK's own `User-Agent`, `Accept` and `Content-Type` included; null removes it;
// `Authorization` is refused unless `allow_authorization_header` is true; `Host`,
// `Content-Length`, `Transfer-Encoding`, `Connection`, `Keep-Alive`, `Upgrade`, `TE`, `Trailer`,
// `Expect` and `Proxy-Authorization` are refused; values up to 8192 bytes), `extra_query`
// (object; a boolean parameter of the table given false is left out, as the server reads any
// value as true), `extra_body` (object merged into the JSON body; refused on a GET, which has
// no body), `retry_unsafe` (true: retry this
// call like a GET, even a POST that creates something and may have reached the server; false:
// retry it only when it provably never reached the server or the server asked for it with
// 429, 503 or `x-should-retry: true`, the default for such POSTs), `prefetch` (listings).
// `cancel` (NULL: none) stops the call when fired; a listing keeps it for every later page.
OpenintStatus openint_client_call_with(const struct OpenintClient *client,
                                       const char *operation,
                                       const char *params_json,
                                       const char *options_json,
                                       const struct OpenintCancel *cancel,
                                       struct OpenintResponse **response_out,
                                       struct OpenintError **err_out);

// The raw escape hatch, for endpoints the table does not know yet: `method` ("GET", "POST",
// "PUT", "PATCH" or "DELETE"), `path` relative to the base URL (e.g. "/connection/conn_1",
// already URL-encoded, without `.` or `..` segments), `query_json` (NULL or an object of
// strings, numbers, booleans or arrays; false is left out, arrays are comma-joined),
// `body_json` (NULL or an object; every non-GET sends at least `{}`). Same auth, retries (a raw
// POST or PATCH counts as creating something),
// redirects, limits and errors as every other call.
OpenintStatus openint_client_request(const struct OpenintClient *client,
                                     const char *method,
                                     const char *path,
                                     const char *query_json,
                                     const char *body_json,
                                     const char *options_json,
                                     const struct OpenintCancel *cancel,
                                     struct OpenintResponse **response_out,
                                     struct OpenintError **err_out);

// Fetches the first page of a list operation (`listConnectors`, `listConnections`,
// `listConnectorConfigs`, `listEvents`, `listCustomers`): same parameters, options and cancel
// as `openint_client_call_with`. The options and cancel handle also apply to every page
// fetched from it with `openint_page_next`. On success writes `*page_out` (free it with
// `openint_page_free`).
OpenintStatus openint_client_list(const struct OpenintClient *client,
                                  const char *operation,
                                  const char *params_json,
                                  const char *options_json,
                                  const struct OpenintCancel *cancel,
                                  struct OpenintPage **page_out,
                                  struct OpenintError **err_out);

// A cursor over every item of a list operation, across pages: same parameters, options and
// cancel as `openint_client_list`, applied to every page it fetches (with `prefetch` > 1 it
// keeps up to that many pages in flight, within the byte bound of Memory at the top; freeing
// the cursor cancels them). Validated now; the first
// request is made by the first `openint_cursor_next`. On success writes `*cursor_out` (free
// it with `openint_cursor_free`).
OpenintStatus openint_client_list_cursor(const struct OpenintClient *client,
                                         const char *operation,
                                         const char *params_json,
                                         const char *options_json,
                                         const struct OpenintCancel *cancel,
                                         struct OpenintCursor **cursor_out,
                                         struct OpenintError **err_out);

// `GET /connector`: fetches one page. `params_json` is NULL (server defaults) or a JSON object
// with `limit` (0..=3000; 0 asks for zero items), `offset` (>= 0), `expand` (array of
// "schemas") and `timeout` (seconds for this call, retries included). The same as
// `openint_client_list(client, "listConnectors", ...)`, kept for ABI 1 callers. On success
// writes `*page_out`, owned by the caller: free it with `openint_page_free`.
OpenintStatus openint_client_list_connectors(const struct OpenintClient *client,
                                             const char *params_json,
                                             struct OpenintPage **page_out,
                                             struct OpenintError **err_out);

// A cursor over every connector, across pages. Same `params_json` as
// `openint_client_list_connectors`; validated now, but the first request is made by the first
// `openint_cursor_next`. Kept for ABI 1 callers (`openint_client_list_cursor` does every
// list). On success writes `*cursor_out`, owned by the caller: free it with
// `openint_cursor_free`. The cursor stays usable after `openint_client_free`.
OpenintStatus openint_client_list_connectors_cursor(const struct OpenintClient *client,
                                                    const char *params_json,
                                                    struct OpenintCursor **cursor_out,
                                                    struct OpenintError **err_out);

// Frees a page. NULL is a no-op. Strings borrowed from it become invalid. Freeing the last
// page of a listing cancels the pages prefetched for it, whose threads log nothing once it
// returns (it waits for a logger callback they are running).
void openint_page_free(struct OpenintPage *page);

// Writes the number of items on the page to `*count_out`.
OpenintStatus openint_page_item_count(const struct OpenintPage *page,
                                      size_t *count_out,
                                      struct OpenintError **err_out);

// Lends item `index` as NUL-terminated JSON text (the server's own bytes) in `*json_out`,
// and its length without the NUL in `*len_out` (NULL allowed). Valid until the page is freed.
// The first call makes a NUL-separated copy of the page's items (about the page's size).
OpenintStatus openint_page_item(const struct OpenintPage *page,
                                size_t index,
                                const char **json_out,
                                size_t *len_out,
                                struct OpenintError **err_out);

// Lends the whole page JSON, NUL-terminated, as the server sent it; `*len_out` (NULL
// allowed) gets its length without the NUL. Valid until the page is freed.
OpenintStatus openint_page_json(const struct OpenintPage *page,
                                const char **json_out,
                                size_t *len_out,
                                struct OpenintError **err_out);

// `total` as the server sent it, or -1 when it sent none. On `GET /connector` the real server
// sends the length of this page here: never use it to decide whether more pages exist.
OpenintStatus openint_page_total(const struct OpenintPage *page,
                                 int64_t *total_out,
                                 struct OpenintError **err_out);

// `limit` as the server echoed it, or -1 when it sent none.
OpenintStatus openint_page_limit(const struct OpenintPage *page,
                                 int64_t *limit_out,
                                 struct OpenintError **err_out);

// The page's offset: the server's echo, else the offset requested.
OpenintStatus openint_page_offset(const struct OpenintPage *page,
                                  int64_t *offset_out,
                                  struct OpenintError **err_out);

// Whether another page may follow, decided by this library from the page itself (the
// server's `has_next_page` flag cannot be trusted). When true, `openint_page_next` makes a
// request, which may still answer `OPENINT_STATUS_END` if that page turns out empty.
OpenintStatus openint_page_has_next(const struct OpenintPage *page,
                                    bool *has_next_out,
                                    struct OpenintError **err_out);

// Fetches the page after `page`. Returns `OPENINT_STATUS_OK` and writes `*next_out` (a new
// page owned by the caller; `page` stays valid), or `OPENINT_STATUS_END` when the listing is
// over (an empty page is never handed out), or an error. `timeout_seconds` bounds this call
// (retries included, and the wait for a page prefetched in flight, whatever that page is
// doing); 0 keeps the bound of the original call; INFINITY means no bound but the client's
// `total_timeout`.
OpenintStatus openint_page_next(const struct OpenintPage *page,
                                double timeout_seconds,
                                struct OpenintPage **next_out,
                                struct OpenintError **err_out);

// `openint_page_next` with per-call options and a cancel handle for this fetch (each NULL:
// the listing's own).
OpenintStatus openint_page_next_with(const struct OpenintPage *page,
                                     const char *options_json,
                                     const struct OpenintCancel *cancel,
                                     struct OpenintPage **next_out,
                                     struct OpenintError **err_out);

// The page's HTTP answer (status, headers, request id, retries; its body is the page JSON),
// lent until the page is freed: do not free it. NULL for a NULL page.
const struct OpenintResponse *openint_page_response(const struct OpenintPage *page);

// Advances the cursor. Returns `OPENINT_STATUS_OK` and lends the next item's NUL-terminated
// JSON in `*item_out` (valid until the next call on this cursor or its free; `*len_out`, NULL
// allowed, gets its length), or `OPENINT_STATUS_END` after the last item (again on every later
// call), or an error (calling again retries the failed page). `timeout_seconds` bounds a page
// fetch this call makes (retries included), and its wait for a page prefetched in flight,
// whatever that page is doing (then `OPENINT_STATUS_TIMEOUT`); 0 keeps the bound given when it
// was created; INFINITY means no bound but the client's `total_timeout`.
OpenintStatus openint_cursor_next(struct OpenintCursor *cursor,
                                  double timeout_seconds,
                                  const char **item_out,
                                  size_t *len_out,
                                  struct OpenintError **err_out);

// `openint_cursor_next` with per-call options and a cancel handle for any page fetch this
// step makes (each NULL: the cursor's own).
OpenintStatus openint_cursor_next_with(struct OpenintCursor *cursor,
                                       const char *options_json,
                                       const struct OpenintCancel *cancel,
                                       const char **item_out,
                                       size_t *len_out,
                                       struct OpenintError **err_out);

// The HTTP answer of the page the cursor's last item came from (status, headers, request id,
// retries; its body is empty), lent until the next `openint_cursor_next` or the cursor's
// free. NULL before the first item.
const struct OpenintResponse *openint_cursor_response(struct OpenintCursor *cursor);

// Frees a cursor. NULL is a no-op. Pages it had in flight are cancelled and freed; their
// threads log nothing once it returns (it waits for a logger callback they are running).
void openint_cursor_free(struct OpenintCursor *cursor);

// The HTTP status of the answer; 0 for NULL.
uint16_t openint_response_status(const struct OpenintResponse *response);

// The JSON body, NUL-terminated, as the server sent it; `*len_out` (NULL allowed) gets its
// length without the NUL. Borrowed from the response; NULL for a NULL response.
const char *openint_response_body(const struct OpenintResponse *response, size_t *len_out);

// The first value of header `name` (case-insensitive), or NULL. Borrowed from the response.
const char *openint_response_header(const struct OpenintResponse *response, const char *name);

// How many headers the response has (repeated names count once each).
size_t openint_response_header_count(const struct OpenintResponse *response);

// Header `index` (0-based, in arrival order; names lowercased): writes its name and value,
// borrowed from the response, and returns true; false when `index` is out of range.
bool openint_response_header_at(const struct OpenintResponse *response,
                                size_t index,
                                const char **name_out,
                                const char **value_out);

// The `x-request-id` (or `request-id`) header, or NULL. Borrowed from the response.
const char *openint_response_request_id(const struct OpenintResponse *response);

// The method of the request this answers ("GET", ...); "" for NULL. Borrowed from the
// response.
const char *openint_response_method(const struct OpenintResponse *response);

// The URL of the request this answers, as sent (after same-origin redirects; never with
// credentials); "" for NULL. Borrowed from the response.
const char *openint_response_url(const struct OpenintResponse *response);

// Retries made before this answer; 0 for NULL.
uint32_t openint_response_retries(const struct OpenintResponse *response);

// Frees a response from `openint_client_call`/`_request`. NULL is a no-op. Never free one
// lent by a page or a cursor.
void openint_response_free(struct OpenintResponse *response);

// Creates a cancel handle. Pass it to calls, listings and cursor steps; fire it from any
// thread with `openint_cancel`. On success writes `*cancel_out` (free it with
// `openint_cancel_free`; calls and cursors keep what they need, so freeing it early is safe).
OpenintStatus openint_cancel_new(struct OpenintCancel **cancel_out, struct OpenintError **err_out);

// Fires the handle: every call running with it returns `OPENINT_STATUS_CANCELLED` within
// about 10 ms (whether connecting, in the TLS handshake, sending, waiting for the answer,
// reading the body, or waiting to retry), and its connection is closed, not reused. Calls
// started with it later fail at once: a fired handle stays fired. Thread-safe; firing twice
// does nothing more. NULL is a no-op.
void openint_cancel(const struct OpenintCancel *cancel);

// Whether the handle has been fired. False for NULL.
bool openint_cancel_is_cancelled(const struct OpenintCancel *cancel);

// Frees a cancel handle. NULL is a no-op. Calls using it are not affected.
void openint_cancel_free(struct OpenintCancel *cancel);

// Installs the process-wide logger: `callback` receives every line at `level` or more severe
// from every client without a logger of its own. A NULL callback or `OPENINT_LOG_LEVEL_OFF`
// removes it (then `OPENINT_LOG=error|warn|info|debug|trace` in the environment, if set,
// logs to stderr). Lines never contain the token, Authorization/Cookie values, or key_/JWT
// values. Thread-safe; `user_data` is passed back as given. When it returns, no callback of the
// logger it removed or replaced runs any more, on any thread (see `OpenintLogCallback`): the
// old `user_data` may be freed.
OpenintStatus openint_set_logger(uint32_t level,
                                 OpenintLogCallback callback,
                                 void *user_data,
                                 struct OpenintError **err_out);

// Installs a logger for one client (and the pages and cursors made from it), in place of the
// process-wide one; a NULL callback goes back to the process-wide one. Thread-safe. When it
// returns, no callback of the client's logger it replaced runs any more (see
// `OpenintLogCallback`).
OpenintStatus openint_client_set_logger(const struct OpenintClient *client,
                                        uint32_t level,
                                        OpenintLogCallback callback,
                                        void *user_data,
                                        struct OpenintError **err_out);

// The error's kind: the status the failing call returned. NULL gives `OPENINT_STATUS_OK`.
OpenintStatus openint_error_kind(const struct OpenintError *error);

// The HTTP status of an API status error; 0 for other errors and for NULL.
uint16_t openint_error_http_status(const struct OpenintError *error);

// The error message: the server's `message` for API status errors, else a description naming
// what was wrong (for network errors: the method and URL too). Never contains the token.
// Borrowed from the error; NULL for a NULL error.
const char *openint_error_message(const struct OpenintError *error);

// The whole error in one line, fit for a log: status and code, message, method and URL,
// request id, retries. Never contains the token. Borrowed from the error; NULL for NULL.
const char *openint_error_display(const struct OpenintError *error);

// The server's error `code` (e.g. "NOT_FOUND"), or NULL when absent. Borrowed from the error.
const char *openint_error_code(const struct OpenintError *error);

// The response body of an API status error, or of a 2xx answer that could not be decoded
// (at most its first 64 KiB, marked when cut), or NULL. Borrowed from the error.
const char *openint_error_body(const struct OpenintError *error);

// The `x-request-id` (or `request-id`) response header, or NULL. Borrowed from the error.
const char *openint_error_request_id(const struct OpenintError *error);

// The HTTP method of the failed request ("GET", ...), or NULL when no request was made.
const char *openint_error_method(const struct OpenintError *error);

// The URL of the failed request (never with credentials), or NULL when no request was made.
const char *openint_error_url(const struct OpenintError *error);

// How many retries the failing call made before giving up; 0 for NULL.
uint32_t openint_error_retries(const struct OpenintError *error);

// Frees an error. NULL is a no-op.
void openint_error_free(struct OpenintError *error);

// The first value of header `name` (case-insensitive) of the answer an API status error is
// about (say `retry-after` or a rate-limit header), or NULL (other errors have none).
// Borrowed from the error.
const char *openint_error_header(const struct OpenintError *error, const char *name);

// How many headers the answer of an API status error had (0 for other errors and NULL).
size_t openint_error_header_count(const struct OpenintError *error);

// Header `index` of an API status error's answer (0-based, in arrival order; names
// lowercased): writes its name and value, borrowed from the error, and returns true; false
// when `index` is out of range.
bool openint_error_header_at(const struct OpenintError *error,
                             size_t index,
                             const char **name_out,
                             const char **value_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* OPENINT_H */
