//! One page of a listing: raw (the server's JSON text, items lent as text) and typed (items
//! decoded into a model).

use super::envelope::PageData;
use super::listing::Listing;
use crate::error::Result;
use crate::params::RequestOptions;
use crate::response::{decode_item, ResponseMeta};
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::sync::Arc;

/// One page of a listing, with what it needs to fetch the next one.
pub(crate) struct PageCore {
    pub(super) listing: Arc<Listing>,
    pub(super) data: PageData,
}

impl PageCore {
    /// The first page of `listing`.
    pub(crate) fn first(listing: &Arc<Listing>, over: Option<&RequestOptions>) -> Result<PageCore> {
        Ok(PageCore {
            data: listing.first(over)?,
            listing: listing.clone(),
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.data.len()
    }

    /// Every item's JSON text, in order.
    pub(crate) fn items(&self) -> impl Iterator<Item = &str> + '_ {
        self.data.index.iter().map(|r| &self.data.text[r])
    }

    /// The byte range of item `i` within the page text.
    pub(crate) fn item_range(&self, i: usize) -> Option<Range<usize>> {
        self.data.index.get(i)
    }

    /// The byte ranges of the items within the page text, in order.
    pub(crate) fn item_ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.data.index.iter()
    }

    /// The whole page JSON.
    pub(crate) fn json(&self) -> &str {
        &self.data.text[..self.data.text.len() - 1]
    }

    /// The page JSON with its trailing NUL, for the C ABI.
    pub(crate) fn json_with_nul(&self) -> &str {
        &self.data.text
    }

    /// `total` as the server sent it (on `GET /connector`, the page length: not a count).
    pub(crate) fn total(&self) -> Option<u64> {
        self.data.total
    }
    /// `limit` as the server echoed it.
    pub(crate) fn limit(&self) -> Option<u64> {
        self.data.limit
    }
    /// The offset the server echoed, else the one requested.
    pub(crate) fn offset(&self) -> u64 {
        self.data.echoed_offset.unwrap_or(self.data.offset)
    }
    pub(crate) fn meta(&self) -> &ResponseMeta {
        &self.data.meta
    }

    /// Whether another page may follow.
    pub(crate) fn has_next(&self) -> bool {
        self.data.next_offset().is_some()
    }

    /// Fetches the following page (`None` at the end). `over` overrides this fetch's options.
    pub(crate) fn next(&self, over: Option<&RequestOptions>) -> Result<Option<PageCore>> {
        let next = self.listing.next_after(&self.data, over)?;
        Ok(next.map(|data| PageCore {
            listing: self.listing.clone(),
            data,
        }))
    }
}

/// A typed page of a listing.
pub struct Page<T> {
    core: PageCore,
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
    pub(crate) fn decode(core: PageCore) -> Result<Page<T>> {
        let items = core
            .items()
            .map(decode_item)
            .collect::<Result<Vec<T>>>()
            .map_err(|e| e.redacted(core.listing.http.token()))?;
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
        self.core.meta()
    }
    /// Whether another page may follow (decided by this SDK, not by the server's flag).
    pub fn has_next_page(&self) -> bool {
        self.core.has_next()
    }
    /// Fetches the following page, `None` at the end.
    pub fn next_page(&self) -> Result<Option<Page<T>>> {
        self.core.next(None)?.map(Page::decode).transpose()
    }
}
