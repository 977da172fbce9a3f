"""Every dialect converts to Tool: the real third-party catalogs and small fixtures of each."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from magnet_graph.catalog import check_catalog, load_catalogs, resolve_catalog
from magnet_graph.errors import CatalogError
from magnet_graph.types import Catalog

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"


def _walk(node):
    """Every dict inside a JSON value."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _schema_keys(schema):
    """Keywords used by the schema objects (property *names* excluded)."""
    keys = set()

    def visit(s):
        if not isinstance(s, dict):
            return
        for k, v in s.items():
            keys.add(k)
            if k in ("properties", "patternProperties", "$defs"):
                for sub in v.values():
                    visit(sub)
            elif k in ("anyOf", "oneOf", "allOf", "prefixItems"):
                for sub in v:
                    visit(sub)
            elif isinstance(v, dict):
                visit(v)

    visit(schema)
    return keys


def _assert_valid(catalog: Catalog) -> None:
    for t in catalog.tools:
        Draft202012Validator.check_schema(t.parameters)
        assert t.parameters["type"] == "object", t.name
        assert isinstance(t.parameters["properties"], dict)
        if t.returns is not None:
            Draft202012Validator.check_schema(t.returns)
        text = json.dumps([t.parameters, t.returns])
        assert "$ref" not in text and "$defs" not in text, t.name


# -- the real catalogs --------------------------------------------------------------------
@pytest.fixture(scope="module")
def bfcl(shared_catalogs) -> Catalog:
    return resolve_catalog(str(shared_catalogs / "bfcl_v3_multi_turn"))


def test_bfcl_all_129_functions_load_with_class_toolkits(bfcl):
    assert len(bfcl) == 129
    assert set(bfcl.toolkits) == {"GorillaFileSystem", "MathAPI", "MessageAPI", "TwitterAPI", "TicketAPI",
                                  "TradingBot", "TravelAPI", "VehicleControlAPI"}
    assert len(bfcl.toolkits["VehicleControlAPI"]) == 22
    assert bfcl.tool("post_tweet").toolkit == "TwitterAPI"
    assert {t.dialect for t in bfcl.tools} == {"bfcl"}
    assert re.fullmatch(r"file:bfcl_v3_multi_turn@[0-9a-f]{12}", bfcl.id)
    _assert_valid(bfcl)


def test_bfcl_enums_extracted_from_descriptions(bfcl):
    mode = bfcl.tool("activateParkingBrake").properties["mode"]
    assert mode["enum"] == ["engage", "release"]
    assert "[Enum]" not in mode["description"]
    # on an array: the enum constrains the items
    door = bfcl.tool("lockDoors").properties["door"]
    assert door["type"] == "array" and door["items"]["enum"] == ["driver", "passenger", "rear_left", "rear_right"]
    # unquoted comma list
    assert bfcl.tool("compute_exchange_rate").properties["base_currency"]["enum"][:3] == ["USD", "RMB", "EUR"]
    # inside the response schema too
    status = bfcl.tool("activateParkingBrake").returns["properties"]["parkingBrakeStatus"]
    assert status["enum"] == ["engaged", "released"]
    assert not any("[Enum]" in d.get("description", "") and "enum" not in d and d.get("type") != "array"
                   for t in bfcl.tools for d in _walk(t.parameters))


def test_bfcl_types_and_none_defaults_normalized(bfcl):
    for t in bfcl.tools:
        for d in _walk([t.parameters, t.returns]):
            assert d.get("type") not in ("dict", "float", "tuple", "any")
            assert d.get("default") != "None", t.name
    echo = bfcl.tool("echo")
    assert echo.properties["file_name"]["type"] == ["string", "null"]
    assert "file_name" not in echo.required
    invoice = bfcl.tool("retrieve_invoice")
    assert invoice.required == ("access_token",)
    assert invoice.properties["booking_id"]["type"] == ["string", "null"]
    climate = bfcl.tool("adjustClimateControl").properties
    assert climate["temperature"]["type"] == "number"
    assert climate["fanSpeed"]["default"] == 50 and climate["unit"]["default"] == "celsius"


def test_bfcl_every_function_has_returns(bfcl):
    assert all(t.returns is not None and t.returns["type"] == "object" for t in bfcl.tools)


def test_bfcl_folder_is_not_recursive(shared_catalogs):
    report = check_catalog([str(shared_catalogs / "bfcl_v3_multi_turn")])
    assert report.ok and report.tools_loaded == 129  # samples/ below is not read
    assert {r.source.rsplit(":", 1)[0].split("/")[-1] for r in report.rows} == {
        f.name for f in (shared_catalogs / "bfcl_v3_multi_turn").glob("*.json")}


def test_tau2_airline_pydantic_schemas(shared_catalogs):
    cat = resolve_catalog(str(shared_catalogs / "tau2_airline" / "tools.json"))
    assert len(cat) == 14
    assert {t.dialect for t in cat.tools} == {"pydantic"}
    assert set(cat.toolkits) == {"tau2_airline"}  # "tools.json" is generic: the folder names it
    _assert_valid(cat)
    assert not any("title" in _schema_keys(t.parameters) for t in cat.tools)
    flights = cat.tool("book_reservation").properties["flights"]
    branch = flights["items"]["anyOf"][0]  # the inlined FlightInfo
    assert branch["required"] == ["flight_number", "date"]
    assert branch["properties"]["flight_number"]["type"] == "string"


def test_petstore_openapi_operations(shared_catalogs):
    report = check_catalog([str(shared_catalogs / "petstore_openapi" / "openapi.yaml")])
    assert report.ok
    cat = resolve_catalog(str(shared_catalogs / "petstore_openapi" / "openapi.yaml"))
    assert len(cat) == 19
    assert set(cat.toolkits) == {"swagger_petstore_openapi_3_0"}
    _assert_valid(cat)
    # path + query merged, path required
    form = cat.tool("updatePetWithForm")
    assert list(form.properties) == ["petId", "name", "status"] and form.required == ("petId",)
    # JSON body merged; a clash with the path parameter gets a body_ prefix
    upd = cat.tool("updateUser")
    assert upd.properties["username"]["description"] == "name that need to be deleted"
    assert "body_username" in upd.properties and "email" in upd.properties
    add = cat.tool("addPet")
    assert add.required == ("name", "photoUrls")
    assert add.properties["category"]["properties"]["name"]["type"] == "string"  # $ref resolved
    # returns from the 200 response
    assert cat.tool("getPetById").returns["properties"]["status"]["enum"] == ["available", "pending", "sold"]
    assert cat.tool("findPetsByStatus").returns["type"] == "array"
    assert cat.tool("getInventory").returns["additionalProperties"]["type"] == "integer"
    assert cat.tool("deletePet").returns is None
    assert "api_key" not in cat.tool("deletePet").properties  # header parameters are transport
    # a non-JSON body is used and noted
    assert cat.tool("uploadFile").properties["body"]["format"] == "binary"
    warnings = [p.message for p in report.problems if p.tool == "uploadFile"]
    assert len(warnings) == 1 and "application/octet-stream" in warnings[0]


def test_real_catalogs_merge_and_cross_catalog_duplicates_are_errors(shared_catalogs):
    cat = load_catalogs([str(shared_catalogs / "tau2_airline"), str(shared_catalogs / "petstore_openapi")])
    assert len(cat) == 14 + 19
    assert cat.id.count("+") == 1 and all(p.startswith("file:") for p in cat.id.split("+"))
    # BFCL's travel_booking and tau2 both define list_all_airports
    specs = [str(shared_catalogs / "bfcl_v3_multi_turn"), str(shared_catalogs / "tau2_airline")]
    with pytest.raises(CatalogError) as info:
        load_catalogs(specs)
    msg = str(info.value)
    assert msg.startswith(str(shared_catalogs / "tau2_airline" / "tools.json"))
    assert "tool list_all_airports: field name: duplicate tool name" in msg and "travel_booking.json" in msg
    report = check_catalog(specs)
    assert report.errors == 1 and report.tools_loaded == 129 + 13


# -- fixtures of each dialect ---------------------------------------------------------------
def test_openai_wrapped_and_bare_without_parameters():
    cat = resolve_catalog(str(FIXTURES / "openai_wrapped.json"))
    weather = cat.tool("get_weather")
    assert weather.dialect == "openai" and weather.toolkit == "openai_wrapped"
    assert weather.required == ("city",) and weather.parameters["additionalProperties"] is False
    assert cat.tool("list_cities").parameters == {"type": "object", "properties": {}}
    assert weather.openai_schema()["function"]["parameters"] == weather.parameters


def test_openai_json_lines_with_returns():
    cat = resolve_catalog(str(FIXTURES / "openai_bare.jsonl"))
    assert [t.name for t in cat.tools] == ["convert_currency", "list_currencies"]
    assert cat.tool("list_currencies").returns == {"type": "array", "items": {"type": "string"}}


def test_openai_tools_key_in_yaml_keeps_dates_as_strings():
    tool = resolve_catalog(str(FIXTURES / "openai_tools.yaml")).tool("create_event")
    assert tool.properties["date"]["examples"] == ["2024-05-01"]
    json.dumps(tool.parameters)  # plain JSON data only


def test_bfcl_dialect_quirks_in_an_unknown_file():
    cat = resolve_catalog(str(FIXTURES / "bfcl"))
    assert set(cat.toolkits) == {"WidgetAPI"}  # CamelCase of the stem, API upper-cased
    mode = cat.tool("set_mode")
    assert mode.properties["mode"] == {"type": "string", "description": "The mode.", "enum": ["eco", "turbo"]}
    assert mode.properties["level"]["type"] == "number"
    assert mode.properties["tags"]["items"]["enum"] == ["a", "b"]
    assert mode.properties["note"]["type"] == ["string", "null"] and "default" not in mode.properties["note"]
    assert mode.required == ("mode",)  # a "None" default makes it optional
    assert mode.returns["properties"]["status"]["enum"] == ["ok", "failed"]
    place = cat.tool("place_widget")
    assert place.properties["position"] == {"type": "array", "items": {"type": "number"}, "description": "x and y."}
    assert place.properties["payload"] == {"description": "Anything."}  # any: no constraint
    assert place.properties["currency"]["enum"] == ["USD", "EUR", "JPY"]


def test_mcp_tools_list_and_jsonrpc_wrapper():
    cat = resolve_catalog(str(FIXTURES / "mcp_tools_list.json"))
    read = cat.tool("read_file")
    assert read.dialect == "mcp"
    assert "$schema" not in read.parameters and read.parameters["additionalProperties"] is False
    assert read.returns == {"type": "object", "properties": {"content": {"type": "string"}}, "required": ["content"]}
    assert cat.tool("list_directory").returns is None
    rpc = resolve_catalog(str(FIXTURES / "mcp_jsonrpc.json"))
    assert [t.name for t in rpc.tools] == ["search_issues"]
    assert rpc.tool("search_issues").properties["limit"]["default"] == 10


def test_anthropic_input_schema():
    tool = resolve_catalog(str(FIXTURES / "anthropic.json")).tool("get_stock_price")
    assert tool.dialect == "anthropic" and tool.required == ("ticker",)


def test_pydantic_refs_inlined_nullable_kept_titles_dropped():
    tool = resolve_catalog(str(FIXTURES / "pydantic_refs.json")).tool("ship_order")
    assert tool.dialect == "pydantic"
    props = tool.properties
    assert props["address"]["description"] == "Where to ship."  # sibling of $ref wins
    assert props["address"]["properties"]["country"] == {"type": "string", "enum": ["US", "FR"]}
    assert props["gift_note"] == {"type": ["string", "null"], "default": None, "description": "Optional note."}
    assert props["carrier"]["type"] == ["string", "null"] and props["carrier"]["enum"] == ["US", "FR", None]
    assert "title" in props  # a property named "title" stays; the keyword goes
    assert "title" not in _schema_keys(tool.parameters)
    Draft202012Validator(tool.parameters).validate({"order_id": "o1", "address": {"street": "s", "zip": "1"},
                                                    "carrier": None})


def test_mixed_dialects_detected_per_entry():
    cat = resolve_catalog(str(FIXTURES / "mixed.json"))
    assert {t.name: t.dialect for t in cat.tools} == {"alpha": "openai", "beta": "mcp", "gamma": "anthropic",
                                                     "delta": "bfcl"}
    assert cat.tool("delta").properties["z"]["type"] == "number"


def test_openapi_small_spec():
    report = check_catalog([str(FIXTURES / "openapi_small.json")])
    cat = resolve_catalog(str(FIXTURES / "openapi_small.json"))
    put = cat.tool("put_notes_id")  # no operationId: method + path slug
    assert put.toolkit == "tiny_notes_api"
    assert put.required == ("id", "text")  # shared path parameter ($ref) + required body fields
    assert "body_id" not in put.properties  # readOnly body property left out
    assert put.properties["owner"]["type"] == ["string", "null"]  # OpenAPI 3.0 nullable
    assert put.properties["priority"]["exclusiveMinimum"] == 0 and "minimum" not in put.properties["priority"]
    assert put.properties["text"]["examples"] == ["buy milk"]
    assert put.returns["required"] == ["text"]  # from the 201 response, not the 400
    form = cat.tool("attachForm")
    assert "label" in form.properties and form.returns == {"type": "string"}
    messages = [p.message for p in report.problems]
    assert report.ok and len(messages) == 3
    assert any("X-Request-Id" in m and "header" in m for m in messages)
    assert any("application/x-www-form-urlencoded" in m for m in messages)
    assert any("application/xml" in m for m in messages)


def test_fixture_folder_loads_every_top_level_file():
    cat = resolve_catalog(str(FIXTURES))
    assert len(cat) == 16  # bad/ and bfcl/ are sub-folders: not read
    _assert_valid(cat)


def test_folder_without_top_level_files_is_read_recursively(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(FIXTURES / "anthropic.json", tmp_path / "a" / "one.json")
    shutil.copy(FIXTURES / "mcp_jsonrpc.json", tmp_path / "b" / "two.json")
    (tmp_path / "README.txt").write_text("not a catalog")
    cat = resolve_catalog(str(tmp_path))
    assert [t.name for t in cat.tools] == ["get_stock_price", "search_issues"]


def test_catalog_id_is_a_content_hash(tmp_path):
    f = tmp_path / "t.json"
    shutil.copy(FIXTURES / "anthropic.json", f)
    first = resolve_catalog(str(f)).id
    assert re.fullmatch(r"file:t\.json@[0-9a-f]{12}", first)
    assert resolve_catalog(str(f)).id == first
    f.write_text(f.read_text().replace("Current stock", "Latest stock"))
    assert resolve_catalog(str(f)).id != first


def test_python_spelled_types_warn_outside_bfcl(tmp_path):
    f = tmp_path / "loose.json"
    f.write_text(json.dumps([{"name": "n", "description": "d", "parameters": {
        "type": "object", "properties": {"x": {"type": "float"}, "y": {"type": "String"}}}}]))
    report = check_catalog([str(f)])
    assert report.ok and sum(p.field != "returns" for p in report.problems) == 2  # the two spellings
    tool = resolve_catalog(str(f)).tool("n")
    assert tool.properties == {"x": {"type": "number"}, "y": {"type": "string"}}
