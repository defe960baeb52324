"""Models: pydantic models where every field of the real seed answer is a typed attribute,
absent ones are None, unknown ones stay reachable, and to_dict() gives back exactly what the
server sent."""

import copy
import json
import pickle
from pathlib import Path

import pydantic
import pytest

import openint
from openint import Connector, Integration, Schemas, Scope

SEED = Path(__file__).resolve().parents[3] / "tests" / "data" / "openint" / "fixtures"


def seed(name: str) -> list:
    path = SEED / name
    if not path.is_file():
        pytest.fail(f"seed fixture missing: {path}")
    return json.loads(path.read_text())["items"]


def check_model(model, raw: dict) -> None:
    """Every typed field: the raw value (as models where nested), or None when absent."""
    assert model.to_dict() == raw
    for field in type(model).model_fields:
        value = getattr(model, field)
        if field not in raw:
            assert value is None, field
        elif isinstance(value, list) and value and isinstance(value[0], openint.BaseModel):
            assert [v.to_dict() for v in value] == raw[field], field
        elif isinstance(value, openint.BaseModel):
            assert value.to_dict() == raw[field], field
        else:
            assert value == raw[field], field
    extra = {k: v for k, v in raw.items() if k not in type(model).model_fields}
    assert (model.model_extra or {}) == extra
    for k, v in extra.items():
        assert getattr(model, k) == v


@pytest.mark.parametrize("fixture", ["connectors-v1.json", "connectors-v1-expand-schemas.json"])
def test_every_field_of_the_real_seed_answer_is_typed(fixture):
    items = seed(fixture)
    seen = {k for it in items for k in it}
    assert seen <= set(Connector.model_fields), seen - set(Connector.model_fields)
    assert {k for it in items for s in it.get("scopes", []) for k in s} <= set(Scope.model_fields)
    assert {k for it in items for k in it.get("schemas", {})} <= set(Schemas.model_fields)
    for raw in items:
        c = Connector.model_validate_json(json.dumps(raw))
        assert isinstance(c, pydantic.BaseModel)
        check_model(c, raw)
        for s, r in zip(c.scopes or [], raw.get("scopes", [])):
            assert type(s) is Scope
            check_model(s, r)
        if "schemas" in raw:
            assert type(c.schemas) is Schemas
            check_model(c.schemas, raw["schemas"])


def test_listed_models_against_the_synthetic_registry(server, scenario, client_for):
    # The registry has integrations, unknown fields and enum values no schema lists.
    oracle = server.registry(171, expand=True)
    items = list(client_for(scenario()).list_connectors(limit=171, expand=["schemas"]))
    assert len(items) == 171
    integrations = 0
    for c, raw in zip(items, oracle):
        check_model(c, raw)
        for i, r in zip(c.integrations or [], raw.get("integrations", [])):
            assert type(i) is Integration
            check_model(i, r)
            integrations += 1
    assert integrations > 0
    extras = [c for c in items if c.model_extra]
    assert extras and extras[0].x_added_later == {"nested": [1, 2]}
    assert {c.stage for c in items} >= {"deprecated", None}
    assert {c.auth_type for c in items} >= {"SAML2", "DIGEST"}
    assert items[97].to_dict() == {"name": oracle[97]["name"]} and items[97].display_name is None


def test_odd_strings_round_trip(server, scenario, client_for):
    # Quotes (3), backslashes (5), non-ASCII (7, 11, 23, 37), tab and newline (13), an escaped
    # NUL (19), U+2028/U+2029 (29), </script> (31), empty (41), control characters (43),
    # spaces (59); item 17's scope description has most of them at once.
    oracle = server.registry(171)
    items = client_for(scenario()).list_connectors(limit=171).items
    for i in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 59):
        assert items[i].display_name == oracle[i]["display_name"], i
        assert json.loads(items[i].to_json()) == oracle[i], i
        assert json.loads(items[i].to_json(indent=None)) == oracle[i], i
    assert "\x00" in items[19].display_name and items[19].display_name == oracle[19]["display_name"]
    assert '"' in items[3].display_name and "\\" in items[5].display_name
    assert items[7].display_name == "Zoë Ünïcødé Ltd"
    assert "\u2028" in items[29].display_name and items[41].display_name == ""
    assert items[17].scopes[0].description == oracle[17]["scopes"][0]["description"]
    # to_json keeps non-ASCII as text, as the official SDK's does.
    assert "Zoë" in items[7].to_json()


def test_model_behaviour():
    raw = {"name": "x", "scopes": [{"scope": "a", "description": "d"}], "brand_new": {"k": [1]}}
    c = Connector.model_validate(raw)
    assert isinstance(c, pydantic.BaseModel) and isinstance(c, openint.BaseModel)
    assert c.name == "x" and c.stage is None and c.integrations is None
    assert type(c.scopes[0]) is Scope and c.scopes[0].description == "d"
    assert c.scopes is c.scopes  # converted once
    assert c.brand_new == {"k": [1]} and c.model_extra == {"brand_new": {"k": [1]}}
    assert c.model_fields_set == {"name", "scopes", "brand_new"}
    with pytest.raises(AttributeError, match="nope"):
        c.nope
    # to_dict() is a copy: changing it changes nothing inside.
    d = c.to_dict()
    d["scopes"][0]["scope"] = "changed"
    assert c.to_dict() == raw and d != raw
    assert Connector(name="x") == Connector.model_validate({"name": "x"}) != Connector(name="y")
    assert Connector.model_validate(copy.deepcopy(raw)) == c
    assert pickle.loads(pickle.dumps(c)) == c
    assert repr(Connector(name="x")).startswith("Connector(name='x', auth_type=None")
    assert c.model_dump(exclude_unset=True) == raw and json.loads(c.model_dump_json(exclude_unset=True)) == raw
    assert c.model_dump(exclude_none=True) == raw
    assert json.loads(c.to_json()) == raw and json.loads(c.to_json(indent=None)) == raw
    # A nested value of an unexpected type is returned as it came, not hidden.
    assert Connector.model_validate({"name": "x", "scopes": "all"}).scopes == "all"
    # A required field the server left out reads None instead of failing the whole answer.
    from openint._models import validate_json

    odd = validate_json(Connector, b'{"display_name": "no name", "platforms": "web"}', "x")
    assert odd.name is None and odd.display_name == "no name" and odd.platforms == "web"
    assert openint.ListConnectorsResponse is Connector


def test_nested_models_where_the_spec_has_them():
    # The way official users read credentials and OAuth settings.
    conn = openint.types.GetConnectionResponse.model_validate(
        {
            "id": "conn_1",
            "connector_name": "accelo",
            "settings": {"oauth": {"credentials": {"access_token": "at", "expires_in": 5}}, "subdomain": "s"},
            "integration": {"id": "i", "connector_name": "accelo", "name": "n", "created_at": "c", "updated_at": "u"},
        }
    )
    assert conn.settings.oauth.credentials.access_token == "at"
    assert conn.settings.oauth.credentials.expires_in == 5.0 and conn.settings.subdomain == "s"
    assert type(conn.integration) is Integration
    ccfg = openint.types.GetConectorConfigResponse.model_validate(
        {"connector_name": "accelo", "config": {"oauth": {"client_id": "cid", "scopes": ["a"]}}, "integrations": {"x": {"id": "i", "connector_name": "c", "name": "n", "created_at": "c", "updated_at": "u"}}}
    )
    assert ccfg.config.oauth.client_id == "cid" and ccfg.config.oauth.scopes == ["a"]
    assert type(ccfg.integrations["x"]) is Integration


def test_types_module_and_py_typed():
    from openint import types

    assert types.Connector is Connector and types.Integration is Integration
    # The official SDK's parameter TypedDicts, under its names.
    official = "ListEvents CreateToken GetConnection ListCustomers ListConnectors UpsertCustomer ListConnections"
    official += " CreateConnection GetConectorConfig GetMessageTemplate ListConnectionConfigs ListConnnectorConfigs"
    official += " CreateConnnectorConfig UpsertConnnectorConfig"
    for name in official.split():
        assert f"Client{name}Params" in types.__all__ and hasattr(types, f"Client{name}Params"), name
    assert types.ClientCreateConnectionParams.__required_keys__ == {"connector_config_id", "customer_id", "data"}
    assert (Path(openint.__file__).parent / "py.typed").is_file()
    # Every field carries a type hint that resolves (for IDEs and type checkers).
    from typing import get_type_hints

    for cls in (Connector, Integration, Scope, Schemas):
        hints = get_type_hints(cls)
        assert set(cls.model_fields) <= set(hints), cls
    assert str(get_type_hints(Connector)["scopes"]) == "typing.Optional[typing.List[openint.types.Scope]]"
