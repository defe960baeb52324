//! The one pagination engine: pages, the rule that decides whether another page exists, the
//! cursor over every item, and prefetching. The C ABI, the Rust API and (through the C ABI)
//! every binding use this; none of them does offset arithmetic of its own.
//!
//! The server's envelope cannot decide when a listing ends (docs/API-BEHAVIOUR.md): on
//! `GET /connector` `total` is the length of the current page and `has_next_page` is always
//! true; on the other lists `has_next_page` is inverted. So a listing ends on an empty page, or
//! on a page shorter than the limit the server echoed: at most one request past the last item.
//!
//! Prefetching (`prefetch` = k > 1 pages in flight) keeps that rule. On the database-backed
//! lists `total` counts the rows, so the offsets still to come are known and up to k of them are
//! fetched at once over the connection pool; past `total` the walk goes on one page at a time
//! until a short page. On `GET /connector` it speculates k pages ahead (up to k-1 requests past
//! the end). Pages are handed out in order, each once; at most k are in flight or buffered; an
//! error on page j comes out when the consumer reaches page j; a 429/503 pauses the whole
//! listing once (`http::Gate`); dropping the listing cancels what is in flight. If the row
//! count changes under a prefetched walk, the page is fetched again and the walk goes on one page
//! at a time, so prefetching never skips a row that a sequential walk would list.

use crate::cancel::CancelToken;
use crate::error::{Error, Result};
use crate::http::{CallCtx, Gate, Http};
use crate::operations::Paging;
use crate::params::{Prepared, RequestOptions};
use crate::response::{decode_item, ResponseMeta};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The server's default page size, used when it echoes no usable `limit`.
const DEFAULT_LIMIT: u64 = 50;
/// Every this many items the index keeps a seek mark, for random access.
const MARK: usize = 64;

/// Where each item of a page lies in the page text: one byte for a tiny item (gap from the
/// previous item < 8, length < 16), else a marker and two varints, so that a page of tiny
/// items (`[0,0,...]`) costs about half its body on top of the body, whatever its shape.
#[derive(Default)]
struct ItemIndex {
    count: usize,
    data: Vec<u8>,
    /// Every `MARK` items: the position in `data` and the end of the previous item.
    marks: Vec<(usize, usize)>,
    last_end: usize,
}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(data: &[u8], pos: &mut usize) -> usize {
    let mut v = 0usize;
    let mut shift = 0;
    while let Some(&b) = data.get(*pos) {
        *pos += 1;
        v |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    v
}

/// Decodes the entry at `pos` (advancing it) after the item that ended at `end`.
fn next_range(data: &[u8], pos: &mut usize, end: &mut usize) -> Range<usize> {
    let b = data.get(*pos).copied().unwrap_or(0);
    *pos += 1;
    let (gap, len) = if b & 0x80 == 0 {
        ((b >> 4) as usize, (b & 0x0f) as usize)
    } else {
        (get_varint(data, pos), get_varint(data, pos))
    };
    let start = *end + gap;
    *end = start + len;
    start..*end
}

impl ItemIndex {
    fn push(&mut self, start: usize, len: usize) {
        if self.count % MARK == 0 {
            self.marks.push((self.data.len(), self.last_end));
        }
        let gap = start - self.last_end;
        if gap < 8 && len < 16 {
            self.data.push((gap << 4 | len) as u8);
        } else {
            self.data.push(0x80);
            put_varint(&mut self.data, gap);
            put_varint(&mut self.data, len);
        }
        self.last_end = start + len;
        self.count += 1;
    }

    fn get(&self, i: usize) -> Option<Range<usize>> {
        if i >= self.count {
            return None;
        }
        let (mut pos, mut end) = self.marks[i / MARK];
        let mut r = 0..0;
        for _ in 0..=(i % MARK) {
            r = next_range(&self.data, &mut pos, &mut end);
        }
        Some(r)
    }

    fn iter(&self) -> IndexIter<'_> {
        IndexIter {
            index: self,
            pos: 0,
            end: 0,
            left: self.count,
        }
    }
}

struct IndexIter<'a> {
    index: &'a ItemIndex,
    pos: usize,
    end: usize,
    left: usize,
}

impl Iterator for IndexIter<'_> {
    type Item = Range<usize>;
    fn next(&mut self) -> Option<Range<usize>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(next_range(&self.index.data, &mut self.pos, &mut self.end))
    }
}

/// One page as the server sent it: the JSON text, where each item lies in it, the envelope's
/// numbers, and the response's status and headers. Items are not decoded here, so the C ABI
/// hands out the server's own bytes.
pub(crate) struct PageData {
    /// The offset this page was requested at (the server's echo may lie).
    offset: u64,
    /// The limit requested, if any.
    requested_limit: Option<u64>,
    /// The page JSON followed by one NUL byte, so C can borrow it as a C string.
    text: String,
    index: ItemIndex,
    total: Option<u64>,
    limit: Option<u64>,
    echoed_offset: Option<u64>,
    meta: ResponseMeta,
}

/// Reads the envelope `{items, total, limit, offset, ...}`, indexing items as they go by and
/// never building a vector of them. Envelope numbers are advisory: one that is not a u64 (a
/// string, `1e999`) is taken as absent rather than failing the page.
struct Envelope<'a> {
    base: usize,
    index: &'a mut ItemIndex,
    total: Option<u64>,
    limit: Option<u64>,
    offset: Option<u64>,
}

impl<'de> Visitor<'de> for &mut Envelope<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object with an \"items\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_items = false;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "items" if !seen_items => {
                    seen_items = true;
                    map.next_value_seed(Items {
                        base: self.base,
                        index: self.index,
                    })?;
                }
                "items" => return Err(serde::de::Error::custom("\"items\" appears twice")),
                "total" | "limit" | "offset" => {
                    let raw: &RawValue = map.next_value()?;
                    let n = raw.get().parse::<u64>().ok();
                    match key.as_ref() {
                        "total" => self.total = n,
                        "limit" => self.limit = n,
                        _ => self.offset = n,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen_items {
            return Err(serde::de::Error::missing_field("items"));
        }
        Ok(())
    }
}

struct Items<'a> {
    base: usize,
    index: &'a mut ItemIndex,
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of items")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            let start = raw.get().as_ptr() as usize - self.base;
            self.index.push(start, raw.get().len());
        }
        Ok(())
    }
}

impl PageData {
    /// Parses a list answer. The error quotes the start of the body; `Http::send` redacts it.
    fn parse(req: &Prepared, offset: u64, body: String, meta: ResponseMeta) -> Result<PageData> {
        let mut text = body;
        let mut index = ItemIndex::default();
        let (total, limit, echoed_offset) = {
            let mut env = Envelope {
                base: text.as_ptr() as usize,
                index: &mut index,
                total: None,
                limit: None,
                offset: None,
            };
            let mut de = serde_json::Deserializer::from_str(&text);
            de.deserialize_map(&mut env)
                .and_then(|()| de.end())
                .map_err(|e| {
                    Error::decode(format!(
                        "{} {}: expected a JSON page {{\"items\": [...], ...}}: {e}; body starts with {:?}",
                        req.method.as_str(),
                        req.path,
                        snippet(&text)
                    ))
                    .with_body(&text)
                })?;
            (env.total, env.limit, env.offset)
        };
        text.push('\0');
        Ok(PageData {
            offset,
            requested_limit: req.query.get("limit").and_then(|l| l.parse().ok()),
            text,
            index,
            total,
            limit,
            echoed_offset,
            meta,
        })
    }

    fn len(&self) -> usize {
        self.index.count
    }

    fn first_item(&self) -> Option<&str> {
        self.index.get(0).map(|r| &self.text[r])
    }

    /// Where the next page starts, or `None` when this page is the last.
    fn next_offset(&self) -> Option<u64> {
        let n = self.len() as u64;
        if n == 0 {
            return None;
        }
        // The echo wins: a server that caps the page size says so there.
        let page_size = self
            .limit
            .filter(|&l| l > 0)
            .or(self.requested_limit)
            .unwrap_or(DEFAULT_LIMIT);
        (n >= page_size).then_some(self.offset + n)
    }

    fn page_size(&self) -> u64 {
        self.limit
            .filter(|&l| l > 0)
            .or(self.requested_limit)
            .unwrap_or(DEFAULT_LIMIT)
    }
}

/// The item ranges `PageData::parse` finds in `text` (for the property tests).
#[cfg(test)]
pub(crate) fn parse_for_test(req: &Prepared, text: String) -> Result<Vec<Range<usize>>> {
    let page = PageData::parse(req, 0, text, ResponseMeta::default())?;
    Ok(page.index.iter().collect())
}

fn snippet(s: &str) -> &str {
    let mut end = s.len().min(120);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A page request on its way, with the token that stops it.
struct InFlight {
    offset: u64,
    result: Receiver<Result<PageData>>,
    cancel: CancelToken,
}

/// What the pages of one listing share: the request, the options, the cancel token of its
/// requests (fired when the listing is dropped), the shared pause, and the pages in flight.
pub(crate) struct Listing {
    http: Arc<Http>,
    base: Prepared,
    paging: Paging,
    opts: RequestOptions,
    cancel: CancelToken,
    gate: Arc<Gate>,
    prefetch: usize,
    ahead: Mutex<VecDeque<InFlight>>,
    /// Set when rows changed under a prefetched walk: it goes on one page at a time.
    sequential: AtomicBool,
}

impl Drop for Listing {
    fn drop(&mut self) {
        // The consumer stopped: requests still in flight stop too, and their pages are freed.
        self.cancel.cancel();
    }
}

impl Listing {
    pub(crate) fn new(
        http: Arc<Http>,
        base: Prepared,
        paging: Paging,
        opts: RequestOptions,
        prefetch: usize,
    ) -> Arc<Listing> {
        let cancel = opts
            .cancel
            .as_ref()
            .map(CancelToken::child)
            .unwrap_or_default();
        Arc::new(Listing {
            http,
            base,
            paging,
            opts,
            cancel,
            gate: Arc::default(),
            prefetch: prefetch.max(1),
            ahead: Mutex::default(),
            sequential: AtomicBool::new(false),
        })
    }

    fn ahead(&self) -> MutexGuard<'_, VecDeque<InFlight>> {
        self.ahead.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn request_at(&self, offset: u64) -> Prepared {
        let mut req = self.base.clone();
        // The first page keeps the caller's own offset (or none); the engine sets the rest.
        if offset != self.first_offset() {
            req.query.set(Cow::Borrowed("offset"), offset.to_string());
        }
        req
    }

    fn first_offset(&self) -> u64 {
        self.base
            .query
            .get("offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0)
    }

    /// Fetches the page at `offset` on this thread. `over` overrides the listing's options for
    /// this fetch (a Go context's deadline and cancel, say).
    fn fetch(&self, offset: u64, over: Option<&RequestOptions>) -> Result<PageData> {
        let merged;
        let opts = match over {
            Some(o) => {
                merged = self.opts.merged(o);
                &merged
            }
            None => &self.opts,
        };
        // A per-call cancel token replaces the listing's for this fetch.
        let cancel = over.and_then(|o| o.cancel.as_ref()).or(Some(&self.cancel));
        let ctx = CallCtx {
            opts,
            cancel,
            gate: Some(&self.gate),
        };
        fetch_page(&self.http, &self.request_at(offset), offset, &ctx)
    }

    /// The first page.
    pub(crate) fn first(self: &Arc<Self>, over: Option<&RequestOptions>) -> Result<PageCore> {
        let offset = self.first_offset();
        // Where `total` tells nothing (`GET /connector`), the pages after the first are
        // speculated at once, alongside it: k pages cost one round trip, not two.
        let step = self
            .base
            .query
            .get("limit")
            .map_or(Some(DEFAULT_LIMIT), |l| l.parse().ok());
        if let (Paging::TotalIsPageLength, Some(step @ 1..)) = (self.paging, step) {
            if self.prefetch > 1 {
                let mut ahead = self.ahead();
                for i in 1..self.prefetch as u64 {
                    ahead.push_back(self.spawn(offset + i * step));
                }
            }
        }
        let (data, _) = self.take_or_fetch(offset, over)?;
        self.schedule(&data);
        Ok(PageCore {
            listing: self.clone(),
            data,
        })
    }

    /// The page after `page`, `None` when `page` was the last.
    fn next_after(
        self: &Arc<Self>,
        page: &PageData,
        over: Option<&RequestOptions>,
    ) -> Result<Option<PageCore>> {
        let Some(offset) = page.next_offset() else {
            self.drop_ahead(0);
            return Ok(None);
        };
        let (mut data, prefetched) = self.take_or_fetch(offset, over)?;
        // A page fetched ahead was answered some time after the page before it. If the row
        // count moved in between, rows may have shifted across the boundary (an insert at the
        // front then the other page first could skip rows, which a sequential walk never
        // does): fetch it again now, and walk the rest one page at a time.
        if prefetched && self.paging == Paging::TotalIsCount && data.total != page.total {
            self.sequential.store(true, Ordering::Relaxed);
            self.drop_ahead(0);
            data = self.fetch(offset, over)?;
        }
        // A server that ignores `offset` answers the same page again: stop rather than loop.
        if data.len() > 0 && data.first_item() == page.first_item() {
            return Err(Error::decode(format!(
                "{} {} returned the same items at offset {offset} as at offset {}: the server ignores `offset`, so the listing cannot go on",
                self.base.method.as_str(),
                self.http.url(&self.base),
                page.offset
            ))
            .redacted(self.http.token()));
        }
        self.schedule(&data);
        Ok(Some(PageCore {
            listing: self.clone(),
            data,
        }))
    }

    /// The page at `offset`: from the pages in flight if one is (then `true`), else fetched now.
    fn take_or_fetch(
        &self,
        offset: u64,
        over: Option<&RequestOptions>,
    ) -> Result<(PageData, bool)> {
        let taken = {
            let mut ahead = self.ahead();
            // Pages before `offset` will not be asked for again.
            while ahead.front().is_some_and(|f| f.offset < offset) {
                if let Some(stale) = ahead.pop_front() {
                    stale.cancel.cancel();
                }
            }
            match ahead.front() {
                Some(f) if f.offset == offset => ahead.pop_front(),
                _ => None,
            }
        };
        let Some(flight) = taken else {
            return Ok((self.fetch(offset, over)?, false));
        };
        let stop = over.and_then(|o| o.cancel.as_ref());
        loop {
            match flight.result.recv_timeout(Duration::from_millis(10)) {
                Ok(r) => return Ok((r?, true)),
                Err(RecvTimeoutError::Timeout) => {
                    if stop.is_some_and(CancelToken::is_cancelled) {
                        flight.cancel.cancel();
                        return Ok((self.fetch(offset, over)?, false));
                    }
                }
                // The worker is gone without an answer: fetch it here instead.
                Err(RecvTimeoutError::Disconnected) => {
                    return Ok((self.fetch(offset, over)?, false))
                }
            }
        }
    }

    /// Puts up to `prefetch` pages after `page` in flight (none when `prefetch` is 1).
    fn schedule(&self, page: &PageData) {
        if self.prefetch <= 1
            || self.cancel.is_cancelled()
            || self.sequential.load(Ordering::Relaxed)
        {
            return;
        }
        let Some(next) = page.next_offset() else {
            // The last page: what is in flight past it is not needed.
            self.drop_ahead(0);
            return;
        };
        let step = page.page_size();
        // Offsets known to hold rows. Past them the walk goes on one page at a time (the
        // consumer fetches it), so rows added meanwhile are still listed.
        let known_end = match self.paging {
            Paging::TotalIsCount => page.total.unwrap_or(0),
            _ => u64::MAX,
        };
        let mut ahead = self.ahead();
        for i in 0..self.prefetch as u64 {
            let want = next.saturating_add(i.saturating_mul(step));
            if want >= known_end {
                break;
            }
            if !ahead.iter().any(|f| f.offset == want) {
                ahead.push_back(self.spawn(want));
            }
        }
        ahead.make_contiguous().sort_by_key(|f| f.offset);
    }

    /// Cancels and forgets the pages in flight at or after `from`.
    fn drop_ahead(&self, from: u64) {
        let mut ahead = self.ahead();
        ahead.retain(|f| {
            let keep = f.offset < from;
            if !keep {
                f.cancel.cancel();
            }
            keep
        });
    }

    fn spawn(&self, offset: u64) -> InFlight {
        let (tx, rx) = mpsc::sync_channel(1);
        let cancel = self.cancel.child();
        let http = self.http.clone();
        let req = self.request_at(offset);
        let opts = self.opts.clone();
        let gate = self.gate.clone();
        let token = cancel.clone();
        // If no thread can be had, `tx` is dropped with the closure and the consumer fetches
        // the page itself when it gets there.
        let _ = std::thread::Builder::new()
            .name("openint-page".into())
            .spawn(move || {
                let ctx = CallCtx {
                    opts: &opts,
                    cancel: Some(&token),
                    gate: Some(&gate),
                };
                let _ = tx.send(fetch_page(&http, &req, offset, &ctx));
            });
        InFlight {
            offset,
            result: rx,
            cancel,
        }
    }
}

fn fetch_page(http: &Http, req: &Prepared, offset: u64, ctx: &CallCtx) -> Result<PageData> {
    http.send(req, ctx, |resp| {
        PageData::parse(req, offset, resp.body, resp.meta)
    })
}

/// One page of a listing, with what it needs to fetch the next one.
pub(crate) struct PageCore {
    listing: Arc<Listing>,
    data: PageData,
}

impl PageCore {
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
        self.listing.next_after(&self.data, over)
    }
}

/// A pull cursor over every item of a listing, across pages. The first request is made by the
/// first `next`. After an error, `next` tries the failed page again.
pub(crate) struct Cursor {
    listing: Arc<Listing>,
    state: CursorState,
}

enum CursorState {
    Start,
    Page {
        page: Box<PageCore>,
        /// Position in the page's index, decoded sequentially.
        pos: usize,
        end: usize,
        left: usize,
    },
    Done,
}

impl Cursor {
    pub(crate) fn new(listing: Arc<Listing>) -> Cursor {
        Cursor {
            listing,
            state: CursorState::Start,
        }
    }

    /// The next item's JSON text, `Ok(None)` at the end. `over` overrides the options of any
    /// page fetch this call makes.
    pub(crate) fn next(&mut self, over: Option<&RequestOptions>) -> Result<Option<&str>> {
        loop {
            let next_state = match &mut self.state {
                CursorState::Done => return Ok(None),
                CursorState::Start => Self::at(self.listing.first(over)?),
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

    fn at(page: PageCore) -> CursorState {
        let left = page.len();
        CursorState::Page {
            page: Box::new(page),
            pos: 0,
            end: 0,
            left,
        }
    }

    /// The response of the page the last item came from.
    pub(crate) fn meta(&self) -> Option<&ResponseMeta> {
        match &self.state {
            CursorState::Page { page, .. } => Some(page.meta()),
            _ => None,
        }
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

/// Every item of a listing, across pages. After the first error it ends.
pub struct AutoPager<T> {
    cursor: Cursor,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T> AutoPager<T> {
    pub(crate) fn new(cursor: Cursor) -> Self {
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
                decode_item(raw).map_err(|e| e.redacted(self.cursor.listing.http.token()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_compact_and_exact() {
        let mut text = String::from("{\"items\":[");
        let mut ranges = Vec::new();
        for i in 0..1000 {
            if i > 0 {
                text.push_str(if i % 7 == 0 { " , " } else { "," });
            }
            let item = format!("{{\"n\":\"{}\"}}", "x".repeat(i % 300));
            ranges.push(text.len()..text.len() + item.len());
            text.push_str(&item);
        }
        text.push_str("],\"total\":1e999,\"limit\":\"7\",\"offset\":3}");
        let mut index = ItemIndex::default();
        let mut env = Envelope {
            base: text.as_ptr() as usize,
            index: &mut index,
            total: None,
            limit: None,
            offset: None,
        };
        let mut de = serde_json::Deserializer::from_str(&text);
        de.deserialize_map(&mut env).unwrap();
        assert_eq!((env.total, env.limit, env.offset), (None, None, Some(3)));
        assert_eq!(index.count, 1000);
        assert_eq!(index.iter().collect::<Vec<_>>(), ranges);
        for i in [0, 1, 63, 64, 65, 500, 999] {
            assert_eq!(index.get(i), Some(ranges[i].clone()), "{i}");
        }
        assert_eq!(index.get(1000), None);
        assert!(index.data.len() + index.marks.len() * 16 < 1000 * 4);
    }

    #[test]
    fn tiny_items_cost_about_their_size() {
        let n = 100_000;
        let mut text = String::from("{\"items\":[0");
        text.push_str(&",0".repeat(n - 1));
        text.push_str("]}");
        let mut index = ItemIndex::default();
        let mut env = Envelope {
            base: text.as_ptr() as usize,
            index: &mut index,
            total: None,
            limit: None,
            offset: None,
        };
        serde_json::Deserializer::from_str(&text)
            .deserialize_map(&mut env)
            .unwrap();
        let cost = index.data.capacity() + index.marks.capacity() * 16;
        assert!(cost <= text.len(), "{cost} for {} bytes", text.len());
    }

    #[test]
    fn broken_envelopes_are_errors() {
        for text in [
            "[1]",
            "{\"total\":1}",
            "{\"items\":{}}",
            "{\"items\":[1],\"items\":[2]}",
            "{\"items\":[1,]}",
        ] {
            let mut index = ItemIndex::default();
            let mut env = Envelope {
                base: text.as_ptr() as usize,
                index: &mut index,
                total: None,
                limit: None,
                offset: None,
            };
            assert!(
                serde_json::Deserializer::from_str(text)
                    .deserialize_map(&mut env)
                    .is_err(),
                "{text}"
            );
        }
    }
}
