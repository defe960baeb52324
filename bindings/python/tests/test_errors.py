"""Failures from the real local server become the official SDK's exceptions, with the server's
fields, after the retries the core's policy makes, and never with the token in them."""

import json
import time

import pytest

import openint
from openint import Status

# Retries wait this long (the server's `retry-after-ms`) so retry tests stay fast.
FAST_RETRY = {"retry-after-ms": "10"}


def test_the_official_hierarchy():
    parents = {
        openint.APIError: openint.OpenintError,
        openint.APIStatusError: openint.APIError,
        openint.APIConnectionError: openint.APIError,
        openint.APITimeoutError: openint.APIConnectionError,
        openint.BadRequestError: openint.APIStatusError,
        openint.AuthenticationError: openint.APIStatusError,
        openint.PermissionDeniedError: openint.APIStatusError,
        openint.NotFoundError: openint.APIStatusError,
        openint.ConflictError: openint.APIStatusError,
        openint.UnprocessableEntityError: openint.APIStatusError,
        openint.RateLimitError: openint.APIStatusError,
        openint.InternalServerError: openint.APIStatusError,
    }
    for cls, parent in parents.items():
        assert cls.__bases__[0] is parent, cls
    assert issubclass(openint.OpenintError, Exception)
    assert issubclass(openint.InvalidArgumentError, openint.OpenintError)
    assert issubclass(openint.InvalidArgumentError, ValueError)
    assert issubclass(openint.APITimeoutError, TimeoutError)


@pytest.mark.parametrize(
    "http,cls,code",
    [
        (400, openint.BadRequestError, "BAD_REQUEST"),
        (401, openint.AuthenticationError, "UNAUTHORIZED"),
        (403, openint.PermissionDeniedError, "FORBIDDEN"),
        (404, openint.NotFoundError, "NOT_FOUND"),
        (409, openint.ConflictError, "CONFLICT"),
        (422, openint.UnprocessableEntityError, "UNPROCESSABLE_CONTENT"),
        (429, openint.RateLimitError, "TOO_MANY_REQUESTS"),
        (500, openint.InternalServerError, "INTERNAL_SERVER_ERROR"),
        (502, openint.InternalServerError, "BAD_GATEWAY"),
        (503, openint.InternalServerError, "SERVICE_UNAVAILABLE"),
        (504, openint.InternalServerError, "GATEWAY_TIMEOUT"),
        (410, openint.APIStatusError, "GONE"),
    ],
)
def test_each_status_maps_to_its_exception_with_the_servers_fields(scenario, client_for, http, cls, code):
    scn = scenario(status=http, error_headers={"x-request-id": "req_42"})
    with pytest.raises(cls) as info:
        client_for(scn).list_connectors(limit=5)
    e = info.value
    assert type(e) is cls and isinstance(e, openint.APIError)
    assert e.kind == cls.kind
    assert e.status_code == http and e.code == code and e.request_id == "req_42"
    # `body` is the decoded JSON, as in the official SDK.
    assert isinstance(e.body, dict) and e.body["code"] == code
    assert e.message == e.body["message"]
    assert str(e).startswith(f"HTTP {http} {code}: {e.message}") and "req_42" in str(e)
    assert e.retries == 0 and len(scn.requests()) == 1


def test_request_id_header_spelled_request_id(scenario, client_for):
    scn = scenario(status=404, error_headers={"request-id": "abc"})
    with pytest.raises(openint.NotFoundError) as info:
        client_for(scn).list_connectors()
    assert info.value.request_id == "abc"


def test_the_servers_validation_error_body(scenario, client_for):
    body = '{"message":"Input validation failed","code":"BAD_REQUEST","issues":[{"path":["limit"]}]}'
    scn = scenario(fail={"status": 400, "body": body})
    with pytest.raises(openint.BadRequestError) as info:
        client_for(scn).list_connectors()
    assert info.value.message == "Input validation failed"
    assert info.value.body["issues"][0]["path"] == ["limit"]


def test_unknown_route_is_not_found_with_the_servers_message(scenario, client_for):
    scn = scenario()
    with pytest.raises(openint.NotFoundError, match="No procedure found"):
        openint.Openint(base_url=scn.base_url + "/nope", max_retries=0).list_connectors()


def test_non_json_error_body_gets_a_reason_phrase(scenario, client_for):
    scn = scenario(fail={"status": 502, "body": "<html>bad gateway</html>"})
    with pytest.raises(openint.InternalServerError) as info:
        client_for(scn).list_connectors()
    e = info.value
    assert e.status_code == 502 and e.code is None
    assert e.message == "HTTP 502 Bad Gateway" and e.body == "<html>bad gateway</html>"


class TestRetries:
    def test_retryable_statuses_are_retried_then_succeed(self, server, scenario, client_for):
        scn = scenario(fail={"times": 2, "status": 503, "headers": FAST_RETRY})
        assert [x.to_dict() for x in client_for(scn, max_retries=2).list_connectors(limit=100)] == server.registry(171)
        # Two failures, the retried first page, then the second page.
        assert len(scn.requests()) == 4

    def test_gives_up_and_says_how_many(self, scenario, client_for):
        scn = scenario(status=429, error_headers=FAST_RETRY)
        with pytest.raises(openint.RateLimitError) as info:
            client_for(scn, max_retries=3).list_connectors()
        assert info.value.retries == 3 and "after 3 retries" in str(info.value)
        assert len(scn.requests()) == 4

    def test_the_default_is_two_retries(self, scenario):
        scn = scenario(status=500, error_headers=FAST_RETRY)
        with openint.Openint(base_url=scn.base_url) as c, pytest.raises(openint.InternalServerError) as info:
            c.list_connectors()
        assert info.value.retries == 2 and len(scn.requests()) == 3

    @pytest.mark.parametrize(
        "status,headers,requests",
        [
            (408, {}, 2),
            (409, {}, 2),
            (429, {}, 2),
            (500, {}, 2),
            (504, {}, 2),
            (404, {}, 1),
            (422, {}, 1),
            (503, {"x-should-retry": "false"}, 1),
            (400, {"x-should-retry": "true"}, 2),
        ],
    )
    def test_which_statuses_are_retried(self, scenario, client_for, status, headers, requests):
        scn = scenario(fail={"times": 1, "status": status, "headers": {**headers, "retry-after-ms": "1"}})
        try:
            client_for(scn, max_retries=1).list_connectors(limit=5)
        except openint.APIStatusError:
            pass
        assert len(scn.requests()) == requests

    def test_retry_after_seconds_is_honoured(self, scenario, client_for):
        scn = scenario(fail={"times": 1, "status": 429, "headers": {"Retry-After": "1"}})
        t = time.monotonic()
        assert len(client_for(scn, max_retries=1).list_connectors(limit=5).items) == 5
        assert time.monotonic() - t >= 0.95

    def test_retry_after_ms_wins_over_retry_after(self, scenario, client_for):
        scn = scenario(fail={"times": 1, "status": 429, "headers": {"Retry-After": "30", "retry-after-ms": "20"}})
        t = time.monotonic()
        assert len(client_for(scn, max_retries=1).list_connectors(limit=5).items) == 5
        assert time.monotonic() - t < 5

    def test_backs_off_without_retry_after(self, scenario, client_for):
        # Two retries wait 0.5 s and 1 s, each with up to 25% jitter off: 1.125 s at least.
        scn = scenario(fail={"times": 2, "status": 500})
        t = time.monotonic()
        client_for(scn, max_retries=2).list_connectors(limit=5)
        assert 1.125 <= time.monotonic() - t < 4

    def test_dropped_connection_is_retried(self, server, scenario, client_for):
        scn = scenario(fail={"times": 1, "status": "drop"})
        assert [x.to_dict() for x in client_for(scn, max_retries=1).list_connectors(limit=5).items] == server.registry(171)[:5]
        assert len(scn.requests()) == 2

    def test_total_timeout_stops_retrying(self, scenario, client_for):
        scn = scenario(status=503, error_headers={"retry-after-ms": "200"})
        with pytest.raises(openint.InternalServerError) as info:
            client_for(scn, max_retries=50, total_timeout=0.5).list_connectors()
        # Far fewer than 50 retries fit in 0.5 s of 0.2 s waits.
        assert 1 <= info.value.retries <= 3


class TestBrokenAnswers:
    def test_dropped_connection(self, scenario, client_for):
        scn = scenario(fail={"times": 5, "status": "drop"})
        with pytest.raises(openint.APIConnectionError) as info:
            client_for(scn).list_connectors()
        assert type(info.value) is openint.APIConnectionError and info.value.body is None

    def test_refused_connection(self):
        with openint.Openint(base_url="http://127.0.0.1:9/v1", max_retries=0) as c:
            with pytest.raises(openint.APIConnectionError, match="(?i)refused"):
                c.list_connectors()

    def test_cut_off_body_is_a_connection_error_and_retried(self, scenario, client_for):
        scn = scenario(truncate=True)
        with pytest.raises(openint.APIConnectionError, match="before the whole response arrived"):
            client_for(scn, max_retries=1).list_connectors()
        assert len(scn.requests()) == 2

    def test_html_instead_of_json(self, scenario, client_for):
        scn = scenario(non_json=True)
        with pytest.raises(openint.APIResponseValidationError, match="expected a JSON page") as info:
            client_for(scn, max_retries=2).list_connectors()
        assert isinstance(info.value, openint.APIError) and len(scn.requests()) == 1

    def test_body_larger_than_max_body_bytes(self, scenario, client_for):
        c = client_for(scenario(), max_body_bytes=10_000)
        with pytest.raises(openint.BodyTooLargeError, match="10000"):
            c.list_connectors(limit=100)
        assert len(c.list_connectors(limit=2).items) == 2

    def test_gzip_answers_are_decoded(self, server, scenario, client_for):
        scn = scenario(gzip=True)
        assert [x.to_dict() for x in client_for(scn).list_connectors(limit=100)] == server.registry(171)
        assert "gzip" in scn.requests()[0]["headers"].get("accept-encoding", "")


class TestTimeouts:
    def test_per_attempt_timeout(self, scenario, client_for):
        scn = scenario(latency_ms=3000)
        t = time.monotonic()
        with pytest.raises(openint.APITimeoutError) as info:
            client_for(scn, timeout=0.2).list_connectors()
        assert isinstance(info.value, TimeoutError) and time.monotonic() - t < 2

    def test_per_call_timeout(self, scenario, client_for):
        scn = scenario(latency_ms=3000)
        with pytest.raises(openint.APITimeoutError):
            client_for(scn, max_retries=5).list_connectors(timeout=0.3)


class TestToken:
    SECRET = "sk_test_S3CR3T_token_value"

    def test_bearer_token_and_headers_are_sent(self, scenario, client_for):
        scn = scenario(token=self.SECRET)
        assert len(client_for(scn, token=self.SECRET, default_headers={"X-Trace": "abc"}).list_connectors(limit=1).items) == 1
        headers = scn.requests()[0]["headers"]
        assert headers["authorization"] == f"Bearer {self.SECRET}"
        assert headers["x-trace"] == "abc"
        ua = headers["user-agent"]
        # Ours first; the core appends its own product token (include/openint.h).
        assert ua.startswith(f"openint-python/{openint.__version__} python/")
        assert ua.count(f"openint-rust/{openint.library_version()}") == 1

    def test_a_callers_user_agent_wins(self, scenario, client_for):
        scn = scenario()
        client_for(scn, default_headers={"user-AGENT": "myapp/1"}).list_connectors(limit=1)
        # The caller's User-Agent replaces this package's; the core still names itself after it.
        ua = scn.requests()[0]["headers"]["user-agent"]
        assert ua.startswith("myapp/1") and "openint-python" not in ua

    def test_missing_token_is_permission_denied(self, scenario, client_for):
        scn = scenario(token=self.SECRET)
        with pytest.raises(openint.PermissionDeniedError):
            client_for(scn).list_connectors()
        assert "authorization" not in scn.requests()[0]["headers"]

    def test_token_and_base_url_from_the_environment(self, scenario, monkeypatch):
        scn = scenario(token=self.SECRET)
        monkeypatch.setenv("OPENINT_API_KEY", self.SECRET)
        monkeypatch.setenv("OPENINT_BASE_URL", scn.base_url)
        with openint.Openint(max_retries=0) as c:
            assert len(c.list_connectors(limit=1).items) == 1
        # An explicit empty token means none, whatever the environment says.
        with openint.Openint(token="", max_retries=0) as c, pytest.raises(openint.PermissionDeniedError):
            c.list_connectors()
        assert [r["headers"].get("authorization") for r in scn.requests()] == [f"Bearer {self.SECRET}", None]

    def test_wrong_token_error_never_shows_the_token(self, scenario, client_for):
        scn = scenario(token="the-right-one")
        c = client_for(scn, token=self.SECRET)
        with pytest.raises(openint.AuthenticationError) as info:
            c.list_connectors()
        assert_no_secret(info.value, self.SECRET)
        assert self.SECRET not in repr(c) and self.SECRET not in str(vars(c))

    def test_a_body_echoing_the_token_is_redacted(self, scenario, client_for):
        body = json.dumps({"message": f"bad key {self.SECRET}", "code": f"X{self.SECRET}"})
        scn = scenario(fail={"status": 401, "body": body})
        with pytest.raises(openint.AuthenticationError) as info:
            client_for(scn, token=self.SECRET).list_connectors()
        assert_no_secret(info.value, self.SECRET)
        assert "[REDACTED]" in info.value.message

    def test_invalid_token_error_does_not_echo_it(self):
        with pytest.raises(openint.InvalidArgumentError, match="token") as info:
            openint.Openint(token="has\x01control" + self.SECRET)
        assert_no_secret(info.value, self.SECRET)

    def test_cross_origin_redirect_is_refused_without_sending_the_token(self, scenario, client_for):
        scn = scenario(token=self.SECRET, redirect="other_origin")
        with pytest.raises(openint.APIStatusError) as info:
            client_for(scn, token=self.SECRET).list_connectors()
        assert type(info.value) is openint.APIStatusError
        assert info.value.status_code == 302 and "another origin" in info.value.message
        assert_no_secret(info.value, self.SECRET)
        # Nothing reached the other origin.
        assert [r["port"] for r in scn.requests()] == ["main"]

    def test_same_origin_redirect_is_followed_with_the_token(self, server, scenario, client_for):
        scn = scenario(token=self.SECRET, redirect="same_origin")
        page = client_for(scn, token=self.SECRET).list_connectors(limit=3)
        assert [x.to_dict() for x in page.items] == server.registry(171)[:3]
        reqs = scn.requests()
        assert len(reqs) == 2 and "_redirected=1" in reqs[1]["query"]
        assert reqs[1]["headers"]["authorization"] == f"Bearer {self.SECRET}"


def assert_no_secret(e: openint.OpenintError, secret: str) -> None:
    texts = [str(e), repr(e), e.message, *map(str, e.args)]
    if isinstance(e, openint.APIError):
        texts += [e.code, json.dumps(e.body), e.request_id]
    for text in texts:
        assert text is None or secret not in text, text


def test_error_defaults():
    e = openint.OpenintError("x")
    assert (e.message, e.retries, e.kind, str(e)) == ("x", 0, Status.INTERNAL, "x")
