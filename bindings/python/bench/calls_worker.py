"""One contender of bench_calls.py, in its own process (and, for the official SDK, its venv).

usage: calls_worker.py CONTENDER WORKLOAD BASE_URL TOKEN CONNECTION_ID N REPEAT
WORKLOAD "get": N get_connection calls; "list": walk list_connections (N = page size).
Prints {"done": items or calls, "wall": [s...], "cpu": [s...]}.
"""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def sdk(client, conn_id, n):
    def get():
        for _ in range(n):
            client.get_connection(conn_id)
        return n

    def walk():
        return sum(1 for _c in client.list_connections(limit=n))

    return get, walk


def this_package(base_url, token, conn_id, n):
    from openint import Openint

    return sdk(Openint(base_url=base_url, token=token, max_retries=0), conn_id, n)


def this_prefetch(base_url, token, conn_id, n):
    from openint import Openint

    get, _ = sdk(Openint(base_url=base_url, token=token, max_retries=0), conn_id, n)
    client = Openint(base_url=base_url, token=token, max_retries=0, prefetch=4)
    return get, lambda: sum(1 for _c in client.list_connections(limit=n))


def official(base_url, token, conn_id, n):
    import openint

    return sdk(openint.Openint(base_url=base_url, token=token, max_retries=0), conn_id, n)


def floor(base_url, token, conn_id, n):
    u = urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    prefix = u.path.rstrip("/")
    headers = {"Accept": "application/json", "Authorization": f"Bearer {token}"}

    def fetch(path):
        conn.request("GET", prefix + path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        return json.loads(body)

    def get():
        for _ in range(n):
            fetch(f"/connection/{conn_id}")
        return n

    def walk():
        done, offset = 0, 0
        while True:
            items = fetch(f"/connection?limit={n}&offset={offset}")["items"]
            done += len(items)
            if len(items) < n:
                return done
            offset += len(items)

    return get, walk


CONTENDERS = {"this": this_package, "this-prefetch": this_prefetch, "official": official, "floor": floor}


def main() -> None:
    name, workload, base_url, token, conn_id, n, repeat = sys.argv[1:8]
    thread = name.endswith("@thread")
    get, walk = CONTENDERS[name.split("@")[0]](base_url, token, conn_id, int(n))
    job = get if workload == "get" else walk
    wall, cpu, done = [], [], None

    def timed():
        nonlocal done
        (get if workload == "get" else walk)()  # warm-up: imports, connection, first parse
        for _ in range(int(repeat)):
            w0, c0 = time.perf_counter(), time.process_time()
            done = job()
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)

    if thread:
        # Off the main thread no Ctrl-C hook is armed: the difference is its cost.
        t = threading.Thread(target=timed)
        t.start()
        t.join()
    else:
        timed()
    print(json.dumps({"done": done, "wall": wall, "cpu": cpu}))


if __name__ == "__main__":
    main()
