//! Checking a call's parameters against the operation table, before any request: types,
//! ranges, prefixes, enums, the keys of `connect_options`, and header names and values. Every
//! error names the operation and the parameter, and quotes at most a short prefix of a value.

use crate::error::{Error, Result};
use crate::operations::{self, Operation, Param, Type};
use crate::redact::shown;
use serde_json::Value;

/// The largest `limit` the server accepts.
pub const MAX_LIMIT: u32 = 3000;

pub(super) fn invalid(op: &Operation, param: &Param, what: &str) -> Error {
    Error::invalid(format!("{}: parameter {:?} {what}", op.id, param.name))
}

pub(super) fn check(op: &Operation, param: &Param, v: &Value) -> Result<()> {
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
pub(super) fn string_items(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// The longest header value sent (the token's `Authorization` included): servers refuse
/// longer header lines, and a request head must fit the client's buffer.
pub(crate) const MAX_HEADER_VALUE: usize = 8192;

/// Headers the client sets itself from the request (framing, the connection, the target):
/// another value would send the token to another host, hang a request or cut its body.
const FRAMING_HEADERS: &[(&str, &str)] = &[
    (
        "host",
        "it is the base URL's host (a different one would send the token to another site)",
    ),
    ("content-length", "the body's length is set from the body"),
    (
        "transfer-encoding",
        "the body's framing is set from the body",
    ),
    ("connection", "connections are managed by the client's pool"),
    ("keep-alive", "connections are managed by the client's pool"),
    (
        "proxy-connection",
        "connections are managed by the client's pool",
    ),
    ("upgrade", "the client speaks HTTP/1.1 only"),
    ("te", "the answer's framing is the client's to negotiate"),
    ("trailer", "the body's framing is set from the body"),
    ("expect", "requests are sent whole"),
    (
        "proxy-authorization",
        "it is set from the proxy URL (http://user:password@host)",
    ),
];

/// Validates header names and values (client defaults and per-call extras alike): a valid
/// token name, a visible-ASCII value of at most `MAX_HEADER_VALUE` bytes, not one of the
/// framing headers. `Authorization` is refused unless allowed.
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
        if let Some(why) = FRAMING_HEADERS
            .iter()
            .find(|(h, _)| name.eq_ignore_ascii_case(h))
            .map(|(_, why)| why)
        {
            return Err(Error::invalid(format!(
                "{what}: {} cannot be set: {why}",
                shown(name)
            )));
        }
        if let Some(v) = value.as_ref().filter(|v| v.len() > MAX_HEADER_VALUE) {
            return Err(Error::invalid(format!(
                "{what}: the value of {} is {} bytes; a header value may be at most {MAX_HEADER_VALUE}",
                shown(name),
                v.len()
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

/// The row of the operation table with this `operationId`, or an invalid-argument error naming
/// it.
pub fn operation(id: &str) -> Result<&'static Operation> {
    operations::find(id).ok_or_else(|| {
        Error::invalid(format!(
            "unknown operation {} (see openint_operations_json for the list)",
            shown(id)
        ))
    })
}

pub(super) fn type_name(v: &Value) -> &'static str {
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
pub(super) fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => shown(s),
        other => type_name(other).to_string(),
    }
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
