"""One version everywhere: every place that states openint's version must say Cargo.toml's.

    python3 tests/dist/versions.py [DIST]

Checks the sources (Cargo.lock, the Python package, the READMEs' install commands) and, given
the release folder, every artefact in it: wheel and sdist names and metadata, the sdist's
crate, the C/C++ tarballs' library file name, SONAME, pkg-config and CMake version files.
(The library's own openint_version() and the User-Agents it sends are checked at run time
by tests/dist/run.sh.) Prints each disagreement; exits 1 if there is one.
"""

import re
import sys
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
problems: "list[str]" = []
checked = 0


def expect(place: str, found: "str | None", want: str) -> None:
    global checked
    checked += 1
    if found != want:
        problems.append(f"{place} says {found!r}, Cargo.toml says {want!r}")


def first(pattern: str, text: str) -> "str | None":
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else None


def main() -> None:
    version = first(r'^version\s*=\s*"([^"]+)"', (REPO / "Cargo.toml").read_text())
    if not version:
        sys.exit("no version in Cargo.toml")
    major, minor = version.split(".")[:2]
    soname = f"libopenint.so.0.{minor}" if major == "0" else f"libopenint.so.{major}"

    lock = (REPO / "Cargo.lock").read_text()
    expect("Cargo.lock (package openint)", first(r'^name = "openint"\nversion = "([^"]+)"', lock), version)
    init = (REPO / "bindings/python/openint/__init__.py").read_text()
    expect("bindings/python/openint/__init__.py __version__", first(r'^__version__\s*=\s*"([^"]+)"', init), version)
    pyproject = (REPO / "bindings/python/pyproject.toml").read_text()
    static = first(r'^version\s*=\s*"([^"]+)"', pyproject)
    if static is not None:
        expect("bindings/python/pyproject.toml version", static, version)
    elif "openint.__version__" not in pyproject:
        problems.append("bindings/python/pyproject.toml takes its version neither from openint.__version__ nor states it")
    readme = (REPO / "README.md").read_text()
    install = readme[readme.find("## Install") :]
    install = install[: install.find("\n## ", 4)]
    for m in re.finditer(r"(?:openint_native|openint)-(\d+\.\d+\.\d+)", install):
        expect(f"README.md's install section ({m.group(0)})", m.group(1), version)
    go_readme = (REPO / "bindings/go/README.md").read_text()
    for name, text in (("README.md's install section", install), ("bindings/go/README.md", go_readme)):
        for m in re.finditer(r"bindings/go(?:@|/| )v(\d+\.\d+\.\d+)", text):
            expect(f"{name} ({m.group(0)})", m.group(1), version)

    if len(sys.argv) > 1:
        dist = Path(sys.argv[1])
        for whl in sorted(dist.glob("*.whl")):
            expect(f"{whl.name} (file name)", first(r"^openint_native-([^-]+)-", whl.name), version)
            with zipfile.ZipFile(whl) as z:
                meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
                expect(f"{whl.name} METADATA", first(r"^Version: (.+)$", z.read(meta).decode()), version)
        for sdist in sorted(dist.glob("openint_native-*.tar.gz")):
            expect(f"{sdist.name} (file name)", first(r"^openint_native-(.+)\.tar\.gz$", sdist.name), version)
            with tarfile.open(sdist) as t:
                root = t.getnames()[0].split("/")[0]
                pkg = t.extractfile(f"{root}/PKG-INFO").read().decode()
                crate = t.extractfile(f"{root}/rust/Cargo.toml").read().decode()
            expect(f"{sdist.name} PKG-INFO", first(r"^Version: (.+)$", pkg), version)
            expect(f"{sdist.name} rust/Cargo.toml", first(r'^version\s*=\s*"([^"]+)"', crate), version)
        for tb in sorted(dist.glob("openint-*-linux-*.tar.gz")):
            expect(f"{tb.name} (file name)", first(r"^openint-(\d+\.\d+\.\d+)-", tb.name), version)
            with tarfile.open(tb) as t:
                names = t.getnames()
                root = names[0].split("/")[0]
                read = lambda rel: t.extractfile(f"{root}/{rel}").read().decode()  # noqa: E731
                shared = [n for n in names if re.search(r"/lib/libopenint\.so\.\d+\.\d+\.\d+$", n)]
                expect(f"{tb.name} shared library", shared[0].rsplit(".so.", 1)[1] if shared else None, version)
                link = t.getmember(f"{root}/lib/{soname}") if f"{root}/lib/{soname}" in names else None
                expect(f"{tb.name} lib/{soname} (the SONAME link)", link.linkname if link else None, f"libopenint.so.{version}")
                for pc in ("openint.pc", "openint-static.pc"):
                    expect(f"{tb.name} {pc}", first(r"^Version: (.+)$", read(f"lib/pkgconfig/{pc}")), version)
                cfg = read("lib/cmake/openint/openintConfigVersion.cmake")
                expect(f"{tb.name} openintConfigVersion.cmake", first(r'set\(PACKAGE_VERSION "([^"]+)"\)', cfg), version)

    for p in problems:
        print(p)
    print(f"{checked} places checked, {len(problems)} disagree with Cargo.toml's {version}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
