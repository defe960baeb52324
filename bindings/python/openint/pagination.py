"""The page of a listing, shaped like the official SDK's ``SyncOffsetPagination``.

The core decides when a listing ends (``openint_page_has_next`` / ``openint_page_next``): the
real server's ``total`` and ``has_next_page`` cannot be trusted, so nothing here reads them to
decide. A walk over the items holds one page at a time and frees each page it fetched itself
as soon as it moves on, so memory stays flat however long the listing.
"""

from __future__ import annotations

import json
import threading
from ctypes import byref, c_bool, c_int64, c_size_t, string_at
from typing import Any, Dict, Generic, Iterator, List, Optional, TypeVar

from . import _ffi
from ._handle import Handle
from ._models import BaseModel, Connector
from ._params import Seconds, next_timeout

__all__ = ["SyncOffsetPagination", "SyncOffsetPage"]

T = TypeVar("T", bound=BaseModel)

_lib = _ffi.lib
_OK = 0
_END = 100
# "Not fetched yet", as opposed to None: "fetched, and the listing is over".
_UNKNOWN: Any = object()


class SyncOffsetPagination(Handle, Generic[T]):
    """One page of connectors.

    - ``items``: this page's items as models; ``total``, ``limit``, ``offset``: the envelope as
      the server sent it (None when absent). On ``GET /connector`` the real server's ``total``
      is the length of this page, not a count of all items.
    - ``has_next_page()``: whether a page with items follows. When the core cannot tell from
      this page alone, this fetches the next page (kept for ``get_next_page()``), so it is
      exact: it never says True for a listing that then turns out to be over.
    - ``get_next_page()``: the following page; ``iter_pages()``: this page and the following.
    - Iterating the page yields every item from this page on, across pages.

    A page stays usable after its client is closed. ``close()`` or ``with`` frees it now;
    otherwise it is freed when garbage-collected.
    """

    _free_fn = _lib.openint_page_free
    _what = "page"

    def __init__(self, ptr: Any, model: Any = Connector) -> None:
        super().__init__(ptr)
        self._model = model
        self._items: Optional[List[T]] = None
        self._next: Any = _UNKNOWN
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
        return status

    def _int(self, fn: Any) -> Optional[int]:
        out = c_int64()
        self._call(fn, byref(out))
        return None if out.value < 0 else out.value

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

    def _json_bytes(self) -> bytes:
        return self._lend(_lib.openint_page_json)

    def _item_bytes(self, index: int) -> bytes:
        return self._lend(_lib.openint_page_item, index)

    @property
    def items(self) -> List[T]:
        """This page's items, decoded once (on first use) and kept."""
        if self._items is None:
            count = c_size_t()
            self._call(_lib.openint_page_item_count, byref(count))
            # One parse of the whole page is faster than one per item. The core has parsed
            # this text already and found exactly these items; the count check guards that.
            raw = json.loads(self._json_bytes())["items"]
            if len(raw) != count.value:
                raw = [json.loads(self._item_bytes(i)) for i in range(count.value)]
            self._items = list(map(self._model, raw))
        return self._items

    @property
    def total(self) -> Optional[int]:
        return self._int(_lib.openint_page_total)

    @property
    def limit(self) -> Optional[int]:
        return self._int(_lib.openint_page_limit)

    @property
    def offset(self) -> Optional[int]:
        return self._int(_lib.openint_page_offset)

    def _fetch_next(self, timeout: float = 0.0) -> "Optional[SyncOffsetPagination[T]]":
        """The following page from the core, or None at the end (no request when the core can
        tell from this page that it is the last)."""
        more = c_bool()
        self._call(_lib.openint_page_has_next, byref(more))
        if not more.value:
            return None
        nxt = _ffi.PageP()
        if self._call(_lib.openint_page_next, timeout, byref(nxt)) == _END:
            return None
        return SyncOffsetPagination(nxt, self._model)

    def _take_next(self, timeout: float = 0.0) -> "Optional[SyncOffsetPagination[T]]":
        # Handed over, not kept: a page never holds on to the ones after it.
        nxt, self._next = self._next, _UNKNOWN
        return self._fetch_next(timeout) if nxt is _UNKNOWN else nxt

    def has_next_page(self) -> bool:
        """Whether a page with items follows (may fetch it; see the class doc)."""
        if self._next is _UNKNOWN:
            self._next = self._fetch_next()
        return self._next is not None

    def get_next_page(self, *, timeout: Optional[Seconds] = None) -> "SyncOffsetPagination[T]":
        """The following page. Raises RuntimeError when there is none (check
        ``has_next_page()`` first, as with the official SDK). ``timeout`` bounds this fetch,
        retries included; by default the bound of the call that made the first page holds."""
        nxt = self._take_next(next_timeout(timeout))
        if nxt is None:
            raise RuntimeError("No next page expected; please check `.has_next_page()` before calling `.get_next_page()`.")
        return nxt

    def iter_pages(self) -> "Iterator[SyncOffsetPagination[T]]":
        """This page, then each following one."""
        page = self
        while True:
            yield page
            nxt = page._take_next()
            if nxt is None:
                return
            page = nxt

    def __iter__(self) -> Iterator[T]:
        return _walk(self)

    def to_dict(self) -> Dict[str, Any]:
        """The whole page as the server sent it (envelope and items)."""
        return json.loads(self._json_bytes())

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __repr__(self) -> str:
        if self.closed:
            return "<SyncOffsetPagination closed>"
        return f"<SyncOffsetPagination offset={self.offset} items={len(self.items)}>"


def _walk(first: SyncOffsetPagination[T]) -> Iterator[T]:
    """Every item from `first` on. A module function, not a method, so that the generator
    does not keep the first page alive once it has moved past it."""
    page, mine = first, False
    del first
    while True:
        yield from page.items
        nxt = page._take_next()
        if mine:
            page.close()  # made here and never handed out: free its native memory now
        if nxt is None:
            return
        page, mine = nxt, True


# The name the issue and the official docs use for the same shape.
SyncOffsetPage = SyncOffsetPagination
