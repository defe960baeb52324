//! Scenarios: isolated server behaviours with their own counters and request logs, so tests
//! can run in parallel against one server process.

use crate::hostile::Hostile;
use crate::http::Request;
use crate::json::{s, V};
use crate::registry::MAX_COUNT;
use crate::seed::{Mutation, Seed};
use crate::store::Store;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

/// Requests kept per scenario; older ones are forgotten.
pub const MAX_LOG: usize = 10_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// The real server's lying envelope.
    Real,
    /// What the OpenAPI document promises.
    Spec,
}

impl Mode {
    pub fn parse(x: &str) -> Option<Mode> {
        match x {
            "real" => Some(Mode::Real),
            "spec" => Some(Mode::Spec),
            _ => None,
        }
    }
}

/// Whether `GET /connector` (without the `token` key) reads `Authorization`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ConnectorAuth {
    /// Never (this server's first behaviour).
    None,
    /// Only tokens that look like OpenInt credentials (`key_...`, or a JWT with dots): those
    /// are checked as the real server does; any other token passes (older tests send `tok`).
    Keys,
    /// Like every public route of the real server (malformed headers are 401 too).
    Real,
}

/// What `GET /connector` lists.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Registry {
    /// The deterministic synthetic registry of `count` items.
    Synthetic,
    /// The 171 real connectors (`count` is ignored).
    Real,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Redirect {
    SameOrigin,
    OtherOrigin,
}

#[derive(Clone, Debug)]
pub enum FailStatus {
    Status(u16),
    /// Close the connection without answering.
    Drop,
}

#[derive(Clone, Debug)]
pub struct Fail {
    pub times: u64,
    /// Counted requests served normally before the failing ones.
    pub after: u64,
    /// Only requests whose raw path and query contain this are counted (and failed).
    pub matches: Option<String>,
    pub status: FailStatus,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub content_type: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub count: usize,
    pub token: Option<String>,
    pub gzip: bool,
    pub fail: Option<Fail>,
    pub error_headers: Vec<(String, String)>,
    pub latency_ms: u64,
    pub truncate: bool,
    pub non_json: bool,
    pub redirect: Option<Redirect>,
    pub ignore_offset: bool,
    pub status: Option<u16>,
    /// The organization key; `None`: `token` if set, else the server's key.
    pub org_key: Option<String>,
    pub registry: Registry,
    pub connector_auth: ConnectorAuth,
    /// `/v2/connector` serves the connector list (the official Python SDK asks for it); the real
    /// server answers a plain-text 404 there.
    pub v2_alias: bool,
    pub seed: Seed,
    pub mutate_after_page: Option<Mutation>,
    pub hostile: Option<Hostile>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            mode: Mode::Real,
            count: 171,
            token: None,
            gzip: false,
            fail: None,
            error_headers: Vec::new(),
            latency_ms: 0,
            truncate: false,
            non_json: false,
            redirect: None,
            ignore_offset: false,
            status: None,
            org_key: None,
            registry: Registry::Synthetic,
            connector_auth: ConnectorAuth::Keys,
            v2_alias: true,
            seed: Seed::default(),
            mutate_after_page: None,
            hostile: None,
        }
    }
}

const KEYS: &[&str] = &[
    "mode",
    "count",
    "token",
    "gzip",
    "fail",
    "error_headers",
    "latency_ms",
    "truncate",
    "non_json",
    "redirect",
    "ignore_offset",
    "status",
    "org_key",
    "registry",
    "connector_auth",
    "v2_alias",
    "seed",
    "mutate_after_page",
    "hostile",
];
const FAIL_KEYS: &[&str] = &[
    "times",
    "status",
    "headers",
    "body",
    "content_type",
    "after",
    "match",
];

fn unknown_keys(map: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    let unknown: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "unknown {what} key(s): {} (known: {})",
            unknown.join(", "),
            allowed.join(", ")
        ))
    }
}

fn as_bool(v: &Value, key: &str) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("`{key}` must be a boolean"))
}

fn as_uint(v: &Value, key: &str) -> Result<u64, String> {
    v.as_u64()
        .ok_or_else(|| format!("`{key}` must be a non-negative integer"))
}

fn error_status(v: &Value, key: &str) -> Result<u16, String> {
    match v.as_u64() {
        Some(n @ 400..=599) => Ok(n as u16),
        _ => Err(format!("`{key}` must be an HTTP status from 400 to 599")),
    }
}

/// Header maps from scenario JSON. Values go verbatim into responses, so anything that would
/// break the framing (CR/LF, or the headers the server itself manages) is refused.
fn headers(v: &Value, key: &str) -> Result<Vec<(String, String)>, String> {
    let map = v
        .as_object()
        .ok_or_else(|| format!("`{key}` must be an object of strings"))?;
    let mut out = Vec::new();
    for (name, value) in map {
        let value = value
            .as_str()
            .ok_or_else(|| format!("`{key}.{name}` must be a string"))?;
        let token_ok = !name.is_empty()
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c));
        if !token_ok || value.contains(['\r', '\n']) {
            return Err(format!("`{key}.{name}` is not a valid header"));
        }
        let lower = name.to_ascii_lowercase();
        if ["content-length", "transfer-encoding", "connection"].contains(&lower.as_str()) {
            return Err(format!(
                "`{key}.{name}`: the server sets this header itself"
            ));
        }
        out.push((name.clone(), value.to_string()));
    }
    Ok(out)
}

impl Config {
    /// A scenario from `POST /__admin/scenarios`; absent or null keys keep the built-in defaults.
    pub fn from_json(body: &[u8]) -> Result<Config, String> {
        let v: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?
        };
        let map = v.as_object().ok_or("body must be a JSON object")?;
        unknown_keys(map, KEYS, "scenario")?;
        let mut c = Config::default();
        for (key, v) in map {
            if v.is_null() {
                continue;
            }
            let key = key.as_str();
            match key {
                "mode" => {
                    c.mode = v
                        .as_str()
                        .and_then(Mode::parse)
                        .ok_or("`mode` must be \"real\" or \"spec\"")?
                }
                "count" => {
                    c.count = as_uint(v, key)? as usize;
                    if c.count > MAX_COUNT {
                        return Err(format!("`count` must be at most {MAX_COUNT}"));
                    }
                }
                "token" => {
                    c.token = Some(v.as_str().ok_or("`token` must be a string")?.to_string())
                }
                "gzip" => c.gzip = as_bool(v, key)?,
                "error_headers" => c.error_headers = headers(v, key)?,
                "latency_ms" => c.latency_ms = as_uint(v, key)?.min(600_000),
                "truncate" => c.truncate = as_bool(v, key)?,
                "non_json" => c.non_json = as_bool(v, key)?,
                "ignore_offset" => c.ignore_offset = as_bool(v, key)?,
                "status" => c.status = Some(error_status(v, key)?),
                "org_key" => {
                    let key = v.as_str().ok_or("`org_key` must be a string")?;
                    if key.is_empty() || key.contains('.') || key.contains(char::is_whitespace) {
                        return Err(
                            "`org_key` must be a non-empty token without dots or spaces".into()
                        );
                    }
                    c.org_key = Some(key.to_string());
                }
                "registry" => {
                    c.registry = match v.as_str() {
                        Some("synthetic") => Registry::Synthetic,
                        Some("real") => Registry::Real,
                        _ => return Err("`registry` must be \"synthetic\" or \"real\"".into()),
                    }
                }
                "connector_auth" => {
                    c.connector_auth = match v.as_str() {
                        Some("none") => ConnectorAuth::None,
                        Some("keys") => ConnectorAuth::Keys,
                        Some("real") => ConnectorAuth::Real,
                        _ => {
                            return Err(
                                "`connector_auth` must be \"none\", \"keys\" or \"real\"".into()
                            )
                        }
                    }
                }
                "v2_alias" => c.v2_alias = as_bool(v, key)?,
                "hostile" => c.hostile = Some(Hostile::from_json(v)?),
                "seed" => c.seed = Seed::from_json(v)?,
                "mutate_after_page" => {
                    c.mutate_after_page = Some(Mutation::from_json(v, false, "mutate_after_page")?)
                }
                "redirect" => {
                    c.redirect = Some(match v.as_str() {
                        Some("same_origin") => Redirect::SameOrigin,
                        Some("other_origin") => Redirect::OtherOrigin,
                        _ => {
                            return Err(
                                "`redirect` must be \"same_origin\" or \"other_origin\"".into()
                            )
                        }
                    })
                }
                "fail" => {
                    let f = v.as_object().ok_or("`fail` must be an object")?;
                    unknown_keys(f, FAIL_KEYS, "fail")?;
                    let status = match f.get("status") {
                        None | Some(Value::Null) => FailStatus::Status(503),
                        Some(Value::String(x)) if x == "drop" => FailStatus::Drop,
                        Some(x) => FailStatus::Status(error_status(x, "fail.status")?),
                    };
                    let opt_str = |k: &str| -> Result<Option<String>, String> {
                        match f.get(k) {
                            None | Some(Value::Null) => Ok(None),
                            Some(Value::String(x)) => Ok(Some(x.clone())),
                            Some(_) => Err(format!("`fail.{k}` must be a string")),
                        }
                    };
                    let content_type = opt_str("content_type")?;
                    if content_type
                        .as_deref()
                        .is_some_and(|x| x.contains(['\r', '\n']))
                    {
                        return Err("`fail.content_type` is not a valid header value".into());
                    }
                    c.fail = Some(Fail {
                        times: match f.get("times") {
                            None | Some(Value::Null) => 1,
                            Some(x) => as_uint(x, "fail.times")?,
                        },
                        after: match f.get("after") {
                            None | Some(Value::Null) => 0,
                            Some(x) => as_uint(x, "fail.after")?,
                        },
                        matches: opt_str("match")?,
                        status,
                        headers: match f.get("headers") {
                            None | Some(Value::Null) => Vec::new(),
                            Some(x) => headers(x, "fail.headers")?,
                        },
                        body: opt_str("body")?,
                        content_type,
                    });
                }
                _ => unreachable!("checked by unknown_keys"),
            }
        }
        Ok(c)
    }
}

/// One request log entry: all but `status` rendered up front (an object without its closing
/// `}`), since the status is known only when the answer goes out.
struct Entry {
    head: String,
    status: Option<u16>,
}

struct State {
    /// Requests received so far (hostile's `times` counts these).
    seen: u64,
    /// Requests the `fail` counter counted so far (those matching `fail.match`; all without it).
    fail_seen: u64,
    log: VecDeque<Entry>,
}

/// What the scenario decided when it logged a request.
pub struct Recorded {
    /// 0-based number among all the scenario's requests.
    pub seq: u64,
    /// `fail` answers this request.
    pub fail: bool,
}

pub struct Scenario {
    pub config: Config,
    state: Mutex<State>,
    /// The organization key callers use (reported by `POST /__admin/scenarios`).
    pub org_key: String,
    pub store: Mutex<Store>,
    /// The request log's `t_ms` counts from here.
    created: Instant,
}

/// Seeds every scenario's id generator alike, so equal seeds give equal rows.
const STORE_SEED: u64 = 0x5EED_0F0E_1217;

impl Scenario {
    pub fn new(config: Config, server_org_key: &str) -> Scenario {
        let org_key = config
            .org_key
            .clone()
            .or_else(|| config.token.clone())
            .unwrap_or_else(|| server_org_key.to_string());
        let mut store = Store::new(STORE_SEED);
        store.seed(&config.seed);
        Scenario {
            config,
            state: Mutex::new(State {
                seen: 0,
                fail_seen: 0,
                log: VecDeque::new(),
            }),
            org_key,
            store: Mutex::new(store),
            created: Instant::now(),
        }
    }

    /// The org key, and `token` (which keeps its meaning on `GET /connector`) as well.
    pub fn is_org_key(&self, key: &str) -> bool {
        key == self.org_key || self.config.token.as_deref() == Some(key)
    }

    /// Logs a request, counts it, and says whether `fail` answers it.
    pub fn record(&self, port: &str, req: &Request) -> Recorded {
        let mut headers: Vec<(String, V)> = Vec::new();
        for (k, v) in &req.headers {
            // Repeated headers are joined, as HTTP allows for list-valued fields.
            match headers.iter_mut().find(|(name, _)| name == k) {
                Some((_, V::Str(prev))) => {
                    prev.push_str(", ");
                    prev.push_str(v);
                }
                _ => headers.push((k.clone(), s(v))),
            }
        }
        let mut entry = crate::json::obj([
            ("port", s(port)),
            ("method", s(&req.method)),
            ("path", s(&req.path)),
            ("query", s(&req.query)),
            ("conn", V::Int(req.conn as i64)),
            ("headers", V::Obj(headers)),
        ]);
        // What an SDK sent, for tests to check (lossy UTF-8; GET bodies are not kept).
        if req.method != "GET" {
            entry.set("body", s(String::from_utf8_lossy(&req.body)));
        }
        // Always with a fraction, so every JSON reader sees a float.
        let t_ms = req.received.saturating_duration_since(self.created);
        entry.set(
            "t_ms",
            V::Raw(format!("{:.3}", t_ms.as_secs_f64() * 1000.0)),
        );
        let mut head = entry.render();
        head.pop(); // the closing `}`: `status` follows when the answer is known
        let counted = self.config.fail.as_ref().filter(|f| {
            f.matches
                .as_deref()
                .is_none_or(|m| raw_target(req).contains(m))
        });
        let mut st = self.state.lock().unwrap();
        if st.log.len() >= MAX_LOG {
            st.log.pop_front();
        }
        st.log.push_back(Entry { head, status: None });
        st.seen += 1;
        let fail = match counted {
            Some(f) => {
                st.fail_seen += 1;
                // The counted requests numbered after+1 ..= after+times fail.
                st.fail_seen > f.after && st.fail_seen - f.after <= f.times
            }
            None => false,
        };
        Recorded {
            seq: st.seen - 1,
            fail,
        }
    }

    /// Sets the `status` of request `seq` in the log (if it is still kept): what the server
    /// answered, or `None` when no answer went out.
    pub fn set_status(&self, seq: u64, status: Option<u16>) {
        let mut st = self.state.lock().unwrap();
        let first = st.seen - st.log.len() as u64;
        if let Some(at) = seq.checked_sub(first) {
            if let Some(e) = st.log.get_mut(at as usize) {
                e.status = status;
            }
        }
    }

    pub fn log_json(&self) -> Vec<u8> {
        let st = self.state.lock().unwrap();
        let mut out =
            Vec::with_capacity(2 + st.log.iter().map(|e| e.head.len() + 16).sum::<usize>());
        out.push(b'[');
        for (i, e) in st.log.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(e.head.as_bytes());
            match e.status {
                Some(n) => out.extend_from_slice(format!(",\"status\":{n}}}").as_bytes()),
                None => out.extend_from_slice(b",\"status\":null}"),
            }
        }
        out.push(b']');
        out
    }
}

/// The raw path and query as the request log shows them (`fail.match` looks in this).
pub(crate) fn raw_target(req: &Request) -> String {
    if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let c =
            Config::from_json(br#"{"mode":"spec","count":10,"fail":{"times":2,"status":"drop"}}"#)
                .unwrap();
        assert_eq!(c.mode, Mode::Spec);
        assert_eq!(c.count, 10);
        let fail = c.fail.unwrap();
        assert!(matches!(fail.status, FailStatus::Drop));
        assert_eq!((fail.after, fail.matches), (0, None));
        let f = Config::from_json(br#"{"fail":{"after":3,"match":"offset=100"}}"#)
            .unwrap()
            .fail
            .unwrap();
        assert_eq!(
            (f.times, f.after, f.matches.as_deref()),
            (1, 3, Some("offset=100"))
        );
        assert!(Config::from_json(br#"{"fail":{"match":1}}"#)
            .unwrap_err()
            .contains("fail.match"));
        assert!(Config::from_json(b"").is_ok());
        let e = Config::from_json(br#"{"bogus":1,"other":2}"#).unwrap_err();
        assert!(e.contains("bogus") && e.contains("other"), "{e}");
        assert!(Config::from_json(br#"{"fail":{"tims":1}}"#)
            .unwrap_err()
            .contains("tims"));
        assert!(Config::from_json(br#"{"error_headers":{"x":"a\r\nb"}}"#).is_err());
        assert!(Config::from_json(br#"{"status":200}"#).is_err());
    }
}
