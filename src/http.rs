//! HTTP and retries: one keep-alive agent per client, bearer auth, same-origin redirects only,
//! a body size cap, and the retry policy (which statuses, how long to wait, when to give up).

// `Failure` is private and short-lived; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use crate::error::{Error, ErrorKind, Result};
use crate::params::{CallOptions, Query};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{ErrorKind as IoKind, Read};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use ureq::http::{HeaderMap, Uri};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Redirects followed within one origin before giving up.
const MAX_REDIRECTS: u32 = 5;
/// First back-off step and the cap it doubles up to.
const BACKOFF_INITIAL: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(8);
/// The longest server-requested wait honoured (`Retry-After`, `retry-after-ms`).
const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);

/// Everything the transport needs, already validated.
#[derive(Clone, Debug)]
pub(crate) struct HttpConfig {
    pub base_url: String,
    pub token: Option<String>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub total_timeout: Option<Duration>,
    pub max_retries: u32,
    pub max_body_bytes: u64,
    pub headers: Vec<(String, String)>,
}

pub(crate) struct Http {
    agent: ureq::Agent,
    cfg: HttpConfig,
    /// `scheme://host:port` of the base URL: the only place the token may go.
    origin: Origin,
    auth: Option<String>,
}

/// A successful answer: the body as UTF-8 text.
pub(crate) struct Response {
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    fn of(uri: &Uri) -> Option<Origin> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        Some(Origin {
            host: uri.host()?.to_ascii_lowercase(),
            port: uri.port_u16().unwrap_or(default_port),
            scheme,
        })
    }
}

/// Why an attempt failed, and what the retry policy should do with it.
struct Failure {
    error: Error,
    retryable: bool,
    /// A wait the server asked for.
    retry_after: Option<Duration>,
}

impl Http {
    pub(crate) fn new(cfg: HttpConfig) -> Result<Http> {
        // Echo the URL in errors only when it carries no credentials (`user:pass@host`).
        let shown = if cfg.base_url.contains('@') {
            "(with credentials, not shown)".to_string()
        } else {
            format!("{:?}", cfg.base_url)
        };
        let base: Uri = cfg
            .base_url
            .parse()
            .map_err(|_| Error::invalid(format!("base_url {shown} is not a valid URL")))?;
        let origin = Origin::of(&base).ok_or_else(|| {
            Error::invalid(format!(
                "base_url {shown} must be an absolute http:// or https:// URL"
            ))
        })?;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Redirects are followed by hand so the origin check runs before every hop.
            .max_redirects(0)
            .timeout_connect(Some(cfg.connect_timeout))
            .timeout_global(Some(cfg.timeout))
            .user_agent(format!("openint-rust/{}", crate::VERSION))
            .accept("application/json")
            .max_idle_connections(64)
            .max_idle_connections_per_host(32)
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            DefaultConnector::default(),
            CachingResolver::default(),
        );
        let auth = cfg.token.as_ref().map(|t| format!("Bearer {t}"));
        Ok(Http {
            agent,
            origin,
            auth,
            cfg,
        })
    }

    /// `GET base_url + path ? query`, with retries. The error never contains the token.
    pub(crate) fn get(&self, path: &str, query: &Query, call: &CallOptions) -> Result<Response> {
        let mut url = format!("{}{}", self.cfg.base_url.trim_end_matches('/'), path);
        let q = query.encode();
        if !q.is_empty() {
            url.push('?');
            url.push_str(&q);
        }
        let deadline = call
            .timeout
            .or(self.cfg.total_timeout)
            .map(|d| Instant::now() + d);
        let mut retries = 0;
        loop {
            let failure = match self.attempt(&url, deadline) {
                Ok(resp) => return Ok(resp),
                Err(f) => f,
            };
            let give_up =
                |e: Error| Err(e.with_retries(retries).redacted(self.cfg.token.as_deref()));
            if !failure.retryable || retries >= self.cfg.max_retries {
                return give_up(failure.error);
            }
            let wait = failure.retry_after.unwrap_or_else(|| backoff(retries));
            if let Some(deadline) = deadline {
                if Instant::now() + wait >= deadline {
                    return give_up(failure.error);
                }
            }
            std::thread::sleep(wait);
            retries += 1;
        }
    }

    /// One attempt, following same-origin redirects.
    fn attempt(&self, url: &str, deadline: Option<Instant>) -> Result<Response, Failure> {
        let mut url = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let timeout = match deadline {
                None => self.cfg.timeout,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left.min(self.cfg.timeout),
                    _ => {
                        return Err(not_retryable(Error::new(
                            ErrorKind::Timeout,
                            "deadline passed before the request could be sent",
                        )))
                    }
                },
            };
            let mut req = self
                .agent
                .get(&url)
                .config()
                .timeout_global(Some(timeout))
                .build();
            for (k, v) in &self.cfg.headers {
                req = req.header(k.as_str(), v.as_str());
            }
            if let Some(auth) = &self.auth {
                req = req.header("Authorization", auth.as_str());
            }
            let mut resp = req.call().map_err(|e| transport_failure(e, timeout))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) {
                url = self.redirect_target(&url, status, resp.headers())?;
                continue;
            }
            let content_length = resp.body().content_length();
            if content_length.is_some_and(|len| len > self.cfg.max_body_bytes) {
                return Err(not_retryable(self.too_large()));
            }
            // What an error answer needs from the head, taken before the body is read.
            let failure_head = (!(200..300).contains(&status)).then(|| {
                let h = resp.headers();
                let request_id = header(h, "x-request-id").or_else(|| header(h, "request-id"));
                (should_retry(status, h), retry_after(h), request_id)
            });
            // Pre-sized from Content-Length: large pages are read without regrowing the buffer.
            let expected = content_length.unwrap_or(0).min(self.cfg.max_body_bytes);
            let mut body = Vec::with_capacity(expected as usize);
            let read = resp
                .body_mut()
                .with_config()
                .limit(self.cfg.max_body_bytes)
                .reader()
                .read_to_end(&mut body);
            match read.map_err(ureq::Error::from) {
                Ok(_) => {}
                Err(ureq::Error::BodyExceedsLimit(_)) => {
                    return Err(not_retryable(self.too_large()))
                }
                Err(e) => return Err(transport_failure(e, timeout)),
            }
            let Some((retryable, retry_after, request_id)) = failure_head else {
                return match String::from_utf8(body) {
                    Ok(body) => Ok(Response { body }),
                    Err(_) => Err(not_retryable(Error::decode(format!(
                        "HTTP {status} response body is not UTF-8 text"
                    )))),
                };
            };
            let body = String::from_utf8_lossy(&body).into_owned();
            return Err(Failure {
                retryable,
                retry_after,
                error: Error::from_status(status, body, request_id),
            });
        }
        Err(not_retryable(Error::new(
            ErrorKind::ApiStatus,
            format!("more than {MAX_REDIRECTS} redirects"),
        )))
    }

    /// The next URL of a redirect, only when it stays on the base URL's origin: the token
    /// must never reach another one.
    fn redirect_target(
        &self,
        current: &str,
        status: u16,
        headers: &HeaderMap,
    ) -> Result<String, Failure> {
        let refuse = |why: String| {
            not_retryable(Error::from_status(status, String::new(), None).with_message(why))
        };
        let Some(location) = header(headers, "location") else {
            return Err(refuse(format!(
                "HTTP {status} redirect without a Location header"
            )));
        };
        let target = resolve(current, &location);
        let same = target
            .parse::<Uri>()
            .ok()
            .and_then(|u| Origin::of(&u))
            .is_some_and(|o| o == self.origin);
        if !same {
            // Name the other origin but not the path or query, which may carry secrets.
            let other = target.parse::<Uri>().ok().and_then(|u| Origin::of(&u));
            let other = other.map_or("an unparsable URL".to_string(), |o| {
                format!("{}://{}:{}", o.scheme, o.host, o.port)
            });
            return Err(refuse(format!(
                "refused HTTP {status} redirect to another origin ({other}); the token is only sent to {}://{}:{}",
                self.origin.scheme, self.origin.host, self.origin.port
            )));
        }
        Ok(target)
    }

    fn too_large(&self) -> Error {
        Error::new(
            ErrorKind::BodyTooLarge,
            format!(
                "response body is larger than max_body_bytes ({} bytes)",
                self.cfg.max_body_bytes
            ),
        )
    }
}

fn not_retryable(error: Error) -> Failure {
    Failure {
        error,
        retryable: false,
        retry_after: None,
    }
}

/// Connection errors and timeouts are retried; anything else from the transport is not.
fn transport_failure(e: ureq::Error, timeout: Duration) -> Failure {
    let (kind, message) = match &e {
        ureq::Error::Timeout(_) => (
            ErrorKind::Timeout,
            format!("request timed out after {timeout:?}"),
        ),
        ureq::Error::Io(io) if io.kind() == IoKind::TimedOut || io.kind() == IoKind::WouldBlock => {
            (
                ErrorKind::Timeout,
                format!("request timed out after {timeout:?}"),
            )
        }
        ureq::Error::Io(io) if io.kind() == IoKind::UnexpectedEof => (
            ErrorKind::Connection,
            "connection closed before the whole response arrived (body cut off)".to_string(),
        ),
        ureq::Error::Io(io) => (ErrorKind::Connection, format!("connection error: {io}")),
        ureq::Error::HostNotFound => (ErrorKind::Connection, "host not found".to_string()),
        ureq::Error::ConnectionFailed => (ErrorKind::Connection, "connection failed".to_string()),
        ureq::Error::Protocol(p) => (ErrorKind::Connection, format!("HTTP protocol error: {p}")),
        ureq::Error::Tls(t) => (ErrorKind::Connection, format!("TLS error: {t}")),
        ureq::Error::Rustls(t) => (ErrorKind::Connection, format!("TLS error: {t}")),
        ureq::Error::Decompress(_, io) => (
            ErrorKind::Decode,
            format!("could not decompress the body: {io}"),
        ),
        ureq::Error::BadUri(u) => (ErrorKind::InvalidArgument, format!("bad URL: {u}")),
        other => (ErrorKind::Connection, format!("HTTP error: {other}")),
    };
    Failure {
        retryable: matches!(kind, ErrorKind::Connection | ErrorKind::Timeout),
        retry_after: None,
        error: Error::new(kind, message),
    }
}

/// How long a looked-up address is reused.
const DNS_TTL: Duration = Duration::from_secs(30);

/// ureq looks the host up before every request, pooled connection or not, on a new thread
/// when a timeout is set: about 100 µs per request, more under load. This resolver answers IP
/// literals directly and caches names for `DNS_TTL`.
#[derive(Debug, Default)]
struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<CacheEntry>,
}

type CacheEntry = Option<(String, u16, Instant, Vec<SocketAddr>)>;

impl CachingResolver {
    /// The cache, even after a panic elsewhere poisoned its lock (it holds plain data).
    fn cached(&self) -> std::sync::MutexGuard<'_, CacheEntry> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        let (Some(host), Some(port)) = (uri.host(), port) else {
            return self.inner.resolve(uri, config, timeout);
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let mut out = self.empty();
        if let Ok(ip) = host.parse::<IpAddr>() {
            out.push(SocketAddr::new(ip, port));
            return Ok(out);
        }
        if let Some((h, p, at, addrs)) = self.cached().as_ref() {
            if h == host && *p == port && at.elapsed() < DNS_TTL {
                addrs.iter().for_each(|a| out.push(*a));
                return Ok(out);
            }
        }
        let found = self.inner.resolve(uri, config, timeout)?;
        *self.cached() = Some((
            host.to_string(),
            port,
            Instant::now(),
            found.iter().copied().collect(),
        ));
        Ok(found)
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `x-should-retry: true|false` wins; otherwise 408, 409, 429 and 5xx are retried.
fn should_retry(status: u16, headers: &HeaderMap) -> bool {
    match header(headers, "x-should-retry").as_deref() {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(status, 408 | 409 | 429) || status >= 500,
    }
}

/// `retry-after-ms`, then `Retry-After` (seconds or an HTTP date), capped at 60 s.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64(secs).min(RETRY_AFTER_MAX))
}

/// 0.5 s doubling to 8 s, times a random factor in [0.75, 1] so clients spread out.
fn backoff(retries: u32) -> Duration {
    let base = BACKOFF_INITIAL
        .saturating_mul(1u32 << retries.min(16))
        .min(BACKOFF_MAX);
    base.mul_f64(1.0 - 0.25 * random_unit())
}

/// A random number in [0, 1): std's per-process random hash keys, mixed with the clock.
fn random_unit() -> f64 {
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
/// HTTP date form servers may send today.
fn parse_http_date(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: i64 = parts[1].parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])? as i64
        + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<i64> = parts[4]
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if hms.len() != 3 || !(1..=31).contains(&day) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
}

/// Resolves a Location header against the current URL (absolute, scheme-relative,
/// absolute-path and relative-path forms).
fn resolve(current: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = current.split_once("://").unwrap_or(("http", current));
    if let Some(stripped) = location.strip_prefix("//") {
        return format!("{scheme}://{stripped}");
    }
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = rest[authority_end..].split('?').next().unwrap_or("/");
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    format!(
        "{scheme}://{authority}{}{location}",
        if dir.is_empty() { "/" } else { dir }
    )
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
        for s in [408, 409, 429, 500, 502, 503, 504] {
            assert!(should_retry(s, &headers(&[])), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(!should_retry(s, &headers(&[])), "{s}");
        }
        assert!(!should_retry(503, &headers(&[("x-should-retry", "false")])));
        assert!(should_retry(400, &headers(&[("x-should-retry", "true")])));
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
        assert_eq!(
            ra(&[("retry-after", "3600")]),
            Some(Duration::from_secs(60))
        );
        assert_eq!(ra(&[("retry-after", "soon")]), None);
        assert_eq!(
            ra(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]),
            Some(Duration::ZERO)
        );
        let future = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            + 30;
        let date = format_http_date(future);
        let d = ra(&[("retry-after", date.as_str())]).unwrap();
        assert!(
            d > Duration::from_secs(27) && d <= Duration::from_secs(30),
            "{d:?} from {date}"
        );
    }

    fn format_http_date(secs: i64) -> String {
        // Inverse of parse_http_date, for the test only.
        let days = secs.div_euclid(86400);
        let rem = secs.rem_euclid(86400);
        let z = days + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "Mon, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
            months[(m - 1) as usize],
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
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

    #[test]
    fn location_resolution() {
        let cur = "http://127.0.0.1:9/v1/connector?limit=1";
        assert_eq!(resolve(cur, "http://x:1/a"), "http://x:1/a");
        assert_eq!(resolve(cur, "/v2/c?x=1"), "http://127.0.0.1:9/v2/c?x=1");
        assert_eq!(resolve(cur, "//other:8/p"), "http://other:8/p");
        assert_eq!(resolve(cur, "next?o=1"), "http://127.0.0.1:9/v1/next?o=1");
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let o = |s: &str| Origin::of(&s.parse::<Uri>().unwrap()).unwrap();
        assert_eq!(
            o("https://API.openint.dev/v1"),
            o("https://api.openint.dev:443/x")
        );
        assert_ne!(
            o("https://api.openint.dev/v1"),
            o("http://api.openint.dev/v1")
        );
        assert_ne!(o("http://127.0.0.1:80/"), o("http://127.0.0.1:81/"));
    }
}
