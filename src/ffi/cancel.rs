//! The cancel handle: fired from any thread, it stops the calls made with it.

use super::boundary::{ffi_call, free_handle, guarded, out};
use super::error::OpenintError;
use super::status::OpenintStatus;
use crate::CancelToken;

/// A cancel handle. Fire it from any thread with `openint_cancel` to stop the calls made
/// with it; thread-safe, and harmless to fire twice or after the calls ended.
pub struct OpenintCancel {
    pub(super) token: CancelToken,
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
