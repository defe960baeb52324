//! Replays the real server's recorded exchanges (`tests/data/openint/fixtures/v1-transcript.jsonl`)
//! against this server and compares the answers. This is what keeps the local server from
//! drifting from the real one.
//!
//! Every recorded request is sent in order, as raw HTTP/1.1 over a fresh TCP connection (method,
//! raw path and query, the recorded headers, the raw body), to one fresh scenario created with
//! `{"registry": "real", "connector_auth": "real", "v2_alias": false}` (the keys that switch off
//! this server's conveniences for older tests). Then, per exchange:
//!
//! - a recorded `response.error` (the real process crashed) must be a connection closed without
//!   any answer; `server_exited_after_response` must be answered, then closed;
//! - the status, the Content-Type and the error `code` must match;
//! - the body must match recursively: same JSON types, same object keys in the same order, and
//!   the same values, except that
//!   - placeholders (`<org-key>`, `<customer-key>`, `<customer-jwt>`, ...) stand for live values:
//!     `<org-key>` is the scenario's org key, the others are learnt from the live answer at the
//!     position where the recorded answer has them (also inside a string such as
//!     `magic_link_url`), and later uses must agree; two placeholders never share a value;
//!   - generated ids (`ccfg_<name>_<ULID>`, `conn_<name>_<ULID>`, `cus_<ULID>`, `evt_<ULID>`)
//!     are learnt the same way (recorded id -> live id, one to one) and substituted in later
//!     requests and in expected strings (error messages that quote an id);
//!   - timestamps only need to be timestamps of the same kind (PostgreSQL text or ISO);
//!   - abbreviated recordings: when the note says `(...N more items)` or `cut to K of M`, the
//!     live `items`/`list` array must be that much longer and only the recorded prefix is
//!     compared; an item recorded as `{"name": X, "has_schemas": B}` stands for the connector X
//!     with (or without) `schemas`.
//!
//! What the recorder did outside the API is done through the admin API: an event it inserted
//! straight into the database (`debug.debug`) is inserted with `POST .../mutate` just before the
//! first exchange whose answer shows it; an id no live answer ever showed (the config whose
//! create answered 500) is looked up in `GET .../store` (the newest unmapped row of that
//! connector). A token recorded as expired is used only after its `exp` has passed (the test
//! sleeps as needed).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// JSON with key order kept (serde_json's map sorts keys).
#[derive(Clone, Debug, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, b: bool) -> Result<J, E> {
                Ok(J::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<J, E> {
                Ok(J::Num(n as f64))
            }
            fn visit_u64<E>(self, n: u64) -> Result<J, E> {
                Ok(J::Num(n as f64))
            }
            fn visit_f64<E>(self, x: f64) -> Result<J, E> {
                Ok(J::Num(x))
            }
            fn visit_str<E>(self, s: &str) -> Result<J, E> {
                Ok(J::Str(s.to_string()))
            }
            fn visit_unit<E>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(J::Arr(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
                let mut v: Vec<(String, J)> = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, J>()? {
                    match v.iter_mut().find(|(name, _)| *name == k) {
                        Some(slot) => slot.1 = x,
                        None => v.push((k, x)),
                    }
                }
                Ok(J::Obj(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl J {
    fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(f) => f.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }
    fn kind(&self) -> &'static str {
        match self {
            J::Null => "null",
            J::Bool(_) => "boolean",
            J::Num(_) => "number",
            J::Str(_) => "string",
            J::Arr(_) => "array",
            J::Obj(_) => "object",
        }
    }
    fn render(&self) -> String {
        match self {
            J::Null => "null".into(),
            J::Bool(b) => b.to_string(),
            J::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
            J::Num(x) => x.to_string(),
            J::Str(s) => serde_json::to_string(s).unwrap(),
            J::Arr(v) => format!(
                "[{}]",
                v.iter().map(J::render).collect::<Vec<_>>().join(",")
            ),
            J::Obj(f) => format!(
                "{{{}}}",
                f.iter()
                    .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), v.render()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

fn short(text: &str) -> String {
    if text.chars().count() > 300 {
        format!("{}...", text.chars().take(300).collect::<String>())
    } else {
        text.to_string()
    }
}

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn is_ulid(s: &str) -> bool {
    s.len() == 26 && s.chars().all(|c| CROCKFORD.contains(c))
}

/// `ccfg_<name>_<ULID>`, `conn_<name>_<ULID>`, `cus_<ULID>`, `evt_<ULID>`.
fn is_generated_id(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix("ccfg_").or_else(|| s.strip_prefix("conn_")) {
        return rest
            .rsplit_once('_')
            .is_some_and(|(name, u)| !name.is_empty() && is_ulid(u));
    }
    s.strip_prefix("cus_")
        .or_else(|| s.strip_prefix("evt_"))
        .is_some_and(is_ulid)
}

/// `2026-12-01 16:45:22.158466+00` or `2026-12-01T17:15:52.441Z`.
fn timestamp_kind(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 19
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return None;
    }
    if !(digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19)) {
        return None;
    }
    match b[10] {
        b' ' if s.ends_with("+00") => Some("postgres"),
        b'T' if s.ends_with('Z') => Some("iso"),
        _ => None,
    }
}

/// Splits `a<x>b<y>` into literal and placeholder parts.
fn placeholder_parts(s: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find('<') {
        match rest[at..].find('>') {
            Some(end)
                if rest[at + 1..at + end]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && end > 1 =>
            {
                out.push((false, rest[..at].to_string()));
                out.push((true, rest[at..=at + end].to_string()));
                rest = &rest[at + end + 1..];
            }
            _ => {
                out.push((false, rest[..=at].to_string()));
                rest = &rest[at + 1..];
            }
        }
    }
    out.push((false, rest.to_string()));
    out.into_iter()
        .filter(|(p, t)| *p || !t.is_empty())
        .collect()
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    /// The connection was closed right after the answer.
    closed_after: bool,
}

/// Sends raw bytes on a new connection; `None` if it closed without any answer.
fn exchange(port: u16, raw: &[u8], watch_close: bool) -> Option<Answer> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(raw).unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut content_type = None;
    let mut length = None;
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        match k.to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(v.trim().to_string()),
            "content-length" => length = Some(v.trim().parse::<usize>().unwrap()),
            _ => {}
        }
    }
    let head_only = raw.starts_with(b"HEAD ");
    let mut body = vec![0; if head_only { 0 } else { length.unwrap_or(0) }];
    r.read_exact(&mut body).unwrap();
    let closed_after = watch_close && {
        r.get_ref()
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut one = [0u8; 1];
        matches!(r.read(&mut one), Ok(0))
    };
    Some(Answer {
        status,
        content_type,
        body,
        closed_after,
    })
}

fn admin(port: u16, method: &str, path: &str, body: &str) -> J {
    let raw = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let a = exchange(port, raw.as_bytes(), false).expect("admin answers");
    assert_eq!(
        a.status,
        200,
        "{method} {path}: {}",
        String::from_utf8_lossy(&a.body)
    );
    serde_json::from_slice(&a.body).unwrap()
}

struct Replay {
    port: u16,
    scenario: String,
    placeholders: HashMap<String, String>,
    ids: HashMap<String, String>,
    failures: Vec<String>,
}

impl Replay {
    fn live_ids(&self) -> impl Iterator<Item = &String> {
        self.ids.values()
    }

    /// Recorded ids in a string, replaced by their live ids.
    fn substitute(&mut self, text: &str, resolve: bool) -> String {
        let mut out = String::new();
        let mut token = String::new();
        let flush = |token: &mut String, out: &mut String, me: &mut Replay| {
            if is_generated_id(token) {
                if resolve && !me.ids.contains_key(token.as_str()) {
                    me.resolve_unseen(token);
                }
                out.push_str(me.ids.get(token.as_str()).unwrap_or(token));
            } else {
                out.push_str(token);
            }
            token.clear();
        };
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                token.push(c);
            } else {
                flush(&mut token, &mut out, self);
                out.push(c);
            }
        }
        flush(&mut token, &mut out, self);
        out
    }

    /// An id the recorder saw but no answer showed: the newest unmapped row of its kind.
    fn resolve_unseen(&mut self, recorded: &str) {
        let store = admin(
            self.port,
            "GET",
            &format!("/__admin/scenarios/{}/store", self.scenario),
            "",
        );
        let (table, prefix) = if recorded.starts_with("ccfg_") {
            (
                "connector_configs",
                recorded.rsplit_once('_').unwrap().0.to_string() + "_",
            )
        } else if recorded.starts_with("conn_") {
            (
                "connections",
                recorded.rsplit_once('_').unwrap().0.to_string() + "_",
            )
        } else {
            return;
        };
        if let Some(J::Arr(rows)) = store.get(table) {
            let taken: Vec<String> = self.live_ids().cloned().collect();
            if let Some(id) = rows
                .iter()
                .filter_map(|r| r.get("id").and_then(J::str))
                .find(|id| id.starts_with(&prefix) && !taken.iter().any(|t| t == id))
            {
                self.ids.insert(recorded.to_string(), id.to_string());
            }
        }
    }

    fn fill(&mut self, text: &str, line: usize) -> String {
        let mut out = String::new();
        for (is_ph, part) in placeholder_parts(text) {
            if is_ph {
                match self.placeholders.get(&part) {
                    Some(v) => out.push_str(v),
                    None => {
                        self.failures
                            .push(format!("line {line}: placeholder {part} was never learnt"));
                        out.push_str(&part);
                    }
                }
            } else {
                out.push_str(&self.substitute(&part, true));
            }
        }
        out
    }

    fn fill_json(&mut self, v: &J, line: usize) -> J {
        match v {
            J::Str(s) => J::Str(self.fill(s, line)),
            J::Arr(items) => J::Arr(items.iter().map(|x| self.fill_json(x, line)).collect()),
            J::Obj(f) => J::Obj(
                f.iter()
                    .map(|(k, x)| (k.clone(), self.fill_json(x, line)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn learn(
        &mut self,
        map_is_ids: bool,
        recorded: &str,
        live: &str,
        at: &str,
        errs: &mut Vec<String>,
    ) {
        let map = if map_is_ids {
            &mut self.ids
        } else {
            &mut self.placeholders
        };
        match map.get(recorded) {
            Some(known) if known == live => {}
            Some(known) => errs.push(format!(
                "{at}: {recorded} was {known:?} before, now {live:?}"
            )),
            None => {
                if let Some((other, _)) = map.iter().find(|(_, v)| *v == live) {
                    errs.push(format!(
                        "{at}: {recorded} has the same live value as {other}: {live:?}"
                    ));
                }
                map.insert(recorded.to_string(), live.to_string());
            }
        }
    }

    /// Compares a recorded value with the live one, learning placeholders and ids.
    fn compare(
        &mut self,
        rec: &J,
        live: &J,
        at: &str,
        extra: Option<usize>,
        errs: &mut Vec<String>,
    ) {
        match (rec, live) {
            (J::Str(r), J::Str(l))
                if r.contains('<') && placeholder_parts(r).iter().any(|(p, _)| *p) =>
            {
                // Literal parts must match in order; each placeholder takes what lies between.
                let parts = placeholder_parts(r);
                let mut rest = l.as_str();
                for (i, (is_ph, part)) in parts.iter().enumerate() {
                    if !is_ph {
                        let expected = self.substitute(part, false);
                        match rest.strip_prefix(expected.as_str()) {
                            Some(r2) => rest = r2,
                            None => {
                                errs.push(format!("{at}: {l:?} does not match {r:?}"));
                                return;
                            }
                        }
                    } else {
                        let end = match parts.get(i + 1) {
                            Some((false, lit)) => rest
                                .find(self.substitute(lit, false).as_str())
                                .unwrap_or(rest.len()),
                            _ => rest.len(),
                        };
                        let value = rest[..end].to_string();
                        rest = &rest[end..];
                        self.learn(false, part, &value, at, errs);
                    }
                }
                if !rest.is_empty() {
                    errs.push(format!("{at}: {l:?} has more than {r:?}"));
                }
            }
            (J::Str(r), J::Str(l)) if is_generated_id(r) => {
                let same_kind = l.rsplit_once('_').map(|x| x.0) == r.rsplit_once('_').map(|x| x.0)
                    || (r.starts_with("cus_") && l.starts_with("cus_"))
                    || (r.starts_with("evt_") && l.starts_with("evt_"));
                if !is_generated_id(l) || !same_kind {
                    errs.push(format!("{at}: expected an id like {r:?}, got {l:?}"));
                } else {
                    self.learn(true, r, l, at, errs);
                }
            }
            // Any timestamp of the same kind will do (only the kind is compared).
            (J::Str(r), J::Str(l)) if timestamp_kind(r).is_some() => match timestamp_kind(l) {
                kind if kind == timestamp_kind(r) => {}
                _ => errs.push(format!(
                    "{at}: expected a {} timestamp, got {l:?}",
                    timestamp_kind(r).unwrap_or_default()
                )),
            },
            (J::Str(r), J::Str(l)) => {
                let expected = self.substitute(r, false);
                if expected != *l {
                    errs.push(format!(
                        "{at}: expected {:?}, got {:?}",
                        short(&expected),
                        short(l)
                    ));
                }
            }
            (J::Num(r), J::Num(l)) if r != l => errs.push(format!("{at}: expected {r}, got {l}")),
            (J::Bool(r), J::Bool(l)) if r != l => errs.push(format!("{at}: expected {r}, got {l}")),
            (J::Arr(r), J::Arr(l)) => {
                let want = r.len() + extra.unwrap_or(0);
                if l.len() != want {
                    errs.push(format!("{at}: expected {want} items, got {}", l.len()));
                }
                for (i, (a, b)) in r.iter().zip(l).enumerate() {
                    self.compare(a, b, &format!("{at}[{i}]"), None, errs);
                }
            }
            (J::Obj(r), J::Obj(l)) => {
                // An abbreviated connector: {"name": X, "has_schemas": B}.
                if let (Some(J::Bool(has)), 2) = (rec.get("has_schemas"), r.len()) {
                    if live.get("name") != rec.get("name") || live.get("schemas").is_some() != *has
                    {
                        errs.push(format!(
                            "{at}: expected connector {} with schemas={has}",
                            rec.get("name").unwrap().render()
                        ));
                    }
                    return;
                }
                let rk: Vec<&str> = r.iter().map(|(k, _)| k.as_str()).collect();
                let lk: Vec<&str> = l.iter().map(|(k, _)| k.as_str()).collect();
                if rk != lk {
                    errs.push(format!("{at}: keys {lk:?}, expected {rk:?}"));
                }
                for (k, rv) in r {
                    if let Some((_, lv)) = l.iter().find(|(lk, _)| lk == k) {
                        let list_extra = if at.is_empty() && (k == "items" || k == "list") {
                            extra
                        } else {
                            None
                        };
                        self.compare(rv, lv, &format!("{at}.{k}"), list_extra, errs);
                    }
                }
            }
            (r, l) if r.kind() != l.kind() => errs.push(format!(
                "{at}: expected {} {}, got {}",
                r.kind(),
                short(&r.render()),
                short(&l.render())
            )),
            _ => {}
        }
    }
}

/// How many list items the recording left out (from the note).
fn left_out(note: &str) -> Option<usize> {
    if let Some(at) = note.find("(...") {
        return note[at + 4..].split(' ').next()?.parse().ok();
    }
    if let Some(at) = note.find("cut to ") {
        let words: Vec<&str> = note[at + 7..].split(' ').collect();
        let (k, m): (usize, usize) = (words.first()?.parse().ok()?, words.get(2)?.parse().ok()?);
        return Some(m - k);
    }
    None
}

/// The `exp` claim of a JWT (seconds).
fn jwt_exp(token: &str) -> Option<f64> {
    let payload = token.split('.').nth(1)?;
    let mut bytes = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in payload.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
        }
    }
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims["exp"].as_f64()
}

#[test]
fn replays_the_recorded_transcript() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openint-testserver"))
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    let server = Server {
        port: info["port"].as_u64().unwrap() as u16,
        child,
    };
    let port = server.port;
    let scn = admin(
        port,
        "POST",
        "/__admin/scenarios",
        r#"{"registry":"real","connector_auth":"real","v2_alias":false}"#,
    );
    let mut rp = Replay {
        port,
        scenario: scn.get("id").and_then(J::str).unwrap().to_string(),
        placeholders: HashMap::new(),
        ids: HashMap::new(),
        failures: Vec::new(),
    };
    rp.placeholders.insert(
        "<org-key>".into(),
        scn.get("org_key").and_then(J::str).unwrap().to_string(),
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/openint/fixtures/v1-transcript.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("read the transcript");
    let mut passed = 0;
    let mut total = 0;
    let started = Instant::now();
    for (i, raw_line) in text.lines().enumerate() {
        let n = i + 1;
        total += 1;
        let ex: J = serde_json::from_str(raw_line).unwrap_or_else(|e| panic!("line {n}: {e}"));
        let note = ex.get("note").and_then(J::str).unwrap_or("").to_string();
        let req = ex.get("request").unwrap();
        let resp = ex.get("response").unwrap();
        let method = req.get("method").and_then(J::str).unwrap();
        let mut errs = Vec::new();

        // Events the recorder wrote straight into the database.
        if let Some(J::Arr(items)) = resp.get("body").and_then(|b| b.get("items")) {
            for item in items {
                let (Some(id), Some("debug.debug")) = (
                    item.get("id").and_then(J::str),
                    item.get("name").and_then(J::str),
                ) else {
                    continue;
                };
                if !rp.ids.contains_key(id) {
                    let done = admin(
                        port,
                        "POST",
                        &format!("/__admin/scenarios/{}/mutate", rp.scenario),
                        r#"{"table":"event","insert":1,"where":"front"}"#,
                    );
                    if let Some(J::Arr(ins)) = done.get("inserted") {
                        rp.ids
                            .insert(id.to_string(), ins[0].str().unwrap().to_string());
                    }
                }
            }
        }

        let target = rp.fill(req.get("path_and_query").and_then(J::str).unwrap(), n);
        let mut head = format!(
            "{method} /s/{}{target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n",
            rp.scenario
        );
        let mut has_json_ct = false;
        let mut bearer = None;
        if let Some(J::Obj(headers)) = req.get("headers") {
            for (k, v) in headers {
                let value = rp.fill(v.str().unwrap(), n);
                if k.eq_ignore_ascii_case("content-type") && value.starts_with("application/json") {
                    has_json_ct = true;
                }
                if k.eq_ignore_ascii_case("authorization") {
                    bearer = value.strip_prefix("Bearer ").map(str::to_string);
                }
                head.push_str(&format!("{k}: {value}\r\n"));
            }
        }
        // A token the recording shows as expired is used after its exp.
        let expired = resp
            .get("body")
            .and_then(|b| b.get("message"))
            .and_then(J::str)
            .is_some_and(|m| m.contains("JWTExpired"));
        if let (true, Some(exp)) = (expired, bearer.as_deref().and_then(jwt_exp)) {
            loop {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_secs_f64();
                if now.floor() >= exp {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let is_raw = req.get("body_is_raw_text") == Some(&J::Bool(true));
        let body: Option<String> = match req.get("body") {
            Some(J::Str(s)) if is_raw => Some(rp.fill(s, n)),
            // `null` is sent as JSON text only with a JSON Content-Type (otherwise: no body).
            Some(J::Null) | None => (has_json_ct && !matches!(method, "GET" | "HEAD" | "OPTIONS"))
                .then(|| "null".to_string()),
            Some(v) => Some(rp.fill_json(v, n).render()),
        };
        let mut raw = head.into_bytes();
        if let Some(b) = &body {
            raw.extend_from_slice(format!("Content-Length: {}\r\n\r\n{b}", b.len()).as_bytes());
        } else {
            raw.extend_from_slice(b"\r\n");
        }
        let exited_after = resp.get("server_exited_after_response") == Some(&J::Bool(true));
        let answer = exchange(port, &raw, exited_after);
        match (resp.get("error"), answer) {
            (Some(_), None) => {}
            (Some(_), Some(a)) => errs.push(format!(
                "the real server dropped the connection; this one answered {} {}",
                a.status,
                short(&String::from_utf8_lossy(&a.body))
            )),
            (None, None) => errs.push("no answer (connection closed)".into()),
            (None, Some(a)) => {
                let want = resp.get("status").map(J::render).unwrap_or_default();
                let want_ct = resp
                    .get("headers")
                    .and_then(|h| h.get("content-type"))
                    .and_then(J::str);
                let body_text = String::from_utf8_lossy(&a.body).to_string();
                if want != a.status.to_string() {
                    errs.push(format!(
                        "status {}, expected {want}: {}",
                        a.status,
                        short(&body_text)
                    ));
                } else {
                    if want_ct != a.content_type.as_deref() {
                        errs.push(format!(
                            "Content-Type {:?}, expected {want_ct:?}",
                            a.content_type
                        ));
                    }
                    if exited_after && !a.closed_after {
                        errs.push("the connection stayed open after the answer".into());
                    }
                    match resp.get("body") {
                        // A text body (the plain-text 404) must be the same text.
                        Some(J::Str(rec)) => match rec == &body_text {
                            true => {}
                            false => {
                                errs.push(format!("body {:?}, expected {rec:?}", short(&body_text)))
                            }
                        },
                        Some(rec) => match serde_json::from_slice::<J>(&a.body) {
                            Err(e) => {
                                errs.push(format!("body is not JSON ({e}): {}", short(&body_text)))
                            }
                            Ok(live) => {
                                if let (Some(rc), lc) = (rec.get("code"), live.get("code")) {
                                    if Some(rc) != lc {
                                        errs.push(format!(
                                            "code {}, expected {}",
                                            lc.map_or("none".into(), J::render),
                                            rc.render()
                                        ));
                                    }
                                }
                                rp.compare(rec, &live, "", left_out(&note), &mut errs);
                            }
                        },
                        None => {}
                    }
                }
            }
        }
        if errs.is_empty() {
            passed += 1;
        } else {
            let more = errs.len().saturating_sub(5);
            if more > 0 {
                errs.truncate(5);
                errs.push(format!("... and {more} more differences in this answer"));
            }
            for e in errs {
                rp.failures.push(format!(
                    "line {n} ({method} {}: {note}): {e}",
                    req.get("path_and_query").and_then(J::str).unwrap()
                ));
            }
        }
    }
    println!(
        "replayed {total} recorded exchanges in {:.1} s: {passed} match, {} differ",
        started.elapsed().as_secs_f64(),
        total - passed
    );
    assert!(
        rp.failures.is_empty(),
        "{} of {total} exchanges differ from the recording:\n{}",
        total - passed,
        rp.failures.join("\n")
    );
}
