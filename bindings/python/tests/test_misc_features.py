"""Prefetching, 8 threads across every list operation, raw responses, per-call options,
copying and pickling, hostile bodies, and logging to the ``openint`` logger."""

import copy
import json
import logging
import pickle
import threading

import pytest

import openint
from openint._json import decode_json

LISTS = ["list_connectors", "list_connections", "list_connector_configs", "list_events", "list_customers"]
SEED = {"customers": 30, "connector_configs": 25, "connections": 90, "events": 70}


def key(x):
    return getattr(x, "id", None) or x.name


# --- prefetch --------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["call", "client"])
@pytest.mark.parametrize("name", ["list_connectors", "list_connections"])
def test_prefetch_yields_every_item_in_order_once(server, scenario, where, name):
    scn = scenario(count=500, seed={"connections": 500})
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0) as plain:
        want = [key(x) for x in getattr(plain, name)(limit=37)]
    assert len(want) == 500 and len(set(want)) == 500
    kw = {"prefetch": 4} if where == "call" else {}
    opts = {"prefetch": 4} if where == "client" else {}
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0, **opts) as c:
        got = [key(x) for x in getattr(c, name)(limit=37, **kw)]
    assert got == want
    if name == "list_connectors":
        assert want == [c["name"] for c in server.registry(500)]


def test_bad_prefetch_is_refused(org):
    with pytest.raises(openint.InvalidArgumentError, match="prefetch"):
        org.client().list_connections(prefetch=0)
    with pytest.raises(openint.InvalidArgumentError, match="prefetch"):
        org.client(prefetch=65)


# --- threads ---------------------------------------------------------------------------------


def test_eight_threads_on_one_client_across_every_list(scenario):
    scn = scenario(seed=SEED)
    with openint.Openint(base_url=scn.base_url, token=scn.org_key) as c:
        want = {name: [key(x) for x in getattr(c, name)(limit=1000)] for name in LISTS}
        results, errors = [], []

        def work(i):
            try:
                for j in range(len(LISTS)):
                    name = LISTS[(i + j) % len(LISTS)]
                    results.append((name, [key(x) for x in getattr(c, name)(limit=6 + i)]))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not errors
    assert len(results) == 8 * len(LISTS)
    for name, ids in results:
        assert ids == want[name], name


# --- raw responses and per-call options -------------------------------------------------------


def test_raw_response(org):
    c = org.client()
    conn = next(iter(c.list_connections()))
    raw = c.with_raw_response.get_connection(conn.id, include_secrets=True)
    assert isinstance(raw, openint.APIResponse)
    assert raw.status_code == 200 and raw.retries_taken == 0 and raw.request_id is None
    assert raw.headers["Content-Type"] == "application/json" and "content-type" in raw.headers
    assert raw.json() == json.loads(raw.text()) == raw.parse().to_dict()
    assert raw.parse().id == conn.id and raw.parse() is raw.parse()
    assert raw.method == "GET" and raw.operation == "getConnection"
    page = c.with_raw_response.list_connections(limit=2)
    assert isinstance(page.parse(), openint.SyncOffsetPagination) and len(page.json()["items"]) == 2
    # The official spellings work through it too.
    assert c.with_raw_response.get_conector_config(page.parse().items[0].connector_config_id).status_code == 200
    with pytest.raises(AttributeError):
        c.with_raw_response.close


def test_raw_response_counts_retries(scenario):
    scn = scenario(fail={"times": 2, "status": 503, "headers": {"retry-after-ms": "1"}})
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=3) as c:
        assert c.with_raw_response.health().retries_taken == 2


def test_per_call_options_reach_the_request(org):
    c = org.client(default_query={"dq": "1"}, default_headers={"X-Default": "d"})
    c.health(
        extra_headers={"X-Extra": "e", "X-Default": None},
        extra_query={"q": "v"},
        timeout=5,
        max_retries=1,
    )
    req = org.requests()[-1]
    assert req["headers"]["x-extra"] == "e" and "x-default" not in req["headers"]
    assert req["query"] == "dq=1&q=v"
    c.health_echo({"a": 1}, extra_body={"b": 2}, extra_headers={"X-Default": openint.Omit()})
    req = org.requests()[-1]
    assert json.loads(req["body"]) == {"a": 1, "b": 2} and "x-default" not in req["headers"]
    with pytest.raises(openint.InvalidArgumentError, match="Authorization"):
        c.health(extra_headers={"Authorization": "Bearer other"})


def test_per_call_max_retries(scenario):
    scn = scenario(fail={"times": 5, "status": 503, "headers": {"retry-after-ms": "1"}})
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0) as c:
        with pytest.raises(openint.InternalServerError):
            c.health()
        assert len(scn.requests()) == 1
        assert c.health(max_retries=5).ok is True
        assert len(scn.requests()) == 6


def test_with_options_copies(org):
    c = org.client(default_headers={"X-A": "a"})
    d = c.with_options(max_retries=4, default_headers={"X-B": "b"})
    assert d is not c and d.max_retries == 4 and d.token == c.token
    d.health()
    headers = org.requests()[-1]["headers"]
    assert headers["x-a"] == "a" and headers["x-b"] == "b"
    d.close()
    assert c.health().ok  # the original is independent


# --- copying and pickling (issue 11) ------------------------------------------------------------


def test_copying_a_client_makes_an_independent_client(org):
    c = org.client()
    for twin in (copy.copy(c), copy.deepcopy(c)):
        assert twin is not c and twin._ptr is not None and twin._ptr is not c._ptr
        twin.close()
        assert c.health().ok
    with pytest.raises(TypeError, match="pickle"):
        pickle.dumps(c)


def test_pages_refuse_copy_and_pickle(org):
    page = org.client().list_connections(limit=2)
    for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="page"):
            attempt(page)
    assert len(page.items) == 2  # still usable
    # Models and raw responses are plain data: models pickle and copy.
    item = page.items[0]
    assert pickle.loads(pickle.dumps(item)) == item == copy.deepcopy(item)


def test_async_client_refuses_pickle(org):
    a = org.client(openint.AsyncOpenint)
    with pytest.raises(TypeError, match="pickle"):
        pickle.dumps(a)
    b = copy.copy(a)
    assert isinstance(b, openint.AsyncOpenint) and b._ptr is not a._ptr
    openint.Openint.close(b)


# --- hostile bodies (issue 11) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body,needle",
    [
        (b"[1, 2]", "a JSON array, not an object"),
        (b'"text"', "a JSON string, not an object"),
        (b"null", "a JSON null, not an object"),
        (b"<html>", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    ],
)
def test_hostile_answers_are_decode_errors(body, needle):
    # The decoder every call uses: pydantic-core first, then the lenient path's json.loads.
    from openint._models import validate_json
    from openint.types import Viewer

    with pytest.raises(openint.APIResponseValidationError, match=needle):
        validate_json(Viewer, body, "the answer")


class _FakePage:
    """A native page's interface, with a text the core would lend."""

    def __init__(self, items):
        self.items = items
        self.closed = False

    def json_bytes(self):
        return json.dumps({"items": self.items}).encode()

    def item_count(self):
        return len(self.items)

    def item_bytes(self, i):
        return json.dumps(self.items[i]).encode()

    def close(self):
        self.closed = True


def test_non_object_items_are_a_decode_error():
    # A page whose items are not objects: built through the page decoder itself.
    from openint.pagination import SyncOffsetPagination
    from openint.types import Connector

    fake = _FakePage([{"name": "a"}, {"name": "b"}, {"name": "c"}, 5])
    with pytest.raises(openint.APIResponseValidationError, match="item 3 of the page is a JSON number"):
        SyncOffsetPagination._build(fake, Connector)
    assert fake.closed  # the native page is freed when its page cannot be built


def test_a_non_json_answer_is_a_decode_error_naming_the_call(scenario):
    scn = scenario(non_json=True)
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0) as c:
        with pytest.raises(openint.APIResponseValidationError) as info:
            c.get_current_user()
        with pytest.raises(openint.APIResponseValidationError):
            c.list_connections()
    e = info.value
    assert e.status_code == 200 and e.method == "GET" and "viewer" in str(e) and "<html" in e.body.lower()


def test_an_error_body_that_is_not_json_is_kept_as_text(scenario):
    scn = scenario(fail={"status": 502, "body": "<h1>bad gateway</h1>"})
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0) as c:
        with pytest.raises(openint.InternalServerError) as info:
            c.health()
    assert info.value.body == "<h1>bad gateway</h1>" and info.value.status_code == 502


# --- logging -----------------------------------------------------------------------------------


def test_core_lines_reach_the_openint_logger(scenario, caplog):
    scn = scenario(fail={"times": 1, "status": 503, "headers": {"retry-after-ms": "1"}})
    secret = scn.org_key
    try:
        openint.set_log_level("debug")
        with caplog.at_level(logging.DEBUG, logger="openint"):
            with openint.Openint(base_url=scn.base_url, token=secret, max_retries=1) as c:
                c.health()
    finally:
        openint.set_log_level(None)
    records = [r for r in caplog.records if r.name == "openint"]
    text = "\n".join(r.getMessage() for r in records)
    levels = {r.levelno for r in records}
    assert logging.WARNING in levels and logging.INFO in levels and logging.DEBUG in levels
    assert "/health" in text and "503" in text
    assert secret not in text


def test_openint_log_env_prints_to_stderr(scenario):
    import subprocess
    import sys
    from pathlib import Path

    scn = scenario()
    code = f"import openint; openint.Openint(base_url={scn.base_url!r}, max_retries=0).health()"
    env = {**__import__("os").environ, "OPENINT_LOG": "info"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=Path(__file__).parents[1])
    assert run.returncode == 0, run.stderr
    assert "openint" in run.stderr and "/health" in run.stderr and "INFO" in run.stderr


@pytest.mark.parametrize("raised", [RuntimeError("handler bug"), KeyboardInterrupt(), SystemExit(3)])
def test_a_raising_logging_handler_neither_prints_nor_is_lost(scenario, capfd, raised):
    # Issue 18 item 14: ctypes prints an exception escaping a callback ("Exception ignored on
    # calling ctypes callback function") and drops it. An error of a handler loses the record
    # and nothing else; Ctrl-C or sys.exit() in a handler is raised by the call as it returns.
    scn = scenario()
    records = []

    class Raising(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)
            raise raised

    handler = Raising()
    logger = logging.getLogger("openint")
    logger.addHandler(handler)
    try:
        openint.set_log_level("info")
        with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0) as c:
            if isinstance(raised, Exception):
                c.health()
            else:
                with pytest.raises(type(raised)):
                    c.health()
            assert records, "the handler got no record"
            logger.removeHandler(handler)
            c.health()  # nothing pending is raised by a later call
    finally:
        logger.removeHandler(handler)
        openint.set_log_level(None)
    err = capfd.readouterr().err
    assert "Exception ignored" not in err and "Traceback" not in err, err


def test_bad_log_level(org):
    with pytest.raises(openint.InvalidArgumentError, match="log level"):
        openint.set_log_level("loud")


def test_a_page_that_does_not_fit_is_kept_unless_strict():
    from openint.pagination import SyncOffsetPagination
    from openint.types import Connector

    page = SyncOffsetPagination._build(_FakePage([{"name": 5, "stage": "x"}, {"name": "ok"}]), Connector)
    assert [c.name for c in page.items] == [5, "ok"] and type(page.items[0]) is Connector
    strict = _FakePage([{"name": 5}])
    with pytest.raises(openint.APIResponseValidationError, match="does not match"):
        SyncOffsetPagination._build(strict, Connector, strict=True)
    assert strict.closed
