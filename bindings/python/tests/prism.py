"""Prism (a validating mock of tests/data/openint/openapi.json) for the tests that need it:
found through $OPENINT_PRISM (the CI script installs it); without it those tests skip, except
under CI, where they fail."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SPEC = REPO / "tests" / "data" / "openint" / "openapi.json"


def prism_binary() -> str:
    path = os.environ.get("OPENINT_PRISM", "").strip()
    if not path:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("OPENINT_PRISM is not set, but CI is: the CI script must install Prism")
        pytest.skip("OPENINT_PRISM is not set (path to a prism executable); see README.md")
    if not Path(path).is_file():
        pytest.fail(f"OPENINT_PRISM={path} does not exist")
    if not SPEC.is_file():
        pytest.fail(f"no OpenAPI document at {SPEC}")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prism:
    def __init__(self, binary: str, log: Path, *flags: str) -> None:
        self.port = free_port()
        self.log = log
        self.base_url = f"http://127.0.0.1:{self.port}"  # the spec's paths at the root
        self._out = open(log, "wb")
        self.proc = subprocess.Popen(
            [binary, "mock", "-h", "127.0.0.1", "-p", str(self.port), *flags, str(SPEC)],
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while "Prism is listening" not in self.text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prism did not start:\n{self.text()[-3000:]}")
            time.sleep(0.2)

    def violations(self) -> list:
        time.sleep(0.5)  # Prism writes its log asynchronously
        return [line for line in self.text().splitlines() if "Violation:" in line]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._out.close()
