"""The wheel: built by running cargo itself, platform-tagged (never `any`, it holds a native
library), the library bundled inside, and an installed copy that loads its own library and
works, away from the source tree."""

import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import openint

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Builds the wheel as `pip install ./bindings/python` does, with no library given: the
    build must run cargo itself (seen through a logging wrapper around the real cargo)."""
    out = tmp_path_factory.mktemp("wheel")
    cargo = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    log = out / "cargo.log"
    wrapper = out / "cargo-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {cargo} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENINT_LIB_PATH", "OPENINT_LIBRARY")}
    env["CARGO"] = str(wrapper)
    # pip's build isolation would fetch setuptools from PyPI; the test venv already has it.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out / "dist"), str(PROJECT)],
        check=True,
        env=env,
        timeout=600,
    )
    # setuptools-rust's cargo call, with the workspace's crate types so it reuses that build.
    assert "rustc --lib" in log.read_text() and "--release" in log.read_text() and "-p openint" in log.read_text()
    (whl,) = (out / "dist").glob("*.whl")
    return whl


def test_wheel_is_platform_tagged_with_the_library_inside(wheel):
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    # The distribution is openint-native (PyPI's `openint` is the official SDK); the import name is openint.
    assert wheel.name == f"openint_native-{openint.__version__}-py3-none-{plat}.whl"
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(f"openint_native-{openint.__version__}.dist-info/WHEEL").decode()
        lib = z.read("openint/libopenint.so")
    assert "Root-Is-Purelib: false" in meta
    assert lib == Path(openint.library_path()).read_bytes()
    # Exactly the package's files and the library: nothing stale from an earlier build.
    source = {f"openint/{p.name}" for p in (PROJECT / "openint").iterdir() if p.suffix == ".py" or p.name == "py.typed"}
    assert {n for n in names if n.startswith("openint/")} == source | {"openint/libopenint.so"}
    assert not [n for n in names if "tests/" in n or n.endswith(".pyc")]


def test_installed_wheel_loads_its_bundled_library(wheel, tmp_path, server, scenario):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        timeout=300,
    )
    scn = scenario()
    env = {k: v for k, v in os.environ.items() if k not in ("OPENINT_LIB_PATH", "OPENINT_LIBRARY", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    code = (
        "import openint, json\n"
        "print(openint.library_path())\n"
        f"c = openint.Openint(base_url={scn.base_url!r}, max_retries=0)\n"
        "print(json.dumps([x.name for x in c.list_connectors(limit=100)]))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert r.returncode == 0, r.stderr
    lib_path, names = r.stdout.splitlines()
    assert Path(lib_path) == (site / "openint" / "libopenint.so").resolve()
    assert __import__("json").loads(names) == [x["name"] for x in server.registry(171)]
