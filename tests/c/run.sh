#!/usr/bin/env bash
# C tests of the openint C ABI against the local test server.
#   1. builds libopenint (.so and .a) and openint-testserver with cargo;
#   2. builds tests/c/test_openint.c three ways, all with -Wall -Wextra -Werror:
#        c-shared  (C11,   libopenint.so)
#        c-static  (C11,   libopenint.a + the system libraries rustc names)
#        cxx-shared (C++17, libopenint.so): the header and the tests also compile as C++;
#      plus c-asan (C11, libopenint.so, AddressSanitizer + LeakSanitizer + UBSan on the C side);
#      and the tests of the C++ layer (include/openint.hpp), -std=c++17 -Wall -Wextra -Werror:
#        cpp-gcc (test_cpp*.cpp, g++), cpp-clang-asan (the same, clang++ with ASan + UBSan),
#        cpp-nothrow-gcc and cpp-nothrow-clang-asan (test_cpp_nothrow.cpp, -fno-exceptions);
#   3. builds examples/*.c as a user would: examples/openint.pc.sh writes the pkg-config files,
#      and each example compiles from a folder outside the repository with
#      $(pkg-config --cflags --libs openint), as C11 and as C++17 (the quick start also with
#      openint-static); examples/*.cpp likewise with g++ and clang++ (no_exceptions.cpp with
#      -fno-exceptions);
#      (the builds of steps 2 and 3 run two at a time, each with its own log, shown on failure)
#   4. starts one test server, runs the binaries (which run the examples too), then c-shared and
#      cpp-gcc again under valgrind, following the examples they start (any memory error or
#      definite/indirect leak fails). Valgrind runs every test but the cancellation ones
#      (VALGRIND_FILTER): those wait on timers scaled tenfold under it, half its time, while
#      what they allocate and free is what the other tests cover; ASan and LeakSanitizer run
#      them, like every test, in c-asan and cpp-clang-asan;
#   5. prints "C tests: N passed, M failed" and exits non-zero on any failure.
# Usage: bash tests/c/run.sh [--quick] [--no-valgrind] [--filter WORDS]
#   --quick    c-shared and the C examples only (no C++, ASan or valgrind builds; of the static
#              builds only the quick start's): the loop before each commit
#   --filter   comma-separated words a test's name contains (-WORD: must not contain)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD="$HERE/build"
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
LIBDIR="$TARGET_DIR/release"
VALGRIND=1
QUICK=0
FILTER=()
VALGRIND_FILTER=-cancel_
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1; VALGRIND=0 ;;
        --no-valgrind) VALGRIND=0 ;;
        --filter) FILTER=(--filter "$2"); VALGRIND_FILTER="$2,$VALGRIND_FILTER"; shift ;;
        *) echo "usage: $0 [--quick] [--no-valgrind] [--filter WORDS]" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[tests/c %3ds] %s\n' "$SECONDS" "$*" >&2; }

# Tools and libraries (a fresh CI machine may lack some; the shared helper skips installed ones).
source "$REPO/.ci/lib.sh"
if [ "$QUICK" = 1 ]; then ensure_apt gcc libcjson-dev pkg-config; else ensure_apt gcc g++ clang libcjson-dev pkg-config; fi
[ "$VALGRIND" = 0 ] || ensure_apt valgrind

# ---- Rust artefacts ----
# OPENINT_CARGO_BUILT=1: .ci/test built them already (and cargo may be busy with another build).
if [ -z "${OPENINT_CARGO_BUILT:-}" ]; then
    log "cargo build --release -p openint -p openint-testserver"
    (cd "$REPO" && cargo build --release -p openint -p openint-testserver 2>&1 | tail -n 3) >&2
fi
for f in libopenint.so libopenint.a openint-testserver; do
    [ -e "$LIBDIR/$f" ] || { log "missing $LIBDIR/$f"; exit 1; }
done

# The system libraries a Rust staticlib needs. rustc prints them for any staticlib; asking it
# about an empty one takes a second and avoids rebuilding openint with different flags.
mkdir -p "$BUILD"
NATIVE_LIBS=$(cd "$BUILD" && echo '' >nsl.rs && rustc --crate-type staticlib --print native-static-libs nsl.rs -o nsl.a 2>&1 |
    sed -n 's/.*native-static-libs: //p' | tail -n 1)
[ -n "$NATIVE_LIBS" ] || NATIVE_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
log "static link libraries: $NATIVE_LIBS"

VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n 1)

PASSED=0
FAILED=0
check() { # description, command...: one counted check
    local what=$1; shift
    if "$@"; then PASSED=$((PASSED + 1)); echo "ok   $what"
    else FAILED=$((FAILED + 1)); echo "FAIL $what"; fi
}

# Builds run two at a time (BUILD_JOBS), each with its own log; a failed build is counted as a
# failed check (its log shown) and its test run then fails for want of the binary.
BUILD_JOBS=${BUILD_JOBS:-2}
BUILDS=()
build() { # description, command...
    while [ "$(jobs -rp | wc -l)" -ge "$BUILD_JOBS" ]; do wait -n || true; done
    local n=${#BUILDS[@]}
    BUILDS+=("$1"); shift
    ( "$@" ) >"$BUILD/build.$n.log" 2>&1 && echo 0 >"$BUILD/build.$n.rc" || echo 1 >"$BUILD/build.$n.rc" &
}
wait_builds() {
    wait
    local n
    for n in "${!BUILDS[@]}"; do
        if [ "$(cat "$BUILD/build.$n.rc")" = 0 ]; then PASSED=$((PASSED + 1)); echo "ok   ${BUILDS[$n]}"
        else FAILED=$((FAILED + 1)); echo "FAIL ${BUILDS[$n]}"; sed 's/^/     | /' "$BUILD/build.$n.log" | tail -n 40; fi
    done
    BUILDS=()
}

# ---- build the test binaries ----
SRC=("$HERE"/test_*.c "$HERE/testkit.c" "$HERE/checks.c")
COMMON=(-Wall -Wextra -Werror -O1 -g -pthread -I"$REPO/include" -I"$HERE"
    "-DOPENINT_EXPECTED_VERSION=\"$VERSION\"")
SHARED_LINK=(-L"$LIBDIR" -lopenint -Wl,-rpath,"$LIBDIR" -lcjson -lm)
# shellcheck disable=SC2206 # the library list is meant to split into words
STATIC_LINK=("$LIBDIR/libopenint.a" -lcjson $NATIVE_LIBS)
ASAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
rm -rf "$BUILD"/test_* "$BUILD"/*.o "$BUILD/c-objects"

# c-shared and c-static link the same C11 objects.
c_shared_and_static() {
    mkdir -p "$BUILD/c-objects"
    (cd "$BUILD/c-objects" && gcc -std=c11 "${COMMON[@]}" -c "${SRC[@]}")
    gcc "$BUILD"/c-objects/*.o -o "$BUILD/test_c_shared" "${SHARED_LINK[@]}"
    gcc "$BUILD"/c-objects/*.o -o "$BUILD/test_c_static" "${STATIC_LINK[@]}"
}
if [ "$QUICK" = 1 ]; then
    log "building c-shared"
    build "c-shared builds (C11, -Wall -Wextra -Werror)" \
        gcc -std=c11 "${COMMON[@]}" "${SRC[@]}" -o "$BUILD/test_c_shared" "${SHARED_LINK[@]}"
else
    log "building c-shared, c-static, cxx-shared, c-asan, cpp-gcc, cpp-clang-asan, cpp-nothrow-gcc, cpp-nothrow-clang-asan"
    build "c-shared and c-static build (C11, -Wall -Wextra -Werror)" c_shared_and_static
    build "cxx-shared builds (the C tests as C++17)" \
        g++ -x c++ -std=c++17 "${COMMON[@]}" "${SRC[@]}" -o "$BUILD/test_cxx_shared" -x none "${SHARED_LINK[@]}"
    build "c-asan builds (ASan, LeakSanitizer, UBSan)" \
        gcc -std=c11 "${COMMON[@]}" "${ASAN[@]}" "${SRC[@]}" -o "$BUILD/test_c_asan" "${SHARED_LINK[@]}"

    # The C++ layer, linked to testkit built once as C. The tests' own code builds at -O0
    # (half the compile time; the examples build at -O1).
    CPP_SRC=("$HERE/test_cpp.cpp" "$HERE/test_cpp_lists.cpp" "$HERE/test_cpp_control.cpp")
    CPP_COMMON=(-std=c++17 "${COMMON[@]/#-O1/-O0}")
    gcc -std=c11 "${COMMON[@]}" -c "$HERE/testkit.c" -o "$BUILD/testkit.o"
    gcc -std=c11 "${COMMON[@]}" -c "$HERE/checks.c" -o "$BUILD/checks.o"
    KIT=("$BUILD/testkit.o" "$BUILD/checks.o")
    build "cpp-gcc builds (g++)" \
        g++ "${CPP_COMMON[@]}" "${CPP_SRC[@]}" "${KIT[@]}" -o "$BUILD/test_cpp_gcc" "${SHARED_LINK[@]}"
    build "cpp-clang-asan builds (clang++, ASan, UBSan)" \
        clang++ "${CPP_COMMON[@]}" "${ASAN[@]}" "${CPP_SRC[@]}" "${KIT[@]}" -o "$BUILD/test_cpp_clang_asan" "${SHARED_LINK[@]}"
    build "cpp-nothrow-gcc builds (g++ -fno-exceptions)" \
        g++ -fno-exceptions "${CPP_COMMON[@]}" "$HERE/test_cpp_nothrow.cpp" "${KIT[@]}" \
        -o "$BUILD/test_cpp_nothrow_gcc" "${SHARED_LINK[@]}"
    build "cpp-nothrow-clang-asan builds (clang++ -fno-exceptions, ASan, UBSan)" \
        clang++ -fno-exceptions "${CPP_COMMON[@]}" "${ASAN[@]}" "$HERE/test_cpp_nothrow.cpp" "${KIT[@]}" \
        -o "$BUILD/test_cpp_nothrow_clang_asan" "${SHARED_LINK[@]}"
fi

# ---- the examples, built through pkg-config from another folder ----
EXAMPLES="$BUILD/examples"
rm -rf "$EXAMPLES"
mkdir -p "$EXAMPLES"
log "examples: pkg-config files, then builds outside the repository"
check "examples/openint.pc.sh writes openint.pc and openint-static.pc" \
    bash -c "bash '$REPO/examples/openint.pc.sh' >&2 && [ -s '$LIBDIR/openint.pc' ] && [ -s '$LIBDIR/openint-static.pc' ]"
OUTSIDE=$(mktemp -d)
build_example() { # output name, pkg-config module, compiler and flags...
    local out=$1 module=$2; shift 2
    # shellcheck disable=SC2046 # pkg-config's answer is meant to split into words
    (cd "$OUTSIDE" && PKG_CONFIG_PATH="$LIBDIR" "$@" $(PKG_CONFIG_PATH="$LIBDIR" pkg-config --cflags --libs "$module") \
        -o "$out")
}
for src in "$REPO"/examples/*.c; do
    name=$(basename "$src" .c)
    build "example $name builds with pkg-config openint (C11, -Wall -Wextra -Werror)" \
        build_example "$EXAMPLES/$name" openint cc -std=c11 -Wall -Wextra -Werror -O1 -g "$src"
done
# The examples' test runs the static quick start too (in --quick as well).
build "example quickstart builds with pkg-config openint-static" \
    build_example "$EXAMPLES/quickstart_static" openint-static cc -std=c11 -Wall -Wextra -Werror -O1 -g \
    "$REPO/examples/quickstart.c"
if [ "$QUICK" = 0 ]; then
    for src in "$REPO"/examples/*.c; do
        name=$(basename "$src" .c)
        build "example $name builds as C++17" \
            build_example "$OUTSIDE/${name}_cxx" openint g++ -x c++ -std=c++17 -Wall -Wextra -Werror "$src" -x none
    done
    # The C++ examples: the g++ build is the one the tests run (as NAME_cpp).
    for src in "$REPO"/examples/*.cpp; do
        name=$(basename "$src" .cpp)
        flags=(-std=c++17 -Wall -Wextra -Werror -O1 -g)
        [[ $name == *no_exceptions* ]] && flags+=(-fno-exceptions)
        build "example $name.cpp builds with pkg-config openint (g++ ${flags[*]})" \
            build_example "$EXAMPLES/${name}_cpp" openint g++ "${flags[@]}" "$src"
        build "example $name.cpp builds with pkg-config openint (clang++ ${flags[*]})" \
            build_example "$OUTSIDE/${name}_clang" openint clang++ "${flags[@]}" "$src"
    done
fi
wait_builds
rm -rf "$OUTSIDE"

# ---- one server for every run (scenarios keep the runs apart) ----
coproc SERVER { exec "$LIBDIR/openint-testserver" --port 0 --exit-on-stdin-eof; }
SRV_PID=$SERVER_PID
# Closing its stdin is the signal to exit; the kill is only for a server that hangs.
cleanup() {
    [ -n "${SERVER[1]:-}" ] && eval "exec ${SERVER[1]}>&-"
    sleep 0.2
    kill "$SRV_PID" 2>/dev/null || true
}
trap cleanup EXIT
INFO=
IFS= read -r -t 60 INFO <&"${SERVER[0]}" || true
if [[ ! $INFO =~ \"port\":([0-9]+) ]]; then
    log "the test server did not start (got: $INFO)"
    exit 1
fi
URL="http://127.0.0.1:${BASH_REMATCH[1]}"
log "test server at $URL"

# ---- run ----
# The binaries run side by side, RUN_JOBS at a time: the two valgrind runs (the longest, each
# single-threaded and its timing bounds scaled tenfold) and one other at a time beside them,
# since the others' timing bounds are tight and the suite may run beside another. Each has its
# own log, printed whole in a fixed order once all have ended.
RUN_JOBS=${RUN_JOBS:-3}
RUNS=()
RUN_PIDS=()
running() { local p n=0; for p in "${RUN_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done; echo "$n"; }
run_start() { # label, command...
    local label=$1; shift
    local filter=("${FILTER[@]}")
    [ -z "${RUN_FILTER:-}" ] || filter=(--filter "$RUN_FILTER")
    while [ "$(running)" -ge "$RUN_JOBS" ]; do wait -n || true; done
    log "running $label"
    RUNS+=("$label")
    (
        rc=0
        timeout 1200 "$@" --server-url "$URL" --label "$label" --examples-dir "$EXAMPLES" "${filter[@]}" \
            >"$BUILD/$label.log" 2>&1 || rc=$?
        echo "$rc" >"$BUILD/$label.rc"
    ) &
    RUN_PIDS+=($!)
}
run_collect() {
    local pid
    for pid in "${RUN_PIDS[@]}"; do wait "$pid" || true; done
    local label out rc line p f
    for label in "${RUNS[@]}"; do
        out="$BUILD/$label.log"
        rc=$(cat "$BUILD/$label.rc")
        cat "$out"
        line=$(grep -E "^$label: passed=[0-9]+ failed=[0-9]+$" "$out" | tail -n 1 || true)
        if [[ $line =~ passed=([0-9]+)\ failed=([0-9]+) ]]; then
            p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}
        else
            p=0; f=1 # crashed or hung before its summary
            log "$label: no summary line (exit code $rc)"
        fi
        if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; log "$label: exit code $rc"; fi
        PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    done
}

# Link checks: the static binary must not need libopenint.so, the shared ones must.
check_link() { # binary, want(yes|no)
    local needs=no
    if [ ! -e "$1" ]; then FAILED=$((FAILED + 1)); echo "FAIL $(basename "$1") was not built"; return; fi
    if readelf -d "$1" | grep -q 'NEEDED.*libopenint\.so'; then needs=yes; fi
    if [ "$needs" = "$2" ]; then PASSED=$((PASSED + 1)); echo "ok   $(basename "$1") needs libopenint.so: $needs"
    else FAILED=$((FAILED + 1)); echo "FAIL $(basename "$1") needs libopenint.so: $needs (want $2)"; fi
}
check_link "$BUILD/test_c_shared" yes
check_link "$EXAMPLES/quickstart" yes
if [ "$QUICK" = 0 ]; then
    check_link "$BUILD/test_cxx_shared" yes
    check_link "$BUILD/test_c_static" no
    check_link "$EXAMPLES/quickstart_static" no
fi

# The longest first: valgrind. No suppressions are needed: what remains at exit is reachable
# (ureq's lazily built default header) or a "possibly lost" std thread handle, neither counted
# as a leak. Children (the examples) are traced too; their exit code 99 on an error fails
# their test. Sanitizers and valgrind slow everything down: timing bounds scale.
VALGRIND_CMD=(valgrind -q --trace-children=yes --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=30)
if [ "$VALGRIND" = 1 ]; then
    RUN_FILTER=$VALGRIND_FILTER TK_TIME_SCALE=10 run_start valgrind "${VALGRIND_CMD[@]}" "$BUILD/test_c_shared"
    RUN_FILTER=$VALGRIND_FILTER TK_TIME_SCALE=10 run_start cpp-valgrind "${VALGRIND_CMD[@]}" "$BUILD/test_cpp_gcc"
fi
run_start c-shared "$BUILD/test_c_shared"
if [ "$QUICK" = 0 ]; then
    run_start c-static "$BUILD/test_c_static"
    run_start cxx-shared "$BUILD/test_cxx_shared"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 TK_TIME_SCALE=3 run_start c-asan "$BUILD/test_c_asan"
    run_start cpp-gcc "$BUILD/test_cpp_gcc"
    run_start cpp-nothrow-gcc "$BUILD/test_cpp_nothrow_gcc"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 TK_TIME_SCALE=3 run_start cpp-clang-asan "$BUILD/test_cpp_clang_asan"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 TK_TIME_SCALE=3 run_start cpp-nothrow-clang-asan \
        "$BUILD/test_cpp_nothrow_clang_asan"
fi
run_collect

log "done"
echo "C tests: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
