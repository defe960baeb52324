"""The client, with the official SDK's name and signature for listing connectors.

HTTP, retries, timeouts, validation and the end of a listing all live in the Rust core; this
module turns arguments into the ABI's JSON text and results into pages and exceptions.
"""

from __future__ import annotations

from ctypes import byref
from typing import Any, List, Mapping, Optional, Union

from . import _ffi
from ._handle import Handle
from ._models import Connector
from ._params import Seconds, json_arg, list_params, user_agent, with_user_agent
from .pagination import SyncOffsetPagination

_lib = _ffi.lib
_OK = 0


class Openint(Handle):
    """A client of the OpenInt API, a drop-in for the official SDK's ``openint.Openint`` when
    listing connectors. Thread-safe: share one client between threads; they share its
    keep-alive connections, and no call holds the GIL while it waits on the network.

    - ``token``: default ``$OPENINT_API_KEY``; empty means none.
    - ``base_url``: default ``$OPENINT_BASE_URL``, else ``https://api.openint.dev/v1``. It
      includes the API version: ``/connector`` is appended to it.
    - ``timeout``: seconds (or a timedelta) per attempt; None means the library's 60 s.
    - ``max_retries``: retries of a failed attempt (5xx, 408, 409, 429, broken connections),
      waiting as ``Retry-After`` says, else backing off.
    - ``default_headers``: sent with every request (``User-Agent`` is set unless given here).
    - Beyond the official SDK: ``connect_timeout`` (default 5 s), ``total_timeout`` (bound of
      a call across its retries; default none), ``max_body_bytes`` (default 256 MiB).

    Bad options raise :class:`InvalidArgumentError` (a ``ValueError``) naming the option;
    unknown keywords raise ``TypeError``. ``close()`` (or ``with``) frees the client; a
    forgotten one is freed when garbage-collected.
    """

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
        connect_timeout: Optional[Seconds] = None,
        total_timeout: Optional[Seconds] = None,
        max_body_bytes: Optional[int] = None,
    ) -> None:
        self._ptr = None  # so that __del__ is safe when validation below raises
        from . import __version__

        agent = user_agent(__version__, _ffi.lib.openint_version().decode())
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
                "default_headers": with_user_agent(default_headers, agent),
            },
            ("timeout", "connect_timeout", "total_timeout"),
        )
        ptr = _ffi.ClientP()
        err = _ffi.ErrorP()
        status = _lib.openint_client_new(options, byref(ptr), byref(err))
        if status != _OK:
            raise _ffi.take_error(status, err)
        super().__init__(ptr)
        self.max_retries = max_retries
        self.timeout = timeout

    def __repr__(self) -> str:
        # Deliberately shows no option: the token must never reach a log.
        return f"<openint.Openint{' closed' if self.closed else ''}>"

    def is_closed(self) -> bool:
        return self.closed

    def list_connectors(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        expand: Optional[Union[List[str], str]] = None,
        timeout: Optional[Seconds] = None,
    ) -> SyncOffsetPagination[Connector]:
        """``GET /connector``: fetches the first page and returns it; iterating it walks every
        connector from there on, across pages.

        ``limit`` 0..3000 (the server's default is 50), ``offset`` >= 0, ``expand`` a list of
        ``"schemas"``, ``timeout`` bounds this call with its retries (and, by default, each
        following page fetch). Bad values raise :class:`InvalidArgumentError` naming the
        parameter, before any request.
        """
        params = list_params(limit, offset, expand, timeout)
        ptr = self._acquire()
        try:
            page = _ffi.PageP()
            err = _ffi.ErrorP()
            status = _lib.openint_client_list_connectors(ptr, params, byref(page), byref(err))
        finally:
            self._release()
        if status != _OK:
            raise _ffi.take_error(status, err)
        return SyncOffsetPagination(page, Connector)


# The official SDK exports its client under both names.
Client = Openint
