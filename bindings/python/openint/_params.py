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
    return value


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
    return f"openint-python/{package_version} openint-rust/{library_version} python/{v[0]}.{v[1]}"


def with_user_agent(headers: Optional[Mapping[str, str]], agent: str) -> dict:
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
