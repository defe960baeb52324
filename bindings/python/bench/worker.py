"""One benchmark contender, run in its own process, so each has its own peak RSS (and the
official SDK, also named `openint`, its own interpreter and venv).

usage: worker.py CONTENDER BASE_URL LIMIT EXPAND(0|1) REPEAT
Warms up with one page (imports, connection), then lists every connector REPEAT times, each
item as a Python object an application would use (a model or a dict), and prints one JSON
line: {"listed": N, "wall": [s...], "cpu": [s...], "rss_start_kb": K, "peak_rss_kb": K}.
"""

import http.client
import json
import sys
import time
from urllib.parse import urlsplit

# Every contender sends the same bearer header (the server checks none in these scenarios).
TOKEN = "bench-token"


def status_kb(field: str) -> int:
    # VmHWM, not getrusage's ru_maxrss: that one survives exec, so it would report the parent's
    # peak (the benchmark driver's) when that is higher.
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def sdk_listing(client, kw):
    """warm() and run() for an SDK client: both SDKs list the same way (official names)."""

    def warm():
        client.list_connectors(limit=1)

    def run():
        n = 0
        for _connector in client.list_connectors(**kw):
            n += 1
        return n

    return warm, run


def this_package(base_url, limit, expand):
    """This package: auto-paging over the Rust core, items as Connector models."""
    from openint import Openint

    client = Openint(base_url=base_url, token=TOKEN, max_retries=0)
    kw = {"limit": limit, "expand": ["schemas"] if expand else None}
    return sdk_listing(client, kw)


def floor(base_url, limit, expand):
    """The floor: http.client over one keep-alive connection + json.loads, items as dicts,
    ending at the first short page (the rule the core uses)."""
    u = urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    path = u.path.rstrip("/") + "/connector"
    headers = {"Accept": "application/json", "Authorization": f"Bearer {TOKEN}"}

    def get(q):
        conn.request("GET", f"{path}?{q}", headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        return json.loads(body)["items"]

    def warm():
        get("limit=1")

    def run():
        n, offset = 0, 0
        while True:
            items = get(f"limit={limit}&offset={offset}" + ("&expand=schemas" if expand else ""))
            for _item in items:
                n += 1
            if len(items) < limit:
                return n
            offset += len(items)

    return warm, run


def official(base_url, limit, expand):
    """The official `openint` SDK from PyPI (httpx + pydantic), its own auto-pager."""
    import openint

    # 2.8.0 takes the base URL with /v1, like this package.
    client = openint.Openint(base_url=base_url, token=TOKEN, max_retries=0)
    kw = {"limit": limit}
    if expand:
        kw["expand"] = ["schemas"]

    return sdk_listing(client, kw)


CONTENDERS = {"this": this_package, "floor": floor, "official": official}


def main() -> None:
    name, base_url, limit, expand, repeat = sys.argv[1:6]
    warm, run = CONTENDERS[name](base_url, int(limit), expand == "1")
    warm()
    start = status_kb("VmRSS")
    wall, cpu, listed = [], [], None
    for _ in range(int(repeat)):
        w0, c0 = time.perf_counter(), time.process_time()
        n = run()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        assert listed in (None, n), (listed, n)
        listed = n
    peak = status_kb("VmHWM")
    print(json.dumps({"listed": listed, "wall": wall, "cpu": cpu, "rss_start_kb": start, "peak_rss_kb": peak}))


if __name__ == "__main__":
    main()
