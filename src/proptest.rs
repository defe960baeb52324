//! Property tests on stable Rust, without a framework: every parser that reads a peer's or a
//! caller's input gets many generated inputs and must hold its invariants (never panic, stay
//! within bounds, keep secrets out). A bounded number of cases runs in CI; for a longer run set
//! `OPENINT_PROPTEST_CASES` (e.g. `OPENINT_PROPTEST_CASES=2000000 cargo test --release --lib
//! proptest`). A failure prints the seed and the input.

use crate::error::Error;
use crate::error::MAX_ERROR_BODY;
use crate::http::{resolve_reference, retry_after};
use crate::params::{self, RequestOptions};
use crate::redact;
use ureq::http::{HeaderMap, HeaderValue};

/// xorshift64*: deterministic, seedable, good enough to spread inputs.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    /// A string built from pieces that matter to the parsers, plus random characters.
    fn text(&mut self, pieces: &[&str], max_parts: usize) -> String {
        let mut s = String::new();
        for _ in 0..self.below(max_parts + 1) {
            match self.below(4) {
                0 => s.push(char::from_u32(self.below(0x3000) as u32).unwrap_or('\u{fffd}')),
                1 => s.push((b' ' + self.below(95) as u8) as char),
                _ => s.push_str(self.pick(pieces)),
            }
        }
        s
    }
}

fn cases(default: usize) -> usize {
    std::env::var("OPENINT_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `check` on `n` generated cases; a panic names the seed and case.
fn run(name: &str, n: usize, mut check: impl FnMut(&mut Gen, usize)) {
    let seed = 0x9e37_79b9_7f4a_7c15_u64 ^ name.len() as u64;
    let mut g = Gen(seed);
    for case in 0..n {
        check(&mut g, case);
    }
}

#[test]
fn retry_waits_are_bounded_whatever_the_header() {
    const PIECES: &[&str] = &[
        "0",
        "1",
        "9",
        ".",
        "-",
        "e",
        "E",
        "+",
        "308",
        "1e308",
        "NaN",
        "inf",
        "Infinity",
        "18446744073709551616",
        " ",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Mon, 31 Dec 9999 23:59:60 GMT",
        "GMT",
        ",",
        ":",
        "0x10",
    ];
    run("retry_after", cases(20_000), |g, case| {
        let mut h = HeaderMap::new();
        for name in ["retry-after-ms", "retry-after"] {
            if g.below(3) > 0 {
                let v = g.text(PIECES, 6);
                if let Ok(v) = HeaderValue::from_str(&v) {
                    h.insert(name, v);
                }
            }
        }
        let wait = retry_after(&h);
        assert!(
            wait.is_none_or_le(std::time::Duration::from_secs(60)),
            "case {case}: {h:?} -> {wait:?}"
        );
    });
}

trait AtMost {
    fn is_none_or_le(&self, max: std::time::Duration) -> bool;
}
impl AtMost for Option<std::time::Duration> {
    fn is_none_or_le(&self, max: std::time::Duration) -> bool {
        self.map_or(true, |d| d <= max)
    }
}

#[test]
fn redirect_targets_are_http_urls_or_nothing() {
    const PIECES: &[&str] = &[
        "http:",
        "https:",
        "HTTP:",
        "data:",
        "file:",
        "javascript:",
        "//",
        "/",
        "?",
        "#",
        "..",
        ".",
        "127.0.0.1",
        ":8080",
        "@",
        "host",
        "next=http://x/",
        "%2e%2e",
        "\\",
        "a",
        "v1",
    ];
    run("location", cases(50_000), |g, case| {
        let base = g.pick(&[
            "http://127.0.0.1:9/v1/connector?limit=1",
            "https://h/v1/x/",
            "http://h",
        ]);
        let loc = g.text(PIECES, 8);
        if let Some(t) = resolve_reference(base, &loc) {
            assert!(
                t.starts_with("http://") || t.starts_with("https://"),
                "case {case}: {loc:?} -> {t:?}"
            );
            assert!(!t.contains('#'), "case {case}: fragments are dropped: {t}");
        }
    });
}

#[test]
fn envelopes_never_panic_and_index_inside_the_text() {
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"items\"",
        "\"total\"",
        "\"limit\"",
        "\"offset\"",
        "0",
        "1e999",
        "-1",
        "\"x\"",
        "null",
        "true",
        "{\"a\":[1,{}]}",
        " ",
        "\\u0000",
        "\"\\\"\"",
    ];
    run("envelope", cases(30_000), |g, case| {
        let mut text = String::from(if g.below(2) == 0 { "{\"items\":[" } else { "" });
        text.push_str(&g.text(PIECES, 24));
        let req = params::prepare(
            crate::operations::find("listConnectors").unwrap(),
            serde_json::Map::new(),
            &RequestOptions::default(),
        )
        .unwrap();
        if let Ok(page) = crate::pagination::parse_for_test(&req, text.clone()) {
            for r in page {
                assert!(
                    r.end <= text.len() && r.start <= r.end,
                    "case {case}: {r:?} in {text:?}"
                );
                assert!(
                    serde_json::from_str::<serde_json::Value>(&text[r.clone()]).is_ok(),
                    "case {case}: item {:?} is JSON",
                    &text[r]
                );
            }
        }
    });
}

#[test]
fn call_options_and_header_values_never_panic() {
    const PIECES: &[&str] = &[
        "{",
        "}",
        "\"timeout\":",
        "\"extra_headers\":",
        "\"extra_query\":",
        "\"max_retries\":",
        "\"prefetch\":",
        "\"retry_unsafe\":",
        "1e-12",
        "0.001",
        "1e400",
        "-1",
        "64",
        "65",
        "true",
        "null",
        "\"X-A\"",
        "\"a\\nb\"",
        "\"\u{e9}\"",
        ",",
        ":",
        "{\"X\":null}",
    ];
    run("options", cases(30_000), |g, case| {
        let text = g.text(PIECES, 12);
        match RequestOptions::from_json(Some(&text)) {
            Ok(o) => {
                let r = params::check_headers(
                    "extra_headers",
                    &o.extra_headers,
                    o.allow_authorization_header,
                );
                if let Ok(h) = r {
                    for (_, v) in h.iter().filter_map(|(k, v)| v.as_ref().map(|v| (k, v))) {
                        assert!(
                            HeaderValue::from_str(v).is_ok(),
                            "case {case}: {v:?} passed the check"
                        );
                    }
                }
            }
            Err(e) => assert_eq!(
                e.kind(),
                crate::ErrorKind::InvalidArgument,
                "case {case}: {text}"
            ),
        }
    });
}

#[test]
fn error_bodies_and_messages_never_carry_the_token_and_stay_bounded() {
    const TOKEN: &str = "key_org_secret_0123456789";
    const PIECES: &[&str] = &[
        TOKEN,
        "{\"message\":",
        "\"code\":",
        "\"",
        "}",
        "Bearer ",
        "key_cus_abcdefghij",
        "eyJa.eyJb.c",
        "<html>",
        "\\u0000",
        "x",
    ];
    run("error_body", cases(20_000), |g, case| {
        let mut body = g.text(PIECES, 30);
        if g.below(50) == 0 {
            body.push_str(&"y".repeat(MAX_ERROR_BODY * 2));
        }
        let e = Error::from_status(400 + g.below(200) as u16, body.clone(), None)
            .with_body(&body)
            .with_request("GET", "http://h/v1/x")
            .redacted(&[TOKEN]);
        for text in [
            e.to_string(),
            e.message().to_string(),
            e.body().unwrap_or("").to_string(),
        ] {
            assert!(!text.contains(TOKEN), "case {case}: {text:?}");
        }
        assert!(
            e.body().unwrap().len() <= MAX_ERROR_BODY + 40,
            "case {case}"
        );
        assert!(
            e.message().len() <= 1100,
            "case {case}: {}",
            e.message().len()
        );
        let line = redact::redact(&body, Some(TOKEN));
        assert!(!line.contains(TOKEN), "case {case}: {line:?}");
        // An API key on its own (not the tail of a longer word such as `monkey_...`) is gone.
        for (at, _) in line.match_indices("key_cus_abcdefghij") {
            let glued = line[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
            assert!(glued, "case {case}: {line:?}");
        }
    });
    let _ = redact::strip_userinfo("http://u:p@h/");
}

/// The forms a peer may echo a secret in: as sent, JSON-escaped once and twice, `\u00XX`,
/// percent-encoded (every byte, or only what a query must encode) and form-encoded.
fn encodings(s: &str) -> Vec<String> {
    let json = |s: &str| {
        let q = serde_json::to_string(s).unwrap();
        q[1..q.len() - 1].to_string()
    };
    let pct_all: String = s.bytes().map(|b| format!("%{b:02X}")).collect();
    let pct_query: String = s
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02x}"),
        })
        .collect();
    let unicode: String = s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'/' => format!("\\u{:04x}", b),
            _ => (b as char).to_string(),
        })
        .collect();
    vec![
        s.to_string(),
        json(s),
        json(&json(s)),
        pct_all,
        pct_query,
        unicode,
    ]
}

/// A random secret: 8 to 40 visible ASCII characters (a space inside now and then).
fn secret(g: &mut Gen) -> String {
    let len = 8 + g.below(33);
    (0..len)
        .map(|i| {
            if i > 0 && i + 1 < len && g.below(20) == 0 {
                ' '
            } else {
                (b'!' + g.below(94) as u8) as char
            }
        })
        .collect()
}

/// Every text the library may print of `text`, as the paths that print it make it: redacted
/// whole, cut after redacting, cut by a read then redacted, quoted short, kept as an error body
/// or message, quoted as the start of a body.
fn printed(g: &mut Gen, text: &str, secrets: &[String]) -> Vec<String> {
    let at = g.below(text.len() + 1);
    let mut raw_cut = at;
    while !text.is_char_boundary(raw_cut) {
        raw_cut -= 1;
    }
    let mut out = vec![
        redact::redact_with(text, secrets).into_owned(),
        redact::cut(text, at, secrets).0,
        redact::redact_cut(&text[..raw_cut], secrets).into_owned(),
        redact::redact_with(
            &format!("{}... (cut at {raw_cut} bytes)", &text[..raw_cut]),
            secrets,
        )
        .into_owned(),
        redact::redact_with(&redact::shown(text), secrets).into_owned(),
        redact::redact_with(
            &format!("body starts with {:?}", redact::cut(text, at, secrets).0),
            secrets,
        )
        .into_owned(),
    ];
    let e = Error::from_status(400 + g.below(200) as u16, text.to_string(), None)
        .with_body(text)
        .with_request("GET", "http://h/v1/x")
        .redacted(secrets);
    out.extend([
        e.to_string(),
        e.message().to_string(),
        e.body().unwrap_or("").to_string(),
    ]);
    out
}

/// No printed text holds `secret`, or a start of it longer than 4 characters, in any form.
fn assert_hidden(case: usize, secret: &str, outputs: &[String], input: &str) {
    let start: String = secret.chars().take(5).collect();
    for form in encodings(&start) {
        for o in outputs {
            assert!(
                !o.contains(&form),
                "case {case}: {form:?} (of the secret {secret:?}) shows in {o:?}\ninput: {input:?}"
            );
        }
    }
}

#[test]
fn redaction_hides_tokens_in_every_form_and_at_every_cut() {
    const PIECES: &[&str] = &[
        "{\"message\":\"",
        "\"}",
        "Bearer ",
        " ",
        "x",
        "\\",
        "\"",
        "%",
        "... (",
        "é",
    ];
    run("token_forms", cases(20_000), |g, case| {
        let token = secret(g);
        let forms = encodings(&token);
        let mut text = g.text(PIECES, 6);
        for _ in 0..1 + g.below(3) {
            text.push_str(&forms[g.below(forms.len())]);
            text.push_str(&g.text(PIECES, 4));
        }
        let secrets = [token.clone()];
        let outputs = printed(g, &text, &secrets);
        assert_hidden(case, &token, &outputs, &text);
    });
}

#[test]
fn redaction_hides_values_named_like_secrets_at_every_cut() {
    const KEYS: &[&str] = &[
        "settings",
        "config",
        "credentials",
        "oauth",
        "api_key",
        "apiKey",
        "client_secret",
        "access_token",
        "refresh_token",
        "password",
        "webhookSecret",
    ];
    run("named_secrets", cases(20_000), |g, case| {
        let value = secret(g);
        let key = g.pick(KEYS);
        let json = serde_json::json!({"id": "conn_1", "data": {key: value, "n": 1}}).to_string();
        let text = match g.below(4) {
            0 => json,
            // JSON inside a JSON string (a body echoed in an error's field).
            1 => serde_json::json!({"message": "echo", "body": json}).to_string(),
            // A query parameter, as the client encodes it.
            2 => format!(
                "GET http://h/v1/connection?{key}={}&limit=5 -> 200",
                encodings(&value)[4]
            ),
            _ => format!("body: {json} and more"),
        };
        let outputs = printed(g, &text, &[] as &[String]);
        assert_hidden(case, &value, &outputs, &text);
    });
}
