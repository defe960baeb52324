#!/usr/bin/env bash
# Benchmark (not part of the test run): lists 20,000 connectors from the local test server
# through this module and through a plain net/http + encoding/json client, in the same run,
# then prints the medians side by side with the ratio.
#   ./bench.sh            5 runs of each
#   COUNT=10 ./bench.sh   more runs
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
(cd "$repo" && cargo build --release --quiet -p openint -p openint-testserver)
export OPENINT_TESTSERVER="${OPENINT_TESTSERVER:-$repo/target/release/openint-testserver}"
cd "$here"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench 'BenchmarkList20000' -benchtime "${BENCHTIME:-5x}" -count "${COUNT:-5}" ./... | tee "$out"

echo
echo "go $(go env GOVERSION), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
awk '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/^BenchmarkList20000\// {
	split($1, p, "/"); sub(/-[0-9]+$/, "", p[3])
	key = p[2] SUBSEP p[3]; cases[p[2]] = 1
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/op") ns[key] = ns[key] " " $i
		if ($(i+1) == "items/s") ips[key] = ips[key] " " $i
		if ($(i+1) == "B/op") bytes[key] = bytes[key] " " $i
		if ($(i+1) == "allocs/op") allocs[key] = allocs[key] " " $i
	}
}
END {
	printf "| case | client | ms/op | items/s | MB/op (Go heap) | allocs/op |\n|---|---|---:|---:|---:|---:|\n"
	for (c in cases) for (k = 1; k <= 2; k++) {
		cl = (k == 1) ? "openint" : "nethttp"; key = c SUBSEP cl
		printf "| %s | %s | %.0f | %.0f | %.1f | %.0f |\n", c, cl, median(ns[key]) / 1e6, median(ips[key]), median(bytes[key]) / 1e6, median(allocs[key])
	}
	print ""
	for (c in cases) printf "%s: openint is %.2fx the speed of plain net/http (median ns/op ratio)\n", c, median(ns[c SUBSEP "nethttp"]) / median(ns[c SUBSEP "openint"])
}' "$out"
