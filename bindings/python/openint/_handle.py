"""Ownership of the library's opaque handles from Python.

A handle is freed exactly once: by ``close()`` (or ``with``), else by ``__del__`` as a safety
net. Python code must never be able to crash the process, so a handle in use by one thread
is not freed under it by ``close()`` from another: calls register as users, and the last
user out frees a handle whose close was asked for meanwhile.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from ._exceptions import InvalidArgumentError

H = TypeVar("H", bound="Handle")


class Handle:
    # The library's *_free function for this kind of handle (a ctypes function, so it is not
    # bound as a method). Kept on the class so __del__ still reaches it at interpreter exit,
    # when module globals may already be gone.
    _free_fn: Any = None
    _what = "handle"

    def __init__(self, ptr: Any) -> None:
        self._ptr = ptr
        self._guard = threading.Lock()
        self._users = 0
        self._closing = False

    def _acquire(self) -> Any:
        """The raw pointer, registered as in use until ``_release``."""
        with self._guard:
            if self._ptr is None or self._closing:
                raise InvalidArgumentError(f"this {self._what} is closed")
            self._users += 1
            return self._ptr

    def _release(self) -> None:
        with self._guard:
            self._users -= 1
            if not (self._closing and self._users == 0 and self._ptr is not None):
                return
            ptr, self._ptr = self._ptr, None
        self._free_fn(ptr)

    def close(self) -> None:
        """Frees the handle now (or, if another thread is inside a call with it, as soon as
        that call returns). Calling it again does nothing."""
        with self._guard:
            if self._ptr is None or self._closing:
                return
            self._closing = True
            if self._users:
                return
            ptr, self._ptr = self._ptr, None
        self._free_fn(ptr)

    @property
    def closed(self) -> bool:
        return self._ptr is None or self._closing

    def __enter__(self: H) -> H:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The object owns a native pointer: a copy sharing it would free it twice (a crash), and
    # a pickle would carry a dangling address. Classes that can copy safely override these.
    def __copy__(self: H) -> H:
        raise TypeError(
            f"an openint {self._what} cannot be copied: it owns native memory"
            + ("; use to_dict() for its content" if self._what == "page" else "")
        )

    def __deepcopy__(self: H, memo: Any) -> H:
        return self.__copy__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError(f"an openint {self._what} cannot be pickled: it owns native memory")

    def __del__(self) -> None:
        # Nobody else can hold this object any more, so no lock is needed (and `threading`
        # may be torn down at interpreter exit). A half-built object has no _ptr.
        ptr = self.__dict__.get("_ptr")
        if ptr is not None:
            self._ptr = None
            try:
                self._free_fn(ptr)
            except Exception:  # noqa: BLE001 - never raise from __del__
                pass
