"""Listing items made into models without a validation pass, for speed, with the result
validation gives.

Validating a page in pydantic-core costs 1.3x to 1.7x a plain ``json.loads`` of it, most of
it per item (a dict lookup, a check and an insert per field). Here the page is decoded once by
pydantic-core's JSON parser (``from_json``, faster than ``json.loads``) and each item becomes
a model the way ``model_construct`` makes one, in loops that run in C (``map``): the class's
defaults merged with the item, the keys as ``model_fields_set``, unknown keys as extra fields.

That equals what validation makes of any item validation accepts, provided validation would
leave every value as it is. For fields typed ``str``, ``object``, ``List[str]``,
``Dict[str, object]`` or made lazily (``Nested``) it does; for ``bool``, ``int``, ``float`` and
unions of them it may convert (``"true"`` to True, ``3.0`` to 3, an int to a float), so a
check per page and per such field looks at the types the page holds: an int in a float field
is converted as validation does, anything else unexpected (or a required field missing) sends
the page to validation. A class whose fields this cannot follow (aliases, validators,
constraints, other types) is always validated.
"""

from __future__ import annotations

from collections import deque
from itertools import repeat
from operator import itemgetter, or_
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Tuple, Union, get_args, get_origin

import pydantic

from ._models import _LAZY, BaseModel

__all__ = ["construct_items"]

_NoneType = type(None)
_new = object.__new__
_set_dict = pydantic.BaseModel.__dict__["__dict__"].__set__
_set_fields_set = pydantic.BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = pydantic.BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = pydantic.BaseModel.__dict__["__pydantic_private__"].__set__  # for pages
_consume: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend  # runs an iterator in C
_IMMUTABLE = (_NoneType, str, int, float, bool)
# Values validation returns equal and unchanged, by the annotation's non-None part.
_AS_IS = (str, object, Any, list, dict, List[str], List[object], Dict[str, object], Dict[str, Any])
# Members of the official free-form JSON union; validation makes an int in it a float.
_JSON_MEMBERS = (str, float, bool, Dict[str, object], List[object])


# The template's value for a required field (an item that leaves one out shows it): a bare
# object(), the only value of its type and not tracked by the garbage collector, so neither
# are the field dicts copied from the template.
_MISSING = object()


class _Plan:
    """How to make a class's models: its defaults in field order (``_MISSING`` for required
    fields), and the fields whose values need a look, each as (name, getter, the value types
    validation keeps as they are or None for any, whether an int becomes a float)."""

    __slots__ = ("template", "size", "checks", "allow_extra")

    def __init__(
        self,
        template: Dict[str, Any],
        checks: Tuple[Tuple[str, Callable[[Any], Any], Optional[FrozenSet[type]], bool], ...],
        allow_extra: bool,
    ) -> None:
        self.template = template
        self.size = len(template)
        self.checks = checks
        self.allow_extra = allow_extra


class _Unsupported(Exception):
    pass


def _check_for(annotation: Any) -> Optional[Tuple[FrozenSet[type], bool]]:
    """(the value types validation keeps, int to float?) for a field, or None when any
    value validation accepts is kept as it is; raises _Unsupported for other types."""
    args: Tuple[Any, ...] = (annotation,)
    if get_origin(annotation) is Union:
        args = get_args(annotation)
    optional = _NoneType in args
    members = tuple(a for a in args if a is not _NoneType)
    none: FrozenSet[type] = frozenset({_NoneType}) if optional else frozenset()
    if len(members) == 1:
        (tp,) = members
        if any(tp == a for a in _AS_IS):
            return None
        if tp is bool:
            return frozenset({bool}) | none, False
        if tp is int:
            return frozenset({int}) | none, False
        if tp is float:
            return frozenset({float, int}) | none, True
    elif members and all(any(m == j for j in _JSON_MEMBERS) for m in members):
        kept = {str, float, bool, dict, list, int} if float in members else {str, bool, dict, list}
        return frozenset(kept) | none, float in members
    raise _Unsupported(annotation)


def _make_plan(cls: Any) -> Optional[_Plan]:
    config = dict(cls.model_config)
    extra = config.pop("extra", None)
    base = dict(BaseModel.model_config)
    base.pop("extra", None)
    decorators = cls.__pydantic_decorators__
    if (
        config != base
        or extra not in ("allow", "ignore", None)
        or cls.__private_attributes__
        or cls.__pydantic_post_init__ is not None
        or getattr(cls, "__pydantic_root_model__", False)
        or any(
            (decorators.validators, decorators.field_validators, decorators.root_validators, decorators.model_validators)
        )
    ):
        return None
    template: Dict[str, Any] = {}
    checks: List[Tuple[str, Callable[[Any], Any], Optional[FrozenSet[type]], bool]] = []
    try:
        for name, field in cls.model_fields.items():
            if (field.alias not in (None, name)) or field.validation_alias is not None or field.default_factory:
                return None
            if field.is_required():
                template[name] = _MISSING
            elif type(field.default) in _IMMUTABLE:
                template[name] = field.default
            else:
                return None
            check = None
            if any(m is _LAZY for m in field.metadata):
                pass  # kept as decoded; made models on first access
            elif field.metadata:
                return None  # constraints
            else:
                check = _check_for(field.annotation)
            if check is not None:
                kept, to_float = check
                if not field.is_required():
                    kept |= {type(field.default)}  # an item that leaves it out
                checks.append((name, itemgetter(name), kept, to_float))
            elif field.is_required():
                checks.append((name, itemgetter(name), None, False))  # only: is it there?
    except _Unsupported:
        return None
    return _Plan(template, tuple(checks), extra == "allow")


_PLANS: Dict[Any, Optional[_Plan]] = {}


def construct_items(cls: Any, items: List[Any]) -> Optional[List[Any]]:
    """Models of ``cls`` for ``items`` (decoded JSON), equal to what validation makes of
    them; None when validation must decide (see the module doc)."""
    try:
        plan = _PLANS[cls]
    except KeyError:
        plan = _PLANS[cls] = _make_plan(cls)
    if plan is None:
        return None
    try:
        # The defaults, in field order, updated with each item (a TypeError: not an object).
        fields = list(map(or_, repeat(plan.template), items))
    except TypeError:
        return None
    for name, get, kept, to_float in plan.checks:
        seen = set(map(type, map(get, fields)))
        if object in seen or (kept is not None and not kept.issuperset(seen)):
            return None
        if to_float and int in seen:
            for values in fields:
                value = values[name]
                if type(value) is int:
                    try:
                        values[name] = float(value)
                    except OverflowError:
                        return None
    models = list(map(_new, repeat(cls, len(fields))))
    _consume(map(_set_dict, models, fields))
    _consume(map(_set_fields_set, models, map(set, items)))
    # __pydantic_extra__ ({} or None) and __pydantic_private__ (None) are left unset: the
    # models' __getattr__ sets them on first use (see _models.BaseModel), which few ever need.
    if max(map(len, fields), default=0) > plan.size:
        # Unknown keys (they made the dict longer): extra fields, or dropped with
        # extra="ignore", as validation does.
        template = plan.template
        for model, values in zip(models, fields):
            if len(values) > plan.size:
                unknown = {k: values.pop(k) for k in list(values) if k not in template}
                if plan.allow_extra:
                    _set_extra(model, unknown)
                else:
                    model.__pydantic_fields_set__.difference_update(unknown)
    return models
