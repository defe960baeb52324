//! Parameters: a call's parameters checked against the operation table before any request
//! (`check`), encoded by the server's rules into a request ready to send (`encode`), and the
//! per-call options (`options`, read from JSON text by `args` for the C ABI).
//!
//! The encoding rules come from the recorded server (docs/API-BEHAVIOUR.md): path parameters are
//! percent-encoded; query arrays are comma-joined (bracket keys are silently ignored by the
//! server) and never sent empty; booleans are sent only when true (the server reads `false` as
//! true); a request whose operation has a body carries `Content-Type: application/json` and a
//! JSON object, at least `{}` (without them the server crashes or answers PARSE_ERROR); one
//! without sends none, except that a DELETE keeps the Content-Type (see `Body::None`).
//! `extra_query` follows the boolean rule for every boolean the table knows. Refused before any
//! request, naming what is wrong: a path parameter `.` or `..` (a dot segment moves the request),
//! path parameters over 4096 bytes and query values over 8192 (a URL of megabytes), `extra_body`
//! on a GET (it would be dropped), framing headers (`Host`, `Content-Length`, ...) and header
//! values over 8192 bytes.

mod args;
mod check;
mod encode;
mod options;
#[cfg(test)]
mod tests;

pub(crate) use args::{seconds, JsonArgs};
pub(crate) use check::{check_headers, MAX_HEADER_VALUE};
pub use check::{operation, MAX_LIMIT};
pub(crate) use encode::{prepare, prepare_raw, Prepared};
pub use options::RequestOptions;
