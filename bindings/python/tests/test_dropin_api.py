"""What a user migrating from the official SDK 2.8.0 reads and calls beyond the operations,
against the local server: pydantic models with nested settings, raw and streamed responses
with their request, errors with `response`/`request`, `client.get/post/...`, the constructor's
attributes and options, and path parameters refused with the official message."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import pydantic
import pytest

import openint
from openint.pagination import AsyncOffsetPagination, SyncOffsetPagination
from openint.types import Connection, ConnectionSettings, Connector, Viewer

SEED = {"customers": 3, "connector_configs": 6, "connections": 30, "events": 5}


def last(scn):
    return scn.requests()[-1]


# --- models -----------------------------------------------------------------------------------


@pytest.fixture
def seeded(scenario):
    """A scenario with enough connections that hubspot's OAuth ones are among them."""
    scn = scenario(seed=SEED)
    made = []

    def client(**kw):
        made.append(openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0, **kw))
        return made[-1]

    scn.client = client
    yield scn
    for c in made:
        c.close()


def test_connections_are_pydantic_models_with_typed_settings(seeded):
    c = seeded.client()
    conns = list(c.list_connections(include_secrets=True, limit=100))
    assert conns and all(isinstance(x, pydantic.BaseModel) and type(x) is Connection for x in conns)
    oauth = [x for x in conns if x.settings is not None and x.settings.oauth is not None]
    assert oauth, "the seed has OAuth connections"
    one = c.get_connection(oauth[0].id, include_secrets=True)
    assert type(one.settings) is ConnectionSettings
    raw = c.with_raw_response.get_connection(oauth[0].id, include_secrets=True).json()
    token = raw["settings"]["oauth"]["credentials"]["access_token"]
    assert one.settings.oauth.credentials.access_token == token  # type: ignore[union-attr]
    # pydantic's API, and the official SDK's to_dict()/to_json().
    assert one.model_dump(exclude_unset=True) == raw == one.to_dict() == json.loads(one.to_json())
    assert Connection.model_validate(raw) == one and one.model_fields_set == set(raw)
    assert json.loads(one.model_dump_json(exclude_unset=True)) == raw


def test_pages_are_pydantic_models(org):
    c = org.client()
    page = c.list_connections(limit=4)
    assert isinstance(page, SyncOffsetPagination[Connection]) and isinstance(page, pydantic.BaseModel)
    assert type(page).model_fields.keys() >= {"items", "total", "offset", "limit"}
    assert page.offset == 0 and page.limit == 4 and len(page.items) == 4
    info = page.next_page_info()
    assert info is not None and info.params == {"offset": 4}
    assert page.to_dict()["items"] == [x.to_dict() for x in page.items]
    assert len(page.model_dump()["items"]) == 4
    last_page = c.list_connections(limit=100)
    assert not last_page.has_next_page() and last_page.next_page_info() is None


def test_async_pages_are_pydantic_models(org):
    async def main():
        async with org.client(openint.AsyncOpenint) as a:
            page = await a.list_connectors(limit=3)
            assert isinstance(page, AsyncOffsetPagination[Connector]) and len(page.items) == 3
            nxt = await page.get_next_page()
            assert nxt.offset == 3

    asyncio.run(main())


# --- raw and streamed responses -----------------------------------------------------------------


def test_raw_response_carries_its_request(org):
    c = org.client(default_headers={"X-Trace": "t1"})
    conn = next(iter(c.list_connections(limit=1)))
    raw = c.with_raw_response.get_connection(conn.id, include_secrets=True, extra_headers={"X-Call": "c1"})
    assert raw.is_closed and raw.status_code == 200 and raw.retries_taken == 0
    assert raw.http_request.method == raw.method == "GET"
    url = urlsplit(raw.url)
    seen = last(org)
    assert url.path == seen["path"] and url.query == "include_secrets=true" == seen["query"]
    sent = {k.lower(): v for k, v in seen["headers"].items()}
    for name, value in raw.http_request.headers.items():
        if name != "authorization":
            assert sent[name] == value, name
    assert raw.http_request.headers["X-Stainless-Lang"] == "python" and raw.http_request.headers["x-call"] == "c1"
    assert raw.http_request.headers["authorization"] == "Bearer [redacted]"
    assert raw.elapsed.total_seconds() > 0
    # The URL is the one the core sent, as the server saw it (its encoding, what it leaves out).
    listing = c.with_raw_response.list_connections(
        connector_names=["toggl", "hubspot"], search_query="a b/é", include_secrets=False, extra_query={"x": "1"}
    )
    seen = last(org)
    assert urlsplit(listing.url).path == seen["path"] and urlsplit(listing.url).query == seen["query"]
    assert "include_secrets" not in listing.url and "search_query=a%20b" in listing.url
    assert raw.parse().id == conn.id and raw.parse() is raw.parse()
    assert raw.json()["id"] == conn.id and raw.read() == raw.text().encode()
    assert b"".join(raw.iter_bytes(7)) == raw.read() and list(raw.iter_lines()) == raw.text().splitlines()
    assert raw.parse(to=Viewer).model_extra  # another model, leniently: the fields it has are kept


def test_streaming_response_is_open_inside_its_block(org):
    c = org.client()
    with c.with_streaming_response.get_current_user() as response:
        assert not response.is_closed
        assert response.http_request.headers.get("X-Stainless-Lang") == "python"
        viewer = response.parse()
        assert type(viewer) is Viewer and viewer.role == "org"
    assert response.is_closed
    with c.with_streaming_response.list_customers(limit=2) as response:
        page = response.parse()
        assert len(page.items) == 2 and response.json()["items"] == [x.to_dict() for x in page.items]
        assert response.url.endswith("/customer?limit=2")


def test_async_raw_and_streamed_responses(org):
    async def main():
        async with org.client(openint.AsyncOpenint) as a:
            raw = await a.with_raw_response.get_current_user()
            assert (await raw.parse()).role == "org" and raw.is_closed
            assert raw.http_request.headers["X-Stainless-Async"] == "async:asyncio"
            async with a.with_streaming_response.list_events(limit=2) as response:
                assert not response.is_closed
                page = await response.parse()
                assert len(page.items) == 2 and (await response.json())["limit"] == 2
                assert [line async for line in response.iter_lines()] == (await response.text()).splitlines()
            assert response.is_closed

    asyncio.run(main())
    assert {r["headers"].get("x-stainless-async") for r in org.requests()} == {"async:asyncio"}


# --- errors ------------------------------------------------------------------------------------


def test_status_errors_carry_response_and_request(scenario, client_for):
    scn = scenario(fail={"status": 404, "headers": {"x-request-id": "req_7"}})
    with pytest.raises(openint.NotFoundError) as info:
        client_for(scn).get_connection("conn_missing")
    e = info.value
    assert str(e) == f"Error code: 404 - {e.body}" and isinstance(e.body, dict)
    assert e.response.status_code == 404 and e.response.json() == e.body
    assert e.response.headers["x-request-id"] == "req_7" and e.response.request is not None
    assert e.request.method == "GET" and e.request.url.endswith("/connection/conn_missing")


def test_status_errors_carry_every_header_of_the_answer(scenario, client_for):
    # What users read from e.response.headers on a 429: Retry-After and rate-limit headers.
    scn = scenario(fail={"status": 429, "headers": {"Retry-After": "7", "X-RateLimit-Remaining": "0"}})
    with pytest.raises(openint.RateLimitError) as info:
        client_for(scn).with_options(max_retries=0).get_current_user()
    headers = info.value.response.headers
    assert headers["retry-after"] == "7" and headers["X-RateLimit-Remaining"] == "0"
    assert "content-type" in headers and info.value.request_id is None


def test_a_text_error_body_is_the_message(scenario, client_for):
    scn = scenario(fail={"status": 502, "body": "upstream fell over"})
    with pytest.raises(openint.InternalServerError) as info:
        client_for(scn).get_current_user()
    assert str(info.value) == "upstream fell over" == info.value.response.text


# --- client.get/post/put/delete --------------------------------------------------------------


def test_generic_requests_reach_any_path_with_the_clients_auth(org):
    c = org.client(max_retries=0)
    viewer = c.get("/viewer", cast_to=Viewer)
    assert type(viewer) is Viewer and viewer.role == "org"
    assert last(org)["headers"]["authorization"] == f"Bearer {org.org_key}"
    page = c.get("/connection", cast_to=object, options={"params": {"limit": 2}, "headers": {"X-A": "b"}})
    assert len(page["items"]) == 2 and last(org)["query"] == "limit=2" and last(org)["headers"]["x-a"] == "b"
    customer = c.put("/customer", cast_to=dict, body={"id": "cus_generic", "metadata": {"k": 1}})
    assert customer["id"] == "cus_generic" and last(org)["method"] == "PUT"
    echo = c.post("/health", cast_to=object, body={"x": 1}, options={"extra_json": {"y": 2}})
    assert echo == {"input": {"x": 1, "y": 2}}
    assert c.get("/health", cast_to=str).startswith("{")
    with pytest.raises(openint.NotFoundError):
        c.delete("/connection/conn_nope", cast_to=object)
    # PATCH goes out too (the server has no PATCH route: 404, as for any unknown route).
    with pytest.raises(openint.NotFoundError):
        c.patch("/customer", cast_to=object, body={"id": "cus_p"})
    assert last(org)["method"] == "PATCH" and json.loads(last(org)["body"]) == {"id": "cus_p"}
    with pytest.raises(openint.InvalidArgumentError, match="request options"):
        c.get("/viewer", cast_to=object, options={"bogus": 1})


def test_async_generic_request(org):
    async def main():
        async with org.client(openint.AsyncOpenint) as a:
            return await a.get("/viewer", cast_to=Viewer)

    assert asyncio.run(main()).role == "org"


# --- the constructor -----------------------------------------------------------------------------


class _Timeout:
    """What httpx.Timeout offers (httpx is not installed in this venv)."""

    def __init__(self, read, connect):
        self.read = self.write = self.pool = read
        self.connect = connect


def test_constructor_attributes_as_in_the_official_sdk(scenario, monkeypatch):
    scn = scenario()
    monkeypatch.setenv("OPENINT_API_KEY", scn.org_key)
    monkeypatch.setenv("OPENINT_BASE_URL", scn.base_url)
    with openint.Openint(default_headers={"X-A": "1"}, default_query={"q": "v"}) as c:
        assert c.token == scn.org_key and c.base_url == scn.base_url
        assert c.default_headers["X-A"] == "1" and c.default_headers["X-Stainless-Lang"] == "python"
        assert c.default_query == {"q": "v"} and c.max_retries == 2
        assert scn.org_key not in repr(c) and scn.org_key not in str(vars(c))
        c.health()
        assert last(scn)["headers"]["authorization"] == f"Bearer {scn.org_key}" and last(scn)["query"] == "q=v"
        assert last(scn)["headers"]["x-stainless-lang"] == "python"
        assert c.copy(max_retries=5).max_retries == 5
    with pytest.raises(TypeError, match="max_retries cannot be None"):
        openint.Openint(max_retries=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_retries"):
        openint.Openint(max_retries="2")  # type: ignore[arg-type]


def test_an_httpx_timeout_object_is_read_and_connect(scenario):
    scn = scenario(latency_ms=1500)
    t = _Timeout(read=0.3, connect=2.0)
    with openint.Openint(base_url=scn.base_url, timeout=t, max_retries=0) as c:
        assert c.timeout is t
        with pytest.raises(openint.APITimeoutError):
            c.health()
    with openint.Openint(base_url=scn.base_url) as c:
        assert c.timeout == openint.Timeout(60.0, connect=5.0)  # the official default
    with openint.Openint(base_url=scn.base_url, timeout=openint.Timeout(0.3), max_retries=0) as c:
        with pytest.raises(openint.APITimeoutError):
            c.health()


def test_http_clients(scenario):
    scn = scenario()
    for default in (None, openint.DefaultHttpxClient(), openint.DefaultAioHttpClient()):
        with openint.Openint(base_url=scn.base_url, http_client=default) as c:
            assert c.health().ok is True
    with pytest.raises(openint.InvalidArgumentError, match=r"proxy=URL.*tls_ca_file=.*timeout=") as info:
        openint.Openint(base_url=scn.base_url, http_client=openint.DefaultHttpxClient(proxy="http://p:1"))
    assert "DefaultHttpxClient with proxy" in str(info.value)
    with pytest.raises(openint.InvalidArgumentError, match="http_client"):
        openint.AsyncOpenint(base_url=scn.base_url, http_client=object())


@pytest.mark.parametrize("value", ["", None])
def test_empty_path_parameters_raise_the_official_message(scenario, client_for, value):
    scn = scenario()
    c = client_for(scn)
    with pytest.raises(ValueError, match=f"Expected a non-empty value for `id` but received {value!r}"):
        c.get_connection(value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Expected a non-empty value for `customer_id` but received"):
        c.with_raw_response.create_token(value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`connector_name`"):
        with c.with_streaming_response.handle_webhook(value, {}):  # type: ignore[arg-type]
            pass
    assert scn.requests() == []


def test_strict_response_validation_refuses_an_answer_that_does_not_fit():
    # `_strict_response_validation=True` (the official option) refuses; by default the answer
    # is kept, typed where it fits.
    from openint._models import validate_json

    with pytest.raises(openint.APIResponseValidationError, match="does not match Viewer"):
        validate_json(Viewer, b'{"orgId": "o"}', "the answer", strict=True)
    viewer = validate_json(Viewer, b'{"orgId": "o"}', "the answer")
    assert viewer.role is None and viewer.org_id == "o"
