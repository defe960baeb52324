"""Pages of a listing, shaped like the official SDK's ``SyncOffsetPagination`` and
``AsyncOffsetPagination``.

The core decides when a listing ends (``openint_page_has_next`` / ``openint_page_next``): the
real server's ``total`` and ``has_next_page`` cannot be trusted, so nothing here reads them to
decide. A walk over the items holds one page at a time and frees each page it fetched itself
as soon as it moves on, so memory stays flat however long the listing. With ``prefetch`` k > 1
the core keeps k pages in flight; items still come out in order, once each.
"""

from __future__ import annotations

import json
import threading
from ctypes import byref, c_bool, c_int64, c_size_t, string_at
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Generic,
    Iterator,
    List,
    Optional,
    TypeVar,
)

from . import _call, _ffi
from ._exceptions import APIResponseValidationError
from ._handle import Handle
from ._models import BaseModel, Connector, decode_json
from ._params import Seconds, next_timeout

__all__ = ["SyncOffsetPagination", "SyncOffsetPage", "AsyncOffsetPagination", "AsyncOffsetPage", "AsyncPaginator"]

T = TypeVar("T", bound=BaseModel)
P = TypeVar("P", bound="_Page[Any]")

_lib = _ffi.lib
_OK = 0
_END = 100
# "Not fetched yet", as opposed to None: "fetched, and the listing is over".
_UNKNOWN: Any = object()


def _not_an_object(item: Any, index: int) -> Any:
    from ._models import _json_type

    raise APIResponseValidationError(f"item {index} of the page is a JSON {_json_type(item)}, not an object")


class _Page(Handle, Generic[T]):
    """What sync and async pages share: the envelope, the items, the HTTP answer."""

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
        return status  # type: ignore[no-any-return]

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
        """This page's items, decoded once (on first use) and kept. An item that is not a
        JSON object, or is nested too deeply to decode, raises
        :class:`APIResponseValidationError`."""
        if self._items is None:
            count = c_size_t()
            self._call(_lib.openint_page_item_count, byref(count))
            # One parse of the whole page is faster than one per item. The core has parsed
            # this text already and found exactly these items; the count check guards that.
            page = decode_json(self._json_bytes(), "the page")
            raw = page.get("items") if type(page) is dict else None
            if type(raw) is not list or len(raw) != count.value:
                raw = [decode_json(self._item_bytes(i), f"item {i} of the page") for i in range(count.value)]
            for i, x in enumerate(raw):
                if type(x) is not dict:
                    _not_an_object(x, i)
            self._items = list(map(self._model, raw))
        return self._items

    @property
    def total(self) -> Optional[int]:
        """``total`` as the server sent it. On ``GET /connector`` the real server sends the
        length of this page: never use it to decide whether more pages exist."""
        return self._int(_lib.openint_page_total)

    @property
    def limit(self) -> Optional[int]:
        return self._int(_lib.openint_page_limit)

    @property
    def offset(self) -> Optional[int]:
        return self._int(_lib.openint_page_offset)

    def _response(self) -> Dict[str, Any]:
        from ._response import response_fields

        ptr = self._acquire()
        try:
            with self._serial:
                return response_fields(_lib.openint_page_response(ptr), with_body=False)
        finally:
            self._release()

    @property
    def request_id(self) -> Optional[str]:
        """The ``x-request-id`` (or ``request-id``) of the answer that brought this page."""
        return self._response()["request_id"]  # type: ignore[no-any-return]

    @property
    def retries_taken(self) -> int:
        return self._response()["retries_taken"]  # type: ignore[no-any-return]

    def _may_have_next(self) -> bool:
        more = c_bool()
        self._call(_lib.openint_page_has_next, byref(more))
        return more.value

    def _fetch_next(self, cancel: Any, options: Optional[bytes]) -> "Optional[_Page[T]]":
        """The following page (a request), or None at the end."""
        if not self._may_have_next():
            return None
        nxt = _ffi.PageP()
        err = _ffi.ErrorP()
        ptr = self._acquire()
        try:
            with self._serial:
                status = _lib.openint_page_next_with(ptr, options, cancel, byref(nxt), byref(err))
        finally:
            self._release()
        if status == _END:
            return None
        if status != _OK:
            raise _ffi.take_error(status, err)
        return type(self)(nxt, self._model)

    def _fetch_next_sync(self, options: Optional[bytes]) -> "Optional[_Page[T]]":
        """`_fetch_next` interruptible by Ctrl-C on the main thread."""
        if not self._may_have_next():
            return None
        nxt = _ffi.PageP()
        err = _ffi.ErrorP()
        ptr = self._acquire()
        try:
            with self._serial:
                status = _call.call(_lib.openint_page_next_with, (ptr, options), (byref(nxt), byref(err)))
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
        return type(self)(nxt, self._model)

    def to_dict(self) -> Dict[str, Any]:
        """The whole page as the server sent it (envelope and items)."""
        return decode_json(self._json_bytes(), "the page")  # type: ignore[no-any-return]

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.closed:
            return f"<{name} closed>"
        return f"<{name} offset={self.offset} items={len(self.items)}>"


def _timeout_options(timeout: Optional[Seconds]) -> Optional[bytes]:
    t = next_timeout(timeout)
    return None if t == 0 else json.dumps({"timeout": t}).encode()


class SyncOffsetPagination(_Page[T]):
    """One page of a listing.

    - ``items``: this page's items as models; ``total``, ``limit``, ``offset``: the envelope as
      the server sent it (None when absent); ``request_id`` and ``retries_taken`` of its answer.
    - ``has_next_page()``: whether a page with items follows. When the core cannot tell from
      this page alone, this fetches the next page (kept for ``get_next_page()``), so it is
      exact: it never says True for a listing that then turns out to be over.
    - ``get_next_page()``: the following page; ``iter_pages()``: this page and the following.
    - Iterating the page yields every item from this page on, across pages.

    A page stays usable after its client is closed. ``close()`` or ``with`` frees it now;
    otherwise it is freed when garbage-collected. Pages cannot be copied or pickled (they
    own native memory): ``to_dict()`` gives their content.
    """

    def _take_next(self, options: Optional[bytes] = None) -> "Optional[SyncOffsetPagination[T]]":
        # Handed over, not kept: a page never holds on to the ones after it.
        nxt, self._next = self._next, _UNKNOWN
        return self._fetch_next_sync(options) if nxt is _UNKNOWN else nxt  # type: ignore[return-value]

    def has_next_page(self) -> bool:
        """Whether a page with items follows (may fetch it; see the class doc)."""
        if self._next is _UNKNOWN:
            self._next = self._fetch_next_sync(None)
        return self._next is not None

    def get_next_page(self, *, timeout: Optional[Seconds] = None) -> "SyncOffsetPagination[T]":
        """The following page. Raises RuntimeError when there is none (check
        ``has_next_page()`` first, as with the official SDK). ``timeout`` bounds this fetch,
        retries included; by default the options of the call that made the first page hold."""
        nxt = self._take_next(_timeout_options(timeout))
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


class AsyncOffsetPagination(_Page[T]):
    """One page of an :class:`AsyncOpenint` listing: the same data as
    :class:`SyncOffsetPagination`; fetching goes through ``await``:

    - ``async for item in page``: every item from this page on, across pages;
    - ``await page.get_next_page()``, ``async for p in page.iter_pages()``;
    - ``has_next_page()`` (no request, it must not block the loop): False when the core can
      tell from this page that it is the last; True may still lead to no further page, so
      ``get_next_page()`` then raises RuntimeError, and ``iter_pages()`` simply ends.
    """

    async def _take_next_async(self, options: Optional[bytes] = None) -> "Optional[AsyncOffsetPagination[T]]":
        nxt, self._next = self._next, _UNKNOWN
        if nxt is not _UNKNOWN:
            return nxt  # type: ignore[no-any-return]
        if not self._may_have_next():
            return None
        return await _call.run_async(lambda cancel: self._fetch_next(cancel, options))  # type: ignore[arg-type,return-value]

    def has_next_page(self) -> bool:
        if self._next is not _UNKNOWN:
            return self._next is not None
        return self._may_have_next()

    async def get_next_page(self, *, timeout: Optional[Seconds] = None) -> "AsyncOffsetPagination[T]":
        nxt = await self._take_next_async(_timeout_options(timeout))
        if nxt is None:
            raise RuntimeError("No next page expected; please check `.has_next_page()` before calling `.get_next_page()`.")
        return nxt

    async def iter_pages(self) -> "AsyncIterator[AsyncOffsetPagination[T]]":
        page = self
        while True:
            yield page
            nxt = await page._take_next_async()
            if nxt is None:
                return
            page = nxt

    def __aiter__(self) -> AsyncIterator[T]:
        return _awalk(self)


async def _awalk(first: AsyncOffsetPagination[T]) -> AsyncIterator[T]:
    page, mine = first, False
    del first
    while True:
        for item in page.items:
            yield item
        nxt = await page._take_next_async()
        if mine:
            page.close()
        if nxt is None:
            return
        page, mine = nxt, True


class AsyncPaginator(Generic[T]):
    """What an :class:`AsyncOpenint` listing method returns, as in the official SDK:
    ``await`` it for the first page, or ``async for`` over it for every item."""

    def __init__(self, fetch: Callable[[], Awaitable[AsyncOffsetPagination[T]]]) -> None:
        self._fetch = fetch

    def __await__(self) -> Generator[Any, None, AsyncOffsetPagination[T]]:
        return self._fetch().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._fetch()
        async for item in page:
            yield item


# The names the issue and the official docs use for the same shapes.
SyncOffsetPage = SyncOffsetPagination
AsyncOffsetPage = AsyncOffsetPagination
