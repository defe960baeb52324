"""The clients, ``Openint`` and ``AsyncOpenint``, with the official SDK's names and signatures.

HTTP, retries, timeouts, validation and the end of a listing all live in the Rust core; this
module turns arguments into the ABI's JSON text and results into models, pages and
exceptions. The operation methods themselves are generated (``_methods.py``).
"""

from __future__ import annotations

import datetime
import functools
import time
from ctypes import byref
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional

from . import _call, _ffi, _logging
from ._exceptions import APIResponseValidationError
from ._handle import Handle
from ._methods import ALIASES, NULLABLE, OPERATIONS, AsyncMethods, SyncMethods
from ._models import decode_json, expect_object
from ._params import Seconds, call_options, encode_params, json_arg, user_agent, with_user_agent
from ._response import APIResponse, read_body, response_fields
from ._types import NOT_GIVEN, NotGiven
from .pagination import AsyncOffsetPagination, AsyncPaginator, SyncOffsetPagination

_lib = _ffi.lib
_OK = 0
_NOT_COPYABLE = "{} owns a native handle and cannot be pickled; make a new one in the other process"


class _Options(dict):  # type: ignore[type-arg]
    """The constructor's arguments; its repr never shows them (the token is among them)."""

    def __repr__(self) -> str:
        return "<client options>"


class _BaseClient(Handle):
    """Options and the native client, shared by the sync and the async client."""

    _free_fn = _lib.openint_client_free
    _what = "client"

    def __init__(
        self,
        *,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[Seconds] = 60.0,
        max_retries: int = 2,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        connect_timeout: Optional[Seconds] = None,
        total_timeout: Optional[Seconds] = None,
        max_body_bytes: Optional[int] = None,
        prefetch: Optional[int] = None,
        proxy: Any = None,
        tls_ca_file: Optional[str] = None,
        tls_ca_pem: Optional[str] = None,
        tls_roots: Optional[str] = None,
        tls_client_cert_file: Optional[str] = None,
        tls_client_cert_pem: Optional[str] = None,
        tls_client_key_file: Optional[str] = None,
        tls_client_key_pem: Optional[str] = None,
    ) -> None:
        # What copy()/with_options() start from (kept out of repr: it holds the token).
        self._init_args = _Options({k: v for k, v in locals().items() if k not in ("self", "__class__")})
        self._ptr = None  # so that __del__ is safe when validation below raises
        from . import __version__

        if isinstance(timeout, NotGiven):
            timeout = 60.0
        agent = user_agent(__version__, _ffi.lib.openint_version().decode())
        headers = with_user_agent(default_headers, agent)
        from ._types import Omit

        for name, value in list(headers.items()):
            if isinstance(value, Omit):
                del headers[name]
        if default_query is not None and not isinstance(default_query, Mapping):
            from ._exceptions import InvalidArgumentError

            raise InvalidArgumentError(
                f'options: "default_query" must be a mapping, got {type(default_query).__name__}'
            )
        options = json_arg(
            "options",
            {
                "token": token,
                "base_url": base_url,
                "timeout": timeout,
                "connect_timeout": connect_timeout,
                "total_timeout": total_timeout,
                "max_retries": max_retries,
                "max_body_bytes": max_body_bytes,
                "default_headers": headers,
                "prefetch": prefetch,
                "proxy": proxy,
                "tls_ca_file": tls_ca_file,
                "tls_ca_pem": tls_ca_pem,
                "tls_roots": tls_roots,
                "tls_client_cert_file": tls_client_cert_file,
                "tls_client_cert_pem": tls_client_cert_pem,
                "tls_client_key_file": tls_client_key_file,
                "tls_client_key_pem": tls_client_key_pem,
            },
            ("timeout", "connect_timeout", "total_timeout"),
        )
        _logging.sync_level()
        ptr = _ffi.ClientP()
        err = _ffi.ErrorP()
        status = _lib.openint_client_new(options, byref(ptr), byref(err))
        if status != _OK:
            raise _ffi.take_error(status, err)
        super().__init__(ptr)
        self.max_retries = max_retries
        self.timeout = timeout
        self._default_query = dict(default_query) if default_query else None

    def __repr__(self) -> str:
        # Deliberately shows no option: the token must never reach a log.
        return f"<openint.{type(self).__name__}{' closed' if self.closed else ''}>"

    def is_closed(self) -> bool:
        return self.closed

    @property
    def token(self) -> Optional[str]:
        """The token given to the constructor (None: the core read ``OPENINT_API_KEY``)."""
        token: Optional[str] = self._init_args.get("token")
        return token

    @property
    def base_url(self) -> Optional[str]:
        """The base URL given to the constructor (None: ``OPENINT_BASE_URL`` or the default)."""
        url: Optional[str] = self._init_args.get("base_url")
        return url

    def copy(
        self,
        *,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Any = NOT_GIVEN,
        max_retries: Any = NOT_GIVEN,
        default_headers: Optional[Mapping[str, str]] = None,
        set_default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        set_default_query: Optional[Mapping[str, object]] = None,
        **options: Any,
    ) -> Any:
        """A new client with this one's options, some replaced (as the official ``copy``):
        ``default_headers``/``default_query`` are merged in, ``set_default_*`` replace.
        Any constructor option (``connect_timeout``, ``prefetch``, ...) may be given too. The
        copy has its own native client (and connection pool); closing one leaves the other."""
        if default_headers is not None and set_default_headers is not None:
            raise ValueError("The `default_headers` and `set_default_headers` arguments are mutually exclusive")
        if default_query is not None and set_default_query is not None:
            raise ValueError("The `default_query` and `set_default_query` arguments are mutually exclusive")
        args = dict(self._init_args)
        if token is not None:
            args["token"] = token
        if base_url is not None:
            args["base_url"] = base_url
        if not isinstance(timeout, NotGiven):
            args["timeout"] = timeout
        if not isinstance(max_retries, NotGiven):
            args["max_retries"] = max_retries
        if default_headers is not None:
            args["default_headers"] = {**(args["default_headers"] or {}), **default_headers}
        elif set_default_headers is not None:
            args["default_headers"] = set_default_headers
        if default_query is not None:
            args["default_query"] = {**(args["default_query"] or {}), **default_query}
        elif set_default_query is not None:
            args["default_query"] = set_default_query
        unknown = set(options) - set(args)
        if unknown:
            raise TypeError(f"copy() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        args.update(options)
        return type(self)(**args)

    # Alias for inline use: client.with_options(timeout=10).get_connection(...)
    with_options = copy

    def __copy__(self) -> Any:
        # A copy sharing the native pointer would free it twice: copy the options instead.
        return self.copy()

    def __deepcopy__(self, memo: Any) -> Any:
        return self.copy()

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(_NOT_COPYABLE.format(f"an openint.{type(self).__name__}"))

    def _options(
        self,
        timeout: Any,
        max_retries: Any,
        extra_headers: Any,
        extra_query: Any,
        extra_body: Any,
        prefetch: Any = None,
    ) -> Optional[bytes]:
        return call_options(
            timeout, max_retries, extra_headers, extra_query, extra_body, None, prefetch, self._default_query
        )

    # --- the generic calls, with a cancel handle (None: none) -------------------------------

    def _call_with(self, op: str, params: Dict[str, Any], options: Optional[bytes], cancel: Any) -> Any:
        """`openint_client_call_with`: the OpenintResponse (the caller frees it)."""
        encoded = encode_params(params, NULLABLE[op])
        ptr = self._acquire()
        resp = _ffi.ResponseP()
        err = _ffi.ErrorP()
        try:
            if cancel is None:
                status = _call.call(
                    _lib.openint_client_call_with, (ptr, op.encode(), encoded, options), (byref(resp), byref(err))
                )
            else:
                status = _lib.openint_client_call_with(
                    ptr, op.encode(), encoded, options, cancel, byref(resp), byref(err)
                )
        except BaseException:
            # KeyboardInterrupt right after the call returned: free what it wrote.
            _lib.openint_error_free(err)
            _lib.openint_response_free(resp)
            raise
        finally:
            self._release()
        if status != _OK:
            raise _ffi.take_error(status, err)
        return resp

    def _decode(self, op: str, model: Any, resp: Any) -> Any:
        try:
            body = read_body(resp)
            try:
                return model(expect_object(decode_json(body, f"the answer to {op}"), f"the answer to {op}"))
            except APIResponseValidationError as e:
                # The core accepted the answer; say which one Python could not use.
                e.status_code = _lib.openint_response_status(resp)
                e.method = _METHODS.get(op)
                rid = _lib.openint_response_request_id(resp)
                e.request_id = None if rid is None else rid.decode("utf-8", "replace")
                e.body = body[:65536].decode("utf-8", "replace")
                e.display = f"HTTP {e.status_code}: {e.message} ({e.method} {op})"
                raise
        finally:
            _lib.openint_response_free(resp)

    def _list_with(self, op: str, params: Dict[str, Any], options: Optional[bytes], cancel: Any) -> Any:
        """`openint_client_list`: the first OpenintPage (the caller owns it)."""
        encoded = encode_params(params, NULLABLE[op])
        ptr = self._acquire()
        page = _ffi.PageP()
        err = _ffi.ErrorP()
        try:
            if cancel is None:
                status = _call.call(
                    _lib.openint_client_list, (ptr, op.encode(), encoded, options), (byref(page), byref(err))
                )
            else:
                status = _lib.openint_client_list(ptr, op.encode(), encoded, options, cancel, byref(page), byref(err))
        except BaseException:
            _lib.openint_error_free(err)
            _lib.openint_page_free(page)
            raise
        finally:
            self._release()
        if status != _OK:
            raise _ffi.take_error(status, err)
        return page


class Openint(SyncMethods, _BaseClient):
    """A client of the OpenInt API, a drop-in for the official SDK's ``openint.Openint``.

    Thread-safe: share one client between threads; they share its keep-alive connections,
    and no call holds the GIL while it waits on the network. Ctrl-C stops a call in flight on
    the main thread within milliseconds (KeyboardInterrupt).

    - ``token``: default ``$OPENINT_API_KEY``; empty means none.
    - ``base_url``: default ``$OPENINT_BASE_URL``, else ``https://api.openint.dev/v1``. It
      includes the API version.
    - ``timeout``: seconds (or a timedelta) per attempt; None means the library's 60 s.
    - ``max_retries``: retries of a failed attempt (connection errors, timeouts, 408, 409,
      429, 5xx; for POSTs that create something only when the request provably never reached
      the server or the server said so), waiting as ``Retry-After`` says, else backing off.
    - ``default_headers``: sent with every request (``User-Agent`` is set unless given here;
      an ``Omit()`` value removes a header); ``default_query``: added to every request's query.
    - Beyond the official SDK: ``connect_timeout`` (default 5 s), ``total_timeout`` (bound of
      a call across its retries; default none), ``max_body_bytes`` (default 256 MiB),
      ``prefetch`` (pages a listing keeps in flight, 1..64), ``proxy`` (URL, or False for
      none), ``tls_ca_file``/``tls_ca_pem``, ``tls_roots`` ("system" or "webpki"),
      ``tls_client_cert_file|_pem`` with ``tls_client_key_file|_pem`` (mutual TLS).

    Bad options raise :class:`InvalidArgumentError` (a ``ValueError``) naming the option;
    unknown keywords raise ``TypeError``. ``close()`` (or ``with``) frees the client; a
    forgotten one is freed when garbage-collected. ``copy.copy(client)`` and
    ``client.copy(...)`` make a new client with the same options; pickling is refused.
    """

    def _request(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        return self._decode(op, model, self._call_with(op, params, options, None))

    def _list(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        return SyncOffsetPagination(self._list_with(op, params, options, None), model)

    @property
    def with_raw_response(self) -> "OpenintWithRawResponse":
        """``client.with_raw_response.get_connection(...)`` returns an :class:`APIResponse`
        (status, headers, request id, retries, body) whose ``parse()`` gives the model."""
        return OpenintWithRawResponse(self)


class AsyncOpenint(AsyncMethods, _BaseClient):
    """The async client: the same options and methods as :class:`Openint`, awaitable.

    Each call runs the blocking core on a worker thread (the GIL released while it waits),
    so 100+ calls can be in flight on one client. Cancelling the awaiting task (or
    ``asyncio.wait_for`` timing out) fires the call's cancel handle: the request stops within
    milliseconds and no worker thread is left blocked. Listing methods return an
    :class:`AsyncPaginator`: ``await`` it for the first page, or ``async for`` over it.
    """

    async def _request(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        return await _call.run_async(lambda cancel: self._decode(op, model, self._call_with(op, params, options, cancel)))

    def _list(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        async def first() -> AsyncOffsetPagination[Any]:
            return await _call.run_async(
                lambda cancel: AsyncOffsetPagination(self._list_with(op, params, options, cancel), model)
            )

        return AsyncPaginator(first)

    @property
    def with_raw_response(self) -> "AsyncOpenintWithRawResponse":
        """``await client.with_raw_response.get_connection(...)`` gives an :class:`APIResponse`."""
        return AsyncOpenintWithRawResponse(self)

    async def close(self) -> None:  # type: ignore[override]
        """Frees the client (after calls in flight return)."""
        Handle.close(self)

    def __exit__(self, *exc: object) -> None:
        Handle.close(self)

    async def __aenter__(self) -> "AsyncOpenint":
        return self

    async def __aexit__(self, *exc: object) -> None:
        Handle.close(self)


# --- raw responses --------------------------------------------------------------------------


def _raw_from_response(op: str, model: Any, resp: Any, elapsed: float) -> "APIResponse[Any]":
    try:
        fields = response_fields(resp)
    finally:
        _lib.openint_response_free(resp)
    return APIResponse(
        **fields,
        method=_METHODS.get(op, ""),
        operation=op,
        elapsed=datetime.timedelta(seconds=elapsed),
        parser=lambda r: model(expect_object(r.json(), f"the answer to {op}")),
    )


def _raw_from_page(op: str, page: Any, elapsed: float) -> "APIResponse[Any]":
    fields = page._response()
    fields["content"] = page._json_bytes()
    return APIResponse(
        **fields,
        method="GET",
        operation=op,
        elapsed=datetime.timedelta(seconds=elapsed),
        parser=lambda r: page,
    )


class _RawView:
    """Runs a client's methods with `_request`/`_list` answering raw responses."""

    __slots__ = ("_client",)

    def __init__(self, client: Any) -> None:
        self._client = client

    def _options(self, *args: Any) -> Optional[bytes]:
        return self._client._options(*args)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in OPERATIONS.values() and name not in ALIASES:
            raise AttributeError(f"with_raw_response has no method {name!r}: it offers the operation methods")
        return functools.partial(getattr(type(self._client), name), self)


class OpenintWithRawResponse(_RawView):
    """``client.with_raw_response``: every operation method, answering an :class:`APIResponse`."""

    __slots__ = ()

    def _request(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        start = time.monotonic()
        resp = self._client._call_with(op, params, options, None)
        return _raw_from_response(op, model, resp, time.monotonic() - start)

    def _list(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        start = time.monotonic()
        page: SyncOffsetPagination[Any] = SyncOffsetPagination(self._client._list_with(op, params, options, None), model)
        return _raw_from_page(op, page, time.monotonic() - start)

    if TYPE_CHECKING:  # every method answers an APIResponse

        def __getattr__(self, name: str) -> Callable[..., APIResponse[Any]]: ...


class AsyncOpenintWithRawResponse(_RawView):
    """``client.with_raw_response`` of an :class:`AsyncOpenint`: awaitables of :class:`APIResponse`."""

    __slots__ = ()

    async def _request(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        client = self._client
        start = time.monotonic()
        resp = await _call.run_async(lambda cancel: client._call_with(op, params, options, cancel))
        return _raw_from_response(op, model, resp, time.monotonic() - start)

    async def _list(self, op: str, model: Any, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        client = self._client
        start = time.monotonic()
        page: AsyncOffsetPagination[Any] = await _call.run_async(
            lambda cancel: AsyncOffsetPagination(client._list_with(op, params, options, cancel), model)
        )
        return _raw_from_page(op, page, time.monotonic() - start)


def _operation_methods() -> Dict[str, str]:
    import json

    return {o["id"]: o["method"] for o in json.loads(_lib.openint_operations_json())}


_METHODS = _operation_methods()

# The official SDK exports its clients under these names too.
Client = Openint
AsyncClient = AsyncOpenint
