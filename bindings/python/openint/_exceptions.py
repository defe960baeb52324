"""Exceptions, with the official SDK's names and hierarchy, built from OpenintError handles.

The core decides what every failure is (src/error.rs); this module only picks the class for
the status number and copies the error's fields out before the handle is freed::

    OpenintError
    ├── InvalidArgumentError (also ValueError)     bad input, before any request
    ├── InternalError                              a bug in the library
    └── APIError
        ├── APIStatusError                         non-2xx answer (status_code)
        │   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
        │   ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
        │   └── RateLimitError 429, InternalServerError >= 500
        ├── APIConnectionError                     no answer, or a broken one
        │   ├── APITimeoutError (also TimeoutError)
        │   └── APIProtocolError                   an answer that is not valid HTTP
        ├── APIUserAbortError                      the call was cancelled
        ├── APIResponseValidationError             a 2xx answer that is not a page
        └── BodyTooLargeError                      answer over max_body_bytes
"""

from __future__ import annotations

import enum
import json
from typing import Any, Dict, List, Optional, Tuple, Type


class Status(enum.IntEnum):
    """OpenintStatus from include/openint.h (numbers are part of the ABI)."""

    OK = 0
    INVALID_ARGUMENT = 1
    CONNECTION = 2
    TIMEOUT = 3
    BAD_REQUEST = 4
    AUTHENTICATION = 5
    PERMISSION_DENIED = 6
    NOT_FOUND = 7
    CONFLICT = 8
    UNPROCESSABLE_ENTITY = 9
    RATE_LIMITED = 10
    INTERNAL_SERVER = 11
    API_STATUS = 12
    DECODE = 13
    BODY_TOO_LARGE = 14
    INTERNAL = 15
    CANCELLED = 16
    PROTOCOL = 17
    END = 100


class OpenintError(Exception):
    """Base of every error this package raises.

    ``message`` is the core's description (for a status error, the server's ``message``);
    ``kind`` is the core's :class:`Status`; ``retries`` is how many retries the call made
    before giving up. No attribute ever holds the token: the core redacts it.
    """

    kind: Status = Status.INTERNAL

    def __init__(self, message: str, *, retries: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.retries = retries

    def __str__(self) -> str:
        return self.message + (f" (after {self.retries} retries)" if self.retries else "")


class InvalidArgumentError(OpenintError, ValueError):
    """Bad input from the caller (an option or parameter, named in the message), found
    before any request was sent."""

    kind = Status.INVALID_ARGUMENT


class InternalError(OpenintError):
    """A bug in the openint library (a caught panic). Please report it."""

    kind = Status.INTERNAL


class APIError(OpenintError):
    """A request was made and failed. ``body`` is the answer's body decoded from JSON (the raw
    text when it is not JSON; None when there was no answer), ``code`` the server's error code
    (e.g. "NOT_FOUND") and ``request_id`` the ``x-request-id`` header, when present."""

    def __init__(
        self,
        message: str,
        *,
        body: object = None,
        code: Optional[str] = None,
        request_id: Optional[str] = None,
        retries: int = 0,
        method: Optional[str] = None,
        url: Optional[str] = None,
        display: Optional[str] = None,
        headers: Optional[List[Tuple[str, str]]] = None,
    ) -> None:
        super().__init__(message, retries=retries)
        # The error answer's headers (lowercased names, in arrival order); empty without one.
        self._headers = headers or []
        self.body = body
        self.code = code
        self.request_id = request_id
        # The failed request (None when none was made); the URL never carries credentials.
        self.method = method
        self.url = url
        # The core's one-line description (status, code, message, method URL, request id,
        # retries), fit for a log.
        self.display = display

    def __str__(self) -> str:
        text = self.message
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text + (f" (after {self.retries} retries)" if self.retries else "")

    @property
    def request(self) -> Any:
        """The failed request (the official ``e.request``): ``method``, ``url`` (never with
        credentials) and ``headers`` (empty: the core does not keep them)."""
        from ._response import Headers, Request

        return Request(self.method or "", self.url or "", Headers([]))


class APIStatusError(APIError):
    """The server answered with a non-2xx HTTP status (``status_code``). This class itself is
    raised for statuses without a subclass, such as a redirect to another origin (refused so
    that the token never leaves its origin)."""

    kind = Status.API_STATUS
    status_code: int

    def __init__(self, message: str, *, status_code: int, body_text: Optional[str] = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.status_code = status_code
        self._body_text = body_text

    def __str__(self) -> str:
        # The official SDK's shape: "Error code: 404 - {'message': ..., 'code': ...}" for a
        # JSON body, else the body's text, else the code alone.
        if self.body is not None and not isinstance(self.body, str):
            return f"Error code: {self.status_code} - {self.body}"
        text = (self._body_text or "").strip()
        return text or f"Error code: {self.status_code}"

    @property
    def response(self) -> Any:
        """The answer (the official ``e.response``): ``status_code``, ``text``, ``json()``,
        ``headers`` (the error answer's), ``request``, ``url``."""
        from ._response import Headers, Response

        headers = Headers(self._headers)
        text = self._body_text if self._body_text is not None else ("" if self.body is None else str(self.body))
        return Response(self.status_code, text, self.request, headers)


class BadRequestError(APIStatusError):
    kind = Status.BAD_REQUEST


class AuthenticationError(APIStatusError):
    kind = Status.AUTHENTICATION


class PermissionDeniedError(APIStatusError):
    kind = Status.PERMISSION_DENIED


class NotFoundError(APIStatusError):
    kind = Status.NOT_FOUND


class ConflictError(APIStatusError):
    kind = Status.CONFLICT


class UnprocessableEntityError(APIStatusError):
    kind = Status.UNPROCESSABLE_ENTITY


class RateLimitError(APIStatusError):
    kind = Status.RATE_LIMITED


class InternalServerError(APIStatusError):
    """HTTP 500 and above."""

    kind = Status.INTERNAL_SERVER


class APIConnectionError(APIError):
    """The connection could not be made or broke (including a body cut off mid-way)."""

    kind = Status.CONNECTION


class APITimeoutError(APIConnectionError, TimeoutError):
    """A per-attempt timeout or the call's deadline passed."""

    kind = Status.TIMEOUT


class APIProtocolError(APIConnectionError):
    """The server's answer is not valid HTTP (a garbage status line, a header flood). Not
    retried."""

    kind = Status.PROTOCOL


class APIUserAbortError(APIError):
    """The call was cancelled (its task was cancelled, or Ctrl-C arrived) before it finished.
    Async callers see ``asyncio.CancelledError`` and sync callers ``KeyboardInterrupt``
    instead; this class is what a call cancelled another way raises."""

    kind = Status.CANCELLED


class APIResponseValidationError(APIError):
    """A 2xx answer that is not the expected JSON (not JSON, not an object, nested too
    deeply), or a server that ignores ``offset`` (which would otherwise page forever).
    ``status_code`` is the answer's HTTP status."""

    kind = Status.DECODE
    status_code: int = 200

    def __init__(self, message: str, *, status_code: int = 200, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.status_code = status_code


class BodyTooLargeError(APIError):
    """The response body passed ``max_body_bytes``."""

    kind = Status.BODY_TOO_LARGE


# Short name kept from this package's first version.
DecodeError = APIResponseValidationError

ERROR_CLASSES: Dict[int, Type[OpenintError]] = {
    cls.kind: cls
    for cls in (
        InvalidArgumentError,
        APIConnectionError,
        APITimeoutError,
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
        APIStatusError,
        APIResponseValidationError,
        BodyTooLargeError,
        InternalError,
        APIUserAbortError,
        APIProtocolError,
    )
}


def decode_body(raw: Optional[str]) -> object:
    """The official SDK's ``body``: decoded JSON when the body is JSON, else the text."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def make_error(
    status: int,
    message: str,
    *,
    http_status: int = 0,
    code: Optional[str] = None,
    body: Optional[str] = None,
    request_id: Optional[str] = None,
    retries: int = 0,
    method: Optional[str] = None,
    url: Optional[str] = None,
    display: Optional[str] = None,
    headers: Optional[List[Tuple[str, str]]] = None,
) -> OpenintError:
    """The exception for a failed call's status and fields."""
    cls = ERROR_CLASSES.get(status, InternalError)
    if issubclass(cls, APIError):
        kw: Dict[str, Any] = dict(
            body=decode_body(body),
            code=code,
            request_id=request_id,
            retries=retries,
            method=method,
            url=url,
            display=display,
            headers=headers,
        )
        if issubclass(cls, APIStatusError):
            kw["status_code"] = http_status
            kw["body_text"] = body
        elif issubclass(cls, APIResponseValidationError):
            kw["status_code"] = http_status or 200
        return cls(message, **kw)
    return cls(message, retries=retries)
