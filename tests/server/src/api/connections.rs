//! Connections: get, delete, list, create, check. Customers see only their own connections
//! (another customer's is a 404; filtering on another customer gives an empty page).

use super::{ilike, page_response, search, Call, Paging};
use crate::clock;
use crate::connectors::{catalogue, Checker, Connector};
use crate::errors;
use crate::http::Response;
use crate::json::{obj, opt_str, s, V};
use crate::query::{check_enum, check_enum_list, check_string, flag, split_list, values};
use crate::schema;
use crate::seed::TableName;
use crate::store::{ConfigRow, ConnRow, Store};
use crate::zod::{self, path};
use std::sync::Arc;

const IMPORTED: &str = "Connection was imported without checking its status";
const POLICIES: [&str; 3] = ["none", "force", "auto"];

fn check_id(call: &Call, issues: &mut Vec<V>) -> String {
    let id = call.params[0];
    if !id.starts_with("conn_") {
        issues.push(zod::starts_with("conn_", path(&["id"])));
    }
    id.to_string()
}

fn not_found(call: &Call) -> Response {
    call.error(404, "Connection not found")
}

/// The row, if the caller may see it.
fn visible(call: &Call, store: &Store, id: &str) -> Option<Arc<ConnRow>> {
    let row = store.connections.get(id)?;
    match call.own_customer() {
        Some(own) if own != row.customer_id => None,
        _ => Some(row.clone()),
    }
}

/// What the connector's check says about these settings (`None`: it has no check). Nothing
/// is reachable from here, so checks fail the way the recorded ones did.
fn check_result(
    connector: &Connector,
    settings: &V,
    config: Option<&ConfigRow>,
) -> Option<(String, Option<String>)> {
    match connector.checker() {
        Checker::None => None,
        Checker::Unreachable(message) => Some(("disconnected".into(), Some(message.into()))),
        Checker::OAuthRefresh => {
            let text = |v: Option<&V>| {
                v.and_then(V::as_str)
                    .map_or_else(|| "undefined".to_string(), str::to_string)
            };
            let refresh = text(
                settings
                    .get("oauth")
                    .and_then(|o| o.get("credentials"))
                    .and_then(|c| c.get("refresh_token")),
            );
            let oauth = config.and_then(|c| c.config.get("oauth"));
            let client_id = text(oauth.and_then(|o| o.get("client_id")));
            let secret = text(oauth.and_then(|o| o.get("client_secret")));
            let detail = obj([
                (
                    "error_message",
                    s("Unable to connect. Is the computer able to access the url?"),
                ),
                ("error_name", s("Error")),
                ("request_url", s(connector.token_url())),
                (
                    "request_body",
                    s(format!(
                        "grant_type=refresh_token&refresh_token={refresh}&client_id={client_id}&client_secret={secret}"
                    )),
                ),
            ]);
            Some((
                "error".into(),
                Some(format!(
                    "Token refresh failed with error {}",
                    detail.render()
                )),
            ))
        }
    }
}

/// Runs the check for a stored row and writes a change (status, `updated_at`, event).
fn check_row(store: &mut Store, row: &ConnRow) -> Option<(String, Option<String>)> {
    let connector = catalogue().get(&row.connector_name)?;
    let config = store.configs.get(&row.connector_config_id).cloned();
    let result = check_result(connector, &row.settings, config.as_deref())?;
    store.set_status(&row.id, &result.0, result.1.clone());
    Some(result)
}

/// An OAuth2 token that has expired (`refresh_policy=auto` refreshes only those).
fn expired(row: &ConnRow) -> bool {
    row.settings
        .get("oauth")
        .and_then(|o| o.get("credentials"))
        .and_then(|c| c.get("expires_at"))
        .and_then(V::as_str)
        .and_then(clock::parse_pg)
        .is_some_and(|t| t < clock::now_micros())
}

/// `refresh_policy` with `include_secrets`: `force` checks every row, `auto` only expired OAuth
/// tokens, `none` nothing (without secrets nothing is checked). The answer shows the new status
/// with the `updated_at` read before the check, as the real server's does.
fn refreshed(store: &mut Store, row: Arc<ConnRow>, secrets: bool, policy: &str) -> Arc<ConnRow> {
    let due = secrets && (policy == "force" || (policy == "auto" && expired(&row)));
    if !due {
        return row;
    }
    match check_row(store, &row) {
        Some((status, message)) if status != row.status || message != row.status_message => {
            let mut shown = (*row).clone();
            shown.status = status;
            shown.status_message = message;
            Arc::new(shown.render())
        }
        _ => row,
    }
}

pub fn get(call: &Call) -> Response {
    let mut issues = Vec::new();
    let id = check_id(call, &mut issues);
    let secrets = flag(&call.query, "include_secrets");
    let policy = check_enum(&call.query, "refresh_policy", &POLICIES, &mut issues)
        .unwrap_or_else(|| "auto".into());
    let expand = check_enum_list(
        "expand",
        &values(&call.query, "expand"),
        &["connector"],
        &mut issues,
    );
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let mut store = call.store();
    let Some(row) = visible(call, &store, &id) else {
        return not_found(call);
    };
    let row = refreshed(&mut store, row, secrets, &policy);
    if secrets && !row.issues.is_empty() {
        return errors::output_failed(call.op, row.issues.clone());
    }
    let mut out = Vec::new();
    row.write(secrets, !expand.is_empty(), &mut out);
    Response::json(200, out)
}

pub fn delete(call: &Call) -> Response {
    let mut issues = Vec::new();
    let id = check_id(call, &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let mut store = call.store();
    if visible(call, &store, &id).is_none() {
        return not_found(call);
    }
    store.delete_connection(&id, true);
    call.json(&obj([("id", s(id))]))
}

/// A connector without a check answers a mocked `healthy` and saves nothing.
pub fn check(call: &Call) -> Response {
    let mut issues = Vec::new();
    let id = check_id(call, &mut issues);
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    let mut store = call.store();
    let Some(row) = visible(call, &store, &id) else {
        return not_found(call);
    };
    let (status, message) = check_row(&mut store, &row).unwrap_or_else(|| ("healthy".into(), None));
    call.json(&obj([
        ("id", s(id)),
        ("status", s(status)),
        ("status_message", opt_str(message.as_deref())),
    ]))
}

/// Newest `updated_at` first. `connector_names=` (empty) matches nothing here; the search
/// matches `id`, `customer_id` or `connector_name`.
pub fn list(call: &Call) -> Response {
    let mut issues = Vec::new();
    let paging = Paging::read(call, &mut issues);
    let raw_names = values(&call.query, "connector_names");
    let names = check_enum_list(
        "connector_names",
        &raw_names,
        &catalogue().sorted_names,
        &mut issues,
    );
    let customer = check_string(&call.query, "customer_id", &mut issues);
    let config_id = check_string(&call.query, "connector_config_id", &mut issues);
    if config_id
        .as_deref()
        .is_some_and(|c| !c.starts_with("ccfg_"))
    {
        issues.push(zod::starts_with("ccfg_", path(&["connector_config_id"])));
    }
    let secrets = flag(&call.query, "include_secrets");
    let expand = check_enum_list(
        "expand",
        &values(&call.query, "expand"),
        &["connector"],
        &mut issues,
    );
    let q = search(call, &mut issues);
    let policy = check_enum(&call.query, "refresh_policy", &POLICIES, &mut issues)
        .unwrap_or_else(|| "auto".into());
    if !issues.is_empty() {
        return call.invalid(issues);
    }
    // The key was sent but named nothing: `IN ()` matches no row.
    let nothing = !raw_names.is_empty() && split_list(&raw_names).is_empty();
    let own = call.own_customer();
    let mut store = call.store();
    let end = paging.start.saturating_add(paging.limit);
    let mut matching = 0;
    let mut page = Vec::new();
    let all = store.connections.rows();
    let unfiltered = own.is_none()
        && customer.is_none()
        && config_id.is_none()
        && names.is_empty()
        && q.is_none();
    if nothing {
        // `connector_names=` named nothing: `IN ()` matches no row.
    } else if unfiltered {
        // The common case (and the benchmarks'): a slice of the order, no scan.
        matching = all.len();
        page = all[paging.start.min(all.len())..end.min(all.len())].to_vec();
    } else {
        for row in all {
            let hit = own.is_none_or(|o| row.customer_id == o)
                && customer.as_deref().is_none_or(|c| row.customer_id == c)
                && config_id
                    .as_deref()
                    .is_none_or(|c| row.connector_config_id == c)
                && (names.is_empty() || names.contains(&row.connector_name))
                && q.as_deref().is_none_or(|q| {
                    ilike(&row.id, q) || ilike(&row.customer_id, q) || ilike(&row.connector_name, q)
                });
            if hit {
                if matching >= paging.start && matching < end {
                    page.push(row.clone());
                }
                matching += 1;
            }
        }
    }
    let page: Vec<Arc<ConnRow>> = page
        .into_iter()
        .map(|row| refreshed(&mut store, row, secrets, &policy))
        .collect();
    if secrets {
        if let Some((i, bad)) = page.iter().enumerate().find(|(_, r)| !r.issues.is_empty()) {
            let at = [s("items"), V::Int(i as i64)];
            return errors::output_failed(call.op, zod::prefixed(bad.issues.clone(), &at));
        }
    }
    let mut items = Vec::new();
    for (i, row) in page.iter().enumerate() {
        if i > 0 {
            items.push(b',');
        }
        row.write(secrets, !expand.is_empty(), &mut items);
    }
    page_response(
        call,
        &items,
        page.len(),
        matching,
        &paging,
        TableName::Connection,
        &mut store,
    )
}

/// OAuth2 settings as the server stores them: `expires_at` from `expires_in`, and the access
/// token copied to the top level.
fn fill_oauth(settings: &mut V, now: i64) {
    let Some(mut creds) = settings
        .get("oauth")
        .and_then(|o| o.get("credentials"))
        .filter(|c| c.is_obj())
        .cloned()
    else {
        return;
    };
    if creds.get("expires_at").is_none() {
        if let Some(secs) = creds.get("expires_in").and_then(V::as_f64) {
            let at = now + (secs * 1e6) as i64;
            creds.set("expires_at", s(clock::iso(at)));
        }
    }
    let token = creds.get("access_token").cloned();
    if let Some(V::Obj(oauth)) = settings.get("oauth").cloned() {
        let mut oauth = V::Obj(oauth);
        oauth.set("credentials", creds);
        settings.set("oauth", oauth);
    }
    if let Some(token) = token {
        if settings.get("access_token").is_none() {
            settings.set("access_token", token);
        }
    }
}

/// Validation first (all issues at once, in the body schema's order), then the config lookup,
/// then the optional check. Settings that are left out are stored as `{}` without a check, and
/// the answer then fails output validation (the row stays).
pub fn create(call: &Call) -> Response {
    let body = &call.body;
    let mut issues = Vec::new();
    let config_id = match body.get("connector_config_id") {
        Some(V::Str(id)) => {
            if !id.starts_with("ccfg_") {
                issues.push(zod::starts_with("ccfg_", path(&["connector_config_id"])));
            }
            Some(id.clone())
        }
        other => {
            let received = other.map_or("undefined", V::zod_type);
            issues.push(zod::invalid_type(
                "string",
                received,
                path(&["connector_config_id"]),
            ));
            None
        }
    };
    let metadata = match body.get("metadata") {
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
    let customer_id = match body.get("customer_id") {
        Some(V::Str(c)) => Some(c.clone()),
        other => {
            let received = other.map_or("undefined", V::zod_type);
            issues.push(zod::invalid_type(
                "string",
                received,
                path(&["customer_id"]),
            ));
            None
        }
    };
    let cat = catalogue();
    let mut input: Option<(&Connector, V)> = None;
    match body.get("data") {
        Some(data @ V::Obj(_)) => {
            match data
                .get("connector_name")
                .and_then(V::as_str)
                .and_then(|n| cat.get(n))
            {
                None => issues.push(zod::discriminator(
                    &cat.listing_names,
                    path(&["data", "connector_name"]),
                )),
                Some(connector) => {
                    let settings = match (data.get("settings"), &connector.settings_schema) {
                        (None, _) => V::Obj(Vec::new()),
                        (Some(given), Some(schema)) => {
                            schema::parse(schema, given, &path(&["data", "settings"]), &mut issues);
                            given.clone()
                        }
                        (Some(given), None) => given.clone(),
                    };
                    input = Some((connector, settings));
                }
            }
        }
        other => {
            let received = other.map_or("undefined", V::zod_type);
            issues.push(zod::invalid_type("object", received, path(&["data"])));
        }
    }
    let check = body.get("check_connection").is_some_and(V::truthy);
    let (Some(config_id), Some(customer_id), Some((connector, mut settings))) =
        (config_id, customer_id, input.filter(|_| issues.is_empty()))
    else {
        return call.invalid(issues);
    };
    let mut store = call.store();
    let Some(config) = store.configs.get(&config_id).cloned() else {
        return call.error(404, &format!("Connector config {config_id} not found"));
    };
    if config.connector_name != connector.name {
        return call.error(
            400,
            &format!(
                "Connector name mismatch: config is {} but input is {}",
                config.connector_name, connector.name
            ),
        );
    }
    let js_now = store.now_js();
    fill_oauth(&mut settings, js_now);
    let (status, message) = if check {
        match check_result(connector, &settings, Some(&config)) {
            Some(result) => result,
            None => {
                return call.error(
                    501,
                    &format!(
                        "Connector {} does not support check_connection",
                        connector.name
                    ),
                )
            }
        }
    } else {
        ("unknown".to_string(), Some(IMPORTED.to_string()))
    };
    let now = store.now();
    let row = store.new_connection(
        &config,
        &customer_id,
        &status,
        message,
        metadata,
        settings,
        now,
    );
    if !row.issues.is_empty() {
        return errors::output_failed(call.op, row.issues.clone());
    }
    let mut out = Vec::new();
    row.write(true, false, &mut out);
    Response::json(200, out)
}
