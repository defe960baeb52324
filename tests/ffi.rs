//! The C ABI driven from Rust against the local server: cursors, page chains, per-call
//! timeouts, error accessors, and one client shared by 8 threads. (tests/c drives the same
//! functions from C and C++ under valgrind.)
use crate::common;

use common::{default_scenario, names, registry, scenario};
use openint::ffi::*;
use serde_json::{json, Value};
use std::ffi::{CStr, CString};
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

struct Client(*mut OpenintClient);
unsafe impl Send for Client {}
unsafe impl Sync for Client {}
impl Drop for Client {
    fn drop(&mut self) {
        unsafe { openint_client_free(self.0) }
    }
}

fn client(base_url: &str) -> Client {
    let opts = CString::new(json!({"base_url": base_url, "max_retries": 0}).to_string()).unwrap();
    let mut c = null_mut();
    assert_eq!(
        unsafe { openint_client_new(opts.as_ptr(), &mut c, null_mut()) },
        OpenintStatus::Ok
    );
    Client(c)
}

/// Every item via the cursor, or the failing status and message.
fn cursor_all(c: &Client, params: &str) -> Result<Vec<Value>, (OpenintStatus, String)> {
    let params = CString::new(params).unwrap();
    unsafe {
        let mut cur = null_mut();
        let mut err = null_mut();
        let st = openint_client_list_connectors_cursor(c.0, params.as_ptr(), &mut cur, &mut err);
        if st != OpenintStatus::Ok {
            return Err(take_error(st, err));
        }
        let mut out = Vec::new();
        loop {
            let mut item = null();
            let mut len = 0usize;
            match openint_cursor_next(cur, 0.0, &mut item, &mut len, &mut err) {
                OpenintStatus::Ok => {
                    let text = CStr::from_ptr(item).to_str().unwrap();
                    assert_eq!(text.len(), len);
                    out.push(serde_json::from_str(text).unwrap());
                }
                OpenintStatus::End => break,
                st => {
                    openint_cursor_free(cur);
                    return Err(take_error(st, err));
                }
            }
        }
        // END again on later calls, not an error.
        let mut item = null();
        assert_eq!(
            openint_cursor_next(cur, 0.0, &mut item, null_mut(), null_mut()),
            OpenintStatus::End
        );
        openint_cursor_free(cur);
        Ok(out)
    }
}

unsafe fn take_error(st: OpenintStatus, err: *mut OpenintError) -> (OpenintStatus, String) {
    assert!(!err.is_null());
    assert_eq!(openint_error_kind(err), st);
    let msg = CStr::from_ptr(openint_error_message(err))
        .to_string_lossy()
        .into_owned();
    openint_error_free(err);
    (st, msg)
}

#[test]
fn cursor_lists_every_connector_with_the_servers_bytes() {
    let oracle = registry(171, false);
    for limit in [1, 7, 50, 171, 3000] {
        let s = default_scenario();
        let got = cursor_all(&client(&s.base_url), &format!(r#"{{"limit":{limit}}}"#)).unwrap();
        assert!(got == oracle, "limit {limit}");
        assert_eq!(s.requests().len(), 171 / limit + 1);
    }
}

#[test]
fn page_chain_with_accessors() {
    let s = default_scenario();
    let c = client(&s.base_url);
    let params = CString::new(r#"{"limit":50,"expand":["schemas"]}"#).unwrap();
    let mut names_seen = Vec::new();
    unsafe {
        let mut page = null_mut();
        assert_eq!(
            openint_client_list_connectors(c.0, params.as_ptr(), &mut page, null_mut()),
            OpenintStatus::Ok
        );
        let mut pages = 0;
        loop {
            pages += 1;
            let (mut n, mut total, mut limit, mut offset, mut more) =
                (0usize, 0i64, 0i64, 0i64, false);
            assert_eq!(
                openint_page_item_count(page, &mut n, null_mut()),
                OpenintStatus::Ok
            );
            assert_eq!(
                openint_page_total(page, &mut total, null_mut()),
                OpenintStatus::Ok
            );
            assert_eq!(
                openint_page_limit(page, &mut limit, null_mut()),
                OpenintStatus::Ok
            );
            assert_eq!(
                openint_page_offset(page, &mut offset, null_mut()),
                OpenintStatus::Ok
            );
            assert_eq!(
                openint_page_has_next(page, &mut more, null_mut()),
                OpenintStatus::Ok
            );
            assert_eq!(
                (total, limit, offset),
                (n as i64, 50, 50 * (pages - 1)),
                "the real server's envelope"
            );
            let mut json = null();
            let mut len = 0;
            assert_eq!(
                openint_page_json(page, &mut json, &mut len, null_mut()),
                OpenintStatus::Ok
            );
            let whole: Value =
                serde_json::from_str(CStr::from_ptr(json).to_str().unwrap()).unwrap();
            for i in 0..n {
                let mut item = null();
                assert_eq!(
                    openint_page_item(page, i, &mut item, null_mut(), null_mut()),
                    OpenintStatus::Ok
                );
                let v: Value =
                    serde_json::from_str(CStr::from_ptr(item).to_str().unwrap()).unwrap();
                assert_eq!(v, whole["items"][i]);
                names_seen.push(v["name"].as_str().unwrap().to_string());
            }
            let mut item = null();
            let mut err = null_mut();
            let st = openint_page_item(page, n, &mut item, null_mut(), &mut err);
            assert_eq!(st, OpenintStatus::InvalidArgument);
            assert!(take_error(st, err).1.contains("out of range"));
            assert!(item.is_null(), "out-parameters are written only on success");
            let mut next = null_mut();
            let st = openint_page_next(page, 0.0, &mut next, null_mut());
            openint_page_free(page);
            match st {
                OpenintStatus::Ok => page = next,
                OpenintStatus::End => {
                    assert!(next.is_null());
                    assert!(!more);
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(pages, 4);
    }
    assert_eq!(names_seen, names(&registry(171, true)));
}

#[test]
fn pages_and_cursors_outlive_their_client() {
    let s = default_scenario();
    let c = client(&s.base_url);
    let params = CString::new(r#"{"limit":100}"#).unwrap();
    unsafe {
        let mut page = null_mut();
        let mut cur = null_mut();
        assert_eq!(
            openint_client_list_connectors(c.0, params.as_ptr(), &mut page, null_mut()),
            OpenintStatus::Ok
        );
        assert_eq!(
            openint_client_list_connectors_cursor(c.0, params.as_ptr(), &mut cur, null_mut()),
            OpenintStatus::Ok
        );
        drop(c);
        let mut next = null_mut();
        assert_eq!(
            openint_page_next(page, 0.0, &mut next, null_mut()),
            OpenintStatus::Ok
        );
        let mut item = null();
        assert_eq!(
            openint_cursor_next(cur, 0.0, &mut item, null_mut(), null_mut()),
            OpenintStatus::Ok
        );
        openint_page_free(next);
        openint_page_free(page);
        openint_cursor_free(cur);
    }
}

#[test]
fn bad_params_name_the_key_and_send_nothing() {
    let s = default_scenario();
    let c = client(&s.base_url);
    for (params, needle) in [
        ("{", "not valid JSON"),
        (r#"{"limit":5000}"#, "\"limit\""),
        (r#"{"limit":-1}"#, "\"limit\""),
        (r#"{"expand":["bogus"]}"#, "\"bogus\""),
        (r#"{"colour":1}"#, "unknown parameter \"colour\""),
        (r#"{"timeout":-1}"#, "\"timeout\""),
    ] {
        let (st, msg) = cursor_all(&c, params).unwrap_err();
        assert_eq!(st, OpenintStatus::InvalidArgument, "{params}");
        assert!(msg.contains(needle), "{params}: {msg}");
        let p = CString::new(params).unwrap();
        let mut page = null_mut();
        let st = unsafe { openint_client_list_connectors(c.0, p.as_ptr(), &mut page, null_mut()) };
        assert_eq!(st, OpenintStatus::InvalidArgument);
        assert!(page.is_null());
    }
    let bad_utf8 = [0xffu8, 0xfe, 0];
    let mut page = null_mut();
    let mut err = null_mut();
    let st = unsafe {
        openint_client_list_connectors(c.0, bad_utf8.as_ptr() as *const _, &mut page, &mut err)
    };
    assert!(unsafe { take_error(st, err) }
        .1
        .contains("params_json is not valid UTF-8"));
    assert!(s.requests().is_empty());
    let opts = CString::new(r#"{"base_url":"x","max_retries":"2"}"#).unwrap();
    let mut cl = null_mut();
    let st = unsafe { openint_client_new(opts.as_ptr(), &mut cl, &mut err) };
    assert!(unsafe { take_error(st, err) }.1.contains("\"max_retries\""));
    assert!(cl.is_null());
}

#[test]
fn error_accessors_of_an_api_error() {
    let s = scenario(json!({"status": 404, "error_headers": {"x-request-id": "req_77"}}));
    let c = client(&s.base_url);
    unsafe {
        let mut page = null_mut();
        let mut err = null_mut();
        let st = openint_client_list_connectors(c.0, null(), &mut page, &mut err);
        assert_eq!(st, OpenintStatus::NotFound);
        assert_eq!(openint_error_http_status(err), 404);
        assert_eq!(
            CStr::from_ptr(openint_error_code(err)).to_str().unwrap(),
            "NOT_FOUND"
        );
        assert_eq!(
            CStr::from_ptr(openint_error_request_id(err))
                .to_str()
                .unwrap(),
            "req_77"
        );
        assert!(CStr::from_ptr(openint_error_body(err))
            .to_str()
            .unwrap()
            .contains("NOT_FOUND"));
        assert_eq!(openint_error_retries(err), 0);
        openint_error_free(err);
        // Errors without HTTP fields answer NULL / 0.
        let bad = CString::new("[]").unwrap();
        let st = openint_client_list_connectors(c.0, bad.as_ptr(), &mut page, &mut err);
        assert_eq!(st, OpenintStatus::InvalidArgument);
        assert_eq!(openint_error_http_status(err), 0);
        assert!(openint_error_code(err).is_null() && openint_error_body(err).is_null());
        openint_error_free(err);
    }
}

#[test]
fn per_call_timeouts_cross_the_boundary() {
    let s = scenario(json!({"latency_ms": 2000}));
    let c = client(&s.base_url);
    let t = Instant::now();
    let (st, _) = cursor_all(&c, r#"{"timeout":0.3}"#).unwrap_err();
    assert_eq!(st, OpenintStatus::Timeout);
    assert!(t.elapsed() < Duration::from_millis(1500));
    // The `next` functions take their own bound (a Go context's time left, say).
    let p = CString::new(r#"{"limit":1}"#).unwrap();
    unsafe {
        let mut cur = null_mut();
        assert_eq!(
            openint_client_list_connectors_cursor(c.0, p.as_ptr(), &mut cur, null_mut()),
            OpenintStatus::Ok
        );
        let mut item = null();
        let t = Instant::now();
        assert_eq!(
            openint_cursor_next(cur, 0.25, &mut item, null_mut(), null_mut()),
            OpenintStatus::Timeout
        );
        assert!(t.elapsed() < Duration::from_millis(1500));
        assert_eq!(
            openint_cursor_next(cur, -1.0, &mut item, null_mut(), null_mut()),
            OpenintStatus::InvalidArgument
        );
        assert_eq!(
            openint_cursor_next(cur, f64::NAN, &mut item, null_mut(), null_mut()),
            OpenintStatus::InvalidArgument
        );
        openint_cursor_free(cur);
    }
}

#[test]
fn next_with_infinity_drops_the_bound_of_the_first_call() {
    let s = scenario(json!({"latency_ms": 500}));
    let c = client(&s.base_url);
    let p = CString::new(r#"{"limit":1,"timeout":0.2}"#).unwrap();
    unsafe {
        let mut cur = null_mut();
        assert_eq!(
            openint_client_list_connectors_cursor(c.0, p.as_ptr(), &mut cur, null_mut()),
            OpenintStatus::Ok
        );
        let mut item = null();
        // 0 keeps the 0.2 s bound given at creation: the 0.5 s answer is too slow.
        assert_eq!(
            openint_cursor_next(cur, 0.0, &mut item, null_mut(), null_mut()),
            OpenintStatus::Timeout
        );
        // +infinity drops it (a Go context without a deadline): the same page now arrives.
        assert_eq!(
            openint_cursor_next(cur, f64::INFINITY, &mut item, null_mut(), null_mut()),
            OpenintStatus::Ok
        );
        openint_cursor_free(cur);
    }
}

#[test]
fn eight_threads_share_one_client() {
    let s = default_scenario();
    let c = client(&s.base_url);
    let expected = names(&registry(171, false));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let c = &c;
                scope
                    .spawn(move || cursor_all(c, &format!(r#"{{"limit":{}}}"#, 5 + t * 3)).unwrap())
            })
            .collect();
        for h in handles {
            assert_eq!(names(&h.join().unwrap()), expected);
        }
    });
}

#[test]
fn version_and_abi() {
    let v = unsafe { CStr::from_ptr(openint_version()) }
        .to_str()
        .unwrap();
    assert_eq!(v, openint::VERSION);
    assert_eq!(openint_abi_version(), OPENINT_ABI_VERSION);
}
