"""Sentinels with the official SDK's names, so code that passes them keeps working."""

from __future__ import annotations

from typing import Any, Dict, Literal, Mapping, Optional, TypedDict


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


_UNSET: Any = object()


class Timeout:
    """The shape of the official SDK's ``Timeout`` (``httpx.Timeout``), without httpx:
    ``Timeout(60.0, connect=5.0)``. As the client's ``timeout``, ``read`` (else ``write``,
    else ``pool``) bounds each attempt and ``connect`` the connection."""

    def __init__(
        self,
        timeout: Optional[float] = None,
        *,
        connect: Optional[float] = _UNSET,
        read: Optional[float] = _UNSET,
        write: Optional[float] = _UNSET,
        pool: Optional[float] = _UNSET,
    ) -> None:
        self.connect = timeout if connect is _UNSET else connect
        self.read = timeout if read is _UNSET else read
        self.write = timeout if write is _UNSET else write
        self.pool = timeout if pool is _UNSET else pool

    def as_dict(self) -> Dict[str, Optional[float]]:
        return {"connect": self.connect, "read": self.read, "write": self.write, "pool": self.pool}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timeout) and self.as_dict() == other.as_dict()

    def __repr__(self) -> str:
        return f"Timeout(connect={self.connect}, read={self.read}, write={self.write}, pool={self.pool})"


class RequestOptions(TypedDict, total=False):
    """``options`` of ``client.get/post/put/delete`` (the official names)."""

    headers: Mapping[str, Any]
    max_retries: int
    timeout: Any
    params: Mapping[str, object]
    extra_json: Mapping[str, object]
    idempotency_key: str
