//! Logging with redaction.
//!
//! The library never prints on its own. Lines go to a logger the host installed (per process
//! with [`set_logger`], or per client), or, when `OPENINT_LOG=error|warn|info|debug|trace` is set
//! and no logger is installed, to stderr.
//!
//! The logging rule (what each level shows, and what no level shows):
//! - error: attempts that got no answer (connection, TLS, timeout), with the reason;
//! - warn: each retry, with the status or failure, the reason and the wait;
//! - info: one line per attempt: method, URL, status, elapsed time, attempt number;
//! - debug: each request's method, URL, header names (never values) and body size;
//! - trace: request and response bodies, the first 4 KiB of each.
//!
//! Every line passes the one redaction (`redact/`), at every level: the token and the proxy
//! password (in any encoding, and their starts where a text is cut); the values of
//! `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key` and
//! `X-Auth-Token`; `key_...` keys and JWTs; the values of JSON keys `settings`, `config`,
//! `credentials`, `oauth`, `auth` and of any key named like a secret (holding `secret`, `token`,
//! `password`, `passwd` or `key`: `api_key`, `apiKey`, `client_secret`, `access_token`, ...),
//! and of query parameters so named, become `[REDACTED]`. So a connection's settings and
//! credentials, a connector config's secrets and an `extra_query` API key never reach a log.

use crate::redact::redact_with;
use once_cell::sync::Lazy;
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

/// Sends one line through the process-wide logger (else `OPENINT_LOG`), redacted and guarded
/// like the library's own lines, for code built on this crate that logs through the same
/// loggers (the C boundary reports the panics it catches with it).
pub fn log_line(level: LogLevel, target: &str, message: &str) {
    ClientLog::default().log(level, target, &[], || message.to_string());
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

    /// Logs `message()` at `level`, through the one redaction with the client's `secrets`, if
    /// anyone listens.
    pub(crate) fn log(
        &self,
        level: LogLevel,
        target: &str,
        secrets: &[String],
        message: impl FnOnce() -> String,
    ) {
        if let Some(logger) = self.enabled(level) {
            let text = message();
            let text = redact_with(&text, secrets);
            // A panicking sink must not take the request down with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                (logger.sink)(level, target, &text)
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse() {
        assert_eq!(LogLevel::parse(" DEBUG "), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("loud"), None);
        assert_eq!(LogLevel::from_u32(5), Some(LogLevel::Trace));
        assert_eq!(LogLevel::from_u32(6), None);
    }
}
