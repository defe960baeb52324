#!/usr/bin/env bash
# Runs the benchmarks (not part of the tests): builds libopenint and the test server,
# installs the official `openint` SDK 2.8.0 from PyPI into its own venv, .venv-official (its
# import name `openint` would shadow this package; skipped when already there; shared with
# run_tests.sh), then prints this package's numbers beside the floor and the official SDK as
# Markdown tables: import time (bench_import.py), calls (bench_calls.py), listings (bench_list.py),
# and the issue's three workloads run interleaved with the floor, round after round
# (bench_rounds.py; its --version LABEL=DIR compares other copies of the package).
# Extra arguments go to bench/bench_list.py (--repeat N, --official-repeat N).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
# Where cargo puts its output (CARGO_TARGET_DIR, if set, is relative to the repo).
TARGET="$(cd "$REPO" && mkdir -p "${CARGO_TARGET_DIR:-target}" && cd "${CARGO_TARGET_DIR:-target}" && pwd)"
OFFICIAL_VERSION="2.8.0"
OFFICIAL_VENV="${OPENINT_OFFICIAL_VENV:-$HERE/.venv-official}"

(cd "$REPO" && cargo build --release --quiet -p openint -p openint-testserver)

if ! "$OFFICIAL_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('openint') != '$OFFICIAL_VERSION')" 2>/dev/null; then
  rm -rf "$OFFICIAL_VENV"
  "$PYTHON" -m venv "$OFFICIAL_VENV"
  "$OFFICIAL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "openint==$OFFICIAL_VERSION"
fi

# This package needs pydantic: the benchmark runs in a venv that has it (the tests' .venv when
# run_tests.sh made one, else its own).
BENCH_VENV="${OPENINT_PY_VENV:-$HERE/.venv}"
if ! "$BENCH_VENV/bin/python" -c "import pydantic" 2>/dev/null; then
  "$PYTHON" -m venv "$BENCH_VENV"
  "$BENCH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pydantic>=2.10,<3"
fi
PYTHON="$BENCH_VENV/bin/python"

export OPENINT_LIB_PATH="${OPENINT_LIB_PATH:-$TARGET/release/libopenint.so}"
export OPENINT_TESTSERVER="${OPENINT_TESTSERVER:-$TARGET/release/openint-testserver}"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
"$PYTHON" "$HERE/bench/bench_import.py" --official-python "$OFFICIAL_VENV/bin/python"
"$PYTHON" "$HERE/bench/bench_calls.py" --official-python "$OFFICIAL_VENV/bin/python"
"$PYTHON" "$HERE/bench/bench_list.py" --official-python "$OFFICIAL_VENV/bin/python" "$@"
exec "$PYTHON" "$HERE/bench/bench_rounds.py"
