"""AsyncOpenint under load and under cancellation: 100 concurrent tasks on one client across
every list operation, cancellation of 100 calls in flight (each stops in well under 100 ms and
leaves no worker thread blocked), timeouts through asyncio, async pages."""

import asyncio
import threading
import time

import pytest

import openint
from openint import _call

LISTS = ["list_connectors", "list_connections", "list_connector_configs", "list_events", "list_customers"]
SEED = {"customers": 40, "connector_configs": 30, "connections": 120, "events": 90}


def expected_counts(client):
    return {name: len(list(getattr(client, name)(limit=1000))) for name in LISTS}


def test_100_concurrent_tasks_on_one_client_across_every_list(scenario):
    scn = scenario(seed=SEED)
    with openint.Openint(base_url=scn.base_url, token=scn.org_key) as sync:
        want = expected_counts(sync)
    assert want["list_connections"] == 120 and want["list_connectors"] == 171

    async def main():
        client = openint.AsyncOpenint(base_url=scn.base_url, token=scn.org_key)

        async def walk(i):
            name = LISTS[i % len(LISTS)]
            ids = [getattr(x, "id", None) or x.name async for x in getattr(client, name)(limit=7 + i % 13)]
            return name, ids

        results = await asyncio.gather(*(walk(i) for i in range(100)))
        await client.close()
        return results

    results = asyncio.run(main())
    for name, ids in results:
        assert len(ids) == want[name] and len(set(ids)) == len(ids), name


def test_cancelling_100_calls_in_flight(scenario):
    scn = scenario(latency_ms=20_000)
    before = threading.active_count()

    async def main():
        client = openint.AsyncOpenint(base_url=scn.base_url, token=scn.org_key, max_retries=0)
        tasks = [asyncio.ensure_future(client.health()) for _ in range(100)]
        # Every call reached the server (its latency holds it there).
        for _ in range(200):
            if len(scn.requests()) == 100:
                break
            await asyncio.sleep(0.05)
        assert len(scn.requests()) == 100
        start = time.monotonic()
        for t in tasks:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        elapsed = time.monotonic() - start
        await client.close()
        return results, elapsed

    results, elapsed = asyncio.run(main())
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    # gather returned only after every worker came back from the core.
    assert elapsed < 2.0, elapsed
    busy = [t for t in threading.enumerate() if t.name.startswith("openint-async") and _running(t)]
    assert not busy
    assert threading.active_count() - before <= _call.ASYNC_WORKERS


def _running(t):
    # Idle pool workers wait on the pool's queue; none may still be inside a call.
    return any(
        getattr(f, "f_code", None) and f.f_code.co_name in ("_call_with", "_list_with", "_fetch_next")
        for f in _frames(t)
    )


def _frames(t):
    import sys

    frame = sys._current_frames().get(t.ident)
    while frame is not None:
        yield frame
        frame = frame.f_back


def test_one_cancelled_call_stops_promptly(scenario):
    scn = scenario(latency_ms=20_000)

    async def main():
        client = openint.AsyncOpenint(base_url=scn.base_url, token=scn.org_key, max_retries=0)
        task = asyncio.ensure_future(client.get_current_user())
        while not scn.requests():
            await asyncio.sleep(0.01)
        start = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        took = time.monotonic() - start
        await client.close()
        return took, None

    took, _ = asyncio.run(main())
    assert took < 0.1, took


def test_wait_for_timeout_cancels_the_request(scenario):
    scn = scenario(latency_ms=20_000)

    async def main():
        client = openint.AsyncOpenint(base_url=scn.base_url, token=scn.org_key, max_retries=0)
        start = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.health(), 0.2)
        took = time.monotonic() - start
        await client.close()
        return took

    assert asyncio.run(main()) < 0.5


def test_per_call_timeout_is_an_api_timeout_error(scenario):
    scn = scenario(latency_ms=5_000)

    async def main():
        async with openint.AsyncOpenint(base_url=scn.base_url, token=scn.org_key, max_retries=3) as client:
            with pytest.raises(openint.APITimeoutError):
                await client.health(timeout=0.3)

    asyncio.run(main())
    assert len(scn.requests()) == 1  # the deadline covers the retries


def test_async_pages(server, scenario):
    scn = scenario(count=60)

    async def main():
        async with openint.AsyncOpenint(base_url=scn.base_url, max_retries=0) as client:
            page = await client.list_connectors(limit=25)
            names = [c.name for c in page.items]
            assert page.has_next_page()
            second = await page.get_next_page()
            assert second.offset == 25
            pages = [p async for p in page.iter_pages()]
            all_items = [c.name async for c in page]
            last = pages[-1]
            with pytest.raises(RuntimeError):
                while True:
                    last = await last.get_next_page()
            return names, [len(p.items) for p in pages], all_items

    names, sizes, all_items = asyncio.run(main())
    registry = [c["name"] for c in server.registry(60)]
    assert names == registry[:25] and sizes == [25, 25, 10] and all_items == registry


def test_cancelling_an_async_walk_between_pages(scenario):
    scn = scenario(count=200, latency_ms=300)

    async def main():
        async with openint.AsyncOpenint(base_url=scn.base_url, max_retries=0) as client:
            seen = []

            async def walk():
                async for c in client.list_connectors(limit=50):
                    seen.append(c.name)

            task = asyncio.ensure_future(walk())
            while len(seen) < 50:
                await asyncio.sleep(0.01)
            task.cancel()
            start = time.monotonic()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - start, len(seen)

    took, n = asyncio.run(main())
    assert took < 0.1 and n == 50
