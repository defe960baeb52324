"""openint: a Python client for the OpenInt API, over the libopenint Rust core.

A drop-in for the official SDK (same method names, keywords, exceptions and page shapes) for
every operation of the v1 API, sync and async; HTTP, retries, timeouts and pagination happen
in the Rust core (include/openint.h)::

    from openint import Openint

    with Openint() as client:                     # token from OPENINT_API_KEY
        for connector in client.list_connectors(limit=100):
            print(connector.name, connector.stage)
"""

from . import types
from ._client import AsyncClient, AsyncOpenint, AsyncOpenintWithRawResponse, Client, Openint, OpenintWithRawResponse
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIProtocolError,
    APIResponseValidationError,
    APIUserAbortError,
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
from ._logging import set_log_level
from ._models import (
    BaseModel,
    CheckConnectionResponse,
    Connection,
    Connector,
    ConnectorConfig,
    ConnectorStatus,
    ConnectorStatusResponse,
    CreateTokenResponse,
    Customer,
    CustomerSummary,
    DeleteConnectionResponse,
    DeleteConnectorConfigResponse,
    Event,
    HealthEchoResponse,
    HealthResponse,
    Integration,
    ListConnectorsResponse,
    MessageTemplate,
    Schemas,
    Scope,
    Viewer,
    WebhookResponse,
)
from ._response import APIResponse, AsyncAPIResponse, Headers
from ._types import NOT_GIVEN, NotGiven, Omit
from .pagination import AsyncOffsetPage, AsyncOffsetPagination, AsyncPaginator, SyncOffsetPage, SyncOffsetPagination

__version__ = "0.2.0"

# The official SDK's defaults, under its names.
DEFAULT_MAX_RETRIES = 2
DEFAULT_TIMEOUT = 60.0
__title__ = "openint"


def library_version() -> str:
    """The version of the libopenint actually loaded, e.g. "0.1.0"."""
    version: bytes = _lib.openint_version()
    return version.decode()


def library_path() -> str:
    """The file libopenint was loaded from."""
    return _lib._name


__all__ = [
    "ABI_VERSION",
    "APIConnectionError",
    "APIError",
    "APIProtocolError",
    "APIResponse",
    "APIResponseValidationError",
    "APIUserAbortError",
    "AsyncAPIResponse",
    "AsyncClient",
    "AsyncOffsetPage",
    "AsyncOffsetPagination",
    "AsyncOpenint",
    "AsyncOpenintWithRawResponse",
    "AsyncPaginator",
    "CheckConnectionResponse",
    "Connection",
    "ConnectorConfig",
    "ConnectorStatus",
    "ConnectorStatusResponse",
    "CreateTokenResponse",
    "Customer",
    "CustomerSummary",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DeleteConnectionResponse",
    "DeleteConnectorConfigResponse",
    "Event",
    "Headers",
    "HealthEchoResponse",
    "HealthResponse",
    "MessageTemplate",
    "NOT_GIVEN",
    "NotGiven",
    "Omit",
    "OpenintWithRawResponse",
    "Viewer",
    "WebhookResponse",
    "set_log_level",
    "types",
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
