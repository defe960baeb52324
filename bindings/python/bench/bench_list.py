"""Benchmark: listing connectors from the local test server, this package beside two named
baselines. Not part of the test run (run_bench.sh runs it); it prints Markdown tables.

Contenders, each in its own process (worker.py):
  this      this package: `for c in client.list_connectors(...)`, Connector models
  floor     http.client over one keep-alive connection + json.loads, dicts: the speed a Python
            program cannot beat by much, and the target (within 1.5x)
  official  the official `openint` SDK 2.8.0 from PyPI (httpx + pydantic), in its own venv

Workloads (the issue's): 20,000 connectors at limit 100, and 20,000 at limit 3000 with
expand=schemas. Timed runs use the server's spec envelope (`total` is the registry size),
because the official SDK's pager stops after the first page of the real envelope; a last
table shows what each contender lists against the real envelope.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests")]

from testserver import Server, start_server, stop_server  # noqa: E402

WORKLOADS = [
    # (title, registry size, page size, expand schemas)
    ("20,000 connectors, limit 100", 20_000, 100, False),
    ("20,000 connectors, limit 3000, expand=schemas", 20_000, 3000, True),
]


def warm_registry(server: Server, count: int, expand: bool) -> None:
    """Has the server render `count` items (read as bytes, not decoded: this process's memory
    stays small, and the workers' peak RSS is theirs alone)."""
    import urllib.request

    q = f"count={count}" + ("&expand=schemas" if expand else "")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{server.admin_url}/registry?{q}", timeout=300) as resp:
        resp.read()


def run_worker(python: str, key: str, pythonpath: str, base_url: str, limit: int, expand: bool, repeat: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    r = subprocess.run(
        [python, str(HERE / "worker.py"), key, base_url, str(limit), "1" if expand else "0", str(repeat)],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
    )
    if r.returncode != 0:
        raise RuntimeError(f"{key} failed: {r.stderr.strip()[-2000:]}")
    return json.loads(r.stdout.splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="timed listings for this package and the floor")
    ap.add_argument("--official-repeat", type=int, default=2, help="timed listings for the official SDK")
    ap.add_argument("--official-python", default="", help="python of a venv with openint==2.8.0 (empty: skip)")
    args = ap.parse_args()

    contenders = [
        ("this", "openint (this package)", sys.executable, str(PROJECT), args.repeat),
        ("floor", "floor: http.client + json.loads", sys.executable, "", args.repeat),
    ]
    if args.official_python:
        contenders.append(("official", "official openint 2.8.0", args.official_python, "", args.official_repeat))
    else:
        print("(official SDK skipped: no --official-python; run_bench.sh makes its venv)\n")

    proc, info = start_server()
    server = Server(info)
    try:
        import openint  # the version line only

        print(f"{datetime.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, libopenint {openint.library_version()}\n")
        for title, count, limit, expand in WORKLOADS:
            print(f"### {title} (spec envelope)\n")
            print("| contender | listed | requests | wall s (median) | items/s | CPU s | RSS after warm-up MB | peak RSS MB | wall vs floor | peak RSS vs floor |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            # The server renders its registry once, on first use: do it now, or whichever
            # contender runs first pays for it.
            warm_registry(server, count, expand)
            rows = {}
            for key, label, python, path, repeat in contenders:
                scn = server.scenario(mode="spec", count=count)
                res = run_worker(python, key, path, scn.base_url, limit, expand, repeat)
                requests = (len(scn.requests()) - 1) / repeat  # less the warm-up page
                server.delete(scn)
                rows[key] = (label, res, requests)
            floor_wall = statistics.median(rows["floor"][1]["wall"])
            floor_peak = rows["floor"][1]["peak_rss_kb"]
            for key, (label, res, requests) in rows.items():
                wall = statistics.median(res["wall"])
                cpu = statistics.median(res["cpu"])
                print(
                    f"| {label} | {res['listed']:,} | {requests:.0f} | {wall:.3f} | {res['listed'] / wall:,.0f} | {cpu:.3f} "
                    f"| {res['rss_start_kb'] / 1024:.1f} | {res['peak_rss_kb'] / 1024:.1f} "
                    f"| {wall / floor_wall:.2f}x | {res['peak_rss_kb'] / floor_peak:.2f}x |"
                )
            print()

        print("### What each lists against the real envelope (`total` = page length), 20,000 connectors, limit 100\n")
        print("| contender | listed |")
        print("| --- | ---: |")
        for key, label, python, path, _ in contenders:
            scn = server.scenario(count=20_000)
            res = run_worker(python, key, path, scn.base_url, 100, False, 1)
            server.delete(scn)
            print(f"| {label} | {res['listed']:,} of 20,000 |")
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
