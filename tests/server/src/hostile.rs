//! The `hostile` scenario key: answers a well-behaved server never sends, for the SDK's
//! hostile-server tests (bounded reads, decompression limits, header limits, odd statuses and
//! redirects, retry waits). Every kind writes raw bytes and then closes the connection; big
//! answers are streamed from a small state, never built in memory. A client that goes away
//! ends the writing (the next write fails).
//!
//! Some kinds wrap the answer the scenario would have given (`slow_head`, `slow_body`,
//! `header_flood`, `garbage_status`, `status`); the others replace it (the operation does not
//! run). README lists each kind and its parameters.

use crate::http::{head_lines, reason, RawWriter, Response};
use crate::ids::b64_decode;
use serde_json::{Map, Value};
use std::io::{self, Write};
use std::sync::OnceLock;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Kind {
    SlowHead {
        delay: Duration,
        chunk: usize,
    },
    SlowBody {
        delay: Duration,
        chunk: usize,
    },
    EndlessBody {
        chunked: bool,
        delay: Duration,
        chunk: usize,
    },
    LyingLength {
        content_length: String,
        body: Vec<u8>,
        endless: bool,
    },
    GzipBomb {
        inflated_mib: u64,
        byte: u8,
    },
    HeaderFlood {
        count: u64,
        value_bytes: u64,
    },
    GarbageStatus {
        line: Vec<u8>,
    },
    Status {
        status: u16,
        reason: String,
    },
    Redirect {
        status: u16,
        location: Vec<u8>,
    },
    RawBody {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    HugeList {
        bytes: u64,
        item: String,
    },
    DeepNesting {
        depth: u64,
        object: bool,
    },
    NonObjectItems {
        items: String,
    },
    HugeError {
        status: u16,
        bytes: u64,
    },
    RetryStorm {
        status: u16,
        headers: Vec<(String, Vec<u8>)>,
    },
}

#[derive(Clone, Debug)]
pub struct Hostile {
    pub kind: Kind,
    /// Only the first `times` requests of the scenario (all when `None`).
    pub times: Option<u64>,
    /// Only requests whose raw path and query contain this (as `fail.match`).
    pub matches: Option<String>,
}

/// Largest size a kind may be asked to send (1 TB): "huge", but a number.
const MAX_BYTES: u64 = 1_000_000_000_000;

struct Params<'a>(&'a Map<String, Value>);

impl Params<'_> {
    fn uint(&self, key: &str, default: u64, max: u64) -> Result<u64, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v.as_u64().filter(|n| *n <= max).ok_or(format!(
                "`hostile.{key}` must be an integer from 0 to {max}"
            )),
        }
    }
    fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`hostile.{key}` must be a string")),
        }
    }
    /// Raw bytes: `key` as text, or `key_base64` for bytes that are not UTF-8.
    fn bytes(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        if let Some(b64) = self.string(&format!("{key}_base64"))? {
            return b64_decode(&b64)
                .map(Some)
                .ok_or(format!("`hostile.{key}_base64` is not base64"));
        }
        Ok(self.string(key)?.map(String::into_bytes))
    }
    fn status(&self, default: u16) -> Result<u16, String> {
        Ok(self.uint("status", u64::from(default), 999)? as u16)
    }
    fn delay(&self, default_ms: u64) -> Result<Duration, String> {
        Ok(Duration::from_millis(
            self.uint("delay_ms", default_ms, 60_000)?,
        ))
    }
}

const KINDS: &[&str] = &[
    "slow_head",
    "slow_body",
    "endless_body",
    "lying_length",
    "gzip_bomb",
    "header_flood",
    "garbage_status",
    "status",
    "redirect",
    "raw_body",
    "huge_list",
    "deep_nesting",
    "non_object_items",
    "huge_error",
    "retry_storm",
];

impl Hostile {
    pub fn from_json(v: &Value) -> Result<Hostile, String> {
        let map = v.as_object().ok_or("`hostile` must be an object")?;
        let p = Params(map);
        let kind = p.string("kind")?.ok_or("`hostile.kind` is required")?;
        let chunk = || p.uint("chunk", 1, 1 << 20).map(|c| c.max(1) as usize);
        let kind = match kind.as_str() {
            "slow_head" => Kind::SlowHead {
                delay: p.delay(100)?,
                chunk: chunk()?,
            },
            "slow_body" => Kind::SlowBody {
                delay: p.delay(100)?,
                chunk: chunk()?,
            },
            "endless_body" => Kind::EndlessBody {
                chunked: match p.string("framing")?.as_deref() {
                    None | Some("chunked") => true,
                    Some("close") => false,
                    _ => return Err("`hostile.framing` must be \"chunked\" or \"close\"".into()),
                },
                delay: p.delay(0)?,
                chunk: p.uint("chunk", 16 * 1024, 1 << 20)?.max(1) as usize,
            },
            "lying_length" => Kind::LyingLength {
                content_length: match map.get("content_length") {
                    None | Some(Value::Null) => "1000000000000".into(),
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::String(s)) if !s.contains(['\r', '\n']) => s.clone(),
                    _ => {
                        return Err(
                            "`hostile.content_length` must be a number or a one-line string".into(),
                        )
                    }
                },
                body: p.bytes("body")?.unwrap_or_else(|| b"{\"items\":[".to_vec()),
                endless: map.get("endless").and_then(Value::as_bool).unwrap_or(false),
            },
            "gzip_bomb" => Kind::GzipBomb {
                inflated_mib: p
                    .uint("inflated_bytes", 10 << 30, MAX_BYTES)?
                    .div_ceil(1 << 20),
                byte: match p.string("byte")? {
                    None => b' ',
                    Some(s) if s.len() == 1 => s.as_bytes()[0],
                    Some(_) => return Err("`hostile.byte` must be one ASCII character".into()),
                },
            },
            "header_flood" => Kind::HeaderFlood {
                count: p.uint("count", 100_000, 100_000_000)?,
                value_bytes: p.uint("value_bytes", 16, MAX_BYTES)?,
            },
            "garbage_status" => Kind::GarbageStatus {
                line: p
                    .bytes("status_line")?
                    .unwrap_or_else(|| b"HTTP/1.1 2OO OK".to_vec()),
            },
            "status" => Kind::Status {
                status: p.status(999)?,
                reason: p.string("reason")?.unwrap_or_else(|| "Whatever".into()),
            },
            "redirect" => Kind::Redirect {
                status: p.status(302)?,
                location: p
                    .bytes("location")?
                    .ok_or("`hostile.location` (or `location_base64`) is required")?,
            },
            "raw_body" => Kind::RawBody {
                status: p.status(200)?,
                content_type: p.string("content_type")?,
                body: p.bytes("body")?.unwrap_or_default(),
            },
            "huge_list" => Kind::HugeList {
                bytes: p.uint("bytes", 100 << 20, MAX_BYTES)?,
                item: p.string("item")?.unwrap_or_else(|| "0".into()),
            },
            "deep_nesting" => Kind::DeepNesting {
                depth: p.uint("depth", 100_000, 1 << 32)?,
                object: match p.string("shape")?.as_deref() {
                    None | Some("array") => false,
                    Some("object") => true,
                    _ => return Err("`hostile.shape` must be \"array\" or \"object\"".into()),
                },
            },
            "non_object_items" => Kind::NonObjectItems {
                items: match (map.get("items"), p.string("items_raw")?) {
                    (_, Some(raw)) => raw,
                    (Some(Value::Array(items)), None) => items
                        .iter()
                        .map(Value::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                    (None | Some(Value::Null), None) => {
                        r#"1,"two",null,true,[3],{"nested":{}},1e400,-0"#.into()
                    }
                    _ => return Err("`hostile.items` must be an array".into()),
                },
            },
            "huge_error" => Kind::HugeError {
                status: p.status(500)?,
                bytes: p.uint("bytes", 100 << 20, MAX_BYTES)?,
            },
            "retry_storm" => Kind::RetryStorm {
                status: p.status(503)?,
                headers: match map.get("headers") {
                    None | Some(Value::Null) => vec![
                        ("Retry-After".into(), b"1e308".to_vec()),
                        ("retry-after-ms".into(), b"-1".to_vec()),
                    ],
                    Some(Value::Object(h)) => h
                        .iter()
                        .map(|(k, v)| match v.as_str() {
                            Some(v)
                                if !v.contains(['\r', '\n'])
                                    && !k.is_empty()
                                    && !k.contains([':', '\r', '\n', ' ']) =>
                            {
                                Ok((k.clone(), v.as_bytes().to_vec()))
                            }
                            _ => Err(format!("`hostile.headers.{k}` must be a one-line string")),
                        })
                        .collect::<Result<_, _>>()?,
                    _ => return Err("`hostile.headers` must be an object of strings".into()),
                },
            },
            other => {
                return Err(format!(
                    "unknown `hostile.kind` {other:?} (known: {})",
                    KINDS.join(", ")
                ))
            }
        };
        let times = match map.get("times") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or("`hostile.times` must be a non-negative integer")?,
            ),
        };
        let matches = p.string("match")?;
        Ok(Hostile {
            kind,
            times,
            matches,
        })
    }

    /// Whether the kind wraps the answer the scenario would give (else it replaces it).
    pub fn wraps(&self) -> bool {
        matches!(
            self.kind,
            Kind::SlowHead { .. }
                | Kind::SlowBody { .. }
                | Kind::HeaderFlood { .. }
                | Kind::GarbageStatus { .. }
                | Kind::Status { .. }
        )
    }

    /// The status its status line carries, for the request log (`None` when the line has no
    /// three-digit number there); `normal` is the scenario's own answer for the wrapping kinds.
    pub fn status(&self, normal: Option<&Response>) -> Option<u16> {
        match &self.kind {
            Kind::SlowHead { .. } | Kind::SlowBody { .. } | Kind::HeaderFlood { .. } => {
                Some(normal.map_or(200, |r| r.status))
            }
            Kind::GarbageStatus { line } => match line.split(|&b| b == b' ').nth(1) {
                Some(code) if code.len() == 3 && code.iter().all(u8::is_ascii_digit) => {
                    std::str::from_utf8(code).ok()?.parse().ok()
                }
                _ => None,
            },
            Kind::Status { status, .. }
            | Kind::Redirect { status, .. }
            | Kind::RawBody { status, .. }
            | Kind::HugeError { status, .. }
            | Kind::RetryStorm { status, .. } => Some(*status),
            Kind::EndlessBody { .. }
            | Kind::LyingLength { .. }
            | Kind::GzipBomb { .. }
            | Kind::HugeList { .. }
            | Kind::DeepNesting { .. }
            | Kind::NonObjectItems { .. } => Some(200),
        }
    }

    /// The raw answer; `normal` is the scenario's own answer for the wrapping kinds.
    pub fn writer(&self, normal: Option<Response>) -> RawWriter {
        let kind = self.kind.clone();
        let normal = normal.unwrap_or_else(|| Response::json(200, "{}"));
        Box::new(move |w: &mut dyn Write| write(kind, normal, w))
    }
}

fn sleep(d: Duration) {
    if !d.is_zero() {
        std::thread::sleep(d);
    }
}

/// Writes and flushes (so a slow answer really trickles).
fn send(w: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    w.write_all(bytes)?;
    w.flush()
}

fn trickle(w: &mut dyn Write, bytes: &[u8], chunk: usize, delay: Duration) -> io::Result<()> {
    for piece in bytes.chunks(chunk) {
        send(w, piece)?;
        sleep(delay);
    }
    Ok(())
}

/// `count` copies of `unit`, written in batches of about 64 KB.
fn repeat(w: &mut dyn Write, unit: &[u8], count: u64) -> io::Result<()> {
    let per = (64 * 1024 / unit.len().max(1)).max(1) as u64;
    let batch = unit.repeat(per as usize);
    let mut left = count;
    while left > 0 {
        let n = left.min(per);
        w.write_all(&batch[..n as usize * unit.len()])?;
        left -= n;
    }
    w.flush()
}

fn head(status: u16, reason_phrase: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status:03} {reason_phrase}\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn json_head(len: u64) -> Vec<u8> {
    head(
        200,
        "OK",
        &[
            ("Content-Type", "application/json".into()),
            ("Content-Length", len.to_string()),
        ],
    )
}

/// The tail of a list page of `n` items.
fn list_tail(n: u64) -> String {
    format!("],\"total\":{n},\"limit\":{n},\"offset\":0,\"has_next_page\":false}}")
}

fn write(kind: Kind, normal: Response, w: &mut dyn Write) -> io::Result<()> {
    let normal_head = head_lines(&normal, true);
    match kind {
        Kind::SlowHead { delay, chunk } => {
            trickle(w, format!("{normal_head}\r\n").as_bytes(), chunk, delay)?;
            send(w, &normal.body)
        }
        Kind::SlowBody { delay, chunk } => {
            send(w, format!("{normal_head}\r\n").as_bytes())?;
            trickle(w, &normal.body, chunk, delay)
        }
        Kind::HeaderFlood { count, value_bytes } => {
            send(w, normal_head.as_bytes())?;
            let value = vec![b'a'; value_bytes.min(64 * 1024) as usize];
            for i in 0..count {
                w.write_all(format!("X-Flood-{i}: ").as_bytes())?;
                // One long value is written in pieces.
                let mut left = value_bytes;
                while left > 0 {
                    let n = left.min(value.len() as u64) as usize;
                    w.write_all(&value[..n])?;
                    left -= n as u64;
                }
                w.write_all(b"\r\n")?;
            }
            send(w, b"\r\n")?;
            send(w, &normal.body)
        }
        Kind::GarbageStatus { line } => {
            let rest = normal_head.split_once("\r\n").map_or("", |(_, r)| r);
            let mut out = line;
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(rest.as_bytes());
            out.extend_from_slice(b"\r\n");
            send(w, &out)?;
            send(w, &normal.body)
        }
        Kind::Status { status, reason } => {
            let rest = normal_head.split_once("\r\n").map_or("", |(_, r)| r);
            send(
                w,
                format!("HTTP/1.1 {status:03} {reason}\r\n{rest}\r\n").as_bytes(),
            )?;
            send(w, &normal.body)
        }
        Kind::EndlessBody {
            chunked,
            delay,
            chunk,
        } => {
            let mut headers = vec![("Content-Type", "application/json".to_string())];
            if chunked {
                headers.push(("Transfer-Encoding", "chunked".into()));
            }
            send(w, &head(200, "OK", &headers))?;
            let start = b"{\"items\":[";
            let unit = b"0,".repeat(chunk.div_ceil(2));
            let frame = |data: &[u8]| -> Vec<u8> {
                if chunked {
                    let mut f = format!("{:x}\r\n", data.len()).into_bytes();
                    f.extend_from_slice(data);
                    f.extend_from_slice(b"\r\n");
                    f
                } else {
                    data.to_vec()
                }
            };
            send(w, &frame(start))?;
            let piece = frame(&unit[..chunk]);
            loop {
                send(w, &piece)?;
                sleep(delay);
            }
        }
        Kind::LyingLength {
            content_length,
            body,
            endless,
        } => {
            let headers = [
                ("Content-Type", "application/json".to_string()),
                ("Content-Length", content_length),
            ];
            send(w, &head(200, "OK", &headers))?;
            send(w, &body)?;
            if endless {
                let piece = b"0,".repeat(8 * 1024);
                loop {
                    send(w, &piece)?;
                }
            }
            Ok(())
        }
        Kind::GzipBomb { inflated_mib, byte } => {
            let bomb = GzipBomb::get(byte);
            let len = bomb.len(inflated_mib);
            let headers = [
                ("Content-Type", "application/json".to_string()),
                ("Content-Encoding", "gzip".to_string()),
                ("Content-Length", len.to_string()),
            ];
            send(w, &head(200, "OK", &headers))?;
            bomb.write(w, inflated_mib)
        }
        Kind::Redirect { status, location } => {
            let mut out =
                format!("HTTP/1.1 {status:03} {}\r\nLocation: ", reason(status)).into_bytes();
            out.extend_from_slice(&location);
            out.extend_from_slice(b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            send(w, &out)
        }
        Kind::RawBody {
            status,
            content_type,
            body,
        } => {
            let mut headers = Vec::new();
            if let Some(ct) = content_type {
                headers.push(("Content-Type", ct));
            }
            headers.push(("Content-Length", body.len().to_string()));
            send(w, &head(status, reason(status), &headers))?;
            send(w, &body)
        }
        Kind::HugeList { bytes, item } => {
            // n items: `{"items":[` + n items with n-1 commas + the tail, about `bytes` long.
            let prefix = b"{\"items\":[";
            let unit = item.len() as u64 + 1;
            // The tail's length depends on n's digits: settle n in a few rounds.
            let mut n = 1;
            for _ in 0..4 {
                let fixed = (prefix.len() + list_tail(n).len()) as u64;
                n = ((bytes + 1).saturating_sub(fixed) / unit).max(1);
            }
            let tail = list_tail(n);
            let len = prefix.len() as u64 + n * unit - 1 + tail.len() as u64;
            send(w, &json_head(len))?;
            send(w, prefix)?;
            w.write_all(item.as_bytes())?;
            repeat(w, format!(",{item}").as_bytes(), n - 1)?;
            send(w, tail.as_bytes())
        }
        Kind::DeepNesting { depth, object } => {
            let (open, close): (&[u8], &[u8]) = if object {
                (b"{\"a\":", b"}")
            } else {
                (b"[", b"]")
            };
            let prefix = b"{\"items\":[";
            let tail = list_tail(1);
            let len = prefix.len() as u64
                + depth * (open.len() + close.len()) as u64
                + 1
                + tail.len() as u64;
            send(w, &json_head(len))?;
            send(w, prefix)?;
            repeat(w, open, depth)?;
            send(w, b"0")?;
            repeat(w, close, depth)?;
            send(w, tail.as_bytes())
        }
        Kind::NonObjectItems { items } => {
            let count = if items.trim().is_empty() {
                0
            } else {
                items.matches(',').count() as u64 + 1
            };
            let body = format!("{{\"items\":[{items}{}", list_tail(count));
            send(w, &json_head(body.len() as u64))?;
            send(w, body.as_bytes())
        }
        Kind::HugeError { status, bytes } => {
            let code = crate::errors::code_for(status);
            let prefix = b"{\"message\":\"";
            let tail = format!("\",\"code\":\"{code}\"}}");
            let fill = bytes.saturating_sub((prefix.len() + tail.len()) as u64);
            let len = prefix.len() as u64 + fill + tail.len() as u64;
            let headers = [
                ("Content-Type", "application/json".to_string()),
                ("Content-Length", len.to_string()),
            ];
            send(w, &head(status, reason(status), &headers))?;
            send(w, prefix)?;
            repeat(w, b"x", fill)?;
            send(w, tail.as_bytes())
        }
        Kind::RetryStorm { status, headers } => {
            let body = crate::errors::error_body(status, reason(status), None, None);
            let mut out = format!("HTTP/1.1 {status:03} {}\r\n", reason(status)).into_bytes();
            for (k, v) in &headers {
                out.extend_from_slice(k.as_bytes());
                out.extend_from_slice(b": ");
                out.extend_from_slice(v);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(
                format!(
                    "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
            send(w, &out)
        }
    }
}

/// A gzip stream of N MiB of one byte, from a few hundred bytes of state: deflate blocks
/// ended with a full flush are byte-aligned and independent of what came before, so the
/// compressed form of one MiB can be repeated; the trailer's CRC is combined, not computed
/// over the data.
struct GzipBomb {
    /// The compressed MiB (ends with a full flush).
    block: Vec<u8>,
    /// The final empty block.
    finish: Vec<u8>,
    /// CRC-32 state of one MiB, combined once per MiB.
    crc: flate2::Crc,
}

const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

impl GzipBomb {
    fn get(byte: u8) -> &'static GzipBomb {
        static BOMBS: OnceLock<std::sync::Mutex<Vec<(u8, &'static GzipBomb)>>> = OnceLock::new();
        let cache = BOMBS.get_or_init(Default::default);
        let mut cache = cache.lock().unwrap();
        if let Some((_, b)) = cache.iter().find(|(k, _)| *k == byte) {
            return b;
        }
        let bomb: &'static GzipBomb = Box::leak(Box::new(GzipBomb::new(byte)));
        cache.push((byte, bomb));
        bomb
    }

    fn new(byte: u8) -> GzipBomb {
        use flate2::{Compress, Compression, FlushCompress};
        let mib = vec![byte; 1 << 20];
        let mut c = Compress::new(Compression::best(), false);
        let mut compressed = |input: &[u8], flush| {
            let mut out = Vec::with_capacity(64 * 1024);
            let mut fed = 0;
            loop {
                let before = c.total_in();
                c.compress_vec(&input[fed..], &mut out, flush)
                    .expect("deflate into a Vec");
                fed += (c.total_in() - before) as usize;
                if fed == input.len() && out.len() < out.capacity() {
                    return out;
                }
                out.reserve(64 * 1024);
            }
        };
        // The first block can differ (fresh state); the second is the one that repeats.
        let _first = compressed(&mib, FlushCompress::Full);
        let block = compressed(&mib, FlushCompress::Full);
        let finish = compressed(&[], FlushCompress::Finish);
        let mut crc = flate2::Crc::new();
        crc.update(&mib);
        GzipBomb { block, finish, crc }
    }

    fn len(&self, mib: u64) -> u64 {
        GZIP_HEADER.len() as u64 + mib * self.block.len() as u64 + self.finish.len() as u64 + 8
    }

    fn write(&self, w: &mut dyn Write, mib: u64) -> io::Result<()> {
        w.write_all(&GZIP_HEADER)?;
        let mut crc = flate2::Crc::new();
        for _ in 0..mib {
            w.write_all(&self.block)?;
            crc.combine(&self.crc);
        }
        w.write_all(&self.finish)?;
        w.write_all(&crc.sum().to_le_bytes())?;
        w.write_all(&((mib << 20) as u32).to_le_bytes())?;
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_gzip_bomb_is_a_valid_gzip_stream() {
        let bomb = GzipBomb::get(b' ');
        let mut out = Vec::new();
        bomb.write(&mut out, 5).unwrap();
        assert_eq!(out.len() as u64, bomb.len(5));
        assert!(out.len() < 50_000, "{} bytes for 5 MiB", out.len());
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&out[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated.len(), 5 << 20);
        assert!(inflated.iter().all(|&b| b == b' '));
    }

    #[test]
    fn parameters() {
        let h = |v: Value| Hostile::from_json(&v);
        assert!(h(serde_json::json!({"kind": "nope"}))
            .unwrap_err()
            .contains("slow_head"));
        assert!(h(serde_json::json!({"kind": "redirect"})).is_err());
        assert!(h(serde_json::json!({"kind": "status", "status": 1000})).is_err());
        let r = h(serde_json::json!({"kind": "redirect", "location_base64": "/w=="})).unwrap();
        assert!(matches!(r.kind, Kind::Redirect { ref location, .. } if location == &[0xff]));
        assert!(h(serde_json::json!({"kind": "slow_body", "times": 2}))
            .unwrap()
            .wraps());
    }
}
