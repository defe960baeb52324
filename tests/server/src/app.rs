//! Scenario dispatch: the behaviours a scenario injects (latency, failures, redirects, ...) in
//! the order the README documents, then the routes: `GET /connector` (served here as it always
//! was: synthetic registry, scenario `token`) and the rest of the v1 API (`api`). The admin API
//! is in `admin.rs`.

use crate::api;
use crate::auth;
use crate::connectors::catalogue;
use crate::errors::{error, error_body};
use crate::http::{accepts_gzip, gzip, reason, Handled, Outcome, Request, Response};
use crate::json::{obj, s, V};
use crate::query::{self, int_json, parse_query};
use crate::registry::Registry;
use crate::scenarios::{
    Config, ConnectorAuth, FailStatus, Mode, Redirect, Registry as Listing, Scenario,
};
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Which listener a request came in on (the request log names it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Port {
    Main,
    Other,
    /// `--tls`: HTTPS with the generated server certificate.
    Https,
    /// `--tls`: HTTPS that requires a client certificate.
    Mtls,
}

impl Port {
    fn name(self) -> &'static str {
        match self {
            Port::Main => "main",
            Port::Other => "other",
            Port::Https => "https",
            Port::Mtls => "mtls",
        }
    }

    fn scheme(self) -> &'static str {
        match self {
            Port::Main | Port::Other => "http",
            Port::Https | Port::Mtls => "https",
        }
    }
}

/// The TLS ports and what clients need to talk to them.
pub struct TlsInfo {
    pub https_port: u16,
    pub mtls_port: u16,
    pub pki: crate::tls::Pki,
}

const PROCEDURE: &str = "listConnectors";

const HTML: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Just a moment...</title></head>\n<body><h1>Checking your browser before accessing the API</h1><p>This page is not JSON.</p></body></html>\n";

/// The key of the organization unless `--org-key` or a scenario's `org_key` says otherwise.
pub const DEFAULT_ORG_KEY: &str = "key_org_local_test_0123456789";

pub struct App {
    pub main_port: u16,
    pub other_port: u16,
    pub org_key: String,
    /// The routes outside `/s/<id>`: configured from the command line.
    pub(crate) root: Arc<Scenario>,
    pub(crate) scenarios: Mutex<HashMap<String, Arc<Scenario>>>,
    pub(crate) next_id: AtomicU64,
    pub registry: Registry,
    pub tls: Option<TlsInfo>,
    pub proxy: Option<(u16, Arc<crate::proxy::Proxy>)>,
}

impl App {
    pub fn new(main_port: u16, other_port: u16, root: Config, org_key: String) -> App {
        App {
            main_port,
            other_port,
            root: Arc::new(Scenario::new(root, &org_key)),
            org_key,
            scenarios: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            registry: Registry::new(),
            tls: None,
            proxy: None,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.main_port)
    }

    pub fn info(&self) -> String {
        let mut info = obj([
            ("base_url", s(self.base_url())),
            ("port", V::Int(i64::from(self.main_port))),
            ("other_port", V::Int(i64::from(self.other_port))),
            (
                "admin_url",
                s(format!("http://127.0.0.1:{}/__admin", self.main_port)),
            ),
            // The root routes' key (`--token` when given, else `--org-key`).
            ("org_key", s(&self.root.org_key)),
        ]);
        if let Some(t) = &self.tls {
            let fields = [
                (
                    "https_base_url",
                    s(format!("https://127.0.0.1:{}/v1", t.https_port)),
                ),
                ("https_port", V::Int(i64::from(t.https_port))),
                (
                    "mtls_base_url",
                    s(format!("https://127.0.0.1:{}/v1", t.mtls_port)),
                ),
                ("mtls_port", V::Int(i64::from(t.mtls_port))),
                ("ca_pem", s(&t.pki.ca_pem)),
                ("client_cert_pem", s(&t.pki.client_cert_pem)),
                ("client_key_pem", s(&t.pki.client_key_pem)),
                (
                    "untrusted_client_cert_pem",
                    s(&t.pki.untrusted_client_cert_pem),
                ),
                (
                    "untrusted_client_key_pem",
                    s(&t.pki.untrusted_client_key_pem),
                ),
            ];
            for (k, v) in fields {
                info.set(k, v);
            }
        }
        if let Some((port, _)) = &self.proxy {
            info.set("proxy_url", s(format!("http://127.0.0.1:{port}")));
            info.set("proxy_port", V::Int(i64::from(*port)));
        }
        info.render()
    }

    /// `default` names the root routes' scenario.
    pub(crate) fn scenario(&self, id: &str) -> Option<Arc<Scenario>> {
        if id == "default" {
            return Some(self.root.clone());
        }
        self.scenarios.lock().unwrap().get(id).cloned()
    }

    pub fn handle(&self, port: Port, req: &Request) -> Handled {
        let path = req.path.as_str();
        if path == "/__admin" || path.starts_with("/__admin/") {
            return Outcome::Respond(self.admin(req)).into();
        }
        if let Some(rest) = path.strip_prefix("/s/") {
            let (id, rest) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            return match self.scenario(id) {
                Some(scn) => self.logged(scn, port, req, rest),
                None => Outcome::Respond(error(404, &format!("No scenario {id:?}"), None)).into(),
            };
        }
        self.logged(self.root.clone(), port, req, path)
    }

    /// A scenario request, logged; its log entry learns the status once the answer goes out.
    fn logged(&self, scn: Arc<Scenario>, port: Port, req: &Request, route: &str) -> Handled {
        let recorded = scn.record(port.name(), req);
        let seq = recorded.seq;
        let outcome = self.scenario_request(&scn, port, req, route, seq, recorded.fail);
        Handled {
            outcome,
            report: Some(Box::new(move |status| scn.set_status(seq, status))),
        }
    }

    fn scenario_request(
        &self,
        scn: &Scenario,
        port: Port,
        req: &Request,
        route: &str,
        seq: u64,
        fail: bool,
    ) -> Outcome {
        let cfg = &scn.config;
        if cfg.latency_ms > 0 {
            std::thread::sleep(Duration::from_millis(cfg.latency_ms));
        }
        // A hostile answer replaces the scenario's, or wraps it (the operation then runs).
        if let Some(h) = cfg
            .hostile
            .as_ref()
            .filter(|h| h.times.is_none_or(|t| seq < t))
            .filter(|h| {
                h.matches
                    .as_deref()
                    .is_none_or(|m| crate::scenarios::raw_target(req).contains(m))
            })
        {
            if !h.wraps() {
                return Outcome::Raw {
                    status: h.status(None),
                    write: h.writer(None),
                };
            }
            return match self.finished(scn, fail, port, req, route) {
                Outcome::Respond(resp) => Outcome::Raw {
                    status: h.status(Some(&resp)),
                    write: h.writer(Some(resp)),
                },
                other => other,
            };
        }
        self.finished(scn, fail, port, req, route)
    }

    /// The scenario's answer with `error_headers` and `gzip` applied.
    fn finished(
        &self,
        scn: &Scenario,
        fail: bool,
        port: Port,
        req: &Request,
        route: &str,
    ) -> Outcome {
        let cfg = &scn.config;
        let mut resp = match self.answer(scn, fail, port, req, route) {
            Outcome::Respond(resp) => resp,
            other => return other,
        };
        if resp.status >= 400 {
            resp.headers.extend(cfg.error_headers.iter().cloned());
        }
        if cfg.gzip {
            resp.headers.push(("Vary".into(), "Accept-Encoding".into()));
            if !resp.body.is_empty() && req.header("accept-encoding").is_some_and(accepts_gzip) {
                resp.body = gzip(&resp.body);
                resp.headers
                    .push(("Content-Encoding".into(), "gzip".into()));
            }
        }
        Outcome::Respond(resp)
    }

    /// The scenario behaviours, in the order the README documents, then the routes.
    fn answer(
        &self,
        scn: &Scenario,
        fail: bool,
        port: Port,
        req: &Request,
        route: &str,
    ) -> Outcome {
        let cfg = &scn.config;
        // Injected errors name the operation the request was for, as the real server would.
        let procedure = strip_prefix_ci(route, "/v1/")
            .and_then(|rest| api::operation(&req.method, rest))
            .unwrap_or(PROCEDURE);
        // Counted when logged: `fail.match`, `fail.after` and `fail.times` decided `fail`.
        if let Some(fail) = cfg.fail.as_ref().filter(|_| fail) {
            let status = match fail.status {
                FailStatus::Drop => return Outcome::Drop,
                FailStatus::Status(st) => st,
            };
            let mut resp = match &fail.body {
                Some(body) => {
                    let ct = fail.content_type.clone().unwrap_or_else(|| {
                        let json = serde_json::from_str::<serde_json::Value>(body).is_ok();
                        if json {
                            "application/json"
                        } else {
                            "text/plain; charset=utf-8"
                        }
                        .to_string()
                    });
                    let mut r = Response::json(status, body.clone());
                    r.content_type = None;
                    r.headers.push(("Content-Type".into(), ct));
                    r
                }
                None => error(status, reason(status), Some(procedure)),
            };
            resp.headers.extend(fail.headers.iter().cloned());
            return Outcome::Respond(resp);
        }
        if let Some(status) = cfg.status {
            return Outcome::Respond(error(status, reason(status), Some(procedure)));
        }
        match cfg.redirect {
            Some(Redirect::SameOrigin)
                if !parse_query(&req.query)
                    .iter()
                    .any(|(k, v)| k == "_redirected" && v == "1") =>
            {
                let host = req.header("host").map_or_else(
                    || format!("127.0.0.1:{}", self.port_number(port)),
                    str::to_string,
                );
                let query = if req.query.is_empty() {
                    "_redirected=1".to_string()
                } else {
                    format!("{}&_redirected=1", req.query)
                };
                let scheme = port.scheme();
                return Outcome::Respond(redirect(format!(
                    "{scheme}://{host}{}?{query}",
                    req.path
                )));
            }
            Some(Redirect::OtherOrigin) if port == Port::Main => {
                let query = if req.query.is_empty() {
                    String::new()
                } else {
                    format!("?{}", req.query)
                };
                return Outcome::Respond(redirect(format!(
                    "http://127.0.0.1:{}{}{query}",
                    self.other_port, req.path
                )));
            }
            _ => {}
        }
        if cfg.non_json {
            return Outcome::Respond(Response::new(200, "text/html; charset=utf-8", HTML));
        }
        match self.route(scn, req, route) {
            // `truncate` cuts every successful answer with a body, whatever the operation.
            Outcome::Respond(mut resp) if resp.status == 200 && !resp.body.is_empty() => {
                resp.truncate = cfg.truncate;
                Outcome::Respond(resp)
            }
            other => other,
        }
    }

    fn route(&self, scn: &Scenario, req: &Request, route: &str) -> Outcome {
        // CORS preflights and HEAD: an empty 204 (HEAD keeps the JSON Content-Type).
        if req.method == "OPTIONS" {
            let mut r = Response::new(204, "", Vec::new());
            r.content_type = None;
            r.headers.extend([
                ("Access-Control-Allow-Origin".to_string(), "*".to_string()),
                (
                    "Access-Control-Allow-Methods".to_string(),
                    "GET, POST, PUT, DELETE, OPTIONS".to_string(),
                ),
                (
                    "Access-Control-Allow-Headers".to_string(),
                    req.header("access-control-request-headers")
                        .unwrap_or("*")
                        .to_string(),
                ),
            ]);
            return Outcome::Respond(r);
        }
        if req.method == "HEAD" {
            return Outcome::Respond(Response::json(204, Vec::new()));
        }
        // The web framework's own health check, outside the API.
        if route.eq_ignore_ascii_case("/health") || route.eq_ignore_ascii_case("/health/") {
            if req.method == "GET" {
                return Outcome::Respond(Response::new(
                    200,
                    "application/json;charset=utf-8",
                    "{\"healthy\":true}",
                ));
            }
            return Outcome::Respond(text_not_found());
        }
        if let Some(rest) =
            strip_prefix_ci(route, "/v2/").or(route.eq_ignore_ascii_case("/v2").then_some(""))
        {
            if scn.config.v2_alias && req.method == "GET" && is_connector(rest) {
                return Outcome::Respond(self.connectors(scn, req));
            }
            // Not the API: the web framework's plain-text 404.
            return Outcome::Respond(text_not_found());
        }
        if let Some(rest) =
            strip_prefix_ci(route, "/v1/").or(route.eq_ignore_ascii_case("/v1").then_some(""))
        {
            if req.method == "GET" && is_connector(rest) {
                return Outcome::Respond(self.connectors(scn, req));
            }
            return api::handle(scn, req, rest);
        }
        // Outside the API (e.g. a base URL without /v1): this server's older JSON 404, which
        // SDK tests read as a JSON error.
        Outcome::Respond(error(
            404,
            &format!("No procedure found on path \"{}\"", req.path),
            None,
        ))
    }

    /// `GET /connector`: the scenario `token` check if set (as before), else `Authorization`
    /// as `connector_auth` says; then the query and the page.
    fn connectors(&self, scn: &Scenario, req: &Request) -> Response {
        let cfg = &scn.config;
        if let Some(token) = &cfg.token {
            match req
                .header("authorization")
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                None => {
                    return error(
                        403,
                        "Authentication required: send Authorization: Bearer <token>",
                        Some(PROCEDURE),
                    )
                }
                Some(value) => {
                    let ok = value.split_once(' ').is_some_and(|(scheme, t)| {
                        scheme.eq_ignore_ascii_case("bearer") && t.trim() == token
                    });
                    if !ok {
                        return error(401, "Invalid API key or token", Some(PROCEDURE));
                    }
                }
            }
        } else if self.checks_connector_token(cfg.connector_auth, req) {
            let store = scn.store.lock().unwrap_or_else(|p| p.into_inner());
            let who = auth::viewer(
                req.header("authorization"),
                |k| scn.is_org_key(k),
                |k| store.customer_of_key(k),
                crate::clock::now_micros() as f64 / 1e6,
            );
            if let Err(message) = who {
                return error(401, &message, Some(PROCEDURE));
            }
        }
        let q = match query::list_query(&parse_query(&req.query), 3000) {
            Ok(q) => q,
            Err(issues) => {
                let body = error_body(
                    400,
                    "Input validation failed",
                    Some(PROCEDURE),
                    Some(issues),
                );
                return Response::json(400, body);
            }
        };
        Response::json(200, self.page(cfg, &q))
    }

    /// Whether `GET /connector` reads this request's `Authorization` (see `ConnectorAuth`).
    fn checks_connector_token(&self, mode: ConnectorAuth, req: &Request) -> bool {
        match mode {
            ConnectorAuth::None => false,
            ConnectorAuth::Real => true,
            ConnectorAuth::Keys => req
                .header("authorization")
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|t| t.starts_with("key_") || t.contains('.')),
        }
    }

    fn port_number(&self, port: Port) -> u16 {
        match (port, &self.tls) {
            (Port::Other, _) => self.other_port,
            (Port::Https, Some(t)) => t.https_port,
            (Port::Mtls, Some(t)) => t.mtls_port,
            _ => self.main_port,
        }
    }

    /// One page of the list, concatenated from pre-rendered items.
    fn page(&self, cfg: &Config, q: &query::ListQuery) -> Vec<u8> {
        let n = match cfg.registry {
            Listing::Synthetic => cfg.count,
            Listing::Real => catalogue().list.len(),
        };
        let start = if cfg.ignore_offset {
            0
        } else {
            q.offset_index()
        };
        let end = start.saturating_add(q.limit).min(n);
        let len = end.saturating_sub(start);
        let (total, has_next) = match cfg.mode {
            // The real /connector: total is the page length, has_next_page is always true.
            Mode::Real => (len, true),
            Mode::Spec => (n, q.offset + (q.limit as f64) < n as f64),
        };
        let mut out = Vec::new();
        out.extend_from_slice(b"{\"items\":[");
        match cfg.registry {
            Listing::Synthetic => self.registry.write_items(q.expand, start, end, &mut out),
            Listing::Real => catalogue().write_items(q.expand, start, end, &mut out),
        }
        let tail = format!(
            "],\"total\":{total},\"limit\":{},\"offset\":{},\"has_next_page\":{has_next}}}",
            q.limit,
            int_json(q.offset).render()
        );
        out.extend_from_slice(tail.as_bytes());
        out
    }
}

/// `prefix` matched case-insensitively (routes are); the rest keeps its case.
fn strip_prefix_ci<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let head = path.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &path[prefix.len()..])
}

fn is_connector(rest: &str) -> bool {
    matches!(api::segments(rest).as_slice(), [one] if one.eq_ignore_ascii_case("connector"))
}

fn text_not_found() -> Response {
    Response::new(404, "text/plain;charset=utf-8", "NOT_FOUND")
}

fn redirect(location: String) -> Response {
    let mut r = Response::new(302, "", Vec::new());
    r.content_type = None;
    r.headers.push(("Location".into(), location));
    r
}
