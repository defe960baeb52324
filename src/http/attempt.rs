//! One attempt: the request as it goes on the wire (default and per-call headers, the token,
//! the JSON body), same-origin redirects followed, and the answer classified: a successful
//! answer with its bounded body, or a failure the retry policy can judge.

use super::agent::Http;
use super::body::{read_body, BodyRead};
use super::call::{CallCtx, Charge};
use super::redirect::redirect_target;
use super::retry::{header, retry_after, should_retry};
use crate::cancel::CancelToken;
use crate::error::{bounded, Error, ErrorKind, Result, MAX_ERROR_BODY};
use crate::log::LogLevel;
use crate::operations::Method;
use crate::params::Prepared;
use crate::redact::{shown_url, strip_userinfo};
use crate::response::ResponseMeta;
use std::io::ErrorKind as IoKind;
use std::time::{Duration, Instant};
use ureq::http::HeaderMap;

/// Redirects followed within one origin before giving up.
const MAX_REDIRECTS: u32 = 5;

/// A successful answer.
pub(crate) struct Response {
    pub meta: ResponseMeta,
    /// The body text. Its buffer has room for one more byte, so the C ABI can add a NUL
    /// without copying it.
    pub body: String,
    /// What the body holds of a listing's budget for pages fetched ahead (given back when
    /// dropped).
    pub charge: Option<Charge>,
}

/// Why an attempt failed, and what the retry policy should do with it.
pub(super) struct Failure {
    pub(super) error: Error,
    pub(super) retryable: bool,
    /// The server asked for a retry (429, 503, `x-should-retry: true`): safe even for a POST
    /// that creates something, since the server says it did not act.
    pub(super) server_asked: bool,
    /// A wait the server asked for.
    pub(super) retry_after: Option<Duration>,
}

impl Http {
    /// One attempt, following same-origin redirects.
    pub(super) fn attempt(
        &self,
        req: &Prepared,
        url: &str,
        deadline: Option<Instant>,
        ctx: &CallCtx,
    ) -> Result<Response, Failure> {
        let mut url = url.to_string();
        let mut method = req.method;
        let mut body = req.body.as_deref();
        for _ in 0..=MAX_REDIRECTS {
            let shown = strip_userinfo(&url);
            let timeout = match deadline {
                None => self.cfg.timeout,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left.min(self.cfg.timeout),
                    _ => {
                        return Err(not_retryable(Error::new(
                            ErrorKind::Timeout,
                            format!(
                                "{} {shown}: the call's deadline passed before the request could be sent",
                                method.as_str()
                            ),
                        )))
                    }
                },
            };
            let mut resp = self
                .call(method, &url, body, req, timeout)
                .map_err(|e| transport_failure(e, method, &shown, self.bounds(timeout), ctx))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                url = redirect_target(&self.origin, &url, method, status, resp.headers())
                    .map_err(not_retryable)?;
                // 301/302/303 turn a GET into a GET again; anything else keeps its method
                // and body only on 307/308 (RFC 9110), and is refused otherwise.
                if !matches!(status, 307 | 308) && method != Method::Get {
                    return Err(not_retryable(
                        Error::from_status(status, String::new(), None).with_message(format!(
                            "{} {shown}: HTTP {status} redirect of a {} request, which this client does not follow",
                            method.as_str(),
                            method.as_str()
                        )),
                    ));
                }
                if status == 303 {
                    method = Method::Get;
                    body = None;
                }
                continue;
            }
            let headers = header_list(resp.headers());
            let request_id = header(resp.headers(), "x-request-id")
                .or_else(|| header(resp.headers(), "request-id"))
                .map(|id| bounded(id, 200));
            if (200..300).contains(&status) {
                let content_length = resp.body().content_length();
                if content_length.is_some_and(|len| len > self.cfg.max_body_bytes) {
                    return Err(not_retryable(self.too_large(method, &shown)));
                }
                let limit = self.cfg.max_body_bytes;
                let mut charge = ctx.budget.map(Charge::new);
                let (bytes, read) = read_body(&mut resp, limit, content_length, charge.as_mut())
                    .map_err(|e| transport_failure(e, method, &shown, self.bounds(timeout), ctx))?;
                match read {
                    BodyRead::Whole => {}
                    BodyRead::OverLimit => return Err(not_retryable(self.too_large(method, &shown))),
                    BodyRead::OverBudget => {
                        return Err(not_retryable(Error::new(
                            ErrorKind::BodyTooLarge,
                            format!(
                                "{} {shown}: left off, as a page fetched ahead: the listing's prefetch budget ({} bytes) is full; it is fetched again when needed",
                                method.as_str(),
                                ctx.budget.map_or(0, |b| b.limit())
                            ),
                        )))
                    }
                }
                let body = String::from_utf8(bytes).map_err(|_| {
                    not_retryable(Error::decode(format!(
                        "{} {shown}: HTTP {status} response body is not UTF-8 text",
                        method.as_str()
                    )))
                })?;
                return Ok(Response {
                    charge,
                    meta: ResponseMeta {
                        status,
                        headers,
                        request_id,
                        retries: 0,
                        method: method.as_str(),
                        // Shown to the caller: a secret query value is masked.
                        url: crate::redact::redact_with(&shown, &self.secrets).into_owned(),
                    },
                    body,
                });
            }
            // An error answer: what the retry policy needs comes from the head; of the body
            // only a bounded prefix is read.
            let (retryable, server_asked) = should_retry(status, resp.headers());
            let retry_after = retry_after(resp.headers());
            let (bytes, cut) =
                read_body(&mut resp, MAX_ERROR_BODY as u64, None, None).unwrap_or_default();
            let cut = cut == BodyRead::OverLimit;
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            if cut {
                // Redacted as a cut text: a start of the token at the cut counts as the token.
                text = crate::redact::redact_cut(&text, &self.secrets).into_owned();
                text.push_str(&format!("... (cut at {MAX_ERROR_BODY} bytes)"));
            }
            let mut error = Error::from_status(status, text, request_id)
                .with_headers(headers)
                .with_request(method.as_str(), &shown);
            if status == 404 && !self.cfg.base_url.trim_end_matches('/').ends_with("/v1") {
                let hint = format!(
                    "{} (the base URL {} does not end in /v1: it must include the API version, e.g. https://api.openint.dev/v1)",
                    error.message(),
                    shown_url(&self.cfg.base_url)
                );
                error = error.with_message(hint);
            }
            return Err(Failure {
                retryable,
                server_asked,
                retry_after,
                error,
            });
        }
        Err(not_retryable(Error::new(
            ErrorKind::ApiStatus,
            format!(
                "{} {}: more than {MAX_REDIRECTS} redirects",
                method.as_str(),
                strip_userinfo(&url)
            ),
        )))
    }

    /// Sends one request.
    fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&[u8]>,
        req: &Prepared,
        timeout: Duration,
    ) -> std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let mut builder = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(url);
        let headers = self.request_headers(req, body.is_some());
        for (k, v) in &headers {
            builder = builder.header(*k, v.as_str());
        }
        // What ureq would add by itself, unless the request has it: only what the caller did
        // not remove (User-Agent and Accept are always in `headers` unless removed).
        let keeps = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
        let removed_encoding = req
            .headers
            .iter()
            .any(|(k, v)| v.is_none() && k.eq_ignore_ascii_case("accept-encoding"));
        let auto = AutoHeaders {
            user_agent: keeps("user-agent"),
            accept: keeps("accept"),
            accept_encoding: !removed_encoding,
        };
        let agent = self.agent();
        let send = |builder: ureq::http::request::Builder, body: Option<&[u8]>| match body {
            Some(b) => {
                let r = builder
                    .body(b)
                    .map_err(|e| ureq::Error::BadUri(e.to_string()))?;
                agent.run(auto.configure(&agent, r, timeout))
            }
            None => {
                let r = builder
                    .body(())
                    .map_err(|e| ureq::Error::BadUri(e.to_string()))?;
                agent.run(auto.configure(&agent, r, timeout))
            }
        };
        self.log
            .log(LogLevel::Debug, "openint::http", &self.secrets, || {
                let names: Vec<&str> = req.headers.iter().map(|(k, _)| k.as_str()).collect();
                format!(
                    "{} {} (extra headers: {:?}; body {} bytes)",
                    method.as_str(),
                    strip_userinfo(url),
                    names,
                    body.map_or(0, <[u8]>::len)
                )
            });
        if let Some(b) = body {
            self.log_body(&String::from_utf8_lossy(b));
        }
        send(builder, body)
    }

    /// The request's headers, each once: the SDK's own (`User-Agent`, `Accept`, and
    /// `Content-Type` with a body), then the client's `default_headers`, then the call's
    /// `extra_headers` (a value replaces a header of the same name, whatever its case; `None`
    /// removes it), then `Authorization` from the token (or the call's, when allowed).
    fn request_headers<'a>(&'a self, req: &'a Prepared, body: bool) -> Vec<(&'a str, String)> {
        let mut headers: Vec<(&str, String)> = vec![
            ("User-Agent", self.cfg.user_agent.clone()),
            ("Accept", "application/json".to_string()),
        ];
        if body {
            headers.push(("Content-Type", "application/json".to_string()));
        }
        let mut set = |name: &'a str, value: Option<&str>| {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            if let Some(v) = value {
                headers.push((name, v.to_string()));
            }
        };
        for (k, v) in &self.cfg.headers {
            set(k, Some(v));
        }
        let mut auth = self.auth.as_deref();
        for (k, v) in &req.headers {
            if k.eq_ignore_ascii_case("authorization") {
                auth = v.as_deref();
            } else {
                set(k, v.as_deref());
            }
        }
        if let Some(a) = auth {
            headers.push(("Authorization", a.to_string()));
        }
        headers
    }

    fn too_large(&self, method: Method, shown: &str) -> Error {
        Error::new(
            ErrorKind::BodyTooLarge,
            format!(
                "{} {shown}: response body is larger than max_body_bytes ({} bytes)",
                method.as_str(),
                self.cfg.max_body_bytes
            ),
        )
    }
}

/// Which headers ureq may add by itself to a request that lacks them (those the call removed
/// stay out).
struct AutoHeaders {
    user_agent: bool,
    accept: bool,
    accept_encoding: bool,
}

impl AutoHeaders {
    fn configure<S: ureq::AsSendBody>(
        &self,
        agent: &ureq::Agent,
        request: ureq::http::Request<S>,
        timeout: Duration,
    ) -> ureq::http::Request<S> {
        let mut c = agent
            .configure_request(request)
            .timeout_global(Some(timeout));
        if !self.user_agent {
            c = c.user_agent("");
        }
        if !self.accept {
            c = c.accept("");
        }
        if !self.accept_encoding {
            c = c.accept_encoding("");
        }
        c.build()
    }
}

pub(super) fn cancelled_error(method: Method, shown: &str) -> Error {
    Error::new(
        ErrorKind::Cancelled,
        format!("{} {shown}: cancelled", method.as_str()),
    )
    .with_request(method.as_str(), shown)
}

fn not_retryable(error: Error) -> Failure {
    Failure {
        error,
        retryable: false,
        server_asked: false,
        retry_after: None,
    }
}

/// The bounds of one attempt, to say which one fired.
pub(super) struct Bounds {
    /// What the attempt was given: the per-attempt `timeout`, or less when the call's deadline
    /// was nearer (`by_deadline`).
    timeout: Duration,
    by_deadline: bool,
    connect: Duration,
}

impl Http {
    fn bounds(&self, timeout: Duration) -> Bounds {
        Bounds {
            timeout,
            by_deadline: timeout < self.cfg.timeout,
            connect: self.cfg.connect_timeout,
        }
    }
}

impl Bounds {
    /// What a timeout says: the bound that fired, by its option's name.
    fn timed_out(&self, which: Option<ureq::Timeout>) -> String {
        match which {
            Some(ureq::Timeout::Connect | ureq::Timeout::Resolve) if self.connect <= self.timeout => {
                format!(
                    "connecting timed out after {:?} (connect_timeout, which bounds the connection, the proxy and the TLS handshake)",
                    self.connect
                )
            }
            _ if self.by_deadline => format!(
                "timed out after {:?} (the call's deadline: its timeout, or the client's total_timeout)",
                self.timeout
            ),
            _ => format!(
                "timed out after {:?} (timeout, the bound of each attempt)",
                self.timeout
            ),
        }
    }
}

/// Connection errors and timeouts are retried; protocol violations and anything else from
/// the transport are not.
fn transport_failure(
    e: ureq::Error,
    method: Method,
    shown: &str,
    bounds: Bounds,
    ctx: &CallCtx,
) -> Failure {
    if ctx.cancel.is_some_and(CancelToken::is_cancelled) {
        return not_retryable(cancelled_error(method, shown));
    }
    let (kind, what) = match &e {
        ureq::Error::Timeout(which) => (ErrorKind::Timeout, bounds.timed_out(Some(*which))),
        ureq::Error::Io(io) if io.kind() == IoKind::TimedOut || io.kind() == IoKind::WouldBlock => {
            (ErrorKind::Timeout, bounds.timed_out(None))
        }
        ureq::Error::Io(io) if io.kind() == IoKind::UnexpectedEof => (
            ErrorKind::Connection,
            "connection closed before the whole response arrived".to_string(),
        ),
        ureq::Error::Io(io) => (ErrorKind::Connection, io.to_string()),
        ureq::Error::HostNotFound => (ErrorKind::Connection, "host not found".to_string()),
        ureq::Error::ConnectionFailed => (ErrorKind::Connection, "connection failed".to_string()),
        ureq::Error::Protocol(p) => (ErrorKind::Protocol, format!("invalid response ({p})")),
        ureq::Error::LargeResponseHeader(..) => (
            ErrorKind::Protocol,
            "the response head is too large".to_string(),
        ),
        ureq::Error::Tls(t) => (ErrorKind::Connection, format!("TLS error: {t}")),
        ureq::Error::Rustls(t) => (ErrorKind::Connection, format!("TLS error: {t}")),
        ureq::Error::Decompress(_, io) => (
            ErrorKind::Decode,
            format!("could not decompress the body: {io}"),
        ),
        ureq::Error::BadUri(u) => (ErrorKind::InvalidArgument, format!("bad URL: {u}")),
        ureq::Error::ConnectProxyFailed(p) => (
            ErrorKind::Connection,
            format!("the proxy refused the connection: {p}"),
        ),
        other => (ErrorKind::Connection, other.to_string()),
    };
    Failure {
        retryable: matches!(kind, ErrorKind::Connection | ErrorKind::Timeout),
        server_asked: false,
        retry_after: None,
        error: Error::new(kind, format!("{} {shown}: {what}", method.as_str()))
            .with_request(method.as_str(), shown),
    }
}

/// All headers, lowercased names, values as text (non-UTF-8 bytes replaced).
fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
