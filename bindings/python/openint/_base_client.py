"""The official SDK's httpx client names, so code that imports them keeps importing.

This package does its HTTP in the Rust core, not through httpx (which it does not need), so
it cannot use an httpx client. ``DefaultHttpxClient()``, ``DefaultAsyncHttpxClient()`` and
``DefaultAioHttpClient()`` made without arguments ask for nothing beyond the default
transport, which the core is: passing one as ``http_client`` is accepted. Any other client,
or one of these made with arguments (a proxy, TLS settings, timeouts, limits), is refused
with an error naming the options of this package that do the same.
"""

from __future__ import annotations

from typing import Any, Dict

from ._exceptions import InvalidArgumentError

__all__ = ["DefaultHttpxClient", "DefaultAsyncHttpxClient", "DefaultAioHttpClient", "check_http_client"]

HOW = (
    "openint makes its requests in its Rust core and cannot use an httpx client; its own "
    "options do the same: proxy=URL (or False), tls_ca_file=/tls_ca_pem=/tls_roots= for the "
    "server's certificate, tls_client_cert_file=/tls_client_key_file= (or _pem) for mutual TLS, "
    "timeout= (per attempt), connect_timeout=, total_timeout=, max_retries=, default_headers="
)


class _DefaultClient:
    """A stand-in for the official default client: remembers its arguments, makes no
    connection of its own."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs: Dict[str, Any] = kwargs

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass

    def __enter__(self) -> "_DefaultClient":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    async def __aenter__(self) -> "_DefaultClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(sorted(self.kwargs))})"


class DefaultHttpxClient(_DefaultClient):
    """The official name of the default sync client (see the module doc)."""


class DefaultAsyncHttpxClient(_DefaultClient):
    """The official name of the default async client (see the module doc)."""


class DefaultAioHttpClient(_DefaultClient):
    """The official name of the aiohttp-based async client (see the module doc)."""


def check_http_client(http_client: Any) -> None:
    """Accepts None and a default client made without arguments; refuses anything else."""
    if http_client is None:
        return
    if isinstance(http_client, _DefaultClient) and not http_client.kwargs:
        return
    what = type(http_client).__name__
    given = f" with {', '.join(sorted(http_client.kwargs))}" if isinstance(http_client, _DefaultClient) else ""
    raise InvalidArgumentError(f'options: "http_client" ({what}{given}) is not supported: {HOW}')
