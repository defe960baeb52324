"""Each exception class, raised by a real answer of the local server, from Openint and from
AsyncOpenint; and each auth role (organization key, customer key, customer JWT, no token,
a wrong token) seeing what the real server lets it see."""

import asyncio
import json

import pytest

import openint


def run(client, name, *a, **k):
    """Calls a method of either client and returns its result (items for listings)."""
    fn = getattr(client, name)
    if isinstance(client, openint.AsyncOpenint):

        async def go():
            res = fn(*a, **k)
            if isinstance(res, openint.AsyncPaginator):
                return [x async for x in res]
            return await res

        return asyncio.run(go())
    res = fn(*a, **k)
    return list(res) if isinstance(res, openint.SyncOffsetPagination) else res


CLIENTS = [openint.Openint, openint.AsyncOpenint]


# (scenario config, client options, call, expected class, status_code or None)
CASES = [
    ({"status": 400}, {}, ("health",), openint.BadRequestError, 400),
    ({"fail": {"status": 401}}, {}, ("health",), openint.AuthenticationError, 401),
    ({"fail": {"status": 403}}, {}, ("health",), openint.PermissionDeniedError, 403),
    ({}, {}, ("get_connection", "conn_missing"), openint.NotFoundError, 404),
    ({"fail": {"status": 409}}, {}, ("health",), openint.ConflictError, 409),
    ({"fail": {"status": 422}}, {}, ("health",), openint.UnprocessableEntityError, 422),
    ({"fail": {"status": 429}}, {}, ("health",), openint.RateLimitError, 429),
    ({}, {}, ("get_message_template",), openint.InternalServerError, 500),
    ({"fail": {"status": 418}}, {}, ("health",), openint.APIStatusError, 418),
    ({"fail": {"status": "drop"}}, {}, ("health",), openint.APIConnectionError, None),
    ({"latency_ms": 3000}, {"timeout": 0.2}, ("health",), openint.APITimeoutError, None),
    ({"non_json": True}, {}, ("health",), openint.APIResponseValidationError, 200),
    ({}, {"max_body_bytes": 100}, ("connector_status",), openint.BodyTooLargeError, None),
]


@pytest.mark.parametrize("cls", CLIENTS, ids=["sync", "async"])
@pytest.mark.parametrize("config,options,call,error,status", CASES, ids=[c[3].__name__ for c in CASES])
def test_each_error_class(scenario, cls, config, options, call, error, status):
    scn = scenario(seed={"customers": 1}, **config)
    kw = {"customer_id": "cus_1"} if call[0] == "get_message_template" else {}
    with cls(base_url=scn.base_url, token=scn.org_key, max_retries=0, **options) as client:
        with pytest.raises(error) as info:
            run(client, *call, **kw)
    e = info.value
    assert type(e) is error
    if status is not None:
        assert e.status_code == status
    if isinstance(e, openint.APIStatusError):
        # The server's error body, decoded, and its message.
        assert isinstance(e.body, dict) and e.body["message"] == e.message and e.code == e.body["code"]
    if isinstance(e, openint.APIError):
        assert e.method in ("GET", "POST") and e.display and e.method in e.display
        # The core names the URL; an answer only Python refused (a 200 that is not JSON) has none.
        assert (e.url or scn.base_url).startswith(scn.base_url)


def test_invalid_argument_is_also_a_value_error(org):
    with pytest.raises(ValueError):
        org.client().get_connection("")


def test_the_request_id_reaches_errors_pages_and_raw_responses(scenario):
    scn = scenario(seed={"connections": 2}, fail={"status": 404, "headers": {"x-request-id": "req_42"}})
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0) as c:
        with pytest.raises(openint.NotFoundError) as info:
            c.list_connections()
        assert info.value.request_id == "req_42" == info.value.response.headers["x-request-id"]
        assert c.list_connections().request_id is None  # the server sends none itself
    scn = scenario(error_headers={"request-id": "abc"})
    with openint.Openint(base_url=scn.base_url, token=scn.org_key, max_retries=0) as c:
        with pytest.raises(openint.NotFoundError) as info:
            c.with_raw_response.get_connection("conn_missing")
        assert info.value.request_id == "abc"


@pytest.fixture
def roles(org):
    """Clients for every role: org key, a customer's key, that customer's JWT, none, wrong."""
    c = org.client()
    cus = c.upsert_customer(id="cus_role", metadata={})
    cfg = c.create_connector_config(connector_name="acme-apikey", config={})
    own = c.create_connection(
        connector_config_id=cfg.id, customer_id="cus_role", data={"connector_name": "acme-apikey", "settings": {"api_key": "x"}}
    )
    jwt = c.create_token("cus_role").token
    other = next(x for x in c.list_connections() if x.customer_id != "cus_role")
    return {
        "org": c,
        "customer_key": org.client(token=cus.api_key),
        "customer_jwt": org.client(token=jwt),
        "none": org.client(token=""),
        "wrong": org.client(token="key_wrong"),
        "own": own,
        "other": other,
    }


@pytest.mark.parametrize("cls", CLIENTS, ids=["sync", "async"])
def test_each_auth_role(org, roles, cls):
    def as_(role):
        c = roles[role]
        return c if cls is openint.Openint else cls(base_url=org.base_url, token=c.token, max_retries=0)

    own, other = roles["own"], roles["other"]
    assert run(as_("org"), "get_current_user").role == "org"
    for role in ("customer_key", "customer_jwt"):
        viewer = run(as_(role), "get_current_user")
        assert viewer.role == "customer" and viewer.customer_id == "cus_role", role
        # A customer sees its own connections only; another customer's is a 404.
        assert [x.id for x in run(as_(role), "list_connections")] == [own.id]
        assert run(as_(role), "get_connection", own.id).id == own.id
        with pytest.raises(openint.NotFoundError):
            run(as_(role), "get_connection", other.id)
        # Organization-only routes.
        with pytest.raises(openint.PermissionDeniedError, match="Org admin only"):
            run(as_(role), "list_customers")
        # The connector config routes fail inside the server's database for a customer.
        with pytest.raises(openint.InternalServerError, match="permission denied"):
            run(as_(role), "list_connector_configs")
    # Public routes need no token; guarded ones answer 403 without one, 401 to a wrong one.
    assert run(as_("none"), "get_current_user").role == "anon"
    assert run(as_("none"), "health").ok is True
    with pytest.raises(openint.PermissionDeniedError):
        run(as_("none"), "list_connections")
    with pytest.raises(openint.AuthenticationError):
        run(as_("wrong"), "list_connections")
    with pytest.raises(openint.AuthenticationError):
        run(as_("wrong"), "health")
    sent = {r["headers"].get("authorization") for r in org.requests()}
    assert "Bearer key_wrong" in sent and None in sent


def test_errors_never_show_the_token(org):
    secret = "key_cus_S3CR3T_value_123456"
    c = org.client(token=secret)
    with pytest.raises(openint.AuthenticationError) as info:
        c.get_connection("conn_1")
    e = info.value
    for text in (str(e), repr(e), e.display or "", json.dumps(e.body), e.url or ""):
        assert secret not in text
