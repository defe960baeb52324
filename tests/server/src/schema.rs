//! Connector schemas applied the way the real server's zod schemas behave. The embedded JSON
//! Schemas were generated from zod, so parsing a value against one gives what zod would: keys
//! in schema order, unknown keys stripped (kept where the object allows extras), defaults filled
//! in, and every problem reported as a zod issue. `pattern` and `format` are not checked (the
//! recorded server never rejected on them).

use crate::json::V;
use crate::zod::{self, Path};

fn types(schema: &V) -> Vec<&str> {
    match schema.get("type") {
        Some(V::Str(t)) => vec![t.as_str()],
        Some(V::Arr(ts)) => ts.iter().filter_map(V::as_str).collect(),
        _ if schema.get("properties").is_some() => vec!["object"],
        _ => Vec::new(),
    }
}

/// The type zod names when a required value is missing.
fn expected(schema: &V) -> String {
    if let Some(V::Arr(branches)) = schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        if let Some(b) = branches.iter().find(|b| !types(b).contains(&"null")) {
            return expected(b);
        }
    }
    if schema.get("enum").is_some() || schema.get("const").is_some() {
        return "string".into();
    }
    types(schema)
        .into_iter()
        .find(|t| *t != "null")
        .unwrap_or("object")
        .to_string()
}

fn at(base: &Path, seg: V) -> Path {
    let mut p = base.clone();
    p.push(seg);
    p
}

/// Parses `value` against `schema`; problems are appended to `issues`.
pub fn parse(schema: &V, value: &V, path: &Path, issues: &mut Vec<V>) -> V {
    if let Some(V::Arr(branches)) = schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        for branch in branches {
            let mut scratch = Vec::new();
            let out = parse(branch, value, path, &mut scratch);
            if scratch.is_empty() {
                return out;
            }
        }
        issues.push(zod::invalid_union(path.clone()));
        return value.clone();
    }
    let types = types(schema);
    if *value == V::Null && types.contains(&"null") {
        return V::Null;
    }
    if let Some(expected) = schema.get("const") {
        if value != expected {
            issues.push(zod::literal(expected, path.clone()));
        }
        return value.clone();
    }
    if let Some(V::Arr(options)) = schema.get("enum") {
        if !options.contains(value) {
            let names: Vec<String> = options
                .iter()
                .map(|o| o.as_str().map_or_else(|| o.render(), str::to_string))
                .collect();
            let received = value
                .as_str()
                .map_or_else(|| value.render(), str::to_string);
            issues.push(zod::enum_value(&received, &names, path.clone()));
        }
        return value.clone();
    }
    let Some(primary) = types.iter().copied().find(|t| *t != "null") else {
        // `{}` (or only "null", already handled): anything goes.
        if types.is_empty() {
            return value.clone();
        }
        issues.push(zod::invalid_type("null", value.zod_type(), path.clone()));
        return value.clone();
    };
    let ok = match (primary, value) {
        ("string", V::Str(text)) => {
            if let Some(max) = schema.get("maxLength").and_then(V::as_f64) {
                if text.chars().count() as f64 > max {
                    issues.push(zod::string_too_long(max as i64, path.clone()));
                }
            }
            true
        }
        ("number", V::Int(_)) => true,
        ("number", V::Num(x)) => !x.is_nan(),
        ("integer", V::Int(_)) => true,
        ("integer", V::Num(_)) => {
            issues.push(zod::not_integer(path.clone()));
            return value.clone();
        }
        ("boolean", V::Bool(_)) => true,
        ("array", V::Arr(items)) => {
            let item_schema = schema.get("items").cloned().unwrap_or(V::Obj(Vec::new()));
            return V::Arr(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| parse(&item_schema, v, &at(path, V::Int(i as i64)), issues))
                    .collect(),
            );
        }
        ("object", V::Obj(fields)) => return parse_object(schema, fields, path, issues),
        _ => false,
    };
    if !ok {
        let expected = if primary == "integer" {
            "number"
        } else {
            primary
        };
        issues.push(zod::invalid_type(expected, value.zod_type(), path.clone()));
    }
    value.clone()
}

fn parse_object(schema: &V, fields: &[(String, V)], path: &Path, issues: &mut Vec<V>) -> V {
    let empty = Vec::new();
    let props = match schema.get("properties") {
        Some(V::Obj(p)) => p,
        _ => &empty,
    };
    let required: Vec<&str> = match schema.get("required") {
        Some(V::Arr(r)) => r.iter().filter_map(V::as_str).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (name, sub) in props {
        match fields.iter().find(|(k, _)| k == name) {
            Some((_, v)) => {
                let parsed = parse(sub, v, &at(path, V::Str(name.clone())), issues);
                out.push((name.clone(), parsed));
            }
            None => {
                if let Some(default) = sub.get("default") {
                    out.push((name.clone(), default.clone()));
                } else if required.contains(&name.as_str()) {
                    issues.push(zod::invalid_type(
                        &expected(sub),
                        "undefined",
                        at(path, V::Str(name.clone())),
                    ));
                }
            }
        }
    }
    // zod strips unknown keys unless the object has a catch-all (`additionalProperties: {}`).
    let extra = match schema.get("additionalProperties") {
        Some(V::Bool(true)) => Some(V::Obj(Vec::new())),
        Some(s @ V::Obj(_)) => Some(s.clone()),
        _ => None,
    };
    if let Some(extra) = extra {
        for (k, v) in fields {
            if props.iter().all(|(name, _)| name != k) {
                let parsed = parse(&extra, v, &at(path, V::Str(k.clone())), issues);
                out.push((k.clone(), parsed));
            }
        }
    }
    V::Obj(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse as json;

    fn run(schema: &str, value: &str) -> (String, Vec<String>) {
        let mut issues = Vec::new();
        let out = parse(
            &json(schema.as_bytes()).unwrap(),
            &json(value.as_bytes()).unwrap(),
            &vec![],
            &mut issues,
        );
        (out.render(), issues.iter().map(V::render).collect())
    }

    #[test]
    fn zod_like_parsing() {
        let toggl = r#"{"type":"object","properties":{"apiToken":{"type":"string"},"email":{"type":["string","null"]}},"required":["apiToken"]}"#;
        let (out, issues) = run(toggl, r#"{"email":"a@b","apiToken":"t","x":1}"#);
        assert_eq!(out, r#"{"apiToken":"t","email":"a@b"}"#);
        assert!(issues.is_empty());
        let (_, issues) = run(toggl, "{}");
        assert_eq!(
            issues,
            [
                r#"{"code":"invalid_type","expected":"string","received":"undefined","path":["apiToken"],"message":"Required"}"#
            ]
        );
        let (_, issues) = run(toggl, r#"{"apiToken":5}"#);
        assert!(
            issues[0].contains("Expected string, received number"),
            "{issues:?}"
        );
        let record = r#"{"type":"object","additionalProperties":{}}"#;
        assert_eq!(run(record, r#"{"b":1,"a":2}"#).0, r#"{"b":1,"a":2}"#);
        let nullable = r#"{"anyOf":[{"type":"null"},{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}]}"#;
        assert!(run(nullable, "null").1.is_empty());
        assert!(!run(nullable, "{}").1.is_empty());
        let defaults =
            r#"{"type":"object","properties":{"lang":{"type":"string","default":"en"}}}"#;
        assert_eq!(run(defaults, "{}").0, r#"{"lang":"en"}"#);
    }
}
