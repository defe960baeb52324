//! The request log's `t_ms` (when the request was read, from the scenario's creation) and
//! `status` (what the server answered; null when nothing was).

use crate::common;

use common::{raw_request, read_response, request, try_request, Api, Server};
use serde_json::{json, Value};
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| Server::start(&[]))
}

fn get(api: &Api, path: &str) -> Option<u16> {
    try_request(api.port, "GET", &api.path(&format!("/v1{path}")), &[], b"").map(|r| r.status)
}

fn statuses(api: &Api) -> Vec<Value> {
    api.log().iter().map(|e| e["status"].clone()).collect()
}

fn t_ms(entry: &Value) -> f64 {
    entry["t_ms"].as_f64().expect("t_ms is a number")
}

#[test]
fn entries_keep_their_fields_and_gain_t_ms_and_status() {
    let api = server().scenario(json!({}));
    assert_eq!(get(&api, "/connector?limit=1"), Some(200));
    let r = api.call("POST", "/health", None, Some(json!({"x": 1})));
    assert_eq!(r.status, 200);
    assert_eq!(get(&api, "/nope"), Some(404));
    let head = try_request(api.port, "HEAD", &api.path("/v1/health"), &[], b"");
    assert_eq!(head.map(|r| r.status), Some(204));

    let log = api.log();
    assert_eq!(
        statuses(&api),
        [json!(200), json!(200), json!(404), json!(204)]
    );
    let keys = |e: &Value| {
        let mut k = e.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        k.sort();
        k
    };
    let mut get_keys = vec![
        "conn", "headers", "method", "path", "port", "query", "status", "t_ms",
    ];
    assert_eq!(keys(&log[0]), get_keys);
    get_keys.insert(0, "body");
    assert_eq!(keys(&log[1]), get_keys);
    assert_eq!(log[1]["body"], r#"{"x":1}"#);
    assert_eq!(log[0]["query"], "limit=1");

    // The old fields come first, in their order, then t_ms and status; t_ms always has a
    // fraction, so every JSON reader sees a float.
    let raw = request(
        api.port,
        "GET",
        &format!("/__admin/scenarios/{}/requests", api.id),
        &[],
        b"",
    )
    .text();
    let first = &raw[..raw.find("},{").unwrap()];
    let order = [
        "\"port\":",
        "\"method\":",
        "\"path\":",
        "\"query\":",
        "\"conn\":",
        "\"headers\":",
        "\"t_ms\":",
        "\"status\":",
    ];
    let at: Vec<usize> = order.iter().map(|k| first.find(k).expect(k)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{first}");
    let t = &first[at[6] + 7..at[7] - 1];
    let (whole, frac) = t
        .split_once('.')
        .unwrap_or_else(|| panic!("t_ms {t} has no fraction"));
    assert!(
        whole.bytes().all(|b| b.is_ascii_digit()) && frac.len() == 3,
        "{t}"
    );

    // The root routes' log (scenario `default`) has them too.
    assert_eq!(server().get("/v1/nope").status, 404);
    let root = server().get("/__admin/scenarios/default/requests").json();
    let last = root.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["path"].as_str(), last["status"].as_u64()),
        (Some("/v1/nope"), Some(404))
    );
    assert!(t_ms(&last) > 0.0);
}

#[test]
fn t_ms_counts_from_the_scenario_and_is_taken_when_the_request_is_read() {
    let latency = 150.0;
    let before = Instant::now();
    let api = server().scenario(json!({"latency_ms": latency as u64}));
    std::thread::sleep(Duration::from_millis(40));
    assert_eq!(get(&api, "/health"), Some(200));
    let first_answered = before.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(get(&api, "/health"), Some(200));
    let log = api.log();
    let (a, b) = (t_ms(&log[0]), t_ms(&log[1]));
    // Read after the test's 40 ms pause, which began after the scenario existed.
    assert!(a >= 40.0, "t_ms {a}");
    // Read before the server slept `latency_ms` and answered, so not at answer time.
    assert!(
        a + latency <= first_answered,
        "t_ms {a}, answered at {first_answered}"
    );
    // The second was read after the first's answer.
    assert!(b >= a + latency, "{a} then {b}");
}

#[test]
fn status_is_what_the_server_answered() {
    let cases = [
        (json!({"fail": {"status": 503}}), json!(503)),
        (json!({"fail": {"status": "drop"}}), Value::Null),
        (json!({"status": 418}), json!(418)),
        (json!({"truncate": true}), json!(200)),
        (json!({"non_json": true}), json!(200)),
        (json!({"redirect": "same_origin"}), json!(302)),
        (
            json!({"hostile": {"kind": "raw_body", "status": 451, "body": "x"}}),
            json!(451),
        ),
        (
            json!({"hostile": {"kind": "status", "status": 299}}),
            json!(299),
        ),
        (
            json!({"hostile": {"kind": "slow_body", "delay_ms": 1, "chunk": 64}}),
            json!(200),
        ),
        // A status line without a number has no status to log.
        (json!({"hostile": {"kind": "garbage_status"}}), Value::Null),
        (
            json!({"hostile": {"kind": "garbage_status", "status_line": "HTTP/1.1 207 Hm"}}),
            json!(207),
        ),
    ];
    for (config, want) in cases {
        let api = server().scenario(config.clone());
        // The answer (or the close) has arrived before the log is read.
        let _ = get(&api, "/connector?limit=2");
        assert_eq!(statuses(&api), [want], "{config}");
    }
}

#[test]
fn pipelined_requests_each_get_their_status() {
    let api = server().scenario(json!({}));
    let mut s = TcpStream::connect(("127.0.0.1", api.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut both = raw_request("GET", &api.path("/v1/health"), &[], b"");
    both.extend(raw_request("GET", &api.path("/v1/missing"), &[], b""));
    s.write_all(&both).unwrap();
    let mut r = BufReader::new(s);
    assert_eq!(read_response(&mut r, false).map(|r| r.status), Some(200));
    assert_eq!(read_response(&mut r, false).map(|r| r.status), Some(404));
    let log = api.log();
    assert_eq!(statuses(&api), [json!(200), json!(404)]);
    assert_eq!(log[0]["conn"], log[1]["conn"]);
}

#[test]
fn a_client_that_hangs_up_before_the_answer_is_logged_null() {
    for config in [
        json!({"latency_ms": 300}),
        json!({"latency_ms": 300, "fail": {"after": 1, "times": 1, "status": 500}}),
        json!({"latency_ms": 300, "hostile": {"kind": "raw_body", "status": 418, "body": "x"}}),
    ] {
        let api = server().scenario(config.clone());
        // A client that waits gets the answer, and it is logged.
        let waited = get(&api, "/health").expect("an answer");
        // One that sends its request and goes away during the latency.
        let mut s = TcpStream::connect(("127.0.0.1", api.port)).unwrap();
        s.write_all(&raw_request("GET", &api.path("/v1/health"), &[], b""))
            .unwrap();
        drop(s);
        // The hung-up request's latency ends 100 ms before this one's answer, by which time
        // its status is settled.
        std::thread::sleep(Duration::from_millis(100));
        let last = get(&api, "/health").expect("an answer");
        assert_eq!(
            statuses(&api),
            [json!(waited), Value::Null, json!(last)],
            "{config}"
        );
    }
}
