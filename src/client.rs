//! The client: options (with the environment defaults every binding shares) and the generic
//! entry points every operation goes through (`call`, `list`, `request`). The typed methods
//! per operation are in `api.rs`.

use crate::error::{Error, Result};
use crate::http::{CallCtx, Http, HttpConfig, Response, ResponseMeta, TlsRoots};
use crate::log::Logger;
use crate::operations::Operation;
use crate::pagination::{Cursor, Listing, PageCore};
use crate::params::{self, JsonArgs, RequestOptions};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.openint.dev/v1";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Six times the largest real page (3000 connectors with `expand=schemas`, about 10 MB), and
/// the most a gzip bomb can make a call hold.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;
/// The most pages a listing may have in flight at once.
pub const MAX_PREFETCH: usize = 64;

/// Client settings. `Default` reads nothing; [`ClientOptions::from_env`] starts from
/// OPENINT_API_KEY and OPENINT_BASE_URL.
#[derive(Clone)]
pub struct ClientOptions {
    /// Bearer token. Trimmed; empty means none.
    pub token: Option<String>,
    /// Includes the API version: `https://api.openint.dev/v1`.
    pub base_url: String,
    /// Per attempt, the whole exchange including the body.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// An optional deadline for each call across all its attempts and back-off.
    pub total_timeout: Option<Duration>,
    pub max_retries: u32,
    pub max_body_bytes: u64,
    /// Sent with every request.
    pub default_headers: Vec<(String, String)>,
    /// Which certificate authorities to trust (default: the operating system's store).
    pub tls_roots: TlsRoots,
    /// A client certificate chain and its private key, both PEM, for mutual TLS.
    pub tls_client_cert: Option<(String, String)>,
    /// `None`: the environment's proxy (HTTPS_PROXY, ALL_PROXY, NO_PROXY); `Some(None)`: no
    /// proxy; `Some(Some(url))`: this one (`http://user:pass@host:port`; the password is
    /// never logged or shown in errors).
    pub proxy: Option<Option<String>>,
    /// Pages a listing keeps in flight (1: one after the other, the default).
    pub prefetch: usize,
    /// This client's logger (else the process-wide one, else `OPENINT_LOG`).
    pub logger: Option<Logger>,
}

impl std::fmt::Debug for ClientOptions {
    // Hand-written so the token and the proxy password never reach a log through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_body_bytes", &self.max_body_bytes)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>(),
            )
            .field("tls_client_cert", &self.tls_client_cert.is_some())
            .field(
                "proxy",
                &self
                    .proxy
                    .as_ref()
                    .map(|p| p.as_ref().map(|u| crate::http::strip_userinfo(u))),
            )
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            token: None,
            base_url: DEFAULT_BASE_URL.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            total_timeout: None,
            max_retries: DEFAULT_MAX_RETRIES,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            default_headers: Vec::new(),
            tls_roots: TlsRoots::System,
            tls_client_cert: None,
            proxy: None,
            prefetch: 1,
            logger: None,
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl ClientOptions {
    /// Defaults, with the token from OPENINT_API_KEY and the base URL from OPENINT_BASE_URL.
    pub fn from_env() -> Self {
        ClientOptions {
            token: env("OPENINT_API_KEY"),
            base_url: env("OPENINT_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
            ..ClientOptions::default()
        }
    }

    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.total_timeout = Some(d);
        self
    }
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }
    pub fn max_body_bytes(mut self, n: u64) -> Self {
        self.max_body_bytes = n;
        self
    }
    /// Adds a header sent with every request (`default_headers`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.tls_roots = roots;
        self
    }
    pub fn tls_client_cert(
        mut self,
        cert_pem: impl Into<String>,
        key_pem: impl Into<String>,
    ) -> Self {
        self.tls_client_cert = Some((cert_pem.into(), key_pem.into()));
        self
    }
    /// An explicit proxy (`http://user:pass@host:port`), or `None` for no proxy at all.
    pub fn proxy(mut self, url: Option<&str>) -> Self {
        self.proxy = Some(url.map(str::to_string));
        self
    }
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = pages;
        self
    }
    pub fn logger(mut self, logger: Logger) -> Self {
        self.logger = Some(logger);
        self
    }

    /// Parses the C ABI's options JSON, e.g. `{"token":"...","base_url":"...","timeout":10}`.
    /// Absent keys (or `null`) take the environment defaults. See `openint_client_new`.
    pub fn from_json(text: Option<&str>) -> Result<ClientOptions> {
        let mut args = JsonArgs::parse("options", text)?;
        let mut o = ClientOptions::from_env();
        if let Some(t) = args.string("token")? {
            // An explicit token, even an empty one, replaces the environment's.
            o.token = Some(t);
        }
        if let Some(u) = args.string("base_url")? {
            o.base_url = u;
        }
        if let Some(d) = args.seconds("timeout")? {
            o.timeout = d;
        }
        if let Some(d) = args.seconds("connect_timeout")? {
            o.connect_timeout = d;
        }
        o.total_timeout = args.seconds("total_timeout")?.or(o.total_timeout);
        if let Some(n) = args.u64("max_retries", 100)? {
            o.max_retries = n as u32;
        }
        if let Some(n) = args.u64("max_body_bytes", u64::MAX)? {
            o.max_body_bytes = n;
        }
        if let Some(h) = args.string_map("default_headers")? {
            o.default_headers = h;
        }
        let ca_file = args.string("tls_ca_file")?;
        let ca_pem = args.string("tls_ca_pem")?;
        let roots = args.string("tls_roots")?;
        o.tls_roots = match (ca_file, ca_pem, roots.as_deref()) {
            (Some(_), Some(_), _) => {
                return Err(Error::invalid(
                    "options: give tls_ca_file or tls_ca_pem, not both",
                ))
            }
            (Some(path), None, _) => TlsRoots::Pem(read_file("tls_ca_file", &path)?),
            (None, Some(pem), _) => TlsRoots::Pem(pem),
            (None, None, None | Some("system")) => TlsRoots::System,
            (None, None, Some("webpki")) => TlsRoots::WebPki,
            (None, None, Some(other)) => {
                return Err(Error::invalid(format!(
                    "options: \"tls_roots\" must be \"system\" or \"webpki\", got {}",
                    params::shown(other)
                )))
            }
        };
        let cert = match (
            args.string("tls_client_cert_file")?,
            args.string("tls_client_cert_pem")?,
        ) {
            (Some(p), None) => Some(read_file("tls_client_cert_file", &p)?),
            (None, pem) => pem,
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "options: give tls_client_cert_file or tls_client_cert_pem, not both",
                ))
            }
        };
        let key = match (
            args.string("tls_client_key_file")?,
            args.string("tls_client_key_pem")?,
        ) {
            (Some(p), None) => Some(read_file("tls_client_key_file", &p)?),
            (None, pem) => pem,
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "options: give tls_client_key_file or tls_client_key_pem, not both",
                ))
            }
        };
        o.tls_client_cert = match (cert, key) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => {
                return Err(Error::invalid(
                    "options: a client certificate needs both its certificate and its key",
                ))
            }
        };
        // "proxy": a URL, or false for none; absent: the environment's.
        match args.take_value("proxy") {
            None => {}
            Some(Value::String(url)) => o.proxy = Some(Some(url)),
            Some(Value::Bool(false)) => o.proxy = Some(None),
            Some(other) => {
                return Err(Error::invalid(format!(
                    "options: \"proxy\" must be a proxy URL or false, got {}",
                    if other.is_boolean() {
                        "true"
                    } else {
                        "another type"
                    }
                )))
            }
        }
        if let Some(n) = args.u64("prefetch", MAX_PREFETCH as u64)? {
            o.prefetch = n as usize;
        }
        args.finish(&[
            "token",
            "base_url",
            "timeout",
            "connect_timeout",
            "total_timeout",
            "max_retries",
            "max_body_bytes",
            "default_headers",
            "tls_ca_file",
            "tls_ca_pem",
            "tls_roots",
            "tls_client_cert_file",
            "tls_client_cert_pem",
            "tls_client_key_file",
            "tls_client_key_pem",
            "proxy",
            "prefetch",
        ])?;
        Ok(o)
    }

    fn into_http_config(self) -> Result<(HttpConfig, usize, Option<Logger>)> {
        let token = self
            .token
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        if let Some(t) = &token {
            // A header value may hold spaces and tabs between visible characters ("My Token").
            if !t.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) {
                // Say what is wrong without echoing the secret.
                return Err(Error::invalid(
                    "token contains characters not allowed in an HTTP header (control or non-ASCII characters)",
                ));
            }
        }
        let headers: Vec<(String, Option<String>)> = self
            .default_headers
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        params::check_headers("default_headers", &headers, false)?;
        for (what, d) in [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
        ] {
            if params::seconds(d.as_secs_f64()).is_none() {
                return Err(Error::invalid(format!(
                    "{what} must be from 0.001 to 1e9 seconds"
                )));
            }
        }
        if !(1..=MAX_PREFETCH).contains(&self.prefetch) {
            return Err(Error::invalid(format!(
                "prefetch must be from 1 to {MAX_PREFETCH}, got {}",
                self.prefetch
            )));
        }
        let user_agent = self
            .default_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
            .map(|(_, v)| format!("{v} openint-rust/{}", crate::VERSION))
            .unwrap_or_else(|| format!("openint-rust/{}", crate::VERSION));
        let headers = self
            .default_headers
            .into_iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("user-agent"))
            .collect();
        Ok((
            HttpConfig {
                base_url: self.base_url,
                token,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                total_timeout: self.total_timeout,
                max_retries: self.max_retries,
                max_body_bytes: self.max_body_bytes,
                headers,
                user_agent,
                tls_roots: self.tls_roots,
                client_cert: self.tls_client_cert,
                proxy: self.proxy,
            },
            self.prefetch,
            self.logger,
        ))
    }
}

fn read_file(what: &str, path: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::invalid(format!("{what}: cannot read {}: {e}", params::shown(path))))
}

/// A successful answer to a call: status, headers, request id and retries, and the JSON body.
#[derive(Clone, Debug)]
pub struct JsonResponse {
    pub meta: ResponseMeta,
    /// The body, exactly as the server sent it.
    pub body: String,
}

impl JsonResponse {
    /// The body decoded into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        crate::pagination::decode_item(&self.body)
    }
}

/// An OpenInt API client. Cheap to clone; clones share one connection pool. `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    pub(crate) http: Arc<Http>,
    /// Options applied to every call of this handle (see [`Client::with_options`]).
    pub(crate) defaults: RequestOptions,
    prefetch: usize,
}

impl Client {
    pub fn new(options: ClientOptions) -> Result<Client> {
        let (cfg, prefetch, logger) = options.into_http_config()?;
        let http = Http::new(cfg)?;
        http.log.set(logger);
        Ok(Client {
            http: Arc::new(http),
            defaults: RequestOptions::default(),
            prefetch,
        })
    }

    /// A client configured from OPENINT_API_KEY and OPENINT_BASE_URL.
    pub fn from_env() -> Result<Client> {
        Client::new(ClientOptions::from_env())
    }

    /// The same client (sharing its connections) with `options` applied to every call made
    /// through the returned handle: a deadline, retries, extra headers, a cancel token, ...
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            http: self.http.clone(),
            defaults: self.defaults.merged(&options),
            prefetch: self.prefetch,
        }
    }

    /// Replaces this client's logger (`None`: back to the process-wide one or `OPENINT_LOG`).
    /// Affects every handle sharing the client.
    pub fn set_logger(&self, logger: Option<Logger>) {
        self.http.log.set(logger);
    }

    fn opts(&self, over: Option<&RequestOptions>) -> RequestOptions {
        match over {
            Some(o) => self.defaults.merged(o),
            None => self.defaults.clone(),
        }
    }

    /// Calls any operation of the table by its `operationId`, with its parameters as one JSON
    /// object (path, query and body parameters by name). Validated before any request.
    pub fn call(&self, operation: &str, params: Value) -> Result<JsonResponse> {
        self.call_with(operation, params, None)
    }

    /// [`Client::call`] with per-call options.
    pub fn call_with(
        &self,
        operation: &str,
        params: Value,
        options: Option<&RequestOptions>,
    ) -> Result<JsonResponse> {
        let op = params::operation(operation)?;
        if op.is_list() {
            // One page of a list: the same call, without the paging machinery.
            let page = self.list_page(op, object(op.id, params)?, options)?;
            return Ok(JsonResponse {
                meta: page.meta().clone(),
                body: page.json().to_string(),
            });
        }
        self.send(op, object(op.id, params)?, options)
    }

    pub(crate) fn send(
        &self,
        op: &'static Operation,
        params: Map<String, Value>,
        options: Option<&RequestOptions>,
    ) -> Result<JsonResponse> {
        let opts = self.opts(options);
        let req = params::prepare(op, params, &opts)?;
        self.http
            .send(&req, &CallCtx::new(&opts), |r| json_response(&req, r))
    }

    /// A request the table does not know yet: `method` and `path` (relative to the base URL,
    /// already URL-encoded), query parameters and a JSON object body. Same auth, retries,
    /// redirects, limits and errors as every other call.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        query: Option<Map<String, Value>>,
        body: Option<Value>,
        options: Option<&RequestOptions>,
    ) -> Result<JsonResponse> {
        let opts = self.opts(options);
        let req = params::prepare_raw(method, path, query.unwrap_or_default(), body, &opts)?;
        self.http
            .send(&req, &CallCtx::new(&opts), |r| json_response(&req, r))
    }

    /// The listing of a list operation, validated now; no request is made yet.
    pub(crate) fn listing(
        &self,
        op: &'static Operation,
        params: Map<String, Value>,
        options: Option<&RequestOptions>,
    ) -> Result<Arc<Listing>> {
        if !op.is_list() {
            return Err(Error::invalid(format!(
                "{} is not a list operation (call it instead)",
                op.id
            )));
        }
        let opts = self.opts(options);
        let req = params::prepare(op, params, &opts)?;
        let prefetch = opts.prefetch.unwrap_or(self.prefetch);
        if !(1..=MAX_PREFETCH).contains(&prefetch) {
            return Err(Error::invalid(format!(
                "prefetch must be from 1 to {MAX_PREFETCH}, got {prefetch}"
            )));
        }
        Ok(Listing::new(
            self.http.clone(),
            req,
            op.paging,
            opts,
            prefetch,
        ))
    }

    /// The first page of a list operation.
    pub(crate) fn list_page(
        &self,
        op: &'static Operation,
        params: Map<String, Value>,
        options: Option<&RequestOptions>,
    ) -> Result<PageCore> {
        self.listing(op, params, options)?.first(None)
    }

    /// A cursor over every item of a list operation; the first request is made by its first
    /// `next`.
    pub(crate) fn list_cursor(
        &self,
        op: &'static Operation,
        params: Map<String, Value>,
        options: Option<&RequestOptions>,
    ) -> Result<Cursor> {
        Ok(Cursor::new(self.listing(op, params, options)?))
    }
}

/// A 2xx answer, checked to be JSON: a CDN's HTML page is a decode error, not a result.
/// (Checking costs one scan of the body, without building anything.)
fn json_response(req: &crate::params::Prepared, r: Response) -> Result<JsonResponse> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&r.body) {
        let mut end = r.body.len().min(120);
        while !r.body.is_char_boundary(end) {
            end -= 1;
        }
        return Err(Error::decode(format!(
            "{} {}: expected a JSON answer: {e}; body starts with {:?}",
            req.method.as_str(),
            req.path,
            &r.body[..end]
        ))
        .with_body(&r.body));
    }
    Ok(JsonResponse {
        meta: r.meta,
        body: r.body,
    })
}

/// The parameters as a JSON object (null means none).
pub(crate) fn object(op: &str, params: Value) -> Result<Map<String, Value>> {
    match params {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(Error::invalid(format!(
            "{op}: parameters must be a JSON object, got {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                _ => "a boolean",
            }
        ))),
    }
}
