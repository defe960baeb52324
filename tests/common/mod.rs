//! Test harness: starts the repo's local OpenInt server (tests/server) once per test binary and
//! creates isolated scenarios on it, so tests can run in parallel.
#![allow(dead_code)] // each test binary uses a different part of the harness.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

pub struct Server {
    pub base_url: String,
    pub admin_url: String,
    pub port: u16,
    pub other_port: u16,
    /// The whole startup line (TLS and proxy fields included when asked for).
    pub info: Value,
    // The server exits when this pipe closes, i.e. when the test process ends.
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

fn server_binary() -> PathBuf {
    if let Ok(p) = std::env::var("OPENINT_TESTSERVER") {
        return PathBuf::from(p);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for profile in ["release", "debug"] {
        let p = root.join("target").join(profile).join("openint-testserver");
        if p.exists() {
            return p;
        }
    }
    panic!("the test server is not built: run `cargo build --release -p openint-testserver` first");
}

/// Starts a test server with `args` (beside `--port 0 --exit-on-stdin-eof`); it exits with
/// the test process. The startup line's fields are in `info`.
pub fn start_server(args: &[&str]) -> Server {
    let mut child = Command::new(server_binary())
        .args(["--port", "0", "--exit-on-stdin-eof"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start openint-testserver");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("read the server's start line");
    let v: Value = serde_json::from_str(&line).expect("start line is JSON");
    Server {
        base_url: v["base_url"].as_str().unwrap().to_string(),
        admin_url: v["admin_url"].as_str().unwrap().to_string(),
        port: v["port"].as_u64().unwrap() as u16,
        other_port: v["other_port"].as_u64().unwrap() as u16,
        info: v,
        _stdin: Mutex::new(child.stdin.take().unwrap()),
        _child: Mutex::new(child),
    }
}

/// The server this test binary shares (started on first use).
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start_server(&[]))
}

fn admin_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn admin_get(url: &str) -> String {
    admin_agent()
        .get(url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap()
}

pub struct Scenario {
    pub id: String,
    pub base_url: String,
    pub other_base_url: String,
    /// The organization key of this scenario's store.
    pub org_key: String,
}

/// A fresh scenario with its own settings, counters and request log.
pub fn scenario(settings: Value) -> Scenario {
    let s = server();
    let mut resp = admin_agent()
        .post(&format!("{}/scenarios", s.admin_url))
        .header("Content-Type", "application/json")
        .send(settings.to_string())
        .expect("create scenario");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap();
    assert_eq!(status, 200, "scenario {settings}: {body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    Scenario {
        id: v["id"].as_str().unwrap().to_string(),
        base_url: v["base_url"].as_str().unwrap().to_string(),
        other_base_url: v["other_base_url"].as_str().unwrap().to_string(),
        org_key: v["org_key"].as_str().unwrap_or_default().to_string(),
    }
}

/// A scenario with the server's default behaviour (the real server's quirks, 171 connectors).
pub fn default_scenario() -> Scenario {
    scenario(json!({}))
}

impl Scenario {
    /// Every request the scenario received, oldest first.
    pub fn requests(&self) -> Vec<Value> {
        let s = server();
        let body = admin_get(&format!("{}/scenarios/{}/requests", s.admin_url, self.id));
        serde_json::from_str(&body).unwrap()
    }

    pub fn options(&self) -> openint::ClientOptions {
        openint::ClientOptions::default().base_url(&self.base_url)
    }

    pub fn client(&self) -> openint::Client {
        openint::Client::new(self.options()).unwrap()
    }

    /// A client with the organization key (every operation is allowed).
    pub fn org_client(&self) -> openint::Client {
        openint::Client::new(self.options().token(&self.org_key)).unwrap()
    }

    /// A client with `token` (a customer key or JWT).
    pub fn client_with_token(&self, token: &str) -> openint::Client {
        openint::Client::new(self.options().token(token)).unwrap()
    }

    /// Changes the scenario's store directly: `{"table", "insert", "delete", "where"}`.
    pub fn mutate(&self, change: Value) -> Value {
        let s = server();
        let mut resp = admin_agent()
            .post(&format!("{}/scenarios/{}/mutate", s.admin_url, self.id))
            .header("Content-Type", "application/json")
            .send(change.to_string())
            .expect("mutate");
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap()
    }

    /// A client that retries quickly (tests that exercise retries set their own waits).
    pub fn client_with(
        &self,
        f: impl FnOnce(openint::ClientOptions) -> openint::ClientOptions,
    ) -> openint::Client {
        openint::Client::new(f(self.options())).unwrap()
    }
}

/// The server's own full registry of `count` connectors: the oracle listings are compared with.
pub fn registry(count: usize, expand: bool) -> Vec<Value> {
    let s = server();
    let mut url = format!("{}/registry?count={count}", s.admin_url);
    if expand {
        url.push_str("&expand=schemas");
    }
    let body = admin_get(&url);
    serde_json::from_str(&body).unwrap()
}

pub fn names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}
