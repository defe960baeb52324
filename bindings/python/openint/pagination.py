"""Pages of a listing: pydantic models shaped like the official SDK's ``SyncOffsetPagination``
and ``AsyncOffsetPagination`` (``items``, ``total``, ``offset``, ``limit``), over the core's
pagination engine.

A page is validated from the bytes of its answer in one pass of pydantic-core (items become
models there; no ``json.loads``). The core decides when a listing ends (the real server's
``total`` and ``has_next_page`` cannot be trusted), so nothing here reads them to decide. A
walk over the items holds one page at a time and frees each native page it fetched itself
as soon as it moves on, so memory stays flat however long the listing. With ``prefetch``
k > 1 the core keeps k pages in flight; items still come out in order, once each.
"""

from __future__ import annotations

import json
from itertools import chain
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
    Type,
    TypeVar,
)

import pydantic
from pydantic import PrivateAttr
from pydantic_core import from_json

from . import _call
from ._construct import _set_dict, _set_extra, _set_fields_set, _set_private, construct_items
from ._exceptions import APIResponseValidationError
from ._json import decode_json, json_type
from ._models import BaseModel, validate_value
from ._page import PageHandle
from ._params import Seconds, next_timeout

__all__ = ["SyncOffsetPagination", "SyncOffsetPage", "AsyncOffsetPagination", "AsyncOffsetPage", "AsyncPaginator", "PageInfo"]

_T = TypeVar("_T")
P = TypeVar("P", bound="_BasePage[Any]")
# (page class, item model) -> the parametrized page class (pydantic's own lookup is slower).
_PAGE_CLASSES: Dict[Any, Any] = {}
_NOT_COPYABLE = "an openint page cannot be {}: it owns native memory; use to_dict() for its content"
_NO_NEXT = "No next page expected; please check `.has_next_page()` before calling `.get_next_page()`."


class PageInfo:
    """Where the next page starts (the official ``PageInfo``): ``params={"offset": n}``."""

    def __init__(self, *, params: Dict[str, object]) -> None:
        self.params = params

    def __repr__(self) -> str:
        return f"PageInfo(params={self.params!r})"


class _PageState:
    """A page's native page, its item model and strictness, and the next page once fetched."""

    __slots__ = ("handle", "item_model", "strict", "fetched", "next")

    def __init__(self, handle: Optional[PageHandle], item_model: Any, strict: bool) -> None:
        self.handle = handle
        self.item_model = item_model
        self.strict = strict
        self.fetched = False
        self.next: Any = None


_NO_STATE = _PageState(None, None, False)


class _BasePage(BaseModel, Generic[_T]):
    """What sync and async pages share: the envelope, the items, the native page."""

    items: List[_T]
    total: Optional[int] = None
    offset: Optional[int] = None
    limit: Optional[int] = None

    # The native page and what fetching the next one needs (None for a page built by hand);
    # one private attribute, read straight from __pydantic_private__ (pydantic's lookup of
    # private attributes costs a Python call each, per page).
    _s: Any = PrivateAttr(default=None)

    @property
    def _st(self) -> "_PageState":
        state: Optional[_PageState] = self.__pydantic_private__["_s"]  # type: ignore[index]
        return _NO_STATE if state is None else state

    @property
    def _handle(self) -> Optional[PageHandle]:
        return self._st.handle

    @classmethod
    def _build(cls: Type[P], handle: PageHandle, item_model: Any, strict: bool = False) -> P:
        """The page for a native page: ``cls`` parametrized with the item model, validated
        from the page's bytes (``strict``: refused when it does not fit). The native page is
        freed if that fails."""
        key = (cls.__pydantic_generic_metadata__["origin"] or cls, item_model)
        page_cls = _PAGE_CLASSES.get(key)
        if page_cls is None:
            page_cls = _PAGE_CLASSES[key] = key[0][item_model]  # type: ignore[index]
        try:
            page = _validate_page(page_cls, item_model, handle, strict)
        except BaseException:
            handle.close()
            raise
        page.__pydantic_private__["_s"] = _PageState(handle, item_model, strict)
        return page  # type: ignore[no-any-return]

    def _get_page_items(self) -> List[_T]:
        return self.items or []

    def _native(self) -> PageHandle:
        if self._handle is None:
            raise RuntimeError("this page was not made by a listing: it has no following page")
        return self._handle

    def next_page_info(self) -> Optional[PageInfo]:
        """Where the next page would start, or None when the core can tell this is the last."""
        if self._handle is None or self._handle.closed or not self._handle.may_have_next():
            return None
        return PageInfo(params={"offset": (self.offset or 0) + len(self.items)})

    @property
    def request_id(self) -> Optional[str]:
        """The ``x-request-id`` (or ``request-id``) of the answer that brought this page."""
        return self._native().response_fields()["request_id"]  # type: ignore[no-any-return]

    @property
    def retries_taken(self) -> int:
        return self._native().response_fields()["retries_taken"]  # type: ignore[no-any-return]

    def _json_bytes(self) -> bytes:
        return self._native().json_bytes()

    def close(self) -> None:
        """Frees the native page now (else it is freed when garbage-collected)."""
        if self._handle is not None:
            self._handle.close()

    @property
    def closed(self) -> bool:
        return self._handle is None or self._handle.closed

    def __enter__(self: P) -> P:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} offset={self.offset} items={len(self.items)}>"

    # A page owns its native page: a copy would share it, a pickle would carry an address.
    def __copy__(self: P) -> P:
        raise TypeError(_NOT_COPYABLE.format("copied"))

    def __deepcopy__(self: P, memo: Any = None) -> P:
        raise TypeError(_NOT_COPYABLE.format("copied"))

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(_NOT_COPYABLE.format("pickled"))


def _validate_page(page_cls: Any, item_model: Any, handle: PageHandle, strict: bool) -> Any:
    raw = handle.json_bytes()
    if not strict:
        page = _construct_page(page_cls, item_model, raw, handle)
        if page is not None:
            return page
    try:
        page = page_cls.model_validate_json(raw)
        if len(page.items) == handle.item_count():
            return page
    except pydantic.ValidationError as e:
        if strict:
            decode_json(raw, "the page")
            raise APIResponseValidationError(f"the page does not match {page_cls.__name__}: {e}") from None
    # The page does not fit the types (or the core found other items): item by item, from
    # the items the core found, each typed where it fits.
    data = decode_json(raw, "the page")
    envelope = data if type(data) is dict else {}
    count = handle.item_count()
    items = envelope.get("items")
    if type(items) is not list or len(items) != count:
        items = [decode_json(handle.item_bytes(i), f"item {i} of the page") for i in range(count)]
    for i, x in enumerate(items):
        if type(x) is not dict:
            raise APIResponseValidationError(f"item {i} of the page is a JSON {json_type(x)}, not an object")
    fields = {k: v if type(v) is int else None for k, v in envelope.items() if k in ("total", "offset", "limit")}
    page = page_cls.model_construct(items=[validate_value(item_model, x) for x in items], **fields)
    extra = {k: v for k, v in envelope.items() if k not in ("items", "total", "offset", "limit")}
    if extra:
        page.__pydantic_extra__ = extra
    return page


_ENVELOPE = frozenset({"items", "total", "offset", "limit"})
_INT_OR_NONE = frozenset({int, type(None)})


def _construct_page(page_cls: Any, item_model: Any, raw: bytes, handle: PageHandle) -> Any:
    """The page as validation would make it, built without a validation pass (see
    ``_construct.py``), or None when validation must decide."""
    try:
        data = from_json(raw, cache_strings="keys")
    except ValueError:
        return None
    if type(data) is not dict:
        return None
    items = data.get("items")
    if type(items) is not list or len(items) != handle.item_count():
        return None
    envelope = {"items": None, "total": data.get("total"), "offset": data.get("offset"), "limit": data.get("limit")}
    if not _INT_OR_NONE.issuperset(map(type, envelope.values())):
        return None
    models = construct_items(item_model, items)
    if models is None:
        return None
    envelope["items"] = models
    page = page_cls.__new__(page_cls)
    _set_dict(page, envelope)
    _set_fields_set(page, set(data))
    _set_extra(page, {k: v for k, v in data.items() if k not in _ENVELOPE})
    _set_private(page, {"_s": None})
    return page


def _timeout_options(timeout: Optional[Seconds]) -> Optional[bytes]:
    t = next_timeout(timeout)
    return None if t == 0 else json.dumps({"timeout": t}).encode()


class SyncOffsetPagination(_BasePage[_T], Generic[_T]):
    """One page of a listing.

    - ``items``: this page's items as models; ``total``, ``limit``, ``offset``: the envelope as
      the server sent it (None when absent); ``request_id`` and ``retries_taken`` of its answer.
    - ``has_next_page()``: whether a page with items follows. When the core cannot tell from
      this page alone, this fetches the next page (kept for ``get_next_page()``), so it is
      exact: it never says True for a listing that then turns out to be over.
    - ``get_next_page()``: the following page; ``iter_pages()``: this page and the following.
    - Iterating the page yields every item from this page on, across pages.

    A page stays usable after its client is closed. ``close()`` or ``with`` frees its native
    memory now; otherwise it is freed when garbage-collected.
    """

    def _take_next(self, options: Optional[bytes] = None) -> "Optional[SyncOffsetPagination[_T]]":
        # Handed over, not kept: a page never holds on to the ones after it.
        st = self._st
        if st.fetched:
            nxt, st.next, st.fetched = st.next, None, False
            return nxt  # type: ignore[no-any-return]
        handle = self._native().fetch_next(None, options, interruptible=True)
        return None if handle is None else type(self)._build(handle, st.item_model, st.strict)

    def has_next_page(self) -> bool:
        """Whether a page with items follows (may fetch it; see the class doc)."""
        st = self._st
        if st.handle is None:
            return False
        if not st.fetched:
            st.next, st.fetched = self._take_next(), True
        return st.next is not None

    def get_next_page(self, *, timeout: Optional[Seconds] = None) -> "SyncOffsetPagination[_T]":
        """The following page. Raises RuntimeError when there is none (check
        ``has_next_page()`` first, as with the official SDK). ``timeout`` bounds this fetch,
        retries included; by default the options of the call that made the first page hold."""
        nxt = self._take_next(_timeout_options(timeout)) if self._handle is not None else None
        if nxt is None:
            raise RuntimeError(_NO_NEXT)
        return nxt

    def iter_pages(self) -> "Iterator[SyncOffsetPagination[_T]]":
        """This page, then each following one."""
        page = self
        while True:
            yield page
            nxt = page._take_next() if page._handle is not None else None
            if nxt is None:
                return
            page = nxt

    def __iter__(self) -> Iterator[_T]:  # type: ignore[override]
        # Items come out of each page's list in C (no Python frame per item).
        return chain.from_iterable(_walk(self))


def _walk(first: SyncOffsetPagination[_T]) -> Iterator[List[_T]]:
    """The items of each page from `first` on. A module function, not a method, so that the
    generator does not keep the first page alive once it has moved past it."""
    page, mine = first, False
    del first
    while True:
        yield page.items
        nxt = page._take_next() if page._handle is not None else None
        if mine:
            page.close()  # made here and never handed out: free its native memory now
        if nxt is None:
            return
        page, mine = nxt, True


class AsyncOffsetPagination(_BasePage[_T], Generic[_T]):
    """One page of an :class:`AsyncOpenint` listing: the same data as
    :class:`SyncOffsetPagination`; fetching goes through ``await``:

    - ``async for item in page``: every item from this page on, across pages;
    - ``await page.get_next_page()``, ``async for p in page.iter_pages()``;
    - ``has_next_page()`` (no request, it must not block the loop): False when the core can
      tell from this page that it is the last; True may still lead to no further page, so
      ``get_next_page()`` then raises RuntimeError, and ``iter_pages()`` simply ends.
    """

    async def _take_next_async(self, options: Optional[bytes] = None) -> "Optional[AsyncOffsetPagination[_T]]":
        st = self._st
        if st.fetched:
            nxt, st.next, st.fetched = st.next, None, False
            return nxt  # type: ignore[no-any-return]
        handle = st.handle
        if handle is None or not handle.may_have_next():
            return None
        model, cls, strict = st.item_model, type(self), st.strict

        def fetch(cancel: Any) -> "Optional[AsyncOffsetPagination[_T]]":
            nxt = handle.fetch_next(cancel, options)
            return None if nxt is None else cls._build(nxt, model, strict)

        return await _call.run_async(fetch)

    def has_next_page(self) -> bool:
        st = self._st
        if st.fetched:
            return st.next is not None
        return st.handle is not None and st.handle.may_have_next()

    async def get_next_page(self, *, timeout: Optional[Seconds] = None) -> "AsyncOffsetPagination[_T]":
        nxt = await self._take_next_async(_timeout_options(timeout))
        if nxt is None:
            raise RuntimeError(_NO_NEXT)
        return nxt

    async def iter_pages(self) -> "AsyncIterator[AsyncOffsetPagination[_T]]":
        page = self
        while True:
            yield page
            nxt = await page._take_next_async()
            if nxt is None:
                return
            page = nxt

    def __aiter__(self) -> AsyncIterator[_T]:
        return _awalk(self)


async def _awalk(first: AsyncOffsetPagination[_T]) -> AsyncIterator[_T]:
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


class AsyncPaginator(Generic[_T]):
    """What an :class:`AsyncOpenint` listing method returns, as in the official SDK:
    ``await`` it for the first page, or ``async for`` over it for every item."""

    def __init__(self, fetch: Callable[[], Awaitable[AsyncOffsetPagination[_T]]]) -> None:
        self._fetch = fetch

    def __await__(self) -> Generator[Any, None, AsyncOffsetPagination[_T]]:
        return self._fetch().__await__()

    async def __aiter__(self) -> AsyncIterator[_T]:
        page = await self._fetch()
        async for item in page:
            yield item


# The names the issue and the official docs use for the same shapes.
SyncOffsetPage = SyncOffsetPagination
AsyncOffsetPage = AsyncOffsetPagination

