//! openint: a client for the OpenInt API with a C ABI.
//!
//! One blocking Rust core (this crate) does HTTP, auth, retries, timeouts, cancellation,
//! pagination, errors and models for every v1 operation; C, C++, Python and Go speak to it
//! through the C ABI in [`ffi`] (`include/openint.h`).
//!
//! ```no_run
//! use openint::{Client, ClientOptions, ListConnectionsParams};
//! let client = Client::new(ClientOptions::from_env())?;
//! // A customer's connections, with their credentials, across every page.
//! let params = ListConnectionsParams::new().customer_id("cus_123").include_secrets(true);
//! for connection in client.list_connections_auto(&params)? {
//!     let connection = connection?;
//!     println!("{} {:?}", connection.id, connection.connector_name);
//! }
//! # Ok::<(), openint::Error>(())
//! ```

mod api;
mod call_state;
mod cancel;
mod client;
mod error;
pub mod ffi;
mod fork;
mod http;
mod log;
mod models;
pub mod operations;
mod pagination;
mod params;
#[cfg(test)]
mod proptest;
mod redact;
mod response;
mod transport;

pub use api::*;
pub use cancel::CancelToken;
pub use client::{
    Client, ClientOptions, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_PREFETCH,
};
pub use error::{Error, ErrorKind, Result};
pub use http::TlsRoots;
pub use log::{log_line, set_logger, LogLevel, LogSink, Logger};
pub use models::*;
pub use pagination::{AutoPager, Page};
pub use pagination::{JsonCursor, JsonPage};
pub use params::{operation, RequestOptions, MAX_LIMIT};
pub use redact::redact;
pub use response::{JsonResponse, ResponseMeta};

/// The crate version, sent in the User-Agent (`openint-rust/<version>`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
