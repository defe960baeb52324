//! The client: options (with the environment defaults every binding shares) and operations.

use crate::error::{Error, Result};
use crate::http::{Http, HttpConfig};
use crate::models::Connector;
use crate::pagination::{AutoPager, Cursor, Page, PageCore};
use crate::params::{CallOptions, JsonArgs, ListConnectorsParams};
use std::sync::Arc;
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.openint.dev/v1";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Well above the largest real page (3000 connectors with `expand=schemas` can pass 20 MB).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

/// Client settings. `Default` reads nothing; [`ClientOptions::from_env`] starts from
/// OPENINT_API_KEY and OPENINT_BASE_URL.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Bearer token. Trimmed; empty means none.
    pub token: Option<String>,
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
}

impl std::fmt::Debug for ClientOptions {
    // Hand-written so the token never reaches a log through `{:?}`.
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
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Parses the C ABI's options JSON, e.g. `{"token":"...","base_url":"...","timeout":10}`.
    /// Absent keys (or `null`) take the environment defaults.
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
        args.finish(&[
            "token",
            "base_url",
            "timeout",
            "connect_timeout",
            "total_timeout",
            "max_retries",
            "max_body_bytes",
            "default_headers",
        ])?;
        Ok(o)
    }

    fn into_http_config(self) -> Result<HttpConfig> {
        let token = self
            .token
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        if let Some(t) = &token {
            if !t.bytes().all(|b| (0x21..0x7f).contains(&b)) {
                // Say what is wrong without echoing the secret.
                return Err(Error::invalid(
                    "token contains characters not allowed in an HTTP header (spaces, control or non-ASCII characters)",
                ));
            }
        }
        for (name, value) in &self.default_headers {
            let valid_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid_name {
                return Err(Error::invalid(format!(
                    "default_headers: {name:?} is not a valid header name"
                )));
            }
            if name.eq_ignore_ascii_case("authorization") {
                return Err(Error::invalid(
                    "default_headers: \"Authorization\" is set from the token; pass the token instead",
                ));
            }
            if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
                return Err(Error::invalid(format!(
                    "default_headers: the value of {name:?} contains a line break or NUL"
                )));
            }
        }
        for (what, d) in [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
        ] {
            if d.is_zero() {
                return Err(Error::invalid(format!("{what} must be positive")));
            }
        }
        Ok(HttpConfig {
            base_url: self.base_url,
            token,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            total_timeout: self.total_timeout,
            max_retries: self.max_retries,
            max_body_bytes: self.max_body_bytes,
            headers: self.default_headers,
        })
    }
}

/// An OpenInt API client. Cheap to clone; clones share one connection pool. `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    http: Arc<Http>,
}

impl Client {
    pub fn new(options: ClientOptions) -> Result<Client> {
        Ok(Client {
            http: Arc::new(Http::new(options.into_http_config()?)?),
        })
    }

    /// A client configured from OPENINT_API_KEY and OPENINT_BASE_URL.
    pub fn from_env() -> Result<Client> {
        Client::new(ClientOptions::from_env())
    }

    /// `GET /connector`: one page. `page.next_page()` fetches the following one.
    pub fn list_connectors(&self, params: &ListConnectorsParams) -> Result<Page<Connector>> {
        self.list_connectors_with(params, CallOptions::default())
    }

    /// `list_connectors` with per-call options (a deadline for this call and the pages
    /// fetched from it, retries included).
    pub fn list_connectors_with(
        &self,
        params: &ListConnectorsParams,
        call: CallOptions,
    ) -> Result<Page<Connector>> {
        Page::decode(self.list_connectors_raw(params, call)?)
    }

    /// Every connector across pages, fetched page by page as the iterator advances.
    pub fn list_connectors_auto(
        &self,
        params: &ListConnectorsParams,
    ) -> Result<AutoPager<Connector>> {
        Ok(AutoPager::new(
            self.list_connectors_cursor(params, CallOptions::default())?,
        ))
    }

    pub(crate) fn list_connectors_raw(
        &self,
        params: &ListConnectorsParams,
        call: CallOptions,
    ) -> Result<PageCore> {
        params.validate()?;
        PageCore::fetch(self.http.clone(), "/connector", params.query(), call)
    }

    /// Validates now; the first request is made by the cursor's first `next`.
    pub(crate) fn list_connectors_cursor(
        &self,
        params: &ListConnectorsParams,
        call: CallOptions,
    ) -> Result<Cursor> {
        params.validate()?;
        Ok(Cursor::new(
            self.http.clone(),
            "/connector",
            params.query(),
            call,
        ))
    }
}
