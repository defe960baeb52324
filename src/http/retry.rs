//! The retry policy: which answers are retried (and which of them the server asked for, which
//! makes a resend safe even for a POST that creates something), how long to wait (back-off with
//! jitter, or the server's `Retry-After`, bounded), read from the answer's head alone.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use ureq::http::HeaderMap;

/// First back-off step and the cap it doubles up to.
const BACKOFF_INITIAL: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(8);
/// The longest server-requested wait honoured (`Retry-After`, `retry-after-ms`).
const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);

pub(super) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Whether to retry a status, and whether the server itself asked for it.
/// `x-should-retry: true|false` wins; otherwise 408, 409, 429 and 5xx are retried, and 429
/// and 503 mean the server did not act on the request.
pub(super) fn should_retry(status: u16, headers: &HeaderMap) -> (bool, bool) {
    match header(headers, "x-should-retry").as_deref() {
        Some("true") => (true, true),
        Some("false") => (false, false),
        _ => (
            matches!(status, 408 | 409 | 429 | 500..=599),
            matches!(status, 429 | 503),
        ),
    }
}

/// `retry-after-ms`, then `Retry-After` (seconds or an HTTP date), capped at 60 s. A value
/// that is no number of seconds we can use (negative, NaN, absurdly large) is ignored or
/// capped before it becomes a Duration.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs = header(headers, "retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .map(|ms| ms / 1000.0)
        .or_else(|| {
            let v = header(headers, "retry-after")?;
            v.parse::<f64>().ok().or_else(|| {
                let at = parse_http_date(&v)?;
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .ok()?
                    .as_secs_f64();
                Some((at as f64 - now).max(0.0))
            })
        })?;
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64(
        secs.min(RETRY_AFTER_MAX.as_secs_f64()),
    ))
}

/// 0.5 s doubling to 8 s, times a random factor in [0.75, 1] so clients spread out.
pub(super) fn backoff(retries: u32) -> Duration {
    let base = BACKOFF_INITIAL
        .saturating_mul(1u32 << retries.min(16))
        .min(BACKOFF_MAX);
    base.mul_f64(1.0 - 0.25 * random_unit())
}

/// A random number in [0, 1): std's per-process random hash keys, mixed with the clock.
pub(super) fn random_unit() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Seconds since the epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only
/// HTTP date form servers may send today. The parsing is the `httpdate` crate's; the two
/// obsolete forms it also reads (RFC 850, asctime) are left out here, as they always were.
fn parse_http_date(s: &str) -> Option<i64> {
    if s.as_bytes().get(3) != Some(&b',') {
        return None;
    }
    let at = httpdate::parse_http_date(s).ok()?;
    i64::try_from(at.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_policy() {
        for s in [408, 409, 429, 500, 502, 503, 504, 599] {
            assert!(should_retry(s, &headers(&[])).0, "{s}");
        }
        for s in [400, 401, 403, 404, 422, 999, 600] {
            assert!(!should_retry(s, &headers(&[])).0, "{s}");
        }
        assert_eq!(should_retry(429, &headers(&[])), (true, true));
        assert_eq!(should_retry(500, &headers(&[])), (true, false));
        assert!(!should_retry(503, &headers(&[("x-should-retry", "false")])).0);
        assert_eq!(
            should_retry(400, &headers(&[("x-should-retry", "true")])),
            (true, true)
        );
    }

    #[test]
    fn retry_after_forms() {
        let ra = |p: &[(&'static str, &str)]| retry_after(&headers(p));
        assert_eq!(
            ra(&[("retry-after-ms", "250")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            ra(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(ra(&[("retry-after", "2")]), Some(Duration::from_secs(2)));
        assert_eq!(ra(&[("retry-after", "3600")]), Some(RETRY_AFTER_MAX));
        // Absurd values are capped before they become a Duration (no overflow panic).
        for v in ["1e308", "1e300", "inf", "18446744073709551616"] {
            assert_eq!(ra(&[("retry-after-ms", v)]), Some(RETRY_AFTER_MAX), "{v}");
            assert_eq!(ra(&[("retry-after", v)]), Some(RETRY_AFTER_MAX), "{v}");
        }
        for v in ["-1", "NaN", "soon", "-inf"] {
            assert_eq!(ra(&[("retry-after", v)]), None, "{v}");
        }
        assert_eq!(
            ra(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]),
            Some(Duration::ZERO)
        );
        assert_eq!(
            ra(&[("retry-after", "Sun, 06 Nov 99999999 08:49:37 GMT")]),
            None
        );
    }

    #[test]
    fn http_date_parsing() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784111777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        for (n, base) in [
            (0u32, 0.5f64),
            (1, 1.0),
            (2, 2.0),
            (3, 4.0),
            (4, 8.0),
            (9, 8.0),
        ] {
            for _ in 0..50 {
                let d = backoff(n).as_secs_f64();
                assert!(
                    d >= base * 0.75 - 1e-9 && d <= base + 1e-9,
                    "retry {n}: {d}"
                );
            }
        }
    }
}
