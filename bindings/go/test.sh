#!/usr/bin/env bash
# Tests of the Go module: builds libopenint and the local test server if needed, then runs
# go vet, staticcheck, and go test -race under GOEXPERIMENT=cgocheck2 (one run: the race
# detector and cgo's full pointer checks each still catch their own kind of bug together;
# without cgocheck2 in the toolchain, -race alone), summarised as "N passed, N failed,
# N skipped". Run from anywhere; CI calls it as `bash bindings/go/test.sh`. Extra arguments go
# to `go test` (e.g. ./test.sh -run TestRetries).
#   --quick      go test alone (no -race, no cgocheck2, no vet or staticcheck): the loop before
#                each commit
#   --setup      only fetches the module's dependencies and installs staticcheck
#   --link-only  only builds the library and links it where link.go looks (for .ci/demo and
#                bench.sh)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

say() { printf '== %s\n' "$*" >&2; }

apt_install() {
	# Only on a fresh machine that lacks a tool; quick no-op otherwise.
	if ! command -v apt-get >/dev/null; then
		say "missing $* and no apt-get to install it"; exit 1
	fi
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	say "installing $* with apt-get"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# link.go links internal/native/<os>_<arch>/libopenint.a, which only release versions of the
# module carry: in the repository it is a link to cargo's build (ignored by git), so the tests
# run the very link.go a user gets. A committed archive (a release checkout) is left alone.
link_archive() {
	local native
	native="$here/internal/native/$(go env GOOS)_$(go env GOARCH)"
	[ -d "$native" ] || { say "no prebuilt-archive folder for this platform ($native): use -tags openint_system"; exit 1; }
	if git -C "$here" ls-files --error-unmatch "$native/libopenint.a" >/dev/null 2>&1; then
		say "using the committed $native/libopenint.a"
	else
		ln -sfn "$repo/target/release/libopenint.a" "$native/libopenint.a"
	fi
}

# cgo and the race detector need a C compiler; the library needs cargo/rustc (rust-version 1.80).
command -v gcc >/dev/null || apt_install gcc libc6-dev
if ! command -v cargo >/dev/null; then
	[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH" || apt_install cargo
fi
# Go 1.26+ (go.mod). An older go (>= 1.21) fetches the right toolchain itself through the Go
# proxy (GOTOOLCHAIN=auto, the default). The module's one dependency (JSON v2) comes from the
# Go module proxy too, checked against go.sum.
command -v go >/dev/null || apt_install golang-go

if [ "${1:-}" = --link-only ]; then
	(cd "$repo" && cargo build --release --quiet -p openint)
	link_archive
	exit 0
fi
mode=full
case "${1:-}" in
--quick) mode=quick; shift ;;
--setup) mode=setup; shift ;;
esac

# staticcheck from the Go module proxy, the release for this toolchain (go.mod asks for 1.26,
# which staticcheck 2026.2.2 supports), installed once into a cache directory outside the
# repository.
sc_version=v0.8.2
sc_bin="${XDG_CACHE_HOME:-$HOME/.cache}/openint-go-tools/staticcheck-$sc_version"
if [ "$mode" != quick ] && [ ! -x "$sc_bin/staticcheck" ]; then
	say "installing staticcheck $sc_version"
	GOBIN="$sc_bin" go install "honnef.co/go/tools/cmd/staticcheck@$sc_version"
fi
# The full run's go test builds the standard library with the race detector (and cgocheck2):
# --setup compiles it into Go's build cache beforehand, while cargo builds the library.
full_env=()
GOEXPERIMENT=cgocheck2 go version >/dev/null 2>&1 && full_env=(GOEXPERIMENT=cgocheck2)
if [ "$mode" = setup ]; then
	(cd "$here" && go mod download)
	env "${full_env[@]}" go build -race std
	exit 0
fi

# OPENINT_CARGO_BUILT=1: .ci/test built them already (and cargo may be busy with another build).
if [ -z "${OPENINT_CARGO_BUILT:-}" ]; then
	say "building libopenint and openint-testserver (cargo build --release)"
	(cd "$repo" && cargo build --release --quiet -p openint -p openint-testserver)
fi

export OPENINT_TESTSERVER="${OPENINT_TESTSERVER:-$repo/target/release/openint-testserver}"
export CGO_ENABLED=1
cd "$here"

link_archive

if [ "$mode" = full ]; then
	say "go vet ./..."
	go vet ./...

	say "staticcheck ./..."
	"$sc_bin/staticcheck" ./...
fi

# Builds the summariser once (a failed build would otherwise read as zero tests).
summarise="$(mktemp -d)/testsum"
trap 'rm -rf "$(dirname "$summarise")"' EXIT
go build -o "$summarise" ./internal/testsum

status=0
if [ "$mode" = quick ]; then
	say "go test ./..."
	go test -json -count=1 "$@" ./... | "$summarise" "Go tests" || status=1
elif [ ${#full_env[@]} -gt 0 ]; then
	say "GOEXPERIMENT=cgocheck2 go test -race ./..."
	GOEXPERIMENT=cgocheck2 go test -json -race -count=1 "$@" ./... | "$summarise" "Go tests (-race, cgocheck2)" || status=1
else
	say "this Go toolchain has no GOEXPERIMENT=cgocheck2: go test -race ./..."
	go test -json -race -count=1 "$@" ./... | "$summarise" "Go tests (-race)" || status=1
fi
if [ "$status" = 0 ]; then
	say "Go module: all tests passed"
else
	say "Go module: tests failed"
fi
exit "$status"
