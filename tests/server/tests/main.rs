//! The test server's integration tests, as one test binary: each file of `tests/` is a module
//! here (`cargo test --release -p openint-testserver --test integration replay::` runs one
//! file's tests). One binary means one optimised link instead of one per file (Cargo.toml sets
//! `autotests = false`). A new `tests/NAME.rs` needs its `mod NAME;` line below;
//! `every_test_file_is_a_module` fails, naming it, until it has one.

mod common;

mod api;
mod fail_window;
mod hostile;
mod replay;
mod request_log;
mod server;
mod tls_proxy;

/// Every `tests/NAME.rs` is declared above as `mod NAME;`: with `autotests = false` cargo would
/// otherwise never build a file that a later change adds.
#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let declared: Vec<&str> = include_str!("main.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing: Vec<String> = std::fs::read_dir(&dir)
        .expect("read tests/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| Some(n.strip_suffix(".rs")?.to_string()))
        .filter(|n| n != "main" && !declared.contains(&n.as_str()))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "cargo builds only tests/main.rs (autotests = false): add `mod NAME;` to it for {missing:?}"
    );
}
