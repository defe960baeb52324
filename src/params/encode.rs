//! Encoding for the wire: what the executor makes of an operation and its parameters (or of a
//! raw request outside the table), with the path, query and body encoded by the server's rules
//! (see the module above), ready for `http` to send.

use super::check::{check, check_headers, invalid, string_items};
use super::options::RequestOptions;
use crate::error::{Error, Result};
use crate::operations::{Body, Location, Method, Operation, Param, Retry, Type};
use crate::redact::shown;
use serde_json::{Map, Value};
use std::borrow::Cow;

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
                let segment = value.as_str().unwrap_or_default();
                if segment.is_empty() {
                    return Err(invalid(
                        op,
                        param,
                        "must not be empty (it is a path segment)",
                    ));
                }
                // A dot segment leaves its place: `/customer/../token` is `/token` to any
                // proxy or server that normalises paths.
                if segment == "." || segment == ".." {
                    return Err(invalid(
                        op,
                        param,
                        "must not be \".\" or \"..\" (a dot segment would move the request to another path)",
                    ));
                }
                check_length(op.id, param.name, "path parameter", segment, MAX_PATH_PARAM)?;
                let encoded = encode_path_segment(segment);
                path = path.replace(&format!("{{{}}}", param.name), &encoded);
            }
            Location::Query => {
                if let Some(text) = value.as_str() {
                    check_length(op.id, param.name, "query parameter", text, MAX_QUERY_VALUE)?;
                }
                encode_query(&mut query, param, &value)
            }
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
    extra_query(op.id, &mut query, opts)?;
    let headers = check_headers(
        "extra_headers",
        &opts.extra_headers,
        opts.allow_authorization_header,
    )?;
    no_body_on_get(op.id, op.method, opts)?;
    check_url_length(op.id, &path, &query)?;
    // An operation with a body sends at least `{}`; one without sends none, but a DELETE keeps
    // its Content-Type through an empty body (see `Body::None`). Extra fields make a body.
    let body = match op.method {
        Method::Get => None,
        _ if op.body == Body::None && opts.extra_body.is_empty() => {
            (op.method == Method::Delete).then(Vec::new)
        }
        _ => {
            body.extend(opts.extra_body.iter().map(|(k, v)| (k.clone(), v.clone())));
            Some(serde_json::to_vec(&Value::Object(body)).unwrap_or_else(|_| b"{}".to_vec()))
        }
    };
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
            "raw request: method {} is not one of GET, POST, PUT, PATCH, DELETE",
            shown(method)
        ))
    })?;
    if !path.starts_with('/') || path.bytes().any(|b| b <= b' ' || b == b'#' || b >= 0x7f) {
        return Err(Error::invalid(format!(
            "raw request: path {} must start with '/' and be URL-encoded (no spaces, '#' or control characters)",
            shown(path)
        )));
    }
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(Error::invalid(
            "raw request: path has a \".\" or \"..\" segment (it would move the request to another path)",
        ));
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
    extra_query("raw request", &mut q, opts)?;
    no_body_on_get("raw request", m, opts)?;
    check_url_length("raw request", path, &q)?;
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
        // The table does not know this endpoint: retry it only if it cannot create anything
        // (POST and PATCH are not idempotent).
        retry: if matches!(m, Method::Post | Method::Patch) {
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

/// The longest path parameter and query value sent: ids are short, and a URL of megabytes is
/// refused by every server (it is refused here, before it is built, naming the parameter).
pub(crate) const MAX_PATH_PARAM: usize = 4096;
pub(crate) const MAX_QUERY_VALUE: usize = 8192;
/// The longest URL path and query sent.
pub(crate) const MAX_URL: usize = 16 * 1024;

fn check_length(what: &str, name: &str, kind: &str, value: &str, max: usize) -> Result<()> {
    if value.len() > max {
        return Err(Error::invalid(format!(
            "{what}: {kind} {} is {} bytes; at most {max} are sent",
            shown(name),
            value.len()
        )));
    }
    Ok(())
}

fn check_url_length(what: &str, path: &str, query: &Query) -> Result<()> {
    let len = path.len() + query.encoded_len();
    if len > MAX_URL {
        return Err(Error::invalid(format!(
            "{what}: the URL path and query would be {len} bytes; at most {MAX_URL} are sent"
        )));
    }
    Ok(())
}

/// A GET has no body: `extra_body` fields would be dropped, so they are refused.
fn no_body_on_get(what: &str, method: Method, opts: &RequestOptions) -> Result<()> {
    if method == Method::Get && !opts.extra_body.is_empty() {
        return Err(Error::invalid(format!(
            "{what}: extra_body is given, but this is a GET request, which has no body (send the fields as extra_query)"
        )));
    }
    Ok(())
}

/// `extra_query` added after the operation's own parameters (a repeated key replaces them).
/// A boolean the table knows follows the rule of the parameters: the server reads any value,
/// `false` included, as true, so `false` leaves the key out.
fn extra_query(what: &str, query: &mut Query, opts: &RequestOptions) -> Result<()> {
    for (k, v) in &opts.extra_query {
        check_length(what, k, "extra_query value", v, MAX_QUERY_VALUE)?;
        if is_boolean_query(k) && v.eq_ignore_ascii_case("false") {
            query.remove(k);
        } else {
            query.set(Cow::Owned(k.clone()), v.clone());
        }
    }
    Ok(())
}

/// Whether any operation of the table has a boolean query parameter of this name.
fn is_boolean_query(name: &str) -> bool {
    crate::operations::OPERATIONS.iter().any(|op| {
        op.params.iter().any(|p| {
            p.name == name && p.location == Location::Query && matches!(p.ty, Type::Boolean)
        })
    })
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

    pub(crate) fn remove(&mut self, key: &str) {
        self.pairs.retain(|(k, _)| k != key);
    }

    /// The length of [`Query::encode`], without building it.
    pub(crate) fn encoded_len(&self) -> usize {
        let len = |s: &str| {
            s.bytes()
                .map(|b| if is_query_safe(b) { 1 } else { 3 })
                .sum::<usize>()
        };
        self.pairs
            .iter()
            .map(|(k, v)| len(k) + 1 + len(v) + 1)
            .sum::<usize>()
            .saturating_sub(1)
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

fn is_query_safe(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',')
}

fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if is_query_safe(b) {
            out.push(b as char)
        } else {
            out.push_str(&format!("%{b:02X}"))
        }
    }
}
