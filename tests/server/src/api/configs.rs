//! Connector configs: get, update, delete, list, create. Organization only in effect: a
//! customer passes the auth check but the database refuses it ("permission denied", a 500).

use super::{ilike, page_response, search, Call, Paging};
use crate::connectors::catalogue;
use crate::errors;
use crate::http::Response;
use crate::json::{s, V};
use crate::query::{check_enum_list, values};
use crate::schema;
use crate::seed::TableName;
use crate::store::{ConfigRow, DeleteConfig};
use crate::zod::{self, path};

const PERMISSION: &str = "permission denied for table connector_config";
const NOT_NULL: &str =
    "null value in column \"config\" of relation \"connector_config\" violates not-null constraint";
const EXPAND: [&str; 3] = ["connector", "connector.schemas", "connection_count"];

fn check_id(call: &Call, issues: &mut Vec<V>) -> String {
    let id = call.params[0];
    if !id.starts_with("ccfg_") {
        issues.push(zod::starts_with("ccfg_", path(&["id"])));
    }
    id.to_string()
}

fn not_found(call: &Call, id: &str) -> Response {
    call.error(404, &format!("Connector config with ID \"{id}\" not found"))
}

struct Expand {
    connector: bool,
    schemas: bool,
    count: bool,
}

fn write(row: &ConfigRow, expand: &Expand, count: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(row.head.as_bytes());
    if expand.connector {
        if let Some(c) = catalogue().get(&row.connector_name) {
            out.extend_from_slice(b",\"connector\":");
            let item = if expand.schemas {
                &c.item_with_schemas
            } else {
                &c.item
            };
            out.extend_from_slice(item.as_bytes());
        }
    }
    if expand.count {
        out.extend_from_slice(format!(",\"connection_count\":{count}").as_bytes());
    }
    out.push(b'}');
}

fn respond_row(call: &Call, row: &ConfigRow, expand: &Expand, count: usize) -> Response {
    if !row.issues.is_empty() {
        return errors::output_failed(call.op, row.issues.clone());
    }
    let mut out = Vec::new();
    write(row, expand, count, &mut out);
    Response::json(200, out)
}

pub fn get(call: &Call) -> Response {
    let mut issues = Vec::new();
    let id = check_id(call, &mut issues);
    let expand = check_enum_list(
        "expand",
        &values(&call.query, "expand"),
        &EXPAND,
        &mut issues,
    );
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    if call.own_customer().is_some() {
        return call.error(500, PERMISSION);
    }
    let has = |x: &str| expand.iter().any(|e| e == x);
    // On this route `connector.schemas` alone adds nothing (unlike the list).
    let expand = Expand {
        connector: has("connector"),
        schemas: has("connector.schemas"),
        count: has("connection_count"),
    };
    let store = call.store();
    match store.configs.get(&id) {
        None => not_found(call, &id),
        Some(row) => respond_row(call, row, &expand, store.connection_count(&id)),
    }
}

/// JavaScript `Boolean()`, as `z.coerce.boolean()` reads `disabled` ("false" is true).
fn disabled(call: &Call) -> Option<bool> {
    call.body.get("disabled").map(V::truthy)
}

/// `key` must be a string (or null when `nullable`).
fn opt_string(
    call: &Call,
    key: &str,
    nullable: bool,
    issues: &mut Vec<V>,
) -> Option<Option<String>> {
    match call.body.get(key)? {
        V::Str(x) => Some(Some(x.clone())),
        V::Null if nullable => Some(None),
        other => {
            issues.push(zod::invalid_type("string", other.zod_type(), path(&[key])));
            None
        }
    }
}

/// `key` must be an object or null; `Some(V::Null)` is an explicit null.
fn opt_object(call: &Call, key: &str, issues: &mut Vec<V>) -> Option<V> {
    match call.body.get(key)? {
        v @ (V::Obj(_) | V::Null) => Some(v.clone()),
        other => {
            issues.push(zod::invalid_type("object", other.zod_type(), path(&[key])));
            None
        }
    }
}

pub fn create(call: &Call) -> Response {
    let mut issues = Vec::new();
    let name = match call.body.get("connector_name") {
        Some(V::Str(n)) => Some(n.clone()),
        other => {
            let received = other.map_or("undefined", V::zod_type);
            issues.push(zod::invalid_type(
                "string",
                received,
                path(&["connector_name"]),
            ));
            None
        }
    };
    let display_name = opt_string(call, "display_name", true, &mut issues).flatten();
    let disabled = disabled(call).unwrap_or(false);
    let metadata = opt_object(call, "metadata", &mut issues).unwrap_or(V::Null);
    let config = opt_object(call, "config", &mut issues);
    let Some(name) = name.filter(|_| issues.is_empty()) else {
        return call.invalid(issues);
    };
    let connector = catalogue().get(&name);
    match (&config, connector) {
        (Some(V::Obj(_)), None) => {
            return call.error(400, "Invalid config for the specified connector_name")
        }
        (Some(cfg @ V::Obj(_)), Some(c)) => {
            if let Some(schema) = &c.config_schema {
                let mut problems = Vec::new();
                schema::parse(schema, cfg, &vec![], &mut problems);
                if !problems.is_empty() {
                    return call.error(400, "Invalid config for the specified connector_name");
                }
            }
        }
        (_, None) => return call.error(400, "Invalid connector_name"),
        _ => {}
    }
    // `config: null` passes validation; the column is NOT NULL.
    if config == Some(V::Null) {
        return call.error(500, NOT_NULL);
    }
    let config = config.unwrap_or(V::Obj(Vec::new()));
    let mut store = call.store();
    let now = store.now();
    let row = store.new_config(&name, display_name, disabled, metadata, config, now);
    // The row is stored even when the answer fails output validation.
    respond_row(
        call,
        &row,
        &Expand {
            connector: false,
            schemas: false,
            count: false,
        },
        0,
    )
}

/// Only `display_name` (not null), `disabled` and `config` are read; the config is not checked
/// against the connector (but answers still are). `updated_at` is JavaScript time (ms).
pub fn update(call: &Call) -> Response {
    let mut issues = Vec::new();
    let id = check_id(call, &mut issues);
    let display_name = opt_string(call, "display_name", false, &mut issues).flatten();
    let disabled = disabled(call);
    let config = opt_object(call, "config", &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let mut store = call.store();
    let Some(old) = store.configs.get(&id).cloned() else {
        return not_found(call, &id);
    };
    if config == Some(V::Null) {
        return call.error(500, NOT_NULL);
    }
    let mut row = (*old).clone();
    if let Some(name) = display_name {
        row.display_name = Some(name);
    }
    if let Some(d) = disabled {
        row.disabled = d;
    }
    if let Some(cfg) = config {
        row.config = cfg;
    }
    row.updated_at = store.now_js();
    let row = store.put_config(row);
    let count = store.connection_count(&id);
    respond_row(
        call,
        &row,
        &Expand {
            connector: false,
            schemas: false,
            count: false,
        },
        count,
    )
}

pub fn delete(call: &Call) -> Response {
    let mut issues = Vec::new();
    let id = check_id(call, &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    match call.store().delete_config(&id) {
        DeleteConfig::NotFound => not_found(call, &id),
        DeleteConfig::HasConnections => call.error(
            500,
            "update or delete on table \"connector_config\" violates foreign key constraint \"fk_connector_config_id\" on table \"connection\"",
        ),
        DeleteConfig::Deleted => call.json(&crate::json::obj([("id", s(id))])),
    }
}

/// Newest `updated_at` first. `connector_names=` (empty) is no filter here; the search matches
/// `id` or `connector_name`.
pub fn list(call: &Call) -> Response {
    let mut issues = Vec::new();
    let paging = Paging::read(call, &mut issues);
    let expand = check_enum_list(
        "expand",
        &values(&call.query, "expand"),
        &EXPAND,
        &mut issues,
    );
    let names = check_enum_list(
        "connector_names",
        &values(&call.query, "connector_names"),
        &catalogue().sorted_names,
        &mut issues,
    );
    let q = search(call, &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    if call.own_customer().is_some() {
        return call.error(500, PERMISSION);
    }
    let has = |x: &str| expand.iter().any(|e| e == x);
    let expand = Expand {
        connector: has("connector") || has("connector.schemas"),
        schemas: has("connector.schemas"),
        count: has("connection_count"),
    };
    let mut store = call.store();
    let end = paging.start.saturating_add(paging.limit);
    let mut matching = 0;
    let mut page = Vec::new();
    let all = store.configs.rows();
    let filtered = !names.is_empty() || q.is_some();
    if !filtered {
        // Without filters the page is a slice of the order.
        matching = all.len();
        page = all[paging.start.min(all.len())..end.min(all.len())].to_vec();
    }
    for row in all.iter().filter(|_| filtered) {
        let hit = (names.is_empty() || names.contains(&row.connector_name))
            && q.as_deref()
                .is_none_or(|q| ilike(&row.id, q) || ilike(&row.connector_name, q));
        if hit {
            if matching >= paging.start && matching < end {
                page.push(row.clone());
            }
            matching += 1;
        }
    }
    if let Some((i, bad)) = page.iter().enumerate().find(|(_, r)| !r.issues.is_empty()) {
        let at = [s("items"), V::Int(i as i64)];
        return errors::output_failed(call.op, zod::prefixed(bad.issues.clone(), &at));
    }
    let mut items = Vec::new();
    for (i, row) in page.iter().enumerate() {
        if i > 0 {
            items.push(b',');
        }
        write(row, &expand, store.connection_count(&row.id), &mut items);
    }
    page_response(
        call,
        &items,
        page.len(),
        matching,
        &paging,
        TableName::ConnectorConfig,
        &mut store,
    )
}
