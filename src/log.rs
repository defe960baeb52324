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
use std::cell::{Cell, RefCell};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};

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

/// An installed logger and the count of its callbacks running, so that replacing or removing
/// it can wait for them: once that returns, no callback runs with its sink (a C host frees the
/// logger's `user_data` right after).
#[derive(Clone)]
struct Installed {
    logger: Logger,
    calls: Arc<Calls>,
}

/// Callbacks running under one logger (or one scope), and whether new ones may start.
#[derive(Default)]
struct Calls {
    state: Mutex<CallsState>,
    idle: Condvar,
}

#[derive(Default)]
struct CallsState {
    closed: bool,
    running: usize,
}

thread_local! {
    /// How many logger callbacks this thread is inside (a callback may call the library).
    static IN_CALLBACK: Cell<u32> = const { Cell::new(0) };
    /// The scope of this thread's lines, if any: a listing's prefetch thread logs only while
    /// its listing lives.
    static SCOPE: RefCell<Option<Arc<Calls>>> = const { RefCell::new(None) };
}

impl Calls {
    fn state(&self) -> MutexGuard<'_, CallsState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts a callback in; false once closed.
    fn enter(&self) -> bool {
        let mut st = self.state();
        if st.closed {
            return false;
        }
        st.running += 1;
        true
    }

    fn leave(&self) {
        let mut st = self.state();
        st.running -= 1;
        if st.running == 0 {
            self.idle.notify_all();
        }
    }

    /// No callback starts after this; the running ones are waited for, except on a thread that
    /// is itself inside a logger callback: it could be waiting for itself, or for a thread that
    /// waits for it. (So whoever waits holds no callback open, and waits never form a circle.)
    fn close(&self) {
        let mut st = self.state();
        st.closed = true;
        if IN_CALLBACK.try_with(Cell::get).unwrap_or(0) > 0 {
            return;
        }
        while st.running > 0 {
            st = self.idle.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A slot holding an installed logger (the process-wide one, or one client's).
#[derive(Default)]
struct Slot(RwLock<Option<Installed>>);

impl Slot {
    /// Installs `logger` in place of the one there, and returns once no callback of the old
    /// one runs any more (see [`Calls::close`]).
    fn replace(&self, logger: Option<Logger>) {
        let new = logger.map(|logger| Installed {
            logger,
            calls: Arc::default(),
        });
        let old = std::mem::replace(&mut *self.0.write().unwrap_or_else(|p| p.into_inner()), new);
        if let Some(old) = old {
            old.calls.close();
        }
    }

    fn get(&self) -> Option<Installed> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

static GLOBAL: Slot = Slot(RwLock::new(None));

/// `OPENINT_LOG`, read once: logging to stderr the host asked for.
static ENV: Lazy<Option<Installed>> = Lazy::new(|| {
    let level = LogLevel::parse(&std::env::var("OPENINT_LOG").ok()?)?;
    (level != LogLevel::Off).then(|| Installed {
        logger: Logger::new(level, |level, target, msg| {
            eprintln!("[openint {}] {target}: {msg}", level.as_str())
        }),
        calls: Arc::default(),
    })
});

/// Installs (or with `None` removes) the process-wide logger. Clients without a logger of
/// their own use it; with none, `OPENINT_LOG` decides. When it returns, no callback of the
/// logger it replaced runs any more, on any thread, unless it is called from inside a logger
/// callback (then it does not wait: the rule holds once the running callbacks return).
pub fn set_logger(logger: Option<Logger>) {
    GLOBAL.replace(logger);
}

/// Sends one line through the process-wide logger (else `OPENINT_LOG`), redacted and guarded
/// like the library's own lines, for code built on this crate that logs through the same
/// loggers (the C boundary reports the panics it catches with it).
pub fn log_line(level: LogLevel, target: &str, message: &str) {
    ClientLog::default().log(level, target, &[], || message.to_string());
}

/// Where a thread's lines may go while it works for something that can be freed before the
/// thread ends (a listing's prefetch threads): once [`LogScope::close`] returns, no line of a
/// thread that entered the scope reaches any logger.
#[derive(Clone, Default)]
pub(crate) struct LogScope(Arc<Calls>);

/// The scope a thread entered, left when dropped.
pub(crate) struct InScope(Option<Arc<Calls>>);

impl LogScope {
    /// Puts this thread's lines under the scope until the guard is dropped.
    pub(crate) fn enter(&self) -> InScope {
        InScope(
            SCOPE
                .try_with(|s| s.borrow_mut().replace(self.0.clone()))
                .ok()
                .flatten(),
        )
    }

    /// Stops the lines of the scope's threads, waiting for the callbacks running for them
    /// (see [`Calls::close`]).
    pub(crate) fn close(&self) {
        self.0.close();
    }
}

impl Drop for InScope {
    fn drop(&mut self) {
        let prev = self.0.take();
        let _ = SCOPE.try_with(|s| *s.borrow_mut() = prev);
    }
}

/// Holds a callback counted in its logger's calls and its thread's scope.
struct Running<'a> {
    logger: &'a Calls,
    scope: Option<Arc<Calls>>,
}

impl<'a> Running<'a> {
    fn start(logger: &'a Calls) -> Option<Running<'a>> {
        let scope = SCOPE.try_with(|s| s.borrow().clone()).ok().flatten();
        if let Some(scope) = &scope {
            if !scope.enter() {
                return None;
            }
        }
        if !logger.enter() {
            if let Some(scope) = &scope {
                scope.leave();
            }
            return None;
        }
        let _ = IN_CALLBACK.try_with(|d| d.set(d.get() + 1));
        Some(Running { logger, scope })
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let _ = IN_CALLBACK.try_with(|d| d.set(d.get().saturating_sub(1)));
        self.logger.leave();
        if let Some(scope) = &self.scope {
            scope.leave();
        }
    }
}

/// The logger of one client: its own if set, else the process-wide one, else `OPENINT_LOG`.
#[derive(Default)]
pub(crate) struct ClientLog {
    own: Slot,
}

impl ClientLog {
    /// Replaces the client's own logger; returns once no callback of the old one runs (see
    /// [`set_logger`]).
    pub(crate) fn set(&self, logger: Option<Logger>) {
        self.own.replace(logger);
    }

    fn current(&self) -> Option<Installed> {
        self.own
            .get()
            .or_else(|| GLOBAL.get())
            .or_else(|| ENV.clone())
    }

    /// The logger a line at `level` would go to, if any (checked before building it).
    fn enabled(&self, level: LogLevel) -> Option<Installed> {
        self.current()
            .filter(|l| level <= l.logger.level && level != LogLevel::Off)
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
        let Some(installed) = self.enabled(level) else {
            return;
        };
        let text = message();
        let text = redact_with(&text, secrets);
        // Counted in, so that a logger being replaced (or a scope closed) waits for this call,
        // and none starts after.
        let Some(_running) = Running::start(&installed.calls) else {
            return;
        };
        // A panicking sink must not take the request down with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            (installed.logger.sink)(level, target, &text)
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn replacing_a_logger_waits_for_its_running_callbacks() {
        let log = Arc::new(ClientLog::default());
        let (started, finished) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (s, f) = (started.clone(), finished.clone());
        log.set(Some(Logger::new(LogLevel::Info, move |_, _, _| {
            s.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(100));
            f.store(true, Ordering::SeqCst);
        })));
        let l2 = log.clone();
        let t = std::thread::spawn(move || l2.log(LogLevel::Info, "t", &[], || "line".into()));
        while started.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        log.set(None);
        assert!(
            finished.load(Ordering::SeqCst),
            "set returned under a running callback"
        );
        t.join().unwrap();
        // And none starts after.
        log.log(LogLevel::Info, "t", &[], || "after".into());
        assert_eq!(started.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_callback_may_replace_its_own_logger() {
        let log = Arc::new(ClientLog::default());
        let l2 = log.clone();
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        log.set(Some(Logger::new(LogLevel::Info, move |_, _, _| {
            c.fetch_add(1, Ordering::SeqCst);
            l2.set(None); // would wait for itself
        })));
        log.log(LogLevel::Info, "t", &[], || "line".into());
        log.log(LogLevel::Info, "t", &[], || "line".into());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        log.set(None); // drops the cycle
    }

    #[test]
    fn a_closed_scope_silences_its_threads() {
        let log = Arc::new(ClientLog::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        log.set(Some(Logger::new(LogLevel::Info, move |_, _, _| {
            c.fetch_add(1, Ordering::SeqCst);
        })));
        let scope = LogScope::default();
        let (sc, l2) = (scope.clone(), log.clone());
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::spawn(move || {
            let _in = sc.enter();
            l2.log(LogLevel::Info, "t", &[], || "before".into());
            go_rx.recv().unwrap();
            l2.log(LogLevel::Info, "t", &[], || "after".into());
        });
        while calls.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        scope.close();
        go_tx.send(()).unwrap();
        t.join().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Threads outside the scope still log.
        log.log(LogLevel::Info, "t", &[], || "outside".into());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        log.set(None);
    }

    #[test]
    fn levels_parse() {
        assert_eq!(LogLevel::parse(" DEBUG "), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("loud"), None);
        assert_eq!(LogLevel::from_u32(5), Some(LogLevel::Trace));
        assert_eq!(LogLevel::from_u32(6), None);
    }
}
