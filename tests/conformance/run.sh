#!/usr/bin/env bash
# OpenAPI conformance of the openint core, judged by Prism (a validating mock of the spec).
#   - installs @stoplight/prism-cli (exact version below) into .tools/prism with npm;
#   - starts `prism mock --errors` (static examples) and `prism mock -d --errors` (random
#     answers) on $REPO/tests/data/openint/openapi.json, read-only;
#   - drives every operation through the C ABI with its parameter combinations (static: one
#     request each; conformance.c reads Prism's verdict on each from its log: no complaint, or
#     where the SDK deliberately differs from the spec exactly that deviation's complaint);
#     dynamic: every list's cursor must end over random pages;
#   - Prism's logs must hold exactly the request violations the deviations account for (static)
#     and none (dynamic); then a negative control (no token) must be rejected and appear in the
#     log, which shows the log check can see a rejection.
# Prism serves the spec's paths at its root: base_url is http://127.0.0.1:PORT (no /v1).
# Closing line: "Conformance: N passed, M failed".
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SPEC="$REPO/tests/data/openint/openapi.json"
BUILD="$HERE/build"
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
LIBDIR="$TARGET_DIR/release"

log() { printf '[tests/conformance] %s\n' "$*" >&2; }

[ -f "$SPEC" ] || { log "no spec at $SPEC"; exit 1; }

# Tools and libraries (a fresh CI machine may lack some; the shared helper skips installed ones).
source "$REPO/.ci/lib.sh"
ensure_apt gcc libcjson-dev
ensure_prism # sets PRISM and PRISM_VERSION (.ci/lib.sh)

# ---- build ----
# OPENINT_CARGO_BUILT=1: .ci/test built it already (and cargo may be busy with another build).
if [ -z "${OPENINT_CARGO_BUILT:-}" ]; then
    log "cargo build --release -p openint"
    (cd "$REPO" && cargo build --release -p openint 2>&1 | tail -n 2) >&2
fi
mkdir -p "$BUILD"
gcc -std=c11 -Wall -Wextra -Werror -O1 -g -pthread -I"$REPO/include" -I"$REPO/tests/c" \
    "$HERE/conformance.c" "$REPO/tests/c/testkit.c" -o "$BUILD/conformance" \
    -L"$LIBDIR" -lopenint -Wl,-rpath,"$LIBDIR" -lcjson -lm

# ---- Prism ----
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start_prism() { # name, extra flags...; sets PORT
    local name=$1; shift
    PORT=$(free_port)
    "$PRISM" mock --errors -h 127.0.0.1 -p "$PORT" "$@" "$SPEC" >"$BUILD/prism-$name.log" 2>&1 &
    PIDS+=($!)
}
wait_prism() { # name, pid
    for _ in $(seq 1 240); do
        grep -q 'Prism is listening' "$BUILD/prism-$1.log" && return 0
        kill -0 "$2" 2>/dev/null || break # it died
        sleep 0.5
    done
    log "prism ($1) did not start:"; tail -n 20 "$BUILD/prism-$1.log" >&2
    exit 1
}
# Both load the 1.1 MB spec at once (about 10 s each).
start_prism static; STATIC_PORT=$PORT; STATIC_PID=${PIDS[-1]}
start_prism dynamic -d; DYNAMIC_PORT=$PORT; DYNAMIC_PID=${PIDS[-1]}
wait_prism static "$STATIC_PID"
wait_prism dynamic "$DYNAMIC_PID"
log "prism $PRISM_VERSION: static on $STATIC_PORT, dynamic on $DYNAMIC_PORT"

PASSED=0
FAILED=0
run_one() { # label, args...
    local label=$1; shift
    local out="$BUILD/$label.log" rc=0
    timeout 600 "$BUILD/conformance" --label "$label" "$@" >"$out" 2>&1 || rc=$?
    cat "$out"
    local line p f
    line=$(grep -E "^$label: passed=[0-9]+ failed=[0-9]+$" "$out" | tail -n 1 || true)
    if [[ $line =~ passed=([0-9]+)\ failed=([0-9]+) ]]; then p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}
    else p=0; f=1; log "$label: no summary line (exit code $rc)"; fi
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
}
# Prism logs each complaint about a request as "Violation: request..." (after its answer).
violations() { grep -c 'Violation: request' "$BUILD/prism-$1.log" || true; }
check() { # description, condition...
    local what=$1; shift
    if "$@"; then PASSED=$((PASSED + 1)); echo "ok   $what"
    else FAILED=$((FAILED + 1)); echo "FAIL $what"; fi
}

run_one static --base-url "http://127.0.0.1:$STATIC_PORT" --mode static --prism-log "$BUILD/prism-static.log"
run_one dynamic --base-url "http://127.0.0.1:$DYNAMIC_PORT" --mode dynamic
sleep 1 # Prism writes its log asynchronously
V_STATIC=$(violations static)
V_DYNAMIC=$(violations dynamic)
# The deviations' complaints, counted by conformance.c request by request.
V_EXPECTED=$(sed -n 's/^expected request violations: \([0-9]*\)$/\1/p' "$BUILD/static.log" | tail -n 1)
[ "$V_STATIC" = "${V_EXPECTED:-x}" ] || grep -B3 'Violation:' "$BUILD/prism-static.log" | cut -c1-300 | head -n 40
[ "$V_DYNAMIC" = 0 ] || grep -B3 'Violation:' "$BUILD/prism-dynamic.log" | cut -c1-300 | head -n 40
check "prism static log: $V_STATIC request violations, all from the deviations (${V_EXPECTED:-?})" \
    test "$V_STATIC" = "${V_EXPECTED:-x}"
check "prism dynamic log: no request violation ($V_DYNAMIC)" test "$V_DYNAMIC" = 0

# Negative control, last so it cannot hide a real violation above.
run_one negative --base-url "http://127.0.0.1:$STATIC_PORT" --mode negative
sleep 1
V_NEG=$(violations static)
check "prism log shows the negative control's violation ($V_NEG > $V_STATIC)" test "$V_NEG" -gt "$V_STATIC"

echo "Conformance: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
