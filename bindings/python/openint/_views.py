"""``client.with_raw_response`` and ``client.with_streaming_response``: every operation
method, run with ``_request``/``_list`` answering a raw response instead of a model.

The generated methods call ``self._options(...)``, ``self._request(...)`` and
``self._list(...)``; a view runs the client's own method with itself as ``self``, so one
generated method serves the model, the raw and the streamed flavour.
"""

from __future__ import annotations

import datetime
import functools
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple

from . import _call, _ffi
from ._methods import ALIASES, OPERATIONS
from ._response import (
    APIResponse,
    AsyncAPIResponse,
    AsyncResponseContextManager,
    ResponseContextManager,
    response_fields,
)

_lib = _ffi.lib

if TYPE_CHECKING:  # the generated signatures, with raw returns (see _methods.py)
    from ._methods import RawAsyncMethods, RawSyncMethods, StreamedAsyncMethods, StreamedSyncMethods
else:
    RawSyncMethods = RawAsyncMethods = StreamedSyncMethods = StreamedAsyncMethods = object

# What a view's `_options` hands to its `_request`/`_list`: the core's options and what the
# request description needs.
_Opts = Tuple[Optional[bytes], Any, Any]


class _View:
    __slots__ = ("_client",)
    _async = False
    _stream = False

    def __init__(self, client: Any) -> None:
        self._client = client

    def _options(
        self, timeout: Any, max_retries: Any, extra_headers: Any, extra_query: Any, extra_body: Any, prefetch: Any = None
    ) -> _Opts:
        encoded = self._client._options(timeout, max_retries, extra_headers, extra_query, extra_body, prefetch)
        return encoded, extra_headers, extra_query

    def _method(self, name: str) -> Callable[..., Any]:
        if name not in OPERATIONS.values() and name not in ALIASES:
            raise AttributeError(f"{type(self).__name__} has no method {name!r}: it offers the operation methods")
        return functools.partial(getattr(type(self._client), name), self)

    def _response(self, cls: Any, op: str, opts: _Opts, fields: Dict[str, Any], parser: Any, start: float) -> Any:
        method, url = fields.pop("method"), fields.pop("url")
        return cls(
            **fields,
            request=self._client._request_of(method, url, opts[1]),
            operation=op,
            elapsed=datetime.timedelta(seconds=time.monotonic() - start),
            parser=parser,
            closed=not self._stream,
        )

    def _from_call(self, cls: Any, op: str, model: str, params: Dict[str, Any], opts: _Opts, resp: Any, start: float) -> Any:
        try:
            fields = response_fields(resp)
        finally:
            _lib.openint_response_free(resp)
        client = self._client
        return self._response(cls, op, opts, fields, lambda body: client._parse_body(op, model, body), start)

    def _from_page(self, cls: Any, op: str, params: Dict[str, Any], opts: _Opts, page: Any, start: float) -> Any:
        fields = page._native().response_fields()
        fields["content"] = page._json_bytes()
        return self._response(cls, op, opts, fields, lambda _body: page, start)


class _SyncRaw(_View):
    __slots__ = ()

    def _request(self, op: str, model: str, params: Dict[str, Any], opts: _Opts) -> Any:
        start = time.monotonic()
        resp = self._client._call_with(op, params, opts[0], None)
        return self._from_call(APIResponse, op, model, params, opts, resp, start)

    def _list(self, op: str, model: str, params: Dict[str, Any], opts: _Opts) -> Any:
        from ._models import model_class
        from .pagination import SyncOffsetPagination

        start = time.monotonic()
        handle = self._client._list_with(op, params, opts[0], None)
        page: Any = SyncOffsetPagination._build(handle, model_class(model), self._client._strict_response_validation)
        return self._from_page(APIResponse, op, params, opts, page, start)


class OpenintWithRawResponse(_SyncRaw, RawSyncMethods):
    """``client.with_raw_response``: every operation method, answering an :class:`APIResponse`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return self._method(name)


class OpenintWithStreamedResponse(_SyncRaw, StreamedSyncMethods):
    """``client.with_streaming_response``: every operation method, answering a context
    manager whose response is open inside the ``with`` block."""

    __slots__ = ()
    _stream = True

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = self._method(name)
        return lambda *args, **kwargs: ResponseContextManager(lambda: method(*args, **kwargs))


class _AsyncRaw(_View):
    __slots__ = ()
    _async = True

    async def _request(self, op: str, model: str, params: Dict[str, Any], opts: _Opts) -> Any:
        client = self._client
        start = time.monotonic()
        resp = await _call.run_async(lambda cancel: client._call_with(op, params, opts[0], cancel))
        return self._from_call(AsyncAPIResponse, op, model, params, opts, resp, start)

    async def _list(self, op: str, model: str, params: Dict[str, Any], opts: _Opts) -> Any:
        from ._models import model_class
        from .pagination import AsyncOffsetPagination

        client = self._client
        item = model_class(model)
        start = time.monotonic()
        page: Any = await _call.run_async(
            lambda cancel: AsyncOffsetPagination._build(
                client._list_with(op, params, opts[0], cancel), item, client._strict_response_validation
            )
        )
        return self._from_page(AsyncAPIResponse, op, params, opts, page, start)


class AsyncOpenintWithRawResponse(_AsyncRaw, RawAsyncMethods):
    """``client.with_raw_response`` of an :class:`AsyncOpenint`: awaitables of
    :class:`AsyncAPIResponse`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return self._method(name)


class AsyncOpenintWithStreamedResponse(_AsyncRaw, StreamedAsyncMethods):
    """``client.with_streaming_response`` of an :class:`AsyncOpenint`: every operation
    method, answering an async context manager."""

    __slots__ = ()
    _stream = True

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = self._method(name)
        return lambda *args, **kwargs: AsyncResponseContextManager(lambda: method(*args, **kwargs))

