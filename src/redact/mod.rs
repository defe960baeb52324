//! What text may show. Every message, error and log line the library makes passes through
//! [`redact_with`], the one redaction:
//! - the secrets of the client (the token, the proxy password), in every form a peer may echo
//!   them: as sent, JSON-escaped (once or twice), `\u00XX`, percent-encoded, `+` for a space;
//!   and a start of one (3 characters or more) where the text was cut (at its end when it is a
//!   prefix of a longer text, and before every cut marker `... (`);
//! - the values of JSON keys named like secrets: `settings`, `config`, `credentials`, `oauth`,
//!   `auth`, `authorization`, `cookie`, and any key whose name holds `secret`, `token`,
//!   `password`, `passwd` or `key` (`api_key`, `apiKey`, `client_secret`, `access_token`, ...),
//!   whatever the value's type (`true`, `false` and `null` stay: they are no secret);
//! - the values of query parameters named like that (`?api_key=...`, `&token=...`);
//! - the values of credential headers (`Authorization`, `Proxy-Authorization`, `Cookie`,
//!   `Set-Cookie`, `X-Api-Key`, `X-Auth-Token`), `key_...` API keys and JWT-looking values.
//!
//! Text is cut after it is redacted ([`cut`]), so a secret across the cut is masked whole.
//! URLs lose their `user:password@` ([`strip_userinfo`]); a caller's string is quoted only as a
//! short prefix ([`shown`]), and a rejected URL only as its origin or 4 characters
//! ([`shown_rejected_url`]). This is the one home of redaction: a new kind of secret, or a new
//! rule about what may be quoted, is added here and reaches every path that prints or logs.
//!
//! The rooms: `text` (the one redaction and cutting), `secrets` (the client's secrets in every
//! encoding, and their starts at cuts), `named` (values named like secrets), `quote` (what of a
//! caller's string or URL an error may quote).

mod named;
mod quote;
mod secrets;
mod text;

pub(crate) use quote::{shown, shown_rejected_url, shown_url, strip_userinfo};
pub use text::redact;
pub(crate) use text::{cut, redact_cut, redact_with};
