//! Per-call options as C passes them: an options JSON object and a cancel handle, and the
//! `timeout_seconds` of the `next` functions.

use super::boundary::invalid;
use super::boundary::opt_str;
use super::cancel::OpenintCancel;
use crate::{RequestOptions, Result};
use libc::c_char;

/// Per-call options from `options_json` and `cancel` (both may be NULL: no override).
pub(super) unsafe fn call_options(
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

/// `timeout_seconds` of the `next` functions: 0 keeps the bound of the call that started the
/// listing; +infinity drops it (only the client's `total_timeout`, if any, applies), which is
/// what a Go context without a deadline means; otherwise 0.001 to 1e9 seconds.
pub(super) fn next_timeout(timeout_seconds: f64) -> Result<Option<RequestOptions>> {
    if timeout_seconds == 0.0 {
        return Ok(None);
    }
    RequestOptions::new()
        .timeout_secs(timeout_seconds)
        .map(Some)
        .map_err(|_| {
            invalid(format!(
                "timeout_seconds must be 0 (keep), 0.001 to 1e9 seconds, or +infinity (none), got {timeout_seconds}"
            ))
        })
}
