//! Request parameters: validation (before any request) and query encoding.
//!
//! The query rules come from API-NOTES: arrays are comma-joined (bracket keys are silently
//! ignored by the server), empty arrays are left out (an empty `connector_names=` matches
//! nothing), and booleans are sent only when true (the server reads `false` as true).

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::time::Duration;

/// The largest `limit` the server accepts.
pub const MAX_LIMIT: u32 = 3000;

/// Values of `expand` on `GET /connector`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expand {
    Schemas,
}

impl Expand {
    pub fn as_str(self) -> &'static str {
        match self {
            Expand::Schemas => "schemas",
        }
    }

    pub fn parse(s: &str) -> Result<Expand> {
        match s {
            "schemas" => Ok(Expand::Schemas),
            other => Err(Error::invalid(format!(
                "params: \"expand\" has unknown value {other:?} (allowed: \"schemas\")"
            ))),
        }
    }
}

/// Parameters of `GET /connector` ("List connectors").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListConnectorsParams {
    /// Page size, 0..=3000. `None` lets the server choose (50).
    pub limit: Option<u32>,
    /// Items to skip. `None` means 0.
    pub offset: Option<u64>,
    pub expand: Vec<Expand>,
}

impl ListConnectorsParams {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    pub fn expand(mut self, expand: Expand) -> Self {
        if !self.expand.contains(&expand) {
            self.expand.push(expand);
        }
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(limit) = self.limit {
            if limit > MAX_LIMIT {
                return Err(Error::invalid(format!(
                    "params: \"limit\" must be an integer from 0 to {MAX_LIMIT}, got {limit}"
                )));
            }
        }
        Ok(())
    }

    /// The query of the first page (the pagination engine replaces `offset` later).
    pub(crate) fn query(&self) -> Query {
        let mut q = Query::default();
        q.int("limit", self.limit.map(u64::from));
        q.int("offset", self.offset);
        q.array("expand", self.expand.iter().map(|e| e.as_str()));
        q
    }

    /// Parses the C ABI's JSON text, e.g. `{"limit":100,"expand":["schemas"],"timeout":2.5}`.
    /// `timeout` is not a server parameter: it bounds each call (attempts and retries included).
    pub fn from_json(text: Option<&str>) -> Result<(ListConnectorsParams, CallOptions)> {
        let mut args = JsonArgs::parse("params", text)?;
        let params = ListConnectorsParams {
            limit: args.u64("limit", u64::from(MAX_LIMIT))?.map(|l| l as u32),
            offset: args.u64("offset", i64::MAX as u64)?,
            expand: args
                .strings("expand")?
                .unwrap_or_default()
                .iter()
                .try_fold(Vec::new(), |mut all, s| {
                    // Repeats are dropped: the spec's validators reject `expand=schemas,schemas`.
                    let e = Expand::parse(s)?;
                    if !all.contains(&e) {
                        all.push(e);
                    }
                    Ok::<_, Error>(all)
                })?,
        };
        let call = CallOptions {
            timeout: args.seconds("timeout")?,
        };
        args.finish(&["limit", "offset", "expand", "timeout"])?;
        Ok((params, call))
    }
}

/// Per-call options that are not sent to the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// A deadline for the whole call, retries and back-off included (for example the time
    /// left on a Go context). `None` uses the client's `total_timeout`, if any.
    pub timeout: Option<Duration>,
}

/// An ordered query string builder that applies the server's encoding rules in one place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pairs: Vec<(&'static str, String)>,
}

impl Query {
    pub(crate) fn int(&mut self, key: &'static str, value: Option<u64>) {
        if let Some(v) = value {
            self.set(key, v.to_string());
        }
    }

    /// Comma-joined; left out when empty.
    pub(crate) fn array<'a>(&mut self, key: &'static str, values: impl Iterator<Item = &'a str>) {
        let joined = values.collect::<Vec<_>>().join(",");
        if !joined.is_empty() {
            self.set(key, joined);
        }
    }

    /// Sent only when true: the server treats any non-empty value, `false` included, as true.
    #[allow(dead_code)] // no boolean parameter on GET /connector yet; the rule lives here.
    pub(crate) fn flag(&mut self, key: &'static str, value: bool) {
        if value {
            self.set(key, "true".to_string());
        }
    }

    pub(crate) fn set(&mut self, key: &'static str, value: String) {
        match self.pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((key, value)),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `k=v&k=v`, percent-encoded (`,` stays literal so arrays read as the server expects).
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(k);
            out.push('=');
            percent_encode(v, &mut out);
        }
        out
    }
}

fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

/// Reads a JSON object argument key by key, so every error names the key, and any key left
/// unread at `finish` is reported as unknown. Shared by params and client options.
pub(crate) struct JsonArgs {
    what: &'static str,
    map: Map<String, Value>,
}

impl JsonArgs {
    pub(crate) fn parse(what: &'static str, text: Option<&str>) -> Result<JsonArgs> {
        let map = match text.map(str::trim) {
            None | Some("") => Map::new(),
            Some(t) => match serde_json::from_str::<Value>(t) {
                Ok(Value::Object(m)) => m,
                Ok(Value::Null) => Map::new(),
                Ok(other) => {
                    return Err(Error::invalid(format!(
                        "{what} must be a JSON object, got {}",
                        type_name(&other)
                    )))
                }
                Err(e) => return Err(Error::invalid(format!("{what} is not valid JSON: {e}"))),
            },
        };
        Ok(JsonArgs { what, map })
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    fn wrong(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::invalid(format!(
            "{}: {key:?} must be {expected}, got {}",
            self.what,
            describe(got)
        ))
    }

    pub(crate) fn u64(&mut self, key: &str, max: u64) -> Result<Option<u64>> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        match v.as_u64() {
            Some(n) if n <= max => Ok(Some(n)),
            _ => Err(self.wrong(key, &format!("an integer from 0 to {max}"), &v)),
        }
    }

    /// A positive, finite number of seconds.
    pub(crate) fn seconds(&mut self, key: &str) -> Result<Option<Duration>> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        match v.as_f64() {
            Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Ok(Some(Duration::from_secs_f64(s))),
            _ => Err(self.wrong(key, "a positive number of seconds", &v)),
        }
    }

    pub(crate) fn string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(key, "a string", &v)),
        }
    }

    /// An array of strings (a single string is accepted as a one-element array).
    pub(crate) fn strings(&mut self, key: &str) -> Result<Option<Vec<String>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(vec![s])),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => out.push(s),
                        other => return Err(self.wrong(key, "an array of strings", &other)),
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(self.wrong(key, "an array of strings", &v)),
        }
    }

    /// An object whose values are all strings.
    pub(crate) fn string_map(&mut self, key: &str) -> Result<Option<Vec<(String, String)>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(m)) => {
                let mut out = Vec::with_capacity(m.len());
                for (k, v) in m {
                    match v {
                        Value::String(s) => out.push((k, s)),
                        other => return Err(self.wrong(&format!("{key}.{k}"), "a string", &other)),
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(self.wrong(key, "an object of strings", &v)),
        }
    }

    pub(crate) fn finish(self, known: &[&str]) -> Result<()> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(Error::invalid(format!(
                "{}: unknown key {k:?} (known keys: {})",
                self.what,
                known.join(", ")
            ))),
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short description of a wrong value, for error messages (never the whole value).
fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) if s.chars().count() <= 40 => format!("{s:?}"),
        other => type_name(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_encoding_follows_the_server_rules() {
        let p = ListConnectorsParams::new().limit(7).expand(Expand::Schemas);
        assert_eq!(p.query().encode(), "limit=7&expand=schemas");
        assert_eq!(ListConnectorsParams::new().query().encode(), "");
        let mut q = Query::default();
        q.array("connector_names", ["hubspot", "salesforce"].into_iter());
        q.array("expand", std::iter::empty());
        q.flag("include_secrets", false);
        q.flag("include_prompt", true);
        q.set("x", "a b&c".into());
        assert_eq!(
            q.encode(),
            "connector_names=hubspot,salesforce&include_prompt=true&x=a%20b%26c"
        );
    }

    /// Random argument objects (and some broken text) never panic the parsers: each one
    /// parses or is an invalid-argument error.
    #[test]
    fn arbitrary_argument_text_never_panics() {
        const KEYS: &[&str] = &[
            "limit",
            "offset",
            "expand",
            "timeout",
            "token",
            "base_url",
            "max_retries",
            "connect_timeout",
            "total_timeout",
            "max_body_bytes",
            "default_headers",
            "zzz",
        ];
        const VALUES: &[&str] = &[
            "-1",
            "0",
            "7",
            "3000",
            "3001",
            "1e400",
            "1.5",
            "-0.0",
            "18446744073709551616",
            "null",
            "true",
            "\"x\"",
            "\"schemas\"",
            "[\"schemas\"]",
            "[\"schemas\",\"schemas\"]",
            "[1]",
            "[]",
            "{}",
            "{\"X-A\":\"b\"}",
            "{\"A B\":\"c\"}",
            "\"\\u0000\"",
            "\"http://127.0.0.1:1/v1\"",
            "\"\u{1F680}\"",
            "[[[]]]",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut ok, mut invalid) = (0, 0);
        for round in 0..20_000 {
            let entries: Vec<String> = (0..next(4))
                .map(|_| {
                    format!(
                        "\"{}\":{}",
                        KEYS[next(KEYS.len())],
                        VALUES[next(VALUES.len())]
                    )
                })
                .collect();
            let mut text = format!("{{{}}}", entries.join(","));
            if round % 10 == 0 {
                let mut cut = next(text.len() + 1); // broken JSON too
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
            }
            match ListConnectorsParams::from_json(Some(&text)) {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
                    assert!(e.message().starts_with("params"), "{text}: {e}");
                    invalid += 1;
                }
            }
            if let Err(e) = crate::ClientOptions::from_json(Some(&text)) {
                assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
            }
        }
        assert!(
            ok > 1000 && invalid > 1000,
            "the generator covers both: {ok} ok, {invalid} invalid"
        );
    }

    #[test]
    fn json_params_are_validated_by_key() {
        let (p, c) = ListConnectorsParams::from_json(Some(
            r#"{"limit":100,"expand":["schemas"],"offset":3,"timeout":1.5}"#,
        ))
        .unwrap();
        assert_eq!(
            p,
            ListConnectorsParams::new()
                .limit(100)
                .offset(3)
                .expand(Expand::Schemas)
        );
        assert_eq!(c.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(
            ListConnectorsParams::from_json(None).unwrap().0,
            ListConnectorsParams::new()
        );
        let err = |t: &str| ListConnectorsParams::from_json(Some(t)).unwrap_err();
        for (text, needle) in [
            (r#"{"limit":5000}"#, "\"limit\""),
            (r#"{"limit":-1}"#, "\"limit\""),
            (r#"{"limit":"x"}"#, "\"limit\""),
            (r#"{"limit":1.5}"#, "\"limit\""),
            (r#"{"offset":-3}"#, "\"offset\""),
            (r#"{"expand":["bogus"]}"#, "\"bogus\""),
            (r#"{"expand":[1]}"#, "\"expand\""),
            (r#"{"limt":5}"#, "unknown key \"limt\""),
            (r#"{"timeout":0}"#, "\"timeout\""),
            (r#"[1]"#, "JSON object"),
            (r#"{"limit":"#, "not valid JSON"),
        ] {
            let e = err(text);
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
            assert!(e.message().contains(needle), "{text}: {}", e.message());
        }
    }
}
