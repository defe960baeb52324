//! The send loop: a request sent with retries within the call's deadline, the pause a listing's
//! requests share, cancellation between attempts, and the log lines of every attempt. Every
//! error that leaves it names the request and has the token (and proxy password) redacted.

use super::agent::Http;
use super::attempt::{cancelled_error, Response};
use super::call::CallCtx;
use super::retry::backoff;
use crate::call_state::CallScope;
use crate::cancel::{self, CancelToken};
use crate::error::{Error, ErrorKind, Result};
use crate::log::LogLevel;
use crate::operations::Retry;
use crate::params::{Prepared, RequestOptions};
use crate::redact::strip_userinfo;
use std::time::{Duration, Instant};

impl Http {
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
            e.with_retries(retries).redacted(&self.secrets)
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
        let deadline = self.deadline(opts);
        let max_retries = opts.max_retries.unwrap_or(self.cfg.max_retries);
        let may_resend = opts.retry_unsafe.unwrap_or(req.retry == Retry::Safe);
        let shown = strip_userinfo(url);
        let cancelled = || cancelled_error(req.method, &shown);
        loop {
            if let Some(gate) = ctx.gate {
                // A pause that outlasts this call's deadline fails it now, as a retry would.
                if let Some(left) = gate.left().filter(|&l| past(deadline, l)) {
                    return Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "{method} {shown}: the listing is paused for {left:.1?} more (the server asked it to slow down), past the call's deadline (its timeout, or the client's total_timeout)",
                            method = req.method.as_str()
                        ),
                    ));
                }
                if !gate.wait(ctx.cancel) {
                    return Err(cancelled());
                }
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
            let past_deadline = past(deadline, wait);
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
                .log(LogLevel::Warn, "openint::retry", &self.secrets, || {
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

    /// When a call with `opts` must end: its own timeout from now, else the client's
    /// `total_timeout` (`Duration::MAX`, a Go context without a deadline, means the latter).
    pub(crate) fn deadline(&self, opts: &RequestOptions) -> Option<Instant> {
        match opts.timeout {
            Some(d) if d != Duration::MAX => Some(d),
            _ => self.cfg.total_timeout,
        }
        .and_then(|d| Instant::now().checked_add(d))
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
            .log(LogLevel::Info, "openint::http", &self.secrets, || {
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
        self.log.log(level, "openint::http", &self.secrets, || {
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
}

/// Whether waiting `wait` from now reaches `deadline`.
fn past(deadline: Option<Instant>, wait: Duration) -> bool {
    deadline.is_some_and(|d| Instant::now() + wait >= d)
}
