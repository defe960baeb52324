"""Python arguments to the C ABI's JSON argument text.

Only conversion happens here: the core validates ranges and keys and names the offending one
(so a bad value fails the same way from every language). What cannot even be expressed as
JSON, or as a number of seconds, is refused here with the same kind of message.
"""

from __future__ import annotations

import datetime
import json
import math
import operator
import sys
from typing import Any, Iterable, Mapping, Optional, Union

from ._exceptions import InvalidArgumentError
from ._types import NOT_GIVEN, NotGiven

# A duration: seconds, or a timedelta.
Seconds = Union[int, float, datetime.timedelta]


def seconds(what: str, key: str, value: Any) -> float:
    """A number of seconds as the ABI takes it; the core checks the range."""
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(
            f'{what}: "{key}" must be a number of seconds or a datetime.timedelta, got {type(value).__name__}'
        )
    try:
        value = float(value)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise InvalidArgumentError(f'{what}: "{key}" must be a finite number of seconds, got {value}')
    return float(value)


def json_arg(what: str, values: Mapping[str, Any], seconds_keys: Iterable[str] = ()) -> Optional[bytes]:
    """The ABI's JSON object argument; None values are left out (the core's defaults)."""
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        if key in seconds_keys:
            value = seconds(what, key, value)
        elif not isinstance(value, (bool, int, float, str)) and hasattr(value, "__index__"):
            value = operator.index(value)  # integer types such as numpy's
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise InvalidArgumentError(f'{what}: "{key}" cannot be sent: {e}') from None
        out[key] = value
    if not out:
        return None
    return json.dumps(out, allow_nan=False, separators=(",", ":")).encode()


def next_timeout(timeout: Optional[Seconds]) -> float:
    """`timeout_seconds` of `openint_page_next`: 0 keeps the original call's bound."""
    if timeout is None:
        return 0.0
    t = seconds("params", "timeout", timeout)
    if t <= 0:
        raise InvalidArgumentError(f'params: "timeout" must be a positive number of seconds, got {timeout}')
    return t


def list_params(limit: Any, offset: Any, expand: Any, timeout: Any) -> Optional[bytes]:
    """`params_json` of `openint_client_list_connectors`."""
    if isinstance(expand, str):
        expand = [expand]
    elif isinstance(expand, (tuple, set, frozenset)):
        expand = list(expand)
    # Anything else goes as it is, and the core's error says what "expand" must be.
    return json_arg(
        "params",
        {"limit": limit, "offset": offset, "expand": expand, "timeout": timeout},
        ("timeout",),
    )


def user_agent(package_version: str, library_version: str) -> str:
    v = sys.version_info
    # The core appends its own "openint-rust/<version>" to whatever User-Agent it is given.
    del library_version
    return f"openint-python/{package_version} python/{v[0]}.{v[1]}"


def with_user_agent(headers: Optional[Mapping[str, str]], agent: str) -> "dict[str, Any]":
    """The caller's headers plus this package's User-Agent, unless the caller set one."""
    if headers is None:
        headers = {}
    if not isinstance(headers, Mapping):
        raise InvalidArgumentError(
            f'options: "default_headers" must be a mapping of header names to strings, got {type(headers).__name__}'
        )
    headers = dict(headers)
    for name in headers:
        if not isinstance(name, str):
            raise InvalidArgumentError(f'options: "default_headers" names must be strings, got {name!r}')
    if not any(name.lower() == "user-agent" for name in headers):
        headers["User-Agent"] = agent
    return headers


def _header_map(what: str, headers: Any) -> "Optional[dict[str, Any]]":
    """Header names to strings; an ``Omit()`` or None value removes the header (JSON null)."""
    if headers is None:
        return None
    if not isinstance(headers, Mapping):
        raise InvalidArgumentError(f'{what} must be a mapping of header names to strings, got {type(headers).__name__}')
    from ._types import Omit

    out = {}
    for name, value in headers.items():
        if not isinstance(name, str):
            raise InvalidArgumentError(f"{what} names must be strings, got {name!r}")
        out[name] = None if value is None or isinstance(value, Omit) else value
    return out


def call_options(
    timeout: Any = None,
    max_retries: Any = None,
    extra_headers: Any = None,
    extra_query: Any = None,
    extra_body: Any = None,
    retry_unsafe: Any = None,
    prefetch: Any = None,
    default_query: Optional[Mapping[str, Any]] = None,
) -> Optional[bytes]:
    """``options_json`` of the generic calls; None (no JSON at all) when nothing is set, the
    common case, so a plain call pays for no encoding. ``timeout`` is the deadline of the
    whole call, retries included; the core validates every value and names a bad one."""
    if (
        (timeout is None or timeout is NOT_GIVEN)
        and (max_retries is None or max_retries is NOT_GIVEN)
        and not extra_headers
        and not extra_query
        and not extra_body
        and not default_query
        and retry_unsafe is None
        and prefetch is None
    ):
        return None  # the common case, first: no work per call
    if isinstance(timeout, NotGiven):
        timeout = None
    if isinstance(max_retries, NotGiven):
        max_retries = None
    if default_query:
        extra_query = {**default_query, **(extra_query or {})}
    if (
        timeout is None
        and max_retries is None
        and not extra_headers
        and not extra_query
        and not extra_body
        and retry_unsafe is None
        and prefetch is None
    ):
        return None
    if extra_query is not None and not isinstance(extra_query, Mapping):
        raise InvalidArgumentError(f'options: "extra_query" must be a mapping, got {type(extra_query).__name__}')
    if extra_body is not None and not isinstance(extra_body, Mapping):
        raise InvalidArgumentError(f'options: "extra_body" must be a mapping, got {type(extra_body).__name__}')
    return json_arg(
        "options",
        {
            "timeout": timeout,
            "max_retries": max_retries,
            "extra_headers": _header_map('options: "extra_headers"', extra_headers) or None,
            "extra_query": dict(extra_query) if extra_query else None,
            "extra_body": dict(extra_body) if extra_body else None,
            "retry_unsafe": retry_unsafe,
            "prefetch": prefetch,
        },
        ("timeout",),
    )


# json.dumps(..., allow_nan=False, separators=(",", ":")) without its per-call set-up.
_encode = json.JSONEncoder(allow_nan=False, separators=(",", ":")).encode


def encode_params(params: Mapping[str, Any], nullable: "frozenset[str]") -> Optional[bytes]:
    """``params_json`` of an operation: ``NOT_GIVEN`` is left out, and so is None, except
    for the parameters where the table says null means something (then it is sent as null).
    Tuples and sets become arrays; anything JSON cannot carry is refused naming the key."""
    out = {}
    for key, value in params.items():
        if value is None:
            if key not in nullable:
                continue
        elif value is NOT_GIVEN or isinstance(value, NotGiven):
            continue
        elif isinstance(value, (tuple, set, frozenset)):
            value = list(value)
        out[key] = value
    if not out:
        return None
    try:
        return _encode(out).encode()
    except (TypeError, ValueError):
        pass
    # Find the key to blame (the slow path runs only for bad input).
    for key, value in out.items():
        if not isinstance(value, (bool, int, float, str)) and hasattr(value, "__index__"):
            out[key] = value = operator.index(value)
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise InvalidArgumentError(f'params: "{key}" cannot be sent: {e}') from None
    return json.dumps(out, allow_nan=False, separators=(",", ":")).encode()
