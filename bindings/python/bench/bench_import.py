"""Benchmark (not a test; run_bench.sh runs it): the time to `import openint` and make a
client, in fresh interpreters, this package beside the official SDK 2.8.0 (its own venv), and
the bare interpreter start as the baseline both pay. Also the first call's extra cost here
(pydantic's import and the model classes, paid once, on the first answer). Median of N runs.

Goal (issue 17): import plus a client within 0.25 s.
"""

from __future__ import annotations

import argparse
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

from testserver import start_server, stop_server, Server  # noqa: E402

STEP = """
import time, json, sys
t0 = time.perf_counter()
import openint
c = openint.Openint(token=sys.argv[3], base_url=sys.argv[1])
t1 = time.perf_counter()
c.get_current_user() if sys.argv[2] == "1" else None
t2 = time.perf_counter()
print(json.dumps({"import_client": t1 - t0, "first_call": t2 - t1}))
"""


def run(python: str, pythonpath: str, base_url: str, token: str, call: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    # cwd "/": `-c` puts the working directory first on sys.path, where ./openint would shadow.
    r = subprocess.run(
        [python, "-c", STEP, base_url, "1" if call else "0", token], capture_output=True, text=True, env=env, cwd="/"
    )
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.splitlines()[-1])


def bare(python: str) -> float:
    import time

    t = time.perf_counter()
    subprocess.run([python, "-c", "pass"], check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--official-python", default="")
    args = ap.parse_args()
    proc, info = start_server()
    try:
        scn = Server(info).scenario()
        contenders = [("this package", sys.executable, str(PROJECT))]
        if args.official_python:
            contenders.append(("official openint 2.8.0", os.path.abspath(args.official_python), ""))
        print(f"\n#### import openint + a client (fresh interpreter, median of {args.repeat})\n")
        print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
        print("| contender | import + client, s | first call's extra, s | interpreter start, s |")
        print("| --- | ---: | ---: | ---: |")
        for label, python, path in contenders:
            runs = [run(python, path, scn.base_url, scn.org_key, True) for _ in range(args.repeat)]
            imp = statistics.median(r["import_client"] for r in runs)
            first = statistics.median(r["first_call"] for r in runs)
            start = statistics.median(bare(python) for _ in range(args.repeat))
            print(f"| {label} | {imp:.3f} | {first:.3f} | {start:.3f} |")
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
