"""The core's operation table (``openint_operations_json``), read once: each operation's
method, path and where each parameter goes. Used to check path parameters before a call
(with the official SDK's message) and to describe the request a response answers."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote, urlencode

from . import _ffi
from ._exceptions import InvalidArgumentError
from ._types import NotGiven


class Operation:
    __slots__ = ("id", "method", "path", "path_params", "query_params")

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.id: str = raw["id"]
        self.method: str = raw["method"]
        self.path: str = raw["path"]
        self.path_params: Tuple[str, ...] = tuple(p["name"] for p in raw["params"] if p["in"] == "path")
        self.query_params: Tuple[str, ...] = tuple(p["name"] for p in raw["params"] if p["in"] == "query")


OPERATIONS: Dict[str, Operation] = {
    o["id"]: Operation(o) for o in json.loads(_ffi.lib.openint_operations_json())
}


def check_path_params(op: str, params: Mapping[str, Any]) -> None:
    """An empty path parameter is refused before any request, as the official SDK words it."""
    for name in OPERATIONS[op].path_params:
        value = params.get(name)
        if not value:
            raise InvalidArgumentError(f"Expected a non-empty value for `{name}` but received {value!r}")


def _query_value(value: Any) -> Optional[str]:
    if value is None or isinstance(value, NotGiven):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(_query_value(v)) for v in value)
    return str(value)


def request_url(base_url: str, method_path: str, query: List[Tuple[str, Any]]) -> str:
    pairs = [(k, s) for k, v in query if (s := _query_value(v)) is not None]
    return base_url.rstrip("/") + method_path + ("?" + urlencode(pairs) if pairs else "")


def describe(base_url: str, op: str, params: Mapping[str, Any], extra_query: Optional[Mapping[str, Any]]) -> Tuple[str, str]:
    """(method, URL) of an operation's request: the path with its parameters encoded, the
    query parameters given, then ``extra_query``."""
    o = OPERATIONS[op]
    path = o.path
    for name in o.path_params:
        path = path.replace("{" + name + "}", quote(str(params.get(name, "")), safe=""))
    query = [(k, params.get(k)) for k in o.query_params]
    query += list((extra_query or {}).items())
    return o.method, request_url(base_url, path, query)
