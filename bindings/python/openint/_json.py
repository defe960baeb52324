"""JSON decoding whose failures are the package's own errors (no pydantic needed here)."""

from __future__ import annotations

import json
from typing import Any, Dict


def decode_json(raw: bytes, what: str) -> Any:
    """``json.loads`` whose failures are the package's: text that is not JSON, or JSON nested
    too deeply for Python's parser, is an :class:`APIResponseValidationError` naming `what`,
    never a bare ValueError or RecursionError."""
    from ._exceptions import APIResponseValidationError

    try:
        return json.loads(raw)
    except RecursionError:
        msg = f"{what} is nested too deeply to decode"
    except ValueError as e:  # JSONDecodeError and UnicodeDecodeError
        msg = f"{what} is not valid JSON: {e}"
    raise APIResponseValidationError(msg)


def expect_object(value: Any, what: str) -> Dict[str, Any]:
    """`value` when it is a JSON object, else an :class:`APIResponseValidationError`."""
    if type(value) is dict:
        return value
    from ._exceptions import APIResponseValidationError

    raise APIResponseValidationError(f"{what} is a JSON {json_type(value)}, not an object")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return type(value).__name__
