"""The official SDK's type helpers (``openint._utils``), for code and test suites written
against it. Plain ``typing`` introspection; no dependency."""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Mapping, TypeVar, Union, cast, get_args, get_origin

from typing_extensions import Annotated, TypeGuard

_T = TypeVar("_T")


def is_dict(obj: object) -> TypeGuard[Dict[object, object]]:
    return isinstance(obj, dict)


def is_list(obj: object) -> TypeGuard[List[object]]:
    return isinstance(obj, list)


def is_mapping(obj: object) -> TypeGuard[Mapping[str, object]]:
    return isinstance(obj, Mapping)


def is_given(obj: object) -> bool:
    from ._types import NotGiven, Omit

    return not isinstance(obj, (NotGiven, Omit))


def is_annotated_type(typ: Any) -> bool:
    return get_origin(typ) is Annotated


def is_list_type(typ: Any) -> bool:
    return (get_origin(typ) or typ) is list


def is_union_type(typ: Any) -> bool:
    origin = get_origin(typ)
    if origin is Union:
        return True
    if sys.version_info >= (3, 10):
        import types

        return origin is types.UnionType
    return False


def is_type_alias_type(tp: Any) -> bool:
    """``type X = ...`` aliases (Python 3.12+), and typing_extensions' ``TypeAliasType``."""
    import typing_extensions

    kinds: List[Any] = [typing_extensions.TypeAliasType]
    if sys.version_info >= (3, 12):
        import typing

        kinds.append(typing.TypeAliasType)
    return isinstance(tp, tuple(kinds))


def extract_type_arg(typ: Any, index: int) -> Any:
    args = get_args(typ)
    try:
        return cast(Any, args[index])
    except IndexError as err:
        raise RuntimeError(f"Expected type {typ} to have a type argument at index {index} but it did not") from err


def strip_annotated_type(typ: Any) -> Any:
    if is_annotated_type(typ):
        return strip_annotated_type(get_args(typ)[0])
    return typ
