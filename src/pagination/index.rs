//! Where each item of a page lies in the page text, in about a byte per item: items are never
//! copied out of the server's answer.

use std::ops::Range;

/// Every this many items the index keeps a seek mark, for random access.
pub(super) const MARK: usize = 64;

/// Where each item of a page lies in the page text: one byte for a tiny item (gap from the
/// previous item < 8, length < 16), else a marker and two varints, so that a page of tiny
/// items (`[0,0,...]`) costs about half its body on top of the body, whatever its shape.
#[derive(Default)]
pub(super) struct ItemIndex {
    pub(super) count: usize,
    pub(super) data: Vec<u8>,
    /// Every `MARK` items: the position in `data` and the end of the previous item.
    pub(super) marks: Vec<(usize, usize)>,
    pub(super) last_end: usize,
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
pub(super) fn next_range(data: &[u8], pos: &mut usize, end: &mut usize) -> Range<usize> {
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
    pub(super) fn push(&mut self, start: usize, len: usize) {
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

    pub(super) fn get(&self, i: usize) -> Option<Range<usize>> {
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

    pub(super) fn iter(&self) -> IndexIter<'_> {
        IndexIter {
            index: self,
            pos: 0,
            end: 0,
            left: self.count,
        }
    }
}

pub(super) struct IndexIter<'a> {
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
