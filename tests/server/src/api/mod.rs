//! The v1 API behind `/v1` (and `/s/<id>/v1`): routing, request bodies and auth in the order the
//! real server (tRPC behind an OpenAPI adapter) applies them, then one handler per operation:
//!
//! 1. route: method and path, case-insensitive, one optional trailing `/`; anything else is the
//!    API's 404 (never 405);
//! 2. body: non-GET requests must be JSON (see [`read_body`]); a body that is not JSON is a 400
//!    PARSE_ERROR;
//! 3. caller: `Authorization` is read even on public routes (a bad token is a 401 everywhere);
//! 4. access: 403 for callers the operation does not admit;
//! 5. the handler: input validation (400 with zod issues), then the operation.
//!
//! `GET /connector` is not here: `app.rs` serves it as it always has (synthetic registry,
//! scenario `token`), see README.

mod configs;
mod connections;
mod customers;
mod events;
mod misc;

use crate::auth::{self, Access, Viewer};
use crate::errors;
use crate::http::{Outcome, Request, Response};
use crate::json::{self, V};
use crate::query::{self, parse_query};
use crate::scenarios::{Mode, Scenario};
use crate::seed::TableName;
use crate::store::Store;
use std::sync::MutexGuard;

/// One request on its way through an operation.
pub struct Call<'a> {
    pub scn: &'a Scenario,
    pub op: &'static str,
    /// Path parameters as sent: not percent-decoded (the real server does not decode them).
    pub params: Vec<&'a str>,
    pub query: Vec<(String, String)>,
    /// The JSON body as an object (`{}` for GET and empty bodies).
    pub body: V,
    pub viewer: Viewer,
}

impl Call<'_> {
    pub fn error(&self, status: u16, message: &str) -> Response {
        errors::error(status, message, Some(self.op))
    }
    pub fn invalid(&self, issues: Vec<V>) -> Response {
        errors::input_failed(self.op, issues)
    }
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.scn.store.lock().unwrap_or_else(|p| p.into_inner())
    }
    pub fn json(&self, v: &V) -> Response {
        Response::json(200, v.render())
    }
    /// The customer a customer-role caller is; `None` for the organization.
    pub fn own_customer(&self) -> Option<&str> {
        self.viewer.customer_id()
    }
}

type Handler = fn(&Call) -> Response;

struct Route {
    method: &'static str,
    /// Segments after `/v1`; `{}` is a parameter (one non-empty segment).
    path: &'static str,
    op: &'static str,
    access: Access,
    handler: Handler,
}

const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "connector-config/{}",
        op: "getConnectorConfig",
        access: Access::Customer,
        handler: configs::get,
    },
    Route {
        method: "PUT",
        path: "connector-config/{}",
        op: "updateConnectorConfig",
        access: Access::OrgOnly,
        handler: configs::update,
    },
    Route {
        method: "DELETE",
        path: "connector-config/{}",
        op: "deleteConnectorConfig",
        access: Access::OrgOnly,
        handler: configs::delete,
    },
    Route {
        method: "GET",
        path: "connector-config",
        op: "listConnectorConfigs",
        access: Access::Customer,
        handler: configs::list,
    },
    Route {
        method: "POST",
        path: "connector-config",
        op: "createConnectorConfig",
        access: Access::OrgOnly,
        handler: configs::create,
    },
    Route {
        method: "GET",
        path: "connection/{}",
        op: "getConnection",
        access: Access::Customer,
        handler: connections::get,
    },
    Route {
        method: "DELETE",
        path: "connection/{}",
        op: "deleteConnection",
        access: Access::Customer,
        handler: connections::delete,
    },
    Route {
        method: "GET",
        path: "connection",
        op: "listConnections",
        access: Access::Customer,
        handler: connections::list,
    },
    Route {
        method: "POST",
        path: "connection",
        op: "createConnection",
        access: Access::OrgOnly,
        handler: connections::create,
    },
    Route {
        method: "POST",
        path: "customer/{}/token",
        op: "createToken",
        access: Access::OrgOnly,
        handler: customers::create_token,
    },
    Route {
        method: "POST",
        path: "connection/{}/check",
        op: "checkConnection",
        access: Access::Customer,
        handler: connections::check,
    },
    Route {
        method: "GET",
        path: "event",
        op: "listEvents",
        access: Access::Customer,
        handler: events::list,
    },
    Route {
        method: "PUT",
        path: "customer",
        op: "upsertCustomer",
        access: Access::OrgOnly,
        handler: customers::upsert,
    },
    Route {
        method: "GET",
        path: "customer",
        op: "listCustomers",
        access: Access::OrgOnly,
        handler: customers::list,
    },
    Route {
        method: "GET",
        path: "health",
        op: "health",
        access: Access::Public,
        handler: misc::health,
    },
    Route {
        method: "POST",
        path: "health",
        op: "healthEcho",
        access: Access::Public,
        handler: misc::health_echo,
    },
    Route {
        method: "GET",
        path: "connector-status",
        op: "connectorStatus",
        access: Access::Public,
        handler: misc::connector_status,
    },
    Route {
        method: "GET",
        path: "viewer",
        op: "viewer",
        access: Access::Public,
        handler: misc::viewer,
    },
    Route {
        method: "POST",
        path: "webhook/{}",
        op: "handleWebhook",
        access: Access::Public,
        handler: misc::webhook,
    },
    Route {
        method: "GET",
        path: "ai/message_template",
        op: "messageTemplate",
        access: Access::OrgOnly,
        handler: misc::message_template,
    },
];

/// Path segments after `/v1/`, without one trailing empty segment (`/v1/health/`).
pub fn segments(rest: &str) -> Vec<&str> {
    let mut segs: Vec<&str> = rest.split('/').collect();
    if segs.len() > 1 && segs.last() == Some(&"") {
        segs.pop();
    }
    segs
}

fn matches<'a>(route: &Route, segs: &[&'a str]) -> Option<Vec<&'a str>> {
    let pattern: Vec<&str> = route.path.split('/').collect();
    if pattern.len() != segs.len() {
        return None;
    }
    let mut params = Vec::new();
    for (p, s) in pattern.iter().zip(segs) {
        if *p == "{}" {
            if s.is_empty() {
                return None;
            }
            params.push(*s);
        } else if !p.eq_ignore_ascii_case(s) {
            return None;
        }
    }
    Some(params)
}

/// The operation a request would reach (for `data.path` of injected errors), if any.
pub fn operation(method: &str, rest: &str) -> Option<&'static str> {
    let segs = segments(rest);
    if method == "GET" && segs.len() == 1 && segs[0].eq_ignore_ascii_case("connector") {
        return Some("listConnectors");
    }
    ROUTES
        .iter()
        .find(|r| r.method == method && matches(r, &segs).is_some())
        .map(|r| r.op)
}

enum Body {
    Json(V),
    /// `application/x-www-form-urlencoded`: answered, then the connection is closed (the real
    /// server process exited right after answering one).
    Form(V),
    ParseError,
    /// What crashed the real server process: close the connection without answering.
    Drop,
}

fn is_json(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/json")
}

/// A JSON body as the real server reads it: `null` is `{}`, an array becomes an object with
/// index keys, an empty or broken body is a PARSE_ERROR.
fn json_body(bytes: &[u8]) -> Body {
    match json::parse(bytes) {
        Err(_) => Body::ParseError,
        Ok(V::Null) => Body::Json(V::Obj(Vec::new())),
        Ok(V::Arr(items)) => Body::Json(V::Obj(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
        )),
        Ok(v) => Body::Json(v),
    }
}

/// Request bodies, by method and Content-Type, as recorded:
/// - GET: ignored;
/// - DELETE: needs `application/json` (the body is ignored), otherwise dropped;
/// - PUT: needs `application/json`, otherwise dropped;
/// - POST: `application/json` is parsed; no Content-Type is `{}` when empty and parsed as JSON
///   otherwise; form-encoded is parsed to `{key: [values]}` (answered, then closed); any other
///   type is dropped.
fn read_body(req: &Request) -> Body {
    let ct = req.header("content-type");
    match req.method.as_str() {
        "GET" => Body::Json(V::Obj(Vec::new())),
        "DELETE" => match ct {
            Some(ct) if is_json(ct) => Body::Json(V::Obj(Vec::new())),
            _ => Body::Drop,
        },
        "PUT" => match ct {
            Some(ct) if is_json(ct) => json_body(&req.body),
            _ => Body::Drop,
        },
        _ => match ct {
            Some(ct) if is_json(ct) => json_body(&req.body),
            None if req.body.iter().all(u8::is_ascii_whitespace) => Body::Json(V::Obj(Vec::new())),
            None => json_body(&req.body),
            Some(ct)
                if ct
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded") =>
            {
                let mut form: Vec<(String, V)> = Vec::new();
                for (k, v) in parse_query(&String::from_utf8_lossy(&req.body)) {
                    match form.iter_mut().find(|(name, _)| *name == k) {
                        Some((_, V::Arr(values))) => values.push(V::Str(v)),
                        _ => form.push((k, V::Arr(vec![V::Str(v)]))),
                    }
                }
                json::js_key_order(&mut form);
                Body::Form(V::Obj(form))
            }
            Some(_) => Body::Drop,
        },
    }
}

/// Serves `rest` (the path after `/v1/`) for a scenario.
pub fn handle(scn: &Scenario, req: &Request, rest: &str) -> Outcome {
    let segs = segments(rest);
    let found = ROUTES.iter().find_map(|r| {
        (r.method == req.method)
            .then(|| matches(r, &segs))
            .flatten()
            .map(|params| (r, params))
    });
    let Some((route, params)) = found else {
        // Older SDK tests point a client at `<base>/v1/nope` and expect this server's earlier
        // message for the `/connector` they append; every other miss is the real "Not found".
        if segs
            .last()
            .is_some_and(|s| s.eq_ignore_ascii_case("connector"))
            && segs.len() > 1
        {
            return Outcome::Respond(errors::error(
                404,
                &format!("No procedure found on path \"{}\"", req.path),
                None,
            ));
        }
        return Outcome::Respond(errors::not_found());
    };
    let (body, close_after) = match read_body(req) {
        Body::Drop => return Outcome::Drop,
        Body::ParseError => return Outcome::Respond(errors::parse_error(route.op)),
        Body::Json(v) => (v, false),
        Body::Form(v) => (v, true),
    };
    let viewer = {
        let store = scn.store.lock().unwrap_or_else(|p| p.into_inner());
        auth::viewer(
            req.header("authorization"),
            |k| scn.is_org_key(k),
            |k| store.customer_of_key(k),
            crate::clock::now_micros() as f64 / 1e6,
        )
    };
    let viewer = match viewer {
        Ok(v) => v,
        Err(message) => return Outcome::Respond(errors::error(401, &message, Some(route.op))),
    };
    if let Some(message) = auth::refused(route.access, &viewer) {
        return Outcome::Respond(errors::error(403, message, Some(route.op)));
    }
    let call = Call {
        scn,
        op: route.op,
        params,
        query: parse_query(&req.query),
        body,
        viewer,
    };
    let mut resp = (route.handler)(&call);
    resp.close |= close_after;
    Outcome::Respond(resp)
}

/// A validated list request: `limit`, `offset`, and where the page starts.
pub struct Paging {
    pub limit: usize,
    pub offset: f64,
    /// Index of the first row served (`ignore_offset` serves from 0 but echoes the offset).
    pub start: usize,
}

impl Paging {
    pub fn read(call: &Call, issues: &mut Vec<V>) -> Paging {
        let (limit, offset) = query::page_params(&call.query, issues);
        let start = if call.scn.config.ignore_offset {
            0
        } else if offset >= usize::MAX as f64 {
            usize::MAX
        } else {
            offset as usize
        };
        Paging {
            limit,
            offset,
            start,
        }
    }
}

/// The list envelope. Real mode (the deployed server): on a non-empty page `total` counts every
/// matching row and `has_next_page` is `offset + limit >= total` (true on the last page); an
/// empty page says `total: 0`. Spec mode: `total` always counts, `has_next_page` is
/// `offset + limit < total`.
pub fn page_response(
    call: &Call,
    items: &[u8],
    served: usize,
    matching: usize,
    paging: &Paging,
    table: TableName,
    store: &mut Store,
) -> Response {
    let (total, has_next) = match call.scn.config.mode {
        Mode::Real => {
            let total = if served == 0 { 0 } else { matching };
            (total, paging.offset + paging.limit as f64 >= total as f64)
        }
        Mode::Spec => (
            matching,
            paging.offset + (paging.limit as f64) < matching as f64,
        ),
    };
    let mut out = Vec::with_capacity(items.len() + 96);
    out.extend_from_slice(b"{\"items\":[");
    out.extend_from_slice(items);
    out.extend_from_slice(
        format!(
            "],\"total\":{total},\"limit\":{},\"offset\":{},\"has_next_page\":{has_next}}}",
            paging.limit,
            query::int_json(paging.offset).render()
        )
        .as_bytes(),
    );
    if served > 0 {
        if let Some(m) = &call.scn.config.mutate_after_page {
            store.mutate(table, m);
        }
    }
    Response::json(200, out)
}

/// `ILIKE '%q%'` as PostgreSQL matches it: case-insensitive, `%` any run, `_` any one character.
pub fn ilike(text: &str, q: &str) -> bool {
    fn go(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| go(&t[i..], rest)),
            Some(('\\', rest)) if !rest.is_empty() => {
                t.first() == Some(&rest[0]) && go(&t[1..], &rest[1..])
            }
            Some(('_', rest)) => !t.is_empty() && go(&t[1..], rest),
            Some((c, rest)) => t.first() == Some(c) && go(&t[1..], rest),
        }
    }
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let p: Vec<char> = format!("%{}%", q.to_lowercase()).chars().collect();
    go(&t, &p)
}

/// `search_query`, trimmed; empty means no search.
pub fn search(call: &Call, issues: &mut Vec<V>) -> Option<String> {
    query::check_string(&call.query, "search_query", issues)
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing() {
        assert_eq!(operation("GET", "HEALTH"), Some("health"));
        assert_eq!(operation("GET", "health/"), Some("health"));
        assert_eq!(
            operation("POST", "customer/a%20b/token"),
            Some("createToken")
        );
        assert_eq!(operation("POST", "customer//token"), None);
        assert_eq!(operation("PATCH", "customer"), None);
        assert_eq!(operation("GET", "connector"), Some("listConnectors"));
        assert_eq!(operation("GET", "event/evt_1"), None);
    }

    #[test]
    fn ilike_matches_like_postgres() {
        assert!(ilike("evt_01ABC", "EVT_"));
        assert!(ilike("evtX01", "evt_"));
        assert!(ilike("cus_globex_002", "GLOBEX"));
        assert!(!ilike("cus_acme", "globex"));
        assert!(ilike("a%b", "%"));
    }
}
