"""Listing items are made into models without a validation pass (``openint/_construct.py``):
the result must be the model validation makes, to the field order, the set fields, the extra
fields and the type of every value; whatever it cannot vouch for goes through validation."""

from __future__ import annotations

import copy
import itertools
import pickle
from typing import Any

import pydantic
import pytest

import openint
from openint import types
from openint._construct import construct_items
from openint.pagination import _construct_page

ITEM_MODELS = [types.Connector, types.ConnectorConfig, types.Connection, types.CustomerSummary, types.Event]

# Values a field may hold in an answer, odd ones included (a string where a bool is expected,
# an int where a float is, a huge int, nested JSON where a string is).
POOL: list[Any] = [None, "s", "", "true", 0, 1, 7, 2.5, 10**30, True, False, [], ["a"], [1], {}, {"k": 1}]
MISSING = object()


def same(made: Any, validated: Any) -> None:
    """Equal as models, and equal in every way validation's result can be looked at."""
    assert type(made) is type(validated)
    assert list(made.__dict__) == list(validated.__dict__)
    for key, value in validated.__dict__.items():
        assert type(made.__dict__[key]) is type(value), key
        assert made.__dict__[key] == value, key
    assert made.model_fields_set == validated.model_fields_set
    assert made.model_extra == validated.model_extra
    assert type(made.model_extra) is type(validated.model_extra)
    assert made.__pydantic_private__ == validated.__pydantic_private__
    assert made.model_dump_json() == validated.model_dump_json()
    assert made.to_dict() == validated.to_dict()
    assert made == validated
    # What reads the slots the fast path leaves unset, each on a fresh model.
    data = validated.to_dict(exclude_unset=True, use_api_names=False)
    fresh = lambda: construct_items(type(made), [copy.deepcopy(data)])[0]  # noqa: E731
    validated = type(validated).model_validate(copy.deepcopy(data))
    assert repr(fresh()) == repr(validated)
    for twin in (copy.copy(fresh()), copy.deepcopy(fresh()), pickle.loads(pickle.dumps(fresh()))):
        assert twin == validated and twin.model_extra == validated.model_extra
        assert twin.__pydantic_private__ == validated.__pydantic_private__
    updated, want = fresh().model_copy(update={"x_new": 1}), validated.model_copy(update={"x_new": 1})
    assert updated.model_extra == want.model_extra and updated.model_fields_set == want.model_fields_set
    if type(made).model_config.get("extra") == "allow":
        one, other = fresh(), validated.model_copy()
        one.x_set = other.x_set = [1]
        assert one.model_extra == other.model_extra and one.x_set == [1] and one == other


def base_item(cls: Any) -> dict:
    """An item with every required field and a few optional ones, typed as the spec says."""
    values = {str: "x", float: 2.0, bool: True}
    item: dict = {}
    for name, field in cls.model_fields.items():
        tp = field.annotation
        if field.is_required():
            item[name] = values.get(tp, "x")
    return item


def variants(cls: Any):
    """The base item with one field (or an unknown key) set to each value of the pool, or
    left out, and a few combinations of two."""
    base = base_item(cls)
    names = [*cls.model_fields, "x_unknown"]
    for name, value in itertools.product(names, [*POOL, MISSING]):
        item = dict(base)
        if value is MISSING:
            item.pop(name, None)
        else:
            item[name] = value
        yield item
    for (a, va), (b, vb) in itertools.combinations(itertools.product(names[:6], POOL[:8]), 2):
        if a != b:
            yield {**base, a: va, b: vb}


@pytest.mark.parametrize("cls", ITEM_MODELS, ids=lambda c: c.__name__)
def test_construct_equals_validation_for_every_item_validation_accepts(cls):
    taken = refused = 0
    for item in variants(cls):
        made = construct_items(cls, [copy.deepcopy(item)])
        try:
            validated = cls.model_validate(copy.deepcopy(item))
        except pydantic.ValidationError:
            validated = None
        if made is None:
            refused += 1
            continue
        taken += 1
        (model,) = made
        if validated is not None:
            same(model, validated)
        else:
            # Validation refuses it: kept as the server sent it, as the lenient path does
            # (an int in a float field is still made a float).
            floats = {n for n, f in cls.model_fields.items() if "float" in repr(f.annotation)}
            for key, value in item.items():
                got = getattr(model, key)
                if key in floats and type(value) is int:
                    assert got == value and type(got) is float, key
                elif key in cls.model_fields and cls.model_fields[key].metadata:
                    continue  # a nested field: made models on access
                else:
                    assert got == value and type(got) is type(value), key
    # The well-typed items take the fast path; the odd ones are left to validation.
    assert taken > 0 and refused > 0, (taken, refused)


def test_items_validation_would_change_go_to_validation():
    conn = base_item(types.Connection)
    assert construct_items(types.Connection, [{**conn, "disabled": "true"}]) is None  # validation: True
    assert construct_items(types.Connection, [{**conn, "disabled": 1}]) is None
    assert construct_items(types.Connection, [{"id": "conn_1"}]) is None  # connector_name missing
    assert construct_items(types.Connection, [conn, "not an object"]) is None
    config = base_item(types.ConnectorConfig)
    (made,) = construct_items(types.ConnectorConfig, [{**config, "connection_count": 3}])
    assert made.connection_count == 3.0 and type(made.connection_count) is float
    # Classes this cannot follow are always validated: validators, aliases, constraints.

    class Checked(openint.BaseModel):
        a: str

        @pydantic.field_validator("a")
        @classmethod
        def upper(cls, v: str) -> str:
            return v.upper()

    class Aliased(openint.BaseModel):
        a: str = pydantic.Field(alias="A")

    class Bounded(openint.BaseModel):
        a: str = pydantic.Field(max_length=1)

    for cls in (Checked, Aliased, Bounded):
        assert construct_items(cls, [{"a": "xy", "A": "xy"}]) is None


class Ignoring(openint.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")
    a: str
    b: bool = False


def test_unknown_keys_are_extra_fields_or_dropped_as_the_class_says():
    item = {"z": 1, "a": "x", "y": [1]}
    (made,) = construct_items(Ignoring, [dict(item)])
    same(made, Ignoring.model_validate(item))
    (made,) = construct_items(types.Scope, [{"scope": "s", "later": {"k": 1}}])
    same(made, types.Scope.model_validate({"scope": "s", "later": {"k": 1}}))


@pytest.mark.parametrize(
    "listing, kwargs",
    [
        ("list_connectors", {}),
        ("list_connectors", {"expand": ["schemas"]}),
        ("list_connector_configs", {"expand": ["connector"]}),
        ("list_connections", {"include_secrets": True}),
        ("list_connections", {"expand": ["connector"]}),
        ("list_customers", {}),
        ("list_events", {}),
    ],
)
def test_listed_pages_are_what_validation_makes_of_them(org, listing, kwargs):
    c = org.client()
    pages = 0
    for page in getattr(c, listing)(limit=2, **kwargs).iter_pages():
        raw = page._json_bytes()
        validated = type(page).model_validate_json(raw)
        # The page came the fast way (its items were not validated one by one).
        assert _construct_page(type(page), type(page.items[0]), raw, page._native()) is not None
        assert list(page.__dict__) == list(validated.__dict__)
        assert page.model_fields_set == validated.model_fields_set
        assert page.model_extra == validated.model_extra
        assert [page.total, page.offset, page.limit] == [validated.total, validated.offset, validated.limit]
        assert len(page.items) == len(validated.items) > 0
        for made, want in zip(page.items, validated.items):
            same(made, want)
        assert page.model_dump_json() == validated.model_dump_json()
        pages += 1
    assert pages >= 2


def test_strict_client_still_validates_every_page(org):
    # _strict_response_validation=True: pages are validated (a page that does not fit raises).
    c = org.client(_strict_response_validation=True)
    page = c.list_connections(limit=2)
    validated = type(page).model_validate_json(page._json_bytes())
    for made, want in zip(page.items, validated.items):
        same(made, want)
