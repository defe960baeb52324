//! upsertCustomer, createToken, listCustomers.

use super::{ilike, page_response, search, Call, Paging};
use crate::auth;
use crate::connectors::catalogue;
use crate::http::Response;
use crate::json::{obj, s, V};
use crate::query::{js_number, split_list};
use crate::seed::TableName;
use crate::store::Agg;
use crate::zod::{self, path};
use std::collections::BTreeMap;

/// 30 days, the default `validity_in_seconds`.
const DEFAULT_VALIDITY: f64 = 2_592_000.0;
/// Where the recorded server's Connect app lives (the magic link points there).
const CONNECT_URL: &str = "http://localhost:3902/connect";

pub fn upsert(call: &Call) -> Response {
    let mut issues = Vec::new();
    let id = match call.body.get("id") {
        None => None,
        Some(V::Str(id)) => Some(id.clone()),
        Some(other) => {
            issues.push(zod::invalid_type("string", other.zod_type(), path(&["id"])));
            None
        }
    };
    let metadata = match call.body.get("metadata") {
        None => V::Null,
        Some(m @ V::Obj(_)) => m.clone(),
        Some(other) => {
            issues.push(zod::invalid_type(
                "object",
                other.zod_type(),
                path(&["metadata"]),
            ));
            V::Null
        }
    };
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let customer = call.store().upsert_customer(id, metadata);
    call.json(&customer)
}

/// `application/x-www-form-urlencoded` encoding, as URLSearchParams writes it.
fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `connect_options` parsed as zod does: keys in schema order, booleans coerced with
/// JavaScript `Boolean()`, connector names checked (a comma-joined string is accepted too).
fn connect_options(v: &V, issues: &mut Vec<V>) -> V {
    let V::Obj(_) = v else {
        issues.push(zod::invalid_type(
            "object",
            v.zod_type(),
            path(&["connect_options"]),
        ));
        return V::Null;
    };
    let at = |key: &str| path(&["connect_options", key]);
    let mut out = Vec::new();
    if let Some(url) = v.get("return_url") {
        match url {
            V::Str(_) => out.push(("return_url".to_string(), url.clone())),
            other => issues.push(zod::invalid_type(
                "string",
                other.zod_type(),
                at("return_url"),
            )),
        }
    }
    if let Some(names) = v.get("connector_names") {
        let parts: Vec<String> = match names {
            V::Str(text) => split_list(&[text.as_str()])
                .into_iter()
                .map(str::to_string)
                .collect(),
            V::Arr(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.render(), str::to_string))
                .collect(),
            other => {
                issues.push(zod::invalid_type(
                    "array",
                    other.zod_type(),
                    at("connector_names"),
                ));
                Vec::new()
            }
        };
        let cat = catalogue();
        for (i, name) in parts.iter().enumerate() {
            if cat.get(name).is_none() {
                let mut p = at("connector_names");
                p.push(V::Int(i as i64));
                issues.push(zod::enum_value(name, &cat.sorted_names, p));
            }
        }
        out.push((
            "connector_names".to_string(),
            V::Arr(parts.into_iter().map(V::Str).collect()),
        ));
    }
    if let Some(view) = v.get("view") {
        match view.as_str() {
            Some("add" | "manage") => out.push(("view".to_string(), view.clone())),
            _ => {
                let received = view.as_str().map_or_else(|| view.render(), str::to_string);
                issues.push(zod::enum_value(&received, &["add", "manage"], at("view")));
            }
        }
    }
    for key in ["debug", "is_embedded", "hide_navigation"] {
        if let Some(x) = v.get(key) {
            out.push((key.to_string(), V::Bool(x.truthy())));
        }
    }
    V::Obj(out)
}

/// createToken: the customer is created if unknown; the JWT carries the connect options; the
/// magic link copies the string options (`return_url`, `view`) as query parameters.
pub fn create_token(call: &Call) -> Response {
    let customer_id = call.params[0];
    let mut issues = Vec::new();
    let validity = match call.body.get("validity_in_seconds") {
        None => DEFAULT_VALIDITY,
        Some(v) => {
            // z.coerce.number(): Number(value).
            let n = match v {
                V::Int(_) | V::Num(_) => v.as_f64().unwrap_or(f64::NAN),
                V::Str(text) => js_number(text),
                V::Bool(b) => f64::from(u8::from(*b)),
                V::Null => 0.0,
                _ => f64::NAN,
            };
            if n.is_nan() {
                issues.push(zod::invalid_type(
                    "number",
                    "nan",
                    path(&["validity_in_seconds"]),
                ));
            }
            n
        }
    };
    let options = call
        .body
        .get("connect_options")
        .map(|o| connect_options(o, &mut issues));
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let (api_key, nonce) = {
        let mut store = call.store();
        (store.ensure_customer(customer_id), store.random())
    };
    let now = crate::clock::now_micros() as f64 / 1e6;
    let token = auth::make_jwt(customer_id, options.as_ref(), now, validity, nonce);
    let mut link = format!("{CONNECT_URL}?token={token}");
    if let Some(opts) = &options {
        for key in ["return_url", "view"] {
            if let Some(V::Str(value)) = opts.get(key) {
                link.push_str(&format!("&{key}={}", form_encode(value)));
            }
        }
    }
    call.json(&obj([
        ("token", s(&token)),
        ("magic_link_url", s(link)),
        ("api_key", s(api_key)),
    ]))
}

/// Customers are the connections grouped by `customer_id` (a customer without a connection is
/// not listed), ordered by id. A search matches `customer_id` or `connector_name`, and then
/// only the matching connections are counted.
pub fn list(call: &Call) -> Response {
    let mut issues = Vec::new();
    let paging = Paging::read(call, &mut issues);
    let q = search(call, &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let mut store = call.store();
    let searched: BTreeMap<String, Agg>;
    let groups = match &q {
        None => &store.customer_aggs,
        Some(q) => {
            let mut m: BTreeMap<String, Agg> = BTreeMap::new();
            for c in store.connections.rows() {
                if ilike(&c.customer_id, q) || ilike(&c.connector_name, q) {
                    let a = Agg::add_row(m.get(&c.customer_id).copied(), c);
                    m.insert(c.customer_id.clone(), a);
                }
            }
            searched = m;
            &searched
        }
    };
    let matching = groups.len();
    let mut items = Vec::new();
    let mut served = 0;
    for (id, agg) in groups.iter().skip(paging.start).take(paging.limit) {
        if served > 0 {
            items.push(b',');
        }
        items.extend_from_slice(agg.json(id).as_bytes());
        served += 1;
    }
    page_response(
        call,
        &items,
        served,
        matching,
        &paging,
        TableName::Customer,
        &mut store,
    )
}
