"""Bad input fails before any request: unknown keywords with TypeError (as Python does), bad
values with InvalidArgumentError (an OpenintError and a ValueError) naming the parameter."""

import datetime
import math

import pytest

import openint


@pytest.fixture
def quiet(scenario):
    """A scenario whose request log must stay empty, and a client for it."""
    scn = scenario()
    with openint.Openint(base_url=scn.base_url, max_retries=0) as c:
        yield c
    assert scn.requests() == [], "bad input must be refused before any request"


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"limit": 5000}, '"limit" must be an integer from 0 to 3000, got 5000'),
        ({"limit": -1}, '"limit"'),
        ({"limit": 1.5}, '"limit"'),
        ({"limit": "10"}, '"limit"'),
        ({"limit": "x"}, '"limit"'),
        ({"expand": ["schemas", "bogus"]}, '"bogus"'),
        ({"expand": "bogus"}, '"bogus"'),
        ({"limit": True}, '"limit"'),
        ({"offset": -3}, '"offset"'),
        ({"offset": 2**63}, '"offset"'),
        ({"expand": ["bogus"]}, '"bogus"'),
        ({"expand": [1]}, '"expand"'),
        ({"expand": {"schemas": 1}}, '"expand"'),
        ({"timeout": 0}, '"timeout"'),
        ({"timeout": -1}, '"timeout"'),
        ({"timeout": math.nan}, '"timeout"'),
        ({"timeout": math.inf}, '"timeout"'),
        ({"timeout": "5"}, '"timeout"'),
        ({"timeout": 10**400}, '"timeout"'),
        ({"limit": object()}, '"limit"'),
    ],
)
def test_bad_list_params(quiet, kwargs, needle):
    with pytest.raises(openint.InvalidArgumentError) as info:
        quiet.list_connectors(**kwargs)
    assert needle in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, openint.OpenintError)
    assert not isinstance(info.value, openint.APIError)


def test_unknown_keyword_is_a_type_error(quiet):
    with pytest.raises(TypeError, match="limt"):
        quiet.list_connectors(limt=5)
    with pytest.raises(TypeError, match="tokn"):
        openint.Openint(tokn="x")
    # Keyword-only, as in the official SDK.
    with pytest.raises(TypeError):
        quiet.list_connectors(5)


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"timeout": 0}, '"timeout"'),
        ({"timeout": -2}, '"timeout"'),
        ({"connect_timeout": math.nan}, '"connect_timeout"'),
        ({"total_timeout": "1"}, '"total_timeout"'),
        ({"max_retries": -1}, '"max_retries"'),
        ({"max_retries": 101}, '"max_retries"'),
        ({"max_body_bytes": -1}, '"max_body_bytes"'),
        ({"base_url": "not a url"}, "base_url"),
        ({"base_url": "ftp://127.0.0.1/v1"}, "http:// or https://"),
        ({"base_url": 5}, '"base_url"'),
        ({"token": 5}, '"token"'),
        ({"default_headers": {"X-A": 1}}, 'X-A'),
        ({"default_headers": {"Authorization": "x"}}, "Authorization"),
        ({"default_headers": {"bad name": "x"}}, '"bad name"'),
        ({"default_headers": {"X-A": "a\r\nb"}}, "control"),
        ({"default_headers": [("X-A", "b")]}, '"default_headers" must be a mapping'),
        ({"default_headers": {1: "b"}}, '"default_headers" names must be strings'),
    ],
)
def test_bad_client_options(kwargs, needle):
    with pytest.raises(openint.InvalidArgumentError) as info:
        openint.Openint(**kwargs)
    assert needle in str(info.value)


def test_timedelta_is_accepted_for_times(server, scenario):
    scn = scenario(latency_ms=2000)
    with openint.Openint(base_url=scn.base_url, timeout=datetime.timedelta(milliseconds=200), max_retries=0) as c:
        with pytest.raises(openint.APITimeoutError):
            c.list_connectors()
        with pytest.raises(openint.APITimeoutError):
            c.list_connectors(timeout=datetime.timedelta(milliseconds=100))


def test_bad_next_page_timeouts(scenario):
    scn = scenario()
    with openint.Openint(base_url=scn.base_url) as c:
        page = c.list_connectors(limit=5)
    n = len(scn.requests())
    for bad in (0, -1, math.nan, "1", True):
        with pytest.raises(openint.InvalidArgumentError, match="timeout"):
            page.get_next_page(timeout=bad)
    assert len(scn.requests()) == n


def test_closed_handles_refuse_use(scenario):
    scn = scenario()
    c = openint.Openint(base_url=scn.base_url)
    page = c.list_connectors(limit=5)
    c.close()
    c.close()  # idempotent
    assert c.closed and c.is_closed() and "closed" in repr(c)
    with pytest.raises(openint.InvalidArgumentError, match="client is closed"):
        c.list_connectors()
    page.close()
    with pytest.raises(openint.InvalidArgumentError, match="page is closed"):
        page.get_next_page()
    assert len(page.items) == 5  # the items are plain data, kept after the native page is freed
    assert len(scn.requests()) == 1


def test_integer_like_values_are_accepted(server, scenario):
    class Index:  # e.g. numpy.int64
        def __init__(self, n):
            self.n = n

        def __index__(self):
            return self.n

    scn = scenario()
    with openint.Openint(base_url=scn.base_url, max_retries=Index(0)) as c:
        items = c.list_connectors(limit=Index(3), offset=Index(2)).items
    assert [x.to_dict() for x in items] == server.registry(171)[2:5]
