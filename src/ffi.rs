//! The C boundary. Every exported function goes through `ffi_call!`, which catches panics
//! (status `OPENINT_STATUS_INTERNAL`, never printed unless the host asked for logging) and turns
//! NULL handles or required pointers into `OPENINT_STATUS_INVALID_ARGUMENT`, so no exported
//! function crashes on bad input.
//!
//! Rules (repeated in the header): fallible functions return an `OpenintStatus` and take a last
//! `OpenintError **err_out` (NULL allowed), written only on failure with an error the caller
//! frees with `openint_error_free`. Other out-parameters are written only on `OPENINT_STATUS_OK`.
//! Strings returned are borrowed from the handle they came from.
//!
//! Every operation goes through the generic entry points (`openint_client_call`,
//! `openint_client_list`, `openint_client_list_cursor`), keyed by the operation id of the
//! table in `operations.rs`; new operations change the table, never this ABI.

#![allow(clippy::missing_safety_doc)] // the contract of every function is in its doc comment.

use crate::cancel::CancelToken;
use crate::client::{Client, ClientOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::http::ResponseMeta;
use crate::log::{self, LogLevel, Logger};
use crate::operations::{Location, Paging, Type, OPERATIONS};
use crate::pagination::{Cursor, PageCore};
use crate::params::{self, RequestOptions};
use libc::{c_char, c_void, size_t};
use once_cell::sync::{Lazy, OnceCell};
use serde_json::{json, Map, Value};
use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// Bumped whenever a signature, a struct or an enum value of this header changes
/// incompatibly. Bindings compare it with `openint_abi_version()` when they load the library.
/// Functions and status values are only ever added: ABI 1 callers keep working.
pub const OPENINT_ABI_VERSION: u32 = 1;

/// The result of every fallible function, and the kind of an `OpenintError`.
/// The numbers are part of the ABI: they are never renumbered or reused.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenintStatus {
    /// Success.
    Ok = 0,
    /// Bad input from the caller (NULL handle, bad JSON, unknown operation or key, wrong type,
    /// value out of range, missing required parameter), found before any request.
    InvalidArgument = 1,
    /// The connection could not be made or broke (including a body cut off mid-way).
    Connection = 2,
    /// A per-attempt timeout or the call's deadline passed.
    Timeout = 3,
    /// HTTP 400.
    BadRequest = 4,
    /// HTTP 401.
    Authentication = 5,
    /// HTTP 403.
    PermissionDenied = 6,
    /// HTTP 404.
    NotFound = 7,
    /// HTTP 409.
    Conflict = 8,
    /// HTTP 422.
    UnprocessableEntity = 9,
    /// HTTP 429.
    RateLimited = 10,
    /// HTTP 500 and 502 to 599: the server failed or is unavailable.
    InternalServer = 11,
    /// Any other non-2xx HTTP status, such as 501 Not Implemented (the server does not do
    /// what was asked), or a refused redirect to another origin.
    ApiStatus = 12,
    /// A 2xx answer that is not the expected JSON, or a server that ignores `offset`.
    Decode = 13,
    /// The response body passed `max_body_bytes`.
    BodyTooLarge = 14,
    /// A bug in this library (a caught panic). Please report it.
    Internal = 15,
    /// The call was cancelled with `openint_cancel`. (Added in 0.2; ABI 1.)
    Cancelled = 16,
    /// The server's answer is not valid HTTP (garbage status line, header flood). Not
    /// retried. (Added in 0.2; ABI 1.)
    Protocol = 17,
    /// Not an error: a cursor or page chain has no more items. No out-parameter is written.
    End = 100,
}

impl From<ErrorKind> for OpenintStatus {
    fn from(k: ErrorKind) -> Self {
        match k {
            ErrorKind::InvalidArgument => OpenintStatus::InvalidArgument,
            ErrorKind::Connection => OpenintStatus::Connection,
            ErrorKind::Timeout => OpenintStatus::Timeout,
            ErrorKind::BadRequest => OpenintStatus::BadRequest,
            ErrorKind::Authentication => OpenintStatus::Authentication,
            ErrorKind::PermissionDenied => OpenintStatus::PermissionDenied,
            ErrorKind::NotFound => OpenintStatus::NotFound,
            ErrorKind::Conflict => OpenintStatus::Conflict,
            ErrorKind::UnprocessableEntity => OpenintStatus::UnprocessableEntity,
            ErrorKind::RateLimited => OpenintStatus::RateLimited,
            ErrorKind::InternalServer => OpenintStatus::InternalServer,
            ErrorKind::ApiStatus => OpenintStatus::ApiStatus,
            ErrorKind::Decode => OpenintStatus::Decode,
            ErrorKind::BodyTooLarge => OpenintStatus::BodyTooLarge,
            ErrorKind::Internal => OpenintStatus::Internal,
            ErrorKind::Cancelled => OpenintStatus::Cancelled,
            ErrorKind::Protocol => OpenintStatus::Protocol,
        }
    }
}

/// Levels of `openint_set_logger` and `OPENINT_LOG`; a logger receives lines at its level
/// and every more severe one.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenintLogLevel {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

/// Receives log lines: `level` (an `OpenintLogLevel`), `target` (e.g. "openint::http") and
/// the message, both NUL-terminated and valid only during the call. Called from whatever thread
/// made the request, possibly several at once: it must be thread-safe and must not call back
/// into this library's logger functions.
pub type OpenintLogCallback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: u32,
        target: *const c_char,
        message: *const c_char,
    ),
>;

/// A client. Thread-safe: one client may be used by many threads at once; they share its
/// keep-alive connection pool. Never free it while another thread is still inside a call
/// that uses it (free it after every such call has returned); pages, cursors and responses
/// made from it stay usable after it is freed.
pub struct OpenintClient {
    client: Client,
}

/// One page of a listing. Use from one thread at a time. It keeps what it needs of its
/// client, so it stays usable after `openint_client_free`.
pub struct OpenintPage {
    core: PageCore,
    /// The page's items, each followed by a NUL, built on the first `openint_page_item`.
    items_nul: OnceCell<Vec<u8>>,
    response: OnceCell<OpenintResponse>,
}

/// A cursor over every item of a listing, across pages. Use from one thread at a time.
pub struct OpenintCursor {
    cursor: Cursor,
    /// The current item's JSON plus a NUL: what `openint_cursor_next` lends out.
    item: Vec<u8>,
    response: Option<OpenintResponse>,
}

/// The answer to a call: status, headers, request id, retries and the JSON body. Immutable;
/// may be read from any thread. Pages lend one with `openint_page_response`.
pub struct OpenintResponse {
    status: u16,
    headers: Vec<(CString, CString)>,
    request_id: Option<CString>,
    retries: u32,
    /// The body and its NUL: owned for calls, lent by the page for pages.
    body: ResponseBody,
}

enum ResponseBody {
    Owned(String),
    /// Points into the page text of the `OpenintPage` that owns this response.
    Page(*const u8, usize),
}

// SAFETY: the borrowed pointer refers to immutable bytes owned by the page that owns the
// response; both are freed together.
unsafe impl Send for OpenintResponse {}
unsafe impl Sync for OpenintResponse {}

impl OpenintResponse {
    fn new(meta: &ResponseMeta, body: ResponseBody) -> OpenintResponse {
        OpenintResponse {
            status: meta.status,
            headers: meta
                .headers
                .iter()
                .map(|(k, v)| (c_string(k), c_string(v)))
                .collect(),
            request_id: meta.request_id.as_deref().map(c_string),
            retries: meta.retries,
            body,
        }
    }

    /// The body bytes followed by their NUL.
    fn body_with_nul(&self) -> &[u8] {
        match &self.body {
            ResponseBody::Owned(s) => s.as_bytes(),
            // SAFETY: see ResponseBody::Page.
            ResponseBody::Page(p, len) => unsafe { std::slice::from_raw_parts(*p, *len) },
        }
    }
}

/// A cancel handle. Fire it from any thread with `openint_cancel` to stop the calls made
/// with it; thread-safe, and harmless to fire twice or after the calls ended.
pub struct OpenintCancel {
    token: CancelToken,
}

/// An error. Immutable; may be read from any thread.
pub struct OpenintError {
    error: Error,
    message: CString,
    display: CString,
    code: Option<CString>,
    body: Option<CString>,
    request_id: Option<CString>,
    method: Option<CString>,
    url: Option<CString>,
}

impl OpenintError {
    fn new(error: Error) -> OpenintError {
        OpenintError {
            message: c_string(error.message()),
            display: c_string(&error.to_string()),
            code: error.code().map(c_string),
            body: error.body().map(c_string),
            request_id: error.request_id().map(c_string),
            method: error.method().map(c_string),
            url: error.url().map(c_string),
            error,
        }
    }
}

/// A C string of `s`; an interior NUL (a server can send `\u0000`) becomes U+2400 "␀".
fn c_string(s: &str) -> CString {
    CString::new(s)
        .unwrap_or_else(|_| CString::new(s.replace('\0', "\u{2400}")).unwrap_or_default())
}

thread_local! {
    /// Set while this thread runs library code whose panics become errors: the panic hook
    /// then stays quiet (the host did not ask for anything on stderr).
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Routes panics raised inside `ffi_call!` to the logger instead of stderr; other panics go to
/// the hook that was there before.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let quiet = crate::log::ClientLog::default();
                quiet.log(LogLevel::Error, "openint::panic", None, || info.to_string());
            } else {
                previous(info)
            }
        }));
    });
}

/// Runs `f` with panics quiet and caught.
fn guarded<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    install_panic_hook();
    let was = QUIET.with(|q| q.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r
}

/// Runs `body`, converting its error or panic into a status and an `OpenintError`.
macro_rules! ffi_call {
    ($err_out:expr, $body:block) => {{
        let err_out: *mut *mut OpenintError = $err_out;
        match guarded(|| -> Result<OpenintStatus> { $body }) {
            Ok(Ok(status)) => status,
            Ok(Err(e)) => report(e, err_out),
            Err(panic) => report(Error::internal(panic_message(panic)), err_out),
        }
    }};
}

fn report(error: Error, err_out: *mut *mut OpenintError) -> OpenintStatus {
    let status = OpenintStatus::from(error.kind());
    if !err_out.is_null() {
        // SAFETY: err_out is non-NULL and the caller promises it points to writable storage.
        unsafe { *err_out = Box::into_raw(Box::new(OpenintError::new(error))) };
    }
    status
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("internal error in the openint library (please report it): {what}")
}

/// A required handle or input pointer.
unsafe fn arg<'a, T>(p: *const T, name: &str) -> Result<&'a T> {
    p.as_ref()
        .ok_or_else(|| Error::invalid(format!("{name} is NULL")))
}

unsafe fn arg_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T> {
    p.as_mut()
        .ok_or_else(|| Error::invalid(format!("{name} is NULL")))
}

/// A required out-parameter.
fn out<T>(p: *mut T, name: &str) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::invalid(format!("{name} is NULL")))
    } else {
        Ok(p)
    }
}

/// An optional NUL-terminated UTF-8 input.
unsafe fn opt_str<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(p)
        .to_str()
        .map(Some)
        .map_err(|_| Error::invalid(format!("{name} is not valid UTF-8")))
}

/// A required NUL-terminated UTF-8 input.
unsafe fn req_str<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    opt_str(p, name)?.ok_or_else(|| Error::invalid(format!("{name} is NULL")))
}

/// Per-call options from `options_json` and `cancel` (both may be NULL: no override).
unsafe fn call_options(
    options_json: *const c_char,
    cancel: *const OpenintCancel,
) -> Result<Option<RequestOptions>> {
    let text = opt_str(options_json, "options_json")?;
    let cancel = cancel.as_ref().map(|c| c.token.clone());
    if text.is_none() && cancel.is_none() {
        return Ok(None);
    }
    let mut o = RequestOptions::from_json(text)?;
    o.cancel = cancel;
    Ok(Some(o))
}

/// The operation, its parameters and the per-call options of a generic entry point.
unsafe fn operation_call(
    operation: *const c_char,
    params_json: *const c_char,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
) -> Result<(
    &'static crate::operations::Operation,
    Map<String, Value>,
    Option<RequestOptions>,
)> {
    let op = params::operation(req_str(operation, "operation")?)?;
    let params = params::parse_object("params_json", opt_str(params_json, "params_json")?)?;
    Ok((op, params, call_options(options_json, cancel)?))
}

/// `timeout_seconds` of the `next` functions: 0 keeps the bound of the call that started the
/// listing; +infinity drops it (only the client's `total_timeout`, if any, applies), which is
/// what a Go context without a deadline means; otherwise 0.001 to 1e9 seconds.
fn next_timeout(timeout_seconds: f64) -> Result<Option<RequestOptions>> {
    if timeout_seconds == 0.0 {
        return Ok(None);
    }
    let timeout = if timeout_seconds == f64::INFINITY {
        Duration::MAX
    } else {
        params::seconds(timeout_seconds).ok_or_else(|| {
            Error::invalid(format!(
                "timeout_seconds must be 0 (keep), 0.001 to 1e9 seconds, or +infinity (none), got {timeout_seconds}"
            ))
        })?
    };
    Ok(Some(RequestOptions {
        timeout: Some(timeout),
        ..RequestOptions::default()
    }))
}

/// Writes a borrowed string (pointer to its first byte, which is followed by a NUL) and its
/// length without the NUL.
unsafe fn lend(s: &[u8], json_out: *mut *const c_char, len_out: *mut size_t) {
    *json_out = s.as_ptr() as *const c_char;
    if !len_out.is_null() {
        *len_out = s.len() - 1;
    }
}

/// The library version, e.g. "0.2.0". A static string: never free it.
#[no_mangle]
pub extern "C" fn openint_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// `OPENINT_ABI_VERSION` of the library actually loaded. Bindings compare it with the
/// number they were written for and refuse to load on a mismatch.
#[no_mangle]
pub extern "C" fn openint_abi_version() -> u32 {
    OPENINT_ABI_VERSION
}

/// A short lowercase name for a status ("ok", "not_found", "end", ...). Static; never free it.
/// Unknown numbers give "unknown".
#[no_mangle]
pub extern "C" fn openint_status_name(status: u32) -> *const c_char {
    let s: &'static str = match status {
        0 => "ok\0",
        1 => "invalid_argument\0",
        2 => "connection\0",
        3 => "timeout\0",
        4 => "bad_request\0",
        5 => "authentication\0",
        6 => "permission_denied\0",
        7 => "not_found\0",
        8 => "conflict\0",
        9 => "unprocessable_entity\0",
        10 => "rate_limited\0",
        11 => "internal_server\0",
        12 => "api_status\0",
        13 => "decode\0",
        14 => "body_too_large\0",
        15 => "internal\0",
        16 => "cancelled\0",
        17 => "protocol\0",
        100 => "end\0",
        _ => "unknown\0",
    };
    s.as_ptr() as *const c_char
}

/// The operation table as JSON text, static (never free it): an array of
/// `{"id","method","path","list","paging","retry","summary","params":[{"name","in","type",
/// "required","nullable",...}]}`. Bindings test their method sets against it.
#[no_mangle]
pub extern "C" fn openint_operations_json() -> *const c_char {
    static TABLE: Lazy<CString> = Lazy::new(|| c_string(&operations_json().to_string()));
    TABLE.as_ptr()
}

fn operations_json() -> Value {
    Value::Array(
        OPERATIONS
            .iter()
            .map(|op| {
                let params: Vec<Value> = op
                    .params
                    .iter()
                    .map(|p| {
                        let mut v = json!({
                            "name": p.name,
                            "in": match p.location {
                                Location::Path => "path",
                                Location::Query => "query",
                                Location::Body => "body",
                            },
                            "required": p.required,
                            "nullable": p.nullable,
                        });
                        let (ty, extra) = match p.ty {
                            Type::String => ("string", json!({})),
                            Type::NonEmptyString => ("string", json!({"min_length": 1})),
                            Type::Id(prefix) => ("string", json!({"prefix": prefix})),
                            Type::Integer { min, max } => {
                                ("integer", json!({"minimum": min, "maximum": max}))
                            }
                            Type::Number { exclusive_min } => {
                                ("number", json!({"exclusive_minimum": exclusive_min}))
                            }
                            Type::Boolean => ("boolean", json!({})),
                            Type::Enum(e) => ("string", json!({"enum": e})),
                            Type::EnumArray(e) => ("array", json!({"enum": e})),
                            Type::NameArray => ("array", json!({})),
                            Type::Object => ("object", json!({})),
                            Type::ConnectOptions => ("object", json!({})),
                        };
                        v["type"] = json!(ty);
                        if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
                            m.extend(e);
                        }
                        v
                    })
                    .collect();
                json!({
                    "id": op.id,
                    "method": op.method.as_str(),
                    "path": op.path,
                    "list": op.is_list(),
                    "paging": match op.paging {
                        Paging::NotAList => "none",
                        Paging::TotalIsCount => "total_is_count",
                        Paging::TotalIsPageLength => "total_is_page_length",
                    },
                    "retry": match op.retry {
                        crate::operations::Retry::Safe => "safe",
                        crate::operations::Retry::CreatesResource => "creates_resource",
                    },
                    "body": match op.body {
                        crate::operations::Body::None => "none",
                        crate::operations::Body::Fields => "fields",
                        crate::operations::Body::AnyObject => "any_object",
                    },
                    "summary": op.summary,
                    "params": params,
                })
            })
            .collect(),
    )
}

/// Creates a client. `options_json` is NULL (all defaults) or a JSON object with any of:
/// `token` (string; default OPENINT_API_KEY; trimmed, empty means none), `base_url` (default
/// OPENINT_BASE_URL, else `https://api.openint.dev/v1`; it includes the API version),
/// `timeout` (seconds per attempt, default 60), `connect_timeout` (default 5), `total_timeout`
/// (seconds per call across retries; default none), `max_retries` (default 2),
/// `max_body_bytes` (default 64 MiB), `default_headers` (object of strings), `tls_ca_file` or
/// `tls_ca_pem` (trust only these CAs; default: the OS trust store), `tls_roots` ("system" or
/// "webpki"), `tls_client_cert_file`/`tls_client_cert_pem` with
/// `tls_client_key_file`/`tls_client_key_pem` (mutual TLS), `proxy` (URL such as
/// "http://user:pass@host:3128", or false for none; default HTTPS_PROXY/ALL_PROXY/NO_PROXY),
/// `prefetch` (pages a listing keeps in flight, 1 to 64; default 1). All timeouts are 0.001 to
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

unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // A panic in a destructor must not unwind into C either.
        let _ = guarded(|| drop(Box::from_raw(p)));
    }
}

/// Calls an operation by its id (`"getConnection"`, `"createToken"`, ...; see
/// `openint_operations_json`) with its parameters as one JSON object: path, query and body
/// parameters by name, e.g. `{"id":"conn_1","include_secrets":true}` (NULL: none). Unknown
/// operations, unknown keys, wrong types and missing required parameters fail with
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
/// `extra_headers` (object; a string value adds or replaces the header, null removes it;
/// `Authorization` is refused unless `allow_authorization_header` is true), `extra_query`
/// (object), `extra_body` (object merged into the JSON body), `retry_unsafe` (true: retry this
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
/// "PUT" or "DELETE"), `path` relative to the base URL (e.g. "/connection/conn_1", already
/// URL-encoded), `query_json` (NULL or an object of strings, numbers, booleans or arrays;
/// false is left out, arrays are comma-joined), `body_json` (NULL or an object; every non-GET
/// sends at least `{}`). Same auth, retries (a raw POST counts as creating something),
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
        let query = params::parse_object("query_json", opt_str(query_json, "query_json")?)?;
        let body = match opt_str(body_json, "body_json")? {
            None => None,
            Some(text) => Some(
                serde_json::from_str::<Value>(text)
                    .map_err(|e| Error::invalid(format!("body_json is not valid JSON: {e}")))?,
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
        let core = client.client.list_page(op, params, opts.as_ref())?;
        *page_out = new_page(core);
        Ok(OpenintStatus::Ok)
    })
}

/// A cursor over every item of a list operation, across pages: same parameters, options and
/// cancel as `openint_client_list`, applied to every page it fetches (with `prefetch` > 1 it
/// keeps that many pages in flight; freeing the cursor cancels them). Validated now; the first
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
        let cursor = client.client.list_cursor(op, params, opts.as_ref())?;
        *cursor_out = new_cursor(cursor);
        Ok(OpenintStatus::Ok)
    })
}

/// The call of the ABI-1 connector functions: `listConnectors` with `{limit, offset, expand}`
/// plus `timeout` (seconds for the call), which is an option, not a server parameter.
unsafe fn legacy_connector_call(
    params_json: *const c_char,
) -> Result<(
    &'static crate::operations::Operation,
    Map<String, Value>,
    Option<RequestOptions>,
)> {
    let mut params = params::parse_object("params_json", opt_str(params_json, "params_json")?)?;
    let opts = match params.remove("timeout") {
        None | Some(Value::Null) => None,
        Some(v) => Some(RequestOptions {
            timeout: Some(v.as_f64().and_then(params::seconds).ok_or_else(|| {
                Error::invalid("params: \"timeout\" must be a number of seconds from 0.001 to 1e9")
            })?),
            ..RequestOptions::default()
        }),
    };
    Ok((params::operation("listConnectors")?, params, opts))
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
        let core = client.client.list_page(op, params, opts.as_ref())?;
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
        let cursor = client.client.list_cursor(op, params, opts.as_ref())?;
        *cursor_out = new_cursor(cursor);
        Ok(OpenintStatus::Ok)
    })
}

/// An owned response handle; the body gets its NUL in the spare byte the reader left.
fn new_response(r: crate::client::JsonResponse) -> *mut OpenintResponse {
    let mut body = r.body;
    body.push('\0');
    Box::into_raw(Box::new(OpenintResponse::new(
        &r.meta,
        ResponseBody::Owned(body),
    )))
}

fn new_page(core: PageCore) -> *mut OpenintPage {
    Box::into_raw(Box::new(OpenintPage {
        core,
        items_nul: OnceCell::new(),
        response: OnceCell::new(),
    }))
}

fn new_cursor(cursor: Cursor) -> *mut OpenintCursor {
    Box::into_raw(Box::new(OpenintCursor {
        cursor,
        item: Vec::new(),
        response: None,
    }))
}

/// Frees a page. NULL is a no-op. Strings borrowed from it become invalid.
#[no_mangle]
pub unsafe extern "C" fn openint_page_free(page: *mut OpenintPage) {
    free_handle(page)
}

/// Writes the number of items on the page to `*count_out`.
#[no_mangle]
pub unsafe extern "C" fn openint_page_item_count(
    page: *const OpenintPage,
    count_out: *mut size_t,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    page_value(page, count_out, "count_out", err_out, |p| p.len())
}

/// Lends item `index` as NUL-terminated JSON text (the server's own bytes) in `*json_out`,
/// and its length without the NUL in `*len_out` (NULL allowed). Valid until the page is freed.
/// The first call makes a NUL-separated copy of the page's items (about the page's size).
#[no_mangle]
pub unsafe extern "C" fn openint_page_item(
    page: *const OpenintPage,
    index: size_t,
    json_out: *mut *const c_char,
    len_out: *mut size_t,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let page = arg(page, "page")?;
        let json_out = out(json_out, "json_out")?;
        let Some(range) = page.core.item_range(index) else {
            return Err(Error::invalid(format!(
                "index {index} is out of range: the page has {} items",
                page.core.len()
            )));
        };
        // The copy spans the items' region of the page text; each item's following byte (a
        // comma, bracket or space) becomes its NUL, so item i starts at the same offset.
        let first = page.core.item_range(0).map_or(0, |r| r.start);
        let buf = page.items_nul.get_or_init(|| {
            let text = page.core.json_with_nul().as_bytes();
            let last = page.core.len().saturating_sub(1);
            let last_end = page.core.item_range(last).map_or(first, |r| r.end);
            let mut buf = text[first..=last_end].to_vec();
            for r in page.core.item_ranges() {
                buf[r.end - first] = 0;
            }
            buf
        });
        lend(
            &buf[range.start - first..=range.end - first],
            json_out,
            len_out,
        );
        Ok(OpenintStatus::Ok)
    })
}

/// Lends the whole page JSON, NUL-terminated, as the server sent it; `*len_out` (NULL
/// allowed) gets its length without the NUL. Valid until the page is freed.
#[no_mangle]
pub unsafe extern "C" fn openint_page_json(
    page: *const OpenintPage,
    json_out: *mut *const c_char,
    len_out: *mut size_t,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let page = arg(page, "page")?;
        lend(
            page.core.json_with_nul().as_bytes(),
            out(json_out, "json_out")?,
            len_out,
        );
        Ok(OpenintStatus::Ok)
    })
}

/// `total` as the server sent it, or -1 when it sent none. On `GET /connector` the real server
/// sends the length of this page here: never use it to decide whether more pages exist.
#[no_mangle]
pub unsafe extern "C" fn openint_page_total(
    page: *const OpenintPage,
    total_out: *mut i64,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    page_value(page, total_out, "total_out", err_out, |p| to_i64(p.total()))
}

/// `limit` as the server echoed it, or -1 when it sent none.
#[no_mangle]
pub unsafe extern "C" fn openint_page_limit(
    page: *const OpenintPage,
    limit_out: *mut i64,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    page_value(page, limit_out, "limit_out", err_out, |p| to_i64(p.limit()))
}

/// The page's offset: the server's echo, else the offset requested.
#[no_mangle]
pub unsafe extern "C" fn openint_page_offset(
    page: *const OpenintPage,
    offset_out: *mut i64,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    page_value(page, offset_out, "offset_out", err_out, |p| {
        to_i64(Some(p.offset()))
    })
}

/// The shape of every page getter: check the handle and the out-pointer, write one value.
unsafe fn page_value<T>(
    page: *const OpenintPage,
    value_out: *mut T,
    name: &str,
    err_out: *mut *mut OpenintError,
    get: impl FnOnce(&PageCore) -> T,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let page = arg(page, "page")?;
        *out(value_out, name)? = get(&page.core);
        Ok(OpenintStatus::Ok)
    })
}

fn to_i64(v: Option<u64>) -> i64 {
    v.map_or(-1, |v| i64::try_from(v).unwrap_or(i64::MAX))
}

/// Whether another page may follow, decided by this library from the page itself (the
/// server's `has_next_page` flag cannot be trusted). When true, `openint_page_next` makes a
/// request, which may still answer `OPENINT_STATUS_END` if that page turns out empty.
#[no_mangle]
pub unsafe extern "C" fn openint_page_has_next(
    page: *const OpenintPage,
    has_next_out: *mut bool,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    page_value(
        page,
        has_next_out,
        "has_next_out",
        err_out,
        PageCore::has_next,
    )
}

/// Fetches the page after `page`. Returns `OPENINT_STATUS_OK` and writes `*next_out` (a new
/// page owned by the caller; `page` stays valid), or `OPENINT_STATUS_END` when the listing is
/// over (an empty page is never handed out), or an error. `timeout_seconds` bounds this call
/// (retries included); 0 keeps the bound of the original call; INFINITY means no bound but
/// the client's `total_timeout`.
#[no_mangle]
pub unsafe extern "C" fn openint_page_next(
    page: *const OpenintPage,
    timeout_seconds: f64,
    next_out: *mut *mut OpenintPage,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let page = arg(page, "page")?;
        let next_out = out(next_out, "next_out")?;
        let over = next_timeout(timeout_seconds)?;
        next_page(page, over.as_ref(), next_out)
    })
}

/// `openint_page_next` with per-call options and a cancel handle for this fetch (each NULL:
/// the listing's own).
#[no_mangle]
pub unsafe extern "C" fn openint_page_next_with(
    page: *const OpenintPage,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
    next_out: *mut *mut OpenintPage,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let page = arg(page, "page")?;
        let next_out = out(next_out, "next_out")?;
        let over = call_options(options_json, cancel)?;
        next_page(page, over.as_ref(), next_out)
    })
}

unsafe fn next_page(
    page: &OpenintPage,
    over: Option<&RequestOptions>,
    next_out: *mut *mut OpenintPage,
) -> Result<OpenintStatus> {
    match page.core.next(over)? {
        Some(core) if core.len() > 0 => {
            *next_out = new_page(core);
            Ok(OpenintStatus::Ok)
        }
        _ => Ok(OpenintStatus::End),
    }
}

/// The page's HTTP answer (status, headers, request id, retries; its body is the page JSON),
/// lent until the page is freed: do not free it. NULL for a NULL page.
#[no_mangle]
pub unsafe extern "C" fn openint_page_response(page: *const OpenintPage) -> *const OpenintResponse {
    let Some(page) = page.as_ref() else {
        return std::ptr::null();
    };
    guarded(|| {
        let text = page.core.json_with_nul();
        page.response.get_or_init(|| {
            OpenintResponse::new(
                page.core.meta(),
                ResponseBody::Page(text.as_ptr(), text.len()),
            )
        }) as *const OpenintResponse
    })
    .unwrap_or(std::ptr::null())
}

/// Advances the cursor. Returns `OPENINT_STATUS_OK` and lends the next item's NUL-terminated
/// JSON in `*item_out` (valid until the next call on this cursor or its free; `*len_out`, NULL
/// allowed, gets its length), or `OPENINT_STATUS_END` after the last item (again on every later
/// call), or an error (calling again retries the failed page). `timeout_seconds` bounds a page
/// fetch this call makes (retries included); 0 keeps the bound given when it was created;
/// INFINITY means no bound but the client's `total_timeout`.
#[no_mangle]
pub unsafe extern "C" fn openint_cursor_next(
    cursor: *mut OpenintCursor,
    timeout_seconds: f64,
    item_out: *mut *const c_char,
    len_out: *mut size_t,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let cursor = arg_mut(cursor, "cursor")?;
        let item_out = out(item_out, "item_out")?;
        let over = next_timeout(timeout_seconds)?;
        cursor_step(cursor, over.as_ref(), item_out, len_out)
    })
}

/// `openint_cursor_next` with per-call options and a cancel handle for any page fetch this
/// step makes (each NULL: the cursor's own).
#[no_mangle]
pub unsafe extern "C" fn openint_cursor_next_with(
    cursor: *mut OpenintCursor,
    options_json: *const c_char,
    cancel: *const OpenintCancel,
    item_out: *mut *const c_char,
    len_out: *mut size_t,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let cursor = arg_mut(cursor, "cursor")?;
        let item_out = out(item_out, "item_out")?;
        let over = call_options(options_json, cancel)?;
        cursor_step(cursor, over.as_ref(), item_out, len_out)
    })
}

unsafe fn cursor_step(
    cursor: &mut OpenintCursor,
    over: Option<&RequestOptions>,
    item_out: *mut *const c_char,
    len_out: *mut size_t,
) -> Result<OpenintStatus> {
    match cursor.cursor.next(over)? {
        None => Ok(OpenintStatus::End),
        Some(item) => {
            cursor.item.clear();
            cursor.item.extend_from_slice(item.as_bytes());
            cursor.item.push(0);
            cursor.response = None;
            lend(&cursor.item, item_out, len_out);
            Ok(OpenintStatus::Ok)
        }
    }
}

/// The HTTP answer of the page the cursor's last item came from (status, headers, request id,
/// retries; its body is empty), lent until the next `openint_cursor_next` or the cursor's
/// free. NULL before the first item.
#[no_mangle]
pub unsafe extern "C" fn openint_cursor_response(
    cursor: *mut OpenintCursor,
) -> *const OpenintResponse {
    let Some(cursor) = cursor.as_mut() else {
        return std::ptr::null();
    };
    guarded(|| {
        let Some(meta) = cursor.cursor.meta().cloned() else {
            return std::ptr::null();
        };
        cursor
            .response
            .get_or_insert_with(|| OpenintResponse::new(&meta, ResponseBody::Owned("\0".into())))
            as *const OpenintResponse
    })
    .unwrap_or(std::ptr::null())
}

/// Frees a cursor. NULL is a no-op. Pages it had in flight are cancelled and freed.
#[no_mangle]
pub unsafe extern "C" fn openint_cursor_free(cursor: *mut OpenintCursor) {
    free_handle(cursor)
}

/// The HTTP status of the answer; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn openint_response_status(response: *const OpenintResponse) -> u16 {
    response.as_ref().map_or(0, |r| r.status)
}

/// The JSON body, NUL-terminated, as the server sent it; `*len_out` (NULL allowed) gets its
/// length without the NUL. Borrowed from the response; NULL for a NULL response.
#[no_mangle]
pub unsafe extern "C" fn openint_response_body(
    response: *const OpenintResponse,
    len_out: *mut size_t,
) -> *const c_char {
    let Some(r) = response.as_ref() else {
        return std::ptr::null();
    };
    let body = r.body_with_nul();
    if !len_out.is_null() {
        *len_out = body.len() - 1;
    }
    body.as_ptr() as *const c_char
}

/// The first value of header `name` (case-insensitive), or NULL. Borrowed from the response.
#[no_mangle]
pub unsafe extern "C" fn openint_response_header(
    response: *const OpenintResponse,
    name: *const c_char,
) -> *const c_char {
    let (Some(r), Some(name)) = (response.as_ref(), name.as_ref()) else {
        return std::ptr::null();
    };
    let name = CStr::from_ptr(name).to_bytes();
    r.headers
        .iter()
        .find(|(k, _)| k.as_bytes().eq_ignore_ascii_case(name))
        .map_or(std::ptr::null(), |(_, v)| v.as_ptr())
}

/// How many headers the response has (repeated names count once each).
#[no_mangle]
pub unsafe extern "C" fn openint_response_header_count(response: *const OpenintResponse) -> size_t {
    response.as_ref().map_or(0, |r| r.headers.len())
}

/// Header `index` (0-based, in arrival order; names lowercased): writes its name and value,
/// borrowed from the response, and returns true; false when `index` is out of range.
#[no_mangle]
pub unsafe extern "C" fn openint_response_header_at(
    response: *const OpenintResponse,
    index: size_t,
    name_out: *mut *const c_char,
    value_out: *mut *const c_char,
) -> bool {
    let Some((k, v)) = response.as_ref().and_then(|r| r.headers.get(index)) else {
        return false;
    };
    if !name_out.is_null() {
        *name_out = k.as_ptr();
    }
    if !value_out.is_null() {
        *value_out = v.as_ptr();
    }
    true
}

/// The `x-request-id` (or `request-id`) header, or NULL. Borrowed from the response.
#[no_mangle]
pub unsafe extern "C" fn openint_response_request_id(
    response: *const OpenintResponse,
) -> *const c_char {
    response
        .as_ref()
        .and_then(|r| r.request_id.as_ref())
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Retries made before this answer; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn openint_response_retries(response: *const OpenintResponse) -> u32 {
    response.as_ref().map_or(0, |r| r.retries)
}

/// Frees a response from `openint_client_call`/`_request`. NULL is a no-op. Never free one
/// lent by a page or a cursor.
#[no_mangle]
pub unsafe extern "C" fn openint_response_free(response: *mut OpenintResponse) {
    free_handle(response)
}

/// Creates a cancel handle. Pass it to calls, listings and cursor steps; fire it from any
/// thread with `openint_cancel`. On success writes `*cancel_out` (free it with
/// `openint_cancel_free`; calls and cursors keep what they need, so freeing it early is safe).
#[no_mangle]
pub unsafe extern "C" fn openint_cancel_new(
    cancel_out: *mut *mut OpenintCancel,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        // The out-pointer is checked before anything is allocated for it.
        let cancel_out = out(cancel_out, "cancel_out")?;
        *cancel_out = Box::into_raw(Box::new(OpenintCancel {
            token: CancelToken::new(),
        }));
        Ok(OpenintStatus::Ok)
    })
}

/// Fires the handle: every call running with it returns `OPENINT_STATUS_CANCELLED` within
/// about 10 ms (whether connecting, in the TLS handshake, sending, waiting for the answer,
/// reading the body, or waiting to retry), and its connection is closed, not reused. Calls
/// started with it later fail at once: a fired handle stays fired. Thread-safe; firing twice
/// does nothing more. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn openint_cancel(cancel: *const OpenintCancel) {
    if let Some(c) = cancel.as_ref() {
        let _ = guarded(|| c.token.cancel());
    }
}

/// Whether the handle has been fired. False for NULL.
#[no_mangle]
pub unsafe extern "C" fn openint_cancel_is_cancelled(cancel: *const OpenintCancel) -> bool {
    cancel.as_ref().is_some_and(|c| c.token.is_cancelled())
}

/// Frees a cancel handle. NULL is a no-op. Calls using it are not affected.
#[no_mangle]
pub unsafe extern "C" fn openint_cancel_free(cancel: *mut OpenintCancel) {
    free_handle(cancel)
}

/// A C callback and its user data, callable from any thread (the caller promised).
struct CSink {
    callback: unsafe extern "C" fn(*mut c_void, u32, *const c_char, *const c_char),
    user_data: *mut c_void,
}
// SAFETY: openint_set_logger's contract: the callback is thread-safe with this user data.
unsafe impl Send for CSink {}
unsafe impl Sync for CSink {}

impl CSink {
    fn call(&self, level: LogLevel, target: &str, message: &str) {
        let (t, m) = (c_string(target), c_string(message));
        // SAFETY: the host gave us this callback for exactly this use.
        unsafe { (self.callback)(self.user_data, level as u32, t.as_ptr(), m.as_ptr()) }
    }
}

fn c_logger(
    level: u32,
    callback: OpenintLogCallback,
    user_data: *mut c_void,
) -> Result<Option<Logger>> {
    let level = LogLevel::from_u32(level).ok_or_else(|| {
        Error::invalid(format!("level {level} is not an OpenintLogLevel (0 to 5)"))
    })?;
    let (Some(callback), true) = (callback, level != LogLevel::Off) else {
        return Ok(None);
    };
    let sink = CSink {
        callback,
        user_data,
    };
    Ok(Some(Logger::new(level, move |lvl, target, msg| {
        sink.call(lvl, target, msg)
    })))
}

/// Installs the process-wide logger: `callback` receives every line at `level` or more severe
/// from every client without a logger of its own. A NULL callback or `OPENINT_LOG_LEVEL_OFF`
/// removes it (then `OPENINT_LOG=error|warn|info|debug|trace` in the environment, if set,
/// logs to stderr). Lines never contain the token, Authorization/Cookie values, or key_/JWT
/// values. Thread-safe; `user_data` is passed back as given.
#[no_mangle]
pub unsafe extern "C" fn openint_set_logger(
    level: u32,
    callback: OpenintLogCallback,
    user_data: *mut c_void,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        log::set_logger(c_logger(level, callback, user_data)?);
        Ok(OpenintStatus::Ok)
    })
}

/// Installs a logger for one client (and the pages and cursors made from it), in place of the
/// process-wide one; a NULL callback goes back to the process-wide one. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn openint_client_set_logger(
    client: *const OpenintClient,
    level: u32,
    callback: OpenintLogCallback,
    user_data: *mut c_void,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let client = arg(client, "client")?;
        client
            .client
            .set_logger(c_logger(level, callback, user_data)?);
        Ok(OpenintStatus::Ok)
    })
}

/// The error's kind: the status the failing call returned. NULL gives `OPENINT_STATUS_OK`.
#[no_mangle]
pub unsafe extern "C" fn openint_error_kind(error: *const OpenintError) -> OpenintStatus {
    error
        .as_ref()
        .map_or(OpenintStatus::Ok, |e| e.error.kind().into())
}

/// The HTTP status of an API status error; 0 for other errors and for NULL.
#[no_mangle]
pub unsafe extern "C" fn openint_error_http_status(error: *const OpenintError) -> u16 {
    error.as_ref().and_then(|e| e.error.status()).unwrap_or(0)
}

/// The error message: the server's `message` for API status errors, else a description naming
/// what was wrong (for network errors: the method and URL too). Never contains the token.
/// Borrowed from the error; NULL for a NULL error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_message(error: *const OpenintError) -> *const c_char {
    error
        .as_ref()
        .map_or(std::ptr::null(), |e| e.message.as_ptr())
}

/// The whole error in one line, fit for a log: status and code, message, method and URL,
/// request id, retries. Never contains the token. Borrowed from the error; NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn openint_error_display(error: *const OpenintError) -> *const c_char {
    error
        .as_ref()
        .map_or(std::ptr::null(), |e| e.display.as_ptr())
}

/// The server's error `code` (e.g. "NOT_FOUND"), or NULL when absent. Borrowed from the error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_code(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.code.as_ref())
}

/// The response body of an API status error, or of a 2xx answer that could not be decoded
/// (at most its first 64 KiB, marked when cut), or NULL. Borrowed from the error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_body(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.body.as_ref())
}

/// The `x-request-id` (or `request-id`) response header, or NULL. Borrowed from the error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_request_id(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.request_id.as_ref())
}

/// The HTTP method of the failed request ("GET", ...), or NULL when no request was made.
#[no_mangle]
pub unsafe extern "C" fn openint_error_method(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.method.as_ref())
}

/// The URL of the failed request (never with credentials), or NULL when no request was made.
#[no_mangle]
pub unsafe extern "C" fn openint_error_url(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.url.as_ref())
}

unsafe fn borrowed(
    error: *const OpenintError,
    field: impl Fn(&OpenintError) -> Option<&CString>,
) -> *const c_char {
    error
        .as_ref()
        .and_then(field)
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// How many retries the failing call made before giving up; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn openint_error_retries(error: *const OpenintError) -> u32 {
    error.as_ref().map_or(0, |e| e.error.retries())
}

/// Frees an error. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn openint_error_free(error: *mut OpenintError) {
    free_handle(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::null_mut;

    #[test]
    fn null_handles_are_invalid_arguments_not_crashes() {
        unsafe {
            let mut err: *mut OpenintError = null_mut();
            let mut count = 7usize;
            let s = openint_page_item_count(std::ptr::null(), &mut count, &mut err);
            assert_eq!(s, OpenintStatus::InvalidArgument);
            assert_eq!(count, 7, "out-parameters are written only on success");
            let msg = CStr::from_ptr(openint_error_message(err)).to_str().unwrap();
            assert_eq!(msg, "page is NULL");
            assert_eq!(openint_error_kind(err), OpenintStatus::InvalidArgument);
            openint_error_free(err);
            let s = openint_client_new(std::ptr::null(), null_mut(), null_mut());
            assert_eq!(s, OpenintStatus::InvalidArgument);
            openint_client_free(null_mut());
            openint_page_free(null_mut());
            openint_cursor_free(null_mut());
            openint_error_free(null_mut());
            openint_response_free(null_mut());
            openint_cancel_free(null_mut());
            openint_cancel(std::ptr::null());
            assert!(openint_error_message(std::ptr::null()).is_null());
            assert!(openint_page_response(std::ptr::null()).is_null());
            assert!(openint_response_body(std::ptr::null(), null_mut()).is_null());
            assert!(!openint_response_header_at(
                std::ptr::null(),
                0,
                null_mut(),
                null_mut()
            ));
        }
    }

    #[test]
    fn panics_become_internal_errors() {
        let mut err: *mut OpenintError = null_mut();
        let s = ffi_call!(&mut err, {
            if err.is_null() {
                panic!("boom");
            }
            Ok(OpenintStatus::Ok)
        });
        assert_eq!(s, OpenintStatus::Internal);
        unsafe {
            let msg = CStr::from_ptr(openint_error_message(err)).to_str().unwrap();
            assert!(msg.contains("boom"), "{msg}");
            openint_error_free(err);
        }
    }

    #[test]
    fn log_levels_match_the_core() {
        for (c, core) in [
            (OpenintLogLevel::Off, LogLevel::Off),
            (OpenintLogLevel::Error, LogLevel::Error),
            (OpenintLogLevel::Warn, LogLevel::Warn),
            (OpenintLogLevel::Info, LogLevel::Info),
            (OpenintLogLevel::Debug, LogLevel::Debug),
            (OpenintLogLevel::Trace, LogLevel::Trace),
        ] {
            assert_eq!(LogLevel::from_u32(c as u32), Some(core));
        }
    }

    #[test]
    fn status_names() {
        let name = |s: u32| unsafe { CStr::from_ptr(openint_status_name(s)).to_str().unwrap() };
        assert_eq!(name(OpenintStatus::NotFound as u32), "not_found");
        assert_eq!(name(OpenintStatus::Cancelled as u32), "cancelled");
        assert_eq!(name(OpenintStatus::Protocol as u32), "protocol");
        assert_eq!(name(OpenintStatus::End as u32), "end");
        assert_eq!(name(9999), "unknown");
    }

    #[test]
    fn the_exported_table_lists_every_operation() {
        let text = unsafe { CStr::from_ptr(openint_operations_json()) }
            .to_str()
            .unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        let ids: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 21);
        assert!(ids.contains(&"createToken") && ids.contains(&"listConnections"));
        let get = v
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == "getConnection")
            .unwrap();
        assert_eq!(
            get["params"][0],
            json!({"name": "id", "in": "path", "type": "string", "required": true, "nullable": false, "prefix": "conn_"})
        );
    }

    #[test]
    fn bad_calls_fail_before_any_request() {
        unsafe {
            let mut client = null_mut();
            let opts = c"{\"base_url\":\"http://127.0.0.1:9/v1\",\"max_retries\":0}";
            assert_eq!(
                openint_client_new(opts.as_ptr(), &mut client, null_mut()),
                OpenintStatus::Ok
            );
            for (op, params, needle) in [
                (c"nope", c"{}", "unknown operation \"nope\""),
                (c"getConnection", c"{}", "missing required parameter \"id\""),
                (
                    c"getConnection",
                    c"{\"id\":7}",
                    "\"id\" must be an id starting with \"conn_\"",
                ),
                (
                    c"getConnection",
                    c"{\"id\":\"conn_1\",\"x\":1}",
                    "unknown parameter \"x\"",
                ),
                (c"getConnection", c"[1]", "must be a JSON object"),
            ] {
                let mut resp = null_mut();
                let mut err = null_mut();
                let s =
                    openint_client_call(client, op.as_ptr(), params.as_ptr(), &mut resp, &mut err);
                assert_eq!(s, OpenintStatus::InvalidArgument);
                assert!(resp.is_null());
                let msg = CStr::from_ptr(openint_error_message(err)).to_str().unwrap();
                assert!(msg.contains(needle), "{msg}");
                openint_error_free(err);
            }
            openint_client_free(client);
        }
    }
}
