"""The clients, ``Openint`` and ``AsyncOpenint``, with the official SDK's names and signatures.

HTTP, retries, timeouts, validation and the end of a listing all live in the Rust core; this
module turns arguments into the ABI's JSON text and results into models, pages and
exceptions. The operation methods themselves are generated (``_methods.py``); the raw and
streamed views are in ``_views.py``.
"""

from __future__ import annotations

import operator
import os
import platform
import sys
from ctypes import byref
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Type, TypeVar, Union

from . import _call, _ffi, _logging
from ._base_client import check_http_client
from ._exceptions import APIResponseValidationError, InvalidArgumentError
from ._handle import Handle
from ._methods import NULLABLE, AsyncMethods, SyncMethods
from ._ops import OPERATIONS, check_path_params
from ._params import Seconds, call_options, encode_params, json_arg, user_agent, with_user_agent
from ._response import Headers, Request, read_body
from ._types import NOT_GIVEN, NotGiven, Omit, RequestOptions, Timeout

if TYPE_CHECKING:
    from ._views import (
        AsyncOpenintWithRawResponse,
        AsyncOpenintWithStreamedResponse,
        OpenintWithRawResponse,
        OpenintWithStreamedResponse,
    )

_lib = _ffi.lib
_OK = 0
_NOT_COPYABLE = "{} owns a native handle and cannot be pickled; make a new one in the other process"
DEFAULT_BASE_URL = "https://api.openint.dev/v1"
DEFAULT_TIMEOUT = 60.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_MAX_RETRIES = 2
_LIB_VERSION = _lib.openint_version().decode()


class _Options(dict):  # type: ignore[type-arg]
    """The constructor's arguments; its repr never shows them (the token is among them)."""

    def __repr__(self) -> str:
        return "<client options>"


def _split_timeout(timeout: Any) -> "tuple[Any, Any]":
    """(per-attempt timeout, connect timeout) from a number, a timedelta, None or an
    ``httpx.Timeout``-like object (its ``read`` bounds an attempt, its ``connect`` the
    connection)."""
    if isinstance(timeout, NotGiven):
        return DEFAULT_TIMEOUT, None
    if hasattr(timeout, "read") and hasattr(timeout, "connect"):
        attempt = next((t for t in (timeout.read, timeout.write, timeout.pool) if t is not None), None)
        return attempt, timeout.connect
    return timeout, None


def _env(name: str) -> Optional[str]:
    return os.environ.get(name) or None


def _platform_headers(version: str, is_async: bool) -> Dict[str, str]:
    """The official SDK's platform headers (servers count languages and versions by them)."""
    return {
        "X-Stainless-Lang": "python",
        "X-Stainless-Package-Version": version,
        "X-Stainless-OS": {"linux": "Linux", "darwin": "MacOS", "win32": "Windows"}.get(sys.platform, sys.platform),
        "X-Stainless-Arch": platform.machine().lower() or "unknown",
        "X-Stainless-Runtime": platform.python_implementation(),
        "X-Stainless-Runtime-Version": platform.python_version(),
        "X-Stainless-Async": "async:asyncio" if is_async else "false",
    }


_C = TypeVar("_C", bound="_BaseClient")
_MODELS: Any = None


def _models_module() -> Any:
    """``openint._models``, imported on the first answer (it imports pydantic); a global after
    that, since an import statement in the per-call path costs microseconds."""
    global _MODELS
    if _MODELS is None:
        from . import _models

        _MODELS = _models
    return _MODELS


class _BaseClient(Handle):
    """Options and the native client, shared by the sync and the async client."""

    _free_fn = _lib.openint_client_free
    _what = "client"
    _is_async = False

    def __init__(
        self,
        *,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Any = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, Any]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        http_client: Any = None,
        _strict_response_validation: bool = False,
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

        if max_retries is None:
            raise TypeError("max_retries cannot be None. If you want to disable retries, pass `0`")
        if isinstance(max_retries, bool) or not hasattr(max_retries, "__index__"):
            raise TypeError(f"max_retries must be an int, got {type(max_retries).__name__}")
        max_retries = operator.index(max_retries)
        check_http_client(http_client)
        attempt, connect = _split_timeout(timeout)
        if connect_timeout is None:
            connect_timeout = connect
        agent = user_agent(__version__, _ffi.lib.openint_version().decode())
        headers: Dict[str, Any] = {**_platform_headers(__version__, self._is_async)}
        headers.update(with_user_agent(default_headers, agent))
        for name, value in list(headers.items()):
            if isinstance(value, Omit):
                del headers[name]
        if default_query is not None and not isinstance(default_query, Mapping):
            raise InvalidArgumentError(
                f'options: "default_query" must be a mapping, got {type(default_query).__name__}'
            )
        options = json_arg(
            "options",
            {
                "token": token,
                "base_url": base_url,
                "timeout": attempt,
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
        self._timeout = timeout
        self._headers = headers
        self._default_query = dict(default_query) if default_query else None
        self._strict_response_validation = bool(_strict_response_validation)
        # As the core resolves them (the environment when left out), for the attributes; kept
        # where no repr shows them.
        self._resolved = _Options(
            token=token if token is not None else _env("OPENINT_API_KEY"),
            base_url=base_url or _env("OPENINT_BASE_URL") or DEFAULT_BASE_URL,
        )

    @property
    def token(self) -> Optional[str]:
        """The token: as given, else ``$OPENINT_API_KEY`` (None when neither)."""
        token: Optional[str] = self._resolved["token"]
        return token

    @property
    def base_url(self) -> str:
        """The base URL: as given, else ``$OPENINT_BASE_URL``, else the default."""
        url: str = self._resolved["base_url"]
        return url

    def __repr__(self) -> str:
        # Deliberately shows no option: the token must never reach a log.
        return f"<openint.{type(self).__name__}{' closed' if self.closed else ''}>"

    def is_closed(self) -> bool:
        return self.closed

    @property
    def timeout(self) -> Any:
        """As given; by default the official SDK's default, ``Timeout(60.0, connect=5.0)``."""
        if not isinstance(self._timeout, NotGiven):
            return self._timeout
        return Timeout(DEFAULT_TIMEOUT, connect=DEFAULT_CONNECT_TIMEOUT)

    @property
    def default_headers(self) -> Dict[str, Any]:
        """The headers sent with every request (``Authorization`` is added by the core)."""
        return dict(self._headers)

    @property
    def default_query(self) -> Dict[str, object]:
        return dict(self._default_query or {})

    @property
    def auth_headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def copy(
        self: _C,
        *,
        token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Any = NOT_GIVEN,
        http_client: Any = None,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        default_headers: Optional[Mapping[str, Any]] = None,
        set_default_headers: Optional[Mapping[str, Any]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        set_default_query: Optional[Mapping[str, object]] = None,
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
    ) -> _C:
        """A new client with this one's options, some replaced (as the official ``copy``):
        ``default_headers``/``default_query`` are merged in, ``set_default_*`` replace. The
        copy has its own native client (and connection pool); closing one leaves the other."""
        if default_headers is not None and set_default_headers is not None:
            raise ValueError("The `default_headers` and `set_default_headers` arguments are mutually exclusive")
        if default_query is not None and set_default_query is not None:
            raise ValueError("The `default_query` and `set_default_query` arguments are mutually exclusive")
        args = dict(self._init_args)
        given = dict(locals())
        for name in ("token", "base_url", "http_client", *_EXTRA_OPTIONS):
            if given[name] is not None:
                args[name] = given[name]
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
        return type(self)(**args)

    # Alias for inline use: client.with_options(timeout=10).get_connection(...)
    with_options = copy

    def __copy__(self: _C) -> _C:
        # A copy sharing the native pointer would free it twice: copy the options instead.
        return self.copy()

    def __deepcopy__(self: _C, memo: Any) -> _C:
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

    def _request_of(self, method: str, url: str, extra_headers: Optional[Mapping[str, Any]]) -> Request:
        """What a response's ``http_request`` shows (see :class:`Request`)."""
        headers = dict(self._headers)
        for name, value in (extra_headers or {}).items():
            for k in [k for k in headers if k.lower() == name.lower()]:
                del headers[k]
            if value is not None and not isinstance(value, Omit):
                headers[name] = value
        for name in [k for k in headers if k.lower() == "user-agent"]:
            headers[name] = f"{headers[name]} openint-rust/{_LIB_VERSION}"  # the core appends it
        if self.token:
            headers["Authorization"] = "Bearer [redacted]"
        return Request(method, url, Headers(list(headers.items())))

    # --- the generic calls, with a cancel handle (None: none) -------------------------------

    def _call_with(self, op: str, params: Dict[str, Any], options: Optional[bytes], cancel: Any) -> Any:
        """`openint_client_call_with`: the OpenintResponse (the caller frees it)."""
        check_path_params(op, params)
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

    def _parse_body(self, op: str, model: str, body: bytes, resp: Any = None) -> Any:
        models = _models_module()
        try:
            return models.validate_json(
                models.model_class(model), body, f"the answer to {op}", strict=self._strict_response_validation
            )
        except APIResponseValidationError as e:
            # The core accepted the answer; say which one Python could not use.
            o = OPERATIONS[op]
            e.method = o.method
            e.body = body[:65536].decode("utf-8", "replace")
            if resp is not None:
                e.status_code = _lib.openint_response_status(resp)
                rid = _lib.openint_response_request_id(resp)
                e.request_id = None if rid is None else rid.decode("utf-8", "replace")
            e.display = f"HTTP {e.status_code}: {e.message} ({o.method} {op})"
            raise

    def _decode(self, op: str, model: str, resp: Any) -> Any:
        try:
            return self._parse_body(op, model, read_body(resp), resp)
        finally:
            _lib.openint_response_free(resp)

    def _list_with(self, op: str, params: Dict[str, Any], options: Optional[bytes], cancel: Any) -> Any:
        """`openint_client_list`: the first native page."""
        from ._page import PageHandle

        check_path_params(op, params)
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
        return PageHandle(page)

    def _raw_request(
        self, method: str, path: str, query: Any, body: Any, options: Optional[bytes], cancel: Any
    ) -> Any:
        """`openint_client_request` (``client.get/post/...``): the OpenintResponse."""
        import json

        query_json = None if query is None else json.dumps(dict(query)).encode()
        body_json = None if body is None else json.dumps(body).encode()
        ptr = self._acquire()
        resp = _ffi.ResponseP()
        err = _ffi.ErrorP()
        args = (ptr, method.upper().encode(), path.encode(), query_json, body_json, options)
        try:
            if cancel is None:
                status = _call.call(_lib.openint_client_request, args, (byref(resp), byref(err)))
            else:
                status = _lib.openint_client_request(*args, cancel, byref(resp), byref(err))
        except BaseException:
            _lib.openint_error_free(err)
            _lib.openint_response_free(resp)
            raise
        finally:
            self._release()
        if status != _OK:
            raise _ffi.take_error(status, err)
        return resp

    def _cast(self, cast_to: Any, resp: Any, what: str) -> Any:
        """A raw request's answer as ``cast_to``: a model class, ``str`` (text), ``bytes``,
        ``None``/``NoneType`` (nothing), anything else the decoded JSON."""
        try:
            body = read_body(resp)
        finally:
            _lib.openint_response_free(resp)
        if cast_to is None or cast_to is type(None):
            return None
        if cast_to is str:
            return body.decode("utf-8", "replace")
        if cast_to is bytes:
            return body
        from ._json import decode_json

        if isinstance(cast_to, type):
            from ._models import BaseModel, validate_json

            if issubclass(cast_to, BaseModel):
                return validate_json(cast_to, body, what, strict=self._strict_response_validation)
        return decode_json(body, what)

    def _raw_args(self, path: str, body: Any, options: Optional[RequestOptions]) -> "tuple[Any, Any, Optional[bytes]]":
        opts: Dict[str, Any] = dict(options or {})
        unknown = set(opts) - {"headers", "params", "max_retries", "timeout", "extra_json", "idempotency_key"}
        if unknown:
            raise InvalidArgumentError(f'options: unknown request options {", ".join(sorted(unknown))}')
        if opts.get("extra_json"):
            body = {**(body or {}), **opts["extra_json"]}
        headers = dict(opts.get("headers") or {})
        if opts.get("idempotency_key"):
            headers["Idempotency-Key"] = opts["idempotency_key"]
        query = {**(self._default_query or {}), **(opts.get("params") or {})} or None
        encoded = call_options(opts.get("timeout"), opts.get("max_retries"), headers or None, None, None)
        return query, body, encoded


_EXTRA_OPTIONS = (
    "connect_timeout",
    "total_timeout",
    "max_body_bytes",
    "prefetch",
    "proxy",
    "tls_ca_file",
    "tls_ca_pem",
    "tls_roots",
    "tls_client_cert_file",
    "tls_client_cert_pem",
    "tls_client_key_file",
    "tls_client_key_pem",
)


class Openint(SyncMethods, _BaseClient):
    """A client of the OpenInt API, a drop-in for the official SDK's ``openint.Openint``.

    Thread-safe: share one client between threads; they share its keep-alive connections,
    and no call holds the GIL while it waits on the network. Ctrl-C stops a call in flight on
    the main thread within milliseconds (KeyboardInterrupt).

    - ``token``: default ``$OPENINT_API_KEY``; empty means none.
    - ``base_url``: default ``$OPENINT_BASE_URL``, else ``https://api.openint.dev/v1``. It
      includes the API version.
    - ``timeout``: seconds (or a timedelta, or an ``httpx.Timeout``: its ``read`` and
      ``connect``) per attempt; None means the library's 60 s.
    - ``max_retries``: retries of a failed attempt (connection errors, timeouts, 408, 409,
      429, 5xx; for POSTs that create something only when the request provably never reached
      the server or the server said so), waiting as ``Retry-After`` says, else backing off.
    - ``default_headers``: sent with every request (``User-Agent`` is set unless given here;
      an ``Omit()`` value removes a header); ``default_query``: added to every request's query.
    - ``http_client``: only None or a default client made without arguments (see
      ``DefaultHttpxClient``); the options below do what an httpx client would.
    - Beyond the official SDK: ``connect_timeout`` (default 5 s), ``total_timeout`` (bound of
      a call across its retries; default none), ``max_body_bytes`` (default 64 MiB),
      ``prefetch`` (pages a listing keeps in flight, 1..64), ``proxy`` (URL, or False for
      none), ``tls_ca_file``/``tls_ca_pem``, ``tls_roots`` ("system" or "webpki"),
      ``tls_client_cert_file|_pem`` with ``tls_client_key_file|_pem`` (mutual TLS).

    Bad options raise :class:`InvalidArgumentError` (a ``ValueError``) naming the option;
    unknown keywords raise ``TypeError``. ``close()`` (or ``with``) frees the client; a
    forgotten one is freed when garbage-collected. ``copy.copy(client)`` and
    ``client.copy(...)`` make a new client with the same options; pickling is refused.
    """

    def _request(self, op: str, model: str, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        return self._decode(op, model, self._call_with(op, params, options, None))

    def _list(self, op: str, model: str, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        from ._models import model_class
        from .pagination import SyncOffsetPagination

        return SyncOffsetPagination._build(
            self._list_with(op, params, options, None), model_class(model), self._strict_response_validation
        )

    @property
    def with_raw_response(self) -> "OpenintWithRawResponse":
        """``client.with_raw_response.get_connection(...)`` returns an :class:`APIResponse`
        (status, headers, request, retries, body) whose ``parse()`` gives the model."""
        from ._views import OpenintWithRawResponse

        return OpenintWithRawResponse(self)

    @property
    def with_streaming_response(self) -> "OpenintWithStreamedResponse":
        """``with client.with_streaming_response.get_connection(...) as response:``."""
        from ._views import OpenintWithStreamedResponse

        return OpenintWithStreamedResponse(self)

    def _generic(self, method: str, path: str, cast_to: Any, body: Any, options: Any) -> Any:
        query, body, encoded = self._raw_args(path, body, options)
        resp = self._raw_request(method, path, query, body, encoded, None)
        return self._cast(cast_to, resp, f"the answer to {method.upper()} {path}")

    def get(self, path: str, *, cast_to: Type[Any], options: Optional[RequestOptions] = None) -> Any:
        """A GET of a path the SDK has no method for, with the client's auth, retries and
        errors; ``cast_to`` a model class (or ``object`` for the decoded JSON). ``options``:
        ``headers``, ``params`` (query), ``timeout``, ``max_retries``, ``extra_json``."""
        return self._generic("GET", path, cast_to, None, options)

    def post(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return self._generic("POST", path, cast_to, body, options)

    def put(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return self._generic("PUT", path, cast_to, body, options)

    def patch(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return self._generic("PATCH", path, cast_to, body, options)

    def delete(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return self._generic("DELETE", path, cast_to, body, options)


class AsyncOpenint(AsyncMethods, _BaseClient):
    """The async client: the same options and methods as :class:`Openint`, awaitable.

    Each call runs the blocking core on a worker thread (the GIL released while it waits),
    so 100+ calls can be in flight on one client. Cancelling the awaiting task (or
    ``asyncio.wait_for`` timing out) fires the call's cancel handle: the request stops within
    milliseconds and no worker thread is left blocked. Listing methods return an
    :class:`AsyncPaginator`: ``await`` it for the first page, or ``async for`` over it.
    """

    _is_async = True

    async def _request(self, op: str, model: str, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        return await _call.run_async(lambda cancel: self._decode(op, model, self._call_with(op, params, options, cancel)))

    def _list(self, op: str, model: str, params: Dict[str, Any], options: Optional[bytes]) -> Any:
        from ._models import model_class
        from .pagination import AsyncOffsetPagination, AsyncPaginator

        async def first() -> Any:
            item = model_class(model)
            return await _call.run_async(
                lambda cancel: AsyncOffsetPagination._build(
                    self._list_with(op, params, options, cancel), item, self._strict_response_validation
                )
            )

        return AsyncPaginator(first)

    @property
    def with_raw_response(self) -> "AsyncOpenintWithRawResponse":
        """``await client.with_raw_response.get_connection(...)`` gives an :class:`AsyncAPIResponse`."""
        from ._views import AsyncOpenintWithRawResponse

        return AsyncOpenintWithRawResponse(self)

    @property
    def with_streaming_response(self) -> "AsyncOpenintWithStreamedResponse":
        """``async with client.with_streaming_response.get_connection(...) as response:``."""
        from ._views import AsyncOpenintWithStreamedResponse

        return AsyncOpenintWithStreamedResponse(self)

    async def _generic(self, method: str, path: str, cast_to: Any, body: Any, options: Any) -> Any:
        query, body, encoded = self._raw_args(path, body, options)
        what = f"the answer to {method.upper()} {path}"
        return await _call.run_async(
            lambda cancel: self._cast(cast_to, self._raw_request(method, path, query, body, encoded, cancel), what)
        )

    async def get(self, path: str, *, cast_to: Type[Any], options: Optional[RequestOptions] = None) -> Any:
        return await self._generic("GET", path, cast_to, None, options)

    async def post(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return await self._generic("POST", path, cast_to, body, options)

    async def put(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return await self._generic("PUT", path, cast_to, body, options)

    async def patch(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return await self._generic("PATCH", path, cast_to, body, options)

    async def delete(
        self, path: str, *, cast_to: Type[Any], body: Any = None, options: Optional[RequestOptions] = None
    ) -> Any:
        return await self._generic("DELETE", path, cast_to, body, options)

    async def close(self) -> None:  # type: ignore[override]
        """Frees the client (after calls in flight return)."""
        Handle.close(self)

    def __exit__(self, *exc: object) -> None:
        Handle.close(self)

    async def __aenter__(self) -> "AsyncOpenint":
        return self

    async def __aexit__(self, *exc: object) -> None:
        Handle.close(self)


# The official SDK exports its clients under these names too.
Client = Openint
AsyncClient = AsyncOpenint
