//! Status numbers: the kind of every failure (`ErrorKind`) as the C ABI numbers it, and their
//! names.

use crate::ErrorKind;
use libc::c_char;

/// The result of every fallible function, and the kind of an `OpenintError`.
/// The numbers are part of the ABI: they are never renumbered or reused.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenintStatus {
    /// Success.
    Ok = 0,
    /// Bad input from the caller (NULL handle, bad JSON, unknown operation or key, wrong type,
    /// value out of range, missing required parameter), found before any request.
    InvalidArgument = 1,
    /// The connection could not be made or broke (including a body cut off mid-way).
    Connection = 2,
    /// A per-attempt timeout or the call's deadline passed.
    Timeout = 3,
    /// HTTP 400.
    BadRequest = 4,
    /// HTTP 401.
    Authentication = 5,
    /// HTTP 403.
    PermissionDenied = 6,
    /// HTTP 404.
    NotFound = 7,
    /// HTTP 409.
    Conflict = 8,
    /// HTTP 422.
    UnprocessableEntity = 9,
    /// HTTP 429.
    RateLimited = 10,
    /// HTTP 500 and 502 to 599: the server failed or is unavailable.
    InternalServer = 11,
    /// Any other non-2xx HTTP status, such as 501 Not Implemented (the server does not do
    /// what was asked), or a refused redirect to another origin.
    ApiStatus = 12,
    /// A 2xx answer that is not the expected JSON, or a server that ignores `offset`.
    Decode = 13,
    /// The response body passed `max_body_bytes`.
    BodyTooLarge = 14,
    /// A bug in this library (a caught panic). Please report it.
    Internal = 15,
    /// The call was cancelled with `openint_cancel`. (Added in 0.2; ABI 1.)
    Cancelled = 16,
    /// The server's answer is not valid HTTP (garbage status line, header flood). Not
    /// retried. (Added in 0.2; ABI 1.)
    Protocol = 17,
    /// Not an error: a cursor or page chain has no more items. No out-parameter is written.
    End = 100,
}

impl From<ErrorKind> for OpenintStatus {
    fn from(k: ErrorKind) -> Self {
        match k {
            ErrorKind::InvalidArgument => OpenintStatus::InvalidArgument,
            ErrorKind::Connection => OpenintStatus::Connection,
            ErrorKind::Timeout => OpenintStatus::Timeout,
            ErrorKind::BadRequest => OpenintStatus::BadRequest,
            ErrorKind::Authentication => OpenintStatus::Authentication,
            ErrorKind::PermissionDenied => OpenintStatus::PermissionDenied,
            ErrorKind::NotFound => OpenintStatus::NotFound,
            ErrorKind::Conflict => OpenintStatus::Conflict,
            ErrorKind::UnprocessableEntity => OpenintStatus::UnprocessableEntity,
            ErrorKind::RateLimited => OpenintStatus::RateLimited,
            ErrorKind::InternalServer => OpenintStatus::InternalServer,
            ErrorKind::ApiStatus => OpenintStatus::ApiStatus,
            ErrorKind::Decode => OpenintStatus::Decode,
            ErrorKind::BodyTooLarge => OpenintStatus::BodyTooLarge,
            ErrorKind::Internal => OpenintStatus::Internal,
            ErrorKind::Cancelled => OpenintStatus::Cancelled,
            ErrorKind::Protocol => OpenintStatus::Protocol,
        }
    }
}

/// A short lowercase name for a status ("ok", "not_found", "end", ...). Static; never free it.
/// Unknown numbers give "unknown".
#[no_mangle]
pub extern "C" fn openint_status_name(status: u32) -> *const c_char {
    let s: &'static str = match status {
        0 => "ok\0",
        1 => "invalid_argument\0",
        2 => "connection\0",
        3 => "timeout\0",
        4 => "bad_request\0",
        5 => "authentication\0",
        6 => "permission_denied\0",
        7 => "not_found\0",
        8 => "conflict\0",
        9 => "unprocessable_entity\0",
        10 => "rate_limited\0",
        11 => "internal_server\0",
        12 => "api_status\0",
        13 => "decode\0",
        14 => "body_too_large\0",
        15 => "internal\0",
        16 => "cancelled\0",
        17 => "protocol\0",
        100 => "end\0",
        _ => "unknown\0",
    };
    s.as_ptr() as *const c_char
}
