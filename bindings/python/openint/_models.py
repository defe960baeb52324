"""The models' base: pydantic v2 models, as in the official SDK, built from the answer's bytes.

Importing this module imports pydantic (about 0.1 s), so nothing on the path of
``import openint`` + a client imports it: the client resolves model classes on its first
answer (``model_class``). Answers are validated by pydantic-core straight from the bytes the
core hands out (``model_validate_json``: JSON parsed in Rust, no ``json.loads``). An answer
that does not fit the types (the real server sends shapes no schema lists) is still
returned, built leniently as the official SDK's non-strict mode does: fields that fit are
typed, the rest kept as they came, a required field that is missing reads None. Unknown
fields are kept (``model_extra``, attributes, ``to_dict()``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar, Union, get_args, get_origin

import pydantic
from pydantic import ConfigDict, SerializeAsAny, SkipValidation
from pydantic_core import SchemaValidator
from typing_extensions import Annotated, Literal

M = TypeVar("M", bound="BaseModel")
_T = TypeVar("_T")


class _LazyMarker:
    """Marks a field holding models: validated as plain JSON, made models on first access."""


_LAZY = _LazyMarker()

# ``field: Nested[Optional[List[Scope]]]``: to type checkers and ``model_fields`` the field is
# ``Optional[List[Scope]]``; pydantic-core leaves its value as parsed JSON (no model per
# nested object while a page is validated), and the first access turns it into models once.
# This keeps a listing near a bare ``json.loads`` while every attribute reads as typed.
Nested = Annotated[SerializeAsAny[_T], SkipValidation, _LAZY]


class _NestedField:
    """The data descriptor a ``Nested`` field gets: converts the stored JSON on first read."""

    __slots__ = ("name", "annotation")

    def __init__(self, name: str, annotation: Any) -> None:
        self.name = name
        self.annotation = annotation

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            raise AttributeError(self.name)
        d = obj.__dict__
        try:
            value = d[self.name]
        except KeyError:
            return obj.__getattr__(self.name)
        if type(value) is dict or (type(value) is list and value and type(value[0]) is dict):
            value = d[self.name] = _coerce(self.annotation, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value

__all__ = ["BaseModel", "GenericModel", "Nested", "validate_json", "validate_value", "model_class"]


_LAZY_SLOTS = frozenset({"__pydantic_extra__", "__pydantic_private__"})


class BaseModel(pydantic.BaseModel):
    """Base of every model: a pydantic ``BaseModel`` that keeps unknown fields.

    ``to_dict()`` / ``to_json()`` give the fields the server sent (as the official SDK's),
    ``model_dump()`` / ``model_dump_json()`` are pydantic's own."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, arbitrary_types_allowed=True, defer_build=True)

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> Dict[str, object]:
        """The model as a dict: by default only the fields the server sent, with its key names."""
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )

    def to_json(
        self,
        *,
        indent: Optional[int] = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        """The model as JSON text (``indent=None`` for compact text), fields as ``to_dict``."""
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        lazy = tuple(name for name, field in cls.model_fields.items() if any(m is _LAZY for m in field.metadata))
        for name in lazy:
            type.__setattr__(cls, name, _NestedField(name, cls.model_fields[name].annotation))
        type.__setattr__(cls, "__openint_nested__", lazy)

    def __eq__(self, other: object) -> bool:
        # By content: a nested field may hold its JSON or, once read, its models.
        if type(other) is not type(self):
            return NotImplemented
        for model in (self, other):
            for name in getattr(type(model), "__openint_nested__", ()):
                getattr(model, name)
        return bool(super().__eq__(other))

    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        if name in _LAZY_SLOTS:
            # Left unset by the listing's fast path (``_construct.py``) on an item that has no
            # extra field (and no private attribute): what validation would have set, on first use.
            cls = type(self)
            value: Optional[Dict[str, Any]] = None
            if name == "__pydantic_extra__" and cls.model_config.get("extra") == "allow":
                value = {}
            if name == "__pydantic_private__" and cls.__private_attributes__:
                raise AttributeError(name)
            object.__setattr__(self, name, value)
            return object.__getattribute__(self, name)  # the one stored, should two threads race
        try:
            return super().__getattr__(name)  # type: ignore[misc]
        except AttributeError:
            # A typed field the server left out of an answer that did not validate.
            if name in type(self).model_fields:
                return None
            raise

    def __str__(self) -> str:
        return repr(self)


# Pages are generic models; pydantic v2 needs no separate base for that.
GenericModel = BaseModel


# Each class's ``__pydantic_validator__.validate_json``, once built: what
# ``model_validate_json`` calls, without its Python frame per answer.
_VALIDATE_JSON: Dict[Any, Any] = {}


def validate_json(cls: Type[M], raw: bytes, what: str, strict: bool = False) -> M:
    """``cls`` from JSON bytes: validated in pydantic-core (no ``json.loads``); when the
    answer does not fit the types, built leniently from the decoded JSON instead, or, with
    ``strict`` (``_strict_response_validation=True``), refused."""
    try:
        validate = _VALIDATE_JSON.get(cls)
        if validate is not None:
            return validate(raw)  # type: ignore[no-any-return]
        model = cls.model_validate_json(raw)  # builds the class's validator, if deferred
        if isinstance(cls.__pydantic_validator__, SchemaValidator):
            _VALIDATE_JSON[cls] = cls.__pydantic_validator__.validate_json
        return model
    except pydantic.ValidationError as e:
        error = e
    from ._json import decode_json, expect_object

    if strict:
        from ._exceptions import APIResponseValidationError

        expect_object(decode_json(raw, what), what)
        raise APIResponseValidationError(f"{what} does not match {cls.__name__}: {error}")

    return construct(cls, expect_object(decode_json(raw, what), what))


def validate_value(cls: Type[M], data: Dict[str, Any]) -> M:
    """``cls`` from an already decoded object, leniently when it does not fit."""
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError:
        return construct(cls, data)


def construct(cls: Type[M], data: Dict[str, Any]) -> M:
    """``cls`` without failing: each field that fits its type is typed (nested models too),
    the others are kept as the server sent them; unknown fields are kept."""
    fields: Dict[str, Any] = {}
    by_alias = {(f.alias or n): n for n, f in cls.model_fields.items()}
    extra: Dict[str, Any] = {}
    for key, value in data.items():
        name = by_alias.get(key)
        if name is None:
            extra[key] = value
        else:
            fields[name] = _coerce(cls.model_fields[name].annotation, value)
    obj = cls.model_construct(_fields_set=set(fields) | set(extra), **fields)
    if extra:
        if obj.__pydantic_extra__ is None:
            obj.__pydantic_extra__ = {}
        obj.__pydantic_extra__.update(extra)
    return obj


def _coerce(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(tp)
    if origin is Union:
        for arg in get_args(tp):
            out = _coerce(arg, value)
            if out is not value:
                return out
        return value
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(value, dict):
        return validate_value(tp, value)
    if origin in (list, List) and isinstance(value, list):
        (inner,) = get_args(tp) or (Any,)
        return [_coerce(inner, x) for x in value]
    if origin in (dict, Dict) and isinstance(value, dict):
        args: Tuple[Any, ...] = get_args(tp) or (str, Any)
        return {k: _coerce(args[1], v) for k, v in value.items()}
    return value


_classes: Dict[str, Any] = {}


def model_class(name: str) -> Any:
    """The model class ``openint.types.<name>``, importing the models on first use."""
    cls = _classes.get(name)
    if cls is None:
        from . import types

        cls = _classes[name] = getattr(types, name)
    return cls
