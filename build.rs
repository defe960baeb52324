//! Gives the Linux shared library its SONAME, `libopenint.so.<major>` (`libopenint.so.0.<minor>`
//! while the version is 0.x, where a minor release may break the ABI), in every build: plain
//! cargo, the wheels and the release tarballs then agree with the installed library, and a
//! program linked against any of them asks the loader for the versioned name.
//!
//! A program linked in-tree (`cc ... -Ltarget/release -lopenint`) then needs that name beside
//! `libopenint.so`, so the script also leaves a `libopenint.so.0.<minor> -> libopenint.so`
//! link in cargo's output folder (`<target>/<profile>/`, three levels above OUT_DIR).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let soname = if major == "0" {
        format!("libopenint.so.0.{minor}")
    } else {
        format!("libopenint.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");

    // OUT_DIR is <target>/<profile>/build/openint-<hash>/out.
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    let Some(profile_dir) = out.ancestors().nth(3) else {
        return;
    };
    if out.ancestors().nth(2).and_then(|b| b.file_name()) != Some("build".as_ref()) {
        return; // an unexpected layout: leave it alone rather than write somewhere odd
    }
    let link = profile_dir.join(&soname);
    #[cfg(unix)]
    if std::fs::symlink_metadata(&link).is_err() {
        // Best effort: a read-only folder only costs in-tree programs this convenience.
        let _ = std::os::unix::fs::symlink("libopenint.so", &link);
    }
}
