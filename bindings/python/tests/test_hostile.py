"""Hostile servers and misuse from Python (issue 18): what reaches Python of each finding."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def run_python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter that imports this package (the environment's library)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=timeout,
    )


def test_a_library_prints_nothing_without_logging_configured(scenario):
    # Item 5: a retry is a warning of the `openint` logger; with no logging configured it must
    # not reach stderr through logging.lastResort (the logger has a NullHandler).
    scn = scenario(fail={"times": 1, "status": 503, "headers": {"retry-after-ms": "10"}})
    child = run_python(
        """
        import sys, openint
        client = openint.Openint(base_url=sys.argv[1], token=sys.argv[2], max_retries=1)
        client.health()
        print("done")
        """,
        scn.base_url,
        scn.org_key,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "done"
    assert child.stderr == "", child.stderr
    assert len(scn.requests()) == 2, "the call was retried (so a warning was logged)"


def test_extra_query_false_is_left_out_like_the_parameter(org):
    # Item 7: the server reads include_secrets=false as true; extra_query follows the table.
    client = org.client()
    for extra, sent in [({"include_secrets": False}, False), ({"include_secrets": True}, True)]:
        client.list_connections(extra_query=extra)
        query = org.requests()[-1]["query"]
        assert ("include_secrets" in query) == sent, query
        assert "include_secrets=false" not in query
    client.list_connections(include_secrets=True, extra_query={"include_secrets": False})
    assert "include_secrets" not in org.requests()[-1]["query"]


def test_a_logging_handler_may_call_the_sdk(scenario):
    # Item 9: a logging.Handler that reports through the SDK makes a whole call on the thread of
    # the call it logs. The outer POST reached the server (which dropped it): it must not be
    # sent again because of the nested call.
    import logging

    import openint
    from openint import _logging

    scn = scenario(fail={"status": "drop", "times": 1, "match": "/webhook"})
    client = openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=2)
    nested = []

    class ReportingHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if not nested and "/webhook" in record.getMessage():
                nested.append(client.health())

    handler = ReportingHandler()
    logger = logging.getLogger("openint")
    level = logger.level
    logger.addHandler(handler)
    try:
        openint.set_log_level("debug")
        try:
            client.handle_webhook("plaid", {"n": 1})
            raise AssertionError("the dropped POST succeeded")
        except openint.APIConnectionError:
            pass
    finally:
        logger.removeHandler(handler)
        openint.set_log_level(None)
        logger.setLevel(level)
        _logging.sync_level()
        client.close()
    assert len(nested) == 1
    posts = [r for r in scn.requests() if "/webhook" in r["path"]]
    assert len(posts) == 1, f"the POST was sent {len(posts)} times"


FORK_CHILD = """
    import os, sys, time, warnings, openint
    warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: that is the point
    base_url, token, slow_url, slow_token = sys.argv[1:5]

    def wait(pid, seconds=60):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.01)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return "killed"

    def in_both(pid, steps):
        # steps() runs in parent and child; the child reports by its exit code, the parent
        # by the child's and its own assertions.
        try:
            steps()
        except BaseException as e:
            if pid == 0:
                print("child:", repr(e), file=sys.stderr, flush=True)
                os._exit(1)
            raise
        if pid == 0:
            os._exit(0)
        return wait(pid)

    client = openint.Openint(base_url=base_url, token=token, max_retries=0, timeout=10)
    assert client.health_echo({"who": "before"}).input == {"who": "before"}
    pid = os.fork()
    who = "child" if pid == 0 else "parent"

    def calls():
        for n in range(5):
            got = client.health_echo({"who": who, "n": n}).input
            assert got == {"who": who, "n": n}, (who, n, got)

    assert in_both(pid, calls) == 0, "the child's calls failed"

    # A listing with pages in flight (they answer slowly) forked mid-walk.
    slow = openint.Openint(base_url=slow_url, token=slow_token, max_retries=0)
    walk = iter(slow.list_connections(limit=5, prefetch=4))
    first = next(walk)
    time.sleep(0.3)
    pid = os.fork()

    def finish_walk():
        rest = [c.id for c in walk]
        assert len(rest) == 29 and first.id not in rest, (len(rest), pid)

    assert in_both(pid, finish_walk) == 0, "the child did not finish the walk"
    print("done")
"""


def test_fork_keeps_parent_and_child_apart(scenario):
    # Item 8: after os.fork the child used the parent's pooled connection (each read the other's
    # answers), and waited forever for the pages the parent's threads had in flight.
    scn = scenario()
    slow = scenario(
        seed={"connections": 30},
        hostile={"kind": "slow_head", "delay_ms": 50, "chunk": 8, "match": "offset="},
    )
    child = run_python(FORK_CHILD, scn.base_url, scn.org_key, slow.base_url, slow.org_key, timeout=120)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "done"
    echoes = [r for r in scn.requests() if r["method"] == "POST"]
    pooled = echoes[0]["conn"]
    for r in echoes[1:]:
        parent = '"parent"' in r["body"]
        assert (r["conn"] == pooled) == parent, f"{r['body']} on connection {r['conn']}, pooled {pooled}"
