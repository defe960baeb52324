//! The integration tests of the `openint` crate, as one test binary: each file of `tests/` is a
//! module here (`cargo test --release --test integration listing::` runs one file's tests). One
//! binary means one optimised link instead of one per file, which was most of a cold `cargo
//! test --release` (Cargo.toml sets `autotests = false`). A new `tests/NAME.rs` needs its
//! `mod NAME;` line below (or, if its tests change the process environment, a `[[test]]` of its
//! own in Cargo.toml); `every_test_file_is_a_module` fails, naming it, until it has one.

mod common;

mod env;
mod ffi;
mod header;
mod hostile;
mod http_behaviour;
mod listing;
mod module_graph;
mod operations;
mod operations_spec;
mod prefetch;
mod readme;
mod request_control;
mod tls_proxy;

/// Every `tests/NAME.rs` is declared above as `mod NAME;`, or is a test binary of its own in
/// Cargo.toml (`[[test]]` with `path = "tests/NAME.rs"`: a file whose tests change the process
/// environment, which no other test thread may read meanwhile): with `autotests = false` cargo
/// would otherwise never build a file that a later change adds.
#[test]
fn every_test_file_is_a_module() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let declared: Vec<&str> = include_str!("main.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("read Cargo.toml");
    let mut missing: Vec<String> = std::fs::read_dir(root.join("tests"))
        .expect("read tests/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| Some(n.strip_suffix(".rs")?.to_string()))
        .filter(|n| n != "main" && !declared.contains(&n.as_str()))
        .filter(|n| !manifest.contains(&format!("path = \"tests/{n}.rs\"")))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "cargo builds only the test targets Cargo.toml names (autotests = false): add `mod NAME;` \
         to tests/main.rs for {missing:?}, or, if its tests change the process environment, a \
         `[[test]]` of its own to Cargo.toml (name = \"NAME\", path = \"tests/NAME.rs\")"
    );
}
