"""Fixtures: one openint-testserver process for the session, fresh scenarios per test."""

from __future__ import annotations

import pytest

from testserver import Scenario, Server, start_server, stop_server


@pytest.fixture(scope="session")
def server():
    proc, info = start_server()
    try:
        yield Server(info)
    finally:
        stop_server(proc)


@pytest.fixture
def scenario(server):
    """Makes scenarios for one test and deletes them after it."""
    made = []

    def make(**config: object) -> Scenario:
        s = server.scenario(**config)
        made.append(s)
        return s

    yield make
    for s in made:
        server.delete(s)


@pytest.fixture
def client_for():
    """Makes clients for a scenario (no retries unless asked) and closes them after the test."""
    import openint

    made = []

    def make(scn, **kw):
        kw.setdefault("max_retries", 0)
        c = openint.Openint(base_url=scn.base_url, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch):
    # The library reads these when an option is left out; tests set them explicitly when needed.
    monkeypatch.delenv("OPENINT_API_KEY", raising=False)
    monkeypatch.delenv("OPENINT_BASE_URL", raising=False)


SEED = {"customers": 3, "connector_configs": 3, "connections": 6, "events": 5}


@pytest.fixture
def org(scenario):
    """A scenario with seeded rows, and a maker of clients holding its organization key."""
    import openint

    scn = scenario(seed=SEED)
    made = []

    def client(cls=openint.Openint, **kw):
        kw.setdefault("max_retries", 0)
        kw.setdefault("token", scn.org_key)
        c = cls(base_url=scn.base_url, **kw)
        made.append(c)
        return c

    scn.client = client
    yield scn
    for c in made:
        openint.Openint.close(c)
