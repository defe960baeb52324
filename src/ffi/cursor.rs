//! The cursor handle: every item of a listing, one at a time, lent as NUL-terminated JSON.

use super::boundary::{arg_mut, ffi_call, free_handle, guarded, lend, out};
use super::cancel::OpenintCancel;
use super::error::OpenintError;
use super::options::{call_options, next_timeout};
use super::response::{OpenintResponse, ResponseBody};
use super::status::OpenintStatus;
use crate::{JsonCursor, RequestOptions, Result};
use libc::{c_char, size_t};

/// A cursor over every item of a listing, across pages. Use from one thread at a time.
pub struct OpenintCursor {
    cursor: JsonCursor,
    /// The current item's JSON plus a NUL: what `openint_cursor_next` lends out.
    item: Vec<u8>,
    response: Option<OpenintResponse>,
}

pub(super) fn new_cursor(cursor: JsonCursor) -> *mut OpenintCursor {
    Box::into_raw(Box::new(OpenintCursor {
        cursor,
        item: Vec::new(),
        response: None,
    }))
}

/// Advances the cursor. Returns `OPENINT_STATUS_OK` and lends the next item's NUL-terminated
/// JSON in `*item_out` (valid until the next call on this cursor or its free; `*len_out`, NULL
/// allowed, gets its length), or `OPENINT_STATUS_END` after the last item (again on every later
/// call), or an error (calling again retries the failed page). `timeout_seconds` bounds a page
/// fetch this call makes (retries included), and its wait for a page prefetched in flight,
/// whatever that page is doing (then `OPENINT_STATUS_TIMEOUT`); 0 keeps the bound given when it
/// was created; INFINITY means no bound but the client's `total_timeout`.
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

pub(super) unsafe fn cursor_step(
    cursor: &mut OpenintCursor,
    over: Option<&RequestOptions>,
    item_out: *mut *const c_char,
    len_out: *mut size_t,
) -> Result<OpenintStatus> {
    let item = match over {
        Some(o) => cursor.cursor.next_item_with(o)?,
        None => cursor.cursor.next_item()?,
    };
    match item {
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
        let Some(meta) = cursor.cursor.response().cloned() else {
            return std::ptr::null();
        };
        cursor
            .response
            .get_or_insert_with(|| OpenintResponse::new(&meta, ResponseBody::Owned("\0".into())))
            as *const OpenintResponse
    })
    .unwrap_or(std::ptr::null())
}

/// Frees a cursor. NULL is a no-op. Pages it had in flight are cancelled and freed; their
/// threads log nothing once it returns (it waits for a logger callback they are running).
#[no_mangle]
pub unsafe extern "C" fn openint_cursor_free(cursor: *mut OpenintCursor) {
    free_handle(cursor)
}
