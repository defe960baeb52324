//! `include/openint.h` is what cbindgen (the version Cargo.toml pins) makes of `src/ffi/` with
//! `cbindgen.toml`, and the Go module's copy (`bindings/go/internal/native/include/openint.h`,
//! which must build on its own) equals it. After changing the C boundary, rewrite both with
//! `OPENINT_BLESS=1 cargo test --release --test integration header::` and commit them.

use std::path::Path;

const HEADERS: [&str; 2] = [
    "include/openint.h",
    "bindings/go/internal/native/include/openint.h",
];

#[test]
fn the_header_is_what_cbindgen_makes_of_the_c_boundary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut fresh = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_crate_and_name(root, "openint")
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut fresh);
    let fresh = String::from_utf8(fresh).expect("the header is UTF-8");
    assert!(fresh.contains("openint_client_new"), "{fresh}");

    if std::env::var_os("OPENINT_BLESS").is_some() {
        for h in HEADERS {
            std::fs::write(root.join(h), &fresh).unwrap();
        }
        return;
    }
    for h in HEADERS {
        let committed = std::fs::read_to_string(root.join(h)).unwrap();
        if let Some((n, (c, f))) = committed
            .lines()
            .chain(std::iter::repeat("<end of file>"))
            .zip(fresh.lines().chain(std::iter::repeat("<end of file>")))
            .enumerate()
            .take(committed.lines().count().max(fresh.lines().count()))
            .find(|(_, (c, f))| c != f)
        {
            panic!(
                "{h} is stale: line {} is\n  {c}\nbut cbindgen makes\n  {f}\nRewrite it with \
                 `OPENINT_BLESS=1 cargo test --release --test integration header::` and commit it.",
                n + 1
            );
        }
        assert_eq!(committed, fresh, "{h}: only the line endings differ");
    }
}
