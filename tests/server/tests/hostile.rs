//! The `hostile` scenario key: one test per kind, each bounded to a few seconds (endless
//! answers are read for a while, then the client goes away).

use crate::common;

use common::{raw_request, request, Api, Server};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| Server::start(&[]))
}

fn hostile(kind: Value) -> Api {
    server().scenario(json!({ "hostile": kind }))
}

/// A raw answer: the head's lines (as bytes) and the reader positioned at the body.
struct Raw {
    lines: Vec<Vec<u8>>,
    body: BufReader<TcpStream>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<String> {
        self.lines.iter().skip(1).find_map(|l| {
            let l = String::from_utf8_lossy(l);
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
    fn status_line(&self) -> String {
        String::from_utf8_lossy(&self.lines[0]).into_owned()
    }
    /// Reads the body until EOF, `max` bytes or `time`.
    fn read_body(&mut self, max: usize, time: Duration) -> Vec<u8> {
        let until = Instant::now() + time;
        let mut out = Vec::new();
        let mut buf = vec![0; 64 * 1024];
        while out.len() < max && Instant::now() < until {
            match self.body.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
        out
    }
}

fn get(api: &Api, path: &str) -> Raw {
    let mut s = TcpStream::connect(("127.0.0.1", api.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let auth = format!("Bearer {}", api.org_key);
    s.write_all(&raw_request(
        "GET",
        &api.path(path),
        &[("Authorization", &auth)],
        b"",
    ))
    .unwrap();
    let mut r = BufReader::new(s);
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line).unwrap() == 0 {
            break;
        }
        while line.last().is_some_and(|c| *c == b'\n' || *c == b'\r') {
            line.pop();
        }
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    Raw { lines, body: r }
}

#[test]
fn slow_head_and_slow_body_trickle_the_real_answer() {
    let api = hostile(json!({"kind": "slow_head", "delay_ms": 10, "chunk": 8}));
    let started = Instant::now();
    let mut r = get(&api, "/v1/health");
    assert_eq!(r.status_line(), "HTTP/1.1 200 OK");
    assert_eq!(r.read_body(100, Duration::from_secs(5)), br#"{"ok":true}"#);
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "{:?}",
        started.elapsed()
    );
    let api = hostile(json!({"kind": "slow_body", "delay_ms": 30, "chunk": 2}));
    let started = Instant::now();
    let mut r = get(&api, "/v1/health");
    assert_eq!(r.read_body(100, Duration::from_secs(5)), br#"{"ok":true}"#);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[test]
fn endless_bodies_never_end() {
    for (framing, te) in [("chunked", Some("chunked")), ("close", None)] {
        let api = hostile(json!({"kind": "endless_body", "framing": framing}));
        let mut r = get(&api, "/v1/connection");
        assert_eq!(r.header("transfer-encoding").as_deref(), te);
        assert_eq!(r.header("content-length"), None);
        let body = r.read_body(2 << 20, Duration::from_secs(5));
        assert!(body.len() >= 2 << 20, "{framing}: still sending");
        // Chunked: `a\r\n{"items":[\r\n4000\r\n0,0,...`; close-delimited: the bytes alone.
        let text = String::from_utf8_lossy(&body[..64]);
        assert!(
            text.contains("{\"items\":[") && text.contains("0,0,0,"),
            "{text}"
        );
    }
    // The server noticed the client leaving and still serves.
    assert_eq!(
        request(server().port, "GET", "/v1/health", &[], b"").status,
        200
    );
}

#[test]
fn lying_content_length() {
    let api = hostile(json!({"kind": "lying_length"}));
    let mut r = get(&api, "/v1/connector");
    assert_eq!(r.header("content-length").as_deref(), Some("1000000000000"));
    assert_eq!(
        r.read_body(1 << 20, Duration::from_secs(5)),
        b"{\"items\":["
    );
    let api = hostile(json!({"kind": "lying_length", "content_length": 20, "endless": true}));
    let mut r = get(&api, "/v1/connector");
    assert_eq!(r.header("content-length").as_deref(), Some("20"));
    assert!(r.read_body(1 << 20, Duration::from_secs(5)).len() >= 1 << 20);
}

#[test]
fn gzip_bomb() {
    let api = hostile(json!({"kind": "gzip_bomb", "inflated_bytes": 1u64 << 30}));
    let mut r = get(&api, "/v1/connector");
    assert_eq!(r.header("content-encoding").as_deref(), Some("gzip"));
    let len: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(len < 2 << 20, "1 GiB inflated from {len} bytes");
    let compressed = r.read_body(len, Duration::from_secs(5));
    assert_eq!(compressed.len(), len);
    let mut d = flate2::read::GzDecoder::new(&compressed[..]);
    let mut first = vec![0; 64 << 20];
    d.read_exact(&mut first).unwrap();
    assert!(first.iter().all(|&b| b == b' '));
}

#[test]
fn header_floods() {
    let api = hostile(json!({"kind": "header_flood", "count": 20000}));
    let mut r = get(&api, "/v1/health");
    assert!(r.lines.len() > 20000);
    assert_eq!(r.read_body(100, Duration::from_secs(5)), br#"{"ok":true}"#);
    let api = hostile(json!({"kind": "header_flood", "count": 1, "value_bytes": 5_000_000}));
    let r = get(&api, "/v1/health");
    assert!(r.lines.iter().any(|l| l.len() > 5_000_000));
}

#[test]
fn garbage_and_arbitrary_status_lines() {
    let api = hostile(json!({"kind": "garbage_status"}));
    assert_eq!(get(&api, "/v1/health").status_line(), "HTTP/1.1 2OO OK");
    let api = hostile(json!({"kind": "garbage_status", "status_line_base64": "/wBIVFRQ"}));
    assert_eq!(get(&api, "/v1/health").lines[0], b"\xff\x00HTTP");
    let api = hostile(json!({"kind": "status", "status": 999}));
    let mut r = get(&api, "/v1/health");
    assert_eq!(r.status_line(), "HTTP/1.1 999 Whatever");
    assert_eq!(r.read_body(100, Duration::from_secs(5)), br#"{"ok":true}"#);
}

#[test]
fn redirects_anywhere() {
    for location in [
        "data:text/plain,hi",
        "file:/x",
        "/ok?next=http://x/",
        "http://127.0.0.1:1/v1",
    ] {
        let api = hostile(json!({"kind": "redirect", "location": location}));
        let r = get(&api, "/v1/connector");
        assert_eq!(r.status_line(), "HTTP/1.1 302 Found");
        assert_eq!(r.header("location").as_deref(), Some(location));
    }
    let api = hostile(json!({"kind": "redirect", "status": 307, "location_base64": "L/7/"}));
    let r = get(&api, "/v1/connector");
    let loc = r
        .lines
        .iter()
        .find(|l| l.starts_with(b"Location: "))
        .unwrap();
    assert_eq!(&loc[10..], b"/\xfe\xff");
}

#[test]
fn raw_bodies_and_non_object_items() {
    let api = hostile(
        json!({"kind": "raw_body", "content_type": "text/html", "body": "<html>Bearer TOKEN</html>"}),
    );
    let mut r = get(&api, "/v1/connector");
    assert_eq!(r.header("content-type").as_deref(), Some("text/html"));
    assert_eq!(
        r.read_body(1000, Duration::from_secs(5)),
        b"<html>Bearer TOKEN</html>"
    );
    let api = hostile(json!({"kind": "non_object_items"}));
    let mut r = get(&api, "/v1/connector");
    let body = String::from_utf8(r.read_body(1000, Duration::from_secs(5))).unwrap();
    assert!(
        body.starts_with(r#"{"items":[1,"two",null,true,[3],{"nested":{}},1e400,-0],"total":8"#),
        "{body}"
    );
    let api = hostile(json!({"kind": "non_object_items", "items": [1, "x"]}));
    let mut r = get(&api, "/v1/connector");
    let v: Value = serde_json::from_slice(&r.read_body(1000, Duration::from_secs(5))).unwrap();
    assert_eq!(v["items"], json!([1, "x"]));
}

#[test]
fn huge_list_and_deep_nesting() {
    let api = hostile(json!({"kind": "huge_list", "bytes": 10_000_000}));
    let mut r = get(&api, "/v1/connection");
    let len: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!((9_900_000..=10_000_000).contains(&len), "{len}");
    let body = r.read_body(len + 1, Duration::from_secs(5));
    assert_eq!(body.len(), len);
    assert!(body.starts_with(b"{\"items\":[0,0,0,"));
    let items = body.iter().filter(|&&b| b == b'0').count();
    assert!(items > 4_900_000);
    let api = hostile(json!({"kind": "deep_nesting", "depth": 100000}));
    let mut r = get(&api, "/v1/connection");
    let len: usize = r.header("content-length").unwrap().parse().unwrap();
    let body = r.read_body(len + 1, Duration::from_secs(5));
    assert_eq!(body.len(), len);
    let err = serde_json::from_slice::<Value>(&body).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

#[test]
fn huge_error_bodies() {
    let api = hostile(json!({"kind": "huge_error", "status": 502, "bytes": 20_000_000}));
    let mut r = get(&api, "/v1/connector");
    assert_eq!(r.status_line(), "HTTP/1.1 502 Bad Gateway");
    assert_eq!(r.header("content-length").as_deref(), Some("20000000"));
    let body = r.read_body(1000, Duration::from_secs(5));
    assert!(body.starts_with(b"{\"message\":\"xxxx"));
}

#[test]
fn retry_storms_then_normal_answers() {
    let api = hostile(json!({"kind": "retry_storm", "times": 2}));
    for _ in 0..2 {
        let r = get(&api, "/v1/connector");
        assert_eq!(r.status_line(), "HTTP/1.1 503 Service Unavailable");
        assert_eq!(r.header("retry-after").as_deref(), Some("1e308"));
        assert_eq!(r.header("retry-after-ms").as_deref(), Some("-1"));
    }
    assert_eq!(get(&api, "/v1/connector").status_line(), "HTTP/1.1 200 OK");
    let api =
        hostile(json!({"kind": "retry_storm", "status": 429, "headers": {"Retry-After": "1e300"}}));
    let r = get(&api, "/v1/health");
    assert_eq!(
        (r.status_line(), r.header("retry-after")),
        (
            "HTTP/1.1 429 Too Many Requests".into(),
            Some("1e300".into())
        )
    );
    // Hostile answers are logged like any other.
    assert_eq!(api.log().len(), 1);
    let bad = request(
        server().port,
        "POST",
        "/__admin/scenarios",
        &[],
        br#"{"hostile":{"kind":"nope"}}"#,
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn match_selects_the_requests_a_kind_answers() {
    let api = hostile(json!({"kind": "status", "status": 418, "match": "offset=50"}));
    let mut r = get(&api, "/v1/connector?limit=50&offset=50");
    assert!(
        r.status_line().starts_with("HTTP/1.1 418"),
        "{}",
        r.status_line()
    );
    let _ = r.read_body(1 << 20, Duration::from_secs(5));
    let r = get(&api, "/v1/connector?limit=50");
    assert_eq!(r.status_line(), "HTTP/1.1 200 OK");
    let r = get(&api, "/v1/health");
    assert_eq!(r.status_line(), "HTTP/1.1 200 OK");
}
