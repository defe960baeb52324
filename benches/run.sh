#!/usr/bin/env bash
# C benchmarks, not part of the test run; each prints its baseline beside it:
#   bench.c  listing 20,000 connectors through the openint C ABI vs a plain libcurl + cJSON loop
#            (a local test server with --count 20000);
#   calls.c  10,000 small getConnection calls through openint_client_call vs libcurl + cJSON
#            (one easy handle reused), wall and CPU time; the goal is openint's CPU within 1.2x.
# Prints markdown tables and saves them, with the machine they ran on, to benches/RESULTS.md.
# Usage: bash benches/run.sh [--reps N] [--only listing|calls]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BUILD="$HERE/build"
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
LIBDIR="$TARGET_DIR/release"
REPS=7
ONLY=
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS=$2; shift ;;
        --only) ONLY=$2; shift ;;
        *) echo "usage: $0 [--reps N] [--only listing|calls]" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[benches] %s\n' "$*" >&2; }

# Tools and libraries (a fresh CI machine may lack some; the shared helper skips installed ones).
source "$REPO/.ci/lib.sh"
ensure_apt gcc libcjson-dev libcurl4-openssl-dev

log "cargo build --release -p openint -p openint-testserver"
(cd "$REPO" && cargo build --release -p openint -p openint-testserver 2>&1 | tail -n 2) >&2
mkdir -p "$BUILD"
for b in bench calls; do
    gcc -std=c11 -Wall -Wextra -Werror -O2 -g -pthread -I"$REPO/include" -I"$REPO/tests/c" \
        "$HERE/$b.c" "$REPO/tests/c/testkit.c" -o "$BUILD/$b" \
        -L"$LIBDIR" -lopenint -Wl,-rpath,"$LIBDIR" -lcjson -lcurl -lm
done

OUT="$BUILD/bench-output.md"
CALLS_OUT="$BUILD/calls-output.md"
CPU=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$ONLY" = calls ] || "$BUILD/bench" --server-bin "$LIBDIR/openint-testserver" --reps "$REPS" | tee "$OUT"
[ "$ONLY" = listing ] || "$BUILD/calls" --server-bin "$LIBDIR/openint-testserver" --reps "$REPS" | tee "$CALLS_OUT"
# A partial run only prints: RESULTS.md holds both benchmarks from one run.
[ -z "$ONLY" ] || exit 0

{
    echo "# C benchmark results"
    echo
    echo "Produced by \`bash benches/run.sh\`; machine: $(nproc) cores, $CPU; load average before the"
    echo "run: $LOAD; $(date -u +%Y-%m-%d). The test server runs on the same machine (loopback)."
    echo
    echo "## Listing (benches/bench.c)"
    echo
    echo "Listing 20,000 connectors from the local test server (\`--count 20000\`, loopback), through the"
    echo "openint C ABI and through a plain C loop over libcurl (one easy handle reused: keep-alive) that"
    echo "parses each page with cJSON."
    echo
    cat "$OUT"
    echo
    echo "Methods: *libcurl+cJSON* GETs each page and parses it into a cJSON tree (reading each item's"
    echo "name); *openint cursor* and *page chain* hand each item's JSON text over the C ABI (the core"
    echo "scans the page once with serde_json and never builds a tree); *cursor+cJSON/item* also parses"
    echo "every item with cJSON, which is what a C program that needs the fields ends up doing."
    echo "Every method pages the same way (to a short or empty page) and reads identical server answers."
    echo
    echo "## Small calls (benches/calls.c)"
    echo
    cat "$CALLS_OUT"
    echo
    echo "Both loops make the same request (one connection seeded in a scenario, organization key) and"
    echo "parse each answer into a cJSON tree; CPU is this process's user+sys time (all threads), so the"
    echo "server's work is not in it. The baseline reuses one curl easy handle (keep-alive)."
} >"$HERE/RESULTS.md"
log "wrote benches/RESULTS.md"
