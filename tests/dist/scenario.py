"""The local test server's admin API, for tests/dist/run.sh (loopback only, no proxy).

    python3 scenario.py new ADMIN_URL            -> "<id> <base_url> <org_key>" of a new scenario
    python3 scenario.py agents ADMIN_URL ID      -> the User-Agent of each request it received
"""

import json
import sys
import urllib.request

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(method: str, url: str, body: object = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with OPENER.open(req, timeout=30) as r:
        return json.load(r)


def main() -> None:
    cmd, admin = sys.argv[1], sys.argv[2].rstrip("/")
    if cmd == "new":
        s = call("POST", admin + "/scenarios", json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})
        print(s["id"], s["base_url"], s["org_key"])
    elif cmd == "agents":
        for r in call("GET", f"{admin}/scenarios/{sys.argv[3]}/requests"):
            print(r.get("headers", {}).get("user-agent", ""))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
