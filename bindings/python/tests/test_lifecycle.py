"""Handle lifetimes, interpreter exit, memory, and loading the library."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import openint

PACKAGE_DIR = Path(openint.__file__).resolve().parents[1]


def run_python(code: str, env: dict = None, cwd: Path = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(PACKAGE_DIR), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
    )


# Indented as the snippets below are, so that run_python's dedent applies to both.
RSS = """
        def rss_mb():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
"""


def test_pages_outlive_their_client(server, scenario):
    scn = scenario()
    c = openint.Openint(base_url=scn.base_url, max_retries=0)
    page = c.list_connectors(limit=100)
    c.close()
    # A page keeps what it needs of the client: fetching more still works.
    assert [x.to_dict() for x in page] == server.registry(171)


def test_context_managers_close(scenario):
    scn = scenario()
    with openint.Openint(base_url=scn.base_url) as c:
        assert isinstance(c, openint.Openint)
        with c.list_connectors(limit=1) as page:
            pass
    assert c.closed and page.closed


def test_handles_left_open_at_interpreter_exit(scenario):
    # __del__ runs during interpreter teardown (module globals may be gone by then); it must
    # neither crash nor print "Exception ignored".
    scn = scenario()
    r = run_python(
        f"""
        import openint
        c = openint.Openint(base_url={scn.base_url!r}, max_retries=0)
        p = c.list_connectors(limit=5)
        walk = iter(c.list_connectors(limit=2)); next(walk); next(walk); next(walk)
        class Cycle: pass
        x = Cycle(); x.me = x; x.page = c.list_connectors(limit=3); x.client = openint.Openint()
        KEEP = [c, p, walk, x]
        try:
            c.list_connectors(limit=-1)
        except openint.InvalidArgumentError as e:
            KEEP.append(e)
        print("done")
        """
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, "done\n", "")


def test_iterating_100000_connectors_keeps_memory_flat(scenario):
    # One decoded page is resident at a time; a leaked page (3.6 MB of JSON, more decoded)
    # would add far more than the bound over the 24 pages after the warm-up.
    scn = scenario(count=100_000)
    r = run_python(
        RSS
        + f"""
        import openint
        c = openint.Openint(base_url={scn.base_url!r}, max_retries=0)
        n, samples = 0, []
        for connector in c.list_connectors(limit=3000):
            n += 1
            if n % 3000 == 0:
                samples.append(rss_mb())
        print(n, max(samples[:10]), max(samples[10:]))
        """
    )
    assert r.returncode == 0, r.stderr
    n, warm, later = r.stdout.split()
    assert int(n) == 100_000
    growth = float(later) - float(warm)
    assert growth < 20, f"RSS grew by {growth:.1f} MB (warm {warm} MB, later {later} MB)"


def test_creating_and_dropping_10000_clients_keeps_memory_flat(scenario):
    # Half are closed, half only dropped (freed by __del__). Never freeing them was measured
    # at +8.7 MB here (a client is small), so the bound is tight; the correct code shows ~0.
    scn = scenario()
    r = run_python(
        RSS
        + f"""
        import gc, openint
        def churn(n):
            for i in range(n):
                c = openint.Openint(base_url={scn.base_url!r}, max_retries=0)
                if i % 100 == 0:
                    c.list_connectors(limit=1)  # a used pool, with a live connection
                if i % 2:
                    c.close()
                del c
        churn(1000)
        gc.collect()
        before = rss_mb()
        churn(10_000)
        gc.collect()
        print(rss_mb() - before)
        """
    )
    assert r.returncode == 0, r.stderr
    growth = float(r.stdout)
    assert growth < 4, f"RSS grew by {growth:.1f} MB"


def test_pages_and_errors_are_freed(scenario):
    # Pages dropped without close() are freed by __del__, error handles after being read.
    scn = scenario()
    r = run_python(
        RSS
        + f"""
        import gc, openint
        c = openint.Openint(base_url={scn.base_url!r}, max_retries=0)
        def work(n):
            for _ in range(n):
                c.list_connectors(limit=171).items            # ~200 KB of JSON each
                try:
                    c.list_connectors(limit=5000)
                except openint.InvalidArgumentError:
                    pass
            for _ in range(n * 50):
                try:
                    c.list_connectors(expand=["bogus-" + "x" * 1000])
                except openint.InvalidArgumentError:
                    pass
        work(100)
        gc.collect()
        before = rss_mb()
        work(1000)
        gc.collect()
        print(rss_mb() - before)
        """
    )
    assert r.returncode == 0, r.stderr
    growth = float(r.stdout)
    # Leaking pages would cost ~400 MB here, errors ~50 MB.
    assert growth < 15, f"RSS grew by {growth:.1f} MB"


class TestLoading:
    def test_library_path_and_env_override(self):
        lib = Path(openint.library_path())
        assert lib.is_absolute() and lib.is_file()
        copy = Path(os.environ.get("TMPDIR", "/tmp")) / f"openint-copy-{os.getpid()}.so"
        shutil.copyfile(lib, copy)
        try:
            for var in ("OPENINT_LIB_PATH", "OPENINT_LIBRARY"):
                env = {"OPENINT_LIB_PATH": "", "OPENINT_LIBRARY": "", var: str(copy)}
                r = run_python("import openint; print(openint.library_path())", env=env)
                assert r.stdout.strip() == str(copy.resolve()), (var, r.stderr)
        finally:
            copy.unlink()

    def test_missing_library_is_a_clear_import_error(self, tmp_path):
        missing = tmp_path / "nope.so"
        r = run_python(
            "import openint",
            env={"OPENINT_LIB_PATH": str(missing)},
        )
        assert r.returncode != 0
        assert "LibraryLoadError" in r.stderr and str(missing) in r.stderr
        assert "cargo build --release -p openint" in r.stderr

    @pytest.fixture
    def cc(self):
        cc = shutil.which("cc") or shutil.which("gcc")
        if cc is None:
            pytest.skip("no C compiler to build a stand-in library")
        return cc

    def build(self, cc: str, tmp_path: Path, source: str) -> Path:
        src = tmp_path / "stub.c"
        src.write_text(source)
        out = tmp_path / "libstub.so"
        subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(src)], check=True)
        return out

    def test_abi_mismatch_refuses_to_load(self, cc, tmp_path):
        lib = self.build(cc, tmp_path, "unsigned openint_abi_version(void) { return 2; }\n")
        r = run_python("import openint", env={"OPENINT_LIB_PATH": str(lib)})
        assert r.returncode != 0
        assert "ImportError" in r.stderr or "LibraryLoadError" in r.stderr
        assert "C ABI version 2" in r.stderr and "written for version 1" in r.stderr

    def test_a_library_without_the_functions(self, cc, tmp_path):
        lib = self.build(cc, tmp_path, "int unrelated(void) { return 0; }\n")
        r = run_python("import openint", env={"OPENINT_LIB_PATH": str(lib)})
        assert r.returncode != 0 and "lacks the function openint_abi_version" in r.stderr
