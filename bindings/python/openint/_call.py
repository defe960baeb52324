"""Running blocking core calls: Ctrl-C for sync calls, the event loop for async ones.

Every fallible core call blocks in C with the GIL released. Two things must still reach it:

- **Ctrl-C on the main thread.** Python runs its SIGINT handler only between bytecodes, so a
  call waiting 30 s on the network would hold the KeyboardInterrupt for 30 s. While a sync call
  runs on the main thread, this module points ``signal.set_wakeup_fd`` at a pipe read by one
  daemon thread: CPython's C-level handler writes the signal number there at once, the thread
  fires the call's cancel handle, the core returns CANCELLED within ~10 ms, and the pending
  KeyboardInterrupt is raised as the call returns. Cost per call: two ``set_wakeup_fd`` calls
  and one reusable cancel handle (no thread hop). Bytes meant for a wakeup fd set before ours
  (asyncio's) are passed on to it. Only armed while Python's default SIGINT handler is in
  place: a custom handler keeps its own semantics.
- **Task cancellation in async code.** Each call runs on a worker thread with its own cancel
  handle; when the awaiting task is cancelled (or times out) the handle is fired and the task
  waits for the worker to come back (milliseconds), so no thread is left blocked.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import os
import signal
import threading
from ctypes import byref
from threading import get_ident as _get_ident
from typing import Any, Callable, Optional, TypeVar

from . import _ffi

T = TypeVar("T")

_lib = _ffi.lib
_OK = 0

# Enough workers for 100+ calls of one or many AsyncOpenint clients in flight at once; they
# are started on demand and mostly wait on sockets with the GIL released.
ASYNC_WORKERS = int(os.environ.get("OPENINT_ASYNC_WORKERS") or 256)


class CancelHandle:
    """An OpenintCancel. ``fire()`` may race with the call that uses it but never with
    ``free()``: both hold the lock, and a freed handle is never fired."""

    __slots__ = ("ptr", "_lock", "was_fired")

    def __init__(self) -> None:
        ptr = _ffi.CancelP()
        err = _ffi.ErrorP()
        status = _lib.openint_cancel_new(byref(ptr), byref(err))
        if status != _OK:
            raise _ffi.take_error(status, err)
        self.ptr: Any = ptr
        self._lock = threading.Lock()
        # Set by fire(): read without a lock or a library call on the hot path (call()).
        self.was_fired = False

    def fire(self) -> None:
        with self._lock:
            if self.ptr is not None:
                self.was_fired = True
                _lib.openint_cancel(self.ptr)

    def fired(self) -> bool:
        with self._lock:
            return self.ptr is not None and bool(_lib.openint_cancel_is_cancelled(self.ptr))

    def free(self) -> None:
        with self._lock:
            ptr, self.ptr = self.ptr, None
        if ptr is not None:
            _lib.openint_cancel_free(ptr)

    def __del__(self) -> None:
        ptr = getattr(self, "ptr", None)
        if ptr is not None:
            self.ptr = None
            try:
                _lib.openint_cancel_free(ptr)
            except Exception:  # noqa: BLE001 - never raise from __del__ (interpreter exit)
                pass

    def __reduce__(self) -> Any:
        raise TypeError("an openint cancel handle cannot be pickled or copied")


# --- Ctrl-C for sync calls on the main thread ---------------------------------------------

_MAIN = threading.main_thread().ident
_SIGINT = int(signal.SIGINT)


def _raw_getsignal() -> Callable[[int], Any]:
    """``_signal.getsignal``: the handler as installed, without ``signal.getsignal``'s
    conversion to an enum (microseconds per call); the handler objects compared are the same."""
    try:
        return importlib.import_module("_signal").getsignal  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return signal.getsignal


_getsignal = _raw_getsignal()
_default_int_handler = signal.default_int_handler
_guard = threading.Lock()
# The cancel handle of the main thread's call in flight (None between calls), and the one
# kept for its next call (replaced once fired: a fired handle stays fired).
_current: Optional[CancelHandle] = None
_spare: Optional[CancelHandle] = None
_pipe_w = -1
_forward_to = -1  # the wakeup fd that was set before ours, during a call


def _watch(read_fd: int) -> None:
    while True:
        try:
            data = os.read(read_fd, 512)
        except InterruptedError:
            continue
        except OSError:
            return
        if not data:
            return
        if _SIGINT in data:
            with _guard:
                if _current is not None:
                    _current.fire()
        fwd = _forward_to
        if fwd >= 0:
            try:
                os.write(fwd, data)
            except OSError:
                pass


def _start_watcher() -> int:
    """The write end of the wakeup pipe, starting its reader thread on first use."""
    global _pipe_w
    if _pipe_w < 0:
        r, w = os.pipe()
        os.set_blocking(w, False)  # set_wakeup_fd requires it
        threading.Thread(target=_watch, args=(r,), name="openint-sigint", daemon=True).start()
        _pipe_w = w
    return _pipe_w


def call(fn: Callable[..., int], before: "tuple[Any, ...]", after: "tuple[Any, ...]") -> int:
    """``fn(*before, cancel, *after)``. On the main thread ``cancel`` is a handle that Ctrl-C
    fires; elsewhere it is NULL (Python handles signals only on the main thread)."""
    global _current, _spare, _forward_to
    if _get_ident() != _MAIN or _getsignal(_SIGINT) is not _default_int_handler:
        return fn(*before, None, *after)
    handle = _spare
    if handle is None:
        handle = _spare = CancelHandle()
    try:
        prev = signal.set_wakeup_fd(_start_watcher())
    except (ValueError, OSError):  # not the main interpreter, or no pipe: a plain call
        return fn(*before, None, *after)
    if prev == _pipe_w:
        prev = -1
    _forward_to = prev
    _current = handle
    try:
        return fn(*before, handle.ptr, *after)
    finally:
        with _guard:
            _current = None
        _forward_to = -1
        signal.set_wakeup_fd(prev)
        if handle.was_fired:
            _spare = None
            handle.free()


# --- async ---------------------------------------------------------------------------------

_executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
_executor_lock = threading.Lock()


def executor() -> concurrent.futures.ThreadPoolExecutor:
    global _executor
    if _executor is None:
        with _executor_lock:
            if _executor is None:
                _executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=ASYNC_WORKERS, thread_name_prefix="openint-async"
                )
    return _executor


async def run_async(work: Callable[[Any], T]) -> T:
    """Runs ``work(cancel_ptr)`` on a worker thread and returns its result. If the awaiting
    task is cancelled, fires the cancel handle, waits for the worker to return (the core
    stops within ~10 ms), then lets the cancellation go on."""
    handle = CancelHandle()
    loop = asyncio.get_running_loop()
    fut = loop.run_in_executor(executor(), work, handle.ptr)
    try:
        return await asyncio.shield(fut)
    except asyncio.CancelledError:
        handle.fire()
        # Waiting here is short and bounded; a second cancel must not leave the worker behind.
        while not fut.done():
            try:
                await asyncio.wait([fut])
            except asyncio.CancelledError:
                continue
        if not fut.cancelled() and fut.exception() is None:
            _discard(fut.result())
        elif not fut.cancelled():
            fut.exception()  # retrieved: no "exception never retrieved" warning
        raise
    finally:
        if fut.done():
            handle.free()
        else:  # only when the loop itself is going away: free it once the worker is done
            fut.add_done_callback(lambda _f: handle.free())


def _discard(result: Any) -> None:
    close = getattr(result, "close", None)
    if callable(close):
        close()
