#!/usr/bin/env bash
# Writes pkg-config files for the library cargo built, with absolute paths, so that a program
# anywhere on this machine builds with
#     export PKG_CONFIG_PATH=<repo>/target/release
#     cc app.c $(pkg-config --cflags --libs openint)          # libopenint.so (rpath set)
#     cc app.c $(pkg-config --cflags --libs openint-static)   # libopenint.a, no runtime dependency
# Usage: bash examples/openint.pc.sh [OUT_DIR]   (default: $CARGO_TARGET_DIR/release, else
# target/release; run `cargo build --release -p openint` first).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIBDIR=${CARGO_TARGET_DIR:-$REPO/target}/release
LIBDIR=$(cd "$LIBDIR" 2>/dev/null && pwd) || { echo "no $LIBDIR: build the library first" >&2; exit 1; }
OUT=${1:-$LIBDIR}
mkdir -p "$OUT"
[ -e "$LIBDIR/libopenint.so" ] || [ -e "$LIBDIR/libopenint.a" ] ||
    { echo "no libopenint in $LIBDIR: run cargo build --release -p openint" >&2; exit 1; }

VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n 1)
# The system libraries a Rust staticlib needs, as rustc reports them (an empty staticlib
# answers in a second).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
NATIVE=$(cd "$TMP" && echo '' >nsl.rs && rustc --crate-type staticlib --print native-static-libs nsl.rs -o nsl.a 2>&1 |
    sed -n 's/.*native-static-libs: //p' | tail -n 1)
[ -n "$NATIVE" ] || NATIVE="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

common() {
    cat <<PC
prefix=$REPO
includedir=\${prefix}/include
libdir=$LIBDIR

Name: $1
Description: $2
Version: $VERSION
URL: https://openint.dev
Cflags: -I\${includedir}
PC
}
{
    common openint "C ABI of the OpenInt API client (shared library)"
    echo "Libs: -L\${libdir} -lopenint -Wl,-rpath,\${libdir}"
} >"$OUT/openint.pc"
{
    common openint-static "C ABI of the OpenInt API client (static library)"
    echo "Libs: \${libdir}/libopenint.a $NATIVE"
} >"$OUT/openint-static.pc"
echo "wrote $OUT/openint.pc and $OUT/openint-static.pc (PKG_CONFIG_PATH=$OUT)"
