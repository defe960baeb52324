"""The official SDK's pydantic helpers (``openint._compat``), for code and test suites written
against it. This package needs pydantic v2."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pydantic
from pydantic.fields import FieldInfo

PYDANTIC_V2 = True


def get_model_fields(model: "type[pydantic.BaseModel]") -> Dict[str, FieldInfo]:
    return model.model_fields


def field_outer_type(field: FieldInfo) -> Any:
    return field.annotation


def field_get_default(field: FieldInfo) -> Any:
    from pydantic_core import PydanticUndefined

    value = field.get_default()
    return None if value is PydanticUndefined else value


def get_model_config(model: "type[pydantic.BaseModel]") -> Any:
    return model.model_config


def model_copy(model: Any, *, deep: bool = False) -> Any:
    return model.model_copy(deep=deep)


def model_json(model: pydantic.BaseModel, *, indent: Optional[int] = None) -> str:
    return model.model_dump_json(indent=indent)


def model_dump(model: pydantic.BaseModel, *, exclude_unset: bool = False, mode: Any = "python") -> Dict[str, Any]:
    return model.model_dump(exclude_unset=exclude_unset, mode=mode)


def model_parse(model: Any, data: Any) -> Any:
    return model.model_validate(data)
