"""openint: a Python client for the OpenInt API, over the libopenint Rust core.

A drop-in for the official SDK (same method names, keywords, exceptions and page shapes) for
every operation of the v1 API, sync and async; HTTP, retries, timeouts and pagination happen
in the Rust core (include/openint.h)::

    from openint import Openint

    with Openint() as client:                     # token from OPENINT_API_KEY
        for connector in client.list_connectors(limit=100):
            print(connector.name, connector.stage)
"""

from typing import TYPE_CHECKING, Any

from ._base_client import DefaultAioHttpClient, DefaultAsyncHttpxClient, DefaultHttpxClient
from ._client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, AsyncClient, AsyncOpenint, Client, Openint
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
from ._response import APIResponse, AsyncAPIResponse, Headers
from ._types import NOT_GIVEN, NoneType, NotGiven, Omit, RequestOptions, Timeout

if TYPE_CHECKING:
    from . import types
    from ._models import BaseModel
    from ._views import (
        AsyncOpenintWithRawResponse,
        AsyncOpenintWithStreamedResponse,
        OpenintWithRawResponse,
        OpenintWithStreamedResponse,
    )
    from .pagination import AsyncOffsetPage, AsyncOffsetPagination, AsyncPaginator, SyncOffsetPage, SyncOffsetPagination
    from .types import (
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

# Names whose modules import pydantic, loaded on first use: `import openint` stays fast.
_LAZY = {
    "types": ("", None),
    "BaseModel": ("._models", "BaseModel"),
    "OpenintWithRawResponse": ("._views", "OpenintWithRawResponse"),
    "AsyncOpenintWithRawResponse": ("._views", "AsyncOpenintWithRawResponse"),
    "OpenintWithStreamedResponse": ("._views", "OpenintWithStreamedResponse"),
    "AsyncOpenintWithStreamedResponse": ("._views", "AsyncOpenintWithStreamedResponse"),
    **{
        n: (".pagination", n)
        for n in ("AsyncOffsetPage", "AsyncOffsetPagination", "AsyncPaginator", "SyncOffsetPage", "SyncOffsetPagination")
    },
    **{
        n: (".types", n)
        for n in (
            "CheckConnectionResponse",
            "Connection",
            "Connector",
            "ConnectorConfig",
            "ConnectorStatus",
            "ConnectorStatusResponse",
            "CreateTokenResponse",
            "Customer",
            "CustomerSummary",
            "DeleteConnectionResponse",
            "DeleteConnectorConfigResponse",
            "Event",
            "HealthEchoResponse",
            "HealthResponse",
            "Integration",
            "ListConnectorsResponse",
            "MessageTemplate",
            "Schemas",
            "Scope",
            "Viewer",
            "WebhookResponse",
        )
    },
}


def __getattr__(name: str) -> Any:
    import importlib

    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'openint' has no attribute {name!r}")
    module = importlib.import_module(where[0] or ".types", __name__)
    value = module if where[1] is None else getattr(module, where[1])
    globals()[name] = value
    return value


__version__ = "0.2.0"

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
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "NoneType",
    "RequestOptions",
    "Timeout",
    "AsyncOpenintWithStreamedResponse",
    "OpenintWithStreamedResponse",
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
