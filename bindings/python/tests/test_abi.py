"""The ctypes table in openint/_ffi.py against include/openint.h, the ABI's source of truth.

A stale table (a changed signature, a renumbered status) would corrupt memory or mislabel
errors at run time, so it fails here instead.
"""

import ctypes
import re
from ctypes import POINTER, c_bool, c_char_p, c_double, c_int64, c_size_t, c_uint16, c_uint32, c_void_p
from pathlib import Path

import pytest

import openint
from openint import Status, _ffi

HEADER = Path(__file__).resolve().parents[3] / "include" / "openint.h"

HANDLES = {
    "OpenintClient": _ffi.ClientP,
    "OpenintPage": _ffi.PageP,
    "OpenintCursor": _ffi.CursorP,
    "OpenintError": _ffi.ErrorP,
    "OpenintResponse": _ffi.ResponseP,
    "OpenintCancel": _ffi.CancelP,
}

SCALARS = {
    "void": None,
    "OpenintStatus": c_uint32,
    "uint32_t": c_uint32,
    "uint16_t": c_uint16,
    "size_t": c_size_t,
    "double": c_double,
    "bool": c_bool,
    "void *": c_void_p,
    "OpenintLogCallback": _ffi.LogCallback,
    "size_t *": POINTER(c_size_t),
    "int64_t *": POINTER(c_int64),
    "bool *": POINTER(c_bool),
    "const char *": c_char_p,
    # Borrowed out-strings are read as addresses plus a length (see _ffi.CStr).
    "const char **": POINTER(c_void_p),
}


def ctype_of(c_type: str):
    # One spelling: words separated by single spaces, the stars together after one space.
    words = c_type.replace("*", " ").split()
    stars = c_type.count("*")
    c_type = " ".join(words) + (" " + "*" * stars if stars else "")
    if c_type in SCALARS:
        return SCALARS[c_type]
    m = re.fullmatch(r"(?:const )?struct (\w+) (\*+)", c_type)
    if m and m.group(1) in HANDLES:
        t = HANDLES[m.group(1)]
        for _ in range(len(m.group(2)) - 1):
            t = POINTER(t)
        return t
    raise AssertionError(f"test_abi.py does not know the C type {c_type!r}: extend SCALARS")


# `const char *` results read as an address, because the length comes beside them.
BORROWED_WITH_LENGTH = {"openint_response_body"}


def header_functions() -> dict:
    text = re.sub(r"//[^\n]*", "", HEADER.read_text())
    out = {}
    for m in re.finditer(r"^([A-Za-z_][\w \*]*?)\s*\b(openint_\w+)\(([^)]*)\);", text, re.M | re.S):
        ret, name, params = m.groups()
        args = []
        for p in params.split(","):
            p = " ".join(p.split())
            if p in ("", "void"):
                continue
            # Drop the parameter name: the last identifier.
            args.append(ctype_of(re.sub(r"\s*\b\w+$", "", p)))
        ret_type = c_void_p if name in BORROWED_WITH_LENGTH else ctype_of(ret.strip())
        out[name] = (ret_type, tuple(args))
    return out


def test_header_is_where_the_tests_expect_it():
    assert HEADER.is_file(), HEADER


def test_every_header_function_is_declared_with_its_exact_signature():
    from_header = header_functions()
    assert len(from_header) >= 20, "the header parser found too few functions"
    assert set(_ffi.SIGNATURES) == set(from_header)
    for name, (ret, args) in from_header.items():
        have_ret, have_args = _ffi.SIGNATURES[name]
        assert have_ret is ret, f"{name}: restype {have_ret} but the header says {ret}"
        assert have_args == args, f"{name}: argtypes {have_args} but the header says {args}"


def test_loaded_functions_carry_the_declared_types():
    for name, (ret, args) in _ffi.SIGNATURES.items():
        fn = getattr(_ffi.lib, name)
        assert fn.restype is ret, name
        assert tuple(fn.argtypes) == args, name


def test_status_numbers_match_the_header():
    text = HEADER.read_text()
    from_header = {m.group(1): int(m.group(2)) for m in re.finditer(r"OPENINT_STATUS_(\w+) = (\d+),", text)}
    assert from_header == {s.name: s.value for s in openint.Status}


def test_status_names_match_the_library():
    for s in openint.Status:
        assert _ffi.lib.openint_status_name(s).decode() == s.name.lower()
    assert _ffi.lib.openint_status_name(9999) == b"unknown"


def test_abi_version_matches_header_and_library():
    m = re.search(r"#define OPENINT_ABI_VERSION (\d+)", HEADER.read_text())
    assert m and int(m.group(1)) == openint.ABI_VERSION == _ffi.lib.openint_abi_version()


def test_versions():
    assert openint.library_version() == openint.__version__
    cargo = (HEADER.parents[1] / "Cargo.toml").read_text()
    assert f'version = "{openint.__version__}"' in cargo


def test_every_status_except_ok_and_end_has_an_exception_class():
    from openint._exceptions import ERROR_CLASSES

    expected = {s for s in openint.Status if s not in (openint.Status.OK, openint.Status.END)}
    assert set(ERROR_CLASSES) == expected
    for status, cls in ERROR_CLASSES.items():
        assert cls.kind == status and issubclass(cls, openint.OpenintError)
    # HTTP statuses are APIStatusErrors; the ones without an answer are not.
    http = {s for s in expected if Status.BAD_REQUEST <= s <= Status.API_STATUS}
    for status in expected:
        assert issubclass(ERROR_CLASSES[status], openint.APIStatusError) == (status in http), status


def test_response_accessors_take_null():
    # The request behind a response (openint_response_method/url): "" for NULL, like the others.
    lib = openint._lib
    assert lib.openint_response_method(None) == b"" and lib.openint_response_url(None) == b""
    assert lib.openint_response_request_id(None) is None and lib.openint_response_retries(None) == 0
