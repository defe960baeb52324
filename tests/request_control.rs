//! Request control: cancelling calls in flight at every phase, per-call options, and logging
//! with redaction, against the local server (and, for the phases it cannot stage, small raw
//! socket peers on 127.0.0.1).

use crate::common;

use common::scenario;
use openint::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs `call` on a thread, fires `token` after `after`, and returns the call's result and how
/// long it took to return once fired.
fn cancel_after<T: Send + 'static>(
    token: &CancelToken,
    after: Duration,
    call: impl FnOnce() -> Result<T> + Send + 'static,
) -> (Result<T>, Duration) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(call());
    });
    std::thread::sleep(after);
    let fired = Instant::now();
    token.cancel();
    let r = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the call returned");
    (r, fired.elapsed())
}

fn assert_cancelled<T: std::fmt::Debug>(what: &str, r: (Result<T>, Duration)) {
    let (r, took) = r;
    let e = r.expect_err(what);
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{what}: {e}");
    assert!(
        took < Duration::from_millis(100),
        "{what}: returned {took:?} after the cancel"
    );
    assert!(e.to_string().contains("cancelled"), "{what}: {e}");
}

/// A listening socket whose accept queue is full, so a new connect to it hangs (loopback only).
#[cfg(target_os = "linux")]
fn full_backlog() -> (std::net::SocketAddr, Vec<TcpStream>, i32) {
    use std::os::fd::FromRawFd;
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0);
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        assert_eq!(
            libc::bind(
                fd,
                &addr as *const _ as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_in>() as u32
            ),
            0
        );
        assert_eq!(libc::listen(fd, 0), 0);
        let listener = std::mem::ManuallyDrop::new(TcpListener::from_raw_fd(fd));
        let local = listener.local_addr().unwrap();
        // Fill the queue until a connect no longer completes.
        let mut held = Vec::new();
        for _ in 0..16 {
            match TcpStream::connect_timeout(&local, Duration::from_millis(200)) {
                Ok(s) => held.push(s),
                Err(_) => break,
            }
        }
        (local, held, fd)
    }
}

#[cfg(target_os = "linux")]
#[test]
fn cancel_while_connecting() {
    let (addr, _held, fd) = full_backlog();
    let c = Client::new(
        ClientOptions::default()
            .base_url(format!("http://{addr}/v1"))
            .connect_timeout(Duration::from_secs(30)),
    )
    .unwrap();
    let token = CancelToken::new();
    let c2 = c.with_options(RequestOptions::new().cancel(token.clone()));
    assert_cancelled(
        "connect",
        cancel_after(&token, Duration::from_millis(300), move || c2.health()),
    );
    unsafe { libc::close(fd) };
}

#[test]
fn cancel_while_waiting_for_the_head() {
    let s = scenario(json!({"latency_ms": 5000}));
    let token = CancelToken::new();
    let c = s
        .client()
        .with_options(RequestOptions::new().cancel(token.clone()));
    assert_cancelled(
        "head",
        cancel_after(&token, Duration::from_millis(300), move || c.health()),
    );
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn a_cancelled_connection_is_closed_and_never_reused() {
    // The first connection gets no answer; every later one is answered at once.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    let (closed_tx, closed_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (n, s) in l.incoming().enumerate() {
            let mut s = s.unwrap();
            let tx = closed_tx.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                if n == 0 {
                    let _ = s.read(&mut buf);
                    // Wait for the client to hang up: read returns 0 (or an error) then.
                    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                    let closed = matches!(s.read(&mut buf), Ok(0) | Err(_));
                    let _ = tx.send(closed);
                    return;
                }
                while matches!(s.read(&mut buf), Ok(n) if n > 0) {
                    let body = b"{\"ok\":true}";
                    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
                    let _ = s.write_all(head.as_bytes());
                    let _ = s.write_all(body);
                }
            });
        }
    });
    let c = Client::new(ClientOptions::default().base_url(url)).unwrap();
    let token = CancelToken::new();
    let c2 = c.with_options(RequestOptions::new().cancel(token.clone()));
    assert_cancelled(
        "head",
        cancel_after(&token, Duration::from_millis(200), move || c2.health()),
    );
    assert_eq!(
        closed_rx.recv_timeout(Duration::from_secs(5)),
        Ok(true),
        "the client closed it"
    );
    // The same client works on a fresh connection.
    assert_eq!(c.health().unwrap().ok, Some(true));
}

/// A peer that answers a head, a little of the body, then goes silent.
fn silent_after(first: &'static [u8]) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let mut s = s.unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(first);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(30));
                drop(s);
            });
        }
    });
    url
}

#[test]
fn cancel_while_reading_a_slow_body() {
    let url = silent_after(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"items\":[1,");
    let c = Client::new(ClientOptions::default().base_url(url)).unwrap();
    let token = CancelToken::new();
    let c2 = c.with_options(RequestOptions::new().cancel(token.clone()));
    assert_cancelled(
        "body",
        cancel_after(&token, Duration::from_millis(300), move || {
            c2.list_connectors(&ListConnectorsParams::new()).map(|_| ())
        }),
    );
}

#[test]
fn cancel_during_the_tls_handshake() {
    // A TCP peer that reads the ClientHello and never answers it.
    let url = silent_after(b"").replace("http://", "https://");
    let c = Client::new(ClientOptions::default().base_url(url)).unwrap();
    let token = CancelToken::new();
    let c2 = c.with_options(RequestOptions::new().cancel(token.clone()));
    assert_cancelled(
        "tls",
        cancel_after(&token, Duration::from_millis(300), move || c2.health()),
    );
}

#[test]
fn cancel_while_sending() {
    // A peer that accepts and never reads: a large body fills the socket buffers and blocks.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    std::thread::spawn(move || {
        let held: Vec<_> = l.incoming().take(1).collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    let c = Client::new(ClientOptions::default().base_url(url)).unwrap();
    let token = CancelToken::new();
    let big = json!({"blob": "x".repeat(64 << 20)});
    let c2 = c.with_options(RequestOptions::new().cancel(token.clone()));
    assert_cancelled(
        "send",
        cancel_after(&token, Duration::from_millis(500), move || {
            c2.health_echo(big.as_object().unwrap()).map(|_| ())
        }),
    );
}

#[test]
fn cancel_during_a_retry_back_off() {
    let s =
        scenario(json!({"fail": {"status": 503, "times": 5, "headers": {"Retry-After": "30"}}}));
    let c = s.client_with(|o| o.max_retries(3));
    let token = CancelToken::new();
    let c2 = c.with_options(RequestOptions::new().cancel(token.clone()));
    assert_cancelled(
        "back-off",
        cancel_after(&token, Duration::from_millis(300), move || c2.health()),
    );
    assert_eq!(s.requests().len(), 1, "no attempt after the cancel");
}

#[test]
fn a_fired_token_stops_calls_at_once_and_stays_fired_and_serves_many_calls() {
    let s = scenario(json!({"latency_ms": 3000}));
    let token = CancelToken::new();
    let c = s
        .client()
        .with_options(RequestOptions::new().cancel(token.clone()));
    // Several calls on one handle, all stopped by one fire.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || c.health())
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    token.cancel();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap_err().kind(), ErrorKind::Cancelled);
    }
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );
    let before = s.requests().len();
    let e = c.health().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(s.requests().len(), before, "a fired token sends nothing");
    // Firing after a call ended changes nothing for the calls that succeeded.
    let s = scenario(json!({}));
    let token = CancelToken::new();
    let c = s
        .client()
        .with_options(RequestOptions::new().cancel(token.clone()));
    assert!(c.health().is_ok());
    token.cancel();
    token.cancel();
    assert!(
        s.client().health().is_ok(),
        "other calls on the client are not affected"
    );
}

#[test]
fn eight_threads_cancel_their_own_calls_on_one_client() {
    let s = scenario(json!({"latency_ms": 2000}));
    let c = s.client();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let c = c.clone();
            std::thread::spawn(move || {
                let token = CancelToken::new();
                let mine = c.with_options(RequestOptions::new().cancel(token.clone()));
                let r = cancel_after(&token, Duration::from_millis(100 + 30 * i), move || {
                    mine.health()
                });
                assert_cancelled("thread", r);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // The client is fine afterwards.
    let ok = scenario(json!({}));
    assert!(Client::new(ok.options()).unwrap().health().is_ok());
}

#[test]
fn per_call_headers_query_and_body() {
    let s = scenario(json!({}));
    let c = s.client_with(|o| {
        o.token(&s.org_key)
            .header("X-Team", "core")
            .header("X-Gone", "soon")
    });
    let opts = RequestOptions::new()
        .header("X-Call", "1")
        .header("X-Team", "edge")
        .remove_header("X-Gone")
        .query("debug", "yes")
        .body_field("note", json!({"a": 1}));
    c.with_options(opts)
        .upsert_customer(&UpsertCustomerParams::new().id("cus_h"))
        .unwrap();
    let req = s.requests().pop().unwrap();
    let h = &req["headers"];
    assert_eq!(h["x-call"], "1");
    assert_eq!(h["x-team"], "edge", "replaced, not repeated");
    assert!(h.get("x-gone").is_none(), "removed: {h}");
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(req["query"], "debug=yes");
    let body: Value = serde_json::from_str(req["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({"id": "cus_h", "note": {"a": 1}}));
    // Authorization only when the call allows it; then it replaces the token's.
    let e = c
        .with_options(RequestOptions::new().header("authorization", "Bearer x"))
        .health()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let mut o = RequestOptions::new().header("Authorization", "Bearer other_token_123");
    o.allow_authorization_header = true;
    let _ = c.with_options(o).viewer();
    assert_eq!(
        s.requests().pop().unwrap()["headers"]["authorization"],
        "Bearer other_token_123"
    );
}

#[test]
fn per_call_timeout_and_retries() {
    let s =
        scenario(json!({"fail": {"status": 503, "times": 2, "headers": {"retry-after-ms": "5"}}}));
    let c = s.client_with(|o| o.max_retries(0));
    let r = c
        .with_options(RequestOptions::new().max_retries(5))
        .health()
        .unwrap();
    assert_eq!(r.ok, Some(true));
    let s =
        scenario(json!({"fail": {"status": 503, "times": 1, "headers": {"retry-after-ms": "5"}}}));
    let e = s
        .client()
        .with_options(RequestOptions::new().max_retries(0))
        .health()
        .unwrap_err();
    assert_eq!((e.kind(), e.retries()), (ErrorKind::InternalServer, 0));
    let s = scenario(json!({"latency_ms": 2000}));
    let t = Instant::now();
    let e = s
        .client()
        .with_options(RequestOptions::new().timeout(Duration::from_millis(200)))
        .health()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(t.elapsed() < Duration::from_millis(1000));
    assert!(
        e.message().starts_with("GET http://127.0.0.1"),
        "{}",
        e.message()
    );
}

type Lines = Arc<Mutex<Vec<(LogLevel, String, String)>>>;

fn capture(level: LogLevel) -> (Logger, Lines) {
    let lines: Lines = Arc::default();
    let l2 = lines.clone();
    let logger = Logger::new(level, move |lvl, target, msg| {
        l2.lock()
            .unwrap()
            .push((lvl, target.to_string(), msg.to_string()))
    });
    (logger, lines)
}

#[test]
fn one_log_line_per_attempt_with_retries_and_waits() {
    let s =
        scenario(json!({"fail": {"status": 503, "times": 1, "headers": {"retry-after-ms": "20"}}}));
    let (logger, lines) = capture(LogLevel::Info);
    let c = s.client_with(|o| o.logger(logger));
    c.health().unwrap();
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let (lvl, target, retry) = &lines[0];
    assert_eq!((*lvl, target.as_str()), (LogLevel::Warn, "openint::retry"));
    assert!(
        retry.starts_with(&format!("GET {}/health -> 503 in ", s.base_url)),
        "{retry}"
    );
    assert!(retry.contains("(attempt 1); retrying in 20 ms"), "{retry}");
    let (lvl, _, ok) = &lines[1];
    assert_eq!(*lvl, LogLevel::Info);
    assert!(
        ok.contains("-> 200 in ") && ok.ends_with("(attempt 2)"),
        "{ok}"
    );
    assert!(
        !lines.iter().any(|(l, _, _)| *l > LogLevel::Info),
        "nothing below the level"
    );
}

#[test]
fn log_lines_never_carry_secrets() {
    let token = "key_org_secret_token_0123456789";
    let s = scenario(json!({"org_key": token, "fail": {"status": 500, "times": 1,
        "body": format!("{{\"message\":\"bad Authorization: Bearer {token}\",\"code\":\"X\"}}"),
        "headers": {"retry-after-ms": "5"}}}));
    let (logger, lines) = capture(LogLevel::Trace);
    let c = s.client_with(|o| o.token(token).logger(logger));
    c.health().unwrap();
    let t = c
        .create_token("cus_log", &CreateTokenParams::new())
        .unwrap();
    let key = t.api_key.clone().unwrap();
    let lines = lines.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|(l, _, m)| *l == LogLevel::Trace && m.starts_with("body: ")),
        "bodies at trace"
    );
    for (_, _, m) in lines.iter() {
        for secret in [token, t.token.as_str(), key.as_str()] {
            assert!(!m.contains(secret), "a secret in a log line: {m}");
        }
    }
    // The error the retry reported had the token echoed in it, redacted in the message too.
    assert!(
        lines.iter().any(|(_, _, m)| m.contains("[REDACTED]")),
        "{lines:?}"
    );
}

#[test]
fn no_logger_no_output() {
    // Without a logger (and without OPENINT_LOG) nothing is produced; the closure never runs.
    let s = scenario(json!({}));
    let (logger, lines) = capture(LogLevel::Off);
    let c = s.client_with(|o| o.logger(logger));
    c.health().unwrap();
    assert!(lines.lock().unwrap().is_empty());
}
