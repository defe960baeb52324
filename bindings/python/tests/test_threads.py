"""Threads: one client shared by many, the GIL released while the core waits on the network,
and no interleaving of close and use from Python can free a handle a call is still using."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import openint


def test_eight_threads_share_one_client_each_listing_every_connector(server, scenario, client_for):
    scn = scenario(count=1000)
    oracle = server.registry(1000)
    c = client_for(scn)
    start = threading.Barrier(8)

    def list_all(_):
        start.wait()
        return [x.to_dict() for x in c.list_connectors(limit=45)]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(list_all, range(8)))
    assert len(results) == 8 and all(r == oracle for r in results)
    # 23 pages each (22 full, then 10 items), shared over one client's keep-alive pool.
    assert len(scn.requests()) == 8 * 23
    assert len({r["conn"] for r in scn.requests()}) <= 8


def test_threads_really_overlap_inside_the_core(scenario, client_for):
    # Eight 300 ms calls on one client finish in far less than 8 x 300 ms only if they wait at
    # the same time, i.e. none holds the GIL (or a client-wide lock) while it waits.
    scn = scenario(latency_ms=300)
    c = client_for(scn)
    t = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda i: c.list_connectors(limit=1, offset=i), range(8)))
    elapsed = time.monotonic() - t
    assert elapsed < 1.5, elapsed
    assert [p.items[0].name for p in pages] == [x.name for x in c.list_connectors(limit=8).items]


def test_the_gil_is_released_while_a_call_waits(scenario, client_for):
    # Python keeps running on this thread while another is inside a 0.5 s library call.
    scn = scenario(latency_ms=500)
    c = client_for(scn)
    spins = 0
    t = threading.Thread(target=c.list_connectors, kwargs={"limit": 1})
    t.start()
    while not scn.requests():  # the request has reached the server
        pass
    while t.is_alive():
        spins += 1
    t.join()
    # Holding the GIL for the call would leave this thread a handful of switch intervals.
    assert spins > 10_000, spins


def test_closing_a_client_while_a_call_is_in_flight(server, scenario):
    # close() from another thread defers the free until the call using the handle returns.
    scn = scenario(latency_ms=400)
    c = openint.Openint(base_url=scn.base_url, max_retries=0)
    out = {}

    def call():
        out["page"] = c.list_connectors(limit=5)

    t = threading.Thread(target=call)
    t.start()
    while not scn.requests():
        pass
    c.close()
    assert c.closed
    t.join()
    assert [x.to_dict() for x in out["page"].items] == server.registry(171)[:5]


def test_closing_a_page_while_another_thread_fetches_the_next(server, scenario, client_for):
    scn = scenario(latency_ms=300)
    page = client_for(scn).list_connectors(limit=100)
    out = {}

    def fetch():
        out["next"] = page.get_next_page()

    t = threading.Thread(target=fetch)
    t.start()
    while len(scn.requests()) < 2:
        pass
    page.close()
    t.join()
    assert page.closed
    assert [x.to_dict() for x in out["next"].items] == server.registry(171)[100:]
