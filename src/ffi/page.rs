//! The page handle: one page of a listing, its items lent as NUL-terminated JSON, its envelope
//! numbers, its answer, and the page after it.

use super::boundary::{arg, ffi_call, free_handle, guarded, invalid, lend, out};
use super::cancel::OpenintCancel;
use super::error::OpenintError;
use super::options::{call_options, next_timeout};
use super::response::{OpenintResponse, ResponseBody};
use super::status::OpenintStatus;
use crate::{JsonPage, RequestOptions, Result};
use libc::{c_char, size_t};
use once_cell::sync::OnceCell;

/// One page of a listing. Use from one thread at a time. It keeps what it needs of its
/// client, so it stays usable after `openint_client_free`.
pub struct OpenintPage {
    core: JsonPage,
    /// The page's items, each followed by a NUL, built on the first `openint_page_item`.
    items_nul: OnceCell<Vec<u8>>,
    response: OnceCell<OpenintResponse>,
}

pub(super) fn new_page(core: JsonPage) -> *mut OpenintPage {
    Box::into_raw(Box::new(OpenintPage {
        core,
        items_nul: OnceCell::new(),
        response: OnceCell::new(),
    }))
}

/// Frees a page. NULL is a no-op. Strings borrowed from it become invalid. Freeing the last
/// page of a listing cancels the pages prefetched for it, whose threads log nothing once it
/// returns (it waits for a logger callback they are running).
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
            return Err(invalid(format!(
                "index {index} is out of range: the page has {} items",
                page.core.len()
            )));
        };
        // The copy spans the items' region of the page text; each item's following byte (a
        // comma, bracket or space) becomes its NUL, so item i starts at the same offset.
        let first = page.core.item_range(0).map_or(0, |r| r.start);
        let buf = page.items_nul.get_or_init(|| {
            let text = page.core.json_c_str().to_bytes_with_nul();
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
            page.core.json_c_str().to_bytes_with_nul(),
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
pub(super) unsafe fn page_value<T>(
    page: *const OpenintPage,
    value_out: *mut T,
    name: &str,
    err_out: *mut *mut OpenintError,
    get: impl FnOnce(&JsonPage) -> T,
) -> OpenintStatus {
    ffi_call!(err_out, {
        let page = arg(page, "page")?;
        *out(value_out, name)? = get(&page.core);
        Ok(OpenintStatus::Ok)
    })
}

pub(super) fn to_i64(v: Option<u64>) -> i64 {
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
        JsonPage::has_next_page,
    )
}

/// Fetches the page after `page`. Returns `OPENINT_STATUS_OK` and writes `*next_out` (a new
/// page owned by the caller; `page` stays valid), or `OPENINT_STATUS_END` when the listing is
/// over (an empty page is never handed out), or an error. `timeout_seconds` bounds this call
/// (retries included, and the wait for a page prefetched in flight, whatever that page is
/// doing); 0 keeps the bound of the original call; INFINITY means no bound but the client's
/// `total_timeout`.
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

pub(super) unsafe fn next_page(
    page: &OpenintPage,
    over: Option<&RequestOptions>,
    next_out: *mut *mut OpenintPage,
) -> Result<OpenintStatus> {
    let next = match over {
        Some(o) => page.core.next_page_with(o)?,
        None => page.core.next_page()?,
    };
    match next {
        Some(core) if !core.is_empty() => {
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
        let text = page.core.json_c_str().to_bytes_with_nul();
        page.response.get_or_init(|| {
            OpenintResponse::new(
                page.core.response(),
                ResponseBody::Page(text.as_ptr(), text.len()),
            )
        }) as *const OpenintResponse
    })
    .unwrap_or(std::ptr::null())
}
