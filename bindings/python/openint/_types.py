"""Sentinels with the official SDK's names, so code that passes them keeps working."""

from __future__ import annotations

from typing import Any, Literal


class NotGiven:
    """The default of every optional parameter: "leave it out" (the server's default), as
    distinct from None. ``NOT_GIVEN`` is its one instance. Falsy, like the official one."""

    _instance: "NotGiven | None" = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> Any:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


class Omit:
    """In ``extra_headers`` or ``default_headers``: remove this header from the request
    (``{"User-Agent": Omit()}``), as in the official SDK."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "Omit()"


NoneType = type(None)
