//! Every item of a listing, across pages: the raw cursor (items lent as JSON text) and the typed
//! iterator over it.

use super::index::next_range;
use super::listing::Listing;
use super::page::JsonPage;
use crate::error::Result;
use crate::params::RequestOptions;
use crate::response::{decode_item, ResponseMeta};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::sync::Arc;

/// A pull cursor over every item of a listing, across pages, each lent as its JSON text (never
/// decoded). The first request is made by the first [`JsonCursor::next_item`]; after an error,
/// the next call tries the failed page again. Made by
/// [`Client::list_cursor`](crate::Client::list_cursor); [`AutoPager`] is its typed form.
pub struct JsonCursor {
    listing: Arc<Listing>,
    state: CursorState,
}

enum CursorState {
    Start,
    Page {
        page: Box<JsonPage>,
        /// Position in the page's index, decoded sequentially.
        pos: usize,
        end: usize,
        left: usize,
    },
    Done,
}

impl std::fmt::Debug for JsonCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonCursor")
            .field("done", &matches!(self.state, CursorState::Done))
            .finish()
    }
}

impl JsonCursor {
    pub(crate) fn new(listing: Arc<Listing>) -> JsonCursor {
        JsonCursor {
            listing,
            state: CursorState::Start,
        }
    }

    /// The next item's JSON text (lent until the next call), `Ok(None)` at the end and on
    /// every call after it.
    pub fn next_item(&mut self) -> Result<Option<&str>> {
        self.next(None)
    }

    /// [`JsonCursor::next_item`] with `options` over the listing's for any page fetch this call
    /// makes (a deadline, a cancel token, ...).
    pub fn next_item_with(&mut self, options: &RequestOptions) -> Result<Option<&str>> {
        self.next(Some(options))
    }

    /// The next item's JSON text, `Ok(None)` at the end. `over` overrides the options of any
    /// page fetch this call makes.
    fn next(&mut self, over: Option<&RequestOptions>) -> Result<Option<&str>> {
        loop {
            let next_state = match &mut self.state {
                CursorState::Done => return Ok(None),
                CursorState::Start => Self::at(JsonPage::first(&self.listing, over)?),
                CursorState::Page { left, .. } if *left > 0 => break,
                CursorState::Page { page, .. } => match page.next(over)? {
                    Some(p) => Self::at(p),
                    None => CursorState::Done,
                },
            };
            self.state = next_state;
        }
        match &mut self.state {
            CursorState::Page {
                page,
                pos,
                end,
                left,
            } => {
                *left -= 1;
                let r = next_range(&page.data.index.data, pos, end);
                Ok(Some(&page.data.text[r]))
            }
            _ => unreachable!("the loop breaks only on a page with an item left"),
        }
    }

    fn at(page: JsonPage) -> CursorState {
        let left = page.len();
        CursorState::Page {
            page: Box::new(page),
            pos: 0,
            end: 0,
            left,
        }
    }

    /// Status, headers, request id and retries of the answer the last item came from; `None`
    /// before the first item and after the end.
    pub fn response(&self) -> Option<&ResponseMeta> {
        match &self.state {
            CursorState::Page { page, .. } => Some(page.response()),
            _ => None,
        }
    }
}

/// Every item of a listing, across pages. After the first error it ends.
pub struct AutoPager<T> {
    cursor: JsonCursor,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T> AutoPager<T> {
    pub(crate) fn new(cursor: JsonCursor) -> Self {
        AutoPager {
            cursor,
            done: false,
            _item: PhantomData,
        }
    }
}

impl<T: DeserializeOwned> Iterator for AutoPager<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.done {
            return None;
        }
        let item = match self.cursor.next(None) {
            Ok(Some(raw)) => {
                decode_item(raw).map_err(|e| e.redacted(&self.cursor.listing.http.secrets))
            }
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => Err(e),
        };
        self.done = item.is_err();
        Some(item)
    }
}
