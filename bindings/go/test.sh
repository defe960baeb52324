#!/usr/bin/env bash
# Tests of the Go module: builds libopenint and the local test server if needed, then runs
# go vet, go test -race, and go test under GOEXPERIMENT=cgocheck2 (when the toolchain has it).
# Run from anywhere; CI calls it from .ci/run. Extra arguments go to both `go test` runs
# (e.g. ./test.sh -run TestRetries -v).
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

# cgo and the race detector need a C compiler; the library needs cargo/rustc (rust-version 1.80).
command -v gcc >/dev/null || apt_install gcc libc6-dev
if ! command -v cargo >/dev/null; then
	[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH" || apt_install cargo
fi
# Go 1.24+ (go.mod). An older go (>= 1.21) fetches the right toolchain itself through the Go
# proxy (GOTOOLCHAIN=auto, the default).
command -v go >/dev/null || apt_install golang-go

say "building libopenint and openint-testserver (cargo build --release)"
(cd "$repo" && cargo build --release --quiet -p openint -p openint-testserver)

export OPENINT_TESTSERVER="${OPENINT_TESTSERVER:-$repo/target/release/openint-testserver}"
export CGO_ENABLED=1
cd "$here"

say "go vet ./..."
go vet ./...

say "go test -race ./..."
go test -race -count=1 "$@" ./...

if GOEXPERIMENT=cgocheck2 go version >/dev/null 2>&1; then
	say "GOEXPERIMENT=cgocheck2 go test ./..."
	GOEXPERIMENT=cgocheck2 go test -count=1 "$@" ./...
else
	say "this Go toolchain has no GOEXPERIMENT=cgocheck2; skipped that run"
fi
say "Go module: all tests passed"
