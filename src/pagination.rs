//! The one pagination engine: pages, the rule that decides whether another page exists, and a
//! cursor over every item. The C ABI, the Rust iterator and (through the C ABI) every binding
//! use this; none of them does offset arithmetic of its own.
//!
//! The server's envelope cannot decide when a listing ends (API-NOTES): on `GET /connector`
//! `total` is the length of the current page and `has_next_page` is always true; on other lists
//! `has_next_page` is inverted. So a listing ends on an empty page, or on a page shorter than
//! the limit the server echoed. That costs at most one request past the last non-empty page.

use crate::error::{Error, Result};
use crate::http::Http;
use crate::params::{CallOptions, Query};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::Arc;

/// The server's default page size, used when it echoes no usable `limit`.
const DEFAULT_LIMIT: u64 = 50;

/// One page as the server sent it: the JSON text, and where each item lies inside it.
/// Items are not decoded here, so the C ABI hands out the server's own bytes.
pub(crate) struct PageCore {
    http: Arc<Http>,
    path: &'static str,
    query: Query,
    call: CallOptions,
    /// The offset this page was requested at (the server's echo may lie).
    offset: u64,
    /// The page JSON followed by one NUL byte, so C can borrow it as a C string.
    text: String,
    items: Vec<Range<usize>>,
    total: Option<u64>,
    limit: Option<u64>,
    echoed_offset: Option<u64>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    items: Vec<&'a RawValue>,
    #[serde(default, deserialize_with = "lenient_u64")]
    total: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    limit: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    offset: Option<u64>,
}

/// Envelope numbers are advisory, so a wrong type there must not fail the page.
fn lenient_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(serde_json::Value::deserialize(d)?.as_u64())
}

impl PageCore {
    /// Fetches the page of `path` described by `query`.
    pub(crate) fn fetch(
        http: Arc<Http>,
        path: &'static str,
        query: Query,
        call: CallOptions,
    ) -> Result<PageCore> {
        let offset = query
            .get("offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0);
        let mut text = http.get(path, &query, &call)?.body;
        let (items, total, limit, echoed_offset) = {
            let env: Envelope = serde_json::from_str(&text).map_err(|e| {
                Error::decode(format!(
                    "expected a JSON page {{\"items\": [...], ...}} from GET {path}: {e}; body starts with {:?}",
                    snippet(&text)
                ))
            })?;
            let base = text.as_ptr() as usize;
            let items = env
                .items
                .iter()
                .map(|raw| {
                    let start = raw.get().as_ptr() as usize - base;
                    start..start + raw.get().len()
                })
                .collect::<Vec<_>>();
            (items, env.total, env.limit, env.offset)
        };
        text.push('\0');
        Ok(PageCore {
            http,
            path,
            query,
            call,
            offset,
            text,
            items,
            total,
            limit,
            echoed_offset,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// The JSON text of item `i`, exactly as the server sent it.
    pub(crate) fn item(&self, i: usize) -> Option<&str> {
        self.items.get(i).map(|r| &self.text[r.clone()])
    }

    /// The whole page JSON.
    pub(crate) fn json(&self) -> &str {
        &self.text[..self.text.len() - 1]
    }

    /// The page JSON with its trailing NUL, for the C ABI.
    pub(crate) fn json_with_nul(&self) -> &str {
        &self.text
    }

    /// `total` as the server sent it (on `GET /connector`, the page length: not a count).
    pub(crate) fn total(&self) -> Option<u64> {
        self.total
    }
    /// `limit` as the server echoed it.
    pub(crate) fn limit(&self) -> Option<u64> {
        self.limit
    }
    /// The offset the server echoed, else the one requested.
    pub(crate) fn offset(&self) -> u64 {
        self.echoed_offset.unwrap_or(self.offset)
    }

    /// Where the next page starts, or `None` when this page is the last.
    pub(crate) fn next_offset(&self) -> Option<u64> {
        let n = self.items.len() as u64;
        if n == 0 {
            return None;
        }
        let requested = self.query.get("limit").and_then(|l| l.parse::<u64>().ok());
        // The echo wins: a server that caps the page size says so there.
        let page_size = self
            .limit
            .filter(|&l| l > 0)
            .or(requested)
            .unwrap_or(DEFAULT_LIMIT);
        if n < page_size {
            return None;
        }
        Some(self.offset + n)
    }

    /// Fetches the following page (`None` at the end). `call` overrides this page's call
    /// options (for example a Go context's remaining time).
    pub(crate) fn next(&self, call: Option<CallOptions>) -> Result<Option<PageCore>> {
        let Some(offset) = self.next_offset() else {
            return Ok(None);
        };
        let mut query = self.query.clone();
        query.set("offset", offset.to_string());
        let next = PageCore::fetch(
            self.http.clone(),
            self.path,
            query,
            call.unwrap_or(self.call),
        )?;
        // A server that ignores `offset` answers the same page again: stop rather than loop.
        if next.len() > 0 && next.item(0) == self.item(0) {
            return Err(Error::decode(format!(
                "GET {} returned the same items at offset {offset} as at offset {}: the server ignores `offset`, so the listing cannot go on",
                self.path, self.offset
            )));
        }
        Ok(Some(next))
    }
}

fn snippet(s: &str) -> &str {
    let mut end = s.len().min(120);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A pull cursor over every item of a listing, across pages. The first request is made by the
/// first `next`. After an error, `next` tries the failed page again.
pub(crate) struct Cursor {
    state: CursorState,
}

enum CursorState {
    Start {
        http: Arc<Http>,
        path: &'static str,
        query: Query,
        call: CallOptions,
    },
    Page {
        page: PageCore,
        index: usize,
    },
    Done,
}

impl Cursor {
    pub(crate) fn new(
        http: Arc<Http>,
        path: &'static str,
        query: Query,
        call: CallOptions,
    ) -> Cursor {
        Cursor {
            state: CursorState::Start {
                http,
                path,
                query,
                call,
            },
        }
    }

    /// The next item's JSON text, `Ok(None)` at the end.
    pub(crate) fn next(&mut self, call: Option<CallOptions>) -> Result<Option<&str>> {
        loop {
            let next_state = match &mut self.state {
                CursorState::Done => return Ok(None),
                CursorState::Start {
                    http,
                    path,
                    query,
                    call: own,
                } => {
                    let page =
                        PageCore::fetch(http.clone(), path, query.clone(), call.unwrap_or(*own))?;
                    CursorState::Page { page, index: 0 }
                }
                CursorState::Page { page, index } if *index < page.len() => {
                    *index += 1;
                    break;
                }
                CursorState::Page { page, .. } => match page.next(call)? {
                    Some(page) => CursorState::Page { page, index: 0 },
                    None => CursorState::Done,
                },
            };
            self.state = next_state;
        }
        match &self.state {
            CursorState::Page { page, index } => Ok(page.item(index - 1)),
            _ => unreachable!("the loop breaks only on a page with an item"),
        }
    }
}

/// A typed page of a listing.
pub struct Page<T> {
    core: PageCore,
    items: Vec<T>,
}

impl<T: DeserializeOwned> Page<T> {
    pub(crate) fn decode(core: PageCore) -> Result<Page<T>> {
        let items = (0..core.len())
            .map(|i| decode_item(core.item(i).unwrap_or("null")))
            .collect::<Result<Vec<T>>>()?;
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
    /// Whether another page may follow (decided by this SDK, not by the server's flag).
    pub fn has_next_page(&self) -> bool {
        self.core.next_offset().is_some()
    }
    /// Fetches the following page, `None` at the end.
    pub fn next_page(&self) -> Result<Option<Page<T>>> {
        self.core.next(None)?.map(Page::decode).transpose()
    }
}

fn decode_item<T: DeserializeOwned>(raw: &str) -> Result<T> {
    serde_json::from_str(raw)
        .map_err(|e| Error::decode(format!("an item of the page does not match the model: {e}")))
}

/// Every item of a listing, across pages. After the first error it ends.
pub struct AutoPager<T> {
    cursor: Cursor,
    _item: PhantomData<fn() -> T>,
}

impl<T> AutoPager<T> {
    pub(crate) fn new(cursor: Cursor) -> Self {
        AutoPager {
            cursor,
            _item: PhantomData,
        }
    }
}

impl<T: DeserializeOwned> Iterator for AutoPager<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let item = match self.cursor.next(None) {
            Ok(Some(raw)) => decode_item(raw),
            Ok(None) => return None,
            Err(e) => Err(e),
        };
        if item.is_err() {
            self.cursor.state = CursorState::Done;
        }
        Some(item)
    }
}
