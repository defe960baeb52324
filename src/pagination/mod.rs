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
//!
//! The rooms: `index` (where each item lies in a page's text), `envelope` (a list answer read
//! into a page, and the end rule), `listing` (what a listing's pages share: the request, the
//! options, prefetching), `page` (one page, raw and typed) and `cursor` (every item, across
//! pages).

mod cursor;
mod envelope;
mod index;
mod listing;
mod page;

pub use cursor::{AutoPager, JsonCursor};
#[cfg(test)]
pub(crate) use envelope::parse_for_test;
pub(crate) use listing::Listing;
pub use page::{JsonPage, Page};
