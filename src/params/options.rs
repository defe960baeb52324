//! Options for one call (and for every page fetch of a listing), on top of the client's:
//! deadline, retries, extra headers, query and body fields, the resend rule, a cancel token
//! and prefetching.

use super::args::{seconds, JsonArgs};
use crate::cancel::CancelToken;
use crate::error::{Error, Result};
use crate::redact::shown;
use serde_json::{Map, Value};
use std::time::Duration;

/// Options for one call (and for every page fetch of a listing), on top of the client's.
/// Every field is optional; `Default` changes nothing.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    /// A deadline for the whole call: every attempt, and the waits between them.
    /// `Duration::MAX` means none of its own (only the client's `total_timeout`, if any).
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (replaces the client's `max_retries`).
    pub max_retries: Option<u32>,
    /// Headers to add or replace (`Some`) or remove (`None`), after the client's defaults and
    /// the SDK's own (`User-Agent`, `Accept`, `Content-Type`), by case-insensitive name.
    /// Framing headers (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`, ...) are
    /// refused.
    pub extra_headers: Vec<(String, Option<String>)>,
    /// Query parameters added after the operation's own (a repeated key replaces it). A
    /// boolean parameter of the table given `"false"` is left out (the server reads any value
    /// as true).
    pub extra_query: Vec<(String, String)>,
    /// Fields merged into the JSON body (a repeated key replaces the operation's value).
    /// Refused on a GET, which has no body.
    pub extra_body: Map<String, Value>,
    /// `Some(true)`: retry like a GET even when the request may have reached the server;
    /// `Some(false)`: only when it provably did not, or the server asked (429, 503,
    /// `x-should-retry: true`); `None`: the operation's own rule (see `operations::Retry`).
    pub retry_unsafe: Option<bool>,
    /// Lets `extra_headers` set `Authorization` (refused otherwise: the token option sets it).
    pub allow_authorization_header: bool,
    /// Stops the call when fired, from any thread.
    pub cancel: Option<CancelToken>,
    /// For listings: pages requested at once (1 = one after the other). Default: the client's.
    pub prefetch: Option<usize>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// [`RequestOptions::timeout`] from a number of seconds, as the C ABI and the bindings give
    /// it: 0.001 to 1e9, or +infinity for no deadline of the call's own. Anything else is an
    /// invalid-argument error.
    pub fn timeout_secs(self, secs: f64) -> Result<Self> {
        let d = if secs == f64::INFINITY {
            Duration::MAX
        } else {
            seconds(secs).ok_or_else(|| {
                Error::invalid(format!(
                    "timeout must be 0.001 to 1e9 seconds or +infinity, got {secs}"
                ))
            })?
        };
        Ok(self.timeout(d))
    }
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), Some(value.into())));
        self
    }
    pub fn remove_header(mut self, name: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), None));
        self
    }
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.push((key.into(), value.into()));
        self
    }
    pub fn body_field(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra_body.insert(key.into(), value);
        self
    }
    pub fn retry_unsafe(mut self, allow: bool) -> Self {
        self.retry_unsafe = Some(allow);
        self
    }
    pub fn cancel(mut self, token: CancelToken) -> Self {
        self.cancel = Some(token);
        self
    }
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = Some(pages);
        self
    }

    /// `self`, with the options `over` sets taken from it (extra fields are appended).
    pub(crate) fn merged(&self, over: &RequestOptions) -> RequestOptions {
        let mut m = self.clone();
        m.timeout = over.timeout.or(m.timeout);
        m.max_retries = over.max_retries.or(m.max_retries);
        m.extra_headers.extend(over.extra_headers.iter().cloned());
        m.extra_query.extend(over.extra_query.iter().cloned());
        m.extra_body
            .extend(over.extra_body.iter().map(|(k, v)| (k.clone(), v.clone())));
        m.retry_unsafe = over.retry_unsafe.or(m.retry_unsafe);
        m.allow_authorization_header |= over.allow_authorization_header;
        m.cancel = over.cancel.clone().or(m.cancel);
        m.prefetch = over.prefetch.or(m.prefetch);
        m
    }

    /// Parses the C ABI's options JSON, e.g.
    /// `{"timeout":2.5,"max_retries":0,"extra_headers":{"X-A":"1","X-B":null},
    ///   "extra_query":{"k":"v"},"extra_body":{"f":1},"retry_unsafe":true,"prefetch":4}`.
    /// The cancel token comes as a separate argument.
    pub fn from_json(text: Option<&str>) -> Result<RequestOptions> {
        let mut args = JsonArgs::parse("options", text)?;
        let mut o = RequestOptions {
            timeout: args.seconds("timeout")?,
            max_retries: args.u64("max_retries", 100)?.map(|n| n as u32),
            ..RequestOptions::default()
        };
        if let Some(Value::Object(h)) = args.take_kind("extra_headers", "an object")? {
            for (k, v) in h {
                let value = match v {
                    Value::String(s) => Some(s),
                    Value::Null => None,
                    other => {
                        return Err(args.wrong(
                            &format!("extra_headers.{}", shown(&k)),
                            "a string, or null to remove the header",
                            &other,
                        ))
                    }
                };
                o.extra_headers.push((k, value));
            }
        }
        if let Some(Value::Object(q)) = args.take_kind("extra_query", "an object")? {
            for (k, v) in q {
                let value = match v {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(args.wrong(
                            &format!("extra_query.{}", shown(&k)),
                            "a string, number or boolean",
                            &other,
                        ))
                    }
                };
                o.extra_query.push((k, value));
            }
        }
        if let Some(Value::Object(b)) = args.take_kind("extra_body", "an object")? {
            o.extra_body = b;
        }
        o.retry_unsafe = args.boolean("retry_unsafe")?;
        o.allow_authorization_header = args.boolean("allow_authorization_header")?.unwrap_or(false);
        o.prefetch = args.u64("prefetch", 64)?.map(|n| n as usize);
        if o.prefetch == Some(0) {
            return Err(Error::invalid(
                "options: \"prefetch\" must be an integer from 1 to 64, got 0",
            ));
        }
        args.finish(&[
            "timeout",
            "max_retries",
            "extra_headers",
            "extra_query",
            "extra_body",
            "retry_unsafe",
            "allow_authorization_header",
            "prefetch",
        ])?;
        Ok(o)
    }
}
