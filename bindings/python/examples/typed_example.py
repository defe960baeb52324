"""A typed program against the package: `mypy --strict` checks it (tests/test_typing.py), so
the package's hints are complete enough for strict users. It also runs: set OPENINT_API_KEY
and OPENINT_BASE_URL, then `python examples/typed_example.py`."""

from __future__ import annotations

import asyncio
from typing import List, Optional

import openint
from openint import AsyncOpenint, Openint
from openint.pagination import SyncOffsetPagination
from openint.types import Connection, Connector, CreateTokenResponse, Event, Viewer


def connector_names(client: Openint) -> List[str]:
    names: List[str] = []
    for connector in client.list_connectors(limit=100):
        c: Connector = connector
        names.append(c.name)
    return names


def customer_connections(client: Openint, customer_id: str) -> List[Connection]:
    page: SyncOffsetPagination[Connection] = client.list_connections(customer_id=customer_id, prefetch=2)
    return list(page)


def token_for(client: Openint, customer_id: str) -> str:
    answer: CreateTokenResponse = client.create_token(customer_id, validity_in_seconds=3600)
    return answer.token


def status_of(client: Openint, connection_id: str) -> Optional[str]:
    try:
        return client.check_connection(connection_id, timeout=10).status
    except openint.NotFoundError as e:
        print(e.status_code, e.request_id, e.body)
        return None


def raw_request_id(client: Openint) -> Optional[str]:
    raw = client.with_raw_response.get_current_user()
    viewer: Viewer = raw.parse()
    print(viewer.role, raw.status_code, raw.retries_taken)
    return raw.request_id


async def recent_events(client: AsyncOpenint) -> List[str]:
    viewer: Viewer = await client.get_current_user()
    first = await client.list_events(limit=10)
    names = [e.name for e in first.items]
    async for event in client.list_events(limit=10, max_retries=1):
        e2: Event = event
        names.append(e2.name)
    print(viewer.role, len(names))
    return names


def main() -> None:
    with Openint() as client:
        print(len(connector_names(client)), raw_request_id(client))
    asyncio.run(_amain())


async def _amain() -> None:
    async with AsyncOpenint() as client:
        await recent_events(client)


if __name__ == "__main__":
    main()
