//! The C boundary. Every exported function goes through `ffi_call!`, which catches panics
//! (status `OPENINT_STATUS_INTERNAL`, never printed unless the host asked for logging) and turns
//! NULL handles or required pointers into `OPENINT_STATUS_INVALID_ARGUMENT`, so no exported
//! function crashes on bad input.
//!
//! Rules (repeated in the header): fallible functions return an `OpenintStatus` and take a last
//! `OpenintError **err_out` (NULL allowed), written only on failure with an error the caller
//! frees with `openint_error_free`. Other out-parameters are written only on `OPENINT_STATUS_OK`.
//! Strings returned are borrowed from the handle they came from.
//!
//! Every operation goes through the generic entry points (`openint_client_call`,
//! `openint_client_list`, `openint_client_list_cursor`), keyed by the operation id of the
//! table in `operations.rs`; new operations change the table, never this ABI.
//!
//! A skin over the public Rust API: one file per handle, each wrapping the public type of its
//! name and naming nothing but what the crate root exports (`tests/module_graph.rs` checks it):
//! `client.rs` (`Client`: calls, listings, raw requests), `page.rs` (`JsonPage`), `cursor.rs`
//! (`JsonCursor`), `response.rs` (`JsonResponse`, `ResponseMeta`), `error.rs` (`Error`),
//! `status.rs` (`ErrorKind` as status numbers), `cancel.rs` (`CancelToken`), `logger.rs`
//! (`Logger`), `operations.rs` (the public operation table as JSON), `options.rs`
//! (`RequestOptions` as C passes them), and `boundary.rs`, the plumbing every exported function
//! shares (catching panics, checking pointers, reading C strings and JSON text, lending
//! strings).
//!
//! cbindgen writes the header from these files in the order `mod.rs` declares them, each file's
//! functions in source order: keep that order, the header is compared byte for byte.

#![allow(clippy::missing_safety_doc)] // the contract of every function is in its doc comment.

// The header lists functions in this order (see above); blank lines keep rustfmt from
// sorting these declarations.
mod boundary;
mod options;

mod status;

mod operations;

mod client;

mod page;

mod cursor;

mod response;

mod cancel;

mod logger;

mod error;

#[cfg(test)]
mod tests;

pub use cancel::*;
pub use client::*;
pub use cursor::*;
pub use error::*;
pub use logger::*;
pub use operations::*;
pub use page::*;
pub use response::*;
pub use status::*;

use libc::c_char;

/// Bumped whenever a signature, a struct or an enum value of this header changes
/// incompatibly. Bindings compare it with `openint_abi_version()` when they load the library.
/// Functions and status values are only ever added: ABI 1 callers keep working.
pub const OPENINT_ABI_VERSION: u32 = 1;

/// The library version, e.g. "0.2.0". A static string: never free it.
#[no_mangle]
pub extern "C" fn openint_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// `OPENINT_ABI_VERSION` of the library actually loaded. Bindings compare it with the
/// number they were written for and refuse to load on a mismatch.
#[no_mangle]
pub extern "C" fn openint_abi_version() -> u32 {
    OPENINT_ABI_VERSION
}
