"""Benchmark (not a test; run_bench.sh runs it): 10,000 get_connection calls and a
20,000-item list_connections walk against the local test server, this package beside two
named baselines, printed as Markdown tables.

Contenders, each in its own process (calls_worker.py):
  this            this package, on the main thread (Ctrl-C hook armed on every call)
  this@thread     the same on another thread (no Ctrl-C hook): the hook's cost is the gap
  this-prefetch   listing with prefetch=4 (4 pages in flight)
  floor           http.client over one keep-alive connection + json.loads, dicts
  official        the official `openint` SDK 2.8.0 from PyPI (httpx + pydantic), its own venv
Goals (issue 9): calls within 1.3x of the floor's time; the listing at the floor or better.
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

ROWS = 20_000


def run_worker(python, key, pythonpath, workload, base_url, token, conn_id, n, repeat):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    r = subprocess.run(
        [python, str(HERE / "calls_worker.py"), key, workload, base_url, token, conn_id, str(n), str(repeat)],
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
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--official-repeat", type=int, default=2)
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--official-python", default="", help="python of a venv with openint==2.8.0 (empty: skip)")
    args = ap.parse_args()

    me = (sys.executable, str(PROJECT))
    contenders = [
        ("this", "openint (this package)", *me, args.repeat),
        ("this@thread", "openint, off the main thread (no Ctrl-C hook)", *me, args.repeat),
        ("floor", "floor: http.client + json.loads", sys.executable, "", args.repeat),
    ]
    if args.official_python:
        contenders.append(("official", "official openint 2.8.0", args.official_python, "", args.official_repeat))

    proc, info = start_server()
    server = Server(info)
    try:
        import openint

        print(f"{datetime.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, libopenint {openint.library_version()}\n")
        scn = server.scenario(seed={"customers": 50, "connector_configs": 10, "connections": ROWS})
        with openint.Openint(base_url=scn.base_url, token=scn.org_key) as c:
            conn_id = c.list_connections(limit=1).items[0].id
        workloads = [
            (f"{args.calls:,} get_connection calls", "get", args.calls, contenders),
            (f"list_connections walk, {ROWS:,} items, limit 100", "list", 100, contenders
             + [("this-prefetch", "openint, prefetch=4", *me, args.repeat)]),
            (f"list_connections walk, {ROWS:,} items, limit 1000", "list", 1000, contenders
             + [("this-prefetch", "openint, prefetch=4", *me, args.repeat)]),
        ]
        for title, workload, n, who in workloads:
            print(f"### {title}\n")
            print("| contender | done | wall s (median) | per op µs | CPU s | wall vs floor |")
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            rows = {}
            for key, label, python, path, repeat in who:
                rows[key] = (label, run_worker(python, key, path, workload, scn.base_url, scn.org_key, conn_id, n, repeat))
            floor_wall = statistics.median(rows["floor"][1]["wall"])
            for key, (label, res) in rows.items():
                wall = statistics.median(res["wall"])
                print(f"| {label} | {res['done']:,} | {wall:.3f} | {wall / res['done'] * 1e6:.1f} "
                      f"| {statistics.median(res['cpu']):.3f} | {wall / floor_wall:.2f}x |")
            print()
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
