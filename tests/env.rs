//! Environment defaults. The test changes the process environment, which no other thread may
//! read meanwhile (C code reads it too, e.g. the resolver), so it runs alone: in a child process
//! of the test binary, started by the test itself.
use crate::common;

use common::scenario;
use openint::ffi::*;
use openint::{Client, ClientOptions, ListConnectorsParams};
use std::ffi::CString;
use std::ptr::null_mut;

const ALONE: &str = "OPENINT_TEST_ALONE";

#[test]
fn token_and_base_url_come_from_the_environment() {
    if std::env::var_os(ALONE).is_none() {
        return run_alone("env::token_and_base_url_come_from_the_environment");
    }
    // The scenario's organization key is the one the environment provides.
    let s = scenario(serde_json::json!({"org_key": "key_from_env"}));
    // SAFETY (edition 2021 API): this process runs this one test, so no thread reads the
    // environment concurrently.
    std::env::set_var("OPENINT_BASE_URL", &s.base_url);
    std::env::set_var("OPENINT_API_KEY", "  key_from_env  ");
    let c = Client::from_env().unwrap();
    c.list_connectors(&ListConnectorsParams::new().limit(1))
        .unwrap();

    // The C ABI's NULL options read the environment too; an explicit token wins, and an
    // explicit empty token means none.
    list_one_page_through_the_c_abi(None);
    list_one_page_through_the_c_abi(Some(r#"{"token":""}"#));
    let auth: Vec<Option<String>> = s
        .requests()
        .iter()
        .map(|r| r["headers"]["authorization"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        auth,
        [
            Some("Bearer key_from_env".to_string()),
            Some("Bearer key_from_env".to_string()),
            None
        ]
    );

    std::env::remove_var("OPENINT_BASE_URL");
    std::env::set_var("OPENINT_API_KEY", "");
    let o = ClientOptions::from_env();
    assert_eq!(
        (o.base_url.as_str(), o.token),
        (openint::DEFAULT_BASE_URL, None)
    );
}

fn list_one_page_through_the_c_abi(options: Option<&str>) {
    let options = options.map(|o| CString::new(o).unwrap());
    let options_ptr = options.as_ref().map_or(std::ptr::null(), |o| o.as_ptr());
    unsafe {
        let mut client = null_mut();
        assert_eq!(
            openint_client_new(options_ptr, &mut client, null_mut()),
            OpenintStatus::Ok
        );
        let mut page = null_mut();
        let st = openint_client_list_connectors(client, std::ptr::null(), &mut page, null_mut());
        assert_eq!(st, OpenintStatus::Ok);
        openint_page_free(page);
        openint_client_free(client);
    }
}

/// Runs the test `name` of this binary alone in a child process (one test, one thread) and
/// fails with its output unless it passed.
fn run_alone(name: &str) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--test-threads=1", "--nocapture"])
        .env(ALONE, "1")
        .output()
        .expect("run the test binary again");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.contains("test result: ok. 1 passed"),
        "{name} in a child process: {text}"
    );
}
