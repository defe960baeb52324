//! Reading bodies within their bound, and quoting them (cut) in trace log lines.

use super::agent::Http;
use super::call::Charge;
use crate::log::LogLevel;
use std::io::Read;

/// The most a peer's `Content-Length` may make us allocate up front; bigger bodies grow as
/// their bytes arrive.
const MAX_PRESIZE: usize = 8 * 1024 * 1024;
/// What a charged body is read by (its bytes are charged before they are kept).
const CHARGED_CHUNK: usize = 64 * 1024;
/// Longest body text quoted in a trace log line.
const MAX_LOGGED_BODY: usize = 4096;

/// How a body read ended.
#[derive(Debug, Default, PartialEq)]
pub(super) enum BodyRead {
    /// All of it.
    #[default]
    Whole,
    /// More than `limit` was there.
    OverLimit,
    /// Its charge could not grow: the listing's budget for pages fetched ahead is full.
    OverBudget,
}

/// Reads at most `limit` bytes of the body (nothing past `limit + 1` is read), charging them to
/// `charge` as they arrive when there is one. The buffer grows as bytes arrive (into memory not
/// yet touched, so the process only pays for what was read); `hint` (the peer's
/// Content-Length) only pre-sizes it up to `MAX_PRESIZE`. One spare byte is kept for a NUL.
pub(super) fn read_body(
    resp: &mut ureq::http::Response<ureq::Body>,
    limit: u64,
    hint: Option<u64>,
    charge: Option<&mut Charge>,
) -> std::result::Result<(Vec<u8>, BodyRead), ureq::Error> {
    let presize = hint.unwrap_or(0).min(limit).min(MAX_PRESIZE as u64) as usize;
    let mut buf = Vec::with_capacity(presize + 1);
    let mut reader = resp
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .reader()
        .take(limit.saturating_add(1));
    match charge {
        None => {
            reader.read_to_end(&mut buf).map_err(ureq::Error::from)?;
        }
        Some(charge) => {
            if let Some(len) = hint.filter(|&len| len <= limit) {
                // A known length is charged at once, into a buffer of that size (no copies
                // as it grows). ureq frames the body by it: no more can arrive.
                if !charge.grow(len) {
                    return Ok((Vec::new(), BodyRead::OverBudget));
                }
                buf = Vec::with_capacity(len as usize + 1);
                reader.read_to_end(&mut buf).map_err(ureq::Error::from)?;
                let extra = (buf.len() as u64).saturating_sub(len);
                if extra > 0 && !charge.grow(extra) {
                    return Ok((Vec::new(), BodyRead::OverBudget));
                }
                return Ok(within(buf, limit));
            }
            let mut chunk = vec![0u8; CHARGED_CHUNK];
            loop {
                let n = match reader.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e.into()),
                };
                if !charge.grow(n as u64) {
                    return Ok((Vec::new(), BodyRead::OverBudget));
                }
                buf.extend_from_slice(&chunk[..n]);
            }
        }
    }
    Ok(within(buf, limit))
}

fn within(mut buf: Vec<u8>, limit: u64) -> (Vec<u8>, BodyRead) {
    if buf.len() as u64 > limit {
        buf.truncate(limit as usize);
        return (buf, BodyRead::OverLimit);
    }
    (buf, BodyRead::Whole)
}

impl Http {
    /// A body at trace, redacted before it is cut (so a secret across the cut goes whole).
    pub(super) fn log_body(&self, body: &str) {
        self.log
            .log(LogLevel::Trace, "openint::http", &self.secrets, || {
                let (text, cut) = crate::redact::cut(body, MAX_LOGGED_BODY, &self.secrets);
                let more = if cut {
                    format!("... ({} bytes in all)", body.len())
                } else {
                    String::new()
                };
                format!("body: {text}{more}")
            });
    }
}
