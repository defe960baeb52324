"""The core's operation table (``openint_operations_json``), read once: each operation's
method, path and where each parameter goes. Used to check path parameters before a call,
with the official SDK's message."""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Tuple

from . import _ffi
from ._exceptions import InvalidArgumentError


class Operation:
    __slots__ = ("id", "method", "path_params")

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.id: str = raw["id"]
        self.method: str = raw["method"]
        self.path_params: Tuple[str, ...] = tuple(p["name"] for p in raw["params"] if p["in"] == "path")


OPERATIONS: Dict[str, Operation] = {
    o["id"]: Operation(o) for o in json.loads(_ffi.lib.openint_operations_json())
}


def check_path_params(op: str, params: Mapping[str, Any]) -> None:
    """An empty path parameter is refused before any request, as the official SDK words it."""
    for name in OPERATIONS[op].path_params:
        value = params.get(name)
        if not value:
            raise InvalidArgumentError(f"Expected a non-empty value for `{name}` but received {value!r}")
