//! The client handle: creating and freeing it, calls by operation id, listings, cursors, the
//! raw escape hatch, and the ABI-1 connector entry points.

use super::boundary::{arg, ffi_call, free_handle, invalid, json_object, opt_str, out, req_str};
use super::cancel::OpenintCancel;
use super::cursor::new_cursor;
use super::error::OpenintError;
use super::options::call_options;
use super::page::new_page;
use super::response::{new_response, OpenintResponse};
use super::status::OpenintStatus;
use super::{OpenintCursor, OpenintPage};
use crate::operations::Operation;
use crate::{operation, Client, ClientOptions, RequestOptions, Result};
use libc::c_char;
use serde_json::{Map, Value};

/// A client. Thread-safe: one client may be used by many threads at once; they share its
/// keep-alive connection pool. Never free it while another thread is still inside a call
/// that uses it (free it after every such call has returned); pages, cursors and responses
/// made from it stay usable after it is freed.
pub struct OpenintClient {
    pub(super) client: Client,
}

/// The operation, its parameters and the per-call options of a generic entry point.
pub(super) unsafe fn operation_call(
    operation: *const c_char,
    params_json: *const c_char,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
) -> Result<(
    &'static Operation,
    Map<String, Value>,
    Option<RequestOptions>,
)> {
    let op = crate::operation(req_str(operation, "operation")?)?;
    let params = json_object(params_json, "params_json")?;
    Ok((op, params, call_options(options_json, cancel)?))
}

/// Creates a client. `options_json` is NULL (all defaults) or a JSON object with any of:
/// `token` (string; default OPENINT_API_KEY; trimmed, empty means none), `base_url` (default
/// OPENINT_BASE_URL, else `https://api.openint.dev/v1`; it includes the API version),
/// `timeout` (seconds per attempt, default 60), `connect_timeout` (default 5), `total_timeout`
/// (seconds per call across retries; default none), `max_retries` (default 2),
/// `max_body_bytes` (default 64 MiB), `default_headers` (object of strings; the same rules as
/// the `extra_headers` of `openint_client_call_with`), `tls_ca_file` or
/// `tls_ca_pem` (trust only these CAs; default: the OS trust store), `tls_roots` ("system" or
/// "webpki"), `tls_client_cert_file`/`tls_client_cert_pem` with
/// `tls_client_key_file`/`tls_client_key_pem` (mutual TLS), `proxy` (URL such as
/// "http://user:pass@host:3128", or false for none; default HTTPS_PROXY/ALL_PROXY/NO_PROXY; a
/// SOCKS proxy, given or from the environment, is refused rather than bypassed),
/// `prefetch` (pages a listing keeps in flight, 1 to 64, as long as they fit in
/// min(16 MiB, `max_body_bytes`): see Memory at the top; default 1). All timeouts are 0.001 to
/// 1e9 seconds. Unknown keys and wrong types are errors naming the key. On success writes
/// `*client_out`, owned by the caller: free it with `openint_client_free`.
#[no_mangle]
pub unsafe extern "C" fn openint_client_new(
    options_json: *const c_char,
    client_out: *mut *mut OpenintClient,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client_out = out(client_out, "client_out")?;
        let options = ClientOptions::from_json(opt_str(options_json, "options_json")?)?;
        let client = Client::new(options)?;
        *client_out = Box::into_raw(Box::new(OpenintClient { client }));
        Ok(OpenintStatus::Ok)
    })
}

/// Frees a client. NULL is a no-op. No other thread may be inside a call on it (or about to
/// enter one); pages, cursors and responses made from it stay usable.
#[no_mangle]
pub unsafe extern "C" fn openint_client_free(client: *mut OpenintClient) {
    free_handle(client)
}

/// Calls an operation by its id (`"getConnection"`, `"createToken"`, ...; see
/// `openint_operations_json`) with its parameters as one JSON object: path, query and body
/// parameters by name, e.g. `{"id":"conn_1","include_secrets":true}` (NULL: none). Unknown
/// operations, unknown keys, wrong types, missing required parameters, a path parameter that is
/// `.` or `..`, or over 4096 bytes, and a query value over 8192 bytes fail with
/// `OPENINT_STATUS_INVALID_ARGUMENT` naming them, before any request. A list operation
/// returns its first page's JSON. On success writes `*response_out` (free it with
/// `openint_response_free`).
#[no_mangle]
pub unsafe extern "C" fn openint_client_call(
    client: *const OpenintClient,
    operation: *const c_char,
    params_json: *const c_char,
    response_out: *mut *mut OpenintResponse,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    openint_client_call_with(
        client,
        operation,
        params_json,
        std::ptr::null(),
        std::ptr::null(),
        response_out,
        err_out,
    )
}

/// `openint_client_call` with per-call options. `options_json` (NULL: none) is a JSON object
/// with any of: `timeout` (seconds for the whole call, retries included), `max_retries`,
/// `extra_headers` (object; a string value adds or replaces the header, whatever the case of
/// its name, the SDK's own `User-Agent`, `Accept` and `Content-Type` included; null removes it;
/// `Authorization` is refused unless `allow_authorization_header` is true; `Host`,
/// `Content-Length`, `Transfer-Encoding`, `Connection`, `Keep-Alive`, `Upgrade`, `TE`, `Trailer`,
/// `Expect` and `Proxy-Authorization` are refused; values up to 8192 bytes), `extra_query`
/// (object; a boolean parameter of the table given false is left out, as the server reads any
/// value as true), `extra_body` (object merged into the JSON body; refused on a GET, which has
/// no body), `retry_unsafe` (true: retry this
/// call like a GET, even a POST that creates something and may have reached the server; false:
/// retry it only when it provably never reached the server or the server asked for it with
/// 429, 503 or `x-should-retry: true`, the default for such POSTs), `prefetch` (listings).
/// `cancel` (NULL: none) stops the call when fired; a listing keeps it for every later page.
#[no_mangle]
pub unsafe extern "C" fn openint_client_call_with(
    client: *const OpenintClient,
    operation: *const c_char,
    params_json: *const c_char,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
    response_out: *mut *mut OpenintResponse,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client = arg(client, "client")?;
        let response_out = out(response_out, "response_out")?;
        let (op, params, opts) = operation_call(operation, params_json, options_json, cancel)?;
        let r = client
            .client
            .call_with(op.id, Value::Object(params), opts.as_ref())?;
        *response_out = new_response(r);
        Ok(OpenintStatus::Ok)
    })
}

/// The raw escape hatch, for endpoints the table does not know yet: `method` ("GET", "POST",
/// "PUT", "PATCH" or "DELETE"), `path` relative to the base URL (e.g. "/connection/conn_1",
/// already URL-encoded, without `.` or `..` segments), `query_json` (NULL or an object of
/// strings, numbers, booleans or arrays; false is left out, arrays are comma-joined),
/// `body_json` (NULL or an object; every non-GET sends at least `{}`). Same auth, retries (a raw
/// POST or PATCH counts as creating something),
/// redirects, limits and errors as every other call.
#[no_mangle]
pub unsafe extern "C" fn openint_client_request(
    client: *const OpenintClient,
    method: *const c_char,
    path: *const c_char,
    query_json: *const c_char,
    body_json: *const c_char,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
    response_out: *mut *mut OpenintResponse,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client = arg(client, "client")?;
        let response_out = out(response_out, "response_out")?;
        let method = req_str(method, "method")?;
        let path = req_str(path, "path")?;
        let query = json_object(query_json, "query_json")?;
        let body = match opt_str(body_json, "body_json")? {
            None => None,
            Some(text) => Some(
                serde_json::from_str::<Value>(text)
                    .map_err(|e| invalid(format!("body_json is not valid JSON: {e}")))?,
            ),
        };
        let opts = call_options(options_json, cancel)?;
        let r = client
            .client
            .request(method, path, Some(query), body, opts.as_ref())?;
        *response_out = new_response(r);
        Ok(OpenintStatus::Ok)
    })
}

/// Fetches the first page of a list operation (`listConnectors`, `listConnections`,
/// `listConnectorConfigs`, `listEvents`, `listCustomers`): same parameters, options and cancel
/// as `openint_client_call_with`. The options and cancel handle also apply to every page
/// fetched from it with `openint_page_next`. On success writes `*page_out` (free it with
/// `openint_page_free`).
#[no_mangle]
pub unsafe extern "C" fn openint_client_list(
    client: *const OpenintClient,
    operation: *const c_char,
    params_json: *const c_char,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
    page_out: *mut *mut OpenintPage,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client = arg(client, "client")?;
        let page_out = out(page_out, "page_out")?;
        let (op, params, opts) = operation_call(operation, params_json, options_json, cancel)?;
        let core = client
            .client
            .list_with(op.id, Value::Object(params), opts.as_ref())?;
        *page_out = new_page(core);
        Ok(OpenintStatus::Ok)
    })
}

/// A cursor over every item of a list operation, across pages: same parameters, options and
/// cancel as `openint_client_list`, applied to every page it fetches (with `prefetch` > 1 it
/// keeps up to that many pages in flight, within the byte bound of Memory at the top; freeing
/// the cursor cancels them). Validated now; the first
/// request is made by the first `openint_cursor_next`. On success writes `*cursor_out` (free
/// it with `openint_cursor_free`).
#[no_mangle]
pub unsafe extern "C" fn openint_client_list_cursor(
    client: *const OpenintClient,
    operation: *const c_char,
    params_json: *const c_char,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
    cursor_out: *mut *mut OpenintCursor,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client = arg(client, "client")?;
        let cursor_out = out(cursor_out, "cursor_out")?;
        let (op, params, opts) = operation_call(operation, params_json, options_json, cancel)?;
        let cursor = client
            .client
            .list_cursor_with(op.id, Value::Object(params), opts.as_ref())?;
        *cursor_out = new_cursor(cursor);
        Ok(OpenintStatus::Ok)
    })
}

/// The call of the ABI-1 connector functions: `listConnectors` with `{limit, offset, expand}`
/// plus `timeout` (seconds for the call), which is an option, not a server parameter.
pub(super) unsafe fn legacy_connector_call(
    params_json: *const c_char,
) -> Result<(
    &'static Operation,
    Map<String, Value>,
    Option<RequestOptions>,
)> {
    let mut params = json_object(params_json, "params_json")?;
    let opts = match params.remove("timeout") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .and_then(|s| RequestOptions::new().timeout_secs(s).ok())
                .ok_or_else(|| {
                    invalid("params: \"timeout\" must be a number of seconds from 0.001 to 1e9")
                })?,
        ),
    };
    Ok((operation("listConnectors")?, params, opts))
}

/// `GET /connector`: fetches one page. `params_json` is NULL (server defaults) or a JSON object
/// with `limit` (0..=3000; 0 asks for zero items), `offset` (>= 0), `expand` (array of
/// "schemas") and `timeout` (seconds for this call, retries included). The same as
/// `openint_client_list(client, "listConnectors", ...)`, kept for ABI 1 callers. On success
/// writes `*page_out`, owned by the caller: free it with `openint_page_free`.
#[no_mangle]
pub unsafe extern "C" fn openint_client_list_connectors(
    client: *const OpenintClient,
    params_json: *const c_char,
    page_out: *mut *mut OpenintPage,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client = arg(client, "client")?;
        let page_out = out(page_out, "page_out")?;
        let (op, params, opts) = legacy_connector_call(params_json)?;
        let core = client
            .client
            .list_with(op.id, Value::Object(params), opts.as_ref())?;
        *page_out = new_page(core);
        Ok(OpenintStatus::Ok)
    })
}

/// A cursor over every connector, across pages. Same `params_json` as
/// `openint_client_list_connectors`; validated now, but the first request is made by the first
/// `openint_cursor_next`. Kept for ABI 1 callers (`openint_client_list_cursor` does every
/// list). On success writes `*cursor_out`, owned by the caller: free it with
/// `openint_cursor_free`. The cursor stays usable after `openint_client_free`.
#[no_mangle]
pub unsafe extern "C" fn openint_client_list_connectors_cursor(
    client: *const OpenintClient,
    params_json: *const c_char,
    cursor_out: *mut *mut OpenintCursor,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client = arg(client, "client")?;
        let cursor_out = out(cursor_out, "cursor_out")?;
        let (op, params, opts) = legacy_connector_call(params_json)?;
        let cursor = client
            .client
            .list_cursor_with(op.id, Value::Object(params), opts.as_ref())?;
        *cursor_out = new_cursor(cursor);
        Ok(OpenintStatus::Ok)
    })
}
