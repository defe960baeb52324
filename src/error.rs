//! The one error type of the SDK, and the one place that maps HTTP outcomes to error kinds.
//!
//! Every binding maps [`ErrorKind`] (through the C status numbers) to its own exception or
//! error values; nothing else in the tree decides what a status code means.

use std::fmt;

/// A stable classification of every failure. The C ABI exposes these as `OpenintStatus`
/// numbers, so the mapping from HTTP status to kind lives here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Bad input from the caller, found before any request was sent.
    InvalidArgument,
    /// The connection could not be made, or broke (including a body cut off mid-way).
    Connection,
    /// A per-attempt timeout or the call's total deadline passed.
    Timeout,
    /// HTTP 400.
    BadRequest,
    /// HTTP 401.
    Authentication,
    /// HTTP 403.
    PermissionDenied,
    /// HTTP 404.
    NotFound,
    /// HTTP 409.
    Conflict,
    /// HTTP 422.
    UnprocessableEntity,
    /// HTTP 429.
    RateLimited,
    /// HTTP 500 and 502 to 599: the server failed or is unavailable.
    InternalServer,
    /// Any other non-2xx status, such as 501 Not Implemented (the server does not do what
    /// was asked; nothing failed), or a refused cross-origin redirect.
    ApiStatus,
    /// The server answered 2xx but not with the JSON this SDK expects, or paged inconsistently.
    Decode,
    /// The response body passed the configured size cap.
    BodyTooLarge,
    /// A bug: a panic caught at the C boundary, or a poisoned lock.
    Internal,
    /// The call was cancelled through its cancel token.
    Cancelled,
    /// The server's answer is not valid HTTP (a garbage status line, too many headers, ...).
    Protocol,
}

impl ErrorKind {
    /// The kind for a non-2xx HTTP status.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimited,
            // Not 501: "does not support webhooks" is an answer, not a crash.
            500 | 502..=599 => ErrorKind::InternalServer,
            // Including nonsense like 999: not a server error the retry policy should chase.
            _ => ErrorKind::ApiStatus,
        }
    }

    /// True for the kinds that carry an HTTP status.
    pub fn is_api_status(self) -> bool {
        matches!(
            self,
            ErrorKind::BadRequest
                | ErrorKind::Authentication
                | ErrorKind::PermissionDenied
                | ErrorKind::NotFound
                | ErrorKind::Conflict
                | ErrorKind::UnprocessableEntity
                | ErrorKind::RateLimited
                | ErrorKind::InternalServer
                | ErrorKind::ApiStatus
        )
    }
}

/// An SDK error. `Display` gives one line fit for a log; it never contains the token.
///
/// Boxed: errors are the cold path, and a small `Result` keeps the hot one cheap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<ErrorInner>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorInner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    code: Option<String>,
    body: Option<String>,
    request_id: Option<String>,
    /// The headers of the answer an API status error is about (lowercased names, in arrival
    /// order); empty for other errors.
    headers: Vec<(String, String)>,
    retries: u32,
    /// The request that failed (`GET`, `https://api.openint.dev/v1/connection/...`), when one
    /// was made. The URL never carries credentials.
    method: Option<&'static str>,
    url: Option<String>,
}

impl std::ops::Deref for Error {
    type Target = ErrorInner;
    fn deref(&self) -> &ErrorInner {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorInner {
        &mut self.0
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with `message`, for code built on this crate that reports its own
    /// failures the same way (the C boundary's argument checks, say). Messages must not quote
    /// secrets: this constructor does not redact.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(ErrorInner {
            kind,
            message: message.into(),
            status: None,
            code: None,
            body: None,
            request_id: None,
            headers: Vec::new(),
            retries: 0,
            method: None,
            url: None,
        }))
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub(crate) fn decode(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Decode, message)
    }

    /// An API status error from a non-2xx answer. The body's `message` and `code` are read
    /// leniently: the real server sends `{"message", "code", ...}`, proxies send HTML or nothing.
    pub(crate) fn from_status(status: u16, body: String, request_id: Option<String>) -> Error {
        let (message, code) = parse_error_body(&body);
        let message = message.map(|m| bounded(m, MAX_MESSAGE));
        let message = message.unwrap_or_else(|| match reason(status) {
            "" => format!("HTTP {status}"),
            r => format!("HTTP {status} {r}"),
        });
        Error(Box::new(ErrorInner {
            kind: ErrorKind::from_status(status),
            message,
            status: Some(status),
            code,
            body: Some(body),
            request_id,
            headers: Vec::new(),
            retries: 0,
            method: None,
            url: None,
        }))
    }

    /// Keeps (a bounded prefix of) the body of the answer the error is about: for a 2xx answer
    /// that is not what was expected, the body shows what came instead.
    pub(crate) fn with_body(mut self, body: &str) -> Error {
        let max = MAX_ERROR_BODY;
        let mut end = body.len().min(max);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        let mut kept = body[..end].to_string();
        if end < body.len() {
            kept.push_str(&format!("... (cut at {max} bytes)"));
        }
        self.body = Some(kept);
        self
    }

    /// Names the request: errors from the network layer name the method and URL.
    pub(crate) fn with_request(mut self, method: &'static str, url: &str) -> Error {
        self.method = Some(method);
        self.url = Some(url.to_string());
        self
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Error {
        self.message = message.into();
        self
    }

    /// Keeps the headers of the error answer (what `Retry-After`, rate-limit or tracing headers
    /// the server sent), for callers that read them as they would a response's.
    pub(crate) fn with_headers(mut self, headers: Vec<(String, String)>) -> Error {
        self.headers = headers;
        self
    }

    pub(crate) fn with_retries(mut self, retries: u32) -> Error {
        self.retries = retries;
        self
    }

    /// Passes every text this error carries through the one redaction (`redact.rs`) with the
    /// client's `secrets`: a server or proxy may echo the Authorization header, a secret in a
    /// body, or a secret query parameter of the URL.
    pub(crate) fn redacted<S: AsRef<str>>(mut self, secrets: &[S]) -> Error {
        let scrub = |s: &mut String| {
            if let std::borrow::Cow::Owned(clean) = crate::redact::redact_with(s, secrets) {
                *s = clean;
            }
        };
        let inner = &mut *self.0;
        scrub(&mut inner.message);
        for field in [
            &mut inner.code,
            &mut inner.body,
            &mut inner.request_id,
            &mut inner.url,
        ]
        .into_iter()
        .flatten()
        {
            scrub(field);
        }
        for (_, value) in &mut inner.headers {
            scrub(value);
        }
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The server's `message` for API status errors, else a description of what went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The HTTP status, for API status errors.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
    /// The server's machine-readable `code` (for example `NOT_FOUND`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The response body of an API status error, or of a 2xx answer that could not be decoded
    /// (at most its first 64 KiB, marked when cut).
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }
    /// The `x-request-id` (or `request-id`) response header, when present.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The headers of the answer an API status error is about (lowercased names, in arrival
    /// order); empty for other errors.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }
    /// The first value of a header of the error answer, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// How many retries were made before giving up.
    pub fn retries(&self) -> u32 {
        self.retries
    }
    /// The HTTP method of the failed request, when a request was made.
    pub fn method(&self) -> Option<&str> {
        self.method
    }
    /// The URL of the failed request (never with credentials), when a request was made.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.status, &self.code) {
            // The message already says "HTTP 502 ..." when the body had none of its own.
            (Some(s), _) if self.message.starts_with(&format!("HTTP {s}")) => {
                f.write_str(&self.message)?
            }
            (Some(s), Some(c)) => write!(f, "HTTP {s} {c}: {}", self.message)?,
            (Some(s), None) => write!(f, "HTTP {s}: {}", self.message)?,
            _ => f.write_str(&self.message)?,
        }
        // Transport errors carry the request in their message already.
        if let (Some(m), Some(u), Some(_)) = (self.method, &self.url, self.status) {
            write!(f, " ({m} {u})")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.retries > 0 {
            write!(f, " (after {} retries)", self.retries)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// `message` and `code` of an error body, each only when it is a non-empty string.
fn parse_error_body(body: &str) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Lenient {
        #[serde(default)]
        message: serde_json::Value,
        #[serde(default)]
        code: serde_json::Value,
    }
    let text = |v: serde_json::Value| match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s),
        _ => None,
    };
    match serde_json::from_str::<Lenient>(body) {
        Ok(b) => (text(b.message), text(b.code)),
        Err(_) => (None, None),
    }
}

/// How much of an error answer's body is read and kept (the rest is never read: the connection
/// is dropped instead of drained), and of a 2xx body that could not be decoded.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Longest message kept from a server's error body.
const MAX_MESSAGE: usize = 1000;

/// `s` cut to at most `max` bytes (on a character boundary), saying so.
pub(crate) fn bounded(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("... (cut)");
    }
    s
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_mapping() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::PermissionDenied),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (422, ErrorKind::UnprocessableEntity),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::InternalServer),
            (503, ErrorKind::InternalServer),
            (599, ErrorKind::InternalServer),
            (501, ErrorKind::ApiStatus),
            (418, ErrorKind::ApiStatus),
            (302, ErrorKind::ApiStatus),
            (999, ErrorKind::ApiStatus),
            (600, ErrorKind::ApiStatus),
        ];
        for (status, kind) in cases {
            assert_eq!(ErrorKind::from_status(status), kind, "status {status}");
            assert!(kind.is_api_status());
        }
        for kind in [
            ErrorKind::InvalidArgument,
            ErrorKind::Timeout,
            ErrorKind::Decode,
        ] {
            assert!(!kind.is_api_status());
        }
    }

    #[test]
    fn lenient_body_parsing() {
        let e = Error::from_status(404, r#"{"message":"nope","code":"NOT_FOUND"}"#.into(), None);
        assert_eq!((e.message(), e.code()), ("nope", Some("NOT_FOUND")));
        let e = Error::from_status(502, "<html>bad gateway</html>".into(), Some("r1".into()));
        assert_eq!(e.message(), "HTTP 502 Bad Gateway");
        assert_eq!(e.code(), None);
        assert_eq!(e.request_id(), Some("r1"));
        let e = Error::from_status(400, r#"{"message":7,"code":null}"#.into(), None);
        assert_eq!((e.message(), e.code()), ("HTTP 400 Bad Request", None));
    }

    #[test]
    fn redaction_removes_the_token_everywhere() {
        let e = Error::from_status(
            401,
            r#"{"message":"bad token sk_live_123","code":"UNAUTHORIZED"}"#.into(),
            None,
        )
        .with_headers(vec![(
            "www-authenticate".into(),
            "Bearer sk_live_123".into(),
        )])
        .redacted(&["sk_live_123"]);
        assert_eq!(e.header("WWW-Authenticate"), Some("Bearer [REDACTED]"));
        assert!(!e.message().contains("sk_live_123"));
        assert!(!e.body().unwrap().contains("sk_live_123"));
        assert!(!e.to_string().contains("sk_live_123"));
    }
}
