//! What text may show. Every message, error and log line the library makes passes through
//! here: the token is scrubbed ([`scrub_token`]); log lines lose the values of credential
//! headers and anything shaped like an API key or a JWT ([`redact`]); URLs lose their
//! `user:password@` ([`strip_userinfo`]); and a caller's string is quoted only as a short
//! prefix ([`shown`], [`shown_url`]), so a message stays short whatever the input.
//!
//! This is the one home of redaction: a new kind of secret, or a new rule about what may be
//! quoted, is added here and reaches every path that prints or logs.

use std::borrow::Cow;

/// Removes secrets from text meant for a log: the token; the values of `Authorization`,
/// `Proxy-Authorization` and `Cookie` headers; `key_...` API keys; and JWT-looking values.
pub fn redact<'a>(text: &'a str, token: Option<&str>) -> Cow<'a, str> {
    let mut out = scrub_token(text, token);
    for header in ["authorization:", "proxy-authorization:", "cookie:"] {
        if out.to_ascii_lowercase().contains(header) {
            out = Cow::Owned(redact_header_values(&out, header));
        }
    }
    if out.contains("key_") || out.contains("eyJ") {
        out = Cow::Owned(redact_patterns(&out));
    }
    out
}

/// Every copy of the token in `text` → `[REDACTED]`: the one redaction of the token, used for
/// log lines and for every error message and stored error body.
pub(crate) fn scrub_token<'a>(text: &'a str, token: Option<&str>) -> Cow<'a, str> {
    // A very short token would also match ordinary words; real tokens are long, and a short
    // one is no secret anyway.
    match token.filter(|t| t.len() >= 8) {
        Some(t) if text.contains(t) => Cow::Owned(text.replace(t, "[REDACTED]")),
        _ => Cow::Borrowed(text),
    }
}

/// `Name: value` up to the end of the line → `Name: [REDACTED]` (case-insensitive name).
fn redact_header_values(text: &str, header: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(i) = lower[pos..].find(header) {
        let start = pos + i + header.len();
        out.push_str(&text[pos..start]);
        let end = text[start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |e| start + e);
        out.push_str(" [REDACTED]");
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `key_<at least 8 token chars>` and `eyJ...<dot>...<dot>...` (a JWT) → `[REDACTED]`.
fn redact_patterns(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !is_token_char(bytes[i - 1]);
        let end = if boundary && bytes[i..].starts_with(b"key_") {
            let mut j = i + 4;
            while j < bytes.len() && is_token_char(bytes[j]) {
                j += 1;
            }
            (j - i - 4 >= 8).then_some(j)
        } else if boundary && bytes[i..].starts_with(b"eyJ") {
            // Three base64url segments separated by dots.
            let mut j = i;
            let mut dots = 0;
            while j < bytes.len() && (is_token_char(bytes[j]) || (bytes[j] == b'.' && dots < 2)) {
                dots += usize::from(bytes[j] == b'.');
                j += 1;
            }
            (dots == 2 && j - i >= 20).then_some(j)
        } else {
            None
        };
        match end {
            Some(j) => {
                out.push_str(&text[copied..i]);
                out.push_str("[REDACTED]");
                copied = j;
                i = j;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The URL without `user:password@` (it is shown in errors and logs).
pub(crate) fn strip_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |e| start + e);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

/// A URL the caller gave, for an error message: without credentials and without its query
/// (either may hold a secret), cut to a sane length.
pub(crate) fn shown_url(url: &str) -> String {
    let clean = strip_userinfo(url);
    let clean = clean.split(['?', '#']).next().unwrap_or("");
    shown(clean)
}

/// A caller's string quoted for an error message, cut to 40 characters: a message must stay
/// short whatever the input (a 50 MB key must not make a 50 MB message).
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}... ({} bytes)", &s[..cut], s.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_every_secret_shape() {
        let token = "sk_live_abcdef123456";
        let text = "GET /v1/x Authorization: Bearer sk_live_abcdef123456\ncookie: a=b\n\
                    body {\"api_key\":\"key_cus_01HX9ABCDEFGH\",\"token\":\"eyJhbGciOi.eyJzdWIiOiJj.sig_part\"} \
                    echo sk_live_abcdef123456 monkey_business key_short";
        let r = redact(text, Some(token));
        for secret in [token, "key_cus_01HX9ABCDEFGH", "eyJhbGciOi", "a=b"] {
            assert!(!r.contains(secret), "{secret} in {r}");
        }
        assert!(
            r.contains("monkey_business") && r.contains("key_short"),
            "{r}"
        );
        assert!(r.contains("Authorization: [REDACTED]"), "{r}");
        assert_eq!(redact("plain", Some(token)), "plain");
    }

    #[test]
    fn urls_in_messages_lose_credentials() {
        assert_eq!(strip_userinfo("http://u:p@h:1/v1?k=v"), "http://h:1/v1?k=v");
        assert_eq!(
            strip_userinfo("http://h/v1?email=a@b"),
            "http://h/v1?email=a@b"
        );
        assert_eq!(shown_url("https://u:p@h/v1?key=secret"), "\"https://h/v1\"");
    }
}
