//! The operation table (`src/operations.rs`) against the spec (`tests/data/openint/openapi.json`):
//! every operation, parameter, location, type, range and enum must agree, and every place where
//! they do not must be listed in `DEVIATIONS` with the transcript line that justifies it (and
//! every listed deviation must still be a real difference).

use openint::operations::{Body, Location, Operation, Type, DEVIATIONS, OPERATIONS};
use serde_json::Value;
use std::collections::BTreeSet;

fn data(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/openint")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A spec schema with `$ref`s followed.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            resolve(spec, &spec["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// `type` as a set of names (`["string", "null"]` or `"string"`).
fn types(schema: &Value) -> BTreeSet<String> {
    match &schema["type"] {
        Value::String(s) => [s.clone()].into(),
        Value::Array(a) => a
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => BTreeSet::new(),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// What the spec says of one parameter, in the table's terms.
struct SpecParam {
    location: Location,
    required: bool,
    schema: Value,
    /// How a query array is written: repeated keys (OpenAPI's default) or comma-joined.
    explode: bool,
}

fn spec_params(spec: &Value, op: &Value) -> Vec<(String, SpecParam)> {
    let mut out = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let location = match p["in"].as_str() {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            other => panic!("parameter location {other:?}"),
        };
        out.push((
            p["name"].as_str().unwrap().to_string(),
            SpecParam {
                location,
                required: p["required"].as_bool().unwrap_or(false),
                schema: resolve(spec, &p["schema"]).clone(),
                explode: p["explode"]
                    .as_bool()
                    .unwrap_or(matches!(p["style"].as_str(), None | Some("form"))),
            },
        ));
    }
    if let Some(body) = op.get("requestBody") {
        let schema = resolve(spec, &body["content"]["application/json"]["schema"]);
        let required: Vec<String> = strings(&schema["required"]);
        for (name, s) in schema["properties"].as_object().into_iter().flatten() {
            out.push((
                name.clone(),
                SpecParam {
                    location: Location::Body,
                    required: required.contains(name),
                    schema: resolve(spec, s).clone(),
                    explode: false,
                },
            ));
        }
    }
    out
}

/// The differences between one table parameter and the spec's, as (aspect, detail).
fn compare(
    spec: &Value,
    op: &Operation,
    name: &str,
    sp: &SpecParam,
) -> Vec<(&'static str, String)> {
    let mut diffs = Vec::new();
    let Some(tp) = op.param(name) else {
        diffs.push((
            "missing",
            format!("{name} is in the spec but not in the table"),
        ));
        return diffs;
    };
    if tp.location != sp.location {
        diffs.push((
            "location",
            format!("{:?} vs spec {:?}", tp.location, sp.location),
        ));
    }
    if tp.required != sp.required {
        diffs.push((
            "required",
            format!("{} vs spec {}", tp.required, sp.required),
        ));
    }
    let ty = types(&sp.schema);
    let spec_nullable = ty.contains("null");
    let base: BTreeSet<String> = ty.iter().filter(|t| *t != "null").cloned().collect();
    // Nullable matters for body fields (null is sent); in the query null means "not given".
    if tp.nullable != spec_nullable && (sp.location == Location::Body || tp.nullable) {
        diffs.push((
            "nullable",
            format!("{} vs spec {spec_nullable}", tp.nullable),
        ));
    }
    let is = |t: &str| base.len() == 1 && base.contains(t);
    // The table's query arrays are comma-joined (`expand=a,b`); the spec's default is
    // repeated keys (`expand=a&expand=b`).
    if sp.location == Location::Query && is("array") && sp.explode {
        diffs.push(("style", "comma-joined, the spec says repeated keys".into()));
    }
    let schema = &sp.schema;
    let spec_enum = strings(&schema["enum"]);
    let item = resolve(spec, &schema["items"]);
    let item_enum = strings(&item["enum"]);
    let wrong_type = |want: &str| {
        (
            "type",
            format!("table {:?}, spec wants {want}, has {:?}", tp.ty, ty),
        )
    };
    match tp.ty {
        Type::String | Type::NonEmptyString => {
            if !is("string") {
                diffs.push(wrong_type("string"));
            }
            if !spec_enum.is_empty() {
                diffs.push((
                    "enum",
                    format!("spec closes it to {} values", spec_enum.len()),
                ));
            }
            if schema.get("pattern").is_some() {
                diffs.push(("pattern", "spec has a pattern".into()));
            }
            let min = schema["minLength"].as_u64().unwrap_or(0);
            if (tp.ty == Type::NonEmptyString) != (min == 1) {
                diffs.push(("minimum", format!("minLength {min}")));
            }
        }
        Type::Id(prefix) => {
            if !is("string") {
                diffs.push(wrong_type("string"));
            }
            if schema["pattern"].as_str() != Some(&format!("^{prefix}")) {
                diffs.push(("pattern", format!("spec pattern {:?}", schema["pattern"])));
            }
        }
        Type::Integer { min, max } => {
            if !is("integer") {
                diffs.push(wrong_type("integer"));
            }
            let smin = schema["minimum"].as_i64();
            let smax = schema["maximum"].as_i64().unwrap_or(i64::MAX);
            if smin != Some(min) || smax != max {
                diffs.push((
                    "minimum",
                    format!("{min}..={max} vs spec {smin:?}..={smax}"),
                ));
            }
        }
        Type::Number { exclusive_min } => {
            if !is("number") {
                diffs.push(wrong_type("number"));
            }
            let smin = schema["exclusiveMinimum"].as_f64();
            if smin != exclusive_min {
                diffs.push((
                    "minimum",
                    format!("exclusive minimum {exclusive_min:?} vs spec {smin:?}"),
                ));
            }
        }
        Type::Boolean => {
            if !is("boolean") {
                diffs.push(wrong_type("boolean"));
            }
        }
        Type::Enum(values) => {
            if !is("string") || spec_enum != values {
                diffs.push(("enum", format!("{values:?} vs spec {spec_enum:?}")));
            }
        }
        Type::EnumArray(values) => {
            if !is("array") || item_enum != values {
                diffs.push(("enum", format!("{values:?} vs spec array of {item_enum:?}")));
            }
        }
        Type::NameArray => {
            if !is("array") {
                diffs.push(wrong_type("array"));
            }
            if !item_enum.is_empty() {
                diffs.push((
                    "enum",
                    format!("spec closes the names to {} values", item_enum.len()),
                ));
            }
        }
        Type::Object => {
            // `data` is a oneOf of per-connector objects, all of them objects.
            let one_of = schema["oneOf"]
                .as_array()
                .is_some_and(|v| v.iter().all(|s| types(resolve(spec, s)).contains("object")));
            if !(is("object") || one_of) {
                diffs.push(wrong_type("object"));
            }
        }
        Type::ConnectOptions => {
            if !is("object") {
                diffs.push(wrong_type("object"));
            }
            let keys: BTreeSet<&str> = schema["properties"]
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let ours: BTreeSet<&str> = [
                "return_url",
                "connector_names",
                "view",
                "debug",
                "is_embedded",
                "hide_navigation",
            ]
            .into();
            if keys != ours {
                diffs.push(("keys", format!("{ours:?} vs spec {keys:?}")));
            }
            let view = strings(&schema["properties"]["view"]["enum"]);
            if view != ["add", "manage"] {
                diffs.push(("enum", format!("view {view:?}")));
            }
            let names = resolve(spec, &schema["properties"]["connector_names"]["items"]);
            if !strings(&names["enum"]).is_empty() {
                diffs.push(("enum", "spec closes connect_options.connector_names".into()));
            }
        }
    }
    diffs
}

#[test]
fn the_operation_table_agrees_with_the_spec_except_where_listed() {
    let spec: Value = serde_json::from_str(&data("openapi.json")).unwrap();
    let transcript: Vec<Value> = data("fixtures/v1-transcript.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut found: Vec<(String, String, String, String)> = Vec::new(); // op, param, aspect, detail
    let mut spec_ops = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            spec_ops.insert(id.to_string());
            let Some(ours) = OPERATIONS.iter().find(|o| o.id == id) else {
                panic!("{id} ({method} {path}) is in the spec but not in the table");
            };
            assert_eq!(ours.method.as_str(), method.to_uppercase(), "{id}");
            assert_eq!(ours.path, path, "{id}");
            assert_eq!(
                ours.is_list(),
                op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
                    .get("items")
                    .is_some()
                    && op["responses"]["200"]["content"]["application/json"]["schema"]
                        ["properties"]
                        .get("offset")
                        .is_some(),
                "{id}: list"
            );
            let sparams = spec_params(&spec, op);
            for (name, sp) in &sparams {
                for (aspect, detail) in compare(&spec, ours, name, sp) {
                    found.push((id.into(), name.clone(), aspect.into(), detail));
                }
            }
            for p in ours.params {
                if !sparams.iter().any(|(n, _)| n == p.name) {
                    found.push((
                        id.into(),
                        p.name.into(),
                        "extra".into(),
                        "not in the spec".into(),
                    ));
                }
            }
            let spec_body = op.get("requestBody").map(|b| {
                resolve(&spec, &b["content"]["application/json"]["schema"])["additionalProperties"]
                    == Value::Bool(true)
            });
            let ok = matches!(
                (ours.body, spec_body),
                (Body::None, None) | (Body::Fields, Some(false)) | (Body::AnyObject, Some(true))
            );
            if !ok {
                found.push((
                    id.into(),
                    "(body)".into(),
                    "body".into(),
                    format!("{:?} vs spec {spec_body:?}", ours.body),
                ));
            }
        }
    }
    let ours: BTreeSet<String> = OPERATIONS.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(ours, spec_ops, "the same operations");

    let mut unlisted = Vec::new();
    for (op, param, aspect, detail) in &found {
        if !DEVIATIONS
            .iter()
            .any(|d| d.operation == op && d.param == param && d.aspect == aspect)
        {
            unlisted.push(format!("{op}.{param} ({aspect}): {detail}"));
        }
    }
    assert!(
        unlisted.is_empty(),
        "differences from the spec not listed in DEVIATIONS:\n  {}",
        unlisted.join("\n  ")
    );
    for d in DEVIATIONS {
        assert!(
            found.iter().any(|(op, param, aspect, _)| op == d.operation
                && param == d.param
                && aspect == d.aspect),
            "DEVIATIONS lists {}.{} ({}) but the table agrees with the spec there",
            d.operation,
            d.param,
            d.aspect
        );
        let line = &transcript[d.transcript_line - 1];
        assert_eq!(
            line["op"], d.operation,
            "transcript line {} is about {}",
            d.transcript_line, line["op"]
        );
    }
    println!(
        "{} operations agree with the spec; {} documented deviations",
        OPERATIONS.len(),
        DEVIATIONS.len()
    );
}
