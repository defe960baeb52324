"""Raw and streamed responses (``client.with_raw_response`` / ``with_streaming_response``),
shaped like the official SDK's ``APIResponse``: ``status_code``, ``headers``, ``http_request``,
``url``, ``elapsed``, ``retries_taken``, ``read()``, ``text()``, ``json()``, ``iter_bytes()``,
``iter_lines()``, ``parse()``.

The core reads an answer whole before it returns, so the body is already in memory: a
streamed response is the same object, open until its ``with`` block ends. The core's
OpenintResponse is copied out (status, headers, body) and freed at once.
"""

from __future__ import annotations

import datetime
from ctypes import byref, c_size_t, string_at
from typing import Any, AsyncIterator, Callable, Dict, Generic, Iterator, List, Mapping, Optional, Tuple, TypeVar

from . import _ffi
from ._json import decode_json

R = TypeVar("R")

_lib = _ffi.lib


class Headers(Mapping[str, str]):
    """Headers: case-insensitive lookup, arrival order, repeated names kept (``get_list``);
    ``headers["x"]`` is the first value, like ``httpx.Headers.get``."""

    __slots__ = ("_items",)

    def __init__(self, items: List[Tuple[str, str]]) -> None:
        self._items = [(k.lower(), v) for k, v in items]

    def __getitem__(self, name: str) -> str:
        lower = name.lower()
        for k, v in self._items:
            if k == lower:
                return v
        raise KeyError(name)

    def get_list(self, name: str) -> List[str]:
        lower = name.lower()
        return [v for k, v in self._items if k == lower]

    def raw(self) -> List[Tuple[str, str]]:
        return list(self._items)

    def __iter__(self) -> Iterator[str]:
        seen = set()
        for k, _ in self._items:
            if k not in seen:
                seen.add(k)
                yield k

    def __len__(self) -> int:
        return len({k for k, _ in self._items})

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(k == name.lower() for k, _ in self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


class Request:
    """The request a response answers: ``method`` and ``url`` as the core sent them (after
    same-origin redirects; never with credentials), and ``headers``: those this package set
    (its defaults, yours, the per-call ones; ``Authorization`` shown redacted), to which the
    core adds ``Accept`` and ``Content-Type``."""

    __slots__ = ("method", "url", "headers")

    def __init__(self, method: str, url: str, headers: Headers) -> None:
        self.method = method
        self.url = url
        self.headers = headers

    def __repr__(self) -> str:
        return f"<Request('{self.method}', '{self.url}')>"


class Response:
    """What an error keeps of the answer that caused it (the official ``e.response``):
    ``status_code``, ``headers`` (every header of the error answer), ``text``, ``content``,
    ``json()``, ``request``."""

    def __init__(self, status_code: int, text: str, request: Request, headers: Headers) -> None:
        self.status_code = status_code
        self.text = text
        self.content = text.encode()
        self.request = request
        self.headers = headers

    @property
    def url(self) -> str:
        return self.request.url

    def json(self) -> Any:
        return decode_json(self.content, "the error body")

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


def read_headers(resp: Any) -> Headers:
    return Headers(_ffi._header_list(resp, _lib.openint_response_header_count, _lib.openint_response_header_at))


def read_body(resp: Any) -> bytes:
    n = c_size_t()
    addr = _lib.openint_response_body(resp, byref(n))
    return string_at(addr, n.value) if addr else b""


def response_fields(resp: Any, with_body: bool = True) -> Dict[str, Any]:
    """Everything a raw response needs from an OpenintResponse (which may be lent by a page)."""
    rid = _lib.openint_response_request_id(resp)
    return {
        "status_code": _lib.openint_response_status(resp),
        "headers": read_headers(resp),
        "content": read_body(resp) if with_body else b"",
        "request_id": None if rid is None else rid.decode("utf-8", "replace"),
        "retries_taken": _lib.openint_response_retries(resp),
        # The request as the core sent it.
        "method": (_lib.openint_response_method(resp) or b"").decode(),
        "url": (_lib.openint_response_url(resp) or b"").decode("utf-8", "replace"),
    }


class _BaseResponse(Generic[R]):
    def __init__(
        self,
        *,
        status_code: int,
        headers: Headers,
        content: bytes,
        request_id: Optional[str],
        retries_taken: int,
        request: Request,
        operation: str,
        elapsed: datetime.timedelta,
        parser: Callable[[bytes], R],
        closed: bool = True,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.request_id = request_id
        self.retries_taken = retries_taken
        self.http_request = request
        self.operation = operation
        self.elapsed = elapsed
        self._parser = parser
        self._parsed: Any = _UNSET
        self._closed = closed

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def url(self) -> str:
        return self.http_request.url

    @property
    def http_version(self) -> str:
        return "HTTP/1.1"

    @property
    def is_closed(self) -> bool:
        """True once closed; a raw response is (its body was read whole), a streamed one when
        its ``with`` block ends."""
        return self._closed

    def _parse(self, to: Any) -> Any:
        if to is not None:
            from ._models import validate_json

            return validate_json(to, self.content, f"the answer to {self.operation}")
        if self._parsed is _UNSET:
            self._parsed = self._parser(self.content)
        return self._parsed

    def _lines(self) -> Iterator[str]:
        return iter(self.content.decode("utf-8", "replace").splitlines())

    def _chunks(self, chunk_size: Optional[int]) -> Iterator[bytes]:
        size = chunk_size or len(self.content) or 1
        for i in range(0, len(self.content), size):
            yield self.content[i : i + size]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {self.operation}>"

    def __reduce__(self) -> Any:
        raise TypeError("a raw response cannot be pickled: pickle response.json() or response.parse().to_dict()")


class APIResponse(_BaseResponse[R]):
    """The HTTP answer of one call, before (or beside) its decoding into a model.

    - ``status_code``, ``headers`` (case-insensitive), ``request_id`` (``x-request-id`` or
      ``request-id``), ``retries_taken``, ``elapsed``, ``http_request``, ``method``, ``url``
      and ``operation`` (the operationId).
    - ``read()`` the body's bytes, ``text()``, ``json()``, ``iter_bytes()``, ``iter_lines()``;
      ``parse()`` the model the method returns without ``with_raw_response`` (for a listing,
      its first page); ``parse(to=Model)`` another model.
    """

    def read(self) -> bytes:
        return self.content

    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return decode_json(self.content, f"the body of {self.operation}")

    def parse(self, *, to: Any = None) -> R:
        """The method's usual result, decoded once and kept."""
        return self._parse(to)  # type: ignore[no-any-return]

    def iter_bytes(self, chunk_size: Optional[int] = None) -> Iterator[bytes]:
        return self._chunks(chunk_size)

    def iter_text(self, chunk_size: Optional[int] = None) -> Iterator[str]:
        return (c.decode("utf-8", "replace") for c in self._chunks(chunk_size))

    def iter_lines(self) -> Iterator[str]:
        return self._lines()

    def close(self) -> None:
        self._closed = True


class AsyncAPIResponse(_BaseResponse[R]):
    """:class:`APIResponse` of an :class:`AsyncOpenint`: the same, with awaitable readers."""

    async def read(self) -> bytes:
        return self.content

    async def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    async def json(self) -> Any:
        return decode_json(self.content, f"the body of {self.operation}")

    async def parse(self, *, to: Any = None) -> R:
        return self._parse(to)  # type: ignore[no-any-return]

    async def iter_bytes(self, chunk_size: Optional[int] = None) -> AsyncIterator[bytes]:
        for chunk in self._chunks(chunk_size):
            yield chunk

    async def iter_text(self, chunk_size: Optional[int] = None) -> AsyncIterator[str]:
        for chunk in self._chunks(chunk_size):
            yield chunk.decode("utf-8", "replace")

    async def iter_lines(self) -> AsyncIterator[str]:
        for line in self._lines():
            yield line

    async def close(self) -> None:
        self._closed = True


class ResponseContextManager(Generic[R]):
    """``with client.with_streaming_response.<method>(...) as response``: the request is made
    on entering; the response is open inside the block and closed after it."""

    def __init__(self, make: Callable[[], "APIResponse[R]"]) -> None:
        self._make = make
        self._response: Optional[APIResponse[R]] = None

    def __enter__(self) -> "APIResponse[R]":
        response = self._make()
        self._response = response
        return response

    def __exit__(self, *exc: object) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[R]):
    """``async with client.with_streaming_response.<method>(...) as response``."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._response: Optional[AsyncAPIResponse[R]] = None

    async def __aenter__(self) -> "AsyncAPIResponse[R]":
        response: AsyncAPIResponse[R] = await self._make()
        self._response = response
        return response

    async def __aexit__(self, *exc: object) -> None:
        if self._response is not None:
            await self._response.close()


_UNSET: Any = object()
