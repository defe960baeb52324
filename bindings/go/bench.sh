#!/usr/bin/env bash
# Benchmark (not part of the test run): lists 20,000 connectors from the local test server
# through this module and through a plain net/http + encoding/json loop decoding into a plain
# struct with Connector's fields, in the same run, for small items (limit 100) and real-sized
# ones (limit 3000 with schemas); prints the medians side by side with the CPU ratio.
#   ./bench.sh            5 runs of each
#   COUNT=10 ./bench.sh   more runs
#   GOEXPERIMENT=jsonv2 ./bench.sh   as Go 1.27 builds by default: encoding/json (the
#                         baseline's) runs on the JSON v2 engine, and so does the module's JSON v2
#   ./bench.sh decoders   the JSON decoders the module could use, on the same pages
#                         (internal/decoderbench, a module of its own): CPU per listing
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
(cd "$repo" && cargo build --release --quiet -p openint -p openint-testserver)
bash "$here/test.sh" --link-only # cargo's archive where link.go looks for it
export OPENINT_TESTSERVER="${OPENINT_TESTSERVER:-$repo/target/release/openint-testserver}"
cd "$here"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT

if [ "${1:-}" = decoders ]; then
	(cd internal/decoderbench && go test -run '^$' -bench BenchmarkDecode -benchtime "${BENCHTIME:-3x}" -count "${COUNT:-5}" .) | tee "$out"
	echo
	echo "go $(go env GOVERSION), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	awk '
	function median(list,   n, a, i, j, t) {
		n = split(list, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	/^BenchmarkDecode\// {
		split($1, p, "/"); sub(/-[0-9]+$/, "", p[3]); key = p[2] "|" p[3]
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		for (i = 3; i < NF; i++) {
			if ($(i+1) == "cpu-ms/op") cpu[key] = cpu[key] " " $i
			if ($(i+1) == "B/op") bytes[key] = bytes[key] " " $i
			if ($(i+1) == "allocs/op") allocs[key] = allocs[key] " " $i
		}
	}
	END {
		printf "| pages | decoder | CPU ms per 20,000 items | MB/op | allocs/op |\n|---|---|---:|---:|---:|\n"
		for (k = 1; k <= n; k++) { split(order[k], q, "|")
			printf "| %s | %s | %.0f | %.1f | %.0f |\n", q[1], q[2], median(cpu[order[k]]), median(bytes[order[k]]) / 1e6, median(allocs[order[k]]) }
	}' "$out"
	exit 0
fi
go test -run '^$' -bench 'BenchmarkList20000' -benchtime "${BENCHTIME:-5x}" -count "${COUNT:-5}" . | tee "$out"

echo
echo "go $(go env GOVERSION), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/^BenchmarkList20000\// {
	split($1, p, "/"); sub(/-[0-9]+$/, "", p[3])
	key = p[2] SUBSEP p[3]
	if (!(p[2] in seen)) { seen[p[2]] = 1; order[++ncases] = p[2] }
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/op") ns[key] = ns[key] " " $i
		if ($(i+1) == "cpu-ms/op") cpu[key] = cpu[key] " " $i
		if ($(i+1) == "items/s") ips[key] = ips[key] " " $i
		if ($(i+1) == "B/op") bytes[key] = bytes[key] " " $i
		if ($(i+1) == "allocs/op") allocs[key] = allocs[key] " " $i
	}
}
END {
	printf "| case | client | wall ms/op | CPU ms/op | items/s | MB/op (Go heap) | allocs/op |\n|---|---|---:|---:|---:|---:|---:|\n"
	for (c = 1; c <= ncases; c++) for (k = 1; k <= 2; k++) {
		cl = (k == 1) ? "openint" : "nethttp"; key = order[c] SUBSEP cl
		printf "| %s | %s | %.0f | %.0f | %.0f | %.1f | %.0f |\n", order[c], cl, median(ns[key]) / 1e6, median(cpu[key]), median(ips[key]), median(bytes[key]) / 1e6, median(allocs[key])
	}
	print ""
	for (c = 1; c <= ncases; c++) {
		o = order[c] SUBSEP "openint"; n = order[c] SUBSEP "nethttp"
		printf "%s: openint uses %.2fx the CPU of plain net/http (median CPU ratio), %.2fx its wall time\n", order[c], median(cpu[o]) / median(cpu[n]), median(ns[o]) / median(ns[n])
	}
}' "$out"
