//! HTTP and retries: one keep-alive agent per client (TLS, proxy, the cancellable transport),
//! bearer auth, same-origin redirects only, bounded bodies, and the retry policy (which
//! failures, how long to wait, when to give up, and which requests may be sent twice).
//!
//! The rooms: `agent` (configuration: TLS roots, client certificate, proxy, timeouts, pool,
//! the origin the token may go to), `send` (the send loop: retries, deadlines, the pause a
//! listing shares, log lines of attempts), `retry` (the policy: which answers are retried and
//! how long to wait), `attempt` (one attempt: the request on the wire, the answer classified),
//! `redirect` (same-origin redirects) and `body` (bounded body reading).
//!
//! Every error leaving this module names the method and URL and has passed the one token
//! redaction (`Error::redacted`), including errors raised while decoding a 2xx body: decoding
//! runs inside [`Http::send`] for that reason.

// `Failure` is private and short-lived; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod agent;
mod attempt;
mod body;
mod call;
mod redirect;
mod retry;
mod send;

pub use agent::TlsRoots;
pub(crate) use agent::{Http, HttpConfig};
pub(crate) use attempt::Response;
pub(crate) use call::{Budget, CallCtx, Charge, Gate};
#[cfg(test)]
pub(crate) use redirect::resolve_reference;
#[cfg(test)]
pub(crate) use retry::retry_after;
