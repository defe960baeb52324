//! The C boundary. Every exported function goes through `ffi_call!`, which catches panics
//! (status `OPENINT_STATUS_INTERNAL`) and turns NULL handles or required pointers into
//! `OPENINT_STATUS_INVALID_ARGUMENT`, so no exported function crashes on bad input.
//!
//! Rules (repeated in the header): fallible functions return an `OpenintStatus` and take a last
//! `OpenintError **err_out` (NULL allowed), written only on failure with an error the caller
//! frees with `openint_error_free`. Other out-parameters are written only on `OPENINT_STATUS_OK`.
//! Strings returned are borrowed from the handle they came from.

#![allow(clippy::missing_safety_doc)] // the contract of every function is in its doc comment.

use crate::client::{Client, ClientOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::pagination::{Cursor, PageCore};
use crate::params::{CallOptions, ListConnectorsParams};
use libc::{c_char, size_t};
use once_cell::sync::OnceCell;
use std::ffi::{CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// Bumped whenever a signature, a struct or an enum value of this header changes
/// incompatibly. Bindings compare it with `openint_abi_version()` when they load the library.
pub const OPENINT_ABI_VERSION: u32 = 1;

/// The result of every fallible function, and the kind of an `OpenintError`.
/// The numbers are part of the ABI: they are never renumbered or reused.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenintStatus {
    /// Success.
    Ok = 0,
    /// Bad input from the caller (NULL handle, bad JSON, unknown key, value out of range),
    /// found before any request.
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
    /// HTTP 500 and above.
    InternalServer = 11,
    /// Any other non-2xx HTTP status, including a refused redirect to another origin.
    ApiStatus = 12,
    /// A 2xx answer that is not the expected JSON, or a server that ignores `offset`.
    Decode = 13,
    /// The response body passed `max_body_bytes`.
    BodyTooLarge = 14,
    /// A bug in this library (a caught panic). Please report it.
    Internal = 15,
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
        }
    }
}

/// A client. Thread-safe: one client may be used by many threads at once; they share its
/// keep-alive connection pool.
pub struct OpenintClient {
    client: Client,
}

/// One page of a listing. Use from one thread at a time. It keeps what it needs of its
/// client, so it stays usable after `openint_client_free`.
pub struct OpenintPage {
    core: PageCore,
    /// Each item's JSON followed by a NUL, built on the first `openint_page_item` call.
    items_nul: OnceCell<(Vec<u8>, Vec<usize>)>,
}

/// A cursor over every item of a listing, across pages. Use from one thread at a time.
pub struct OpenintCursor {
    cursor: Cursor,
    /// The current item's JSON plus a NUL: what `openint_cursor_next` lends out.
    item: Vec<u8>,
}

/// An error. Immutable; may be read from any thread.
pub struct OpenintError {
    error: Error,
    message: CString,
    code: Option<CString>,
    body: Option<CString>,
    request_id: Option<CString>,
}

impl OpenintError {
    fn new(error: Error) -> OpenintError {
        OpenintError {
            message: c_string(error.message()),
            code: error.code().map(c_string),
            body: error.body().map(c_string),
            request_id: error.request_id().map(c_string),
            error,
        }
    }
}

/// A C string of `s`; an interior NUL (a server can send `\u0000`) becomes U+2400 "␀".
fn c_string(s: &str) -> CString {
    CString::new(s)
        .unwrap_or_else(|_| CString::new(s.replace('\0', "\u{2400}")).unwrap_or_default())
}

/// Runs `body`, converting its error or panic into a status and an `OpenintError`.
macro_rules! ffi_call {
    ($err_out:expr, $body:block) => {{
        let err_out: *mut *mut OpenintError = $err_out;
        let result = catch_unwind(AssertUnwindSafe(|| -> Result<OpenintStatus> { $body }));
        match result {
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

/// `timeout_seconds` of the `next` functions: 0 keeps the bound of the call that started the
/// listing; +infinity drops it (only the client's `total_timeout`, if any, applies), which is
/// what a Go context without a deadline means; otherwise a positive number of seconds.
fn call_timeout(timeout_seconds: f64) -> Result<Option<CallOptions>> {
    if timeout_seconds == 0.0 {
        return Ok(None);
    }
    if timeout_seconds == f64::INFINITY {
        return Ok(Some(CallOptions { timeout: None }));
    }
    if !(0.0..=1e9).contains(&timeout_seconds) {
        return Err(Error::invalid(format!(
            "timeout_seconds must be 0 (keep), a positive number of seconds or +infinity (none), got {timeout_seconds}"
        )));
    }
    Ok(Some(CallOptions {
        timeout: Some(Duration::from_secs_f64(timeout_seconds)),
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

/// The library version, e.g. "0.1.0". A static string: never free it.
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
        100 => "end\0",
        _ => "unknown\0",
    };
    s.as_ptr() as *const c_char
}

/// Creates a client. `options_json` is NULL (all defaults) or a JSON object with any of:
/// `token` (string; default OPENINT_API_KEY; trimmed, empty means none), `base_url` (default
/// OPENINT_BASE_URL, else `https://api.openint.dev/v1`), `timeout` (seconds per attempt,
/// default 60), `connect_timeout` (default 5), `total_timeout` (seconds per call across
/// retries; default none), `max_retries` (default 2), `max_body_bytes` (default 256 MiB),
/// `default_headers` (object of strings). Unknown keys and wrong types are errors naming the
/// key. On success writes `*client_out`, owned by the caller: free it with
/// `openint_client_free`.
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

/// Frees a client. NULL is a no-op. Pages and cursors made from it stay usable.
#[no_mangle]
pub unsafe extern "C" fn openint_client_free(client: *mut OpenintClient) {
    free_handle(client)
}

unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // A panic in a destructor must not unwind into C either.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(p))));
    }
}

/// `GET /connector`: fetches one page. `params_json` is NULL (server defaults) or a JSON object
/// with `limit` (0..=3000), `offset` (>= 0), `expand` (array of "schemas") and `timeout`
/// (seconds for this call, retries included). Bad params fail with
/// `OPENINT_STATUS_INVALID_ARGUMENT` before any request. On success writes `*page_out`, owned
/// by the caller: free it with `openint_page_free`.
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
        let (params, call) = ListConnectorsParams::from_json(opt_str(params_json, "params_json")?)?;
        let core = client.client.list_connectors_raw(&params, call)?;
        *page_out = new_page(core);
        Ok(OpenintStatus::Ok)
    })
}

fn new_page(core: PageCore) -> *mut OpenintPage {
    Box::into_raw(Box::new(OpenintPage {
        core,
        items_nul: OnceCell::new(),
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
        if index >= page.core.len() {
            return Err(Error::invalid(format!(
                "index {index} is out of range: the page has {} items",
                page.core.len()
            )));
        }
        let (buf, starts) = page.items_nul.get_or_init(|| {
            let mut buf = Vec::with_capacity(page.core.json().len());
            let mut starts = Vec::with_capacity(page.core.len() + 1);
            for i in 0..page.core.len() {
                starts.push(buf.len());
                buf.extend_from_slice(page.core.item(i).unwrap_or_default().as_bytes());
                buf.push(0);
            }
            starts.push(buf.len());
            (buf, starts)
        });
        lend(&buf[starts[index]..starts[index + 1]], json_out, len_out);
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
    page_value(page, has_next_out, "has_next_out", err_out, |p| {
        p.next_offset().is_some()
    })
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
        match page.core.next(call_timeout(timeout_seconds)?)? {
            Some(core) if core.len() > 0 => {
                *next_out = new_page(core);
                Ok(OpenintStatus::Ok)
            }
            _ => Ok(OpenintStatus::End),
        }
    })
}

/// A cursor over every connector, across pages. Same `params_json` as
/// `openint_client_list_connectors`; validated now, but the first request is made by the first
/// `openint_cursor_next`. On success writes `*cursor_out`, owned by the caller: free it with
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
        let (params, call) = ListConnectorsParams::from_json(opt_str(params_json, "params_json")?)?;
        let cursor = client.client.list_connectors_cursor(&params, call)?;
        *cursor_out = Box::into_raw(Box::new(OpenintCursor {
            cursor,
            item: Vec::new(),
        }));
        Ok(OpenintStatus::Ok)
    })
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
        let call = call_timeout(timeout_seconds)?;
        match cursor.cursor.next(call)? {
            None => Ok(OpenintStatus::End),
            Some(item) => {
                cursor.item.clear();
                cursor.item.extend_from_slice(item.as_bytes());
                cursor.item.push(0);
                lend(&cursor.item, item_out, len_out);
                Ok(OpenintStatus::Ok)
            }
        }
    })
}

/// Frees a cursor. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn openint_cursor_free(cursor: *mut OpenintCursor) {
    free_handle(cursor)
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
/// what was wrong. Never contains the token. Borrowed from the error; NULL for a NULL error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_message(error: *const OpenintError) -> *const c_char {
    error
        .as_ref()
        .map_or(std::ptr::null(), |e| e.message.as_ptr())
}

/// The server's error `code` (e.g. "NOT_FOUND"), or NULL when absent. Borrowed from the error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_code(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.code.as_ref())
}

/// The raw response body of an API status error, or NULL. Borrowed from the error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_body(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.body.as_ref())
}

/// The `x-request-id` (or `request-id`) response header, or NULL. Borrowed from the error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_request_id(error: *const OpenintError) -> *const c_char {
    borrowed(error, |e| e.request_id.as_ref())
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
            assert!(openint_error_message(std::ptr::null()).is_null());
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
    fn status_names() {
        let name = |s: u32| unsafe { CStr::from_ptr(openint_status_name(s)).to_str().unwrap() };
        assert_eq!(name(OpenintStatus::NotFound as u32), "not_found");
        assert_eq!(name(OpenintStatus::End as u32), "end");
        assert_eq!(name(9999), "unknown");
    }
}
