#!/usr/bin/env bash
# Runs the Python package's tests on a fresh or a used machine: builds libopenint and the test
# server (a no-op when up to date), makes a venv in .venv with pytest, setuptools and mypy, and
# one in .venv-official with the official `openint==2.8.0` from PyPI for the drop-in check
# (each skipped when already there), then runs pytest against the local server. Extra
# arguments go to pytest.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
# Where cargo puts its output (CARGO_TARGET_DIR, if set, is relative to the repo).
TARGET="$(cd "$REPO" && mkdir -p "${CARGO_TARGET_DIR:-target}" && cd "${CARGO_TARGET_DIR:-target}" && pwd)"
VENV="${OPENINT_PY_VENV:-$HERE/.venv}"

packages=(-p openint)
[ -n "${OPENINT_TESTSERVER:-}" ] || packages+=(-p openint-testserver)
(cd "$REPO" && cargo build --release --quiet "${packages[@]}")

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
# setuptools >= 70.1 builds the wheel in test_packaging.py without the `wheel` package;
# setuptools-rust runs cargo for it (pyproject.toml's build requirements).
if ! "$VENV/bin/python" -c 'import pytest, mypy, setuptools_rust; from setuptools.command.bdist_wheel import bdist_wheel' 2>/dev/null; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pytest>=8,<10" "setuptools>=77" "setuptools-rust>=1.13,<2" "mypy>=1.10,<2"
fi

# The official SDK (its import name is also `openint`) in its own venv: tests/test_dropin.py
# runs the same script with it. 2.8.0 is the last release on the v1 paths.
OFFICIAL_VERSION="2.8.0"
OFFICIAL_VENV="${OPENINT_OFFICIAL_VENV:-$HERE/.venv-official}"
if ! "$OFFICIAL_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('openint') != '$OFFICIAL_VERSION')" 2>/dev/null; then
  rm -rf "$OFFICIAL_VENV"
  "$PYTHON" -m venv "$OFFICIAL_VENV"
  "$OFFICIAL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "openint==$OFFICIAL_VERSION"
fi
export OPENINT_OFFICIAL_PYTHON="$OFFICIAL_VENV/bin/python"

# The source tree's package loads this build (the wheel test builds its own copy with cargo).
export OPENINT_LIB_PATH="${OPENINT_LIB_PATH:-${OPENINT_LIBRARY:-$TARGET/release/libopenint.so}}"
unset OPENINT_LIBRARY
export OPENINT_TESTSERVER="${OPENINT_TESTSERVER:-$TARGET/release/openint-testserver}"
# Prism for tests/test_prism.py: the CI script installs it and sets OPENINT_PRISM; a copy that
# tests/conformance/run.sh left in .tools is used too. Without one the test skips (fails under CI).
if [ -z "${OPENINT_PRISM:-}" ] && [ -x "$REPO/.tools/prism/node_modules/.bin/prism" ]; then
  export OPENINT_PRISM="$REPO/.tools/prism/node_modules/.bin/prism"
fi
# Tests talk to 127.0.0.1 only; a proxy from the environment must not intercept them.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

cd "$HERE"
exec "$VENV/bin/python" -m pytest "$@"
