//! HTTP behaviour against the local server: headers, retries, timeouts, redirects, bad bodies,
//! status mapping, and the token staying secret.
use crate::common;

use common::{default_scenario, scenario};
use openint::{Client, ClientOptions, ErrorKind, ListConnectorsParams};
use serde_json::json;
use std::time::{Duration, Instant};

const TOKEN: &str = "sk_test_SECRET_0123456789";

fn first_page(c: &Client) -> openint::Result<openint::Page<openint::Connector>> {
    c.list_connectors(&ListConnectorsParams::new().limit(5))
}

fn header(req: &serde_json::Value, name: &str) -> Option<String> {
    req["headers"][name].as_str().map(str::to_string)
}

#[test]
fn sends_bearer_token_user_agent_gzip_and_default_headers() {
    let s = scenario(json!({"token": TOKEN, "gzip": true}));
    let c = s.client_with(|o| o.token(format!("  {TOKEN}\n")).header("X-Trace", "t-1"));
    assert_eq!(first_page(&c).unwrap().items().len(), 5);
    let req = &s.requests()[0];
    assert_eq!(
        header(req, "authorization").unwrap(),
        format!("Bearer {TOKEN}"),
        "trimmed token"
    );
    assert_eq!(
        header(req, "user-agent").unwrap(),
        format!("openint-rust/{}", openint::VERSION)
    );
    assert!(header(req, "accept-encoding").unwrap().contains("gzip"));
    assert_eq!(header(req, "x-trace").as_deref(), Some("t-1"));
}

#[test]
fn empty_token_sends_no_authorization() {
    let s = default_scenario();
    first_page(&s.client_with(|o| o.token("   "))).unwrap();
    assert_eq!(header(&s.requests()[0], "authorization"), None);
}

#[test]
fn wrong_or_missing_token_maps_to_401_and_403() {
    let s = scenario(json!({"token": TOKEN}));
    let e = first_page(&s.client_with(|o| o.token("nope")))
        .err()
        .unwrap();
    assert_eq!(
        (e.kind(), e.status(), e.code()),
        (ErrorKind::Authentication, Some(401), Some("UNAUTHORIZED"))
    );
    let e = first_page(&s.client()).err().unwrap();
    assert_eq!(
        (e.kind(), e.status(), e.code()),
        (ErrorKind::PermissionDenied, Some(403), Some("FORBIDDEN"))
    );
    assert_eq!(s.requests().len(), 2, "401 and 403 are not retried");
}

#[test]
fn every_status_maps_to_its_kind_with_message_code_body_and_request_id() {
    let cases = [
        (400, ErrorKind::BadRequest, "BAD_REQUEST"),
        (401, ErrorKind::Authentication, "UNAUTHORIZED"),
        (403, ErrorKind::PermissionDenied, "FORBIDDEN"),
        (404, ErrorKind::NotFound, "NOT_FOUND"),
        (409, ErrorKind::Conflict, "CONFLICT"),
        (422, ErrorKind::UnprocessableEntity, "UNPROCESSABLE_CONTENT"),
        (429, ErrorKind::RateLimited, "TOO_MANY_REQUESTS"),
        (500, ErrorKind::InternalServer, "INTERNAL_SERVER_ERROR"),
        (503, ErrorKind::InternalServer, "SERVICE_UNAVAILABLE"),
        (418, ErrorKind::ApiStatus, "I_M_A_TEAPOT"),
    ];
    for (status, kind, _code) in cases {
        let s = scenario(
            json!({"status": status, "error_headers": {"x-request-id": format!("req_{status}")}}),
        );
        let e = first_page(&s.client_with(|o| o.max_retries(0)))
            .err()
            .unwrap();
        assert_eq!((e.kind(), e.status()), (kind, Some(status)), "{status}");
        assert!(e.code().is_some_and(|c| !c.is_empty()), "{status}: {e:?}");
        assert!(!e.message().is_empty());
        assert!(e.body().unwrap().contains("\"message\""));
        assert_eq!(e.request_id(), Some(format!("req_{status}").as_str()));
        // Every header of the error answer, by any case.
        assert_eq!(e.header("X-Request-Id"), e.request_id());
        assert!(e.header("content-type").is_some() && e.headers().len() >= 2);
    }
    let s = scenario(json!({"status": 404, "error_headers": {"request-id": "alt-1"}}));
    let e = first_page(&s.client()).err().unwrap();
    assert_eq!(
        (e.code(), e.request_id()),
        (Some("NOT_FOUND"), Some("alt-1"))
    );
}

#[test]
fn unknown_routes_are_not_found_with_the_servers_message() {
    let s = default_scenario();
    let c = Client::new(ClientOptions::default().base_url(format!("{}/nope", s.base_url))).unwrap();
    let e = first_page(&c).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.message().contains("No procedure found"), "{e}");
}

#[test]
fn retries_5xx_then_succeeds() {
    let s =
        scenario(json!({"fail": {"times": 2, "status": 503, "headers": {"retry-after-ms": "10"}}}));
    assert_eq!(first_page(&s.client()).unwrap().items().len(), 5);
    assert_eq!(s.requests().len(), 3);
}

#[test]
fn gives_up_after_max_retries_and_says_how_many() {
    let s =
        scenario(json!({"fail": {"times": 10, "status": 502, "headers": {"retry-after-ms": "5"}}}));
    let e = first_page(&s.client_with(|o| o.max_retries(3)))
        .err()
        .unwrap();
    assert_eq!(
        (e.kind(), e.status(), e.retries()),
        (ErrorKind::InternalServer, Some(502), 3)
    );
    assert!(e.to_string().contains("after 3 retries"), "{e}");
    assert_eq!(s.requests().len(), 4);
}

#[test]
fn retryable_statuses_and_the_x_should_retry_override() {
    for (status, headers, requests) in [
        (408, json!({}), 2),
        (409, json!({}), 2),
        (429, json!({}), 2),
        (500, json!({}), 2),
        (504, json!({}), 2),
        (404, json!({}), 1),
        (422, json!({}), 1),
        (503, json!({"x-should-retry": "false"}), 1),
        (400, json!({"x-should-retry": "true"}), 2),
    ] {
        let mut h = headers.clone();
        h["retry-after-ms"] = json!("1");
        let s = scenario(json!({"fail": {"times": 1, "status": status, "headers": h}}));
        let _ = first_page(&s.client());
        assert_eq!(s.requests().len(), requests, "{status} {headers}");
    }
}

#[test]
fn honours_retry_after_seconds_and_prefers_retry_after_ms() {
    let s = scenario(json!({"fail": {"times": 1, "status": 429, "headers": {"Retry-After": "1"}}}));
    let t = Instant::now();
    first_page(&s.client()).unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t.elapsed()
    );

    let s = scenario(
        json!({"fail": {"times": 1, "status": 429, "headers": {"Retry-After": "30", "retry-after-ms": "20"}}}),
    );
    let t = Instant::now();
    first_page(&s.client()).unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn backs_off_without_retry_after() {
    // Two retries wait 0.5 s and 1 s, each with up to 25% jitter off: 1.125 s at least.
    let s = scenario(json!({"fail": {"times": 2, "status": 500}}));
    let t = Instant::now();
    first_page(&s.client()).unwrap();
    let e = t.elapsed();
    assert!(
        e >= Duration::from_millis(1125) && e < Duration::from_secs(4),
        "{e:?}"
    );
}

#[test]
fn dropped_connections_are_retried() {
    let s = scenario(json!({"fail": {"times": 1, "status": "drop"}}));
    first_page(&s.client()).unwrap();
    assert_eq!(s.requests().len(), 2);
    let s = scenario(json!({"fail": {"times": 9, "status": "drop"}}));
    let e = first_page(&s.client_with(|o| o.max_retries(1)))
        .err()
        .unwrap();
    assert_eq!((e.kind(), e.retries()), (ErrorKind::Connection, 1));
}

#[test]
fn connection_refused_is_a_connection_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::new(
        ClientOptions::default()
            .base_url(format!("http://127.0.0.1:{port}/v1"))
            .max_retries(1),
    )
    .unwrap();
    let e = first_page(&c).err().unwrap();
    assert_eq!((e.kind(), e.retries()), (ErrorKind::Connection, 1), "{e}");
}

#[test]
fn per_attempt_timeout() {
    let s = scenario(json!({"latency_ms": 3000}));
    let t = Instant::now();
    let e = first_page(&s.client_with(|o| o.timeout(Duration::from_millis(300)).max_retries(0)))
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn total_timeout_bounds_all_attempts_and_waits() {
    let s = scenario(
        json!({"fail": {"times": 50, "status": 503, "headers": {"retry-after-ms": "200"}}}),
    );
    let t = Instant::now();
    let e =
        first_page(&s.client_with(|o| o.max_retries(50).total_timeout(Duration::from_millis(700))))
            .err()
            .unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(e.kind(), ErrorKind::InternalServer);
    assert!(s.requests().len() <= 5);
}

#[test]
fn follows_same_origin_redirects_with_the_token() {
    let s = scenario(json!({"redirect": "same_origin", "token": TOKEN}));
    assert_eq!(
        first_page(&s.client_with(|o| o.token(TOKEN)))
            .unwrap()
            .items()
            .len(),
        5
    );
    let reqs = s.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1]["query"].as_str().unwrap().contains("_redirected=1"));
    assert_eq!(
        header(&reqs[1], "authorization").unwrap(),
        format!("Bearer {TOKEN}")
    );
}

#[test]
fn refuses_redirects_to_another_origin_and_never_sends_the_token_there() {
    let s = scenario(json!({"redirect": "other_origin"}));
    let e = first_page(&s.client_with(|o| o.token(TOKEN)))
        .err()
        .unwrap();
    assert_eq!((e.kind(), e.status()), (ErrorKind::ApiStatus, Some(302)));
    assert!(e.message().contains("another origin"), "{e}");
    assert!(!e.to_string().contains(TOKEN));
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1, "nothing reached the other origin");
    assert_eq!(reqs[0]["port"], "main");
}

#[test]
fn body_size_cap() {
    let s = default_scenario();
    let e = first_page(&s.client_with(|o| o.max_body_bytes(1000)))
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge);
    assert!(e.message().contains("1000"), "{e}");
    // gzip: the cap applies to what the body expands to.
    let s = scenario(json!({"gzip": true}));
    let e = first_page(&s.client_with(|o| o.max_body_bytes(1000)))
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge);
    assert_eq!(s.requests().len(), 1, "not retried");
}

#[test]
fn a_cut_off_body_is_a_connection_error_and_retried() {
    let s = scenario(json!({"truncate": true}));
    let e = first_page(&s.client_with(|o| o.max_retries(1)))
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert_eq!(s.requests().len(), 2);
}

#[test]
fn a_non_json_body_is_a_decode_error() {
    let s = scenario(json!({"non_json": true}));
    let e = first_page(&s.client()).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("<"), "names what came: {e}");
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn the_token_never_appears_in_errors_or_debug_output() {
    let body = format!(r#"{{"message":"token {TOKEN} is revoked","code":"UNAUTHORIZED"}}"#);
    let s = scenario(json!({"fail": {"times": 1, "status": 401, "body": body}}));
    let opts = s.options().token(TOKEN);
    assert!(!format!("{opts:?}").contains(TOKEN));
    let e = first_page(&Client::new(opts).unwrap()).err().unwrap();
    for text in [
        e.to_string(),
        format!("{e:?}"),
        e.message().to_string(),
        e.body().unwrap().to_string(),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
    }
    assert!(e.message().contains("[REDACTED]"));
    let bad = Client::new(ClientOptions::default().token(format!("{TOKEN}\u{1}x")))
        .err()
        .unwrap();
    assert_eq!(bad.kind(), ErrorKind::InvalidArgument);
    assert!(!bad.to_string().contains(TOKEN));
}

#[test]
fn bad_options_are_invalid_arguments() {
    for opts in [
        ClientOptions::default().base_url("ftp://x"),
        ClientOptions::default().base_url("not a url"),
        ClientOptions::default().header("Bad Header", "x"),
        ClientOptions::default().header("X-A", "a\r\nb: c"),
        ClientOptions::default().header("authorization", "Bearer x"),
        ClientOptions::default().timeout(Duration::ZERO),
    ] {
        let e = Client::new(opts.clone()).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{opts:?}");
    }
}

#[test]
fn reuses_one_connection_across_pages() {
    let s = default_scenario();
    let c = s.client();
    let n = c
        .list_connectors_auto(&ListConnectorsParams::new().limit(20))
        .unwrap()
        .count();
    assert_eq!(n, 171);
    let reqs = s.requests();
    assert_eq!(reqs.len(), 9);
    assert!(
        reqs.iter().all(|r| r["conn"] == reqs[0]["conn"]),
        "keep-alive: one connection for every page"
    );
}

#[test]
fn host_names_are_resolved_and_cached() {
    let s = default_scenario();
    let url = s.base_url.replace("127.0.0.1", "localhost");
    let c = Client::new(ClientOptions::default().base_url(url)).unwrap();
    let n = c
        .list_connectors_auto(&ListConnectorsParams::new().limit(60))
        .unwrap()
        .count();
    assert_eq!(n, 171);
    assert_eq!(s.requests().len(), 3);
}

#[test]
fn a_call_deadline_cuts_a_slow_attempt_short() {
    let s = scenario(json!({"latency_ms": 3000}));
    let t = Instant::now();
    let e = s
        .client()
        .with_options(openint::RequestOptions::new().timeout(Duration::from_millis(400)))
        .list_connectors(&ListConnectorsParams::new().limit(5))
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn timeouts_are_retried() {
    let s = scenario(json!({"latency_ms": 800}));
    let c = s.client_with(|o| o.timeout(Duration::from_millis(200)).max_retries(1));
    let e = first_page(&c).err().unwrap();
    assert_eq!((e.kind(), e.retries()), (ErrorKind::Timeout, 1), "{e}");
    // The server logs a request when it arrives, before its latency.
    assert_eq!(s.requests().len(), 2);
}

#[test]
fn https_goes_through_rustls() {
    // The local server speaks plain HTTP, so the TLS handshake fails: a connection error, not
    // a panic (which would mean no crypto provider was set up).
    let s = default_scenario();
    let url = s.base_url.replace("http://", "https://");
    let c = Client::new(ClientOptions::default().base_url(url).max_retries(0)).unwrap();
    let e = first_page(&c).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
}
