"""The native page of a listing (an ``OpenintPage``): its text, its answer, and the request
for the page after it. The core decides when a listing ends (``openint_page_has_next`` /
``openint_page_next_with``); nothing here reads ``total`` or ``has_next_page`` to decide.
The pydantic page models (``pagination.py``) hold one of these each.
"""

from __future__ import annotations

import threading
from ctypes import byref, c_bool, c_size_t, string_at
from typing import Any, Dict, Optional

from . import _call, _ffi
from ._handle import Handle

_lib = _ffi.lib
_OK = 0
_END = 100


class PageHandle(Handle):
    _free_fn = _lib.openint_page_free
    _what = "page"

    def __init__(self, ptr: Any) -> None:
        super().__init__(ptr)
        # The core's page is used by one thread at a time.
        self._serial = threading.Lock()

    def _call(self, fn: Any, *args: Any) -> int:
        ptr = self._acquire()
        try:
            err = _ffi.ErrorP()
            with self._serial:
                status = fn(ptr, *args, byref(err))
        finally:
            self._release()
        if status not in (_OK, _END):
            raise _ffi.take_error(status, err)
        return status  # type: ignore[no-any-return]

    def _lend(self, fn: Any, *args: Any) -> bytes:
        """Text the core lends from this page (``fn(page, *args, &ptr, &len, &err)``), copied
        while the page is held: the text dies with the page."""
        out = _ffi.CStr()
        n = c_size_t()
        ptr = self._acquire()
        try:
            err = _ffi.ErrorP()
            with self._serial:
                status = fn(ptr, *args, byref(out), byref(n), byref(err))
                if status == _OK:
                    return string_at(out, n.value)
        finally:
            self._release()
        raise _ffi.take_error(status, err)

    def json_bytes(self) -> bytes:
        """The page's whole answer body."""
        return self._lend(_lib.openint_page_json)

    def item_bytes(self, index: int) -> bytes:
        return self._lend(_lib.openint_page_item, index)

    def item_count(self) -> int:
        count = c_size_t()
        self._call(_lib.openint_page_item_count, byref(count))
        return count.value

    def response_fields(self) -> Dict[str, Any]:
        """Status, headers, request id and retries of the answer that brought this page."""
        from ._response import response_fields

        ptr = self._acquire()
        try:
            with self._serial:
                return response_fields(_lib.openint_page_response(ptr), with_body=False)
        finally:
            self._release()

    def may_have_next(self) -> bool:
        more = c_bool()
        self._call(_lib.openint_page_has_next, byref(more))
        return more.value

    def fetch_next(self, cancel: Any, options: Optional[bytes], interruptible: bool = False) -> "Optional[PageHandle]":
        """The following page (a request), or None at the end. ``interruptible``: a sync call
        that Ctrl-C stops on the main thread (``cancel`` is then ignored). No request when the
        core can tell from this page that it is the last (it answers END at once)."""
        nxt = _ffi.PageP()
        err = _ffi.ErrorP()
        ptr = self._acquire()
        try:
            with self._serial:
                if interruptible:
                    status = _call.call(_lib.openint_page_next_with, (ptr, options), (byref(nxt), byref(err)))
                else:
                    status = _lib.openint_page_next_with(ptr, options, cancel, byref(nxt), byref(err))
        except BaseException:
            _lib.openint_error_free(err)
            _lib.openint_page_free(nxt)
            raise
        finally:
            self._release()
        if status == _END:
            return None
        if status != _OK:
            raise _ffi.take_error(status, err)
        return PageHandle(nxt)
