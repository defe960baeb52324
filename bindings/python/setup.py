"""Builds the wheel: the `openint` package plus libopenint, the Rust core it loads with ctypes.

setuptools-rust drives cargo (`RustExtension` with `Binding.NoBinding`: a plain cdylib, no
Python module written in Rust). The crate is `rust/` in an sdist (the sdist command below
copies it there with a standalone manifest) and `../../` in a checkout. $OPENINT_LIB_PATH,
when set, bundles that library instead and runs no cargo: release wheels bundle a library
built for old glibc or for musl elsewhere (.ci/release). The wheel is tagged
py3-none-<platform>: ctypes needs no particular CPython ABI, the library is per platform.
"""

import os
import re
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution
from setuptools_rust import Binding, RustExtension
from setuptools_rust.build import build_rust

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SDIST_CRATE = "rust"  # where an sdist carries the crate, relative to HERE
LIB_NAME = {"darwin": "libopenint.dylib", "win32": "openint.dll"}.get(sys.platform, "libopenint.so")
# Sections of the workspace manifest that name files an sdist does not carry.
WORKSPACE_ONLY = ("workspace", "dev-dependencies", "bench", "test", "example")


def prebuilt_library():
    path = (os.environ.get("OPENINT_LIB_PATH") or os.environ.get("OPENINT_LIBRARY") or "").strip()
    if not path:
        return None
    if not Path(path).is_file():
        sys.exit(f"openint: OPENINT_LIB_PATH={path} is not a file")
    return Path(path)


def rust_extensions():
    if prebuilt_library():
        return []
    if (HERE / SDIST_CRATE / "Cargo.toml").is_file():
        # setuptools-rust builds only the cdylib.
        manifest, crate_type = HERE / SDIST_CRATE / "Cargo.toml", []
    elif (REPO / "Cargo.toml").is_file():
        # The workspace's own crate types, so this is the very build `cargo build --release`
        # makes (cargo finds it fresh instead of rebuilding the crate as a cdylib alone).
        manifest = REPO / "Cargo.toml"
        types = re.search(r'(?m)^crate-type\s*=\s*\[([^\]]*)\]', manifest.read_text())
        crate_type = ["--crate-type", ",".join(re.findall(r'"([^"]+)"', types.group(1)))] if types else []
    else:
        sys.exit(f"openint: no crate at {HERE / SDIST_CRATE} or {REPO}: build from an sdist or a checkout, "
                 "or set OPENINT_LIB_PATH to a built libopenint")
    # rustup's default place, for shells whose PATH lacks it.
    rustup_cargo = Path.home() / ".cargo" / "bin" / "cargo"
    if "CARGO" not in os.environ and not shutil.which("cargo") and rustup_cargo.is_file():
        os.environ["CARGO"] = str(rustup_cargo)
    return [
        RustExtension(
            "openint.libopenint",
            path=str(manifest),
            binding=Binding.NoBinding,
            args=["-p", "openint", *crate_type],
        )
    ]


def standalone_manifest(text: str) -> str:
    """The crate's manifest without the workspace's sections (members, benches, dev-only
    dependencies): what cargo needs to build the library from an sdist."""
    out, keep = [], True
    for line in text.splitlines(keepends=True):
        header = re.match(r"\s*\[\[?([A-Za-z0-9_.-]+)\]?\]", line)
        if header:
            keep = header.group(1).split(".")[0] not in WORKSPACE_ONLY
        if keep:
            out.append(line)
    return "".join(out).rstrip() + "\n"


class SdistWithCrate(sdist):
    """Puts the crate into the sdist as rust/: src/, build.rs, Cargo.lock, the licenses and a
    standalone Cargo.toml, so `pip install` of the sdist builds anywhere cargo runs."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        if (HERE / SDIST_CRATE / "Cargo.toml").is_file():
            return  # an sdist made from an sdist: MANIFEST.in carried rust/ already
        dest = Path(base_dir) / SDIST_CRATE
        dest.mkdir(exist_ok=True)
        (dest / "Cargo.toml").write_text(standalone_manifest((REPO / "Cargo.toml").read_text()))
        shutil.copytree(REPO / "src", dest / "src", ignore=shutil.ignore_patterns("*.orig", "*.rej"))
        for name in ("build.rs", "Cargo.lock", "LICENSE-MIT", "LICENSE-APACHE"):
            if (REPO / name).is_file():
                shutil.copyfile(REPO / name, dest / name)


class BuildPyWithLibrary(build_py):
    def run(self):
        # pip builds in-tree and reuses build/: a module since removed from the source would
        # otherwise ride along into the wheel.
        shutil.rmtree(Path(self.build_lib) / "openint", ignore_errors=True)
        super().run()
        lib = prebuilt_library()
        if lib:
            dest = Path(self.build_lib) / "openint" / LIB_NAME
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(lib, dest)


class BuildRustAsPlainLibrary(build_rust):
    def get_dylib_ext_path(self, ext, target_fname):
        # NoBinding would name it like a CPython extension module
        # (libopenint.cpython-311-x86_64-linux-gnu.so); _ffi.py loads libopenint.so.
        return str(Path(super().get_dylib_ext_path(ext, target_fname)).with_name(LIB_NAME))


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
    rust_extensions=rust_extensions(),
    cmdclass={
        "build_py": BuildPyWithLibrary,
        "build_rust": BuildRustAsPlainLibrary,
        "bdist_wheel": PlatformWheel,
        "sdist": SdistWithCrate,
    },
    distclass=BinaryDistribution,
)
