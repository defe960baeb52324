//! The README's code blocks are the programs the test suites build and run, so they cannot go
//! stale: each block that follows a `<!-- same as: PATH -->` marker must equal that file (or,
//! for `PATH#python`, the first python block after "## Quick start" in that Markdown file), and
//! the Rust quick start runs against the local server. The C suite runs the C and C++ quick
//! starts (`tests/c`), the Python and Go suites theirs.

use crate::common;

use std::path::Path;

fn repo(p: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p))
        .unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The body of the first fenced block at or after `from` in `text`.
fn block_after(text: &str, from: usize, lang: Option<&str>) -> String {
    let rest = &text[from..];
    let open = match lang {
        Some(l) => format!("```{l}\n"),
        None => "```".to_string(),
    };
    let start = rest.find(&open).expect("a code block") + open.len();
    let start = if lang.is_none() {
        start + rest[start..].find('\n').unwrap() + 1
    } else {
        start
    };
    let end = start + rest[start..].find("```").expect("a closed block");
    rest[start..end].to_string()
}

#[test]
fn readme_blocks_equal_their_tested_sources() {
    let readme = repo("README.md");
    let mut checked = 0;
    for (at, _) in readme.match_indices("<!-- same as: ") {
        let marker_end = at + readme[at..].find("-->").unwrap();
        let target = readme[at + "<!-- same as: ".len()..marker_end].trim();
        let shown = block_after(&readme, marker_end, None);
        let source = match target.split_once('#') {
            Some((md, lang)) => {
                let text = repo(md);
                let from = text.find("## Quick start").expect("a quick start section");
                block_after(&text, from, Some(lang))
            }
            None => repo(target),
        };
        assert_eq!(
            shown.trim(),
            source.trim(),
            "README.md's block after <!-- same as: {target} --> differs from it: copy one onto the other"
        );
        checked += 1;
    }
    assert!(
        checked >= 5,
        "only {checked} marked blocks (C, C++, Rust, Python, Go)"
    );
    assert!(
        readme.contains("<!-- same as: examples/quickstart.cpp -->"),
        "the C++ quick start is marked"
    );
}

#[test]
fn the_rust_quick_start_runs() {
    let s = common::scenario(serde_json::json!({}));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let bin =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/{profile}/examples/quickstart"));
    assert!(bin.exists(), "{} is built by cargo test", bin.display());
    let out = std::process::Command::new(bin)
        .env("OPENINT_BASE_URL", &s.base_url)
        .env("OPENINT_API_KEY", &s.org_key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        171 + 1,
        "every connector, then the link: {text}"
    );
    assert!(lines[171].contains("token="), "{}", lines[171]);
    let paths: Vec<String> = s
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap(),
                r["path"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.contains("PUT") && p.ends_with("/customer")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.contains("/customer/cus_123/token")),
        "{paths:?}"
    );
}
