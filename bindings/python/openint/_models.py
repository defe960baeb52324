"""Typed, read-only views over the server's decoded JSON, one class per kind of answer.

A model keeps the dict ``json.loads`` made and resolves attributes from it on access, so
wrapping an item costs one small object (listing speed stays near a bare ``json.loads``
loop). Every field of the real answer is a typed attribute, None when absent; fields no
schema lists yet stay reachable as attributes and in ``model_extra``; ``to_dict()`` gives
back exactly what the server sent. Enum-like fields are plain ``str``: the real server sends
values no schema lists (``stage: "deprecated"``, ``auth_type: "SAML2"``). Free-form fields
(``settings``, ``config``, ``data``, ``metadata``) are plain dicts; timestamps stay the
server's PostgreSQL text (``2025-03-21 05:03:09.122207+00``).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, TypeVar, Union, overload

T = TypeVar("T")
M = TypeVar("M", bound="BaseModel")

_MISSING = object()


class _Field(Generic[T]):
    """A field read straight from the model's dict (None when absent)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: Any = None) -> "_Field[T]": ...

    @overload
    def __get__(self, obj: object, owner: Any = None) -> T: ...

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        return obj._data.get(self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        raise AttributeError(f"{type(obj).__name__}.{self.name} is read-only; change a copy from to_dict()")


class _Nested(_Field[T]):
    """A field holding a model (or a list of models): converted on first access, then cached
    so that repeated access returns the same objects. A value of an unexpected JSON type is
    returned as it came rather than hidden."""

    __slots__ = ("convert",)

    def __init__(self, name: str, convert: Callable[[Any], Any]) -> None:
        super().__init__(name)
        self.convert = convert

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        cache = obj._cache
        if cache is None:
            cache = obj._cache = {}
        value = cache.get(self.name, _MISSING)
        if value is _MISSING:
            value = cache[self.name] = self.convert(obj._data.get(self.name))
        return value


def _one(cls: "type[M]") -> Callable[[Any], Any]:
    return lambda v: cls(v) if isinstance(v, dict) else v


def _many(cls: "type[M]") -> Callable[[Any], Any]:
    return lambda v: [cls(x) if isinstance(x, dict) else x for x in v] if isinstance(v, list) else v


class BaseModel:
    """Base of the models: attribute access, ``to_dict()``, ``to_json()``, ``model_extra``,
    equality by content. Build one from a mapping (``Connector({"name": "x"})``) or keywords
    (``Connector(name="x")``)."""

    __slots__ = ("_data", "_cache")
    # The fields this class types; set for each subclass below.
    model_fields: "frozenset[str]" = frozenset()

    def __init__(self, data: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> None:
        if fields or not isinstance(data, dict):
            data = {**(data or {}), **fields}
        self._data: Dict[str, Any] = data
        self._cache: Optional[Dict[str, Any]] = None

    def __getattr__(self, name: str) -> Any:
        # Only reached when no field or method has this name: a field no schema lists yet.
        if not name.startswith("_"):
            try:
                return self._data[name]
            except (KeyError, AttributeError):
                pass
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def model_extra(self) -> Dict[str, Any]:
        """Fields the server sent that this class does not type, e.g. ones added to the API
        later (as pydantic's ``model_extra``)."""
        known = self.model_fields
        return {k: v for k, v in self._data.items() if k not in known}

    def to_dict(self) -> Dict[str, Any]:
        """A deep copy of the JSON object the server sent: only the fields it sent, unknown
        ones included, in its order."""
        return copy.deepcopy(self._data)

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        """The object as JSON text (``indent=None`` for compact text)."""
        separators = (",", ":") if indent is None else None
        return json.dumps(self._data, indent=indent, ensure_ascii=False, separators=separators)

    # pydantic's spellings, for code written against the official SDK.
    def model_dump(self) -> Dict[str, Any]:
        return self.to_dict()

    def model_dump_json(self, *, indent: Optional[int] = None) -> str:
        return self.to_json(indent=indent)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._data == other._data)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._data.items())
        return f"{type(self).__name__}({inner})"

    def __reduce__(self) -> Any:
        return (type(self), (self._data,))

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | {k for k in self._data if k.isidentifier()})


class Scope(BaseModel):
    """One OAuth scope of a connector."""

    __slots__ = ()
    scope: _Field[str] = _Field("scope")
    display_name: _Field[Optional[str]] = _Field("display_name")
    description: _Field[Optional[str]] = _Field("description")


class Schemas(BaseModel):
    """A connector's JSON Schemas (``expand=["schemas"]``); each is the schema's dict."""

    __slots__ = ()
    connector_config: _Field[Optional[Dict[str, Any]]] = _Field("connector_config")
    connection_settings: _Field[Optional[Dict[str, Any]]] = _Field("connection_settings")
    integration_data: _Field[Optional[Dict[str, Any]]] = _Field("integration_data")
    webhook_input: _Field[Optional[Dict[str, Any]]] = _Field("webhook_input")
    pre_connect_input: _Field[Optional[Dict[str, Any]]] = _Field("pre_connect_input")
    connect_input: _Field[Optional[Dict[str, Any]]] = _Field("connect_input")
    connect_output: _Field[Optional[Dict[str, Any]]] = _Field("connect_output")


# `standard` and `external` are free-form JSON on the server.
JSONValue = Union[str, float, bool, Dict[str, Any], List[Any], None]


class Integration(BaseModel):
    """One integration of a connector. Timestamps are kept as the server's text (PostgreSQL
    format, e.g. ``2025-03-21 05:03:09.122207+00``), not parsed."""

    __slots__ = ()
    id: _Field[str] = _Field("id")
    connector_name: _Field[str] = _Field("connector_name")
    name: _Field[str] = _Field("name")
    created_at: _Field[str] = _Field("created_at")
    updated_at: _Field[str] = _Field("updated_at")
    standard: _Field[JSONValue] = _Field("standard")
    external: _Field[JSONValue] = _Field("external")
    auth_type: _Field[Optional[str]] = _Field("auth_type")
    category: _Field[Optional[str]] = _Field("category")
    logo_url: _Field[Optional[str]] = _Field("logo_url")
    platforms: _Field[Optional[List[str]]] = _Field("platforms")
    stage: _Field[Optional[str]] = _Field("stage")
    version: _Field[Optional[str]] = _Field("version")


class Connector(BaseModel):
    """A connector from ``GET /connector``. Only ``name`` is always present."""

    __slots__ = ()
    name: _Field[str] = _Field("name")
    display_name: _Field[Optional[str]] = _Field("display_name")
    logo_url: _Field[Optional[str]] = _Field("logo_url")
    stage: _Field[Optional[str]] = _Field("stage")
    platforms: _Field[Optional[List[str]]] = _Field("platforms")
    schemas: _Field[Optional[Schemas]] = _Nested("schemas", _one(Schemas))
    auth_type: _Field[Optional[str]] = _Field("auth_type")
    required_scopes: _Field[Optional[List[str]]] = _Field("required_scopes")
    openint_default_scopes: _Field[Optional[List[str]]] = _Field("openint_default_scopes")
    openint_allowed_scopes: _Field[Optional[List[str]]] = _Field("openint_allowed_scopes")
    scopes: _Field[Optional[List[Scope]]] = _Nested("scopes", _many(Scope))
    has_openint_credentials: _Field[Optional[bool]] = _Field("has_openint_credentials")
    integrations: _Field[Optional[List[Integration]]] = _Nested("integrations", _many(Integration))


class ConnectorConfig(BaseModel):
    """A connector config (``ccfg_...``): the organization's settings for one connector.
    ``connector`` and ``connection_count`` come with ``expand``."""

    __slots__ = ()
    id: _Field[str] = _Field("id")
    connector_name: _Field[str] = _Field("connector_name")
    display_name: _Field[Optional[str]] = _Field("display_name")
    disabled: _Field[Optional[bool]] = _Field("disabled")
    config: _Field[Optional[Dict[str, Any]]] = _Field("config")
    metadata: _Field[Optional[Dict[str, Any]]] = _Field("metadata")
    org_id: _Field[Optional[str]] = _Field("org_id")
    created_at: _Field[Optional[str]] = _Field("created_at")
    updated_at: _Field[Optional[str]] = _Field("updated_at")
    connector: _Field[Optional[Connector]] = _Nested("connector", _one(Connector))
    connection_count: _Field[Optional[int]] = _Field("connection_count")
    integrations: _Field[Optional[Dict[str, Any]]] = _Field("integrations")


class Connection(BaseModel):
    """A connection (``conn_...``) of a customer to a connector. ``settings`` (credentials)
    comes with ``include_secrets=True``; ``connector`` with ``expand=["connector"]``.
    ``status_message`` can carry secrets from the provider: do not log it."""

    __slots__ = ()
    id: _Field[str] = _Field("id")
    connector_name: _Field[str] = _Field("connector_name")
    customer_id: _Field[Optional[str]] = _Field("customer_id")
    connector_config_id: _Field[Optional[str]] = _Field("connector_config_id")
    integration_id: _Field[Optional[str]] = _Field("integration_id")
    display_name: _Field[Optional[str]] = _Field("display_name")
    disabled: _Field[Optional[bool]] = _Field("disabled")
    status: _Field[Optional[str]] = _Field("status")
    status_message: _Field[Optional[str]] = _Field("status_message")
    settings: _Field[Optional[Dict[str, Any]]] = _Field("settings")
    metadata: _Field[Optional[Dict[str, Any]]] = _Field("metadata")
    created_at: _Field[Optional[str]] = _Field("created_at")
    updated_at: _Field[Optional[str]] = _Field("updated_at")
    connector: _Field[Optional[Connector]] = _Nested("connector", _one(Connector))
    integration: _Field[Optional[Integration]] = _Nested("integration", _one(Integration))


class CheckConnectionResponse(BaseModel):
    """The result of ``check_connection``: a failed check is still a 200 with ``status``
    ``disconnected`` or ``error``."""

    __slots__ = ()
    id: _Field[str] = _Field("id")
    status: _Field[Optional[str]] = _Field("status")
    status_message: _Field[Optional[str]] = _Field("status_message")


class DeleteConnectionResponse(BaseModel):
    __slots__ = ()
    id: _Field[str] = _Field("id")


class DeleteConnectorConfigResponse(BaseModel):
    __slots__ = ()
    id: _Field[str] = _Field("id")


class CreateTokenResponse(BaseModel):
    """``token`` (a customer JWT for @Connect), ``magic_link_url`` and the customer's
    long-lived ``api_key``."""

    __slots__ = ()
    token: _Field[str] = _Field("token")
    magic_link_url: _Field[str] = _Field("magic_link_url")
    api_key: _Field[Optional[str]] = _Field("api_key")


class Customer(BaseModel):
    """A customer as ``upsert_customer`` returns it (with its ``api_key``)."""

    __slots__ = ()
    id: _Field[str] = _Field("id")
    org_id: _Field[Optional[str]] = _Field("org_id")
    api_key: _Field[Optional[str]] = _Field("api_key")
    metadata: _Field[Optional[Dict[str, Any]]] = _Field("metadata")
    created_at: _Field[Optional[str]] = _Field("created_at")
    updated_at: _Field[Optional[str]] = _Field("updated_at")


class CustomerSummary(BaseModel):
    """A customer as ``list_customers`` lists it (only customers with a connection)."""

    __slots__ = ()
    id: _Field[Optional[str]] = _Field("id")
    connection_count: _Field[Optional[int]] = _Field("connection_count")
    created_at: _Field[Optional[str]] = _Field("created_at")
    updated_at: _Field[Optional[str]] = _Field("updated_at")


class Event(BaseModel):
    """An event (``evt_...``); ``data`` is the event's own dict, shaped by ``name``."""

    __slots__ = ()
    id: _Field[Optional[str]] = _Field("id")
    name: _Field[str] = _Field("name")
    data: _Field[Optional[Dict[str, Any]]] = _Field("data")
    timestamp: _Field[Optional[str]] = _Field("timestamp")
    customer_id: _Field[Optional[str]] = _Field("customer_id")
    org_id: _Field[Optional[str]] = _Field("org_id")
    user_id: _Field[Optional[str]] = _Field("user_id")
    user: _Field[JSONValue] = _Field("user")
    v: _Field[Optional[str]] = _Field("v")
    prompt: _Field[Optional[str]] = _Field("prompt")


class Viewer(BaseModel):
    """Who the token belongs to: ``role`` (``anon``, ``customer``, ``user``, ``org``,
    ``system``) and, depending on it, ``orgId``/``customerId``/``userId`` (the server's
    camelCase; also readable as ``org_id``, ``customer_id``, ``user_id``)."""

    __slots__ = ()
    role: _Field[str] = _Field("role")
    orgId: _Field[Optional[str]] = _Field("orgId")
    customerId: _Field[Optional[str]] = _Field("customerId")
    userId: _Field[Optional[str]] = _Field("userId")
    org_id: _Field[Optional[str]] = _Field("orgId")
    customer_id: _Field[Optional[str]] = _Field("customerId")
    user_id: _Field[Optional[str]] = _Field("userId")


class MessageTemplate(BaseModel):
    __slots__ = ()
    language: _Field[str] = _Field("language")
    template: _Field[str] = _Field("template")


class HealthResponse(BaseModel):
    __slots__ = ()
    ok: _Field[bool] = _Field("ok")


class HealthEchoResponse(BaseModel):
    """``input``: the body the server received, echoed."""

    __slots__ = ()
    input: _Field[Optional[Dict[str, Any]]] = _Field("input")


class ConnectorStatus(BaseModel):
    """One connector's status for the organization (the server's camelCase names)."""

    __slots__ = ()
    name: _Field[str] = _Field("name")
    hasConnectionForOrg: _Field[Optional[bool]] = _Field("hasConnectionForOrg")
    isHealthyForOrg: _Field[Optional[bool]] = _Field("isHealthyForOrg")
    hasDefaultCredentials: _Field[Optional[bool]] = _Field("hasDefaultCredentials")
    complete: _Field[Optional[bool]] = _Field("complete")


class ConnectorStatusResponse(BaseModel):
    __slots__ = ()
    list: _Field[Optional[List[ConnectorStatus]]] = _Nested("list", _many(ConnectorStatus))


class WebhookResponse(BaseModel):
    """What the connector's webhook handler answered (``status``, ``info``)."""

    __slots__ = ()
    status: _Field[Optional[str]] = _Field("status")
    info: _Field[Optional[Dict[str, Any]]] = _Field("info")


MODELS = (
    Scope,
    Schemas,
    Integration,
    Connector,
    ConnectorConfig,
    Connection,
    CheckConnectionResponse,
    DeleteConnectionResponse,
    DeleteConnectorConfigResponse,
    CreateTokenResponse,
    Customer,
    CustomerSummary,
    Event,
    Viewer,
    MessageTemplate,
    HealthResponse,
    HealthEchoResponse,
    ConnectorStatus,
    ConnectorStatusResponse,
    WebhookResponse,
)

for _cls in MODELS:
    # Viewer's snake_case spellings read the camelCase keys: only those keys are "known".
    _cls.model_fields = frozenset(v.name for v in vars(_cls).values() if isinstance(v, _Field))
del _cls

# The official SDK's names for the same shapes (with its misspellings, so imports keep working).
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

    raise APIResponseValidationError(f"{what} is a JSON {_json_type(value)}, not an object")


def _json_type(value: Any) -> str:
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
