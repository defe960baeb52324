//! Hostile servers and misuse (issue 11): every case ends bounded, with a clear error, without a
//! panic, an abort or the token in a message. The peers are small raw-socket servers on
//! 127.0.0.1 that answer exactly the bytes a case needs.

use openint::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "key_org_hostile_secret_0123456789";

/// A raw HTTP peer: for each request (connection `n`, request text) it writes what `answer`
/// returns, then closes the connection. Returns the base URL and a request counter.
fn peer(
    answer: impl Fn(usize, &str, &mut TcpStream) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let c2 = count.clone();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let n = c2.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut req = Vec::new();
                let mut buf = [0u8; 8192];
                // Read the head (the SDK's requests here have small or no bodies).
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(k) => req.extend_from_slice(&buf[..k]),
                    }
                }
                answer(n, &String::from_utf8_lossy(&req), &mut s);
            });
        }
    });
    (url, count)
}

fn respond(s: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
}

fn client(url: &str, f: impl FnOnce(ClientOptions) -> ClientOptions) -> Client {
    Client::new(f(ClientOptions::default().base_url(url).token(TOKEN))).unwrap()
}

fn no_token(e: &Error) {
    for text in [
        e.to_string(),
        e.message().to_string(),
        e.body().unwrap_or("").to_string(),
    ] {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
    }
}

#[test]
fn a_lying_content_length_never_chooses_an_allocation() {
    let (url, _) = peer(|_, _, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{\"items\":[");
    });
    let c = client(&url, |o| {
        o.max_body_bytes(100_000_000_000_000).max_retries(0)
    });
    let e = c.list_connectors(&ListConnectorsParams::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(
        e.message().contains("closed before the whole response"),
        "{e}"
    );
}

#[test]
fn absurd_retry_waits_are_capped_not_panics() {
    for header in [
        "retry-after-ms: 1e308",
        "Retry-After: 1e300",
        "retry-after-ms: -5",
        "Retry-After: NaN",
    ] {
        let (url, count) = peer(move |_, _, s| {
            let _ = s.write_all(format!("HTTP/1.1 503 Service Unavailable\r\n{header}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}").as_bytes());
        });
        let c = client(&url, |o| o.max_retries(1));
        let t = Instant::now();
        let e = c
            .with_options(RequestOptions::new().timeout(Duration::from_secs(3)))
            .health()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InternalServer, "{header}: {e}");
        assert!(t.elapsed() < Duration::from_secs(5), "{header}");
        assert!(count.load(Ordering::SeqCst) <= 2, "{header}");
    }
}

#[test]
fn a_decode_error_never_quotes_the_token() {
    let (url, _) = peer(|_, _, s| {
        let body = format!("<html>Bearer {TOKEN}</html>");
        respond(
            s,
            "200 OK",
            &[("Content-Type", "text/html".into())],
            body.as_bytes(),
        );
    });
    let c = client(&url, |o| o);
    let e = c.list_connectors(&ListConnectorsParams::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("[REDACTED]"), "{e}");
    no_token(&e);
    let e = c.viewer().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    no_token(&e);
}

#[test]
fn redirects_resolve_by_rfc_3986_and_stay_on_the_origin() {
    for (location, followed) in [
        ("data:text/plain,hi", false),
        ("file:/etc/passwd", false),
        ("file:///x", false),
        ("http://127.0.0.2:1/v1/viewer", false),
        ("/v1/ok?next=http://x/", true),
        ("ok", true),
    ] {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen2 = seen.clone();
        let (url, _) = peer(move |n, req, s| {
            seen2
                .lock()
                .unwrap()
                .push(req.lines().next().unwrap_or("").to_string());
            if n == 0 {
                respond(s, "302 Found", &[("Location", location.into())], b"");
            } else {
                respond(
                    s,
                    "200 OK",
                    &[("Content-Type", "application/json".into())],
                    b"{\"role\":\"org\"}",
                );
            }
        });
        let r = client(&url, |o| o).viewer();
        let lines = seen.lock().unwrap().clone();
        if followed {
            assert_eq!(r.unwrap().role, Role::Org, "{location}");
            assert_eq!(lines.len(), 2, "{location}");
            assert!(
                lines[1].contains(&location.replace("ok", "").replace("/v1/", "")),
                "{location}: {lines:?}"
            );
        } else {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::ApiStatus, "{location}: {e}");
            assert!(e.message().contains("refused"), "{location}: {e}");
            assert_eq!(lines.len(), 1, "{location}: never followed");
        }
    }
    let (url, _) = peer(|_, _, s| {
        let _ =
            s.write_all(b"HTTP/1.1 302 Found\r\nLocation: /\xff\xfe\r\nContent-Length: 0\r\n\r\n");
    });
    let e = client(&url, |o| o).viewer().unwrap_err();
    assert!(e.message().contains("not valid UTF-8"), "{e}");
}

#[test]
fn protocol_violations_and_odd_statuses_are_not_retried() {
    let many_headers = {
        let mut h = String::from("HTTP/1.1 200 OK\r\n");
        for i in 0..2000 {
            h.push_str(&format!("X-H{i}: v\r\n"));
        }
        h.push_str("Content-Length: 2\r\n\r\n{}");
        h
    };
    let long_header = format!(
        "HTTP/1.1 200 OK\r\nX-Long: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(1 << 20)
    );
    for (what, raw) in [
        ("garbage status line", "SPDY/9 banana\r\n\r\n".to_string()),
        ("header flood", many_headers),
        ("one huge header", long_header),
    ] {
        let (url, count) = peer(move |_, _, s| {
            let _ = s.write_all(raw.as_bytes());
        });
        let e = client(&url, |o| o.max_retries(3)).viewer().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{what}: {e}");
        assert_eq!(count.load(Ordering::SeqCst), 1, "{what}: not retried");
    }
    let (url, count) = peer(|_, _, s| respond(s, "999 Whatever", &[], b"{}"));
    let e = client(&url, |o| o.max_retries(3)).viewer().unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::ApiStatus, Some(999)));
    assert_eq!(count.load(Ordering::SeqCst), 1, "999 is no 5xx");
}

#[test]
fn error_bodies_are_read_only_up_to_their_bound() {
    let (url, _) = peer(|_, _, s| {
        let total: usize = 200 << 20;
        let _ = s.write_all(
            format!("HTTP/1.1 500 Internal Server Error\r\nContent-Length: {total}\r\n\r\n")
                .as_bytes(),
        );
        let chunk = vec![b'x'; 1 << 16];
        let mut sent = 0;
        while sent < total {
            if s.write_all(&chunk).is_err() {
                return; // the client hung up: it read only what it keeps
            }
            sent += chunk.len();
        }
    });
    let t = Instant::now();
    let e = client(&url, |o| o.max_retries(0)).viewer().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InternalServer);
    let body = e.body().unwrap();
    assert!(
        body.len() < 70_000 && body.ends_with("(cut at 65536 bytes)"),
        "{}",
        body.len()
    );
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_gzip_bomb_stops_at_max_body_bytes() {
    // 1 GiB of zeros, compressed to about 1 MB.
    use flate2::{write::GzEncoder, Compression};
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = Arc::new(enc.finish().unwrap());
    let (url, _) = peer(move |_, _, s| {
        respond(
            s,
            "200 OK",
            &[
                ("Content-Type", "application/json".into()),
                ("Content-Encoding", "gzip".into()),
            ],
            &bomb,
        );
    });
    let e = client(&url, |o| o.max_body_bytes(8 << 20))
        .viewer()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BodyTooLarge, "{e}");
}

#[test]
fn lenient_envelope_numbers_and_tiny_items() {
    let n = 1_000_000;
    let (url, _) = peer(move |_, req, s| {
        let body = if req.contains("offset=") {
            "{\"items\":[],\"total\":0}".to_string()
        } else {
            let mut b = String::from("{\"items\":[0");
            b.push_str(&",0".repeat(n - 1));
            b.push_str("],\"total\":1e999,\"limit\":\"x\"}");
            b
        };
        respond(
            s,
            "200 OK",
            &[("Content-Type", "application/json".into())],
            body.as_bytes(),
        );
    });
    // Non-object items are a decode error for the typed API, but the raw page walks fine.
    let c = client(&url, |o| o);
    let e = c
        .list_connectors(&ListConnectorsParams::new().limit(3000))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    let r = c
        .call("listConnectors", serde_json::json!({"limit": 3000}))
        .unwrap();
    assert_eq!(
        r.body.len(),
        2 * n + "{\"items\":[],\"total\":1e999,\"limit\":\"x\"}".len() - 1
    );
}

#[test]
fn bad_client_options_are_refused_at_creation() {
    for (o, needle) in [
        (
            ClientOptions::default().header("X-A", "a\u{1}b"),
            "control or non-ASCII",
        ),
        (
            ClientOptions::default().header("X-A", "caf\u{e9}"),
            "control or non-ASCII",
        ),
        (
            ClientOptions::default().header("Bad Name", "x"),
            "not a valid header name",
        ),
        (
            ClientOptions::default().timeout(Duration::from_nanos(1)),
            "0.001 to 1e9",
        ),
        (
            ClientOptions::default().base_url("https://h/v1?api_key=topsecret"),
            "must not have a query",
        ),
        (
            ClientOptions::default().base_url("ftp://h/v1"),
            "http:// or https://",
        ),
        (
            ClientOptions::default().proxy(Some("::not a url::")),
            "proxy",
        ),
        (
            ClientOptions::default().tls_roots(TlsRoots::Pem("not pem".into())),
            "no PEM certificate",
        ),
        (
            ClientOptions::default().tls_client_cert("x", "y"),
            "PEM certificate and a PEM private key",
        ),
        (
            ClientOptions::default().token("topsecret\u{1}"),
            "control or non-ASCII",
        ),
    ] {
        let e = Client::new(o).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{needle}: {e}");
        assert!(e.message().contains(needle), "{needle}: {e}");
        assert!(!e.message().contains("topsecret"), "{e}");
    }
    // A header value may hold spaces: a token "My Token" is the caller's to choose.
    assert!(Client::new(ClientOptions::default().token("My Token")).is_ok());
    // The same rule for a timeout in the client options and per call.
    let c = ClientOptions::from_json(Some(r#"{"timeout":1e-12}"#)).unwrap_err();
    let p = RequestOptions::from_json(Some(r#"{"timeout":1e-12}"#)).unwrap_err();
    assert_eq!(c.kind(), p.kind());
    assert!(c.message().contains("0.001 to 1e9") && p.message().contains("0.001 to 1e9"));
}

#[test]
fn the_token_never_reaches_another_origin() {
    let other = Arc::new(std::sync::Mutex::new(Vec::new()));
    let o2 = other.clone();
    let (other_url, _) = peer(move |_, req, s| {
        o2.lock().unwrap().push(req.to_string());
        respond(s, "200 OK", &[], b"{}");
    });
    let other_origin = other_url.trim_end_matches("/v1").to_string();
    let (url, _) = peer(move |_, _, s| {
        respond(
            s,
            "307 Temporary Redirect",
            &[("Location", format!("{other_origin}/v1/viewer"))],
            b"",
        );
    });
    let e = client(&url, |o| o).viewer().unwrap_err();
    assert!(e.message().contains("another origin"), "{e}");
    assert!(other.lock().unwrap().is_empty(), "nothing was sent there");
    no_token(&e);
}

// ---- issue 18: secrets -----------------------------------------------------------------------

/// No text holds `secret` or its first 5 characters, as sent or JSON-escaped.
fn hidden(secret: &str, texts: &[&str]) {
    let start: String = secret.chars().take(5).collect();
    let escaped = serde_json::to_string(&start).unwrap();
    for t in texts {
        assert!(
            !t.contains(&start) && !t.contains(&escaped[1..escaped.len() - 1]),
            "{start:?} (the start of {secret:?}) shows in {t:?}"
        );
    }
}

fn error_texts(e: &Error) -> [String; 3] {
    [
        e.to_string(),
        e.message().to_string(),
        e.body().unwrap_or("").to_string(),
    ]
}

/// A log sink that keeps every line.
fn capture() -> (Logger, Arc<std::sync::Mutex<Vec<String>>>) {
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let l2 = lines.clone();
    let logger = Logger::new(LogLevel::Trace, move |_, _, m| {
        l2.lock().unwrap().push(m.to_string())
    });
    (logger, lines)
}

#[test]
fn a_token_cut_by_a_bound_is_masked_whole() {
    // Item 1: the token echoed across each cut of the library: the 120 bytes of a decode
    // error's "body starts with", the 64 KiB kept of an error body, the 4 KiB of a trace line.
    for (what, at) in [
        ("decode error", 100),
        ("error body", 65536 - 12),
        ("trace line", 4096 - 30),
    ] {
        let (url, _) = peer(move |_, _, s| {
            let body = format!("{}{TOKEN} and more", "x".repeat(at));
            let (status, ctype) = match what {
                "decode error" => ("200 OK", "text/html"),
                "error body" => ("500 Internal Server Error", "text/plain"),
                _ => ("200 OK", "application/json"),
            };
            let body = if what == "trace line" {
                format!("{{\"pad\":\"{body}\",\"role\":\"org\"}}")
            } else {
                body
            };
            respond(
                s,
                status,
                &[("Content-Type", ctype.into())],
                body.as_bytes(),
            );
        });
        let (logger, lines) = capture();
        let c = client(&url, |o| o.max_retries(0).logger(logger));
        match c.viewer() {
            Ok(_) => assert_eq!(what, "trace line"),
            Err(e) => {
                let [a, b, c] = error_texts(&e);
                hidden(TOKEN, &[&a, &b, &c]);
            }
        }
        let lines = lines.lock().unwrap();
        assert!(!lines.is_empty());
        for l in lines.iter() {
            hidden(TOKEN, &[l]);
        }
    }
}

#[test]
fn an_escaped_token_echoed_in_a_body_is_masked() {
    // Item 2: a token with `"` and `\` comes back JSON-escaped in an error body.
    let token = "sk_live_ab\"cd\\ef_0123456789";
    let escaped = serde_json::to_string(token).unwrap();
    let (url, _) = peer(move |_, _, s| {
        let body = format!(
            "{{\"message\":\"bad token {}\",\"code\":\"UNAUTHORIZED\"}}",
            &escaped[1..escaped.len() - 1]
        );
        respond(
            s,
            "401 Unauthorized",
            &[("Content-Type", "application/json".into())],
            body.as_bytes(),
        );
    });
    let (logger, lines) = capture();
    let c = Client::new(
        ClientOptions::default()
            .base_url(&url)
            .token(token)
            .max_retries(0)
            .logger(logger),
    )
    .unwrap();
    let e = c.viewer().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    let [a, b, c] = error_texts(&e);
    hidden(token, &[&a, &b, &c]);
    assert!(e.body().unwrap().contains("[REDACTED]"), "{e:?}");
    for l in lines.lock().unwrap().iter() {
        hidden(token, &[l]);
    }
}

#[test]
fn a_token_given_as_the_base_url_is_never_quoted() {
    // Item 3: the token and the base URL swapped by mistake.
    for (token, base) in [
        ("http://127.0.0.1:1/v1", TOKEN),
        ("", TOKEN),
        ("x", "https://user:pw@h/v1?q=1#f"),
    ] {
        let e = Client::new(ClientOptions::default().token(token).base_url(base))
            .err()
            .unwrap();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
        assert!(e.message().contains("base_url"), "{e}");
        hidden(TOKEN, &[&e.to_string()]);
        assert!(
            !e.message().contains("pw") && !e.message().contains("q=1"),
            "{e}"
        );
    }
}

#[test]
fn a_socks_proxy_is_refused_not_bypassed() {
    // Item 10: a SOCKS proxy was accepted and ignored: requests went out directly.
    let (url, count) = peer(|_, _, s| respond(s, "200 OK", &[], b"{\"ok\":true}"));
    for proxy in [
        "socks5://127.0.0.1:1080",
        "socks5h://u:hunter22@127.0.0.1:1080",
        "socks4://127.0.0.1:1080",
        "socks4a://127.0.0.1:1080",
    ] {
        let e = Client::new(
            ClientOptions::default()
                .base_url(&url)
                .token(TOKEN)
                .proxy(Some(proxy)),
        )
        .err()
        .unwrap_or_else(|| panic!("{proxy} was accepted"));
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{proxy}: {e}");
        assert!(e.message().contains("SOCKS"), "{proxy}: {e}");
        assert!(!e.message().contains("hunter22"), "{e}");
    }
    assert_eq!(count.load(Ordering::SeqCst), 0, "nothing went out directly");
}

#[test]
fn a_cursor_step_ends_within_its_bound_while_a_prefetched_page_hangs() {
    // Issue 18 item 12: the first page answers; every page after it (`offset=`) never does. A
    // 1 s step must not wait for the page in flight under the listing's own bounds (30 s here).
    let (url, _) = peer(|_, req, s| {
        if req.contains("offset=") {
            std::thread::sleep(Duration::from_secs(40));
            return;
        }
        let items: Vec<String> = (0..5).map(|i| format!("{{\"id\":\"conn_{i}\"}}")).collect();
        let body = format!(
            "{{\"items\":[{}],\"total\":30,\"limit\":5,\"offset\":0}}",
            items.join(",")
        );
        respond(
            s,
            "200 OK",
            &[("Content-Type", "application/json".into())],
            body.as_bytes(),
        );
    });
    let c = client(&url, |o| {
        o.timeout(Duration::from_secs(30))
            .max_retries(0)
            .prefetch(4)
    });
    let mut cur = c
        .list_cursor("listConnections", serde_json::json!({"limit": 5}))
        .unwrap();
    let step = RequestOptions::default().timeout(Duration::from_secs(1));
    for _ in 0..5 {
        assert!(cur.next_item_with(&step).unwrap().is_some());
    }
    std::thread::sleep(Duration::from_millis(200)); // the pages ahead are in flight
    let t = Instant::now();
    let e = cur.next_item_with(&step).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "took {:?}",
        t.elapsed()
    );
    assert!(e.message().contains("offset=5"), "{e}");
    no_token(&e);
}
