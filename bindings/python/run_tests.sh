#!/usr/bin/env bash
# Runs the Python package's tests on a fresh or a used machine: builds libopenint and the test
# server (a no-op when up to date), makes a venv in .venv with pytest, setuptools, mypy,
# pyright and pydantic, one in .venv-official with the official `openint==2.8.0` from PyPI for
# the drop-in check, and one in .venv-suite for the official SDK's own test suite (each
# skipped when already there), then runs pytest against the local server. Extra arguments go
# to pytest.
#   --quick   the fast tests, for the loop before each commit: all but those that need the
#             official SDK (its suite, the drop-in comparison), cargo (the packaging test)
#             or Prism, the Ctrl-C tests and the type checkers (mypy, pyright); only .venv
#             is made
#   --setup   only makes the venvs and fetches what the tests download (.ci/test runs it at
#             once, while cargo builds); builds and runs nothing
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
# Where cargo puts its output (CARGO_TARGET_DIR, if set, is relative to the repo).
TARGET="$(cd "$REPO" && mkdir -p "${CARGO_TARGET_DIR:-target}" && cd "${CARGO_TARGET_DIR:-target}" && pwd)"
VENV="${OPENINT_PY_VENV:-$HERE/.venv}"
MODE=full
case "${1:-}" in
  --quick) MODE=quick; shift ;;
  --setup) MODE=setup; shift ;;
esac

# The official SDK (its import name is also `openint`) in its own venv: tests/test_dropin.py
# runs the same script with it. 2.8.0 is the last release on the v1 paths.
OFFICIAL_VERSION="2.8.0"
OFFICIAL_VENV="${OPENINT_OFFICIAL_VENV:-$HERE/.venv-official}"
# The official SDK's own test suite (tests/test_official_suite.py): its sdist from PyPI, cached
# in the repository's ignored .tools/, and a venv with the suite's test dependencies at the
# versions its requirements-dev.lock pins (httpx only here: this package does not need it).
SUITE_SDIST_DIR="$REPO/.tools/openint-sdist-$OFFICIAL_VERSION"
SUITE_SDIST="$SUITE_SDIST_DIR/openint-$OFFICIAL_VERSION.tar.gz"
SUITE_VENV="${OPENINT_SUITE_VENV:-$HERE/.venv-suite}"
# The mock the official suite is written for: its scripts/mock runs Stainless's Prism fork,
# pinned (it runs on Node 20, unlike @stoplight/prism-cli 5.15+), into .tools/prism-stainless.
SUITE_PRISM_VERSION="5.15.0"
SUITE_PRISM="$REPO/.tools/prism-stainless/node_modules/.bin/prism"
# OPENINT_CARGO_BUILT=1: .ci/test built them already (and cargo may be busy with another build).
if [ "$MODE" != setup ] && [ -z "${OPENINT_CARGO_BUILT:-}" ]; then
  packages=(-p openint)
  [ -n "${OPENINT_TESTSERVER:-}" ] || packages+=(-p openint-testserver)
  (cd "$REPO" && cargo build --release --quiet "${packages[@]}")
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
# setuptools >= 70.1 builds the wheel in test_packaging.py without the `wheel` package;
# setuptools-rust runs cargo for it (pyproject.toml's build requirements). pyright (from PyPI;
# it fetches its Node package from npm on first run) type-checks like mypy.
if ! "$VENV/bin/python" -c "import pytest, mypy, pydantic, pyright, setuptools_rust; from setuptools.command.bdist_wheel import bdist_wheel" 2>/dev/null; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pytest>=8,<10" "setuptools>=77" \
    "setuptools-rust>=1.13,<2" "mypy>=1.10,<2" "pydantic>=2.10,<3" "pyright==1.1.399"
fi

# The tests that need only .venv; the others need the official SDK, cargo or Prism, or take
# long (the Ctrl-C tests, mypy and pyright).
QUICK=(--ignore tests/test_official_suite.py --ignore tests/test_dropin.py --ignore tests/test_packaging.py
  --ignore tests/test_prism.py --ignore tests/test_interrupt.py --ignore tests/test_typing.py)
if [ "$MODE" = quick ]; then
  set -- "${QUICK[@]}" "$@"
else
  if ! "$OFFICIAL_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('openint') != '$OFFICIAL_VERSION')" 2>/dev/null; then
    rm -rf "$OFFICIAL_VENV"
    "$PYTHON" -m venv "$OFFICIAL_VENV"
    "$OFFICIAL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "openint==$OFFICIAL_VERSION"
  fi
  export OPENINT_OFFICIAL_PYTHON="$OFFICIAL_VENV/bin/python"

  if [ ! -s "$SUITE_SDIST" ]; then
    mkdir -p "$SUITE_SDIST_DIR"
    "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-binary :all: --no-deps \
      --dest "$SUITE_SDIST_DIR" "openint==$OFFICIAL_VERSION"
  fi
  export OPENINT_SUITE_SDIST="$SUITE_SDIST"
  SUITE_PINS=("pytest==8.3.3" "pytest-asyncio==0.24.0" "respx==0.22.0" "httpx==0.28.1" "dirty-equals==0.6.0"
    "typing-extensions==4.12.2" "pydantic==2.10.3" "anyio==4.4.0" "time-machine==2.9.0" "nest-asyncio==1.6.0")
  if ! "$SUITE_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pytest-asyncio') != '0.24.0' or m.version('pydantic') != '2.10.3')" 2>/dev/null; then
    rm -rf "$SUITE_VENV"
    "$PYTHON" -m venv "$SUITE_VENV"
    "$SUITE_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${SUITE_PINS[@]}"
  fi
  export OPENINT_SUITE_PYTHON="$SUITE_VENV/bin/python"
  if [ "$("$SUITE_PRISM" --version 2>/dev/null || true)" != "$SUITE_PRISM_VERSION" ] && command -v npm >/dev/null; then
    mkdir -p "$REPO/.tools/prism-stainless"
    npm install --prefix "$REPO/.tools/prism-stainless" --no-audit --no-fund --loglevel=error --save-exact \
      "@stainless-api/prism-cli@$SUITE_PRISM_VERSION" >&2
  fi
  [ -x "$SUITE_PRISM" ] && export OPENINT_SUITE_PRISM="$SUITE_PRISM"

  if [ "$MODE" = setup ]; then
    # pyright fetches its Node package on its first run: now, rather than inside a test.
    PYRIGHT_PYTHON_IGNORE_WARNINGS=1 "$VENV/bin/pyright" --version
    exit 0
  fi
fi

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
