use super::boundary::ffi_call;
use super::*;
use crate::LogLevel;
use serde_json::{json, Value};
use std::ffi::CStr;
use std::ptr::null_mut;

#[test]
fn null_handles_are_invalid_arguments_not_crashes() {
    unsafe {
        let mut err: *mut OpenintError = null_mut();
        let mut count = 7usize;
        let s = openint_page_item_count(std::ptr::null(), &mut count, &mut err);
        assert_eq!(s, OpenintStatus::InvalidArgument);
        assert_eq!(count, 7, "out-parameters are written only on success");
        let msg = CStr::from_ptr(openint_error_message(err)).to_str().unwrap();
        assert_eq!(msg, "page is NULL");
        assert_eq!(openint_error_kind(err), OpenintStatus::InvalidArgument);
        openint_error_free(err);
        let s = openint_client_new(std::ptr::null(), null_mut(), null_mut());
        assert_eq!(s, OpenintStatus::InvalidArgument);
        openint_client_free(null_mut());
        openint_page_free(null_mut());
        openint_cursor_free(null_mut());
        openint_error_free(null_mut());
        openint_response_free(null_mut());
        openint_cancel_free(null_mut());
        openint_cancel(std::ptr::null());
        assert!(openint_error_message(std::ptr::null()).is_null());
        assert!(openint_page_response(std::ptr::null()).is_null());
        assert!(openint_response_body(std::ptr::null(), null_mut()).is_null());
        assert!(!openint_response_header_at(
            std::ptr::null(),
            0,
            null_mut(),
            null_mut()
        ));
    }
}

#[test]
fn panics_become_internal_errors() {
    let mut err: *mut OpenintError = null_mut();
    let s = ffi_call!(&mut err, {
        if err.is_null() {
            panic!("boom");
        }
        Ok(OpenintStatus::Ok)
    });
    assert_eq!(s, OpenintStatus::Internal);
    unsafe {
        let msg = CStr::from_ptr(openint_error_message(err)).to_str().unwrap();
        assert!(msg.contains("boom"), "{msg}");
        openint_error_free(err);
    }
}

#[test]
fn log_levels_match_the_core() {
    for (c, core) in [
        (OpenintLogLevel::Off, LogLevel::Off),
        (OpenintLogLevel::Error, LogLevel::Error),
        (OpenintLogLevel::Warn, LogLevel::Warn),
        (OpenintLogLevel::Info, LogLevel::Info),
        (OpenintLogLevel::Debug, LogLevel::Debug),
        (OpenintLogLevel::Trace, LogLevel::Trace),
    ] {
        assert_eq!(LogLevel::from_u32(c as u32), Some(core));
    }
}

#[test]
fn status_names() {
    let name = |s: u32| unsafe { CStr::from_ptr(openint_status_name(s)).to_str().unwrap() };
    assert_eq!(name(OpenintStatus::NotFound as u32), "not_found");
    assert_eq!(name(OpenintStatus::Cancelled as u32), "cancelled");
    assert_eq!(name(OpenintStatus::Protocol as u32), "protocol");
    assert_eq!(name(OpenintStatus::End as u32), "end");
    assert_eq!(name(9999), "unknown");
}

#[test]
fn the_exported_table_lists_every_operation() {
    let text = unsafe { CStr::from_ptr(openint_operations_json()) }
        .to_str()
        .unwrap();
    let v: Value = serde_json::from_str(text).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 21);
    assert!(ids.contains(&"createToken") && ids.contains(&"listConnections"));
    let get = v
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "getConnection")
        .unwrap();
    assert_eq!(
        get["params"][0],
        json!({"name": "id", "in": "path", "type": "string", "required": true, "nullable": false, "prefix": "conn_"})
    );
}

#[test]
fn bad_calls_fail_before_any_request() {
    unsafe {
        let mut client = null_mut();
        let opts = c"{\"base_url\":\"http://127.0.0.1:9/v1\",\"max_retries\":0}";
        assert_eq!(
            openint_client_new(opts.as_ptr(), &mut client, null_mut()),
            OpenintStatus::Ok
        );
        for (op, params, needle) in [
            (c"nope", c"{}", "unknown operation \"nope\""),
            (c"getConnection", c"{}", "missing required parameter \"id\""),
            (
                c"getConnection",
                c"{\"id\":7}",
                "\"id\" must be an id starting with \"conn_\"",
            ),
            (
                c"getConnection",
                c"{\"id\":\"conn_1\",\"x\":1}",
                "unknown parameter \"x\"",
            ),
            (c"getConnection", c"[1]", "must be a JSON object"),
        ] {
            let mut resp = null_mut();
            let mut err = null_mut();
            let s = openint_client_call(client, op.as_ptr(), params.as_ptr(), &mut resp, &mut err);
            assert_eq!(s, OpenintStatus::InvalidArgument);
            assert!(resp.is_null());
            let msg = CStr::from_ptr(openint_error_message(err)).to_str().unwrap();
            assert!(msg.contains(needle), "{msg}");
            openint_error_free(err);
        }
        openint_client_free(client);
    }
}
