//! The plumbing every exported function shares: `ffi_call!` (panics caught and kept quiet,
//! errors turned into a status and an error handle), required handles and out-pointers checked,
//! C strings read as UTF-8, strings lent with their length, handles freed without unwinding.

use super::status::OpenintStatus;
use crate::{log_line, Error, ErrorKind, LogLevel, Result};
use libc::{c_char, size_t};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A C string of `s`; an interior NUL (a server can send `\u0000`) becomes U+2400 "␀".
pub(super) fn c_string(s: &str) -> CString {
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
pub(super) fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                log_line(LogLevel::Error, "openint::panic", &info.to_string());
            } else {
                previous(info)
            }
        }));
    });
}

/// Runs `f` with panics quiet and caught.
pub(super) fn guarded<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    install_panic_hook();
    let was = QUIET.with(|q| q.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r
}

/// Runs `body`, converting its error or panic into a status and an `OpenintError`.
macro_rules! ffi_call {
    ($err_out:expr, $body:block) => {{
        let err_out: *mut *mut _ = $err_out;
        match $crate::ffi::boundary::guarded(|| -> $crate::Result<$crate::ffi::OpenintStatus> {
            $body
        }) {
            Ok(Ok(status)) => status,
            Ok(Err(e)) => $crate::ffi::boundary::report(e, err_out),
            Err(panic) => $crate::ffi::boundary::report(
                $crate::Error::new(
                    $crate::ErrorKind::Internal,
                    $crate::ffi::boundary::panic_message(panic),
                ),
                err_out,
            ),
        }
    }};
}
pub(super) use ffi_call;

/// What a failing call hands out through its `err_out`: the error handle (`error.rs`).
pub(super) trait ErrorHandle {
    fn from_error(error: Error) -> Self;
}

pub(super) fn report<E: ErrorHandle>(error: Error, err_out: *mut *mut E) -> OpenintStatus {
    let status = OpenintStatus::from(error.kind());
    if !err_out.is_null() {
        // SAFETY: err_out is non-NULL and the caller promises it points to writable storage.
        unsafe { *err_out = Box::into_raw(Box::new(E::from_error(error))) };
    }
    status
}

pub(super) fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("internal error in the openint library (please report it): {what}")
}

/// A required handle or input pointer.
pub(super) unsafe fn arg<'a, T>(p: *const T, name: &str) -> Result<&'a T> {
    p.as_ref().ok_or_else(|| invalid(format!("{name} is NULL")))
}

pub(super) unsafe fn arg_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T> {
    p.as_mut().ok_or_else(|| invalid(format!("{name} is NULL")))
}

/// A required out-parameter.
pub(super) fn out<T>(p: *mut T, name: &str) -> Result<*mut T> {
    if p.is_null() {
        Err(invalid(format!("{name} is NULL")))
    } else {
        Ok(p)
    }
}

/// An optional NUL-terminated UTF-8 input.
pub(super) unsafe fn opt_str<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(p)
        .to_str()
        .map(Some)
        .map_err(|_| invalid(format!("{name} is not valid UTF-8")))
}

/// A required NUL-terminated UTF-8 input.
pub(super) unsafe fn req_str<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    opt_str(p, name)?.ok_or_else(|| invalid(format!("{name} is NULL")))
}

/// Writes a borrowed string (pointer to its first byte, which is followed by a NUL) and its
/// length without the NUL.
pub(super) unsafe fn lend(s: &[u8], json_out: *mut *const c_char, len_out: *mut size_t) {
    *json_out = s.as_ptr() as *const c_char;
    if !len_out.is_null() {
        *len_out = s.len() - 1;
    }
}

pub(super) unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // A panic in a destructor must not unwind into C either.
        let _ = guarded(|| drop(Box::from_raw(p)));
    }
}

/// An invalid-argument error: bad input found before any request.
pub(super) fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// The JSON object in the C string `p` (NULL, empty or `null`: an empty object), as parameters,
/// a query or a body cross the boundary. Errors name the argument.
pub(super) unsafe fn json_object(p: *const c_char, name: &str) -> Result<Map<String, Value>> {
    match opt_str(p, name)?.map(str::trim) {
        None | Some("") => Ok(Map::new()),
        Some(t) => match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(Value::Null) => Ok(Map::new()),
            Ok(other) => Err(invalid(format!(
                "{name} must be a JSON object, got {}",
                match other {
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::String(_) => "a string",
                    _ => "an array",
                }
            ))),
            Err(e) => Err(invalid(format!("{name} is not valid JSON: {e}"))),
        },
    }
}
