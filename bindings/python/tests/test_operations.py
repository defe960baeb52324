"""Every operation of the core's table is a method of Openint and AsyncOpenint (and nothing
else is), each one runs against the local server, sync and async, and each maps to the right
request (checked in the server's request log)."""

import asyncio
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import openint
from openint import _ffi
from openint._methods import ALIASES, OPERATIONS

HERE = Path(__file__).resolve().parents[1]
TABLE = json.loads(_ffi.lib.openint_operations_json())

# Public members of the clients that are not operations.
NOT_OPERATIONS = {"close", "copy", "with_options", "is_closed", "closed", "with_raw_response", "token", "base_url"}
NOT_OPERATIONS |= {"max_retries", "timeout"}  # attributes, as on the official client
# The official client's other attributes and its generic requests (client.get(path, cast_to=...)).
NOT_OPERATIONS |= {"with_streaming_response", "default_headers", "default_query", "auth_headers"}
NOT_OPERATIONS |= {"get", "post", "put", "patch", "delete"}
CALL_OPTIONS = {"extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}

# The official 2.8.0 SDK's methods and their keyword names (from its _client.py).
OFFICIAL = {
    "check_connection": {"id"},
    "create_connection": {"connector_config_id", "customer_id", "data", "check_connection", "metadata"},
    "create_connnector_config": {"connector_name", "config", "disabled", "display_name", "metadata"},
    "create_token": {"customer_id", "connect_options", "validity_in_seconds"},
    "delete_connection": {"id"},
    "get_conector_config": {"id", "expand"},
    "get_connection": {"id", "expand", "include_secrets", "refresh_policy"},
    "get_current_user": set(),
    "get_message_template": {"customer_id", "language", "use_environment_variables"},
    "list_connection_configs": {"connector_names", "expand", "limit", "offset", "search_query"},
    "list_connections": {
        "connector_config_id",
        "connector_names",
        "customer_id",
        "expand",
        "include_secrets",
        "limit",
        "offset",
        "refresh_policy",
        "search_query",
    },
    "list_connectors": {"expand", "limit", "offset"},
    "list_connnector_configs": {"connector_names", "expand", "limit", "offset", "search_query"},
    "list_customers": {"limit", "offset", "search_query"},
    "list_events": {"expand", "limit", "offset", "search_query", "since"},
    "upsert_connnector_config": {"id", "config", "disabled", "display_name"},
    "upsert_customer": {"id", "metadata"},
}
# Official methods whose first parameter is positional.
OFFICIAL_POSITIONAL = {
    "check_connection": "id",
    "create_token": "customer_id",
    "delete_connection": "id",
    "get_conector_config": "id",
    "get_connection": "id",
    "upsert_connnector_config": "id",
}


def public_methods(cls):
    return {n for n in dir(cls) if not n.startswith("_") and n not in NOT_OPERATIONS}


@pytest.mark.parametrize("cls", [openint.Openint, openint.AsyncOpenint])
def test_the_method_set_is_the_operation_table(cls):
    assert set(OPERATIONS) == {o["id"] for o in TABLE}, "an operation without a method, or a method without one"
    assert len(set(OPERATIONS.values())) == len(TABLE) == 21
    assert public_methods(cls) == set(OPERATIONS.values()) | set(ALIASES)
    for alias, name in ALIASES.items():
        assert getattr(cls, alias) is getattr(cls, name), alias


def test_the_generated_methods_are_current():
    run = subprocess.run([sys.executable, "tools/gen_methods.py", "--check"], cwd=HERE, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("op", TABLE, ids=lambda o: o["id"])
@pytest.mark.parametrize("cls", [openint.Openint, openint.AsyncOpenint])
def test_each_signature_follows_the_table(cls, op):
    fn = getattr(cls, OPERATIONS[op["id"]])
    params = dict(inspect.signature(fn).parameters)
    params.pop("self")
    positional = [n for n, p in params.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    path = [p["name"] for p in op["params"] if p["in"] == "path"]
    body = ["body"] if op["body"] == "any_object" else []
    assert positional == path + body
    keywords = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert {p["name"] for p in op["params"] if p["in"] != "path"} | CALL_OPTIONS <= keywords
    for p in op["params"]:
        assert (params[p["name"]].default is inspect.Parameter.empty) == p["required"], p["name"]
    assert ("prefetch" in keywords) == op["list"]
    is_async = inspect.iscoroutinefunction(fn)
    assert is_async == (cls is openint.AsyncOpenint and not op["list"])


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_every_official_method_and_keyword_exists(name):
    for cls in (openint.Openint, openint.AsyncOpenint):
        params = inspect.signature(getattr(cls, name)).parameters
        assert OFFICIAL[name] | CALL_OPTIONS <= set(params), name
        first = [n for n, p in params.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and n != "self"]
        assert first == ([OFFICIAL_POSITIONAL[name]] if name in OFFICIAL_POSITIONAL else []), name


class Sync:
    def __init__(self, client):
        self.c = client

    def call(self, name, *a, **k):
        return getattr(self.c, name)(*a, **k)

    def items(self, name, **k):
        return list(getattr(self.c, name)(**k))


class Async:
    def __init__(self, client):
        self.c = client
        self.loop = asyncio.new_event_loop()

    def call(self, name, *a, **k):
        return self.loop.run_until_complete(getattr(self.c, name)(*a, **k))

    def items(self, name, **k):
        async def go():
            return [x async for x in getattr(self.c, name)(**k)]

        return self.loop.run_until_complete(go())

    def close(self):
        self.loop.close()


@pytest.fixture(params=["sync", "async"])
def api(request, org):
    """The same calls through Openint or AsyncOpenint, with the org key."""
    if request.param == "sync":
        yield Sync(org.client())
    else:
        a = Async(org.client(openint.AsyncOpenint))
        yield a
        a.close()


def route_of(op):
    """A regex for the logged path of an operation."""
    return re.compile(r"/s/\w+/v1" + re.sub(r"\{\w+\}", r"[^/]+", op["path"]) + "$")


def test_every_operation_against_the_server(server, org, api):
    registry = server.registry(171)
    assert api.call("health").ok is True
    assert api.call("health_echo", {"hello": "world", "n": [1, 2]}).input == {"hello": "world", "n": [1, 2]}
    assert api.call("get_current_user").role == "org"
    status = {s.name: s for s in api.call("connector_status").list}
    assert status["acme-apikey"].hasConnectionForOrg is True and len(status) == 171
    assert [c.name for c in api.items("list_connectors", limit=40)] == [c["name"] for c in registry]

    cfg = api.call("create_connector_config", connector_name="acme-apikey", display_name="Acme", config={})
    assert cfg.id.startswith("ccfg_acme-apikey_") and cfg.display_name == "Acme" and cfg.config.to_dict() == {}
    got = api.call("get_connector_config", cfg.id, expand=["connection_count"])
    assert got.id == cfg.id and got.connection_count == 0
    upd = api.call("update_connector_config", cfg.id, display_name="Acme 2", disabled=False)
    assert upd.display_name == "Acme 2" and upd.disabled is False
    assert cfg.id in [c.id for c in api.items("list_connector_configs", connector_names=["acme-apikey"], limit=1)]

    cus = api.call("upsert_customer", id="cus_py", metadata={"plan": "pro"})
    assert cus.id == "cus_py" and cus.api_key.startswith("key_cus_") and cus.metadata == {"plan": "pro"}
    conn = api.call(
        "create_connection",
        connector_config_id=cfg.id,
        customer_id="cus_py",
        data={"connector_name": "acme-apikey", "settings": {"api_key": "k1"}},
        metadata={"src": "py"},
    )
    assert conn.id.startswith("conn_acme-apikey_") and conn.customer_id == "cus_py" and conn.metadata == {"src": "py"}
    full = api.call("get_connection", conn.id, include_secrets=True, expand=["connector"])
    assert full.settings.to_dict() == {"api_key": "k1"} and full.settings.api_key == "k1" and full.connector.name == "acme-apikey"
    assert api.call("get_connection", conn.id).settings is None
    assert [c.id for c in api.items("list_connections", customer_id="cus_py")] == [conn.id]
    checked = api.call("check_connection", conn.id)
    assert checked.id == conn.id and checked.status in ("healthy", "disconnected", "error", "unknown")
    customers = {c.id: c for c in api.items("list_customers", limit=2)}
    assert customers["cus_py"].connection_count == 1 and len(customers) == 4
    token = api.call("create_token", "cus_py", validity_in_seconds=600)
    assert token.token.count(".") == 2 and token.token in token.magic_link_url and token.api_key == cus.api_key
    events = api.items("list_events", limit=2)
    assert len(events) >= 5 and all(e.name and e.id.startswith("evt_") for e in events)
    with pytest.raises(openint.InternalServerError, match="AI API URL is not set"):
        api.call("get_message_template", customer_id="cus_py", language="javascript")
    hook = api.call("handle_webhook", "plaid", {"webhook_type": "ITEM", "item_id": "i1"})
    assert hook.status == "error" and hook.info == {"connector_name": "plaid", "webhook_type": "ITEM", "item_id": "i1"}

    assert api.call("delete_connection", conn.id).id == conn.id
    with pytest.raises(openint.NotFoundError):
        api.call("get_connection", conn.id)
    assert api.call("delete_connector_config", cfg.id).id == cfg.id

    # Each operation reached its own route with its own method.
    log = [(r["method"], r["path"]) for r in org.requests()]
    for op in TABLE:
        assert any(m == op["method"] and route_of(op).search(p) for m, p in log), op["id"]


def test_the_official_spellings_reach_the_same_operations(org):
    c = org.client()
    cfg = c.create_connnector_config(connector_name="toggl")
    assert c.get_conector_config(cfg.id).id == cfg.id
    assert c.upsert_connnector_config(cfg.id, display_name="T").display_name == "T"
    ids = [x.id for x in c.list_connnector_configs()]
    assert cfg.id in ids and ids == [x.id for x in c.list_connection_configs()]
    # expand=["prompt"] (the official spelling) is sent as include_prompt=true.
    c.list_events(expand=["prompt"], limit=1)
    assert org.requests()[-1]["query"] == "limit=1&include_prompt=true"


def test_null_is_sent_only_where_it_means_something(org):
    c = org.client()
    # display_name is nullable on create: None is sent as null; limit is not: None leaves it out.
    cfg = c.create_connector_config(connector_name="toggl", display_name=None)
    assert json.loads(org.requests()[-1]["body"]) == {"connector_name": "toggl", "display_name": None}
    assert cfg.display_name is None
    c.list_connections(limit=None)
    assert org.requests()[-1]["query"] == ""


def test_bad_parameters_are_refused_before_any_request(org):
    c = org.client()
    with pytest.raises(openint.InvalidArgumentError, match='"id"'):
        c.get_connection("ccfg_wrong_kind")
    with pytest.raises(openint.InvalidArgumentError, match="refresh_policy"):
        c.get_connection("conn_1", refresh_policy="sometimes")
    with pytest.raises(TypeError, match="customer_id"):
        c.get_message_template()  # a required keyword, as in the official SDK
    with pytest.raises(openint.InvalidArgumentError, match="customer_id"):
        c.get_message_template(customer_id=None)
    with pytest.raises(openint.InvalidArgumentError, match="data"):
        c.create_connection(connector_config_id="ccfg_x", customer_id="c", data="not an object")
    with pytest.raises(openint.InvalidArgumentError, match="limit"):
        c.list_customers(limit=3001)
    with pytest.raises(TypeError):
        c.get_connection("conn_1", bogus=1)
    assert org.requests() == []
