//! Values named like secrets: of JSON keys (plain, or JSON quoted inside strings) and of query
//! parameters.

use super::secrets::MASK;

/// Whether a JSON key or query parameter of this name holds a secret.
pub(crate) fn is_secret_name(name: &[u8]) -> bool {
    let norm: Vec<u8> = name
        .iter()
        .filter(|b| !matches!(b, b'_' | b'-' | b'.'))
        .map(u8::to_ascii_lowercase)
        .collect();
    const EXACT: &[&[u8]] = &[
        b"settings",
        b"config",
        b"credentials",
        b"credential",
        b"oauth",
        b"auth",
        b"authorization",
        b"cookie",
    ];
    const HOLDS: &[&[u8]] = &[b"secret", b"token", b"password", b"passwd", b"key"];
    EXACT.contains(&norm.as_slice()) || HOLDS.iter().any(|h| norm.windows(h.len()).any(|w| w == *h))
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$')
}

/// The values of JSON keys (plain, or inside a JSON string: `\"key\":`) and of query parameters
/// named like secrets → [`MASK`].
pub(super) fn mask_named_values(text: &str) -> Option<String> {
    let t = text.as_bytes();
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let found = match t[i] {
            b'"' => json_value_after_key(t, i),
            b'?' | b'&' => query_value(t, i),
            _ => None,
        };
        match found {
            Some((s, e, mask)) => {
                spans.push((s, e, mask));
                i = e.max(i + 1);
            }
            None => i += 1,
        }
    }
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (s, e, mask) in spans {
        out.push_str(&text[copied..s]);
        out.push_str(&mask);
        copied = e;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// At a `"` that opens a key named like a secret: the value's span and what replaces it.
/// Keys are found in plain JSON (`"key":`) and in JSON quoted once or more inside strings
/// (`\"key\":`, `\\\"key\\\":`): `run`, the backslashes before each quote, tells the depth.
fn json_value_after_key(t: &[u8], i: usize) -> Option<(usize, usize, String)> {
    let run = t[..i].iter().rev().take_while(|&&b| b == b'\\').count();
    if !matches!(run, 0 | 1 | 3 | 7) {
        return None;
    }
    let mut j = i + 1;
    while j < t.len() && is_name_char(t[j]) {
        j += 1;
    }
    let name = &t[i + 1..j];
    let closes = |p: usize| {
        t[p..].iter().take_while(|&&b| b == b'\\').count() == run && t.get(p + run) == Some(&b'"')
    };
    if name.is_empty() || !closes(j) || !is_secret_name(name) {
        return None;
    }
    j += run + 1;
    while j < t.len() && t[j].is_ascii_whitespace() {
        j += 1;
    }
    if t.get(j) != Some(&b':') {
        return None;
    }
    j += 1;
    while j < t.len() && t[j].is_ascii_whitespace() {
        j += 1;
    }
    let end = value_end(t, j, run);
    let value = &t[j..end];
    if end == j || value == b"true" || value == b"false" || value == b"null" {
        return None;
    }
    let quote = format!("{}\"", "\\".repeat(run));
    Some((j, end, format!("{quote}{MASK}{quote}")))
}

/// Where the JSON value starting at `j` ends (the end of the text when it is cut short). Its
/// quotes are preceded by `run` backslashes (0 in plain JSON): inside its strings, a quote
/// with another count of backslashes before it belongs to the text.
fn value_end(t: &[u8], j: usize, run: usize) -> usize {
    // A quote ends a string at this depth when the backslashes before it number `run`
    // modulo twice the depth's escape (escaped backslashes inside come in such multiples).
    let modulo = 2 * (run + 1);
    let quote_run = |p: usize| -> Option<usize> {
        let r = t[p..].iter().take_while(|&&b| b == b'\\').count();
        (t.get(p + r) == Some(&b'"')).then_some(r)
    };
    let opens = |p: usize| quote_run(p) == Some(run);
    let string_end = |mut p: usize| {
        p += run + 1;
        while p < t.len() {
            match quote_run(p) {
                Some(r) if r % modulo == run => return p + r + 1,
                Some(r) => p += r + 1,
                None if t[p] == b'\\' => {
                    p += t[p..].iter().take_while(|&&b| b == b'\\').count();
                }
                None => p += 1,
            }
        }
        t.len()
    };
    if j >= t.len() {
        return j;
    }
    if opens(j) {
        return string_end(j);
    }
    if t[j] == b'{' || t[j] == b'[' {
        let mut depth = 0usize;
        let mut p = j;
        while p < t.len() {
            if opens(p) {
                p = string_end(p);
                continue;
            }
            match t[p] {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return p + 1;
                    }
                }
                _ => {}
            }
            p += 1;
        }
        return t.len();
    }
    let mut p = j;
    while p < t.len()
        && !matches!(t[p], b',' | b'}' | b']' | b'\\' | b'"')
        && !t[p].is_ascii_whitespace()
    {
        p += 1;
    }
    p
}

/// At a `?` or `&` that starts a query parameter named like a secret: its value's span.
fn query_value(t: &[u8], i: usize) -> Option<(usize, usize, String)> {
    let mut j = i + 1;
    while j < t.len() && (is_name_char(t[j]) || matches!(t[j], b'%' | b'[' | b']')) {
        j += 1;
    }
    if j == i + 1 || t.get(j) != Some(&b'=') || !is_secret_name(&t[i + 1..j]) {
        return None;
    }
    let start = j + 1;
    let mut end = start;
    while end < t.len()
        && !matches!(
            t[end],
            b'&' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'\\' | b')'
        )
        && !t[end].is_ascii_whitespace()
    {
        end += 1;
    }
    let value = &t[start..end];
    if value.is_empty() || value == b"true" || value == b"false" {
        return None;
    }
    Some((start, end, MASK.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::redact_with;

    #[test]
    fn values_named_like_secrets_are_masked() {
        let text = r#"{"id":"conn_1","settings":{"oauth":{"credentials":{"access_token":"at_1"}}},"config":{"client_secret":"cs"},"api_key":"k","apiKey":7,"include_secrets":true,"password":null,"connector_config_id":"ccfg_1","note":"{\"token\":\"tt\",\"x\":1}"}"#;
        let r = redact_with(text, &[] as &[&str]);
        for secret in ["at_1", "\"cs\"", "\"k\"", ":7", "tok_tt"] {
            assert!(!r.contains(secret), "{secret} in {r}");
        }
        for kept in [
            "conn_1",
            "ccfg_1",
            "\"include_secrets\":true",
            "\"password\":null",
            "\\\"x\\\":1",
        ] {
            assert!(r.contains(kept), "{kept} lost in {r}");
        }
        assert!(
            serde_json::from_str::<serde_json::Value>(&r).is_ok(),
            "still JSON: {r}"
        );
        let url = "GET http://h/v1/connection?include_secrets=true&api_key=s3cr%20t&limit=5 -> 200";
        assert_eq!(
            redact_with(url, &[] as &[&str]),
            "GET http://h/v1/connection?include_secrets=true&api_key=[REDACTED]&limit=5 -> 200"
        );
        // Cut inside a secret value: masked to the end.
        assert_eq!(
            redact_with(r#"{"settings":{"apiKey":"abcd"#, &[] as &[&str]),
            r#"{"settings":"[REDACTED]""#
        );
    }
}
