"""Typed, read-only views over the server's decoded JSON: Connector, Integration, Scope, Schemas.

A model keeps the dict ``json.loads`` made and resolves attributes from it on access, so
wrapping an item costs one small object (listing speed stays near a bare ``json.loads``
loop). Every field of the real answer is a typed attribute, None when absent; fields no
schema lists yet stay reachable as attributes and in ``model_extra``; ``to_dict()`` gives
back exactly what the server sent. Enum-like fields are plain ``str``: the real server sends
values no schema lists (``stage: "deprecated"``, ``auth_type: "SAML2"``).
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
        return self._data == other._data  # type: ignore[attr-defined]

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


for _cls in (Scope, Schemas, Integration, Connector):
    _cls.model_fields = frozenset(k for k, v in vars(_cls).items() if isinstance(v, _Field))
del _cls

# The official SDK's name for an item of `list_connectors` (a Connector with integrations).
ListConnectorsResponse = Connector
