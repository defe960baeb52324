#!/usr/bin/env bash
# Peak memory of hostile answers (issue 11) through the C ABI: a 100 MB page of tiny items (cursor
# and page API), a gzip bomb, and a 200 MB error body. Each case runs in a fresh process.
#   bash benches/memory.sh                 # this build
#   bash benches/memory.sh /path/to/old/libopenint.so   # and another build beside it
# Not a test: it prints numbers.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB="$REPO/target/release/libopenint.so"
(cd "$REPO" && cargo build --release -p openint --quiet)
PORTFILE=$(mktemp)
python3 "$REPO/benches/memory_probe.py" peer >"$PORTFILE" 2>/dev/null &
PEER_PID=$!
trap 'kill $PEER_PID 2>/dev/null; rm -f "$PORTFILE"' EXIT
for _ in $(seq 100); do [ -s "$PORTFILE" ] && break; sleep 0.05; done
read -r PORT <"$PORTFILE"
for case in tiny-items-cursor tiny-items-page gzip-bomb error-body; do
    for lib in "$LIB" "$@"; do
        printf '%-55s ' "$(basename "$(dirname "$(dirname "$lib")")")/$(basename "$lib")"
        python3 "$REPO/benches/memory_probe.py" run "$lib" "$PORT" "$case" || echo "$case: crashed (exit $?)"
    done
done
