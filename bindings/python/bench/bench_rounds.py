"""Benchmark (not a test): the issue's three workloads, the floor and this package (and, with
``--version LABEL=DIR``, other versions of the package, e.g. a ``git archive`` of an older
commit's ``bindings/python``) run **interleaved**, round after round, so that every contender
sees the same machine load. Each run is its own process (``worker.py`` / ``calls_worker.py``);
a round runs every contender once per workload, in an order that rotates between rounds.

Reported per workload and contender: the median over rounds of wall time and of CPU time
(user + sys of the client process, its native threads included; the server's is not
counted), and the median over rounds of each ratio to the floor of the same round. The load
average is printed before and after. Goals (issue 17): 20,000 connectors and 20,000
connections at limit 100 within 1.2x of the floor, 10,000 ``get_connection`` within 1.0x.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests"), str(HERE)]

import bench_calls  # noqa: E402
import bench_list  # noqa: E402
from testserver import Server, start_server, stop_server  # noqa: E402


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs inside each process (its median is used)")
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--only", default="", help="comma-separated workloads: connectors,connections,get")
    ap.add_argument("--version", action="append", default=[], metavar="LABEL=DIR",
                    help="another copy of the package (DIR holds its openint/) run as a contender")
    args = ap.parse_args()

    me = sys.executable
    # (key, label, worker key, PYTHONPATH)
    contenders = [("floor", "floor: http.client + json.loads", "floor", "")]
    for spec in args.version:
        label, _, path = spec.partition("=")
        contenders.append((label, f"openint {label}", "this", str(Path(path).resolve())))
    contenders.append(("this", "openint (this tree)", "this", str(PROJECT)))

    only = set(filter(None, args.only.split(","))) or {"connectors", "connections", "get"}
    proc, info = start_server()
    server = Server(info)
    try:
        import openint

        print(f"{datetime.datetime.now().isoformat(timespec='minutes')}, {platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, libopenint {openint.library_version()}, "
              f"{args.rounds} rounds, load average before: {load()}\n")
        bench_list.warm_registry(server, args.rows, False)
        seeded = server.scenario(seed={"customers": 50, "connector_configs": 10, "connections": args.rows})
        with openint.Openint(base_url=seeded.base_url, token=seeded.org_key) as c:
            conn_id = c.list_connections(limit=1).items[0].id

        def run(workload: str, worker: str, path: str) -> dict:
            if workload == "connectors":
                scn = server.scenario(mode="spec", count=args.rows)
                try:
                    res = bench_list.run_worker(me, worker, path, scn.base_url, args.limit, False, args.repeat)
                finally:
                    server.delete(scn)
                res["done"] = res["listed"]
                return res
            job, n = ("list", args.limit) if workload == "connections" else ("get", args.calls)
            return bench_calls.run_worker(me, worker, path, job, seeded.base_url, seeded.org_key, conn_id, n, args.repeat)

        workloads = [w for w in ("connectors", "connections", "get") if w in only]
        # results[workload][key] = [(wall, cpu), ...] one per round
        results = {w: {k: [] for k, *_ in contenders} for w in workloads}
        for r in range(args.rounds):
            order = contenders[r % len(contenders):] + contenders[: r % len(contenders)]
            for w in workloads:
                for key, _label, worker, path in order:
                    res = run(w, worker, path)
                    results[w][key].append((statistics.median(res["wall"]), statistics.median(res["cpu"]), res["done"]))
            print(f"round {r + 1}/{args.rounds} done, load {load()}", file=sys.stderr)

        titles = {
            "connectors": f"list_connectors, {args.rows:,} items, limit {args.limit}",
            "connections": f"list_connections, {args.rows:,} items, limit {args.limit}",
            "get": f"{args.calls:,} get_connection calls",
        }
        for w in workloads:
            print(f"### {titles[w]}\n")
            print("| contender | done | wall s (median) | CPU s (median) | wall vs floor (median of rounds) | CPU vs floor |")
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            floor = results[w]["floor"]
            for key, label, *_ in contenders:
                runs = results[w][key]
                wall = statistics.median(x[0] for x in runs)
                cpu = statistics.median(x[1] for x in runs)
                rw = statistics.median(x[0] / f[0] for x, f in zip(runs, floor))
                rc = statistics.median(x[1] / f[1] for x, f in zip(runs, floor))
                print(f"| {label} | {runs[0][2]:,} | {wall:.3f} | {cpu:.3f} | {rw:.2f}x | {rc:.2f}x |")
            print()
        print(f"load average after: {load()}")
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
