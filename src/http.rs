//! HTTP and retries: one keep-alive agent per client (TLS, proxy, the cancellable transport),
//! bearer auth, same-origin redirects only, bounded bodies, and the retry policy (which
//! failures, how long to wait, when to give up, and which requests may be sent twice).
//!
//! Every error leaving this module names the method and URL and has passed the one token
//! redaction (`Error::redacted`), including errors raised while decoding a 2xx body: decoding
//! runs inside [`Http::send`] for that reason.

// `Failure` is private and short-lived; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use crate::cancel::{self, CallScope, CancelToken};
use crate::error::{bounded, Error, ErrorKind, Result};
use crate::log::{ClientLog, LogLevel};
use crate::operations::{Method, Retry};
use crate::params::{Prepared, RequestOptions};
use crate::transport::{self, CachingResolver};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{ErrorKind as IoKind, Read};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use ureq::http::{HeaderMap, Uri};

/// Redirects followed within one origin before giving up.
const MAX_REDIRECTS: u32 = 5;
/// First back-off step and the cap it doubles up to.
const BACKOFF_INITIAL: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(8);
/// The longest server-requested wait honoured (`Retry-After`, `retry-after-ms`).
const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);
/// How much of an error answer's body is read and kept. The rest is never read: the
/// connection is dropped instead of drained.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;
/// The most a peer's `Content-Length` may make us allocate up front; bigger bodies grow as
/// their bytes arrive.
const MAX_PRESIZE: usize = 8 * 1024 * 1024;
/// Longest body text quoted in a trace log line.
const MAX_LOGGED_BODY: usize = 4096;

/// Where the client trusts server certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsRoots {
    /// The operating system's trust store (default).
    System,
    /// The Mozilla root certificates compiled into the library (for systems without a store).
    WebPki,
    /// Only the CA certificates of this PEM text (corporate or test CAs): it replaces the other
    /// roots, as curl's `--cacert` does.
    Pem(String),
}

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
    pub user_agent: String,
    pub tls_roots: TlsRoots,
    /// Client certificate chain and key (PEM) for mutual TLS.
    pub client_cert: Option<(String, String)>,
    /// `Some(None)`: no proxy at all; `None`: the environment's (HTTPS_PROXY, ALL_PROXY, NO_PROXY).
    pub proxy: Option<Option<String>>,
}

pub(crate) struct Http {
    agent: ureq::Agent,
    cfg: HttpConfig,
    /// `scheme://host:port` of the base URL: the only place the token may go.
    origin: Origin,
    auth: Option<String>,
    /// Other secrets that must never show in a message or a log (the proxy password).
    secrets: Vec<String>,
    pub(crate) log: ClientLog,
}

/// What the caller may want to know about a successful answer besides its body.
#[derive(Clone, Debug, Default)]
pub struct ResponseMeta {
    pub status: u16,
    /// Lowercased names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// `x-request-id` (or `request-id`), when the server or a proxy sent one.
    pub request_id: Option<String>,
    /// Retries made before this answer.
    pub retries: u32,
    /// The request this answers: its method and URL (after same-origin redirects, without
    /// credentials), as sent.
    pub method: &'static str,
    pub url: String,
}

impl ResponseMeta {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A successful answer.
pub(crate) struct Response {
    pub meta: ResponseMeta,
    /// The body text. Its buffer has room for one more byte, so the C ABI can add a NUL
    /// without copying it.
    pub body: String,
}

/// A pause shared by the requests of one listing: a 429 or 503 on any of them holds all of
/// them back until the time the server asked for, instead of each backing off on its own.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    until: Mutex<Option<Instant>>,
}

impl Gate {
    fn pause(&self, wait: Duration) {
        let mut until = self.until.lock().unwrap_or_else(|p| p.into_inner());
        let t = Instant::now() + wait;
        if !matches!(*until, Some(u) if u >= t) {
            *until = Some(t);
        }
    }

    /// Waits until the pause is over. False when cancelled meanwhile.
    fn wait(&self, cancel: Option<&CancelToken>) -> bool {
        let until = *self.until.lock().unwrap_or_else(|p| p.into_inner());
        match until.and_then(|u| u.checked_duration_since(Instant::now())) {
            Some(left) => cancel::sleep(cancel, left),
            None => true,
        }
    }
}

/// How one call runs: its options, and for a listing's pages the shared pause and the
/// listing's own cancel token (a child of the caller's).
pub(crate) struct CallCtx<'a> {
    pub opts: &'a RequestOptions,
    pub cancel: Option<&'a CancelToken>,
    pub gate: Option<&'a Gate>,
}

impl<'a> CallCtx<'a> {
    pub(crate) fn new(opts: &'a RequestOptions) -> Self {
        CallCtx {
            opts,
            cancel: opts.cancel.as_ref(),
            gate: None,
        }
    }
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

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// Why an attempt failed, and what the retry policy should do with it.
struct Failure {
    error: Error,
    retryable: bool,
    /// The server asked for a retry (429, 503, `x-should-retry: true`): safe even for a POST
    /// that creates something, since the server says it did not act.
    server_asked: bool,
    /// A wait the server asked for.
    retry_after: Option<Duration>,
}

impl Http {
    pub(crate) fn new(cfg: HttpConfig) -> Result<Http> {
        let base: Uri = cfg.base_url.parse().map_err(|_| {
            Error::invalid(format!(
                "base_url {} is not a valid URL",
                shown_url(&cfg.base_url)
            ))
        })?;
        let origin = Origin::of(&base).ok_or_else(|| {
            Error::invalid(format!(
                "base_url {} must be an absolute http:// or https:// URL",
                shown_url(&cfg.base_url)
            ))
        })?;
        if base.query().is_some() || cfg.base_url.contains('#') {
            return Err(Error::invalid(format!(
                "base_url {} must not have a query or fragment",
                shown_url(&cfg.base_url)
            )));
        }
        let mut secrets = Vec::new();
        let proxy = match &cfg.proxy {
            None => ureq::Proxy::try_from_env(),
            Some(None) => None,
            Some(Some(url)) => {
                let p = ureq::Proxy::new(url).map_err(|_| {
                    Error::invalid(format!("proxy {} is not a valid proxy URL", shown_url(url)))
                })?;
                if let Some(pw) = p.password().filter(|pw| !pw.is_empty()) {
                    secrets.push(pw.to_string());
                }
                Some(p)
            }
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Redirects are followed by hand so the origin check runs before every hop.
            .max_redirects(0)
            .timeout_connect(Some(cfg.connect_timeout))
            .timeout_global(Some(cfg.timeout))
            .user_agent(&cfg.user_agent)
            .accept("application/json")
            .max_idle_connections(64)
            .max_idle_connections_per_host(32)
            .proxy(proxy)
            .tls_config(tls_config(&cfg)?)
            .build();
        let agent =
            ureq::Agent::with_parts(config, transport::connector(), CachingResolver::default());
        let auth = cfg.token.as_ref().map(|t| format!("Bearer {t}"));
        Ok(Http {
            agent,
            origin,
            auth,
            secrets,
            cfg,
            log: ClientLog::default(),
        })
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.cfg.token.as_deref()
    }

    /// The full URL of a prepared request.
    pub(crate) fn url(&self, req: &Prepared) -> String {
        let mut url = format!("{}{}", self.cfg.base_url.trim_end_matches('/'), req.path);
        let q = req.query.encode();
        if !q.is_empty() {
            url.push('?');
            url.push_str(&q);
        }
        url
    }

    /// Sends `req` with retries, then `decode`s the answer. Every error, from the network,
    /// the server or `decode`, names the request and has the token redacted.
    pub(crate) fn send<T>(
        &self,
        req: &Prepared,
        ctx: &CallCtx,
        decode: impl FnOnce(Response) -> Result<T>,
    ) -> Result<T> {
        let url = self.url(req);
        let method = req.method.as_str();
        let mut retries = 0;
        let result = self
            .send_with_retries(req, &url, ctx, &mut retries)
            .and_then(decode);
        result.map_err(|e| {
            let e = if e.method().is_some() {
                e
            } else {
                e.with_request(method, &strip_userinfo(&url))
            };
            let mut e = e.with_retries(retries).redacted(self.token());
            for s in &self.secrets {
                e = e.redacted(Some(s));
            }
            e
        })
    }

    fn send_with_retries(
        &self,
        req: &Prepared,
        url: &str,
        ctx: &CallCtx,
        retries: &mut u32,
    ) -> Result<Response> {
        let opts = ctx.opts;
        // `Duration::MAX` (a Go context without a deadline) means: only the client's bound.
        let deadline = match opts.timeout {
            Some(d) if d != Duration::MAX => Some(d),
            _ => self.cfg.total_timeout,
        }
        .and_then(|d| Instant::now().checked_add(d));
        let max_retries = opts.max_retries.unwrap_or(self.cfg.max_retries);
        let may_resend = opts.retry_unsafe.unwrap_or(req.retry == Retry::Safe);
        let shown = strip_userinfo(url);
        let cancelled = || cancelled_error(req.method, &shown);
        loop {
            if ctx.gate.is_some_and(|g| !g.wait(ctx.cancel)) {
                return Err(cancelled());
            }
            if ctx.cancel.is_some_and(CancelToken::is_cancelled) {
                return Err(cancelled());
            }
            let scope = CallScope::enter(ctx.cancel);
            let started = Instant::now();
            let outcome = self.attempt(req, url, deadline, ctx);
            let wrote = scope.wrote();
            drop(scope);
            let attempt = *retries + 1;
            let failure = match outcome {
                Ok(mut resp) => {
                    self.log_attempt(req, &shown, Some(resp.meta.status), started, attempt, None);
                    self.log_body(&resp.body);
                    resp.meta.retries = *retries;
                    return Ok(resp);
                }
                Err(f) => f,
            };
            if ctx.cancel.is_some_and(CancelToken::is_cancelled) {
                self.log_attempt(req, &shown, None, started, attempt, Some("cancelled"));
                return Err(cancelled());
            }
            let status = failure.error.status();
            let resend_ok = may_resend || failure.server_asked || !wrote;
            let give_up = !failure.retryable || !resend_ok || *retries >= max_retries;
            let wait = failure.retry_after.unwrap_or_else(|| backoff(*retries));
            let past_deadline = deadline.is_some_and(|d| Instant::now() + wait >= d);
            if give_up || past_deadline {
                let why = if !failure.retryable || *retries >= max_retries {
                    None
                } else if !resend_ok {
                    Some("not retried: the request may have reached the server and this call creates something".to_string())
                } else {
                    Some(format!(
                        "not retried: the deadline is sooner than the {wait:?} wait"
                    ))
                };
                self.log_failure(
                    req,
                    &shown,
                    &failure.error,
                    started,
                    attempt,
                    why.as_deref(),
                );
                return Err(failure.error);
            }
            self.log
                .log(LogLevel::Warn, "openint::retry", self.token(), || {
                    format!(
                        "{} {shown} -> {} in {:.1} ms (attempt {attempt}); retrying in {} ms: {}",
                        req.method.as_str(),
                        status.map_or("no answer".to_string(), |s| s.to_string()),
                        started.elapsed().as_secs_f64() * 1000.0,
                        wait.as_millis(),
                        failure.error.message()
                    )
                });
            match ctx.gate {
                // A listing's requests pause together when the server asks them to slow down.
                Some(gate) if matches!(status, Some(429 | 503)) => gate.pause(wait),
                _ => {
                    if !cancel::sleep(ctx.cancel, wait) {
                        return Err(cancelled());
                    }
                }
            }
            *retries += 1;
        }
    }

    /// One attempt, following same-origin redirects.
    fn attempt(
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
                .map_err(|e| transport_failure(e, method, &shown, timeout, ctx))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                url = self.redirect_target(&url, method, status, resp.headers())?;
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
                let (bytes, over) = read_body(&mut resp, limit, content_length)
                    .map_err(|e| transport_failure(e, method, &shown, timeout, ctx))?;
                if over {
                    return Err(not_retryable(self.too_large(method, &shown)));
                }
                let body = String::from_utf8(bytes).map_err(|_| {
                    not_retryable(Error::decode(format!(
                        "{} {shown}: HTTP {status} response body is not UTF-8 text",
                        method.as_str()
                    )))
                })?;
                return Ok(Response {
                    meta: ResponseMeta {
                        status,
                        headers,
                        request_id,
                        retries: 0,
                        method: method.as_str(),
                        url: shown,
                    },
                    body,
                });
            }
            // An error answer: what the retry policy needs comes from the head; of the body
            // only a bounded prefix is read.
            let (retryable, server_asked) = should_retry(status, resp.headers());
            let retry_after = retry_after(resp.headers());
            let (bytes, cut) =
                read_body(&mut resp, MAX_ERROR_BODY as u64, None).unwrap_or_default();
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            if cut {
                text.push_str(&format!("... (cut at {MAX_ERROR_BODY} bytes)"));
            }
            let mut error =
                Error::from_status(status, text, request_id).with_request(method.as_str(), &shown);
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
        for (k, v) in &self.cfg.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let mut auth = self.auth.as_deref();
        let mut removed: Vec<&str> = Vec::new();
        for (k, v) in &req.headers {
            if k.eq_ignore_ascii_case("authorization") {
                auth = v.as_deref();
                continue;
            }
            if let Some(h) = builder.headers_mut() {
                h.remove(k.as_str());
            }
            match v {
                Some(v) => builder = builder.header(k.as_str(), v.as_str()),
                None => removed.push(k.as_str()),
            }
        }
        if let Some(a) = auth {
            builder = builder.header("Authorization", a);
        }
        let send = |builder: ureq::http::request::Builder, body: Option<&[u8]>| {
            let request = match body {
                Some(b) => {
                    let builder = if removed
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case("content-type"))
                    {
                        builder
                    } else {
                        builder.header("Content-Type", "application/json")
                    };
                    let r = builder
                        .body(b)
                        .map_err(|e| ureq::Error::BadUri(e.to_string()))?;
                    let r = self
                        .agent
                        .configure_request(r)
                        .timeout_global(Some(timeout))
                        .build();
                    return self.agent.run(r);
                }
                None => builder
                    .body(())
                    .map_err(|e| ureq::Error::BadUri(e.to_string()))?,
            };
            let r = self
                .agent
                .configure_request(request)
                .timeout_global(Some(timeout))
                .build();
            self.agent.run(r)
        };
        self.log
            .log(LogLevel::Debug, "openint::http", self.token(), || {
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

    /// The next URL of a redirect (RFC 3986 reference resolution), only when it is http(s) on
    /// the base URL's origin: the token must never reach another one.
    fn redirect_target(
        &self,
        current: &str,
        method: Method,
        status: u16,
        headers: &HeaderMap,
    ) -> Result<String, Failure> {
        let shown = strip_userinfo(current);
        let refuse = |why: String| {
            not_retryable(
                Error::from_status(status, String::new(), None)
                    .with_message(format!("{} {shown}: {why}", method.as_str())),
            )
        };
        let location = match headers.get("location") {
            None => {
                return Err(refuse(format!(
                    "HTTP {status} redirect without a Location header"
                )))
            }
            Some(v) => match std::str::from_utf8(v.as_bytes()) {
                Ok(s) => s.trim().to_string(),
                Err(_) => {
                    return Err(refuse(format!(
                        "HTTP {status} redirect whose Location is not valid UTF-8"
                    )))
                }
            },
        };
        let target = resolve_reference(current, &location);
        let other = target
            .as_deref()
            .and_then(|t| t.parse::<Uri>().ok())
            .and_then(|u| Origin::of(&u));
        match (target, other) {
            (Some(t), Some(o)) if o == self.origin => Ok(t),
            (_, Some(o)) => Err(refuse(format!(
                "refused HTTP {status} redirect to another origin ({o}); the token is only sent to {}",
                self.origin
            ))),
            _ => Err(refuse(format!(
                "refused HTTP {status} redirect to a location that is not an http(s) URL on {}",
                self.origin
            ))),
        }
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

    fn log_attempt(
        &self,
        req: &Prepared,
        shown: &str,
        status: Option<u16>,
        started: Instant,
        attempt: u32,
        note: Option<&str>,
    ) {
        self.log
            .log(LogLevel::Info, "openint::http", self.token(), || {
                format!(
                    "{} {shown} -> {} in {:.1} ms (attempt {attempt}){}",
                    req.method.as_str(),
                    status.map_or("no answer".to_string(), |s| s.to_string()),
                    started.elapsed().as_secs_f64() * 1000.0,
                    note.map(|n| format!("; {n}")).unwrap_or_default()
                )
            });
    }

    fn log_failure(
        &self,
        req: &Prepared,
        shown: &str,
        error: &Error,
        started: Instant,
        attempt: u32,
        why: Option<&str>,
    ) {
        let level = if error.status().is_some() {
            LogLevel::Info
        } else {
            LogLevel::Error
        };
        self.log.log(level, "openint::http", self.token(), || {
            format!(
                "{} {shown} -> {} in {:.1} ms (attempt {attempt}): {}{}",
                req.method.as_str(),
                error
                    .status()
                    .map_or("no answer".to_string(), |s| s.to_string()),
                started.elapsed().as_secs_f64() * 1000.0,
                error.message(),
                why.map(|w| format!("; {w}")).unwrap_or_default()
            )
        });
    }

    fn log_body(&self, body: &str) {
        self.log
            .log(LogLevel::Trace, "openint::http", self.token(), || {
                let mut end = body.len().min(MAX_LOGGED_BODY);
                while !body.is_char_boundary(end) {
                    end -= 1;
                }
                let more = if end < body.len() {
                    format!("... ({} bytes in all)", body.len())
                } else {
                    String::new()
                };
                format!("body: {}{more}", &body[..end])
            });
    }
}

/// The TLS settings of the agent. A client certificate is checked here, so a bad one is an
/// error at client creation rather than a panic inside ureq at the first request.
fn tls_config(cfg: &HttpConfig) -> Result<ureq::tls::TlsConfig> {
    use ureq::tls::{parse_pem, ClientCert, PemItem, RootCerts, TlsConfig};
    let mut b = TlsConfig::builder();
    b = match &cfg.tls_roots {
        TlsRoots::System => b.root_certs(RootCerts::PlatformVerifier),
        TlsRoots::WebPki => b.root_certs(RootCerts::WebPki),
        TlsRoots::Pem(pem) => {
            let certs = parse_pem(pem.as_bytes())
                .filter_map(|i| match i {
                    Ok(PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect::<Vec<_>>();
            if certs.is_empty() {
                return Err(Error::invalid(
                    "tls_ca_pem/tls_ca_file: no PEM certificate (-----BEGIN CERTIFICATE-----) found",
                ));
            }
            b.root_certs(RootCerts::new_with_certs(&certs))
        }
    };
    if let Some((cert_pem, key_pem)) = &cfg.client_cert {
        let certs = parse_pem(cert_pem.as_bytes())
            .filter_map(|i| match i {
                Ok(PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect::<Vec<_>>();
        let key = parse_pem(key_pem.as_bytes()).find_map(|i| match i {
            Ok(PemItem::PrivateKey(k)) => Some(k),
            _ => None,
        });
        let (false, Some(key)) = (certs.is_empty(), key) else {
            return Err(Error::invalid(
                "tls_client_cert/tls_client_key: need a PEM certificate and a PEM private key",
            ));
        };
        check_client_cert(&certs, &key)?;
        b = b.client_cert(Some(ClientCert::new_with_certs(&certs, key)));
    }
    Ok(b.build())
}

/// Whether rustls accepts this certificate and key as a pair.
fn check_client_cert(
    certs: &[ureq::tls::Certificate<'static>],
    key: &ureq::tls::PrivateKey<'static>,
) -> Result<()> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = certs
        .iter()
        .map(|c| CertificateDer::from(c.der().to_vec()))
        .collect();
    let key_der = PrivateKeyDer::try_from(key.der().to_vec())
        .map_err(|e| Error::invalid(format!("tls_client_key: {e}")))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_root_certificates(rustls::RootCertStore::empty())
                .with_client_auth_cert(chain, key_der)
        })
        .map(|_| ())
        .map_err(|e| Error::invalid(format!("tls_client_cert/tls_client_key: {e}")))
}

/// Reads at most `limit` bytes of the body; `true` when more was there (nothing past
/// `limit + 1` is read). The buffer grows as bytes arrive (into memory not yet touched, so the
/// process only pays for what was read); `hint` (the peer's Content-Length) only pre-sizes it up
/// to `MAX_PRESIZE`. One spare byte is kept for a NUL.
fn read_body(
    resp: &mut ureq::http::Response<ureq::Body>,
    limit: u64,
    hint: Option<u64>,
) -> std::result::Result<(Vec<u8>, bool), ureq::Error> {
    let presize = hint.unwrap_or(0).min(limit).min(MAX_PRESIZE as u64) as usize;
    let mut buf = Vec::with_capacity(presize + 1);
    resp.body_mut()
        .with_config()
        .limit(u64::MAX)
        .reader()
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(ureq::Error::from)?;
    let over = buf.len() as u64 > limit;
    buf.truncate(limit.min(buf.len() as u64) as usize);
    Ok((buf, over))
}

fn cancelled_error(method: Method, shown: &str) -> Error {
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

/// Connection errors and timeouts are retried; protocol violations and anything else from
/// the transport are not.
fn transport_failure(
    e: ureq::Error,
    method: Method,
    shown: &str,
    timeout: Duration,
    ctx: &CallCtx,
) -> Failure {
    if ctx.cancel.is_some_and(CancelToken::is_cancelled) {
        return not_retryable(cancelled_error(method, shown));
    }
    let (kind, what) = match &e {
        ureq::Error::Timeout(_) => (ErrorKind::Timeout, format!("timed out after {timeout:?}")),
        ureq::Error::Io(io) if io.kind() == IoKind::TimedOut || io.kind() == IoKind::WouldBlock => {
            (ErrorKind::Timeout, format!("timed out after {timeout:?}"))
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

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
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

/// Whether to retry a status, and whether the server itself asked for it.
/// `x-should-retry: true|false` wins; otherwise 408, 409, 429 and 5xx are retried, and 429
/// and 503 mean the server did not act on the request.
fn should_retry(status: u16, headers: &HeaderMap) -> (bool, bool) {
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
    let year: i64 = parts[3].parse().ok().filter(|y| (1..=9999).contains(y))?;
    let hms: Vec<i64> = parts[4]
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if hms.len() != 3 || !(1..=31).contains(&day) || hms.iter().any(|v| !(0..=60).contains(v)) {
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

/// The target of `reference` (a Location value) relative to `base`, by RFC 3986 section 5.2,
/// without its fragment. `None` when the result is not an http(s) URL with a host.
pub(crate) fn resolve_reference(base: &str, reference: &str) -> Option<String> {
    fn split(u: &str) -> (Option<&str>, Option<&str>, &str, Option<&str>) {
        // scheme, authority, path, query (the fragment is dropped by the caller)
        let (scheme, rest) = match u.find(':') {
            Some(i)
                if u[..i]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && u[..i]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !u[..i].contains('/') =>
            {
                (Some(&u[..i]), &u[i + 1..])
            }
            _ => (None, u),
        };
        let (authority, rest) = match rest.strip_prefix("//") {
            Some(r) => {
                let end = r.find(['/', '?']).unwrap_or(r.len());
                (Some(&r[..end]), &r[end..])
            }
            None => (None, rest),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        (scheme, authority, path, query)
    }
    fn remove_dots(path: &str) -> String {
        let mut out: Vec<&str> = Vec::new();
        let segments: Vec<&str> = path.split('/').collect();
        for (i, seg) in segments.iter().enumerate() {
            let last = i == segments.len() - 1;
            match *seg {
                "." => {
                    if last {
                        out.push("");
                    }
                }
                ".." => {
                    if out.len() > 1 {
                        out.pop();
                    }
                    if last {
                        out.push("");
                    }
                }
                s => out.push(s),
            }
        }
        let joined = out.join("/");
        if path.starts_with('/') && !joined.starts_with('/') {
            format!("/{joined}")
        } else {
            joined
        }
    }
    let reference = reference.split('#').next().unwrap_or("");
    let base = base.split('#').next().unwrap_or("");
    let (bs, ba, bp, bq) = split(base);
    let (rs, ra, rp, rq) = split(reference);
    let (scheme, authority, path, query) = if let Some(s) = rs {
        (s, ra?, remove_dots(rp), rq)
    } else if let Some(a) = ra {
        (bs?, a, remove_dots(rp), rq)
    } else if rp.is_empty() {
        (bs?, ba?, bp.to_string(), rq.or(bq))
    } else if rp.starts_with('/') {
        (bs?, ba?, remove_dots(rp), rq)
    } else {
        let dir = &bp[..bp.rfind('/').map_or(0, |i| i + 1)];
        let merged = if dir.is_empty() {
            format!("/{rp}")
        } else {
            format!("{dir}{rp}")
        };
        (bs?, ba?, remove_dots(&merged), rq)
    };
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") || authority.is_empty() {
        return None;
    }
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        path
    };
    Some(match query {
        Some(q) => format!("{scheme}://{authority}{path}?{q}"),
        None => format!("{scheme}://{authority}{path}"),
    })
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
    crate::params::shown(clean)
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

    #[test]
    fn location_resolution_follows_rfc_3986() {
        let cur = "http://127.0.0.1:9/v1/connector?limit=1";
        let r = |l: &str| resolve_reference(cur, l);
        assert_eq!(r("http://x:1/a").as_deref(), Some("http://x:1/a"));
        assert_eq!(
            r("/v2/c?x=1").as_deref(),
            Some("http://127.0.0.1:9/v2/c?x=1")
        );
        assert_eq!(r("//other:8/p").as_deref(), Some("http://other:8/p"));
        assert_eq!(
            r("next?o=1").as_deref(),
            Some("http://127.0.0.1:9/v1/next?o=1")
        );
        assert_eq!(
            r("?o=2").as_deref(),
            Some("http://127.0.0.1:9/v1/connector?o=2")
        );
        assert_eq!(r("../x/./y").as_deref(), Some("http://127.0.0.1:9/x/y"));
        assert_eq!(
            r("/ok?next=http://x/").as_deref(),
            Some("http://127.0.0.1:9/ok?next=http://x/"),
            "a URL in the query is not the target"
        );
        assert_eq!(
            r("#frag").as_deref(),
            Some("http://127.0.0.1:9/v1/connector?limit=1")
        );
        assert_eq!(r("HTTPS://H/a#b").as_deref(), Some("https://H/a"));
        for not_http in [
            "data:text/plain,hi",
            "file:/etc/passwd",
            "file:///x",
            "javascript:x",
            "mailto:a@b",
            "http:relative",
            "http:///nohost",
        ] {
            assert_eq!(r(not_http), None, "{not_http}");
        }
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

    #[test]
    fn urls_in_messages_lose_credentials() {
        assert_eq!(strip_userinfo("http://u:p@h:1/v1?k=v"), "http://h:1/v1?k=v");
        assert_eq!(
            strip_userinfo("http://h/v1?email=a@b"),
            "http://h/v1?email=a@b"
        );
        assert_eq!(shown_url("https://u:p@h/v1?key=secret"), "\"https://h/v1\"");
    }

    #[test]
    fn gates_pause_together() {
        let g = Gate::default();
        g.pause(Duration::from_millis(50));
        g.pause(Duration::from_millis(10)); // a shorter pause does not shorten it
        let t = Instant::now();
        assert!(g.wait(None));
        assert!(t.elapsed() >= Duration::from_millis(40));
        let token = CancelToken::new();
        g.pause(Duration::from_secs(30));
        token.cancel();
        assert!(!g.wait(Some(&token)));
    }
}
