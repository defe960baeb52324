//! The one redaction, and cutting after it; with credential headers, API keys and JWTs.

use super::named::mask_named_values;
use super::quote::floor_boundary;
use super::secrets::{mask_spans, scrub_secret, MASK, MIN_SECRET};
use std::borrow::Cow;

/// Removes secrets from text meant for a log or a message: `token`, and everything
/// `redact_with` masks (see the `redact` module). The public form of the one redaction.
pub fn redact<'a>(text: &'a str, token: Option<&str>) -> Cow<'a, str> {
    redact_with(text, token.as_slice())
}

/// The one redaction (see the module): every path that prints or logs calls it.
pub(crate) fn redact_with<'a, S: AsRef<str>>(text: &'a str, secrets: &[S]) -> Cow<'a, str> {
    redact_text(text, secrets, false)
}

/// [`redact_with`] for a text that was cut at its end (a body read up to a bound): a start of
/// a secret at its end counts as the secret.
pub(crate) fn redact_cut<'a, S: AsRef<str>>(text: &'a str, secrets: &[S]) -> Cow<'a, str> {
    redact_text(text, secrets, true)
}

/// [`redact_with`] for a text that is a prefix of a longer one (`cut`): a start of a secret at
/// its end is masked too.
fn redact_text<'a, S: AsRef<str>>(text: &'a str, secrets: &[S], cut: bool) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets.iter().map(AsRef::as_ref) {
        if secret.len() >= MIN_SECRET {
            out = then(out, |t| scrub_secret(t, secret.as_bytes(), cut));
        }
    }
    out = then(out, mask_named_values);
    out = then(out, mask_header_values);
    if out.contains("key_") || out.contains("eyJ") {
        out = then(out, mask_patterns);
    }
    out
}

/// `text` redacted, then cut to at most `max` bytes (on a character boundary). Returns the text
/// and whether it was cut; the caller adds its cut marker. Redacting first masks a secret that
/// straddles the cut whole.
pub(crate) fn cut<S: AsRef<str>>(text: &str, max: usize, secrets: &[S]) -> (String, bool) {
    if text.len() <= max {
        return (redact_with(text, secrets).into_owned(), false);
    }
    // Enough past the cut to hold any encoded secret that starts before it.
    let longest = secrets.iter().map(|s| s.as_ref().len()).max().unwrap_or(0);
    let window = floor_boundary(text, max.saturating_add(12 * longest + 64));
    let redacted = redact_text(&text[..window], secrets, window < text.len());
    let end = floor_boundary(&redacted, max);
    (redacted[..end].to_string(), true)
}

fn then<'a>(text: Cow<'a, str>, f: impl FnOnce(&str) -> Option<String>) -> Cow<'a, str> {
    match f(&text) {
        Some(changed) => Cow::Owned(changed),
        None => text,
    }
}

/// Headers whose values are credentials.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization:",
    "proxy-authorization:",
    "cookie:",
    "set-cookie:",
    "x-api-key:",
    "api-key:",
    "x-auth-token:",
];

/// `Name: value` up to the end of the line (or of the JSON string it is in) → `Name:
/// [REDACTED]` (case-insensitive name, not the tail of a longer name).
fn mask_header_values(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for header in CREDENTIAL_HEADERS {
        for (at, _) in lower.match_indices(header) {
            let glued = lower.as_bytes()[..at]
                .last()
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if glued {
                continue;
            }
            let start = at + header.len();
            let end = text[start..]
                .find(['\n', '\r', '"', '\\'])
                .map_or(text.len(), |e| start + e);
            spans.push((start, end));
        }
    }
    // The value starts after the colon: the mask keeps a space there.
    mask_spans(text, spans, " ")
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `key_<at least 8 token chars>` and `eyJ...<dot>...<dot>...` (a JWT) → `[REDACTED]`.
fn mask_patterns(text: &str) -> Option<String> {
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
                out.push_str(MASK);
                copied = j;
                i = j;
            }
            None => i += 1,
        }
    }
    (copied > 0).then(|| {
        out.push_str(&text[copied..]);
        out
    })
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
}
