//! Logging with redaction.
//!
//! The library never prints on its own. Lines go to a logger the host installed (per process
//! with [`set_logger`], or per client), or, when `OPENINT_LOG=error|warn|info|debug|trace` is set
//! and no logger is installed, to stderr. One line per attempt at info (method, URL, status,
//! elapsed, attempt), retries at warn with the reason and the wait, headers at debug, bodies at
//! trace. Every line passes [`redact`]: the token, `Authorization`/`Cookie`/`Proxy-Authorization`
//! values, and `key_...` or JWT-looking values never appear.

use once_cell::sync::Lazy;
use std::borrow::Cow;
use std::sync::{Arc, RwLock};

/// Log levels, most severe first. The numbers are part of the C ABI.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl LogLevel {
    pub fn parse(s: &str) -> Option<LogLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" | "0" => Some(LogLevel::Off),
            "error" | "1" => Some(LogLevel::Error),
            "warn" | "warning" | "2" => Some(LogLevel::Warn),
            "info" | "3" => Some(LogLevel::Info),
            "debug" | "4" => Some(LogLevel::Debug),
            "trace" | "5" => Some(LogLevel::Trace),
            _ => None,
        }
    }

    pub fn from_u32(n: u32) -> Option<LogLevel> {
        [
            LogLevel::Off,
            LogLevel::Error,
            LogLevel::Warn,
            LogLevel::Info,
            LogLevel::Debug,
            LogLevel::Trace,
        ]
        .get(n as usize)
        .copied()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// Receives log lines: level, target (e.g. `openint::http`) and the (redacted) message.
/// Called from whatever thread made the request; must be thread-safe.
pub type LogSink = Arc<dyn Fn(LogLevel, &str, &str) + Send + Sync>;

/// A sink and the most verbose level it wants.
#[derive(Clone)]
pub struct Logger {
    pub level: LogLevel,
    pub sink: LogSink,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logger({:?})", self.level)
    }
}

impl Logger {
    pub fn new(
        level: LogLevel,
        sink: impl Fn(LogLevel, &str, &str) + Send + Sync + 'static,
    ) -> Self {
        Logger {
            level,
            sink: Arc::new(sink),
        }
    }
}

static GLOBAL: RwLock<Option<Logger>> = RwLock::new(None);

/// `OPENINT_LOG`, read once: logging to stderr the host asked for.
static ENV: Lazy<Option<Logger>> = Lazy::new(|| {
    let level = LogLevel::parse(&std::env::var("OPENINT_LOG").ok()?)?;
    (level != LogLevel::Off).then(|| {
        Logger::new(level, |level, target, msg| {
            eprintln!("[openint {}] {target}: {msg}", level.as_str())
        })
    })
});

/// Installs (or with `None` removes) the process-wide logger. Clients without a logger of
/// their own use it; with none, `OPENINT_LOG` decides.
pub fn set_logger(logger: Option<Logger>) {
    *GLOBAL.write().unwrap_or_else(|p| p.into_inner()) = logger;
}

/// The logger of one client: its own if set, else the process-wide one, else `OPENINT_LOG`.
#[derive(Default)]
pub(crate) struct ClientLog {
    own: RwLock<Option<Logger>>,
}

impl ClientLog {
    pub(crate) fn set(&self, logger: Option<Logger>) {
        *self.own.write().unwrap_or_else(|p| p.into_inner()) = logger;
    }

    fn current(&self) -> Option<Logger> {
        if let Some(l) = self.own.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return Some(l.clone());
        }
        if let Some(l) = GLOBAL.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return Some(l.clone());
        }
        ENV.clone()
    }

    /// Whether a line at `level` would go anywhere (checked before building it).
    pub(crate) fn enabled(&self, level: LogLevel) -> Option<Logger> {
        self.current()
            .filter(|l| level <= l.level && level != LogLevel::Off)
    }

    /// Logs `message()` at `level`, redacted with `token`, if anyone listens.
    pub(crate) fn log(
        &self,
        level: LogLevel,
        target: &str,
        token: Option<&str>,
        message: impl FnOnce() -> String,
    ) {
        if let Some(logger) = self.enabled(level) {
            let text = message();
            let text = redact(&text, token);
            // A panicking sink must not take the request down with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                (logger.sink)(level, target, &text)
            }));
        }
    }
}

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
    fn levels_parse() {
        assert_eq!(LogLevel::parse(" DEBUG "), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("loud"), None);
        assert_eq!(LogLevel::from_u32(5), Some(LogLevel::Trace));
        assert_eq!(LogLevel::from_u32(6), None);
    }
}
