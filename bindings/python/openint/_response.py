"""Raw responses (``client.with_raw_response.<method>(...)``), shaped like the official SDK's
``APIResponse``: ``status_code``, ``headers``, ``request_id``, ``retries_taken``, ``text()``,
``json()``, ``parse()``.

The core's OpenintResponse is copied out (status, headers, body) and freed at once, so a
raw response is a plain Python object: no handle to close, safe to keep, copy or pickle.
"""

from __future__ import annotations

import datetime
from ctypes import byref, c_size_t, string_at
from typing import Any, Callable, Dict, Generic, Iterator, List, Mapping, Optional, Tuple, TypeVar

from . import _ffi
from ._models import decode_json

R = TypeVar("R")

_lib = _ffi.lib


class Headers(Mapping[str, str]):
    """Response headers: case-insensitive lookup, arrival order, repeated names kept
    (``get_list``); ``headers["x"]`` is the first value, like ``httpx.Headers.get``."""

    __slots__ = ("_items",)

    def __init__(self, items: List[Tuple[str, str]]) -> None:
        self._items = items

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


def _text(addr: Any) -> str:
    return string_at(addr).decode("utf-8", "replace")


def read_headers(resp: Any) -> Headers:
    name, value = _ffi.CStr(), _ffi.CStr()
    items = []
    for i in range(_lib.openint_response_header_count(resp)):
        if not _lib.openint_response_header_at(resp, i, byref(name), byref(value)):
            break
        items.append((_text(name), _text(value)))
    return Headers(items)


def read_body(resp: Any) -> bytes:
    n = c_size_t()
    addr = _lib.openint_response_body(resp, byref(n))
    return string_at(addr, n.value) if addr else b""


class APIResponse(Generic[R]):
    """The HTTP answer of one call, before (or beside) its decoding into a model.

    - ``status_code``, ``headers`` (case-insensitive), ``request_id`` (``x-request-id`` or
      ``request-id``, None when the server sent none), ``retries_taken``, ``elapsed``,
      ``method`` and ``operation`` (the operationId).
    - ``read()`` the body's bytes, ``text()`` as text, ``json()`` decoded, ``parse()`` the
      model the method returns without ``with_raw_response`` (for a listing: its page).
    """

    def __init__(
        self,
        *,
        status_code: int,
        headers: Headers,
        content: bytes,
        request_id: Optional[str],
        retries_taken: int,
        method: str,
        operation: str,
        elapsed: datetime.timedelta,
        parser: Callable[["APIResponse[R]"], R],
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.request_id = request_id
        self.retries_taken = retries_taken
        self.method = method
        self.operation = operation
        self.elapsed = elapsed
        self._parser = parser
        self._parsed: Any = _UNSET

    @property
    def http_version(self) -> str:
        return "HTTP/1.1"

    @property
    def is_closed(self) -> bool:
        return True  # the body was read whole

    def read(self) -> bytes:
        return self.content

    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return decode_json(self.content, f"the body of {self.operation}")

    def parse(self) -> R:
        """The method's usual result, decoded once and kept."""
        if self._parsed is _UNSET:
            self._parsed = self._parser(self)
        return self._parsed  # type: ignore[no-any-return]

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.method} {self.operation}>"

    def __reduce__(self) -> Any:
        raise TypeError("an APIResponse cannot be pickled: pickle response.json() or response.parse().to_dict()")


# Awaiting the raw response of an AsyncOpenint call gives the same class.
AsyncAPIResponse = APIResponse

_UNSET: Any = object()


def response_fields(resp: Any, with_body: bool = True) -> Dict[str, Any]:
    """Everything a raw response needs from an OpenintResponse (which may be lent by a page)."""
    rid = _lib.openint_response_request_id(resp)
    return {
        "status_code": _lib.openint_response_status(resp),
        "headers": read_headers(resp),
        "content": read_body(resp) if with_body else b"",
        "request_id": None if rid is None else rid.decode("utf-8", "replace"),
        "retries_taken": _lib.openint_response_retries(resp),
    }
