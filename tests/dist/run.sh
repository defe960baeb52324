#!/usr/bin/env bash
# Checks the release artefacts in dist/ as their users would use them, with no Rust toolchain
# where users have none (.ci/release --check runs this after building; .ci/test runs
# `.ci/release --host --check`, the x86_64 glibc checks). Arguments: the Rust targets that
# .ci/release built (default: this machine's glibc target).
#
#   versions   one version (Cargo.toml's) in every artefact and source that states one
#   artefacts  per target: wheel tag, architecture, glibc floor (nothing newer than 2.17) or
#              musl libc, SONAME; auditwheel's policy for glibc wheels; tarball and Go archive
#   Python     the wheel in a fresh venv with no cargo/rustc on PATH: the README's quick start
#              against the local server, then the Python suite against the installed wheel;
#              the sdist installed from an empty folder
#   Go         a program in its own module outside the repository, pointed at a copy of the
#              module tree, no cargo/rustc on PATH, GOFLAGS=-mod=mod: the quick start
#              builds and runs; the module's own tests pass in that copy; go mod vendor
#              keeps header and archives; fully static musl programs run (arm64 under qemu)
#   C/C++      the tarball as a prefix: examples/quickstart.c from another folder through
#              pkg-config and CMake find_package(openint), shared and static (and the C++
#              quick start, examples/quickstart.cpp, when the C++ header exists), and again
#              after moving the prefix; musl builds under Debian's musl loader / statically
# Each check prints ok/FAIL with its time; the last line counts them. OPENINT_DIST_ONLY=REGEX
# runs only the checks whose name matches.
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/lib.sh"
cd "$REPO"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("$(uname -m)-unknown-linux-gnu")
DIST="$REPO/dist"
TOOLS="$REPO/.tools/dist"
[ -x "$TOOLS/bin/auditwheel" ] || die "run .ci/release first (it installs the tools and builds dist/)"
VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR_MINOR=$(echo "$VERSION" | cut -d. -f1,2)
SONAME=$(if [ "${VERSION%%.*}" = 0 ]; then echo "libopenint.so.$MAJOR_MINOR"; else echo "libopenint.so.${VERSION%%.*}"; fi)
GO_MODULE=github.com/openint-dev/openint-sdk/bindings/go
ZIG="$TOOLS/bin/python-zig"
# A prefix outside the repository: the checks play a user with no checkout.
TMP=$(mktemp -d /tmp/openint-dist.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

PASSED=0 FAILED=0
check() { # name, command...: runs it (errexit on), output to a log shown only on failure
    local name=$1 t0=$SECONDS log rc; shift
    # OPENINT_DIST_ONLY=REGEX runs only the checks whose name matches (while working on one).
    if [ -n "${OPENINT_DIST_ONLY:-}" ] && ! [[ $name =~ $OPENINT_DIST_ONLY ]]; then return 0; fi
    log=$(mktemp "$TMP/log.XXXXXX")
    # Not inside an `if`: bash would switch errexit off for everything the check calls.
    set +e; (set -e; "$@") >"$log" 2>&1; rc=$?; set -e
    if [ "$rc" = 0 ]; then
        PASSED=$((PASSED + 1)); printf 'ok   %-100s %3d s\n' "$name" $((SECONDS - t0))
    else
        FAILED=$((FAILED + 1)); printf 'FAIL %-100s %3d s\n' "$name" $((SECONDS - t0))
        tail -n 40 "$log" | sed 's/^/     | /'
    fi
}
fail() { echo "$*" >&2; return 1; }
# The checks come in four groups (each group's checks in order, as they build on each other):
# the sdist's, which only compiles, runs in the background at a lower priority, beside the
# Python, Go and C/C++ groups, which run one after the other (their tests time things, which a
# second test run beside them would disturb). A group's output is printed whole, in a fixed
# order, and its ok/FAIL lines counted, once all have ended.
GROUP_NAMES=() GROUP_PIDS=()
# Job control: each group its own process group, and SIGINT not ignored in it (the Python
# suite's Ctrl-C tests need it), as it would be in a background job without job control.
set -m
trap 'kill -- $(jobs -p | sed "s/^/-/") 2>/dev/null || true; rm -rf "$TMP"' EXIT
group() { # name, function, [background]: runs the function's checks
    GROUP_NAMES+=("$1")
    if [ "${3:-}" = background ]; then
        (renice -n 10 -p "$BASHPID" >/dev/null; "$2") >"$TMP/group.$1" 2>&1 &
        GROUP_PIDS+=($!)
    else
        "$2" >"$TMP/group.$1" 2>&1 &
        wait $! || true
    fi
}
end_groups() {
    # Only the groups: a bare `wait` would wait for the local server too.
    [ ${#GROUP_PIDS[@]} -eq 0 ] || wait "${GROUP_PIDS[@]}" || true
    local g
    for g in "${GROUP_NAMES[@]}"; do
        cat "$TMP/group.$g"
        PASSED=$((PASSED + $(grep -c '^ok   ' "$TMP/group.$g" || true)))
        FAILED=$((FAILED + $(grep -c '^FAIL ' "$TMP/group.$g" || true)))
    done
}
built() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }
arch_of() { echo "${1%%-*}"; }
libc_of() { echo "${1##*-}"; }
go_dir_of() { echo "linux_$([ "$(arch_of "$1")" = x86_64 ] && echo amd64 || echo arm64)$([ "$(libc_of "$1")" = musl ] && echo _musl || true)"; }
elf_machine() { [ "$1" = x86_64 ] && echo "Advanced Micro Devices X86-64" || echo AArch64; }

# PATH for the user's side: the system's programs and go, but no cargo, rustc or rustup.
NORUST="$TMP/norust-bin"
mkdir -p "$NORUST"
for d in /usr/local/bin /usr/bin /bin "$(dirname "$(command -v go)")"; do
    for f in "$d"/*; do
        case ${f##*/} in cargo* | rustc* | rustup* | rustdoc* | rust-*) continue ;; esac
        [ -x "$f" ] && [ ! -e "$NORUST/${f##*/}" ] && ln -s "$f" "$NORUST/${f##*/}"
    done
done
no_rust() { env PATH="$NORUST" "$@"; }
if no_rust bash -c 'command -v cargo || command -v rustc'; then die "cargo or rustc is still on the user's PATH"; fi

# The local server (the same one every suite uses); each check makes its own scenario.
[ -x target/release/openint-testserver ] || cargo build --release --quiet -p openint-testserver
exec {SERVER_STDIN}> >(target/release/openint-testserver --port 0 --exit-on-stdin-eof >"$TMP/server.json")
for _ in $(seq 100); do [ -s "$TMP/server.json" ] && break; sleep 0.05; done
ADMIN_URL=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["admin_url"])' "$TMP/server.json")
scenario() { python3 "$REPO/tests/dist/scenario.py" new "$ADMIN_URL"; } # -> id base_url org_key
agent_is() { # scenario id, pattern: every request it received had such a User-Agent
    local a; a=$(python3 "$REPO/tests/dist/scenario.py" agents "$ADMIN_URL" "$1")
    [ -n "$a" ] && ! grep -qv -- "$2" <<<"$a" || fail "User-Agent: $(head -n 1 <<<"$a"), want $2"
    echo "User-Agent: $(head -n 1 <<<"$a")"
}

# ---------------------------------------------------------------- versions and artefacts
check "versions: Cargo.toml's $VERSION in the sources and in every artefact of dist/" \
    python3 tests/dist/versions.py "$DIST"

so_facts() { # file, arch, libc: architecture, SONAME, glibc floor or musl's libc alone
    local so=$1 arch=$2 libc=$3 newest needed
    readelf -h "$so" | grep -q "Machine: *$(elf_machine "$arch")" || fail "$so is not $arch: $(readelf -h "$so" | grep Machine)"
    readelf -d "$so" | grep -q "SONAME.*\[$SONAME\]" || fail "$so: SONAME is not $SONAME"
    readelf -S -W "$so" | grep -q ' \.symtab ' || fail "$so has no symbol table (it should keep it)"
    ! readelf -S -W "$so" | grep -q ' \.debug_info ' || fail "$so still has debug info"
    needed=$(readelf -d "$so" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
    if [ "$libc" = gnu ]; then
        newest=$(objdump -T "$so" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
        [ -n "$newest" ] && version_ge 2.17 "$newest" || fail "$so needs GLIBC_$newest (newer than 2.17)"
        echo "$so: $arch, newest symbol GLIBC_$newest, NEEDED $needed"
    else
        [ "$needed" = "libc.so " ] || fail "$so needs $needed (want musl's libc.so alone)"
        echo "$so: $arch, NEEDED $needed"
    fi
}

check_wheel() {
    local t=$1 arch libc whl x
    arch=$(arch_of "$t") libc=$(libc_of "$t")
    if [ "$libc" = gnu ]; then x="manylinux2014_$arch.manylinux_2_17_$arch"; else x="musllinux_1_2_$arch"; fi
    whl="$DIST/openint_native-$VERSION-py3-none-$x.whl"
    [ -f "$whl" ] || fail "no $whl; dist has: $(ls "$DIST")"
    mkdir -p "$TMP/whl-$t" && (cd "$TMP/whl-$t" && python3 -m zipfile -e "$whl" .)
    so_facts "$TMP/whl-$t/openint/libopenint.so" "$arch" "$libc"
    grep -q "^Tag: py3-none-${x%%.*}$" "$TMP"/whl-"$t"/*.dist-info/WHEEL || fail "WHEEL lacks the tag py3-none-${x%%.*}"
    if [ "$libc" = gnu ]; then
        "$TOOLS/bin/auditwheel" show "$whl" | tee "$TMP/auditwheel-$t"
        tr -s ' \n' ' ' <"$TMP/auditwheel-$t" | grep -q "consistent with the following platform tag: \"manylinux_2_17_$arch\"" ||
            fail "auditwheel show does not say manylinux_2_17_$arch"
    fi
}

check_archive() { # an archive for static linking: its objects' architecture, and a size budget
    local a=$1 arch=$2 size machines
    size=$(stat -c %s "$a")
    machines=$(readelf -h "$a" | sed -n 's/.*Machine: *//p' | sort -u)
    [ "$machines" = "$(elf_machine "$arch")" ] || fail "$a holds objects for: $machines"
    ! readelf -S -W "$a" | grep -q ' \.llvmbc ' || fail "$a still carries LLVM bitcode"
    [ "$size" -lt $((16 * 1024 * 1024)) ] || fail "$a is $size bytes (budget 16 MiB)"
    echo "$a: $arch, $size bytes"
}

check_tarball() {
    local t=$1 name p
    name="openint-$VERSION-$(arch_of "$t")-linux-$(libc_of "$t")"
    p="$TMP/tar-$t"
    mkdir -p "$p" && tar -C "$p" -xzf "$DIST/$name.tar.gz"
    p="$p/$name"
    for f in include/openint.h lib/libopenint.a lib/pkgconfig/openint.pc lib/pkgconfig/openint-static.pc \
        lib/cmake/openint/openintConfig.cmake lib/cmake/openint/openintConfigVersion.cmake share/doc/openint/LICENSE-MIT; do
        [ -f "$p/$f" ] || fail "$name lacks $f"
    done
    if [ -f include/openint.hpp ]; then cmp include/openint.hpp "$p/include/openint.hpp"; fi
    cmp include/openint.h "$p/include/openint.h"
    [ "$(readlink "$p/lib/libopenint.so")" = "$SONAME" ] && [ "$(readlink "$p/lib/$SONAME")" = "libopenint.so.$VERSION" ] ||
        fail "$name: the links libopenint.so -> $SONAME -> libopenint.so.$VERSION are not there"
    so_facts "$p/lib/libopenint.so.$VERSION" "$(arch_of "$t")" "$(libc_of "$t")"
    check_archive "$p/lib/libopenint.a" "$(arch_of "$t")"
}

for t in "${TARGETS[@]}"; do
    check "wheel for $t: tag, architecture, glibc floor 2.17 or musl's libc, SONAME, symbols; auditwheel's policy (glibc)" check_wheel "$t"
    check "C/C++ tarball for $t: layout, headers, SONAME links, library facts" check_tarball "$t"
    check "Go archive internal/native/$(go_dir_of "$t"): architecture, no bitcode, under 16 MiB" \
        check_archive "$DIST/go/internal/native/$(go_dir_of "$t")/libopenint.a" "$(arch_of "$t")"
done

# ---------------------------------------------------------------- Python
HOST=$(uname -m)-unknown-linux-gnu
HOST_WHEEL="$DIST/openint_native-$VERSION-py3-none-manylinux2014_$(uname -m).manylinux_2_17_$(uname -m).whl"
PY_VENV="$TMP/venv-wheel"

python_quickstart() { # the README's Python quick start, as pasted, against a fresh scenario
    local id base key out
    python3 - README.md >"$TMP/quickstart.py" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
print(re.search(r"### Python\n.*?```python\n(.*?)```", text, re.S).group(1))
PY
    python3 -m venv "$PY_VENV"
    "$PY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$HOST_WHEEL"
    read -r id base key < <(scenario)
    mkdir -p "$TMP/empty" && cd "$TMP/empty"
    no_rust env -u OPENINT_LIB_PATH -u OPENINT_LIBRARY -u PYTHONPATH OPENINT_BASE_URL="$base" OPENINT_API_KEY="$key" \
        "$PY_VENV/bin/python" "$TMP/quickstart.py" >"$TMP/py.out"
    out=$(wc -l <"$TMP/py.out")
    [ "$out" -ge 172 ] && tail -n 1 "$TMP/py.out" | grep -q '^http.*token=' || fail "unexpected output ($out lines): $(tail -n 3 "$TMP/py.out")"
    no_rust env -u OPENINT_LIB_PATH "$PY_VENV/bin/python" -c "
import openint, sys
assert openint.library_path().startswith(sys.prefix), openint.library_path()
assert openint.__version__ == '$VERSION' and openint._ffi.lib.openint_version().decode() == '$VERSION'
print(openint.library_path())"
    agent_is "$id" "openint-python/$VERSION .*openint-rust/$VERSION"
    echo "$out lines"
}

python_suite() { # the package's own tests, importing the installed wheel
    "$PY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pytest>=8,<10"
    cd "$TMP/empty"
    # test_packaging builds a wheel with cargo (users have none); test_typing runs mypy on the
    # source tree, not on what is installed. The plugin fails the run unless openint comes
    # from the venv; -o pythonpath keeps the source package off sys.path. The official SDK's
    # own suite ran against this package in the Python suite already (its venvs and Prism are
    # run_tests.sh's).
    no_rust env -u OPENINT_LIB_PATH -u OPENINT_LIBRARY PYTHONPATH="$REPO/tests/dist" \
        OPENINT_TESTSERVER="$REPO/target/release/openint-testserver" \
        OPENINT_OFFICIAL_PYTHON="${OPENINT_OFFICIAL_PYTHON:-$REPO/bindings/python/.venv-official/bin/python}" \
        "$PY_VENV/bin/python" -m pytest -q -p installed_openint -c "$REPO/bindings/python/pyproject.toml" \
        --rootdir "$REPO/bindings/python" -o pythonpath=tests -p no:cacheprovider \
        --ignore "$REPO/bindings/python/tests/test_packaging.py" --ignore "$REPO/bindings/python/tests/test_typing.py" \
        --ignore "$REPO/bindings/python/tests/test_official_suite.py" \
        "$REPO/bindings/python/tests"
}

sdist_install() { # from an empty folder into a fresh venv; needs cargo (and crates.io)
    local v="$TMP/venv-sdist"
    python3 -m venv "$v"
    mkdir -p "$TMP/sdist-empty" && cd "$TMP/sdist-empty"
    # Its own cargo target folder, kept between runs: a second run reuses the compiled crates.
    # (A copy of target/release/deps would not help: with only a cdylib to build, cargo
    # compiles the dependencies as bitcode for the linker, the workspace's build as objects.)
    CARGO_TARGET_DIR="$REPO/target/dist-sdist" "$v/bin/python" -m pip install --quiet --disable-pip-version-check \
        "$DIST/openint_native-$VERSION.tar.gz"
    cd / && "$v/bin/python" -c "
import openint, sys
assert openint.library_path().startswith(sys.prefix), openint.library_path()
print(openint.__version__, openint.library_path(), openint._ffi.lib.openint_version().decode())"
}

sdist_checks() {
    check "Python: the sdist installs from an empty folder into a fresh venv and imports (builds with cargo)" sdist_install
}
group sdist sdist_checks background
python_checks() {
    if built "$HOST"; then
        check "Python: the wheel in a fresh venv, no cargo/rustc on PATH: the README's quick start against the local server" python_quickstart
        check "Python: the package's suite against the installed wheel (no cargo/rustc on PATH)" python_suite
    fi
}
group python python_checks

# ---------------------------------------------------------------- Go
GO_COPY="$TMP/openint-go" # the module tree alone, as the Go proxy would serve it
cp -a "$DIST/go" "$GO_COPY"
GO_USER="$TMP/gouser"
mkdir -p "$GO_USER/cmd/version"
cp bindings/go/examples/quickstart/main.go "$GO_USER/main.go"
cat >"$GO_USER/cmd/version/main.go" <<'GO'
// Prints the version of the library linked in, and the C library's own name for it.
package main

import (
	"fmt"

	openint "github.com/openint-dev/openint-sdk/bindings/go"
)

func main() { fmt.Println(openint.Version()) }
GO
cat >"$GO_USER/go.mod" <<GO
module example.com/gouser

go $(sed -n 's/^go //p' "$GO_COPY/go.mod")

require $GO_MODULE v$VERSION

replace $GO_MODULE => $GO_COPY
GO
# The module's dependencies come from the Go module proxy (or the module cache), checked
# against the sums the module ships (what `go get` would write).
cp "$GO_COPY/go.sum" "$GO_USER/go.sum" 2>/dev/null || true
go_user() { # runs a go command in the user's module: no cargo/rustc on PATH
    (cd "$GO_USER" && no_rust env GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=1 "$@")
}
go_quickstart() {
    local id base key
    go_user go build -o "$TMP/quickstart_go" .
    go_user go vet . ./cmd/version
    read -r id base key < <(scenario)
    no_rust env OPENINT_BASE_URL="$base" OPENINT_API_KEY="$key" "$TMP/quickstart_go" | tee "$TMP/go.out"
    grep -q '^OAuth2 connectors: [1-9]' "$TMP/go.out" && grep -q '^Connect link for cus_quickstart ready' "$TMP/go.out" ||
        fail "unexpected output"
    ! readelf -d "$TMP/quickstart_go" | grep -q 'NEEDED.*openint' || fail "the program needs a libopenint at run time"
    go_user go run ./cmd/version | grep -qx "$VERSION" || fail "openint.Version() is not $VERSION"
    agent_is "$id" "openint-go/$VERSION .*openint-rust/$VERSION"
}
go_module_tests() { # the module's tests in the copy: no repository files, no rustc
    go_user env OPENINT_TESTSERVER="$REPO/target/release/openint-testserver" go test -count=1 "$GO_MODULE"
}
go_vendor() {
    go_user go mod vendor
    local v="$GO_USER/vendor/$GO_MODULE/internal/native"
    [ -f "$v/include/openint.h" ] || fail "vendor/ lacks the header"
    for t in "${TARGETS[@]}"; do
        [ -f "$v/$(go_dir_of "$t")/libopenint.a" ] || fail "vendor/ lacks $(go_dir_of "$t")/libopenint.a"
    done
    (cd "$GO_USER" && no_rust env GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local go build -o "$TMP/version_vendored" ./cmd/version)
    "$TMP/version_vendored" | grep -qx "$VERSION"
    rm -rf "$GO_USER/vendor"
}
go_static_musl() { # arch: a fully static binary with zig as the C compiler and linker
    local arch=$1 goarch bin id base key run=()
    goarch=$([ "$arch" = x86_64 ] && echo amd64 || echo arm64)
    bin="$TMP/quickstart_musl_$goarch"
    go_user env GOARCH="$goarch" CC="$ZIG cc -target $arch-linux-musl" \
        go build -tags musl -ldflags '-linkmode external -extldflags -static' -o "$bin" .
    if readelf -l "$bin" | grep -q INTERP || readelf -d "$bin" | grep -q NEEDED; then fail "$bin is not static"; fi
    [ "$arch" = "$(uname -m)" ] || run=("$(qemu_aarch64)")
    read -r id base key < <(scenario)
    env OPENINT_BASE_URL="$base" OPENINT_API_KEY="$key" "${run[@]}" "$bin" | tee "$TMP/musl.out"
    grep -q '^Connect link for cus_quickstart ready' "$TMP/musl.out"
}

# Debian's musl loader and qemu-aarch64-static, unpacked into .tools/debs (never installed).
deb_file() { # package, path inside it -> prints the unpacked file's path
    local d="$REPO/.tools/debs/$1"
    if [ ! -e "$d/$2" ]; then
        mkdir -p "$d" && (cd "$d" && { apt-get download "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get download "$1"; }; } &&
            dpkg-deb -x ./*.deb . && rm -f ./*.deb)
    fi
    [ -e "$d/$2" ] && echo "$d/$2"
}
qemu_aarch64() { deb_file qemu-user-static usr/bin/qemu-aarch64-static; }

go_checks() {
    if built "$HOST"; then
        check "Go: own module outside the repository, module copy, no cargo/rustc, GOFLAGS=-mod=mod: the quick start builds and runs" go_quickstart
        check "Go: the module's own tests pass in the copy (no repository around it, no rustc)" go_module_tests
        check "Go: go mod vendor keeps the header and every archive; -mod=vendor builds and runs" go_vendor
    fi
    local t
    for t in "${TARGETS[@]}"; do
        [ "$(libc_of "$t")" = musl ] || continue
        check "Go: fully static musl program for $(arch_of "$t") runs$([ "$(arch_of "$t")" = "$(uname -m)" ] || echo ' (under qemu)')" go_static_musl "$(arch_of "$t")"
    done
}
group go go_checks

# ---------------------------------------------------------------- C / C++
C_USER="$TMP/cuser"
mkdir -p "$C_USER"
cp examples/quickstart.c tests/dist/CMakeLists.txt "$C_USER/"
if [ -f include/openint.hpp ]; then cp examples/quickstart.cpp "$C_USER/"; fi
ensure_apt pkg-config cmake

run_c() { # program...: the C (or C++) quick start prints every connector, one JSON object a line
    local id base key n
    read -r id base key < <(scenario)
    n=$(env OPENINT_BASE_URL="$base" OPENINT_API_KEY="$key" "$@" | grep -c '^{"name":' || true)
    [ "$n" = 171 ] || fail "$* printed $n connectors, want 171"
    agent_is "$id" "openint-rust/$VERSION"
    echo "$*: 171 connectors"
}
needs_libopenint() { readelf -d "$1" | grep -q "NEEDED.*\[$SONAME\]"; }

c_pkg_config() { # prefix
    local p=$1 pc=(env PKG_CONFIG_PATH="$1/lib/pkgconfig")
    cd "$C_USER"
    # shellcheck disable=SC2046 # pkg-config's answer is meant to split into words
    cc -std=c11 -Wall -Wextra -Werror quickstart.c $("${pc[@]}" pkg-config --cflags --libs openint) \
        -Wl,-rpath,"$("${pc[@]}" pkg-config --variable=libdir openint)" -o qs_pc_shared
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror quickstart.c $("${pc[@]}" pkg-config --cflags --libs openint-static) -o qs_pc_static
    needs_libopenint qs_pc_shared || fail "qs_pc_shared does not need $SONAME"
    ! needs_libopenint qs_pc_static || fail "qs_pc_static needs $SONAME"
    run_c ./qs_pc_shared
    run_c ./qs_pc_static
    if [ -f quickstart.cpp ]; then
        # shellcheck disable=SC2046
        c++ -std=c++17 -Wall -Wextra -Werror quickstart.cpp $("${pc[@]}" pkg-config --cflags --libs openint-static) -o qs_pc_cxx
        run_c ./qs_pc_cxx
    fi
}
c_cmake() { # prefix, build folder
    cmake -S "$C_USER" -B "$2" -DCMAKE_PREFIX_PATH="$1" -DOPENINT_WANT_VERSION="$MAJOR_MINOR" -DCMAKE_BUILD_TYPE=Release >"$2.log"
    cmake --build "$2" >>"$2.log"
    needs_libopenint "$2/quickstart" && needs_libopenint "$2/quickstart_shared" || fail "the shared targets do not need $SONAME"
    ! needs_libopenint "$2/quickstart_static" || fail "quickstart_static needs $SONAME"
    run_c "$2/quickstart"
    run_c "$2/quickstart_shared"
    run_c "$2/quickstart_static"
    if [ -f "$C_USER/quickstart.cpp" ]; then run_c "$2/quickstart_cxx"; fi
    cmake -S "$C_USER" -B "$2-static" -DCMAKE_PREFIX_PATH="$1" -DOPENINT_WANT_VERSION="$MAJOR_MINOR" -DOPENINT_STATIC=ON >"$2-static.log"
    cmake --build "$2-static" --target quickstart >>"$2-static.log"
    ! needs_libopenint "$2-static/quickstart" || fail "openint::openint with OPENINT_STATIC=ON is not static"
    run_c "$2-static/quickstart"
    # A version of another minor (0.x) or major is refused.
    if cmake -S "$C_USER" -B "$2-old" -DCMAKE_PREFIX_PATH="$1" -DOPENINT_WANT_VERSION=0.1 >"$2-old.log" 2>&1; then
        fail "find_package(openint 0.1) accepted $VERSION"
    fi
}
c_moved() { # the prefix moved elsewhere: CMake and pkg-config follow it
    mv "$1" "$TMP/moved-prefix"
    c_cmake "$TMP/moved-prefix" "$TMP/cmake-moved"
    c_pkg_config "$TMP/moved-prefix"
    mv "$TMP/moved-prefix" "$1"
}
c_musl() { # arch, prefix: a dynamic program under Debian's musl loader (same arch) and a static one
    local arch=$1 p=$2 loader native run=()
    native=$(sed -n 's/^Libs: ${libdir}\/libopenint.a //p' "$p/lib/pkgconfig/openint-static.pc")
    cd "$C_USER"
    "$ZIG" cc -target "$arch-linux-musl" -static -std=c11 quickstart.c -I"$p/include" "$p/lib/libopenint.a" $native -o "qs_musl_static_$arch"
    if readelf -l "qs_musl_static_$arch" | grep -q INTERP; then fail "qs_musl_static_$arch is not static"; fi
    [ "$arch" = "$(uname -m)" ] || run=("$(qemu_aarch64)")
    run_c "${run[@]}" "./qs_musl_static_$arch"
    if [ "$arch" = "$(uname -m)" ]; then
        loader=$(deb_file musl "lib/ld-musl-$arch.so.1") || fail "no musl loader"
        "$ZIG" cc -target "$arch-linux-musl" -std=c11 quickstart.c -I"$p/include" -L"$p/lib" -lopenint -o "qs_musl_dyn_$arch"
        needs_libopenint "qs_musl_dyn_$arch" || fail "qs_musl_dyn_$arch does not need $SONAME"
        run_c "$loader" --library-path "$p/lib" "./qs_musl_dyn_$arch"
    fi
}

c_checks() {
    if built "$HOST"; then
        local C_PREFIX="$TMP/prefix"
        mkdir -p "$C_PREFIX" && tar -C "$C_PREFIX" --strip-components=1 -xzf "$DIST/openint-$VERSION-$(uname -m)-linux-gnu.tar.gz"
        check "C/C++: the tarball as a prefix, the quick starts from another folder via pkg-config, shared and static" c_pkg_config "$C_PREFIX"
        check "C/C++: CMake find_package(openint $MAJOR_MINOR): openint::openint/shared/static, OPENINT_STATIC=ON; 0.1 refused" c_cmake "$C_PREFIX" "$TMP/cmake"
        check "C/C++: the prefix moved to another folder: CMake and pkg-config still build and run" c_moved "$C_PREFIX"
    fi
    local t p
    for t in "${TARGETS[@]}"; do
        [ "$(libc_of "$t")" = musl ] || continue
        p="$TMP/musl-$t"
        mkdir -p "$p" && tar -C "$p" --strip-components=1 -xzf "$DIST/openint-$VERSION-$(arch_of "$t")-linux-musl.tar.gz"
        check "C: musl $(arch_of "$t"): quickstart.c static$([ "$(arch_of "$t")" = "$(uname -m)" ] && echo ', and dynamic under the musl loader' || echo ' (under qemu)')" c_musl "$(arch_of "$t")" "$p"
    done
}
group c c_checks
end_groups

echo
echo "Dist: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
