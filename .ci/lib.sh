# Shared by .ci/demo, .ci/test and .ci/run: installs what the project needs, idempotently,
# on a fresh machine (Rust, Go, Python, Node and gcc are on it; the rest comes from registries).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO
export PATH="$HOME/.cargo/bin:/usr/local/go/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# "1.2.3" >= "1.2"? (numeric, field by field)
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# The tools both README commands need, with the oldest versions that work. Fails first, with
# one clear line per missing tool, instead of a confusing error ten minutes later. (Debian 12's
# own golang-go 1.19 and cargo 0.66 are too old, so this never installs them from apt.)
check_prereqs() {
    local missing=() v
    v=$(rustc --version 2>/dev/null | awk '{print $2}')
    { [ -n "$v" ] && version_ge "$v" 1.80; } || missing+=("Rust >= 1.80 (found: ${v:-none}); install with https://rustup.rs")
    v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
    { [ -n "$v" ] && version_ge "$v" 1.24; } || missing+=("Go >= 1.24 (found: ${v:-none}); https://go.dev/dl")
    v=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
    { [ -n "$v" ] && version_ge "$v" 3.9; } || missing+=("Python >= 3.9 with venv (found: ${v:-none})")
    v=$(node --version 2>/dev/null | sed 's/^v//')
    { [ -n "$v" ] && version_ge "$v" 20; } || missing+=("Node.js >= 20 with npm (found: ${v:-none}); only the Prism conformance suite needs it")
    command -v cc >/dev/null || missing+=("a C compiler (gcc or clang) as cc")
    if [ ${#missing[@]} -gt 0 ]; then
        printf 'error: missing prerequisites:\n' >&2
        printf '  - %s\n' "${missing[@]}" >&2
        exit 1
    fi
}

# The repository must stand on its own: nothing tracked may read a folder beside the clone.
# (The word is assembled so that this file does not match itself.)
check_self_contained() {
    local w=sha
    w+=red
    local pat="\\.\\./$w|$w/openint"
    local hits; hits=$(cd "$REPO" && git grep -n -E "$pat" -- . 2>/dev/null || true)
    if [ -n "$hits" ]; then
        printf 'error: these tracked files refer to a folder outside the repository (copy the data into tests/data instead):\n%s\n' "$hits" >&2
        return 1
    fi
    echo "no tracked file refers to a folder outside the repository"
}

# Prism (the validating mock of tests/data/openint/openapi.json), pinned, into .tools/prism.
PRISM_VERSION=5.14.2 # the newest release that runs on Node 20 (5.15+ needs Node >= 24)
PRISM="$REPO/.tools/prism/node_modules/.bin/prism"
ensure_prism() {
    if [ "$("$PRISM" --version 2>/dev/null || true)" != "$PRISM_VERSION" ]; then
        command -v npm >/dev/null || die "npm is needed to install Prism (Node.js >= 20 with npm)"
        step "npm install @stoplight/prism-cli@$PRISM_VERSION into .tools/prism (about 30 s)"
        mkdir -p "$REPO/.tools/prism"
        npm install --prefix "$REPO/.tools/prism" --no-audit --no-fund --loglevel=error --save-exact \
            "@stoplight/prism-cli@$PRISM_VERSION" >&2
    fi
    "$PRISM" --version >/dev/null 2>&1 || die "Prism did not install into .tools/prism"
    export OPENINT_PRISM="$PRISM"
}

# Debian packages: libcurl and cJSON for the C benchmark's baseline, valgrind for the C tests,
# clang (clang++) beside g++ for the C++ tests (tests/c/run.sh asks for it).
ensure_apt() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    step "apt-get install ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The Rust library (cdylib + staticlib) and the local test server.
build_rust() {
    if [ -d "$REPO/target/release" ]; then
        step "cargo build --release (library and local server)"
    else
        step "cargo build --release (library and local server; the first build takes about 2-3 minutes on 2 cores)"
    fi
    # Not --quiet: cargo's progress lines are the only sign of life during a first build.
    (cd "$REPO" && cargo build --release --workspace)
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
    # The local server's organization key, unless the caller gave a token of its own.
    if [ -z "${OPENINT_API_KEY:-}" ]; then
        OPENINT_API_KEY=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline()).get("org_key", ""))' "$out")
        export OPENINT_API_KEY
    fi
    echo "local OpenInt server at $OPENINT_BASE_URL"
    LOCAL_SERVER=1
}
