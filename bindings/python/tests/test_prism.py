"""OpenAPI conformance, judged by Prism (a validating mock of tests/data/openint/openapi.json).

- static mock (`prism mock --errors`): every parameter combination through list_connectors;
  Prism answers 4xx to any request the spec forbids, and logs a violation;
- dynamic mock (`-d`): random pages, often `items: []` with `has_next_page: true`; the
  auto-pager must end anyway;
- a negative control (no token) must be rejected and show up in Prism's log, which proves
  the log check can see a rejection.

Prism comes from $OPENINT_PRISM (the CI script installs it). Without it the tests skip,
except under CI, where they fail.
"""

from __future__ import annotations

import itertools

import pytest

import openint
from prism import Prism, prism_binary

LIMITS = [None, 0, 1, 50, 3000]
OFFSETS = [None, 0, 10]
EXPANDS = [None, [], ["schemas"]]
COMBINATIONS = list(itertools.product(LIMITS, OFFSETS, EXPANDS))
# A walk over random pages that has not ended after this many items never will.
MAX_ITEMS = 10_000


def params(limit, offset, expand) -> dict:
    kw = {"limit": limit, "offset": offset, "expand": expand}
    return {k: v for k, v in kw.items() if v is not None}


@pytest.fixture(scope="module")
def prism(tmp_path_factory):
    binary = prism_binary()
    logs = tmp_path_factory.mktemp("prism")
    # Both load the 1.1 MB spec at once (about 10 s each).
    mocks = {
        "static": Prism(binary, logs / "static.log", "--errors"),
        "dynamic": Prism(binary, logs / "dynamic.log", "--errors", "-d"),
    }
    try:
        for m in mocks.values():
            m.wait_ready()
        yield mocks
    finally:
        for m in mocks.values():
            m.stop()


def client(mock: Prism, **kw) -> openint.Openint:
    # Any token satisfies the spec's bearer scheme; no retries, so a rejection shows at once.
    kw.setdefault("token", "conformance-token")
    return openint.Openint(base_url=mock.base_url, max_retries=0, timeout=30, **kw)


def test_static_mock_accepts_every_parameter_combination(prism):
    mock = prism["static"]
    failures = []
    with client(mock) as c:
        for combo in COMBINATIONS:
            kw = params(*combo)
            try:
                page = c.list_connectors(**kw)
                envelope = page.to_dict()
                assert [x.to_dict() for x in page.items] == envelope["items"], kw
                assert all(isinstance(x, openint.Connector) and x.name for x in page.items), kw
            except openint.OpenintError as e:
                failures.append(f"{kw}: {type(e).__name__}: {e}")
    assert not failures, "\n".join(failures)
    violations = mock.violations()
    assert not violations, "\n".join(violations[:20])


def test_dynamic_mock_random_pages_end(prism):
    mock = prism["dynamic"]
    failures, empty_first = [], 0
    with client(mock) as c:
        for combo in COMBINATIONS:
            kw = params(*combo)
            for _ in range(3):  # every answer of `prism mock -d` is a new random page
                try:
                    page = c.list_connectors(**kw)
                    empty_first += not page.items
                    n = 0
                    for _item in page:
                        n += 1
                        if n > MAX_ITEMS:
                            failures.append(f"{kw}: the walk did not end after {MAX_ITEMS} items")
                            break
                except openint.OpenintError as e:
                    failures.append(f"{kw}: {type(e).__name__}: {e}")
    assert not failures, "\n".join(failures[:20])
    # The case the issue names (`items: []` with `has_next_page: true`) did come up.
    assert empty_first > 0
    violations = mock.violations()
    assert not violations, "\n".join(violations[:20])


def test_negative_control_a_forbidden_request_is_seen(prism):
    # Runs after the two above (file order), so its violation cannot hide one of theirs.
    mock = prism["static"]
    before = len(mock.violations())
    with client(mock, token="") as c, pytest.raises(openint.APIStatusError) as info:
        c.list_connectors(limit=1)
    assert info.value.status_code >= 400
    assert len(mock.violations()) > before, "Prism's log shows no violation for a request without a token"
