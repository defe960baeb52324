"""The models: pydantic v2 models under the official SDK's names (its misspellings included),
so ``from openint.types import ...`` keeps working. Imported on first use (pydantic's import
and the class builds cost time that ``import openint`` does not pay).

Shapes follow the OpenAPI spec (tests/data/openint/openapi.json). Where the official SDK has
one class per connector (``GetConnectionResponse`` is a union of 160 classes), there is one
class here with the fields every connector shares typed: ``connection.settings.oauth.
credentials.access_token`` and ``connector_config.config.oauth.client_id`` read as there;
a connector's own settings are kept as extra fields (attributes, ``model_extra``). Enum-like
fields are ``str``: the real server sends values no schema lists (``stage: "deprecated"``).
Timestamps stay the server's text (``2025-03-21 05:03:09.122207+00``), as in the official SDK.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Union

from ._models import BaseModel, Nested
from ._param_types import *  # noqa: F403 - the official Client<Method>Params TypedDicts
from ._param_types import __all__ as _PARAMS

__all__ = [
    "BaseModel",
    "CheckConnectionResponse",
    "Connection",
    "ConnectionSettings",
    "ConnectionSettingsOAuth",
    "ConnectionSettingsOAuthCredentials",
    "Connector",
    "ConnectorConfig",
    "ConnectorConfigConfig",
    "ConnectorConfigConfigOAuth",
    "ConnectorStatus",
    "ConnectorStatusResponse",
    "CreateConnectionResponse",
    "CreateConnectorConfigResponse",
    "CreateConnnectorConfigResponse",
    "CreateTokenResponse",
    "Customer",
    "CustomerSummary",
    "DeleteConnectionResponse",
    "DeleteConnectorConfigResponse",
    "Event",
    "GetConectorConfigResponse",
    "GetConnectionResponse",
    "GetConnectorConfigResponse",
    "GetCurrentUserResponse",
    "GetMessageTemplateResponse",
    "HealthEchoResponse",
    "HealthResponse",
    "Integration",
    "ListConnectionConfigsResponse",
    "ListConnectionsResponse",
    "ListConnectorConfigsResponse",
    "ListConnectorsResponse",
    "ListConnnectorConfigsResponse",
    "ListCustomersResponse",
    "ListEventsResponse",
    "MessageTemplate",
    "Schemas",
    "Scope",
    "UpdateConnectorConfigResponse",
    "UpsertConnnectorConfigResponse",
    "UpsertCustomerResponse",
    "Viewer",
    "WebhookResponse",
    *_PARAMS,
]

# Free-form JSON, as the official SDK types it.
JSONValue = Union[str, float, bool, Dict[str, object], List[object], None]


class Scope(BaseModel):
    """One OAuth scope of a connector."""

    scope: str
    description: Optional[str] = None
    display_name: Optional[str] = None


class Schemas(BaseModel):
    """A connector's JSON Schemas (``expand=["schemas"]``)."""

    connect_input: Optional[object] = None
    connect_output: Optional[object] = None
    connection_settings: Optional[object] = None
    connector_config: Optional[object] = None
    integration_data: Optional[object] = None
    pre_connect_input: Optional[object] = None
    webhook_input: Optional[object] = None


class Integration(BaseModel):
    """One integration of a connector."""

    id: str
    connector_name: str
    created_at: str
    external: JSONValue = None
    name: str
    standard: JSONValue = None
    updated_at: str
    auth_type: Optional[str] = None
    category: Optional[str] = None
    logo_url: Optional[str] = None
    platforms: Optional[List[str]] = None
    stage: Optional[str] = None
    version: Optional[str] = None


class Connector(BaseModel):
    """A connector (``GET /connector``; nested in connections and connector configs)."""

    name: str
    auth_type: Optional[str] = None
    display_name: Optional[str] = None
    has_openint_credentials: Optional[bool] = None
    logo_url: Optional[str] = None
    openint_allowed_scopes: Optional[List[str]] = None
    openint_default_scopes: Optional[List[str]] = None
    platforms: Optional[List[str]] = None
    required_scopes: Optional[List[str]] = None
    schemas: Nested[Optional[Schemas]] = None
    scopes: Nested[Optional[List[Scope]]] = None
    stage: Optional[str] = None
    integrations: Nested[Optional[List[Integration]]] = None


class ConnectionSettingsOAuthCredentials(BaseModel):
    """The OAuth credentials of a connection (``include_secrets=True``)."""

    access_token: Optional[str] = None
    client_id: Optional[str] = None
    expires_at: Optional[str] = None
    expires_in: Optional[float] = None
    raw: Optional[Dict[str, object]] = None
    refresh_token: Optional[str] = None
    scope: Optional[str] = None
    token_type: Optional[str] = None


class ConnectionSettingsOAuth(BaseModel):
    created_at: Optional[str] = None
    credentials: Nested[Optional[ConnectionSettingsOAuthCredentials]] = None
    last_fetched_at: Optional[str] = None
    metadata: Optional[Dict[str, object]] = None
    updated_at: Optional[str] = None


class ConnectionSettings(BaseModel):
    """A connection's settings: ``oauth`` for OAuth connectors, ``access_token`` (the same
    token, easier to reach); each connector's own fields are kept as extra fields."""

    oauth: Nested[Optional[ConnectionSettingsOAuth]] = None
    access_token: Optional[str] = None


class Connection(BaseModel):
    """A connection (``conn_...``) of a customer to a connector. ``settings`` (credentials)
    comes with ``include_secrets=True``; ``connector`` with ``expand=["connector"]``.
    ``status_message`` can carry secrets from the provider: do not log it."""

    connector_name: str
    id: Optional[str] = None
    connector: Nested[Optional[Connector]] = None
    connector_config_id: Optional[str] = None
    created_at: Optional[str] = None
    customer_id: Optional[str] = None
    disabled: Optional[bool] = None
    display_name: Optional[str] = None
    integration: Nested[Optional[Integration]] = None
    integration_id: Optional[str] = None
    metadata: Optional[Dict[str, object]] = None
    settings: Nested[Optional[ConnectionSettings]] = None
    status: Optional[str] = None
    status_message: Optional[str] = None
    updated_at: Optional[str] = None


class ConnectorConfigConfigOAuth(BaseModel):
    client_id: Optional[str] = None
    client_secret: Optional[str] = None
    redirect_uri: Optional[str] = None
    scopes: Optional[List[str]] = None


class ConnectorConfigConfig(BaseModel):
    """A connector config's ``config``: ``oauth`` for OAuth connectors; each connector's own
    fields are kept as extra fields."""

    oauth: Nested[Optional[ConnectorConfigConfigOAuth]] = None


class ConnectorConfig(BaseModel):
    """A connector config (``ccfg_...``): the organization's settings for one connector.
    ``connector`` and ``connection_count`` come with ``expand``."""

    connector_name: str
    config: Nested[Optional[ConnectorConfigConfig]] = None
    id: Optional[str] = None
    connection_count: Optional[float] = None
    connector: Nested[Optional[Connector]] = None
    created_at: Optional[str] = None
    disabled: Optional[bool] = None
    display_name: Optional[str] = None
    integrations: Nested[Optional[Dict[str, Integration]]] = None
    metadata: Optional[Dict[str, object]] = None
    org_id: Optional[str] = None
    updated_at: Optional[str] = None


class CheckConnectionResponse(BaseModel):
    """The result of ``check_connection``: a failed check is still a 200 with ``status``
    ``disconnected`` or ``error``."""

    id: str
    status: Optional[str] = None
    status_message: Optional[str] = None


class DeleteConnectionResponse(BaseModel):
    id: str


class DeleteConnectorConfigResponse(BaseModel):
    id: str


class CreateTokenResponse(BaseModel):
    """``token`` (a customer JWT for @Connect), ``magic_link_url`` and the customer's
    long-lived ``api_key``."""

    token: str
    api_key: Optional[str] = None
    magic_link_url: str


class Customer(BaseModel):
    """A customer as ``upsert_customer`` returns it (with its ``api_key``)."""

    id: str
    api_key: Optional[str] = None
    created_at: str
    metadata: JSONValue = None
    org_id: str
    updated_at: str


class CustomerSummary(BaseModel):
    """A customer as ``list_customers`` lists it (only customers with a connection)."""

    id: Optional[str] = None
    connection_count: float
    created_at: str
    updated_at: str


class Event(BaseModel):
    """An event (``evt_...``); ``data`` is shaped by ``name``."""

    data: object = None
    name: str
    id: Optional[str] = None
    customer_id: Optional[str] = None
    org_id: Optional[str] = None
    prompt: Optional[str] = None
    timestamp: Optional[str] = None
    user: JSONValue = None
    user_id: Optional[str] = None
    v: Optional[str] = None


class Viewer(BaseModel):
    """Who the token belongs to: ``role`` (``anon``, ``customer``, ``user``, ``org``,
    ``system``) and, by role, ``orgId``/``customerId``/``userId`` (the server's camelCase,
    kept as extra fields; also readable as ``org_id``, ``customer_id``, ``user_id``)."""

    role: str

    @property
    def org_id(self) -> Optional[str]:
        return (self.model_extra or {}).get("orgId")

    @property
    def customer_id(self) -> Optional[str]:
        return (self.model_extra or {}).get("customerId")

    @property
    def user_id(self) -> Optional[str]:
        return (self.model_extra or {}).get("userId")


class MessageTemplate(BaseModel):
    language: str
    template: str


class HealthResponse(BaseModel):
    ok: bool


class HealthEchoResponse(BaseModel):
    """``input``: the body the server received, echoed."""

    input: Optional[Dict[str, object]] = None


class ConnectorStatus(BaseModel):
    """One connector's status for the organization (the server's camelCase names)."""

    name: str
    hasConnectionForOrg: Optional[bool] = None
    isHealthyForOrg: Optional[bool] = None
    hasDefaultCredentials: Optional[bool] = None
    complete: Optional[bool] = None


class ConnectorStatusResponse(BaseModel):
    list: Nested[Optional[List[ConnectorStatus]]] = None  # noqa: A003 - the server's name


class WebhookResponse(BaseModel):
    """What the connector's webhook handler answered (``status``, ``info``)."""

    status: Optional[str] = None
    info: Optional[Dict[str, object]] = None


# The official SDK's names for the same shapes (with its misspellings).
ListConnectorsResponse = Connector
GetConnectionResponse = Connection
ListConnectionsResponse = Connection
CreateConnectionResponse = Connection
GetConectorConfigResponse = ConnectorConfig
GetConnectorConfigResponse = ConnectorConfig
ListConnectionConfigsResponse = ConnectorConfig
ListConnnectorConfigsResponse = ConnectorConfig
ListConnectorConfigsResponse = ConnectorConfig
CreateConnnectorConfigResponse = ConnectorConfig
CreateConnectorConfigResponse = ConnectorConfig
UpsertConnnectorConfigResponse = ConnectorConfig
UpdateConnectorConfigResponse = ConnectorConfig
UpsertCustomerResponse = Customer
ListCustomersResponse = CustomerSummary
ListEventsResponse = Event
GetCurrentUserResponse = Viewer
GetMessageTemplateResponse = MessageTemplate
