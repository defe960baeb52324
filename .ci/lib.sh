# Shared by .ci/demo, .ci/test and .ci/run: installs what the project needs, idempotently,
# on a fresh machine (Rust, Go, Python, Node and gcc are on it; the rest comes from registries).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO
CBINDGEN_VERSION=0.29.0
export PATH="$HOME/.cargo/bin:/usr/local/go/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

# Debian packages: libcurl and cJSON for the C benchmark's baseline, valgrind for the C tests.
ensure_apt() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    step "apt-get install ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_cbindgen() {
    if ! cbindgen --version 2>/dev/null | grep -q " $CBINDGEN_VERSION\$"; then
        step "cargo install cbindgen $CBINDGEN_VERSION"
        cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --quiet
    fi
}

# The Rust library (cdylib + staticlib) and the local test server.
build_rust() {
    step "cargo build --release (library and local server)"
    (cd "$REPO" && cargo build --release --workspace --quiet)
}

# Fails when include/openint.h is not what cbindgen makes of src/ffi.rs.
check_header() {
    ensure_cbindgen
    step "include/openint.h is up to date"
    local fresh; fresh=$(mktemp)
    (cd "$REPO" && cbindgen --config cbindgen.toml --crate openint --output "$fresh" -q .)
    if ! diff -u "$REPO/include/openint.h" "$fresh"; then
        echo "include/openint.h is stale: run 'cbindgen --config cbindgen.toml --crate openint --output include/openint.h .' and commit it" >&2
        rm -f "$fresh"; return 1
    fi
    rm -f "$fresh"
}

# Starts the local server unless OPENINT_BASE_URL points elsewhere; sets OPENINT_BASE_URL.
# The server exits when this shell's pipe to it closes.
start_local_server() {
    if [ -n "${OPENINT_BASE_URL:-}" ]; then
        echo "using OPENINT_BASE_URL=$OPENINT_BASE_URL"
        return 0
    fi
    local out; out=$(mktemp)
    exec {SERVER_STDIN}> >("$REPO/target/release/openint-testserver" --port 0 --exit-on-stdin-eof "$@" >"$out")
    for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.05; done
    OPENINT_BASE_URL=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["base_url"])' "$out")
    export OPENINT_BASE_URL
    echo "local OpenInt server at $OPENINT_BASE_URL"
}
