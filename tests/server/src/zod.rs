//! zod v3 issues, with the key order the real server prints: type errors put `path` before
//! `message`, refinement checks (`int`, `min`, `max`, `startsWith`) put `message` before `path`,
//! enum errors start with `received`.

use crate::json::{s, strs, V};

/// A path like `["data", "settings", "api_key"]` or `["items", 0, "config"]`.
pub type Path = Vec<V>;

pub fn path(parts: &[&str]) -> Path {
    parts.iter().map(|p| s(*p)).collect()
}

fn fields(list: Vec<(&str, V)>) -> V {
    V::Obj(list.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `received: "undefined"` is zod's "Required".
pub fn invalid_type(expected: &str, received: &str, at: Path) -> V {
    let message = if received == "undefined" {
        "Required".to_string()
    } else {
        format!("Expected {expected}, received {received}")
    };
    fields(vec![
        ("code", s("invalid_type")),
        ("expected", s(expected)),
        ("received", s(received)),
        ("path", V::Arr(at)),
        ("message", s(message)),
    ])
}

/// `.int()` failing on a float.
pub fn not_integer(at: Path) -> V {
    fields(vec![
        ("code", s("invalid_type")),
        ("expected", s("integer")),
        ("received", s("float")),
        ("message", s("Expected integer, received float")),
        ("path", V::Arr(at)),
    ])
}

pub fn too_small(minimum: i64, at: Path) -> V {
    fields(vec![
        ("code", s("too_small")),
        ("minimum", V::Int(minimum)),
        ("type", s("number")),
        ("inclusive", V::Bool(true)),
        ("exact", V::Bool(false)),
        (
            "message",
            s(format!("Number must be greater than or equal to {minimum}")),
        ),
        ("path", V::Arr(at)),
    ])
}

pub fn too_big(maximum: i64, at: Path) -> V {
    fields(vec![
        ("code", s("too_big")),
        ("maximum", V::Int(maximum)),
        ("type", s("number")),
        ("inclusive", V::Bool(true)),
        ("exact", V::Bool(false)),
        (
            "message",
            s(format!("Number must be less than or equal to {maximum}")),
        ),
        ("path", V::Arr(at)),
    ])
}

pub fn string_too_long(maximum: i64, at: Path) -> V {
    fields(vec![
        ("code", s("too_big")),
        ("maximum", V::Int(maximum)),
        ("type", s("string")),
        ("inclusive", V::Bool(true)),
        ("exact", V::Bool(false)),
        (
            "message",
            s(format!(
                "String must contain at most {maximum} character(s)"
            )),
        ),
        ("path", V::Arr(at)),
    ])
}

/// Ids checked with `.startsWith("ccfg_")` and the like.
pub fn starts_with(prefix: &str, at: Path) -> V {
    fields(vec![
        ("code", s("invalid_string")),
        ("validation", fields(vec![("startsWith", s(prefix))])),
        (
            "message",
            s(format!("Invalid input: must start with \"{prefix}\"")),
        ),
        ("path", V::Arr(at)),
    ])
}

fn quoted(options: &[impl AsRef<str>]) -> String {
    options
        .iter()
        .map(|o| format!("'{}'", o.as_ref()))
        .collect::<Vec<_>>()
        .join(" | ")
}

pub fn enum_value(received: &str, options: &[impl AsRef<str>], at: Path) -> V {
    fields(vec![
        ("received", s(received)),
        ("code", s("invalid_enum_value")),
        ("options", strs(options)),
        ("path", V::Arr(at)),
        (
            "message",
            s(format!(
                "Invalid enum value. Expected {}, received '{received}'",
                quoted(options)
            )),
        ),
    ])
}

/// A discriminated union (`data.connector_name`) with an unknown tag.
pub fn discriminator(options: &[impl AsRef<str>], at: Path) -> V {
    fields(vec![
        ("code", s("invalid_union_discriminator")),
        ("options", strs(options)),
        ("path", V::Arr(at)),
        (
            "message",
            s(format!(
                "Invalid discriminator value. Expected {}",
                quoted(options)
            )),
        ),
    ])
}

pub fn literal(expected: &V, at: Path) -> V {
    fields(vec![
        ("code", s("invalid_literal")),
        ("expected", expected.clone()),
        ("path", V::Arr(at)),
        (
            "message",
            s(format!(
                "Invalid literal value, expected {}",
                expected.render()
            )),
        ),
    ])
}

pub fn invalid_union(at: Path) -> V {
    fields(vec![
        ("code", s("invalid_union")),
        ("path", V::Arr(at)),
        ("message", s("Invalid input")),
    ])
}

/// Prefixes every issue's path (a list item's issues get `["items", i, ...]`).
pub fn prefixed(issues: Vec<V>, prefix: &[V]) -> Vec<V> {
    issues
        .into_iter()
        .map(|mut issue| {
            if let Some(V::Arr(p)) = issue.get("path").cloned() {
                let mut full = prefix.to_vec();
                full.extend(p);
                issue.set("path", V::Arr(full));
            }
            issue
        })
        .collect()
}
