//! The admin API (`/__admin`, no auth): scenarios, their request logs and stores, the registry
//! oracle, raw table changes.

use crate::app::App;
use crate::errors::{error, error_body};
use crate::http::{Request, Response};
use crate::json::{obj, s};
use crate::query::{self, parse_query};
use crate::registry::MAX_COUNT;
use crate::scenarios::{Config, Scenario};
use crate::seed::Mutation;
use std::sync::atomic::Ordering;
use std::sync::Arc;

impl App {
    pub fn admin(&self, req: &Request) -> Response {
        let parts: Vec<&str> = req.path.trim_end_matches('/').split('/').skip(2).collect();
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", []) => Response::json(200, self.info()),
            ("GET", ["registry"]) => self.admin_registry(req),
            ("GET", ["proxy", "requests"]) => match &self.proxy {
                Some((_, proxy)) => Response::json(200, proxy.log_json()),
                None => error(404, "No proxy: start the server with --proxy", None),
            },
            ("POST", ["scenarios"]) => self.create_scenario(req),
            ("GET", ["scenarios", id, "requests"]) => match self.scenario(id) {
                Some(scn) => Response::json(200, scn.log_json()),
                None => no_scenario(id),
            },
            ("GET", ["scenarios", id, "store"]) => match self.scenario(id) {
                Some(scn) => Response::json(200, scn.store.lock().unwrap().dump().render()),
                None => no_scenario(id),
            },
            ("POST", ["scenarios", id, "mutate"]) => match self.scenario(id) {
                Some(scn) => mutate(&scn, &req.body),
                None => no_scenario(id),
            },
            ("DELETE", ["scenarios", id]) => match self.scenarios.lock().unwrap().remove(*id) {
                Some(_) => Response::json(200, "{\"deleted\":true}"),
                None => no_scenario(id),
            },
            _ => error(
                404,
                &format!("No admin route {} {}", req.method, req.path),
                None,
            ),
        }
    }

    fn create_scenario(&self, req: &Request) -> Response {
        let config = match Config::from_json(&req.body) {
            Ok(c) => c,
            Err(msg) => return error(400, &msg, None),
        };
        let id = format!("s{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        let scn = Arc::new(Scenario::new(config, &self.org_key));
        let body = obj([
            ("id", s(&id)),
            (
                "base_url",
                s(format!("http://127.0.0.1:{}/s/{id}/v1", self.main_port)),
            ),
            (
                "other_base_url",
                s(format!("http://127.0.0.1:{}/s/{id}/v1", self.other_port)),
            ),
            ("org_key", s(&scn.org_key)),
        ]);
        let mut body = body;
        if let Some(t) = &self.tls {
            body.set(
                "https_base_url",
                s(format!("https://127.0.0.1:{}/s/{id}/v1", t.https_port)),
            );
            body.set(
                "mtls_base_url",
                s(format!("https://127.0.0.1:{}/s/{id}/v1", t.mtls_port)),
            );
        }
        let body = body.render();
        self.scenarios.lock().unwrap().insert(id, scn);
        Response::json(200, body)
    }

    /// `GET /__admin/registry?count=N&expand=schemas`: the oracle tests compare listings with.
    fn admin_registry(&self, req: &Request) -> Response {
        let pairs = parse_query(&req.query);
        let mut issues = Vec::new();
        let count = query::check_int(
            "count",
            &query::values(&pairs, "count"),
            self.root.config.count as f64,
            Some(MAX_COUNT as f64),
            &mut issues,
        );
        let expand = query::check_expand(&query::values(&pairs, "expand"), &mut issues);
        if !issues.is_empty() {
            return Response::json(
                400,
                error_body(400, "Input validation failed", None, Some(issues)),
            );
        }
        let mut out = vec![b'['];
        self.registry
            .write_items(expand, 0, count as usize, &mut out);
        out.push(b']');
        Response::json(200, out)
    }
}

fn no_scenario(id: &str) -> Response {
    error(404, &format!("No scenario {id:?}"), None)
}

/// `POST /__admin/scenarios/<id>/mutate`: `{"table", "insert", "delete", "where"}`.
fn mutate(scn: &Scenario, body: &[u8]) -> Response {
    let parsed = serde_json::from_slice::<serde_json::Value>(body)
        .map_err(|e| format!("body is not JSON: {e}"))
        .and_then(|v| Mutation::from_json(&v, true, "mutate"));
    match parsed {
        Ok(m) => {
            let table = m.table.expect("required by from_json");
            let done = scn.store.lock().unwrap().mutate(table, &m);
            Response::json(200, done.render())
        }
        Err(msg) => error(400, &msg, None),
    }
}
