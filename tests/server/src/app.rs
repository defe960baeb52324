//! Routing and the answers: the connector list, the scenario behaviours, the admin API.

use crate::http::{accepts_gzip, gzip, reason, Outcome, Request, Response};
use crate::json::{obj, s, V};
use crate::query::{self, int_json, parse_query};
use crate::registry::{Registry, MAX_COUNT};
use crate::scenarios::{Config, FailStatus, Mode, Redirect, Scenario};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Port {
    Main,
    Other,
}

impl Port {
    fn name(self) -> &'static str {
        match self {
            Port::Main => "main",
            Port::Other => "other",
        }
    }
}

/// The tRPC error code the real server pairs with an HTTP status.
pub fn code_for(status: u16) -> String {
    let known = match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_SUPPORTED",
        408 => "TIMEOUT",
        409 => "CONFLICT",
        412 => "PRECONDITION_FAILED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "UNPROCESSABLE_CONTENT",
        429 => "TOO_MANY_REQUESTS",
        499 => "CLIENT_CLOSED_REQUEST",
        500 => "INTERNAL_SERVER_ERROR",
        501 => "NOT_IMPLEMENTED",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    match reason(status) {
        "Unknown" if status >= 500 => "INTERNAL_SERVER_ERROR".into(),
        "Unknown" => "BAD_REQUEST".into(),
        r => r
            .to_ascii_uppercase()
            .replace([' ', '\''], "_")
            .replace("__", "_"),
    }
}

/// The real server's error body: `{message, code, data: {code, httpStatus, path?}, issues?}`.
pub fn error_body(
    status: u16,
    message: &str,
    procedure: Option<&str>,
    issues: Option<Vec<V>>,
) -> String {
    let code = code_for(status);
    let mut data = vec![
        ("code".to_string(), s(&code)),
        ("httpStatus".to_string(), V::Int(i64::from(status))),
    ];
    if let Some(p) = procedure {
        data.push(("path".into(), s(p)));
    }
    let mut fields = vec![
        ("message".to_string(), s(message)),
        ("code".to_string(), s(code)),
        ("data".to_string(), V::Obj(data)),
    ];
    if let Some(issues) = issues {
        fields.push(("issues".into(), V::Arr(issues)));
    }
    V::Obj(fields).render()
}

fn error(status: u16, message: &str, procedure: Option<&str>) -> Response {
    Response::json(status, error_body(status, message, procedure, None))
}

const PROCEDURE: &str = "listConnectors";

const HTML: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Just a moment...</title></head>\n<body><h1>Checking your browser before accessing the API</h1><p>This page is not JSON.</p></body></html>\n";

pub struct App {
    pub main_port: u16,
    pub other_port: u16,
    /// The routes outside `/s/<id>`: configured from the command line.
    root: Arc<Scenario>,
    scenarios: Mutex<HashMap<String, Arc<Scenario>>>,
    next_id: AtomicU64,
    pub registry: Registry,
}

impl App {
    pub fn new(main_port: u16, other_port: u16, root: Config) -> App {
        App {
            main_port,
            other_port,
            root: Arc::new(Scenario::new(root)),
            scenarios: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            registry: Registry::new(),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.main_port)
    }

    pub fn info(&self) -> String {
        obj([
            ("base_url", s(self.base_url())),
            ("port", V::Int(i64::from(self.main_port))),
            ("other_port", V::Int(i64::from(self.other_port))),
            (
                "admin_url",
                s(format!("http://127.0.0.1:{}/__admin", self.main_port)),
            ),
        ])
        .render()
    }

    /// `default` names the root routes' scenario.
    fn scenario(&self, id: &str) -> Option<Arc<Scenario>> {
        if id == "default" {
            return Some(self.root.clone());
        }
        self.scenarios.lock().unwrap().get(id).cloned()
    }

    pub fn handle(&self, port: Port, req: &Request) -> Outcome {
        let path = req.path.as_str();
        if path == "/__admin" || path.starts_with("/__admin/") {
            return Outcome::Respond(self.admin(req));
        }
        if let Some(rest) = path.strip_prefix("/s/") {
            let (id, rest) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            return match self.scenario(id) {
                Some(scn) => self.scenario_request(&scn, port, req, rest),
                None => Outcome::Respond(error(404, &format!("No scenario {id:?}"), None)),
            };
        }
        self.scenario_request(&self.root.clone(), port, req, path)
    }

    fn scenario_request(&self, scn: &Scenario, port: Port, req: &Request, route: &str) -> Outcome {
        let seq = scn.record(port.name(), req);
        let cfg = &scn.config;
        if cfg.latency_ms > 0 {
            std::thread::sleep(Duration::from_millis(cfg.latency_ms));
        }
        let mut resp = match self.answer(scn, seq, port, req, route) {
            Some(resp) => resp,
            None => return Outcome::Drop,
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

    /// The scenario behaviours, in the order the README documents; `None` drops the connection.
    fn answer(
        &self,
        scn: &Scenario,
        seq: u64,
        port: Port,
        req: &Request,
        route: &str,
    ) -> Option<Response> {
        let cfg = &scn.config;
        if let Some(fail) = cfg.fail.as_ref().filter(|f| seq < f.times) {
            let status = match fail.status {
                FailStatus::Drop => return None,
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
                None => error(status, reason(status), Some(PROCEDURE)),
            };
            resp.headers.extend(fail.headers.iter().cloned());
            return Some(resp);
        }
        if let Some(status) = cfg.status {
            return Some(error(status, reason(status), Some(PROCEDURE)));
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
                return Some(redirect(format!("http://{host}{}?{query}", req.path)));
            }
            Some(Redirect::OtherOrigin) if port == Port::Main => {
                let query = if req.query.is_empty() {
                    String::new()
                } else {
                    format!("?{}", req.query)
                };
                return Some(redirect(format!(
                    "http://127.0.0.1:{}{}{query}",
                    self.other_port, req.path
                )));
            }
            _ => {}
        }
        if cfg.non_json {
            return Some(Response::new(200, "text/html; charset=utf-8", HTML));
        }
        let route = route.strip_suffix('/').unwrap_or(route);
        if req.method != "GET" || !(route == "/v1/connector" || route == "/v2/connector") {
            return Some(error(
                404,
                &format!("No procedure found on path \"{}\"", req.path),
                None,
            ));
        }
        if let Some(token) = &cfg.token {
            match req
                .header("authorization")
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                None => {
                    return Some(error(
                        403,
                        "Authentication required: send Authorization: Bearer <token>",
                        Some(PROCEDURE),
                    ))
                }
                Some(value) => {
                    let ok = value.split_once(' ').is_some_and(|(scheme, t)| {
                        scheme.eq_ignore_ascii_case("bearer") && t.trim() == token
                    });
                    if !ok {
                        return Some(error(401, "Invalid API key or token", Some(PROCEDURE)));
                    }
                }
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
                return Some(Response::json(400, body));
            }
        };
        let mut resp = Response::json(200, self.page(cfg, &q));
        resp.truncate = cfg.truncate;
        Some(resp)
    }

    fn port_number(&self, port: Port) -> u16 {
        match port {
            Port::Main => self.main_port,
            Port::Other => self.other_port,
        }
    }

    /// One page of the list, concatenated from pre-rendered items.
    fn page(&self, cfg: &Config, q: &query::ListQuery) -> Vec<u8> {
        let n = cfg.count;
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
        self.registry.write_items(q.expand, start, end, &mut out);
        let tail = format!(
            "],\"total\":{total},\"limit\":{},\"offset\":{},\"has_next_page\":{has_next}}}",
            q.limit,
            int_json(q.offset).render()
        );
        out.extend_from_slice(tail.as_bytes());
        out
    }

    fn admin(&self, req: &Request) -> Response {
        let parts: Vec<&str> = req.path.trim_end_matches('/').split('/').skip(2).collect();
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", []) => Response::json(200, self.info()),
            ("GET", ["registry"]) => self.admin_registry(req),
            ("POST", ["scenarios"]) => match Config::from_json(&req.body) {
                Ok(config) => {
                    let id = format!("s{}", self.next_id.fetch_add(1, Ordering::Relaxed));
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
                    ])
                    .render();
                    let scn = Arc::new(Scenario::new(config));
                    self.scenarios.lock().unwrap().insert(id, scn);
                    Response::json(200, body)
                }
                Err(msg) => error(400, &msg, None),
            },
            ("GET", ["scenarios", id, "requests"]) => match self.scenario(id) {
                Some(scn) => Response::json(200, scn.log_json()),
                None => error(404, &format!("No scenario {id:?}"), None),
            },
            ("DELETE", ["scenarios", id]) => match self.scenarios.lock().unwrap().remove(*id) {
                Some(_) => Response::json(200, "{\"deleted\":true}"),
                None => error(404, &format!("No scenario {id:?}"), None),
            },
            _ => error(
                404,
                &format!("No admin route {} {}", req.method, req.path),
                None,
            ),
        }
    }

    /// `GET /__admin/registry?count=N&expand=schemas`: the oracle tests compare listings with.
    fn admin_registry(&self, req: &Request) -> Response {
        let pairs = parse_query(&req.query);
        let mut issues = Vec::new();
        let counts: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "count")
            .map(|(_, v)| v.as_str())
            .collect();
        let count = query::check_int(
            "count",
            &counts,
            self.root.config.count as f64,
            Some(MAX_COUNT as f64),
            &mut issues,
        );
        let expands: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "expand")
            .map(|(_, v)| v.as_str())
            .collect();
        let expand = query::check_expand(&expands, &mut issues);
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

fn redirect(location: String) -> Response {
    Response {
        status: 302,
        content_type: None,
        headers: vec![("Location".into(), location)],
        body: Vec::new(),
        truncate: false,
    }
}
