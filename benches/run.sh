#!/usr/bin/env bash
# C benchmark: listing 20,000 connectors through the openint C ABI vs a plain libcurl + cJSON
# loop, against one local test server (--count 20000). Prints a markdown table and saves it,
# with the machine it ran on, to benches/RESULTS.md. Not part of the test run.
# Usage: bash benches/run.sh [--reps N]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BUILD="$HERE/build"
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
LIBDIR="$TARGET_DIR/release"
REPS=7
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS=$2; shift ;;
        *) echo "usage: $0 [--reps N]" >&2; exit 2 ;;
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
gcc -std=c11 -Wall -Wextra -Werror -O2 -g -pthread -I"$REPO/include" -I"$REPO/tests/c" \
    "$HERE/bench.c" "$REPO/tests/c/testkit.c" -o "$BUILD/bench" \
    -L"$LIBDIR" -lopenint -Wl,-rpath,"$LIBDIR" -lcjson -lcurl -lm

OUT="$BUILD/bench-output.md"
"$BUILD/bench" --server-bin "$LIBDIR/openint-testserver" --reps "$REPS" | tee "$OUT"

CPU=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "# C benchmark results"
    echo
    echo "Listing 20,000 connectors from the local test server (\`--count 20000\`, loopback), through the"
    echo "openint C ABI and through a plain C loop over libcurl (one easy handle reused: keep-alive) that"
    echo "parses each page with cJSON. Produced by \`bash benches/run.sh\` (benches/bench.c);"
    echo "machine: $(nproc) cores, $CPU; load average before the run: $LOAD; $(date -u +%Y-%m-%d)."
    echo
    cat "$OUT"
    echo
    echo "Methods: *libcurl+cJSON* GETs each page and parses it into a cJSON tree (reading each item's"
    echo "name); *openint cursor* and *page chain* hand each item's JSON text over the C ABI (the core"
    echo "scans the page once with serde_json and never builds a tree); *cursor+cJSON/item* also parses"
    echo "every item with cJSON, which is what a C program that needs the fields ends up doing."
    echo "Every method pages the same way (to a short or empty page) and reads identical server answers."
} >"$HERE/RESULTS.md"
log "wrote benches/RESULTS.md"
