//! The response handle: status, headers, request id, retries and the JSON body of an answer.

use super::boundary::{c_string, free_handle};
use crate::ResponseMeta;
use libc::{c_char, size_t};
use std::ffi::{CStr, CString};

/// The answer to a call: status, headers, request id, retries and the JSON body. Immutable;
/// may be read from any thread. Pages lend one with `openint_page_response`.
pub struct OpenintResponse {
    status: u16,
    headers: CHeaders,
    request_id: Option<CString>,
    retries: u32,
    method: CString,
    url: CString,
    /// The body and its NUL: owned for calls, lent by the page for pages.
    body: ResponseBody,
}

pub(super) enum ResponseBody {
    Owned(String),
    /// Points into the page text of the `OpenintPage` that owns this response.
    Page(*const u8, usize),
}

// SAFETY: the borrowed pointer refers to immutable bytes owned by the page that owns the
// response; both are freed together.
unsafe impl Send for OpenintResponse {}
unsafe impl Sync for OpenintResponse {}

impl OpenintResponse {
    pub(super) fn new(meta: &ResponseMeta, body: ResponseBody) -> OpenintResponse {
        OpenintResponse {
            status: meta.status,
            headers: CHeaders::new(&meta.headers),
            request_id: meta.request_id.as_deref().map(c_string),
            retries: meta.retries,
            method: c_string(meta.method),
            url: c_string(&meta.url),
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

/// Response headers as C strings (lowercased names, in arrival order), for the response and
/// error handles.
pub(super) struct CHeaders(Vec<(CString, CString)>);

impl CHeaders {
    pub(super) fn new(headers: &[(String, String)]) -> CHeaders {
        CHeaders(
            headers
                .iter()
                .map(|(k, v)| (c_string(k), c_string(v)))
                .collect(),
        )
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    /// The first value of `name` (case-insensitive; NULL gives NULL), or NULL.
    pub(super) unsafe fn get(&self, name: *const c_char) -> *const c_char {
        let Some(name) = name.as_ref() else {
            return std::ptr::null();
        };
        let name = CStr::from_ptr(name).to_bytes();
        self.0
            .iter()
            .find(|(k, _)| k.as_bytes().eq_ignore_ascii_case(name))
            .map_or(std::ptr::null(), |(_, v)| v.as_ptr())
    }

    /// Writes header `index`'s name and value where asked; false when out of range.
    pub(super) unsafe fn at(
        &self,
        index: size_t,
        name_out: *mut *const c_char,
        value_out: *mut *const c_char,
    ) -> bool {
        let Some((k, v)) = self.0.get(index) else {
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
}

/// An owned response handle; the body gets its NUL in the spare byte the reader left.
pub(super) fn new_response(r: crate::JsonResponse) -> *mut OpenintResponse {
    let mut body = r.body;
    body.push('\0');
    Box::into_raw(Box::new(OpenintResponse::new(
        &r.meta,
        ResponseBody::Owned(body),
    )))
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
    response
        .as_ref()
        .map_or(std::ptr::null(), |r| r.headers.get(name))
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
    response
        .as_ref()
        .is_some_and(|r| r.headers.at(index, name_out, value_out))
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

/// The method of the request this answers ("GET", ...); "" for NULL. Borrowed from the
/// response.
#[no_mangle]
pub unsafe extern "C" fn openint_response_method(
    response: *const OpenintResponse,
) -> *const c_char {
    response
        .as_ref()
        .map_or(c"".as_ptr(), |r| r.method.as_ptr())
}

/// The URL of the request this answers, as sent (after same-origin redirects; never with
/// credentials); "" for NULL. Borrowed from the response.
#[no_mangle]
pub unsafe extern "C" fn openint_response_url(response: *const OpenintResponse) -> *const c_char {
    response.as_ref().map_or(c"".as_ptr(), |r| r.url.as_ptr())
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
