//! Parameters: validation against the operation table (before any request), encoding by the
//! server's rules, and per-call options.
//!
//! The encoding rules come from the recorded server (docs/API-BEHAVIOUR.md): path parameters are
//! percent-encoded; query arrays are comma-joined (bracket keys are silently ignored by the
//! server) and never sent empty; booleans are sent only when true (the server reads `false` as
//! true); every non-GET request carries `Content-Type: application/json` and a JSON object body,
//! at least `{}` (without them the server crashes or answers PARSE_ERROR).

use crate::cancel::CancelToken;
use crate::error::{Error, Result};
use crate::operations::{self, Body, Location, Method, Operation, Param, Retry, Type};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::time::Duration;

/// The largest `limit` the server accepts.
pub const MAX_LIMIT: u32 = 3000;

/// The shortest and longest timeouts accepted anywhere (client options and per call alike).
const MIN_TIMEOUT_SECS: f64 = 0.001;
const MAX_TIMEOUT_SECS: f64 = 1e9;

/// Options for one call (and for every page fetch of a listing), on top of the client's.
/// Every field is optional; `Default` changes nothing.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    /// A deadline for the whole call: every attempt, and the waits between them.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (replaces the client's `max_retries`).
    pub max_retries: Option<u32>,
    /// Headers to add or replace (`Some`) or remove (`None`), after the client's defaults.
    pub extra_headers: Vec<(String, Option<String>)>,
    /// Query parameters added after the operation's own (a repeated key replaces it).
    pub extra_query: Vec<(String, String)>,
    /// Fields merged into the JSON body (a repeated key replaces the operation's value).
    pub extra_body: Map<String, Value>,
    /// `Some(true)`: retry like a GET even when the request may have reached the server;
    /// `Some(false)`: only when it provably did not, or the server asked (429, 503,
    /// `x-should-retry: true`); `None`: the operation's own rule (see `operations::Retry`).
    pub retry_unsafe: Option<bool>,
    /// Lets `extra_headers` set `Authorization` (refused otherwise: the token option sets it).
    pub allow_authorization_header: bool,
    /// Stops the call when fired, from any thread.
    pub cancel: Option<CancelToken>,
    /// For listings: pages requested at once (1 = one after the other). Default: the client's.
    pub prefetch: Option<usize>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), Some(value.into())));
        self
    }
    pub fn remove_header(mut self, name: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), None));
        self
    }
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.push((key.into(), value.into()));
        self
    }
    pub fn body_field(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra_body.insert(key.into(), value);
        self
    }
    pub fn retry_unsafe(mut self, allow: bool) -> Self {
        self.retry_unsafe = Some(allow);
        self
    }
    pub fn cancel(mut self, token: CancelToken) -> Self {
        self.cancel = Some(token);
        self
    }
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = Some(pages);
        self
    }

    /// `self`, with the options `over` sets taken from it (extra fields are appended).
    pub(crate) fn merged(&self, over: &RequestOptions) -> RequestOptions {
        let mut m = self.clone();
        m.timeout = over.timeout.or(m.timeout);
        m.max_retries = over.max_retries.or(m.max_retries);
        m.extra_headers.extend(over.extra_headers.iter().cloned());
        m.extra_query.extend(over.extra_query.iter().cloned());
        m.extra_body
            .extend(over.extra_body.iter().map(|(k, v)| (k.clone(), v.clone())));
        m.retry_unsafe = over.retry_unsafe.or(m.retry_unsafe);
        m.allow_authorization_header |= over.allow_authorization_header;
        m.cancel = over.cancel.clone().or(m.cancel);
        m.prefetch = over.prefetch.or(m.prefetch);
        m
    }

    /// Parses the C ABI's options JSON, e.g.
    /// `{"timeout":2.5,"max_retries":0,"extra_headers":{"X-A":"1","X-B":null},
    ///   "extra_query":{"k":"v"},"extra_body":{"f":1},"retry_unsafe":true,"prefetch":4}`.
    /// The cancel token comes as a separate argument.
    pub fn from_json(text: Option<&str>) -> Result<RequestOptions> {
        let mut args = JsonArgs::parse("options", text)?;
        let mut o = RequestOptions {
            timeout: args.seconds("timeout")?,
            max_retries: args.u64("max_retries", 100)?.map(|n| n as u32),
            ..RequestOptions::default()
        };
        if let Some(Value::Object(h)) = args.take_kind("extra_headers", "an object")? {
            for (k, v) in h {
                let value = match v {
                    Value::String(s) => Some(s),
                    Value::Null => None,
                    other => {
                        return Err(args.wrong(
                            &format!("extra_headers.{}", shown(&k)),
                            "a string, or null to remove the header",
                            &other,
                        ))
                    }
                };
                o.extra_headers.push((k, value));
            }
        }
        if let Some(Value::Object(q)) = args.take_kind("extra_query", "an object")? {
            for (k, v) in q {
                let value = match v {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(args.wrong(
                            &format!("extra_query.{}", shown(&k)),
                            "a string, number or boolean",
                            &other,
                        ))
                    }
                };
                o.extra_query.push((k, value));
            }
        }
        if let Some(Value::Object(b)) = args.take_kind("extra_body", "an object")? {
            o.extra_body = b;
        }
        o.retry_unsafe = args.boolean("retry_unsafe")?;
        o.allow_authorization_header = args.boolean("allow_authorization_header")?.unwrap_or(false);
        o.prefetch = args.u64("prefetch", 64)?.map(|n| n as usize);
        if o.prefetch == Some(0) {
            return Err(Error::invalid(
                "options: \"prefetch\" must be an integer from 1 to 64, got 0",
            ));
        }
        args.finish(&[
            "timeout",
            "max_retries",
            "extra_headers",
            "extra_query",
            "extra_body",
            "retry_unsafe",
            "allow_authorization_header",
            "prefetch",
        ])?;
        Ok(o)
    }
}

/// A request ready to send: what the executor made of an operation and its parameters.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub method: Method,
    /// Relative to the base URL, path parameters encoded.
    pub path: String,
    pub query: Query,
    /// JSON text, for every method but GET.
    pub body: Option<Vec<u8>>,
    pub retry: Retry,
    /// Extra headers of the call (validated; `Authorization` only when the call allowed it).
    pub headers: Vec<(String, Option<String>)>,
}

/// Validates `params` (a JSON object of path, query and body parameters by name, as the
/// official SDKs flatten them) against `op`, then encodes the request. Every error names the
/// operation and the parameter, and comes before any request.
pub(crate) fn prepare(
    op: &'static Operation,
    params: Map<String, Value>,
    opts: &RequestOptions,
) -> Result<Prepared> {
    let mut path = op.path.to_string();
    let mut query = Query::default();
    let mut body = Map::new();
    let mut given = params;

    for param in op.params {
        let value = given.remove(param.name);
        let value = match value {
            None | Some(Value::Null) if !param.nullable || param.location != Location::Body => {
                if value.is_some() && param.location != Location::Query {
                    return Err(invalid(
                        op,
                        param,
                        "must not be null (leave it out instead)",
                    ));
                }
                if param.required {
                    return Err(Error::invalid(format!(
                        "{}: missing required parameter {:?}",
                        op.id, param.name
                    )));
                }
                continue;
            }
            None => continue,
            Some(v) => v,
        };
        if !(value.is_null() && param.nullable) {
            check(op, param, &value)?;
        }
        match param.location {
            Location::Path => {
                if value.as_str().is_some_and(str::is_empty) {
                    return Err(invalid(
                        op,
                        param,
                        "must not be empty (it is a path segment)",
                    ));
                }
                let encoded = encode_path_segment(value.as_str().unwrap_or_default());
                path = path.replace(&format!("{{{}}}", param.name), &encoded);
            }
            Location::Query => encode_query(&mut query, param, &value),
            Location::Body => {
                body.insert(param.name.to_string(), value);
            }
        }
    }
    if let Some(key) = given.keys().next() {
        if op.body != Body::AnyObject {
            let known: Vec<&str> = op.params.iter().map(|p| p.name).collect();
            return Err(Error::invalid(format!(
                "{}: unknown parameter {} (known: {})",
                op.id,
                shown(key),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        // healthEcho, handleWebhook: everything else is the body, as given.
        body.extend(given);
    }
    for (k, v) in &opts.extra_query {
        query.set(Cow::Owned(k.clone()), v.clone());
    }
    let headers = check_headers(
        "extra_headers",
        &opts.extra_headers,
        opts.allow_authorization_header,
    )?;
    let body = (op.method != Method::Get).then(|| {
        body.extend(opts.extra_body.iter().map(|(k, v)| (k.clone(), v.clone())));
        serde_json::to_vec(&Value::Object(body)).unwrap_or_else(|_| b"{}".to_vec())
    });
    Ok(Prepared {
        method: op.method,
        path,
        query,
        body,
        retry: op.retry,
        headers,
    })
}

/// A request outside the table (the raw escape hatch): `path` is relative to the base URL
/// and used as given (the caller encodes it), `query` values are sent as strings.
pub(crate) fn prepare_raw(
    method: &str,
    path: &str,
    query: Map<String, Value>,
    body: Option<Value>,
    opts: &RequestOptions,
) -> Result<Prepared> {
    let m = Method::parse(method).ok_or_else(|| {
        Error::invalid(format!(
            "raw request: method {} is not one of GET, POST, PUT, DELETE",
            shown(method)
        ))
    })?;
    if !path.starts_with('/') || path.bytes().any(|b| b <= b' ' || b == b'#' || b >= 0x7f) {
        return Err(Error::invalid(format!(
            "raw request: path {} must start with '/' and be URL-encoded (no spaces, '#' or control characters)",
            shown(path)
        )));
    }
    if path.contains('?') {
        return Err(Error::invalid(
            "raw request: put query parameters in the query object, not in the path",
        ));
    }
    let mut q = Query::default();
    for (k, v) in query {
        let s = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(true) => "true".into(),
            Value::Bool(false) | Value::Null => continue,
            Value::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| i.to_string())
                })
                .collect::<Vec<_>>()
                .join(","),
            Value::Object(_) => {
                return Err(Error::invalid(format!(
                    "raw request: query parameter {} must be a string, number, boolean or array",
                    shown(&k)
                )))
            }
        };
        q.set(Cow::Owned(k), s);
    }
    for (k, v) in &opts.extra_query {
        q.set(Cow::Owned(k.clone()), v.clone());
    }
    let body = if m == Method::Get {
        if body.as_ref().is_some_and(|b| !b.is_null()) {
            return Err(Error::invalid("raw request: a GET request has no body"));
        }
        None
    } else {
        let mut obj = match body {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(o)) => o,
            Some(_) => {
                return Err(Error::invalid(
                    "raw request: the body must be a JSON object (the server reads anything else oddly)",
                ))
            }
        };
        obj.extend(opts.extra_body.iter().map(|(k, v)| (k.clone(), v.clone())));
        Some(serde_json::to_vec(&Value::Object(obj)).unwrap_or_else(|_| b"{}".to_vec()))
    };
    Ok(Prepared {
        method: m,
        path: path.to_string(),
        query: q,
        body,
        // The table does not know this endpoint: retry it only if it cannot create anything.
        retry: if m == Method::Post {
            Retry::CreatesResource
        } else {
            Retry::Safe
        },
        headers: check_headers(
            "extra_headers",
            &opts.extra_headers,
            opts.allow_authorization_header,
        )?,
    })
}

fn invalid(op: &Operation, param: &Param, what: &str) -> Error {
    Error::invalid(format!("{}: parameter {:?} {what}", op.id, param.name))
}

fn check(op: &Operation, param: &Param, v: &Value) -> Result<()> {
    let wrong = |expected: String| {
        invalid(
            op,
            param,
            &format!("must be {expected}, got {}", describe(v)),
        )
    };
    match param.ty {
        Type::String => v
            .as_str()
            .map(|_| ())
            .ok_or_else(|| wrong("a string".into())),
        Type::NonEmptyString => match v.as_str() {
            Some(s) if !s.is_empty() => Ok(()),
            _ => Err(wrong("a non-empty string".into())),
        },
        Type::Id(prefix) => match v.as_str() {
            // The spec's pattern is `^prefix`: the bare prefix matches it too.
            Some(s) if s.starts_with(prefix) => Ok(()),
            _ => Err(wrong(format!("an id starting with {prefix:?}"))),
        },
        Type::Integer { min, max } => match v.as_i64() {
            Some(n) if n >= min && n <= max => Ok(()),
            _ if max == i64::MAX => Err(wrong(format!("an integer >= {min}"))),
            _ => Err(wrong(format!("an integer from {min} to {max}"))),
        },
        Type::Number { exclusive_min } => match v.as_f64() {
            Some(n) if n.is_finite() && !matches!(exclusive_min, Some(m) if n <= m) => Ok(()),
            _ => Err(match exclusive_min {
                Some(m) => wrong(format!("a number greater than {m}")),
                None => wrong("a number".into()),
            }),
        },
        Type::Boolean => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| wrong("true or false".into())),
        Type::Enum(allowed) => match v.as_str() {
            Some(s) if allowed.contains(&s) => Ok(()),
            _ => Err(wrong(format!("one of {}", quoted(allowed)))),
        },
        Type::EnumArray(allowed) => {
            for item in string_items(v).ok_or_else(|| wrong("an array of strings".into()))? {
                if !allowed.contains(&item) {
                    return Err(invalid(
                        op,
                        param,
                        &format!(
                            "has unknown value {} (allowed: {})",
                            shown(item),
                            quoted(allowed)
                        ),
                    ));
                }
            }
            Ok(())
        }
        Type::NameArray => {
            let items = string_items(v).ok_or_else(|| wrong("an array of names".into()))?;
            if items.is_empty() {
                return Err(invalid(
                    op,
                    param,
                    "is empty: leave it out to match every name (the server reads an empty list as \"match nothing\")",
                ));
            }
            if let Some(bad) = items.iter().find(|s| s.is_empty() || s.contains(',')) {
                return Err(invalid(
                    op,
                    param,
                    &format!(
                        "has {}: names are non-empty and contain no commas",
                        shown(bad)
                    ),
                ));
            }
            Ok(())
        }
        Type::Object => v
            .as_object()
            .map(|_| ())
            .ok_or_else(|| wrong("a JSON object".into())),
        Type::ConnectOptions => check_connect_options(op, param, v),
    }
}

/// `connect_options` of createToken: known keys only, each with its type.
fn check_connect_options(op: &Operation, param: &Param, v: &Value) -> Result<()> {
    let Some(obj) = v.as_object() else {
        return Err(invalid(
            op,
            param,
            &format!("must be a JSON object, got {}", describe(v)),
        ));
    };
    for (k, item) in obj {
        let ok = match k.as_str() {
            "return_url" => item.is_string(),
            "connector_names" => string_items(item).is_some_and(|i| !i.is_empty()),
            "view" => matches!(item.as_str(), Some("add" | "manage")),
            "debug" | "is_embedded" | "hide_navigation" => item.is_boolean(),
            _ => {
                return Err(invalid(
                    op,
                    param,
                    &format!(
                        "has unknown key {} (known: return_url, connector_names, view, debug, is_embedded, hide_navigation)",
                        shown(k)
                    ),
                ))
            }
        };
        if !ok {
            let expected = match k.as_str() {
                "return_url" => "a string",
                "connector_names" => "a non-empty array of connector names",
                "view" => "\"add\" or \"manage\"",
                _ => "true or false",
            };
            return Err(invalid(
                op,
                param,
                &format!("key \"{k}\" must be {expected}, got {}", describe(item)),
            ));
        }
    }
    Ok(())
}

/// The strings of an array (a single string counts as a one-element array).
fn string_items(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fn encode_query(query: &mut Query, param: &Param, v: &Value) {
    let key = Cow::Borrowed(param.name);
    match param.ty {
        Type::Boolean => {
            // Sent only when true: the server reads any value, `false` included, as true.
            if v.as_bool() == Some(true) {
                query.set(key, "true".into());
            }
        }
        Type::EnumArray(_) | Type::NameArray => {
            let mut items: Vec<&str> = Vec::new();
            for s in string_items(v).unwrap_or_default() {
                // Repeats are dropped: the server's validators reject `expand=a,a`.
                if !items.contains(&s) {
                    items.push(s);
                }
            }
            if !items.is_empty() {
                query.set(key, items.join(","));
            }
        }
        _ => {
            let s = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            query.set(key, s);
        }
    }
}

/// Percent-encodes a path segment, keeping RFC 3986 `pchar`s (so `user@example.com` stays as
/// typed). The server does not decode paths: an id with other characters is stored encoded.
fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b':'
            | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Validates header names and values (client defaults and per-call extras alike): a valid
/// token name, a visible-ASCII value. `Authorization` is refused unless allowed.
pub(crate) fn check_headers(
    what: &str,
    headers: &[(String, Option<String>)],
    allow_authorization: bool,
) -> Result<Vec<(String, Option<String>)>> {
    for (name, value) in headers {
        let valid_name = !name.is_empty()
            && name.len() <= 256
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !valid_name {
            return Err(Error::invalid(format!(
                "{what}: {} is not a valid header name",
                shown(name)
            )));
        }
        if name.eq_ignore_ascii_case("authorization") && !allow_authorization {
            return Err(Error::invalid(format!(
                "{what}: \"Authorization\" is set from the token; pass the token instead (or allow_authorization_header for this call)"
            )));
        }
        if let Some(v) = value {
            // Tab and visible ASCII only: anything else would fail every request later.
            if v.bytes()
                .any(|b| !(b == b'\t' || (0x20..0x7f).contains(&b)))
            {
                return Err(Error::invalid(format!(
                    "{what}: the value of {} has control or non-ASCII characters, which HTTP header values cannot carry",
                    shown(name)
                )));
            }
        }
    }
    Ok(headers.to_vec())
}

/// An ordered query string builder that applies the server's encoding rules in one place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pairs: Vec<(Cow<'static, str>, String)>,
}

impl Query {
    pub(crate) fn set(&mut self, key: Cow<'static, str>, value: String) {
        match self.pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((key, value)),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `k=v&k=v`, percent-encoded (`,` stays literal so arrays read as the server expects).
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            percent_encode(k, &mut out);
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
/// unread at `finish` is reported as unknown. Used for client and call options.
pub(crate) struct JsonArgs {
    what: &'static str,
    map: Map<String, Value>,
}

impl JsonArgs {
    pub(crate) fn parse(what: &'static str, text: Option<&str>) -> Result<JsonArgs> {
        Ok(JsonArgs {
            what,
            map: parse_object(what, text)?,
        })
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// The value of `key`, whatever it is (null counts as absent).
    pub(crate) fn take_value(&mut self, key: &str) -> Option<Value> {
        self.take(key)
    }

    /// The value of `key` if it has the JSON kind `expected` describes (object only for now).
    fn take_kind(&mut self, key: &str, expected: &str) -> Result<Option<Value>> {
        match self.take(key) {
            None => Ok(None),
            Some(v @ Value::Object(_)) => Ok(Some(v)),
            Some(v) => Err(self.wrong(key, expected, &v)),
        }
    }

    fn wrong(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::invalid(format!(
            "{}: {} must be {expected}, got {}",
            self.what,
            shown(key),
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

    pub(crate) fn boolean(&mut self, key: &str) -> Result<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(v) => Err(self.wrong(key, "true or false", &v)),
        }
    }

    /// A number of seconds from 0.001 to 1e9 (the same rule for every timeout).
    pub(crate) fn seconds(&mut self, key: &str) -> Result<Option<Duration>> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        seconds(v.as_f64().unwrap_or(f64::NAN))
            .map(Some)
            .ok_or_else(|| self.wrong(key, "a number of seconds from 0.001 to 1e9", &v))
    }

    pub(crate) fn string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(key, "a string", &v)),
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
                        other => {
                            return Err(self.wrong(
                                &format!("{key}.{}", shown(&k)),
                                "a string",
                                &other,
                            ))
                        }
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
                "{}: unknown key {} (known keys: {})",
                self.what,
                shown(k),
                known.join(", ")
            ))),
        }
    }
}

/// A timeout from a number of seconds, if it is in range.
pub(crate) fn seconds(s: f64) -> Option<Duration> {
    (s.is_finite() && (MIN_TIMEOUT_SECS..=MAX_TIMEOUT_SECS).contains(&s))
        .then(|| Duration::from_secs_f64(s))
}

/// The JSON object in `text` (NULL, empty or `null` is an empty object).
pub(crate) fn parse_object(what: &str, text: Option<&str>) -> Result<Map<String, Value>> {
    match text.map(str::trim) {
        None | Some("") => Ok(Map::new()),
        Some(t) => match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(Value::Null) => Ok(Map::new()),
            Ok(other) => Err(Error::invalid(format!(
                "{what} must be a JSON object, got {}",
                type_name(&other)
            ))),
            Err(e) => Err(Error::invalid(format!("{what} is not valid JSON: {e}"))),
        },
    }
}

/// The operation `id`, or an error naming it.
pub(crate) fn operation(id: &str) -> Result<&'static Operation> {
    operations::find(id).ok_or_else(|| {
        Error::invalid(format!(
            "unknown operation {} (see openint_operations_json for the list)",
            shown(id)
        ))
    })
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
        Value::String(s) => shown(s),
        other => type_name(other).to_string(),
    }
}

/// A caller's string quoted for an error message, cut to 40 characters: a message must stay
/// short whatever the input (a 50 MB key must not make a 50 MB message).
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}... ({} bytes)", &s[..cut], s.len()),
    }
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prep(op: &str, params: Value) -> Result<Prepared> {
        let Value::Object(m) = params else { panic!() };
        prepare(operation(op).unwrap(), m, &RequestOptions::default())
    }

    fn err(op: &str, params: Value) -> String {
        let e = prep(op, params).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        e.message().to_string()
    }

    #[test]
    fn query_encoding_follows_the_server_rules() {
        let p = prep(
            "listConnections",
            json!({"limit": 7, "connector_names": ["hubspot", "salesforce", "hubspot"],
                   "include_secrets": false, "expand": [], "search_query": "a b&c",
                   "refresh_policy": "none"}),
        )
        .unwrap();
        assert_eq!(
            p.query.encode(),
            "limit=7&connector_names=hubspot,salesforce&search_query=a%20b%26c&refresh_policy=none"
        );
        assert!(p.body.is_none());
        let p = prep(
            "getConnection",
            json!({"id": "conn_1", "include_secrets": true, "expand": "connector"}),
        )
        .unwrap();
        assert_eq!(p.path, "/connection/conn_1");
        assert_eq!(p.query.encode(), "include_secrets=true&expand=connector");
        let p = prep("listCustomers", json!({"search_query": null})).unwrap();
        assert_eq!(p.query.encode(), "", "null query parameters are not sent");
    }

    #[test]
    fn path_parameters_are_percent_encoded_but_keep_pchars() {
        let p = prep("createToken", json!({"customer_id": "a b/c?d%e@x.com"})).unwrap();
        assert_eq!(p.path, "/customer/a%20b%2Fc%3Fd%25e@x.com/token");
        assert_eq!(
            p.body.as_deref(),
            Some(&b"{}"[..]),
            "every non-GET sends at least {{}}"
        );
        let p = prep("createToken", json!({"customer_id": "c\u{fc}s"})).unwrap();
        assert_eq!(p.path, "/customer/c%C3%BCs/token");
    }

    #[test]
    fn bodies_keep_given_fields_and_nullable_nulls() {
        let p = prep(
            "createConnectorConfig",
            json!({"connector_name": "toggl", "display_name": null, "metadata": {"a": 1}}),
        )
        .unwrap();
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"connector_name": "toggl", "display_name": null, "metadata": {"a": 1}})
        );
        let p = prep(
            "handleWebhook",
            json!({"connector_name": "plaid", "item_id": "i", "n": [1]}),
        )
        .unwrap();
        assert_eq!(p.path, "/webhook/plaid");
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body, json!({"item_id": "i", "n": [1]}));
        assert_eq!(p.retry, Retry::CreatesResource);
        let p = prep("deleteConnection", json!({"id": "conn_x"})).unwrap();
        assert_eq!(p.body.as_deref(), Some(&b"{}"[..]));
    }

    #[test]
    fn the_specs_bounds_are_the_local_bounds() {
        // The spec's id pattern is `^conn_`, and createToken's validity has no minimum.
        let p = prep("getConnection", json!({"id": "conn_"})).unwrap();
        assert_eq!(p.path, "/connection/conn_");
        let p = prep(
            "createToken",
            json!({"customer_id": "c", "validity_in_seconds": 0}),
        )
        .unwrap();
        let body: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(body, json!({"validity_in_seconds": 0}));
    }

    #[test]
    fn bad_parameters_are_named_before_any_request() {
        for (op, params, needle) in [
            (
                "getConnection",
                json!({}),
                "missing required parameter \"id\"",
            ),
            (
                "getConnection",
                json!({"id": "ccfg_1"}),
                "\"id\" must be an id starting with \"conn_\"",
            ),
            (
                "getConnection",
                json!({"id": "conn_1", "refresh_policy": "sometimes"}),
                "one of \"none\", \"force\", \"auto\"",
            ),
            (
                "getConnection",
                json!({"id": "conn_1", "include_secrets": "false"}),
                "\"include_secrets\" must be true or false",
            ),
            (
                "getConnection",
                json!({"id": "conn_1", "includ_secrets": true}),
                "unknown parameter \"includ_secrets\"",
            ),
            ("listConnections", json!({"limit": 3001}), "from 0 to 3000"),
            ("listConnections", json!({"limit": 1.5}), "\"limit\""),
            ("listConnections", json!({"offset": -1}), "an integer >= 0"),
            (
                "listConnections",
                json!({"connector_names": []}),
                "is empty",
            ),
            (
                "listConnections",
                json!({"connector_names": ["a,b"]}),
                "no commas",
            ),
            (
                "listConnectorConfigs",
                json!({"expand": ["connector", "bogus"]}),
                "unknown value \"bogus\"",
            ),
            (
                "createConnectorConfig",
                json!({"display_name": "x"}),
                "missing required parameter \"connector_name\"",
            ),
            (
                "createConnectorConfig",
                json!({"connector_name": "toggl", "config": null}),
                "must not be null",
            ),
            (
                "createConnectorConfig",
                json!({"connector_name": "toggl", "disabled": "false"}),
                "\"disabled\" must be true or false",
            ),
            (
                "updateConnectorConfig",
                json!({"id": "ccfg_1", "display_name": null}),
                "must not be null",
            ),
            (
                "createToken",
                json!({"customer_id": ""}),
                "non-empty string",
            ),
            (
                "createToken",
                json!({"customer_id": "c", "connect_options": {"view": "list"}}),
                "\"view\" must be \"add\" or \"manage\"",
            ),
            (
                "createToken",
                json!({"customer_id": "c", "connect_options": {"colour": 1}}),
                "unknown key \"colour\"",
            ),
            (
                "createConnection",
                json!({"connector_config_id": "ccfg_1", "customer_id": "c"}),
                "missing required parameter \"data\"",
            ),
            (
                "messageTemplate",
                json!({"customer_id": "c", "language": "python"}),
                "\"javascript\"",
            ),
            (
                "health",
                json!({"x": 1}),
                "unknown parameter \"x\" (known: none)",
            ),
        ] {
            let m = err(op, params.clone());
            assert!(m.contains(needle), "{op} {params}: {m}");
            assert!(m.starts_with(op), "{m}");
        }
    }

    #[test]
    fn messages_stay_short_whatever_the_input() {
        let key = "k".repeat(1_000_000);
        let m = err("health", json!({ key: 1 }));
        assert!(m.len() < 300, "{}", m.len());
    }

    #[test]
    fn call_options_parse_and_validate() {
        let o = RequestOptions::from_json(Some(
            r#"{"timeout":2.5,"max_retries":0,"extra_headers":{"X-A":"1","X-B":null},
                "extra_query":{"k":"v","n":3},"extra_body":{"f":true},"retry_unsafe":true,"prefetch":4}"#,
        ))
        .unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(2500)));
        assert_eq!(o.max_retries, Some(0));
        assert_eq!(
            o.extra_headers,
            vec![("X-A".into(), Some("1".into())), ("X-B".into(), None)]
        );
        assert_eq!(
            o.extra_query,
            vec![("k".into(), "v".into()), ("n".into(), "3".into())]
        );
        assert_eq!(o.prefetch, Some(4));
        let p = prepare(
            operation("createToken").unwrap(),
            Map::from_iter([("customer_id".to_string(), json!("c"))]),
            &o,
        )
        .unwrap();
        assert_eq!(p.body.as_deref(), Some(&br#"{"f":true}"#[..]));
        assert_eq!(p.query.encode(), "k=v&n=3");
        for (text, needle) in [
            (r#"{"timeout":0}"#, "0.001"),
            (r#"{"timeout":1e-12}"#, "0.001"),
            (r#"{"prefetch":0}"#, "prefetch"),
            (
                r#"{"extra_headers":{"Authorization":"Bearer x"}}"#,
                "Authorization",
            ),
            (r#"{"extra_headers":{"X":"a\nb"}}"#, "control"),
            (r#"{"extra_headers":{"X":"é"}}"#, "non-ASCII"),
            (r#"{"extra_headers":{"A B":"x"}}"#, "header name"),
            (r#"{"bogus":1}"#, "unknown key \"bogus\""),
        ] {
            let e = RequestOptions::from_json(Some(text))
                .and_then(|o| prepare(operation("health").unwrap(), Map::new(), &o))
                .unwrap_err();
            assert!(e.message().contains(needle), "{text}: {}", e.message());
        }
        let o = RequestOptions::from_json(Some(
            r#"{"extra_headers":{"Authorization":"Bearer x"},"allow_authorization_header":true}"#,
        ))
        .unwrap();
        assert!(prepare(operation("health").unwrap(), Map::new(), &o).is_ok());
    }

    #[test]
    fn raw_requests_are_checked_too() {
        let o = RequestOptions::default();
        let p = prepare_raw("POST", "/x/y", Map::new(), None, &o).unwrap();
        assert_eq!(p.body.as_deref(), Some(&b"{}"[..]));
        assert_eq!(p.retry, Retry::CreatesResource);
        for (m, path, needle) in [
            ("PATCH", "/x", "method"),
            ("GET", "x", "start with '/'"),
            ("GET", "/a b", "URL-encoded"),
            ("GET", "/a?b=1", "query object"),
        ] {
            let e = prepare_raw(m, path, Map::new(), None, &o).unwrap_err();
            assert!(e.message().contains(needle), "{m} {path}: {}", e.message());
        }
    }

    /// Random argument objects (and some broken text) never panic the parsers: each one
    /// parses or is an invalid-argument error naming the operation.
    #[test]
    fn arbitrary_arguments_never_panic() {
        const KEYS: &[&str] = &[
            "limit",
            "offset",
            "expand",
            "id",
            "include_secrets",
            "connector_names",
            "customer_id",
            "validity_in_seconds",
            "connect_options",
            "data",
            "config",
            "display_name",
            "zzz",
            "timeout",
            "max_retries",
            "extra_headers",
            "extra_query",
            "prefetch",
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
            "\"conn_1\"",
            "\"ccfg_\"",
            "[\"schemas\"]",
            "[\"connector\",\"connector\"]",
            "[1]",
            "[]",
            "{}",
            "{\"view\":\"add\"}",
            "{\"X-A\":\"b\"}",
            "\"\\u0000\"",
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
                let mut cut = next(text.len() + 1);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
            }
            let op = &operations::OPERATIONS[round % operations::OPERATIONS.len()];
            let result = parse_object("params", Some(&text))
                .and_then(|m| prepare(op, m, &RequestOptions::default()));
            match result {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
                    invalid += 1;
                }
            }
            if let Err(e) = RequestOptions::from_json(Some(&text)) {
                assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
            }
            if let Err(e) = crate::ClientOptions::from_json(Some(&text)) {
                assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{text}");
            }
        }
        assert!(
            ok > 1000 && invalid > 1000,
            "both covered: {ok} ok, {invalid} invalid"
        );
    }
}
