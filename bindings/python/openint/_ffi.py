"""Loading libopenint and declaring the C ABI (include/openint.h) for ctypes.

Every function gets explicit ``argtypes`` and ``restype``: ctypes' default ``int`` return
would truncate 64-bit pointers. ``tests/test_abi.py`` parses the header and checks this table
against it, so a changed signature fails a test instead of corrupting memory.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import POINTER, c_bool, c_char_p, c_double, c_int64, c_size_t, c_uint16, c_uint32
from pathlib import Path
from typing import Any, ClassVar, Sequence

from ._exceptions import OpenintError, make_error

# The OPENINT_ABI_VERSION this module was written for.
ABI_VERSION = 1

# Points at a library to use instead of the bundled one (development, tests). The second name
# is an older alias, read only when the first is unset.
LIBRARY_ENV = "OPENINT_LIB_PATH"
LIBRARY_ENV_ALIAS = "OPENINT_LIBRARY"


class _Opaque(ctypes.Structure):
    """Base of the opaque handle types: never instantiated, only pointed to."""

    _fields_: ClassVar[Sequence[Any]] = ()


class Client(_Opaque):
    pass


class Page(_Opaque):
    pass


class Cursor(_Opaque):
    pass


class Error(_Opaque):
    pass


class Response(_Opaque):
    pass


class Cancel(_Opaque):
    pass


ClientP = POINTER(Client)
PageP = POINTER(Page)
CursorP = POINTER(Cursor)
ErrorP = POINTER(Error)
ResponseP = POINTER(Response)
CancelP = POINTER(Cancel)
Status = c_uint32
# Borrowed `const char *` results are read as raw addresses: `c_char_p` would copy up to the
# first NUL and lose the length the library already gives us.
CStr = ctypes.c_void_p
# void (*)(void *user_data, uint32_t level, const char *target, const char *message)
LogCallback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, c_uint32, c_char_p, c_char_p)

_E = POINTER(ErrorP)

# name: (restype, argtypes). Order and types follow include/openint.h exactly;
# tests/test_abi.py parses the header and fails when this table is stale.
SIGNATURES: dict[str, tuple[object, tuple[object, ...]]] = {
    "openint_version": (c_char_p, ()),
    "openint_abi_version": (c_uint32, ()),
    "openint_status_name": (c_char_p, (c_uint32,)),
    "openint_operations_json": (c_char_p, ()),
    "openint_client_new": (Status, (c_char_p, POINTER(ClientP), _E)),
    "openint_client_free": (None, (ClientP,)),
    "openint_client_call": (Status, (ClientP, c_char_p, c_char_p, POINTER(ResponseP), _E)),
    "openint_client_call_with": (
        Status,
        (ClientP, c_char_p, c_char_p, c_char_p, CancelP, POINTER(ResponseP), _E),
    ),
    "openint_client_request": (
        Status,
        (ClientP, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, CancelP, POINTER(ResponseP), _E),
    ),
    "openint_client_list": (Status, (ClientP, c_char_p, c_char_p, c_char_p, CancelP, POINTER(PageP), _E)),
    "openint_client_list_cursor": (
        Status,
        (ClientP, c_char_p, c_char_p, c_char_p, CancelP, POINTER(CursorP), _E),
    ),
    "openint_client_list_connectors": (Status, (ClientP, c_char_p, POINTER(PageP), _E)),
    "openint_client_list_connectors_cursor": (Status, (ClientP, c_char_p, POINTER(CursorP), _E)),
    "openint_page_free": (None, (PageP,)),
    "openint_page_item_count": (Status, (PageP, POINTER(c_size_t), _E)),
    "openint_page_item": (Status, (PageP, c_size_t, POINTER(CStr), POINTER(c_size_t), _E)),
    "openint_page_json": (Status, (PageP, POINTER(CStr), POINTER(c_size_t), _E)),
    "openint_page_total": (Status, (PageP, POINTER(c_int64), _E)),
    "openint_page_limit": (Status, (PageP, POINTER(c_int64), _E)),
    "openint_page_offset": (Status, (PageP, POINTER(c_int64), _E)),
    "openint_page_has_next": (Status, (PageP, POINTER(c_bool), _E)),
    "openint_page_next": (Status, (PageP, c_double, POINTER(PageP), _E)),
    "openint_page_next_with": (Status, (PageP, c_char_p, CancelP, POINTER(PageP), _E)),
    "openint_page_response": (ResponseP, (PageP,)),
    "openint_cursor_next": (Status, (CursorP, c_double, POINTER(CStr), POINTER(c_size_t), _E)),
    "openint_cursor_next_with": (
        Status,
        (CursorP, c_char_p, CancelP, POINTER(CStr), POINTER(c_size_t), _E),
    ),
    "openint_cursor_response": (ResponseP, (CursorP,)),
    "openint_cursor_free": (None, (CursorP,)),
    "openint_response_status": (c_uint16, (ResponseP,)),
    # Borrowed text with its length (see CStr).
    "openint_response_body": (CStr, (ResponseP, POINTER(c_size_t))),
    "openint_response_header": (c_char_p, (ResponseP, c_char_p)),
    "openint_response_header_count": (c_size_t, (ResponseP,)),
    "openint_response_header_at": (c_bool, (ResponseP, c_size_t, POINTER(CStr), POINTER(CStr))),
    "openint_response_request_id": (c_char_p, (ResponseP,)),
    "openint_response_method": (c_char_p, (ResponseP,)),
    "openint_response_url": (c_char_p, (ResponseP,)),
    "openint_response_retries": (c_uint32, (ResponseP,)),
    "openint_response_free": (None, (ResponseP,)),
    "openint_cancel_new": (Status, (POINTER(CancelP), _E)),
    "openint_cancel": (None, (CancelP,)),
    "openint_cancel_is_cancelled": (c_bool, (CancelP,)),
    "openint_cancel_free": (None, (CancelP,)),
    "openint_set_logger": (Status, (c_uint32, LogCallback, ctypes.c_void_p, _E)),
    "openint_client_set_logger": (Status, (ClientP, c_uint32, LogCallback, ctypes.c_void_p, _E)),
    "openint_error_kind": (Status, (ErrorP,)),
    "openint_error_http_status": (c_uint16, (ErrorP,)),
    "openint_error_message": (c_char_p, (ErrorP,)),
    "openint_error_display": (c_char_p, (ErrorP,)),
    "openint_error_code": (c_char_p, (ErrorP,)),
    "openint_error_body": (c_char_p, (ErrorP,)),
    "openint_error_request_id": (c_char_p, (ErrorP,)),
    "openint_error_method": (c_char_p, (ErrorP,)),
    "openint_error_url": (c_char_p, (ErrorP,)),
    "openint_error_retries": (c_uint32, (ErrorP,)),
    "openint_error_header": (c_char_p, (ErrorP, c_char_p)),
    "openint_error_header_count": (c_size_t, (ErrorP,)),
    "openint_error_header_at": (c_bool, (ErrorP, c_size_t, POINTER(CStr), POINTER(CStr))),
    "openint_error_free": (None, (ErrorP,)),
}


class LibraryLoadError(ImportError):
    """libopenint could not be found or loaded, or it speaks another ABI version."""


def _library_name() -> str:
    if sys.platform == "darwin":
        return "libopenint.dylib"
    if sys.platform == "win32":
        return "openint.dll"
    return "libopenint.so"


def candidate_paths() -> list[Path]:
    """Where the library is looked for, in order: $OPENINT_LIB_PATH (or $OPENINT_LIBRARY) alone
    when set; else the copy bundled in this package, then a source checkout's cargo output."""
    override = os.environ.get(LIBRARY_ENV, "").strip() or os.environ.get(LIBRARY_ENV_ALIAS, "").strip()
    if override:
        return [Path(override)]
    here = Path(__file__).resolve().parent
    name = _library_name()
    repo = here.parents[2]  # <repo>/bindings/python/openint
    target = Path(os.environ.get("CARGO_TARGET_DIR") or "target")
    return [here / name, (repo / target if not target.is_absolute() else target) / "release" / name]


def load() -> ctypes.CDLL:
    tried = []
    for path in candidate_paths():
        if not path.is_file():
            tried.append(f"{path} (not found)")
            continue
        try:
            # An absolute path, so no LD_LIBRARY_PATH entry can substitute another library.
            lib = ctypes.CDLL(str(path.resolve()))
        except OSError as e:
            raise LibraryLoadError(f"cannot load {path}: {e}") from e
        # The ABI number first: on a mismatch, that is the error worth reporting.
        _declare(lib, path, {"openint_abi_version": SIGNATURES["openint_abi_version"]})
        abi = lib.openint_abi_version()
        if abi != ABI_VERSION:
            raise LibraryLoadError(
                f"{path} has C ABI version {abi}, but this openint Python package was written for "
                f"version {ABI_VERSION}: rebuild the library and the package from the same source"
            )
        _declare(lib, path, SIGNATURES)
        return lib
    hint = f"build it with `cargo build --release -p openint`, or set {LIBRARY_ENV} to its path"
    raise LibraryLoadError("libopenint not found; tried " + "; ".join(tried) + f". {hint}")


def _declare(lib: ctypes.CDLL, path: Path, signatures: "dict[str, tuple[object, tuple[object, ...]]]") -> None:
    for name, (restype, argtypes) in signatures.items():
        try:
            fn = getattr(lib, name)
        except AttributeError as e:
            raise LibraryLoadError(f"{path} lacks the function {name}: it is too old or not libopenint") from e
        fn.restype = restype
        fn.argtypes = argtypes


lib = load()


def _text(raw: "bytes | None") -> "str | None":
    return None if raw is None else raw.decode("utf-8", "replace")


def _header_list(handle: Any, count: Any, at: Any) -> "list[tuple[str, str]]":
    """The headers of a response or error handle, as (lowercased name, value) pairs."""
    name, value = CStr(), CStr()
    items = []
    for i in range(count(handle)):
        if not at(handle, i, ctypes.byref(name), ctypes.byref(value)):
            break
        items.append((ctypes.string_at(name).decode("utf-8", "replace"), ctypes.string_at(value).decode("utf-8", "replace")))
    return items


def take_error(status: int, err: Any) -> OpenintError:
    """The exception for a failed call: reads the error handle's fields, then frees it."""
    try:
        if not err:
            # Only when err_out was NULL, which this package never passes.
            name = _text(lib.openint_status_name(status))
            return make_error(status, f"openint call failed with status {status} ({name})")
        return make_error(
            status,
            _text(lib.openint_error_message(err)) or "",
            http_status=lib.openint_error_http_status(err),
            code=_text(lib.openint_error_code(err)),
            body=_text(lib.openint_error_body(err)),
            request_id=_text(lib.openint_error_request_id(err)),
            retries=lib.openint_error_retries(err),
            method=_text(lib.openint_error_method(err)),
            url=_text(lib.openint_error_url(err)),
            display=_text(lib.openint_error_display(err)),
            headers=_header_list(err, lib.openint_error_header_count, lib.openint_error_header_at),
        )
    finally:
        lib.openint_error_free(err)
