"""The drop-in check: code written against the official `openint` 2.8.0 SDK's API (names,
keywords, attribute access on results, exception classes and their status_code/body), run
unchanged with whichever `openint` package the interpreter imports.

usage: python check_dropin.py CONFIG_JSON
CONFIG_JSON names the local server's scenarios: {"main": {"base_url", "org_key"},
"ignore_offset": {...}, "non_json": {...}, "request_id": {...}}. Prints one JSON object:
{"package": "<module file>", "results": {check: null (passed) or "what went wrong"}}.
It imports nothing but `openint` and the standard library, so both packages run the same file.
"""

import asyncio
import json
import sys
import traceback

import openint
from openint import Openint

config = json.loads(sys.argv[1])
main = config["main"]
results = {}


def check(name):
    def run(fn):
        try:
            fn()
            results[name] = None
        except Exception as e:  # noqa: BLE001 - every failure is a result
            last = traceback.extract_tb(e.__traceback__)[-1]
            results[name] = f"{type(e).__name__}: {str(e)[:300]} (at {last.name}:{last.lineno})"
        return fn

    return run


client = Openint(token=main["org_key"], base_url=main["base_url"], max_retries=0)
state = {}


@check("create_connnector_config / get_conector_config / upsert_connnector_config")
def _():
    cfg = client.create_connnector_config(connector_name="acme-apikey", display_name="Acme", config={})
    assert cfg.id.startswith("ccfg_acme-apikey_") and cfg.display_name == "Acme"
    assert client.get_conector_config(cfg.id).connector_name == "acme-apikey"
    assert client.upsert_connnector_config(cfg.id, display_name="Acme 2").display_name == "Acme 2"
    state["cfg"] = cfg.id


@check("upsert_customer / create_token")
def _():
    cus = client.upsert_customer(id="cus_dropin", metadata={"plan": "pro"})
    assert cus.id == "cus_dropin" and cus.api_key.startswith("key_cus_")
    tok = client.create_token("cus_dropin", validity_in_seconds=600)
    assert tok.token.count(".") == 2 and tok.magic_link_url


@check("create_connection / get_connection / check_connection / delete_connection")
def _():
    conn = client.create_connection(
        connector_config_id=state["cfg"],
        customer_id="cus_dropin",
        data={"connector_name": "acme-apikey", "settings": {"api_key": "k1"}},
        metadata={"source": "dropin"},
    )
    assert conn.id.startswith("conn_acme-apikey_") and conn.customer_id == "cus_dropin"
    got = client.get_connection(conn.id, include_secrets=True)
    assert got.id == conn.id and got.connector_name == "acme-apikey"
    assert client.check_connection(conn.id).id == conn.id
    assert client.delete_connection(conn.id).id == conn.id


@check("get_current_user")
def _():
    assert client.get_current_user().role == "org"


@check("get_message_template raises InternalServerError (the server has no AI API)")
def _():
    try:
        client.get_message_template(customer_id="cus_dropin")
    except openint.InternalServerError as e:
        assert e.status_code == 500 and e.body["message"] == "AI API URL is not set"
    else:
        raise AssertionError("no error")


@check("list_connections pages: has_next_page, get_next_page, iter_pages, for-loop")
def _():
    want = config["main"]["connections"]
    first = client.list_connections(limit=10)
    assert len(first.items) == 10 and first.has_next_page()
    assert len(first.get_next_page().items) == 10
    assert sum(len(p.items) for p in first.iter_pages()) == want
    ids = [c.id for c in client.list_connections(limit=7)]
    assert len(ids) == want == len(set(ids))


@check("list_customers / list_events / list_connnector_configs / list_connection_configs")
def _():
    assert len(list(client.list_customers(limit=2))) == config["main"]["customers_listed"]
    assert len(list(client.list_events(limit=3))) >= config["main"]["events"]
    names = [c.id for c in client.list_connnector_configs(limit=2)]
    assert state["cfg"] in names and names == [c.id for c in client.list_connection_configs(limit=2)]


@check("list_connectors lists every connector (171), not the first page")
def _():
    names = [c.name for c in client.list_connectors()]
    assert len(names) == 171, f"listed {len(names)} of 171 connectors"


@check("NotFoundError / AuthenticationError / BadRequestError with status_code and body")
def _():
    try:
        client.get_connection("conn_missing")
    except openint.NotFoundError as e:
        assert e.status_code == 404 and e.body["code"] == "NOT_FOUND"
    else:
        raise AssertionError("no NotFoundError")
    try:
        Openint(token="key_wrong", base_url=main["base_url"], max_retries=0).list_connections()
    except openint.AuthenticationError as e:
        assert e.status_code == 401 and isinstance(e, openint.APIStatusError)
    else:
        raise AssertionError("no AuthenticationError")
    try:
        client.create_connection(
            connector_config_id=state["cfg"], customer_id="c", data={"connector_name": "nope"}
        )
    except openint.BadRequestError as e:
        assert e.status_code == 400 and isinstance(e.body, dict)
    else:
        raise AssertionError("no BadRequestError")


@check("per-call extra_headers, extra_query and timeout; with_options; with_raw_response")
def _():
    user = client.get_current_user(extra_headers={"X-Dropin": "1"}, extra_query={"q": "1"}, timeout=10)
    assert user.role == "org"
    assert client.with_options(max_retries=1, timeout=20).get_current_user().role == "org"
    raw = client.with_raw_response.get_current_user()
    assert raw.status_code == 200 and raw.headers.get("content-type") == "application/json"
    assert raw.parse().role == "org" and json.loads(raw.text())["role"] == "org"


@check("AsyncOpenint: await calls, await the first page, async for over items")
def _():
    async def go():
        a = openint.AsyncOpenint(token=main["org_key"], base_url=main["base_url"], max_retries=0)
        assert (await a.get_current_user()).role == "org"
        page = await a.list_connections(limit=5)
        assert len(page.items) == 5
        n = 0
        async for _c in a.list_connections(limit=9):
            n += 1
        assert n == config["main"]["connections"]
        await a.close()

    asyncio.run(go())


@check("a listing on a server that ignores offset never repeats items")
def _():
    s = config["ignore_offset"]
    c = Openint(token=s["org_key"], base_url=s["base_url"], max_retries=0)
    ids = []
    try:
        for x in c.list_connections():
            ids.append(x.id)
            if len(ids) > 10 * s["connections"]:
                break
    except openint.APIError:
        pass  # refusing the broken server is a pass
    assert len(ids) == len(set(ids)), f"{len(ids)} items, {len(set(ids))} distinct"


@check("a 200 answer that is not JSON (a CDN page) raises an APIError on a call")
def _():
    s = config["non_json"]
    c = Openint(token=s["org_key"], base_url=s["base_url"], max_retries=0)
    try:
        got = c.get_current_user()
    except openint.APIError:
        return
    raise AssertionError(f"returned {type(got).__name__} instead of raising")


@check("a 200 answer that is not JSON (a CDN page) raises an APIError on a listing")
def _():
    s = config["non_json"]
    c = Openint(token=s["org_key"], base_url=s["base_url"], max_retries=0)
    try:
        c.list_connections()
    except openint.APIError:
        return
    raise AssertionError("no error")


@check("an error carries the request id the server (or its proxy) sent")
def _():
    s = config["request_id"]
    c = Openint(token=s["org_key"], base_url=s["base_url"], max_retries=0)
    try:
        c.get_connection("conn_missing")
    except openint.NotFoundError as e:
        assert e.request_id == "req_dropin_1"
    else:
        raise AssertionError("no NotFoundError")


print(json.dumps({"package": openint.__file__, "results": results}))
