"""Ctrl-C (SIGINT) stops a sync call in flight on the main thread within milliseconds, as
KeyboardInterrupt, instead of when the call's 30 s timeout passes; a custom SIGINT handler
keeps its own meaning; the process's wakeup fd is left as it was."""

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import signal, sys, time
    import openint

    base, what = sys.argv[1], sys.argv[2]
    client = openint.Openint(base_url=base, token="t", timeout=30, max_retries=0)
    before = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(before)
    if what == "custom":
        signal.signal(signal.SIGINT, lambda *a: print("handler ran", flush=True))
    print("ready", flush=True)
    start = time.monotonic()
    try:
        if what == "page":
            for _ in client.list_connectors(limit=10):
                pass
        elif what == "custom":
            client.with_options(timeout=2).health()
        else:
            client.health()
    except KeyboardInterrupt:
        print(f"interrupted after {time.monotonic() - start:.3f}", flush=True)
        after = signal.set_wakeup_fd(-1)
        print("wakeup fd restored" if after == before else f"wakeup fd {after} != {before}", flush=True)
        sys.exit(42)
    except openint.APITimeoutError:
        print("timed out", flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


def run_child(base_url, what, delay=0.3):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, base_url, what],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=HERE,
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)  # the call is now waiting on the server
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    return proc.returncode, out, err, time.monotonic() - sent


@pytest.mark.parametrize("what", ["call", "page"])
def test_sigint_stops_a_slow_call_promptly(scenario, what):
    if what == "page":
        # Every answer takes 1.5 s: at 2 s the walk is waiting for its second page.
        scn = scenario(count=30, latency_ms=1500)
        delay = 2.0
    else:
        scn = scenario(latency_ms=30_000)
        delay = 0.3
    code, out, err, took = run_child(scn.base_url, what, delay)
    assert code == 42, (out, err)
    assert "wakeup fd restored" in out
    assert took < 1.0, took  # the process was gone well under a second after SIGINT
    assert "Traceback" not in err


def test_a_custom_sigint_handler_keeps_its_meaning(scenario):
    scn = scenario(latency_ms=30_000)
    code, out, err, took = run_child(scn.base_url, "custom")
    # The handler runs when the call returns (here after its 2 s deadline), not instead of it.
    assert "handler ran" in out and code == 3, (out, err)
