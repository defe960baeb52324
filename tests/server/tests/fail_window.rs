//! `fail.after` and `fail.match`: which requests of a scenario the `fail` answer hits.

use crate::common;

use common::{request, try_request, Api, Server};
use serde_json::{json, Value};
use std::sync::OnceLock;

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| Server::start(&[]))
}

/// Status of an org `GET` under `/v1`; `None` when the connection closed without an answer.
fn get(api: &Api, path: &str) -> Option<u16> {
    let auth = format!("Bearer {}", api.org_key);
    try_request(
        api.port,
        "GET",
        &api.path(&format!("/v1{path}")),
        &[("Authorization", &auth)],
        b"",
    )
    .map(|r| r.status)
}

fn rejected(config: Value) -> String {
    let r = request(
        server().port,
        "POST",
        "/__admin/scenarios",
        &[("Content-Type", "application/json")],
        config.to_string().as_bytes(),
    );
    assert_eq!(r.status, 400, "{config} was accepted");
    r.json()["message"].as_str().unwrap().to_string()
}

#[test]
fn after_skips_that_many_requests_then_fails_times() {
    let api = server().scenario(json!({"fail": {"after": 2, "times": 2, "status": 503}}));
    // Without `match` every request counts, whatever its route or method.
    let got: Vec<Option<u16>> = ["/health", "/connector", "/connector", "/health", "/health"]
        .iter()
        .map(|p| get(&api, p))
        .collect();
    assert_eq!(got, [Some(200), Some(200), Some(503), Some(503), Some(200)]);
    // `after: 0` is the old behaviour: the first `times` fail.
    let api = server().scenario(json!({"fail": {"after": 0, "times": 1, "status": 429}}));
    assert_eq!(get(&api, "/health"), Some(429));
    assert_eq!(get(&api, "/health"), Some(200));
}

#[test]
fn match_fails_exactly_the_page_it_names() {
    let api = server().scenario(json!({
        "seed": {"connections": 250},
        "fail": {"match": "offset=100", "times": 2, "status": 500},
    }));
    let page = |offset: u32| get(&api, &format!("/connection?limit=100&offset={offset}"));
    // Other requests are served and do not advance the counter, however many there are.
    assert_eq!(page(0), Some(200));
    assert_eq!(page(200), Some(200));
    assert_eq!(get(&api, "/health"), Some(200));
    assert_eq!(page(100), Some(500));
    assert_eq!(page(0), Some(200));
    assert_eq!(page(100), Some(500));
    // `times` used up: the page is served now.
    assert_eq!(page(100), Some(200));
    assert_eq!(api.log().len(), 7, "every request is still logged");
}

#[test]
fn match_looks_at_the_raw_path_and_query() {
    // Percent-escapes are not decoded, and the path includes the scenario prefix.
    let api = server().scenario(json!({"fail": {"match": "expand=a%2Cb", "status": 502}}));
    assert_eq!(get(&api, "/health?expand=a,b"), Some(200));
    assert_eq!(get(&api, "/health?expand=a%2Cb"), Some(502));
    let api = server().scenario(json!({"fail": {"match": "/s/s", "times": 5}}));
    assert_eq!(get(&api, "/health"), Some(503));
    let api = server().scenario(json!({"fail": {"match": "/v1/health", "times": 5}}));
    assert_eq!(get(&api, "/connector"), Some(200));
    assert_eq!(get(&api, "/health"), Some(503));
}

#[test]
fn after_and_match_combine_with_drop() {
    let api = server().scenario(json!({
        "fail": {"match": "/connection", "after": 1, "times": 1, "status": "drop"},
    }));
    assert_eq!(get(&api, "/connection"), Some(200));
    assert_eq!(get(&api, "/health"), Some(200));
    assert_eq!(get(&api, "/connection"), None, "dropped without an answer");
    assert_eq!(get(&api, "/connection"), Some(200));
}

#[test]
fn after_and_match_keep_fail_headers_and_body() {
    let api = server().scenario(json!({
        "fail": {
            "match": "limit=7", "after": 1, "times": 1, "status": 429,
            "headers": {"Retry-After": "0", "x-request-id": "req_window"},
            "body": "slow down",
        },
    }));
    let auth = format!("Bearer {}", api.org_key);
    let call = || {
        request(
            api.port,
            "GET",
            &api.path("/v1/connector?limit=7"),
            &[("Authorization", &auth)],
            b"",
        )
    };
    assert_eq!(call().status, 200);
    let r = call();
    assert_eq!((r.status, r.text().as_str()), (429, "slow down"));
    assert_eq!(r.header("retry-after"), Some("0"));
    assert_eq!(r.header("x-request-id"), Some("req_window"));
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    assert_eq!(call().status, 200);
}

#[test]
fn bad_after_and_match_are_refused_by_name() {
    assert!(rejected(json!({"fail": {"after": -1}})).contains("fail.after"));
    assert!(rejected(json!({"fail": {"after": "2"}})).contains("fail.after"));
    assert!(rejected(json!({"fail": {"match": 100}})).contains("fail.match"));
    let msg = rejected(json!({"fail": {"matches": "x"}}));
    assert!(
        msg.contains("matches") && msg.contains("after") && msg.contains("match"),
        "{msg}"
    );
    // null keeps the defaults.
    let api = server().scenario(json!({"fail": {"after": null, "match": null}}));
    assert_eq!(get(&api, "/health"), Some(503));
}
