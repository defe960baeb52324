"""Builds libopenint with cargo and bundles it into the wheel, tagged for its platform.

`pip install ./bindings/python` runs `cargo build --release -p openint` against the workspace
at ../../Cargo.toml (pip builds in-tree, so the repo is there), then copies the library into
the build folder (never the source tree). $OPENINT_LIB_PATH, when set, bundles that file
instead and skips cargo (for a library built elsewhere). The wheel is tagged py3-none-<platform>:
ctypes needs no particular CPython ABI, but the binary inside is platform-specific.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LIB_NAME = {"darwin": "libopenint.dylib", "win32": "openint.dll"}.get(sys.platform, "libopenint.so")


def cargo_build() -> Path:
    manifest = REPO / "Cargo.toml"
    if not manifest.is_file():
        sys.exit(
            f"openint: no Rust workspace at {manifest}: build from a checkout of the repository, "
            "or set OPENINT_LIB_PATH to a built libopenint"
        )
    cargo = os.environ.get("CARGO") or shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    cmd = [cargo, "build", "--release", "-p", "openint", "--manifest-path", str(manifest)]
    print("openint: " + " ".join(cmd), flush=True)
    try:
        subprocess.run(cmd, check=True, cwd=REPO)
    except FileNotFoundError:
        sys.exit("openint: cargo not found; install Rust (https://rustup.rs) or set CARGO")
    except subprocess.CalledProcessError as e:
        sys.exit(f"openint: cargo build failed with exit code {e.returncode}")
    target = Path(os.environ.get("CARGO_TARGET_DIR") or "target")
    return (target if target.is_absolute() else REPO / target) / "release" / LIB_NAME


def native_library() -> Path:
    override = (os.environ.get("OPENINT_LIB_PATH") or os.environ.get("OPENINT_LIBRARY") or "").strip()
    path = Path(override) if override else cargo_build()
    if not path.is_file():
        sys.exit(f"openint: {path} not found")
    return path


class BuildPyWithLibrary(build_py):
    def run(self):
        # pip builds in-tree and reuses build/: a module since removed from the source would
        # otherwise ride along into the wheel.
        shutil.rmtree(Path(self.build_lib) / "openint", ignore_errors=True)
        super().run()
        dest = Path(self.build_lib) / "openint" / LIB_NAME
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(native_library(), dest)


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(
    cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel},
    distclass=BinaryDistribution,
)
