"""The official SDK's names and signatures, so code written for `openint` 2.9.0 that lists
connectors runs unchanged."""

import inspect
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openint


def test_official_names_are_exported():
    names = """Openint Client OpenintError APIError APIStatusError APIConnectionError APITimeoutError
    APIResponseValidationError BadRequestError AuthenticationError PermissionDeniedError
    NotFoundError ConflictError UnprocessableEntityError RateLimitError InternalServerError
    BaseModel""".split()
    for name in names:
        assert name in openint.__all__ and hasattr(openint, name), name
    assert openint.Client is openint.Openint
    from openint.pagination import SyncOffsetPagination
    from openint.types import Connector, Integration, ListConnectorsResponse

    assert SyncOffsetPagination is openint.SyncOffsetPagination
    assert ListConnectorsResponse is Connector is openint.Connector and Integration is openint.Integration


def test_client_signature():
    params = inspect.signature(openint.Openint).parameters
    official = [
        ("token", None),
        ("base_url", None),
        ("timeout", openint.NOT_GIVEN),
        ("max_retries", 2),
        ("default_headers", None),
    ]
    assert [(n, params[n].default) for n, _ in official] == official
    assert list(params)[: len(official)] == [n for n, _ in official]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())


def test_list_connectors_signature():
    params = inspect.signature(openint.Openint.list_connectors).parameters
    assert {"limit", "offset", "expand", "timeout"} <= set(params)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for n, p in params.items() if n != "self")


def test_code_written_for_the_official_sdk_runs_unchanged(server, scenario, monkeypatch):
    # The official README's listing, pagination and error-handling examples, verbatim but
    # for the base URL and token coming from the environment.
    scn = scenario(count=120, token="tok")
    monkeypatch.setenv("OPENINT_BASE_URL", scn.base_url)
    monkeypatch.setenv("OPENINT_API_KEY", "tok")
    code = textwrap.dedent(
        """
        import os
        import openint
        from openint import Openint

        client = Openint(token=os.environ.get("OPENINT_API_KEY"))

        all_connectors = []
        for connector in client.list_connectors():
            all_connectors.append(connector)

        first_page = client.list_connectors()
        if first_page.has_next_page():
            print(f"will fetch next page using these details: {first_page.offset}")
            next_page = first_page.get_next_page()
            print(f"number of items we just fetched: {len(next_page.items)}")

        for page in first_page.iter_pages():
            for connector in page.items:
                pass

        try:
            Openint(token="wrong").list_connectors()
        except openint.APIConnectionError as e:
            raise
        except openint.RateLimitError as e:
            raise
        except openint.APIStatusError as e:
            status = e.status_code

        with Openint() as closing:
            closing.list_connectors(limit=1)
        """
    )
    ns: dict = {}
    exec(code, ns)
    assert [x.to_dict() for x in ns["all_connectors"]] == server.registry(120)
    assert len(ns["next_page"].items) == 50 and ns["status"] == 401
    ns["client"].close()


def test_import_and_a_client_load_neither_pydantic_nor_httpx():
    # The models load on the first answer: `import openint` + a client stays fast (issue 17).
    code = (
        "import sys, openint; c = openint.Openint(token='t', base_url='http://127.0.0.1:9/v1'); "
        "print(sorted(m for m in ('pydantic', 'httpx', 'openint.types') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
