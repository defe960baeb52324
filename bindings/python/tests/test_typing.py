"""`mypy --strict` and pyright pass on the package, on a typed program using it
(examples/typed_example.py) and on the README's complete examples, and both see a misuse (so
the checks can fail)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]


def tool(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is not installed: run_tests.sh installs it")
        pytest.skip(f"{module} is not installed (run_tests.sh installs it)")


def mypy(*args, cwd=HERE):
    tool("mypy")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def pyright(*args, cwd=HERE):
    tool("pyright")
    exe = shutil.which("pyright", path=str(Path(sys.executable).parent)) or "pyright"
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    return subprocess.run(
        [exe, "--pythonpath", sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


def readme_examples(tmp_path: Path) -> list:
    """The README's python blocks that are whole programs (they start with an import)."""
    text = (HERE / "README.md").read_text()
    out = []
    for i, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
        if block.startswith(("from ", "import ")):
            path = tmp_path / f"readme_example_{i}.py"
            path.write_text(block)
            out.append(str(path))
    assert len(out) >= 4, "the README's complete examples went missing"
    return out


def test_mypy_strict_on_the_package_and_typed_examples(tmp_path):
    run = mypy("openint", "examples/typed_example.py", *readme_examples(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr


def test_pyright_on_the_package_and_typed_examples(tmp_path):
    run = pyright("openint", "examples/typed_example.py", *readme_examples(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr


BAD = (
    "import openint\n"
    "def f(c: openint.Openint) -> int:\n"
    "    return c.get_connection('conn_1').connector_name\n"  # a str, not an int
    "def g(c: openint.Openint) -> int:\n"
    "    return c.with_raw_response.get_current_user().parse().role\n"  # a str too
)


def test_mypy_sees_a_wrong_type(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(BAD)
    run = mypy(str(bad), cwd=HERE)
    assert run.returncode == 1 and run.stdout.count('Incompatible return value type (got "str", expected "int")') == 2


def test_pyright_sees_a_wrong_type(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(BAD)
    run = pyright(str(bad), cwd=HERE)
    assert run.returncode == 1 and run.stdout.count('"str" is not assignable to "int"') == 2, run.stdout
