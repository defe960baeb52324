"""Driving tests/server (openint-testserver) from Python: start and stop it, make scenarios,
read their request logs, and fetch the oracle registry. Used by the tests and the benchmark.

The server (see tests/server/README.md) is started with --port 0 --exit-on-stdin-eof and
prints one JSON line with its ports; closing its stdin stops it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

# Loopback only: a proxy from the environment must never see these requests.
_admin = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _http(method: str, url: str, body: object = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with _admin.open(req, timeout=30) as resp:
        return json.loads(resp.read())


@dataclass
class Scenario:
    server: "Server"
    id: str
    base_url: str
    other_base_url: str
    # The organization key this scenario accepts (POST /__admin/scenarios answers it).
    org_key: str = ""

    def requests(self) -> list:
        """What this scenario received, oldest first."""
        return _http("GET", f"{self.server.admin_url}/scenarios/{self.id}/requests")

    def queries(self) -> list:
        return [r["query"] for r in self.requests()]


class Server:
    def __init__(self, info: dict) -> None:
        self.info = info
        self.base_url = info["base_url"]
        self.admin_url = info["admin_url"]
        self._oracle: dict = {}

    def scenario(self, **config: object) -> Scenario:
        s = _http("POST", f"{self.admin_url}/scenarios", config)
        return Scenario(self, s["id"], s["base_url"], s["other_base_url"], s.get("org_key", ""))

    def delete(self, scenario: Scenario) -> None:
        _http("DELETE", f"{self.admin_url}/scenarios/{scenario.id}")

    def registry(self, count: int = 171, expand: bool = False) -> list:
        """The oracle: every item a listing of `count` connectors must yield, in order."""
        key = (count, expand)
        if key not in self._oracle:
            q = f"count={count}" + ("&expand=schemas" if expand else "")
            self._oracle[key] = _http("GET", f"{self.admin_url}/registry?{q}")
        return self._oracle[key]


def server_binary() -> Path:
    return Path(os.environ.get("OPENINT_TESTSERVER") or REPO / "target" / "release" / "openint-testserver")


def start_server(*args: str) -> tuple[subprocess.Popen, dict]:
    binary = server_binary()
    if not binary.is_file():
        raise RuntimeError(
            f"test server not found at {binary}: build it with "
            "`cargo build --release -p openint-testserver` or set OPENINT_TESTSERVER"
        )
    proc = subprocess.Popen(
        [str(binary), "--port", "0", "--exit-on-stdin-eof", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Read the start line on a thread, so a server that never prints cannot hang the run.
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=30)
        info = json.loads(line)
    except Exception as e:
        proc.kill()
        raise RuntimeError(f"test server did not start: {e}; stderr: {proc.stderr.read()!r}") from e
    return proc, info


def stop_server(proc: subprocess.Popen) -> None:
    proc.stdin.close()  # --exit-on-stdin-eof
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
