//! health, healthEcho, viewer, connectorStatus, handleWebhook, messageTemplate.

use super::Call;
use crate::auth::Viewer;
use crate::connectors::catalogue;
use crate::http::Response;
use crate::json::{obj, s, V};
use crate::query;
use crate::zod;

pub fn health(call: &Call) -> Response {
    call.json(&obj([("ok", V::Bool(true))]))
}

/// Echoes the body as the server read it (see `read_body`).
pub fn health_echo(call: &Call) -> Response {
    call.json(&obj([("input", call.body.clone())]))
}

pub fn viewer(call: &Call) -> Response {
    call.json(&call.viewer.json())
}

/// Every connector, sorted by name, with the organization's state. Nothing is configured with default
/// credentials here; a connector "has a connection" when one of the org's connections uses it,
/// and "is healthy" when one of those is `healthy` (anonymous callers see no connections).
pub fn connector_status(call: &Call) -> Response {
    let store = call.store();
    let mut used = std::collections::HashMap::<&str, bool>::new();
    if call.viewer != Viewer::Anon {
        for c in store.connections.rows() {
            let healthy = used.entry(c.connector_name.as_str()).or_default();
            *healthy |= c.status == "healthy";
        }
    }
    let (mut with_conn, mut healthy_n, mut complete_n) = (0, 0, 0);
    // In name order (the listing's order differs).
    let cat = catalogue();
    let list: Vec<V> = cat
        .sorted_names
        .iter()
        .filter_map(|name| cat.get(name))
        .map(|c| {
            let has = used.get(c.name.as_str());
            let healthy = has.copied().unwrap_or(false);
            let complete = has.is_some() && healthy;
            with_conn += usize::from(has.is_some());
            healthy_n += usize::from(healthy);
            complete_n += usize::from(complete);
            obj([
                ("name", s(&c.name)),
                ("hasConnectionForOrg", V::Bool(has.is_some())),
                ("isHealthyForOrg", V::Bool(healthy)),
                ("hasDefaultCredentials", V::Bool(false)),
                ("complete", V::Bool(complete)),
            ])
        })
        .collect();
    let n = list.len();
    call.json(&obj([
        ("list", V::Arr(list)),
        ("numTotalConnectors", V::Int(n as i64)),
        ("numWithConnectionForOrg", V::Int(with_conn as i64)),
        ("numHealthyForOrg", V::Int(healthy_n as i64)),
        ("numWithDefaultCredentials", V::Int(0)),
        ("numComplete", V::Int(complete_n as i64)),
    ]))
}

/// plaid answers `{status: "error", info: {connector_name, ...body}}` (its handler finds no
/// matching item); connectors without a handler are 501; unknown names are 400.
pub fn webhook(call: &Call) -> Response {
    let name = call.params[0];
    let cat = catalogue();
    let Some(connector) = cat.get(name) else {
        let issue = zod::enum_value(name, &cat.sorted_names, zod::path(&["connector_name"]));
        return call.invalid(vec![issue]);
    };
    if !connector.has_webhook() {
        return call.error(501, &format!("Connector {name} does not support webhooks"));
    }
    // The path value wins, in the first position (after integer-like keys, as in JavaScript).
    let mut info = vec![("connector_name".to_string(), s(name))];
    if let V::Obj(fields) = &call.body {
        for (k, v) in fields {
            if k != "connector_name" {
                info.push((k.clone(), v.clone()));
            }
        }
    }
    crate::json::js_key_order(&mut info);
    call.json(&obj([("status", s("error")), ("info", V::Obj(info))]))
}

/// Validated, then refused: the recorded server has no AI API configured.
pub fn message_template(call: &Call) -> Response {
    let mut issues = Vec::new();
    if query::check_string(&call.query, "customer_id", &mut issues).is_none() && issues.is_empty() {
        issues.push(zod::invalid_type(
            "string",
            "undefined",
            zod::path(&["customer_id"]),
        ));
    }
    query::check_enum(&call.query, "language", &["javascript"], &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    call.error(500, "AI API URL is not set")
}
