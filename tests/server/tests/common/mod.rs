//! Shared by the integration tests: spawn the binary, talk raw HTTP/1.1 over std::net.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    pub port: u16,
    pub info: Value,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_openint-testserver"))
            .args(args)
            .arg("--exit-on-stdin-eof")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: Value = serde_json::from_str(&line).expect("one JSON line");
        Server {
            child,
            port: info["port"].as_u64().unwrap() as u16,
            info,
        }
    }

    /// A scenario: (id, org key).
    pub fn scenario(&self, config: Value) -> Api {
        let r = request(
            self.port,
            "POST",
            "/__admin/scenarios",
            &[("Content-Type", "application/json")],
            config.to_string().as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        Api {
            port: self.port,
            id: v["id"].as_str().unwrap().to_string(),
            org_key: v["org_key"].as_str().unwrap().to_string(),
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        request(self.port, "GET", path, &[], b"")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scenario's API.
pub struct Api {
    pub port: u16,
    pub id: String,
    pub org_key: String,
}

impl Api {
    pub fn path(&self, p: &str) -> String {
        format!("/s/{}{p}", self.id)
    }

    /// `path` under `/v1`, with `Bearer token` if given and a JSON body if given.
    pub fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            headers.push(("Authorization", a));
        }
        let text = body.map(|b| b.to_string());
        if text.is_some() || matches!(method, "PUT" | "DELETE") {
            headers.push(("Content-Type", "application/json"));
        }
        request(
            self.port,
            method,
            &self.path(&format!("/v1{path}")),
            &headers,
            text.as_deref().unwrap_or("").as_bytes(),
        )
    }

    pub fn org(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.call(method, path, Some(&self.org_key.clone()), body)
    }

    pub fn log(&self) -> Vec<Value> {
        let r = request(
            self.port,
            "GET",
            &format!("/__admin/scenarios/{}/requests", self.id),
            &[],
            b"",
        );
        r.json().as_array().unwrap().clone()
    }

    pub fn store(&self) -> Value {
        request(
            self.port,
            "GET",
            &format!("/__admin/scenarios/{}/store", self.id),
            &[],
            b"",
        )
        .json()
    }

    pub fn mutate(&self, m: Value) -> Resp {
        request(
            self.port,
            "POST",
            &format!("/__admin/scenarios/{}/mutate", self.id),
            &[("Content-Type", "application/json")],
            m.to_string().as_bytes(),
        )
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// Reads one response (Content-Length framed, or none for 204/HEAD); `None` if the connection
/// closed first.
pub fn read_response(r: &mut impl BufRead, head_only: bool) -> Option<Resp> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let status = line.split(' ').nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).ok()?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.push((k.to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; if head_only { 0 } else { len }];
    r.read_exact(&mut body).ok()?;
    Some(Resp {
        status,
        headers,
        body,
    })
}

pub fn raw_request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT") {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut out = req.into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    try_request(port, method, path, headers, body).expect("a response")
}

/// `None` when the server closes the connection without answering.
pub fn try_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<Resp> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(&raw_request(method, path, headers, body))
        .unwrap();
    read_response(&mut BufReader::new(s), method == "HEAD")
}
