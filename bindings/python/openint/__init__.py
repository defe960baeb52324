"""openint: a Python client for the OpenInt API, over the libopenint Rust core.

A drop-in for the official SDK's ``list_connectors`` (same names, exceptions and page shape);
HTTP, retries, timeouts and pagination happen in the Rust core (include/openint.h)::

    from openint import Openint

    with Openint() as client:                     # token from OPENINT_API_KEY
        for connector in client.list_connectors(limit=100):
            print(connector.name, connector.stage)
"""

from ._client import Client, Openint
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BodyTooLargeError,
    ConflictError,
    DecodeError,
    InternalError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    OpenintError,
    PermissionDeniedError,
    RateLimitError,
    Status,
    UnprocessableEntityError,
)
from ._ffi import ABI_VERSION, LibraryLoadError, lib as _lib
from ._models import BaseModel, Connector, Integration, ListConnectorsResponse, Schemas, Scope
from .pagination import SyncOffsetPage, SyncOffsetPagination

__version__ = "0.1.0"
__title__ = "openint"


def library_version() -> str:
    """The version of the libopenint actually loaded, e.g. "0.1.0"."""
    return _lib.openint_version().decode()


def library_path() -> str:
    """The file libopenint was loaded from."""
    return _lib._name


__all__ = [
    "ABI_VERSION",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "BodyTooLargeError",
    "Client",
    "ConflictError",
    "Connector",
    "DecodeError",
    "Integration",
    "InternalError",
    "InternalServerError",
    "InvalidArgumentError",
    "LibraryLoadError",
    "ListConnectorsResponse",
    "NotFoundError",
    "Openint",
    "OpenintError",
    "PermissionDeniedError",
    "RateLimitError",
    "Schemas",
    "Scope",
    "Status",
    "SyncOffsetPage",
    "SyncOffsetPagination",
    "UnprocessableEntityError",
    "__version__",
    "library_path",
    "library_version",
]
