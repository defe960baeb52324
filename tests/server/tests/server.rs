//! End-to-end tests: spawn the binary, talk raw HTTP/1.1 over std::net::TcpStream.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    port: u16,
    other: u16,
}

impl Server {
    fn start(args: &[&str]) -> Server {
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
        let port = info["port"].as_u64().unwrap() as u16;
        assert_eq!(info["base_url"], format!("http://127.0.0.1:{port}/v1"));
        assert_eq!(
            info["admin_url"],
            format!("http://127.0.0.1:{port}/__admin")
        );
        Server {
            child,
            port,
            other: info["other_port"].as_u64().unwrap() as u16,
        }
    }

    fn scenario(&self, config: Value) -> String {
        let r = request(
            self.port,
            "POST",
            "/__admin/scenarios",
            &[("Content-Type", "application/json")],
            config.to_string().as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        let id = v["id"].as_str().unwrap().to_string();
        assert_eq!(
            v["base_url"],
            format!("http://127.0.0.1:{}/s/{id}/v1", self.port)
        );
        assert_eq!(
            v["other_base_url"],
            format!("http://127.0.0.1:{}/s/{id}/v1", self.other)
        );
        id
    }

    fn get(&self, path: &str) -> Resp {
        request(self.port, "GET", path, &[], b"")
    }

    fn log(&self, id: &str) -> Vec<Value> {
        self.get(&format!("/__admin/scenarios/{id}/requests"))
            .json()
            .as_array()
            .unwrap()
            .clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// Reads one Content-Length framed response; `None` if the connection closed first.
fn read_response(r: &mut impl BufRead) -> Option<Resp> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let status = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        headers.push((k.to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .unwrap()
        .1
        .parse()
        .unwrap();
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Resp {
        status,
        headers,
        body,
    })
}

fn raw_request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut out = req.into_bytes();
    out.extend_from_slice(body);
    out
}

fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&raw_request(method, path, headers, body))
        .unwrap();
    read_response(&mut BufReader::new(s)).expect("a response")
}

#[test]
fn real_mode_envelope_lies() {
    let srv = Server::start(&[]);
    let v = srv.get("/v1/connector").json();
    assert_eq!(v["items"].as_array().unwrap().len(), 50);
    assert_eq!(
        (
            v["total"].clone(),
            v["limit"].clone(),
            v["offset"].clone(),
            v["has_next_page"].clone()
        ),
        (json!(50), json!(50), json!(0), json!(true))
    );
    assert_eq!(v["items"][0]["name"], "accelo");
    let v = srv.get("/v1/connector?offset=500&limit=10").json();
    assert_eq!(
        v,
        json!({"items": [], "total": 0, "limit": 10, "offset": 500, "has_next_page": true})
    );
    let v = srv.get("/v1/connector?limit=0").json();
    assert_eq!(
        v,
        json!({"items": [], "total": 0, "limit": 0, "offset": 0, "has_next_page": true})
    );
    let v = srv.get("/v1/connector?limit=").json();
    assert_eq!(v["limit"], 0);
    let v = srv.get("/v1/connector?limit=100&offset=150").json();
    assert_eq!(
        (v["items"].as_array().unwrap().len(), v["total"].clone()),
        (21, json!(21))
    );
    // /v2 answers the same bytes.
    assert_eq!(
        srv.get("/v2/connector?limit=7&offset=3").body,
        srv.get("/v1/connector?limit=7&offset=3").body
    );
    let r = srv.get("/v1/connector");
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn pages_concatenate_to_the_registry_oracle() {
    let srv = Server::start(&["--count", "1234"]);
    for expand in ["", "&expand=schemas"] {
        let oracle = srv
            .get(&format!("/__admin/registry?count=1234{expand}"))
            .json();
        let mut listed = Vec::new();
        let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        for offset in (0..1300).step_by(100) {
            s.write_all(&raw_request(
                "GET",
                &format!("/v1/connector?limit=100&offset={offset}{expand}"),
                &[],
                b"",
            ))
            .unwrap();
            let v = read_response(&mut r).unwrap().json();
            listed.extend(v["items"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(Value::Array(listed), oracle);
        // registry(N) is a prefix of registry(M).
        let small = srv
            .get(&format!("/__admin/registry?count=171{expand}"))
            .json();
        assert_eq!(
            small.as_array().unwrap()[..],
            oracle.as_array().unwrap()[..171]
        );
    }
    let items = srv.get("/__admin/registry?count=1234").json();
    let names: std::collections::HashSet<_> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 1234);
    let schemas = srv.get("/v1/connector?expand=schemas&limit=1").json();
    assert!(schemas["items"][0]["schemas"]["connection_settings"].is_object());
    assert!(srv.get("/v1/connector?limit=1").json()["items"][0]
        .get("schemas")
        .is_none());
}

#[test]
fn odd_data_in_the_first_171() {
    let srv = Server::start(&[]);
    let r = srv.get("/v1/connector?limit=171&expand=schemas");
    let text = r.text();
    for needle in [
        "\\\"",
        "\\\\",
        "Zoë Ünïcødé Ltd",
        "🚀",
        "\\t",
        "\\n",
        "\\u0000",
    ] {
        assert!(text.contains(needle), "missing {needle}");
    }
    let items = r.json()["items"].as_array().unwrap().clone();
    assert!(items.iter().any(|i| i.get("stage").is_none()));
    assert!(items.iter().any(|i| i["stage"] == "deprecated"));
    assert!(items.iter().any(|i| i.get("x_added_later").is_some()));
    assert!(items.iter().any(|i| i.get("integrations").is_some()));
    assert!(items.iter().any(|i| i.as_object().unwrap().len() == 1));
    let odd = items[17]["scopes"][0]["description"].as_str().unwrap();
    assert!(
        odd.contains('\0') && odd.contains('"') && odd.contains('\\') && odd.contains('\n'),
        "{odd:?}"
    );
    let known = ["BASIC", "OAUTH1", "OAUTH2", "OAUTH2CC", "API_KEY", "CUSTOM"];
    assert!(items
        .iter()
        .any(|i| i["auth_type"].as_str().is_some_and(|a| !known.contains(&a))));
}

#[test]
fn spec_mode_tells_the_truth() {
    let srv = Server::start(&["--mode", "spec"]);
    let v = srv.get("/v1/connector?offset=100").json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(171), json!(true))
    );
    let v = srv.get("/v1/connector?offset=150").json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(171), json!(false))
    );
    let id = Server::scenario(&srv, json!({"mode": "spec", "count": 10}));
    let v = srv
        .get(&format!("/s/{id}/v1/connector?limit=4&offset=4"))
        .json();
    assert_eq!(
        (v["total"].clone(), v["has_next_page"].clone()),
        (json!(10), json!(true))
    );
}

#[test]
fn bad_queries_get_the_real_400() {
    let srv = Server::start(&[]);
    let r = srv.get("/v1/connector?limit=5000");
    assert_eq!(r.status, 400);
    let v = r.json();
    assert_eq!(v["code"], "BAD_REQUEST");
    assert_eq!(
        v["data"],
        json!({"code": "BAD_REQUEST", "httpStatus": 400, "path": "listConnectors"})
    );
    assert_eq!(v["issues"][0]["code"], "too_big");
    assert_eq!(v["issues"][0]["maximum"], 3000);
    assert_eq!(v["issues"][0]["path"], json!(["limit"]));
    assert_eq!(
        v["issues"][0]["message"],
        "Number must be less than or equal to 3000"
    );
    for (q, code, path) in [
        ("limit=abc", "invalid_type", json!(["limit"])),
        ("offset=-1", "too_small", json!(["offset"])),
        ("expand=bogus", "invalid_enum_value", json!(["expand", 0])),
        ("limit=1.5", "invalid_type", json!(["limit"])),
    ] {
        let r = srv.get(&format!("/v1/connector?{q}"));
        assert_eq!(r.status, 400, "{q}");
        assert_eq!(r.json()["issues"][0]["code"], code, "{q}");
        assert_eq!(r.json()["issues"][0]["path"], path, "{q}");
    }
    // Bracket keys are ignored, as the real server ignores them.
    let r = srv.get("/v1/connector?expand%5B%5D=schemas&limit=1");
    assert_eq!(r.status, 200);
    assert!(r.json()["items"][0].get("schemas").is_none());
    let r = srv.get("/v1/connector?expand=schemas&expand=schemas&limit=1");
    assert!(r.json()["items"][0].get("schemas").is_some());
    // The real API's 404, without data.path.
    let r = srv.get("/v1/nope");
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({"message": "Not found", "code": "NOT_FOUND", "data": {"code": "NOT_FOUND", "httpStatus": 404}})
    );
    // A base URL with an extra segment keeps this server's older message (SDK tests read it).
    let r = srv.get("/v1/nope/connector");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("No procedure found on path"));
    assert_eq!(
        request(srv.port, "POST", "/v1/connector", &[], b"{}").status,
        404
    );
    let r = request(
        srv.port,
        "POST",
        "/__admin/scenarios",
        &[],
        br#"{"bogus": 1}"#,
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["message"].as_str().unwrap().contains("bogus"));
}

#[test]
fn fail_counter_headers_and_drop() {
    let srv = Server::start(&[]);
    let id = srv.scenario(json!({
        "fail": {"times": 2, "status": 503, "headers": {"Retry-After": "1", "x-request-id": "req_123"}},
        "error_headers": {"request-id": "abc"},
    }));
    for _ in 0..2 {
        let r = srv.get(&format!("/s/{id}/v1/connector"));
        assert_eq!(r.status, 503);
        assert_eq!(r.header("retry-after"), Some("1"));
        assert_eq!(r.header("x-request-id"), Some("req_123"));
        assert_eq!(r.header("request-id"), Some("abc"));
        assert_eq!(r.json()["code"], "SERVICE_UNAVAILABLE");
    }
    let r = srv.get(&format!("/s/{id}/v1/connector"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("request-id"), None);
    assert_eq!(srv.log(&id).len(), 3);

    let id = srv.scenario(json!({"fail": {"times": 1, "status": 429}}));
    assert_eq!(
        srv.get(&format!("/s/{id}/v1/connector")).json()["code"],
        "TOO_MANY_REQUESTS"
    );

    let id = srv.scenario(json!({"fail": {"times": 1, "status": "drop"}}));
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    s.write_all(&raw_request(
        "GET",
        &format!("/s/{id}/v1/connector"),
        &[],
        b"",
    ))
    .unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(rest.is_empty(), "a dropped request gets no bytes");
    assert_eq!(srv.get(&format!("/s/{id}/v1/connector")).status, 200);

    let id = srv
        .scenario(json!({"fail": {"times": 1, "status": 502, "body": "upstream connect error"}}));
    let r = srv.get(&format!("/s/{id}/v2/connector"));
    assert_eq!(
        (r.status, r.text().as_str()),
        (502, "upstream connect error")
    );
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
}

#[test]
fn request_log_records_headers_query_and_port() {
    let srv = Server::start(&[]);
    let id = srv.scenario(json!({}));
    let path = format!("/s/{id}/v1/connector");
    request(
        srv.port,
        "GET",
        &format!("{path}?limit=5&expand=schemas"),
        &[
            ("Authorization", "Bearer sk_1"),
            ("User-Agent", "openint-rust/0.1"),
        ],
        b"",
    );
    request(
        srv.other,
        "GET",
        &path,
        &[("X-Dup", "a"), ("x-dup", "b")],
        b"",
    );
    let log = srv.log(&id);
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["port"], "main");
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], path);
    assert_eq!(log[0]["query"], "limit=5&expand=schemas");
    assert_eq!(log[0]["headers"]["authorization"], "Bearer sk_1");
    assert_eq!(log[0]["headers"]["user-agent"], "openint-rust/0.1");
    assert_eq!(log[1]["port"], "other");
    assert_eq!(log[1]["headers"]["x-dup"], "a, b");
    // Scenarios are isolated; the root routes log under "default".
    srv.get("/v1/connector?limit=1");
    assert_eq!(srv.log(&id).len(), 2);
    assert_eq!(srv.log("default").len(), 1);
    assert_eq!(srv.get("/__admin/scenarios/nope/requests").status, 404);
}

#[test]
fn keep_alive_pipelining_and_close() {
    let srv = Server::start(&[]);
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    // Two requests in one write: both must be answered, in order, on this connection.
    let mut both = raw_request("GET", "/v1/connector?limit=1", &[], b"");
    both.extend(raw_request(
        "GET",
        "/v1/connector?limit=2&offset=1",
        &[],
        b"",
    ));
    s.write_all(&both).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let a = read_response(&mut r).unwrap();
    let b = read_response(&mut r).unwrap();
    assert_eq!(a.header("connection"), Some("keep-alive"));
    assert_eq!(a.json()["items"].as_array().unwrap().len(), 1);
    assert_eq!(b.json()["items"].as_array().unwrap().len(), 2);
    // A POST with a body, then a GET, on the same connection.
    s.write_all(&raw_request("POST", "/__admin/scenarios", &[], b"{}"))
        .unwrap();
    assert_eq!(read_response(&mut r).unwrap().status, 200);
    s.write_all(&raw_request(
        "GET",
        "/v1/connector?limit=1",
        &[("Connection", "close")],
        b"",
    ))
    .unwrap();
    let c = read_response(&mut r).unwrap();
    assert_eq!(c.header("connection"), Some("close"));
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}

#[test]
fn gzip_when_accepted() {
    let srv = Server::start(&[]);
    let id = srv.scenario(json!({"gzip": true}));
    let path = format!("/s/{id}/v1/connector?limit=100&expand=schemas");
    let plain = srv.get(&path);
    assert_eq!(plain.header("content-encoding"), None);
    let zipped = request(
        srv.port,
        "GET",
        &path,
        &[("Accept-Encoding", "gzip, deflate")],
        b"",
    );
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert!(zipped.body.len() < plain.body.len() / 3);
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);
    let refused = request(
        srv.port,
        "GET",
        &path,
        &[("Accept-Encoding", "gzip;q=0")],
        b"",
    );
    assert_eq!(refused.header("content-encoding"), None);
}

#[test]
fn bearer_token() {
    let srv = Server::start(&["--token", "sk_test"]);
    let r = srv.get("/v1/connector");
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (403, json!("FORBIDDEN"))
    );
    let r = request(
        srv.port,
        "GET",
        "/v1/connector",
        &[("Authorization", "Bearer nope")],
        b"",
    );
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (401, json!("UNAUTHORIZED"))
    );
    let r = request(
        srv.port,
        "GET",
        "/v1/connector",
        &[("Authorization", "sk_test")],
        b"",
    );
    assert_eq!(r.status, 401);
    let r = request(
        srv.port,
        "GET",
        "/v1/connector",
        &[("Authorization", "Bearer sk_test")],
        b"",
    );
    assert_eq!(r.status, 200);
    // Scenarios do not inherit the command line.
    let id = srv.scenario(json!({}));
    assert_eq!(srv.get(&format!("/s/{id}/v1/connector")).status, 200);
    let id = srv.scenario(json!({"token": "other"}));
    assert_eq!(srv.get(&format!("/s/{id}/v1/connector")).status, 403);
}

#[test]
fn redirects() {
    let srv = Server::start(&[]);
    let id = srv.scenario(json!({"redirect": "same_origin"}));
    let r = srv.get(&format!("/s/{id}/v1/connector?limit=3"));
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location").unwrap(),
        format!("http://127.0.0.1/s/{id}/v1/connector?limit=3&_redirected=1")
    );
    let r = srv.get(&format!("/s/{id}/v1/connector?limit=3&_redirected=1"));
    assert_eq!(r.json()["limit"], 3);

    let id = srv.scenario(json!({"redirect": "other_origin"}));
    let r = srv.get(&format!("/s/{id}/v1/connector?limit=3"));
    assert_eq!(r.status, 302);
    let loc = format!("http://127.0.0.1:{}/s/{id}/v1/connector?limit=3", srv.other);
    assert_eq!(r.header("location").unwrap(), loc);
    let r = request(
        srv.other,
        "GET",
        &format!("/s/{id}/v1/connector?limit=3"),
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    let log = srv.log(&id);
    assert_eq!(
        (log[0]["port"].clone(), log[1]["port"].clone()),
        (json!("main"), json!("other"))
    );
}

#[test]
fn broken_servers() {
    let srv = Server::start(&[]);
    // truncate: full Content-Length, half the body, then EOF.
    let id = srv.scenario(json!({"truncate": true}));
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    s.write_all(&raw_request(
        "GET",
        &format!("/s/{id}/v1/connector"),
        &[],
        b"",
    ))
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let text = String::from_utf8_lossy(&all);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(body.len() < len && !body.is_empty());

    let id = srv.scenario(json!({"non_json": true}));
    let r = srv.get(&format!("/s/{id}/v1/connector"));
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));

    let id = srv.scenario(json!({"status": 401}));
    let r = srv.get(&format!("/s/{id}/v1/connector"));
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (401, json!("UNAUTHORIZED"))
    );

    let id = srv.scenario(json!({"ignore_offset": true, "count": 5}));
    let v = srv
        .get(&format!("/s/{id}/v1/connector?limit=2&offset=2"))
        .json();
    assert_eq!(v["offset"], 2);
    assert_eq!(v["items"][0]["name"], "accelo");
}
