"""`mypy --strict` passes on the package and on a typed program using it
(examples/typed_example.py), and mypy sees a misuse there (so the check can fail)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]


def mypy(*args, cwd=HERE):
    try:
        import mypy  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("mypy is not installed: run_tests.sh installs it")
        pytest.skip("mypy is not installed (run_tests.sh installs it)")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_mypy_strict_on_the_package_and_a_typed_example():
    run = mypy("openint", "examples/typed_example.py")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_sees_a_wrong_type(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import openint\n"
        "def f(c: openint.Openint) -> int:\n"
        "    return c.get_connection('conn_1').connector_name\n"  # a str, not an int
    )
    run = mypy(str(bad), cwd=HERE)
    assert run.returncode == 1 and 'Incompatible return value type (got "str", expected "int")' in run.stdout
