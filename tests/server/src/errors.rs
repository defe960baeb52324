//! Error answers in the real server's shape: `{message, code, data: {code, httpStatus, path?},
//! issues?}` (tRPC's error formatter; `path` is the operation id).

use crate::http::{reason, Response};
use crate::json::{s, V};

/// The tRPC error code the real server pairs with an HTTP status.
pub fn code_for(status: u16) -> String {
    let known = match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_SUPPORTED",
        408 => "TIMEOUT",
        409 => "CONFLICT",
        412 => "PRECONDITION_FAILED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "UNPROCESSABLE_CONTENT",
        429 => "TOO_MANY_REQUESTS",
        499 => "CLIENT_CLOSED_REQUEST",
        500 => "INTERNAL_SERVER_ERROR",
        501 => "NOT_IMPLEMENTED",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    match reason(status) {
        "Unknown" if status >= 500 => "INTERNAL_SERVER_ERROR".into(),
        "Unknown" => "BAD_REQUEST".into(),
        r => r
            .to_ascii_uppercase()
            .replace([' ', '\''], "_")
            .replace("__", "_"),
    }
}

fn body_with_code(
    status: u16,
    code: &str,
    message: &str,
    procedure: Option<&str>,
    extra: Option<(&str, Vec<V>)>,
) -> String {
    let mut data = vec![
        ("code".to_string(), s(code)),
        ("httpStatus".to_string(), V::Int(i64::from(status))),
    ];
    if let Some(p) = procedure {
        data.push(("path".into(), s(p)));
    }
    let mut fields = vec![
        ("message".to_string(), s(message)),
        ("code".to_string(), s(code)),
        ("data".to_string(), V::Obj(data)),
    ];
    if let Some((key, issues)) = extra {
        fields.push((key.into(), V::Arr(issues)));
    }
    V::Obj(fields).render()
}

/// The real server's error body for `status`.
pub fn error_body(
    status: u16,
    message: &str,
    procedure: Option<&str>,
    issues: Option<Vec<V>>,
) -> String {
    body_with_code(
        status,
        &code_for(status),
        message,
        procedure,
        issues.map(|i| ("issues", i)),
    )
}

pub fn error(status: u16, message: &str, procedure: Option<&str>) -> Response {
    Response::json(status, error_body(status, message, procedure, None))
}

/// Unknown route or wrong method: the API's own 404 (no `data.path`, never a 405).
pub fn not_found() -> Response {
    error(404, "Not found", None)
}

/// 400 "Input validation failed" with zod issues.
pub fn input_failed(procedure: &str, issues: Vec<V>) -> Response {
    Response::json(
        400,
        error_body(
            400,
            "Input validation failed",
            Some(procedure),
            Some(issues),
        ),
    )
}

/// The body could not be read as JSON: tRPC's PARSE_ERROR (still a 400).
pub fn parse_error(procedure: &str) -> Response {
    Response::json(
        400,
        body_with_code(
            400,
            "PARSE_ERROR",
            "Failed to parse request body",
            Some(procedure),
            None,
        ),
    )
}

/// The server checked its own answer against the output schema and refused it.
pub fn output_failed(procedure: &str, issues: Vec<V>) -> Response {
    Response::json(
        500,
        body_with_code(
            500,
            "INTERNAL_SERVER_ERROR",
            "Output validation failed",
            Some(procedure),
            Some(("output_issues", issues)),
        ),
    )
}
