//! openint: a client for the OpenInt API with a C ABI.
//!
//! One blocking Rust core (this crate) does HTTP, auth, retries, timeouts, pagination, errors
//! and models; C, C++, Python and Go speak to it through the C ABI in [`ffi`]
//! (`include/openint.h`).
//!
//! ```no_run
//! use openint::{Client, ClientOptions, ListConnectorsParams};
//! let client = Client::new(ClientOptions::from_env())?;
//! for connector in client.list_connectors_auto(&ListConnectorsParams::new().limit(100))? {
//!     println!("{}", connector?.name);
//! }
//! # Ok::<(), openint::Error>(())
//! ```

mod client;
mod error;
pub mod ffi;
mod http;
mod models;
mod pagination;
mod params;

pub use client::{
    Client, ClientOptions, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
};
pub use error::{Error, ErrorKind, Result};
pub use models::{AuthType, Connector, ConnectorSchemas, Integration, Platform, Scope, Stage};
pub use pagination::{AutoPager, Page};
pub use params::{CallOptions, Expand, ListConnectorsParams, MAX_LIMIT};

/// The crate version, sent in the User-Agent (`openint-rust/<version>`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
