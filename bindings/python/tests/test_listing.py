"""Listing connectors: the first page, auto-paging, and the page API, against the real
server's lying envelope. Every listing is compared with the server's oracle registry, and the
request log shows which pages were asked for."""

import json
from urllib.parse import parse_qs

import pytest

import openint
from openint import Connector, SyncOffsetPagination


def offsets(scn) -> list:
    return [int(parse_qs(q).get("offset", ["0"])[0]) for q in scn.queries()]


def dicts(items) -> list:
    return [x.to_dict() for x in items]


def test_iterating_the_first_page_walks_every_connector(server, scenario, client_for):
    # The official SDK stops after the first page here (it trusts `total`, which the real
    # server sets to the page length); the core walks on.
    scn = scenario()
    got = list(client_for(scn).list_connectors())
    assert all(type(x) is Connector for x in got)
    assert dicts(got) == server.registry(171)
    # 50, 50, 50, then 21 (< 50) ends it: no request past a short page.
    assert offsets(scn) == [0, 50, 100, 150]


@pytest.mark.parametrize("count,limit", [(171, 171), (171, 7), (171, 3000), (0, 50), (1, 1), (1000, 300), (100, 50)])
def test_auto_paging_matches_the_oracle(server, scenario, client_for, count, limit):
    scn = scenario(count=count)
    got = list(client_for(scn).list_connectors(limit=limit))
    assert dicts(got) == server.registry(count)
    assert len({x.name for x in got}) == count
    full, _ = divmod(count, limit)
    # Each full page, plus the short page (or, when count divides evenly, one empty page).
    assert len(scn.requests()) == full + 1
    assert {parse_qs(q)["limit"][0] for q in scn.queries()} == {str(limit)}


def test_auto_paging_from_an_offset(server, scenario, client_for):
    scn = scenario()
    got = [x.name for x in client_for(scn).list_connectors(limit=40, offset=100)]
    assert got == [x["name"] for x in server.registry(171)[100:]]
    assert offsets(scn) == [100, 140]


def test_expand_schemas(server, scenario, client_for):
    scn = scenario()
    c = client_for(scn)
    got = list(c.list_connectors(limit=100, expand=["schemas"]))
    assert dicts(got) == server.registry(171, expand=True)
    assert got[0].schemas is not None and "schemas" not in server.registry(171)[0]
    assert all(parse_qs(q)["expand"] == ["schemas"] for q in scn.queries())
    # A single string is the same as a one-element list; an empty list sends nothing.
    assert c.list_connectors(limit=2, expand="schemas").items[0] == got[0]
    assert c.list_connectors(limit=2, expand=[]).items[0].schemas is None
    assert scn.queries()[-1] == "limit=2"


def test_spec_mode_envelope_lists_the_same(server, scenario, client_for):
    scn = scenario(mode="spec")
    assert dicts(client_for(scn).list_connectors(limit=60)) == server.registry(171)


def test_one_connection_carries_every_page(scenario, client_for):
    scn = scenario()
    assert len(list(client_for(scn).list_connectors(limit=20))) == 171
    conns = {r["conn"] for r in scn.requests()}
    assert len(scn.requests()) == 9 and len(conns) == 1, conns


def test_a_server_that_ignores_offset_is_an_error_not_an_endless_loop(scenario, client_for):
    scn = scenario(ignore_offset=True)
    it = iter(client_for(scn).list_connectors(limit=50))
    got = [next(it) for _ in range(50)]
    with pytest.raises(openint.APIResponseValidationError, match="offset"):
        next(it)
    assert len(got) == 50 and len(scn.requests()) == 2


class TestPage:
    def test_the_first_page_and_its_envelope(self, server, scenario, client_for):
        scn = scenario()
        page = client_for(scn).list_connectors(limit=10, offset=5)
        assert isinstance(page, SyncOffsetPagination) and isinstance(page, openint.SyncOffsetPage)
        assert dicts(page.items) == server.registry(171)[5:15]
        assert page.items is page.items  # decoded once
        # Real mode: `total` is the page length, passed through as sent; the core does not fix it.
        assert (page.total, page.limit, page.offset) == (10, 10, 5)
        envelope = page.to_dict()
        assert envelope["items"] == dicts(page.items) and envelope["has_next_page"] is True
        assert json.loads(page.to_json()) == envelope
        assert scn.queries() == ["limit=10&offset=5"]

    def test_spec_mode_total_is_passed_through(self, scenario, client_for):
        scn = scenario(mode="spec")
        assert client_for(scn).list_connectors(limit=10).total == 171

    def test_server_default_page_size(self, server, scenario, client_for):
        scn = scenario()
        page = client_for(scn).list_connectors()
        assert dicts(page.items) == server.registry(171)[:50]
        assert (page.limit, page.offset) == (50, 0)
        assert scn.queries() == [""]

    def test_get_next_page_and_iter_pages(self, server, scenario, client_for):
        scn = scenario()
        first = client_for(scn).list_connectors(limit=70)
        pages = list(first.iter_pages())
        assert [len(p.items) for p in pages] == [70, 70, 31]
        assert [p.offset for p in pages] == [0, 70, 140]
        assert [x.to_dict() for p in pages for x in p.items] == server.registry(171)
        assert not pages[-1].has_next_page()
        with pytest.raises(RuntimeError, match="has_next_page"):
            pages[-1].get_next_page()
        # Earlier pages stay valid after later ones were fetched.
        assert pages[0].items[0].name == server.registry(171)[0]["name"]
        assert offsets(scn) == [0, 70, 140]

    def test_official_style_loop(self, server, scenario, client_for):
        # The loop the official SDK documents, unchanged.
        scn = scenario(count=300)
        page = client_for(scn).list_connectors(limit=100)
        names = [x.name for x in page.items]
        while page.has_next_page():
            page = page.get_next_page()
            names += [x.name for x in page.items]
        assert names == [x["name"] for x in server.registry(300)]
        # 300 divides evenly: the 4th request finds the end, and has_next_page() says so.
        assert offsets(scn) == [0, 100, 200, 300]

    def test_has_next_page_is_exact_when_the_last_page_is_full(self, scenario, client_for):
        scn = scenario(count=100)
        second = client_for(scn).list_connectors(limit=50).get_next_page()
        assert second.has_next_page() is False  # asked the server: the next page is empty
        assert second.has_next_page() is False  # and remembered: no second request
        with pytest.raises(RuntimeError):
            second.get_next_page()
        assert offsets(scn) == [0, 50, 100]

    def test_iterating_a_later_page_starts_there(self, server, scenario, client_for):
        scn = scenario()
        second = client_for(scn).list_connectors(limit=60).get_next_page()
        assert dicts(second) == server.registry(171)[60:]
        # Iterating again refetches the pages after `second` (a page keeps none of them).
        assert dicts(second) == server.registry(171)[60:]
        assert offsets(scn) == [0, 60, 120, 120]

    def test_past_the_end_is_an_empty_page(self, scenario, client_for):
        scn = scenario()
        page = client_for(scn).list_connectors(offset=500)
        assert page.items == [] and page.total == 0 and page.has_next_page() is False
        assert list(page) == []
        assert len(scn.requests()) == 1

    def test_limit_zero_ends_at_once(self, scenario, client_for):
        scn = scenario()
        page = client_for(scn).list_connectors(limit=0)
        assert page.items == [] and not page.has_next_page() and list(page) == []
        assert len(scn.requests()) == 1

    def test_a_failed_next_page_surfaces_and_can_be_fetched_again(self, server, scenario, client_for):
        scn = scenario(count=100, latency_ms=300)
        page = client_for(scn).list_connectors(limit=50)
        with pytest.raises(openint.APITimeoutError):
            page.get_next_page(timeout=0.1)
        # The first call's bound (none here) holds again; the walk picks up where it failed.
        assert page.has_next_page()
        assert dicts(page) == server.registry(100)
        assert offsets(scn) == [0, 50, 50, 100]
