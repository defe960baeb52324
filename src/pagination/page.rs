//! One page of a listing: raw (the server's JSON text, items lent as text) and typed (items
//! decoded into a model).

use super::envelope::PageData;
use super::listing::Listing;
use crate::error::Result;
use crate::params::RequestOptions;
use crate::response::{decode_item, ResponseMeta};
use serde::de::DeserializeOwned;
use std::ffi::CStr;
use std::ops::Range;
use std::sync::Arc;

/// One page of a listing as the server sent it: its JSON text, each item lent as its own text
/// (never decoded), the envelope's numbers and the answer's status and headers.
/// [`JsonPage::next_page`] fetches the following page with the listing's options. Made by
/// [`Client::list`](crate::Client::list); [`Page`] is its typed form.
pub struct JsonPage {
    pub(super) listing: Arc<Listing>,
    pub(super) data: PageData,
}

impl std::fmt::Debug for JsonPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonPage")
            .field("offset", &self.offset())
            .field("total", &self.total())
            .field("items", &self.len())
            .finish()
    }
}

impl JsonPage {
    /// The first page of `listing`.
    pub(crate) fn first(listing: &Arc<Listing>, over: Option<&RequestOptions>) -> Result<JsonPage> {
        Ok(JsonPage {
            data: listing.first(over)?,
            listing: listing.clone(),
        })
    }

    /// How many items the page has.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the page has no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every item's JSON text, in order.
    pub fn items(&self) -> impl Iterator<Item = &str> + '_ {
        self.data.index.iter().map(|r| &self.data.text[r])
    }

    /// Item `i`'s JSON text.
    pub fn item(&self, i: usize) -> Option<&str> {
        self.item_range(i).map(|r| &self.data.text[r])
    }

    /// Where item `i` lies in [`JsonPage::json`], in bytes.
    pub fn item_range(&self, i: usize) -> Option<Range<usize>> {
        self.data.index.get(i)
    }

    /// Where each item lies in [`JsonPage::json`], in order.
    pub fn item_ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.data.index.iter()
    }

    /// The whole page JSON, as the server sent it.
    pub fn json(&self) -> &str {
        &self.data.text[..self.data.text.len() - 1]
    }

    /// The whole page JSON as a C string, borrowed without a copy (the page keeps a NUL after
    /// its text).
    pub fn json_c_str(&self) -> &CStr {
        let bytes = self.data.text.as_bytes();
        // A page parsed as JSON has no NUL byte: JSON allows none outside strings, and serde_json
        // refuses raw control characters inside them. The one NUL is the one the page added.
        debug_assert!(bytes.iter().position(|&b| b == 0) == Some(bytes.len() - 1));
        // SAFETY: see above: `bytes` ends with its only NUL.
        unsafe { CStr::from_bytes_with_nul_unchecked(bytes) }
    }

    /// `total` as the server sent it. On `GET /connector` the real server sends the page length
    /// here, so it is not a count of all items.
    pub fn total(&self) -> Option<u64> {
        self.data.total
    }
    /// `limit` as the server echoed it.
    pub fn limit(&self) -> Option<u64> {
        self.data.limit
    }
    /// The offset the server echoed, else the one requested.
    pub fn offset(&self) -> u64 {
        self.data.echoed_offset.unwrap_or(self.data.offset)
    }
    /// Status, headers, request id and retries of the answer.
    pub fn response(&self) -> &ResponseMeta {
        &self.data.meta
    }

    /// Whether another page may follow (decided by this SDK, not by the server's flag). When
    /// true, [`JsonPage::next_page`] makes a request, which may still find the listing over.
    pub fn has_next_page(&self) -> bool {
        self.data.next_offset().is_some()
    }

    /// Fetches the following page, `None` at the end.
    pub fn next_page(&self) -> Result<Option<JsonPage>> {
        self.next(None)
    }

    /// [`JsonPage::next_page`] with `options` over the listing's for this fetch (a deadline, a
    /// cancel token, ...).
    pub fn next_page_with(&self, options: &RequestOptions) -> Result<Option<JsonPage>> {
        self.next(Some(options))
    }

    pub(crate) fn next(&self, over: Option<&RequestOptions>) -> Result<Option<JsonPage>> {
        let next = self.listing.next_after(&self.data, over)?;
        Ok(next.map(|data| JsonPage {
            listing: self.listing.clone(),
            data,
        }))
    }
}

/// A typed page of a listing.
pub struct Page<T> {
    core: JsonPage,
    items: Vec<T>,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("offset", &self.core.offset())
            .field("total", &self.core.total())
            .field("items", &self.items)
            .finish()
    }
}

impl<T: DeserializeOwned> Page<T> {
    pub(crate) fn decode(core: JsonPage) -> Result<Page<T>> {
        let items = core
            .items()
            .map(decode_item)
            .collect::<Result<Vec<T>>>()
            .map_err(|e| e.redacted(&core.listing.http.secrets))?;
        Ok(Page { core, items })
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
    /// `total` as the server sent it. On `GET /connector` the real server sends the page length
    /// here, so it is not a count of all items.
    pub fn total(&self) -> Option<u64> {
        self.core.total()
    }
    pub fn limit(&self) -> Option<u64> {
        self.core.limit()
    }
    pub fn offset(&self) -> u64 {
        self.core.offset()
    }
    /// The whole page JSON, as the server sent it.
    pub fn json(&self) -> &str {
        self.core.json()
    }
    /// Status, headers, request id and retries of the answer.
    pub fn response(&self) -> &ResponseMeta {
        self.core.response()
    }
    /// Whether another page may follow (decided by this SDK, not by the server's flag).
    pub fn has_next_page(&self) -> bool {
        self.core.has_next_page()
    }
    /// Fetches the following page, `None` at the end.
    pub fn next_page(&self) -> Result<Option<Page<T>>> {
        self.core.next(None)?.map(Page::decode).transpose()
    }
}
