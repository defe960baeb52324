//! Loggers: a C callback installed for the process or for one client.

use super::boundary::invalid;
use super::boundary::{arg, c_string, ffi_call};
use super::client::OpenintClient;
use super::error::OpenintError;
use super::status::OpenintStatus;
use crate::{set_logger, LogLevel, Logger, Result};
use libc::{c_char, c_void};

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
/// made the request, or a prefetch thread of a page or cursor, possibly several at once: it must
/// be thread-safe. It may make calls of this library (a logger that reports through the SDK): a
/// nested call on the same thread is safe, and the outer call keeps its state (it is never sent
/// again because of it, and its cancel keeps working).
///
/// The lifetime rule, for freeing `user_data`: no callback runs with a logger's `user_data` once
/// - `openint_set_logger` (or `openint_client_set_logger`) that removed or replaced it has
///   returned: it waits for the callbacks of the old logger running on other threads;
/// - for a client's logger, the client and every page and cursor made from it are freed: freeing
///   the last page or cursor of a listing cancels its prefetch threads and waits for any callback
///   they are running, and they log nothing after.
///
/// Called from inside a logger callback, those functions do not wait (they could wait for the
/// caller itself): the rule then holds once the running callbacks return.
pub type OpenintLogCallback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: u32,
        target: *const c_char,
        message: *const c_char,
    ),
>;

/// A C callback and its user data, callable from any thread (the caller promised).
pub(super) struct CSink {
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

pub(super) fn c_logger(
    level: u32,
    callback: OpenintLogCallback,
    user_data: *mut c_void,
) -> Result<Option<Logger>> {
    let level = LogLevel::from_u32(level)
        .ok_or_else(|| invalid(format!("level {level} is not an OpenintLogLevel (0 to 5)")))?;
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
/// values. Thread-safe; `user_data` is passed back as given. When it returns, no callback of the
/// logger it removed or replaced runs any more, on any thread (see `OpenintLogCallback`): the
/// old `user_data` may be freed.
#[no_mangle]
pub unsafe extern "C" fn openint_set_logger(
    level: u32,
    callback: OpenintLogCallback,
    user_data: *mut c_void,
    err_out: *mut *mut OpenintError,
) -> OpenintStatus {
    ffi_call!(err_out, {
        set_logger(c_logger(level, callback, user_data)?);
        Ok(OpenintStatus::Ok)
    })
}

/// Installs a logger for one client (and the pages and cursors made from it), in place of the
/// process-wide one; a NULL callback goes back to the process-wide one. Thread-safe. When it
/// returns, no callback of the client's logger it replaced runs any more (see
/// `OpenintLogCallback`).
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
