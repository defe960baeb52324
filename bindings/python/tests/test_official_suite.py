"""The official SDK's own test suite, run against this package: the `api_resources` tests of
`openint==2.8.0` (every method with required and with all parameters, raw and streamed
responses, path-parameter checks; sync, async and async over the aiohttp client), against
Prism serving tests/data/openint/openapi.json, as the official SDK runs them.

run_tests.sh fetches the published sdist from PyPI (cached in .tools/), makes a venv with the
suite's own test dependencies, pinned, and installs the Prism its scripts/mock uses,
@stainless-api/prism-cli 5.15.0 ($OPENINT_SUITE_SDIST, $OPENINT_SUITE_PYTHON,
$OPENINT_SUITE_PRISM; without them the test skips, except under CI, where it fails). The
suite's files are unpacked here, unchanged but for the one line Stainless ships on every test,
`@pytest.mark.skip(reason="Prism tests are disabled")`, and run with this package on the path.

The tests this package fails on purpose, because the real server needs another behaviour, are
listed in tests/dropin/deviations.json with the transcript lines that show it; the run must
fail exactly those (a listed test that passes fails this test too).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from prism import Prism

HERE = Path(__file__).resolve().parents[1]
DEVIATIONS = HERE / "tests" / "dropin" / "deviations.json"
SKIP_LINE = '@pytest.mark.skip(reason="Prism tests are disabled")'
# Of the sdist's tests/: the suite, and the two files it imports.
TAKEN = ("tests/__init__.py", "tests/conftest.py", "tests/utils.py", "tests/api_resources/")
EXPECTED_TESTS = 355  # 71 sync tests x 2 fixtures + 71 async x 3


def needed(var: str) -> str:
    value = os.environ.get(var, "").strip()
    if not value:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{var} is not set, but CI is: run the suite through run_tests.sh")
        pytest.skip(f"{var} is not set (run_tests.sh sets it)")
    if not Path(value).exists():
        pytest.fail(f"{var}={value} does not exist")
    return value


def unpack(sdist: Path, into: Path) -> int:
    """The suite's files into `into`/tests; returns how many skip markers it removed."""
    removed = 0
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            # openint-2.8.0/tests/... -> tests/...
            rel = member.name.split("/", 1)[1] if "/" in member.name else ""
            if not member.isfile() or not rel.startswith(TAKEN) or not rel.endswith(".py"):
                continue
            text = tar.extractfile(member).read().decode()  # type: ignore[union-attr]
            lines = text.splitlines(keepends=True)
            kept = [line for line in lines if line.strip() != SKIP_LINE]
            removed += len(lines) - len(kept)
            out = into / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("".join(kept))
    # The suite's own pytest settings (from its pyproject.toml), minus parallel runs.
    (into / "pytest.ini").write_text(
        "[pytest]\ntestpaths = tests\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = session\n"
    )
    return removed


def outcomes(junit: Path) -> "dict[str, str]":
    """`Class::test[param]` -> passed / failed / skipped, from pytest's JUnit XML."""
    result = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("classname", "").rsplit(".", 1)[-1] + "::" + case.get("name", "")
        if case.find("failure") is not None or case.find("error") is not None:
            result[name] = "failed"
        elif case.find("skipped") is not None:
            result[name] = "skipped"
        else:
            result[name] = "passed"
    return result


def test_the_official_api_resources_suite_passes_but_for_the_listed_deviations(tmp_path):
    sdist = Path(needed("OPENINT_SUITE_SDIST"))
    python = needed("OPENINT_SUITE_PYTHON")
    binary = needed("OPENINT_SUITE_PRISM")
    listed = {t for d in json.loads(DEVIATIONS.read_text())["deviations"] for t in d["tests"]}

    removed = unpack(sdist, tmp_path)
    assert removed == 142, f"expected the suite's 142 skip markers, removed {removed}: another sdist?"
    mock = Prism(binary, tmp_path / "prism.log")
    try:
        mock.wait_ready()
        env = {k: v for k, v in os.environ.items() if k not in ("OPENINT_API_KEY", "OPENINT_BASE_URL")}
        env.update(PYTHONPATH=str(HERE), TEST_API_BASE_URL=mock.base_url)
        junit = tmp_path / "junit.xml"
        run = subprocess.run(
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "-o", "junit_family=xunit1"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        mock.stop()
    if not junit.is_file():
        pytest.fail(f"the suite did not run:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}")
    got = outcomes(junit)
    failed = {t for t, o in got.items() if o == "failed"}
    counts = Counter((t.split("::")[0], o) for t, o in got.items())
    report = ", ".join(f"{cls} {o} {n}" for (cls, o), n in sorted(counts.items()))
    print(f"\nofficial openint 2.8.0 api_resources suite: {len(got)} tests; {report}; listed deviations {len(listed)}")
    assert len(got) == EXPECTED_TESTS, f"ran {len(got)} tests, expected {EXPECTED_TESTS}\n{run.stdout[-3000:]}"
    assert not any(o == "skipped" for o in got.values()), "a test was skipped"
    unexpected = sorted(failed - listed)
    passing_listed = sorted(listed - failed)
    assert not unexpected, "failed but not listed in deviations.json:\n" + "\n".join(unexpected) + "\n" + run.stdout[-6000:]
    assert not passing_listed, "listed in deviations.json but passed (remove them):\n" + "\n".join(passing_listed)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-s"]))
