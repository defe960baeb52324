//! A list answer: the envelope `{items, total, limit, offset}` read into a page (its text, the
//! index of its items, the envelope's numbers, the answer's meta), and the rule that decides
//! whether another page exists.

use super::index::ItemIndex;
use crate::error::{Error, Result};
use crate::params::Prepared;
use crate::response::ResponseMeta;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::value::RawValue;
use std::borrow::Cow;
#[cfg(test)]
use std::ops::Range;

/// The server's default page size, used when it echoes no usable `limit`.
pub(super) const DEFAULT_LIMIT: u64 = 50;

/// One page as the server sent it: the JSON text, where each item lies in it, the envelope's
/// numbers, and the response's status and headers. Items are not decoded here, so the C ABI
/// hands out the server's own bytes.
pub(crate) struct PageData {
    /// The offset this page was requested at (the server's echo may lie).
    pub(super) offset: u64,
    /// The limit requested, if any.
    pub(super) requested_limit: Option<u64>,
    /// The page JSON followed by one NUL byte, so C can borrow it as a C string.
    pub(super) text: String,
    pub(super) index: ItemIndex,
    pub(super) total: Option<u64>,
    pub(super) limit: Option<u64>,
    pub(super) echoed_offset: Option<u64>,
    pub(super) meta: ResponseMeta,
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

impl<'a> Envelope<'a> {
    /// A reader of `text`'s envelope that indexes its items into `index`.
    fn new(text: &str, index: &'a mut ItemIndex) -> Envelope<'a> {
        Envelope {
            base: text.as_ptr() as usize,
            index,
            total: None,
            limit: None,
            offset: None,
        }
    }
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
    pub(super) fn parse(
        req: &Prepared,
        offset: u64,
        body: String,
        meta: ResponseMeta,
    ) -> Result<PageData> {
        let mut text = body;
        let mut index = ItemIndex::default();
        let (total, limit, echoed_offset) = {
            let mut env = Envelope::new(&text, &mut index);
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

    pub(super) fn len(&self) -> usize {
        self.index.count
    }

    pub(super) fn first_item(&self) -> Option<&str> {
        self.index.get(0).map(|r| &self.text[r])
    }

    /// Where the next page starts, or `None` when this page is the last.
    pub(super) fn next_offset(&self) -> Option<u64> {
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

    pub(super) fn page_size(&self) -> u64 {
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
        let mut env = Envelope::new(&text, &mut index);
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
        let mut env = Envelope::new(&text, &mut index);
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
            let mut env = Envelope::new(text, &mut index);
            assert!(
                serde_json::Deserializer::from_str(text)
                    .deserialize_map(&mut env)
                    .is_err(),
                "{text}"
            );
        }
    }
}
