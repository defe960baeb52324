//! The error handle: the kind, message, one-line display, server code and body, request id,
//! request and retries of a failed call.

use super::boundary::{c_string, free_handle, ErrorHandle};
use super::response::CHeaders;
use super::status::OpenintStatus;
use crate::Error;
use libc::{c_char, size_t};
use std::ffi::CString;

/// An error. Immutable; may be read from any thread.
pub struct OpenintError {
    error: Error,
    message: CString,
    display: CString,
    code: Option<CString>,
    body: Option<CString>,
    request_id: Option<CString>,
    headers: CHeaders,
    method: Option<CString>,
    url: Option<CString>,
}

impl ErrorHandle for OpenintError {
    fn from_error(error: Error) -> OpenintError {
        OpenintError {
            message: c_string(error.message()),
            display: c_string(&error.to_string()),
            code: error.code().map(c_string),
            body: error.body().map(c_string),
            request_id: error.request_id().map(c_string),
            headers: CHeaders::new(error.headers()),
            method: error.method().map(c_string),
            url: error.url().map(c_string),
            error,
        }
    }
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

pub(super) unsafe fn borrowed(
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

/// The first value of header `name` (case-insensitive) of the answer an API status error is
/// about (say `retry-after` or a rate-limit header), or NULL (other errors have none).
/// Borrowed from the error.
#[no_mangle]
pub unsafe extern "C" fn openint_error_header(
    error: *const OpenintError,
    name: *const c_char,
) -> *const c_char {
    error
        .as_ref()
        .map_or(std::ptr::null(), |e| e.headers.get(name))
}

/// How many headers the answer of an API status error had (0 for other errors and NULL).
#[no_mangle]
pub unsafe extern "C" fn openint_error_header_count(error: *const OpenintError) -> size_t {
    error.as_ref().map_or(0, |e| e.headers.len())
}

/// Header `index` of an API status error's answer (0-based, in arrival order; names
/// lowercased): writes its name and value, borrowed from the error, and returns true; false
/// when `index` is out of range.
#[no_mangle]
pub unsafe extern "C" fn openint_error_header_at(
    error: *const OpenintError,
    index: size_t,
    name_out: *mut *const c_char,
    value_out: *mut *const c_char,
) -> bool {
    error
        .as_ref()
        .is_some_and(|e| e.headers.at(index, name_out, value_out))
}
