#!/usr/bin/env bash
# CPU of the sequential pagination engine (prefetch 1) against another build of the library:
#   bash benches/engine_cpu.sh /path/to/other/libopenint.so
# Lists 20,000 connectors at limit 100 through the C ABI cursor, alternating the two builds,
# 9 runs each; prints the medians side by side. Not a test.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OTHER=${1:?usage: engine_cpu.sh OTHER_LIBOPENINT_SO}
source "$REPO/.ci/lib.sh"
(cd "$REPO" && cargo build --release -p openint -p openint-testserver --quiet)
BIN=$(mktemp -d)
cc -O2 -I"$REPO/include" "$REPO/benches/cursor_cpu.c" -L"$REPO/target/release" -lopenint -o "$BIN/cursor_cpu"
start_local_server --count 20000
# Each build in a folder of its own, under the name the program asks for (its SONAME).
soname=$(readelf -d "$REPO/target/release/libopenint.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
for which in this other; do mkdir -p "$BIN/$which"; done
cp "$REPO/target/release/libopenint.so" "$BIN/this/${soname:-libopenint.so}"
cp "$OTHER" "$BIN/other/${soname:-libopenint.so}"
run() { LD_LIBRARY_PATH="$BIN/$1" "$BIN/cursor_cpu" | cut -d' ' -f1; }
this=(); other=()
for _ in $(seq 9); do
    this+=("$(run this)")
    other+=("$(run other)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 5p; }
a=$(median "${this[@]}"); b=$(median "${other[@]}")
echo "20,000 connectors, limit 100, CPU seconds (median of 9): this build $a, $OTHER $b: $(python3 -c "print(f'{$a/$b:.3f}x')")"
