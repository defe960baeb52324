"""The core's log lines, routed to the ``logging`` logger ``"openint"``.

The core formats a line only when its level is enabled, so the level handed to it follows
the Python logger's effective level (checked when a client is made, and by
:func:`set_log_level`). The logger has a ``NullHandler``: nothing is printed unless the
application configures logging. ``OPENINT_LOG=error|warn|info|debug|trace`` sets that level and,
when the application configured no handler, prints to stderr, as the variable does for the core.
Lines arrive already redacted by the core (see the logging rule in the README).

A handler that raises loses its record and the call goes on; a ``KeyboardInterrupt`` or
``SystemExit`` raised by a handler is raised by the call as it returns (never printed by ctypes
and lost).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from ctypes import byref
from typing import Any, Optional

from . import _ffi

TRACE = 5
logging.addLevelName(TRACE, "TRACE")

logger = logging.getLogger("openint")
# A library never prints on its own: without this, records with no handler configured anywhere
# (a retry warning) reach stderr through logging.lastResort.
logger.addHandler(logging.NullHandler())

# OpenintLogLevel <-> logging levels.
_TO_PY = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG, 5: TRACE}
_ENV = {"error": 1, "warn": 2, "warning": 2, "info": 3, "debug": 4, "trace": 5, "off": 0}

_lock = threading.Lock()
_installed: Optional[int] = None  # the core level installed (None: no logger yet)
_forced: Optional[int] = None  # set by OPENINT_LOG or set_log_level: not derived


def _core_level(py_level: int) -> int:
    if py_level <= TRACE:
        return 5
    if py_level <= logging.DEBUG:
        return 4
    if py_level <= logging.INFO:
        return 3
    if py_level <= logging.WARNING:
        return 2
    if py_level <= logging.ERROR:
        return 1
    return 0


# A KeyboardInterrupt or SystemExit a handler raised, kept for the call this thread is making;
# `raised` is set once any was, so that calls look for one only from then on.
_pending = threading.local()
raised = False


def _log_line(_user: Any, level: int, target: Optional[bytes], message: Optional[bytes]) -> None:
    # Called from any thread (ctypes takes the GIL); must never raise into C: ctypes would print
    # the exception to stderr and drop it.
    global raised
    try:
        py_level = _TO_PY.get(level, logging.INFO)
        if logger.isEnabledFor(py_level):
            text = (message or b"").decode("utf-8", "replace")
            where = (target or b"").decode("utf-8", "replace")
            logger.log(py_level, "%s", text, extra={"openint_target": where})
    except Exception:  # noqa: BLE001
        # A failing handler loses its record, never the call it logs for (logging's own
        # Handler.handleError has already reported what emit raised, as configured).
        pass
    except BaseException as e:  # noqa: BLE001
        # KeyboardInterrupt (Ctrl-C landing in a handler), SystemExit: the call goes on and
        # raises it as it returns, on this thread (take_pending). On a prefetch thread of the
        # core there is no such call: it is dropped.
        _pending.exc = e
        raised = True


def take_pending() -> Optional[BaseException]:
    """The KeyboardInterrupt or SystemExit a handler raised during this thread's last core
    call, once."""
    exc = getattr(_pending, "exc", None)
    if exc is not None:
        _pending.exc = None
    return exc


# Kept referenced for the life of the process: the core may call it from any thread.
_callback: Any = _ffi.LogCallback(_log_line)


def _install(level: int) -> None:
    global _installed
    err = _ffi.ErrorP()
    if level == 0:
        status = _ffi.lib.openint_set_logger(0, _ffi.LogCallback(), None, byref(err))
    else:
        status = _ffi.lib.openint_set_logger(level, _callback, None, byref(err))
    if status != 0:
        raise _ffi.take_error(status, err)
    _installed = level


def sync_level() -> None:
    """Hands the core the level the ``openint`` logger now lets through."""
    with _lock:
        level = _forced if _forced is not None else _core_level(logger.getEffectiveLevel())
        if level != _installed:
            _install(level)


def set_log_level(level: "int | str | None") -> None:
    """Sets how much the core logs, and the ``openint`` logger's level to match: a ``logging``
    level, a name (``"error"``, ``"warn"``, ``"info"``, ``"debug"``, ``"trace"``, ``"off"``), or
    None to follow the logger's level again. One info line per attempt (method, URL, status,
    time, attempt), a warning per retry (reason and wait), debug request details, trace bodies."""
    global _forced
    if level is None:
        _forced = None
    else:
        if isinstance(level, str):
            try:
                core = _ENV[level.strip().lower()]
            except KeyError:
                from ._exceptions import InvalidArgumentError

                raise InvalidArgumentError(
                    f"log level must be one of {', '.join(_ENV)}, or a logging level; got {level!r}"
                ) from None
        else:
            core = _core_level(level)
        _forced = core
        if core:
            logger.setLevel(_TO_PY[core])
    sync_level()


def _from_env() -> None:
    name = (os.environ.get("OPENINT_LOG") or "").strip().lower()
    if name in _ENV:
        set_log_level(name)
        own = [h for h in logger.handlers if not isinstance(h, logging.NullHandler)]
        if _ENV[name] and not own and not logging.getLogger().handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s %(name)s] %(message)s"))
            logger.addHandler(handler)


@atexit.register
def _uninstall() -> None:
    # No callback into a finalizing interpreter from a thread still inside the core.
    try:
        if _installed:
            _install(0)
    except Exception:  # noqa: BLE001
        pass


_from_env()
