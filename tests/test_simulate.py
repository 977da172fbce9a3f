"""Simulated outputs: schema-valid, deterministic, echoing the call's arguments."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from magnet_graph.execute import canonical_json
from magnet_graph.simulate import SimMemory, fits, simulate_output

NAMES = st.sampled_from(
    [
        "id", "order_id", "email", "created_at", "date", "url", "name", "first_name", "city", "count",
        "price", "status", "message", "tags", "items", "file_name", "phone", "uuid", "zip", "title",
        "x", "value", "latitude", "percent", "flag",
    ]
)  # fmt: skip
FORMATS = st.sampled_from([None, "date", "date-time", "email", "uuid", "ipv4", "uri", "time"])


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


@st.composite
def string_schemas(draw):
    fmt = draw(FORMATS)
    schema = {"type": "string", "format": fmt}
    if fmt is None and draw(st.booleans()):
        lo = draw(st.integers(0, 6))
        schema["minLength"] = lo
        schema["maxLength"] = draw(st.integers(max(lo, 1), 12))
    return _drop_none(schema)


@st.composite
def number_schemas(draw):
    kind = draw(st.sampled_from(["integer", "number"]))
    schema: dict = {"type": kind}
    lo = draw(st.one_of(st.none(), st.integers(-50, 50)))
    width = draw(st.integers(2, 100))
    hi = draw(st.one_of(st.none(), st.just(None if lo is None else lo + width), st.integers(-50, 50)))
    if lo is not None:
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = lo
    if hi is not None and (lo is None or hi >= lo + 2):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = hi
    if lo is None and hi is None and draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([1, 2, 5]) if kind == "integer" else st.sampled_from([0.5, 0.25, 2]))
    return schema


SCALARS = st.one_of(st.integers(-5, 5), st.text("abcxyz", max_size=4), st.booleans(), st.none(), st.sampled_from([1.5, -2.25, 2.0]))

LEAVES = st.one_of(
    string_schemas(),
    number_schemas(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(SCALARS, min_size=1, max_size=4, unique_by=lambda v: json.dumps(v)).map(lambda e: {"enum": e}),
    SCALARS.map(lambda v: {"const": v}),
    st.just({}),
)


@st.composite
def object_schemas(draw, children):
    props = draw(st.dictionaries(NAMES, children, max_size=4))
    schema: dict = {"type": "object", "properties": props}
    if props:
        schema["required"] = draw(st.lists(st.sampled_from(sorted(props)), unique=True))
    if draw(st.booleans()):
        schema["additionalProperties"] = False
    return schema


@st.composite
def array_schemas(draw, children):
    schema: dict = {"type": "array", "items": draw(children)}
    lo = draw(st.integers(0, 2))
    if lo:
        schema["minItems"] = lo
    if draw(st.booleans()):
        schema["maxItems"] = draw(st.integers(max(lo, 1), 4))
    return schema


def _extend(children):
    return st.one_of(
        object_schemas(children),
        array_schemas(children),
        children.map(lambda s: {"anyOf": [{"type": "null"}, s]}),
        st.tuples(children, children).map(lambda p: {"allOf": [{"type": "object", "properties": {"a": p[0]}}, {"required": ["a"]}]}),
    )


SCHEMAS = st.recursive(LEAVES, _extend, max_leaves=12)
JSON_VALUES = st.recursive(SCALARS, lambda c: st.lists(c, max_size=3) | st.dictionaries(NAMES, c, max_size=3), max_leaves=6)
ARGUMENTS = st.dictionaries(NAMES, JSON_VALUES, max_size=5)


def _check(schema, output):
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(output)]
    assert not errors, (schema, output, errors)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, arguments=ARGUMENTS, seed=st.integers(0, 2**32))
def test_output_validates_and_is_deterministic(schema, arguments, seed):
    out = simulate_output(schema, seed=seed, tool="get_thing", arguments=arguments)
    _check(schema, out)
    again = simulate_output(schema, seed=seed, tool="get_thing", arguments=dict(reversed(list(arguments.items()))))
    assert canonical_json(again) == canonical_json(out)


@settings(max_examples=100, deadline=None)
@given(schema=st.recursive(LEAVES, _extend, max_leaves=6), arguments=ARGUMENTS)
def test_echo_when_an_output_property_shares_an_argument_name(schema, arguments):
    wrapper = {"type": "object", "properties": {name: {} for name in arguments} | {"extra": schema}}
    out = simulate_output(wrapper, seed=1, tool="t", arguments=arguments)
    _check(wrapper, out)
    for name, value in arguments.items():
        assert canonical_json(out[name]) == canonical_json(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, value=JSON_VALUES, seed=st.integers(0, 2**16))
def test_fits_never_accepts_an_invalid_value(schema, value, seed):
    # fits() decides echoes and is the fast path of argument validation: it must be sound
    validator = Draft202012Validator(schema)
    near = simulate_output(schema, seed=seed, tool="t", arguments={})
    for candidate in (value, near, [near, near], {"a": value}):
        if fits(candidate, schema, schema):
            assert validator.is_valid(candidate), (schema, candidate)


def test_echo_respects_the_property_schema():
    schema = {"type": "object", "properties": {"order_id": {"type": "string"}, "qty": {"type": "integer", "maximum": 3}}}
    out = simulate_output(schema, seed=4, tool="get_order", arguments={"order_id": "order-77", "qty": 12})
    assert out["order_id"] == "order-77"
    assert out["qty"] != 12 and out["qty"] <= 3  # 12 does not fit: not echoed


def test_seed_tool_and_arguments_all_matter():
    schema = {"type": "object", "properties": {"ticket_id": {"type": "string"}, "price": {"type": "number"}}}
    base = canonical_json(simulate_output(schema, seed=1, tool="book", arguments={"a": 1}))
    variants = [
        simulate_output(schema, seed=2, tool="book", arguments={"a": 1}),
        simulate_output(schema, seed=1, tool="reserve", arguments={"a": 1}),
        simulate_output(schema, seed=1, tool="book", arguments={"a": 2}),
    ]
    assert all(canonical_json(v) != base for v in variants)


def test_values_follow_field_names_and_formats():
    schema = {
        "type": "object",
        "properties": {
            "booking_id": {"type": "string"},
            "email": {"type": "string"},
            "departure_date": {"type": "string"},
            "website": {"type": "string", "format": "uri"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "price": {"type": "number", "minimum": 10, "maximum": 20},
            "class": {"enum": ["economy", "business"]},
        },
    }
    out = simulate_output(schema, seed=9, tool="book_flight", arguments={})
    assert re.fullmatch(r"booking-\d{4}", out["booking_id"])
    assert re.fullmatch(r"[a-z]+\.[a-z]+@example\.com", out["email"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", out["departure_date"])
    assert out["website"].startswith("https://")
    assert 1 <= len(out["tags"]) <= 3
    assert 10 <= out["price"] <= 20
    assert out["class"] in ("economy", "business")


def test_no_schema_gives_status_and_echo():
    args = {"file": "a.txt", "lines": [1, 2]}
    out = simulate_output(None, seed=0, tool="touch", arguments=args)
    assert out == {"status": "ok", "file": "a.txt", "lines": [1, 2]}
    out["lines"].append(3)
    assert args["lines"] == [1, 2]  # the echo is a copy


def test_optional_error_property_is_left_out_and_refs_resolve():
    schema = {
        "$defs": {
            "Seat": {
                "type": "object",
                "properties": {"seat_id": {"type": "string"}, "row": {"type": "integer", "minimum": 1}},
                "required": ["row"],
            }
        },
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "seat": {"anyOf": [{"$ref": "#/$defs/Seat"}, {"type": "null"}], "default": None},
        },
    }
    out = simulate_output(schema, seed=2, tool="pick_seat", arguments={})
    assert "error" not in out
    assert isinstance(out["seat"], dict) and out["seat"]["row"] >= 1
    _check(schema, out)


def test_recursive_schema_stays_small():
    node = {"type": "object", "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}
    tree = {"$defs": {"node": node}, "$ref": "#/$defs/node"}
    out = simulate_output(tree, seed=3, tool="tree", arguments={})
    assert len(canonical_json(out)) < 20_000
    _check(tree, out)


# -- real response schemas: BFCL v3 multi-turn (its "dict"/"float" types converted here) --

_BFCL_TYPES = {"dict": "object", "float": "number", "tuple": "array", "any": None}


def _bfcl_to_json_schema(node):
    """Convert a BFCL schema fragment to JSON Schema (only what the response schemas use)."""
    if isinstance(node, list):
        return [_bfcl_to_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _bfcl_to_json_schema(sub) for name, sub in value.items()}
        elif key == "type" and isinstance(value, str):
            if _BFCL_TYPES.get(value, value) is not None:
                out[key] = _BFCL_TYPES.get(value, value)
        else:
            out[key] = _bfcl_to_json_schema(value)
    return out


def _bfcl_functions(root):
    folder = root / "bfcl_v3_multi_turn"
    funcs = []
    for path in sorted(folder.glob("*.json")):
        funcs.extend(json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return funcs


def test_bfcl_response_schemas(shared_catalogs):
    funcs = _bfcl_functions(shared_catalogs)
    assert len(funcs) == 129
    for fn in funcs:
        schema = _bfcl_to_json_schema(fn["response"])
        arguments = {name: f"{name}-given" for name in fn["parameters"].get("properties", {})}
        out = simulate_output(schema, seed=7, tool=fn["name"], arguments=arguments)
        _check(schema, out)
        for name in arguments.keys() & out.keys():
            if schema["properties"][name].get("type") == "string":
                assert out[name] == f"{name}-given"


def test_bfcl_unconverted_types_are_tolerated(shared_catalogs):
    fn = next(f for f in _bfcl_functions(shared_catalogs) if f["name"] == "book_flight")
    out = simulate_output(fn["response"], seed=1, tool="book_flight", arguments={"travel_from": "SFO"})
    _check(_bfcl_to_json_schema(fn["response"]), out)
    assert out["booking_history"]["travel_from"] == "SFO"


# -- echoes by meaning, and entities that persist within a conversation (SimMemory) ---------

ORDER = {"type": "object", "properties": {"id": {"type": "integer"}, "petId": {"type": "integer"},
                                          "category": {"type": "object", "properties": {"id": {"type": "integer"}}}}}
USER = {"type": "object", "properties": {
    "id": {"type": "integer"}, "username": {"type": "string"}, "firstName": {"type": "string"},
    "email": {"type": "string"}, "userStatus": {"type": "integer", "minimum": 0, "maximum": 9}}}


def test_entity_id_argument_fills_the_bare_id_of_that_entity_only():
    out = simulate_output(ORDER, seed=3, tool="getOrderById", arguments={"orderId": 48882})
    assert out["id"] == 48882
    assert out["category"]["id"] != 48882  # a nested category is another entity
    out = simulate_output(ORDER, seed=3, tool="get_order", arguments={"order_id": 7, "pet_id": 5})
    assert (out["id"], out["petId"]) == (7, 5)  # pet_id -> petId: same normalized name
    # the tool's own bare id flows to `<entity>_id` and back, never into nested objects
    out = simulate_output({"type": "object", "properties": {"orderId": {"type": "integer"}, "category": ORDER}},
                          seed=1, tool="placeOrder", arguments={"id": 9})
    assert out["orderId"] == 9 and out["category"]["id"] != 9
    # a tool about another thing does not take the argument as its own id
    out = simulate_output(ORDER, seed=3, tool="getOwnerOfPet", arguments={"pet_id": 48882})
    assert out["id"] != 48882


def test_entity_from_name_and_description():
    from magnet_graph.simulate import tool_entity

    assert tool_entity("getUserByName", {"username": "x"}) == "user"
    assert tool_entity("findPetsByStatus", {}) == "pet"
    assert tool_entity("update_reservation_baggages", {"reservation_id": "R1"}) == "reservation"
    assert tool_entity("search_direct_flight", {"origin": "JFK"}) == "flight"
    assert tool_entity("fetch", {"order_id": 1}, description="Find a purchase order by ID.") == "order"
    out = simulate_output(ORDER, seed=2, tool="fetch", arguments={"order_id": 1}, description="Find an order.")
    assert out["id"] == 1


def test_memory_returns_the_user_a_create_made():
    memory = SimMemory()
    made = simulate_output(USER, seed=5, tool="createUser", memory=memory,
                           arguments={"username": "hiro42", "firstName": "Hiro", "email": "hiro@example.com"})
    assert made["username"] == "hiro42" and made["firstName"] == "Hiro"
    got = simulate_output(USER, seed=5, tool="getUserByName", arguments={"username": "hiro42"}, memory=memory)
    assert got == made
    fresh = simulate_output(USER, seed=5, tool="getUserByName", arguments={"username": "hiro42"})
    assert fresh != made  # without the memory only the username agrees
    by_id = simulate_output(USER, seed=8, tool="get_user", arguments={"user_id": made["id"]}, memory=memory)
    assert by_id == made
    other = simulate_output(USER, seed=5, tool="getUserByName", arguments={"username": "ann7"}, memory=memory)
    assert other["id"] != made["id"] or other["firstName"] != "Hiro"


def test_memory_sees_updates_and_echoes_win():
    memory = SimMemory()
    simulate_output(USER, seed=1, tool="createUser", arguments={"username": "kemi", "userStatus": 2}, memory=memory)
    simulate_output(None, seed=1, tool="updateUser", arguments={"username": "kemi", "firstName": "Kemi"}, memory=memory)
    got = simulate_output(USER, seed=1, tool="getUserByName", arguments={"username": "kemi"}, memory=memory)
    assert (got["firstName"], got["userStatus"]) == ("Kemi", 2)
    got = simulate_output(USER, seed=1, tool="getUserByName", arguments={"username": "kemi", "userStatus": 4},
                          memory=memory)
    assert got["userStatus"] == 4  # the call's own argument beats what was remembered
    # a remembered value that does not fit the property's schema is not used
    simulate_output(None, seed=1, tool="updateUser", arguments={"username": "kemi", "userStatus": 99}, memory=memory)
    got = simulate_output(USER, seed=1, tool="getUserByName", arguments={"username": "kemi"}, memory=memory)
    assert 0 <= got["userStatus"] <= 9


def test_memory_keeps_kinds_apart():
    memory = SimMemory()
    simulate_output(None, seed=1, tool="createUser", arguments={"id": 5, "email": "a@example.com", "note": "vip"},
                    memory=memory)
    shape = {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"},
                                              "note": {"type": "string"}}}
    user = simulate_output(shape, seed=1, tool="find_user", arguments={"email": "a@example.com"}, memory=memory)
    assert (user["id"], user["note"]) == (5, "vip")
    order = simulate_output(shape, seed=1, tool="getOrderById", arguments={"orderId": 77, "email": "a@example.com"},
                            memory=memory)
    assert order["id"] == 77 and order["note"] != "vip"  # same e-mail, but an order is not the user
    # nested objects are remembered by their own kind: the same category id, the same category
    pet = {"type": "object", "properties": {"id": {"type": "integer"}, "category": {
        "type": "object", "properties": {"id": {"type": "integer", "minimum": 1, "maximum": 1},
                                         "name": {"type": "string"}}}}}
    first = simulate_output(pet, seed=1, tool="getPetById", arguments={"petId": 1}, memory=memory)
    second = simulate_output(pet, seed=2, tool="getPetById", arguments={"petId": 2}, memory=memory)
    assert first["category"] == second["category"] and second["id"] == 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, arguments=ARGUMENTS, seed=st.integers(0, 2**32))
def test_outputs_with_memory_validate_and_replay(schema, arguments, seed):
    def run():
        memory = SimMemory()
        outs = [simulate_output(schema, seed=seed, tool=t, arguments=a, memory=memory)
                for t, a in (("create_thing", arguments), ("get_thing", {}), ("get_thing", arguments))]
        return outs
    outs = run()
    for out in outs:
        _check(schema, out)
    assert canonical_json(run()) == canonical_json(outs)  # same calls in order: same outputs


# -- the reviewer's petstore contradictions, on the real OpenAPI document --------------------


@pytest.fixture(scope="module")
def petstore():
    from pathlib import Path

    from magnet_graph.catalog import load_catalogs

    spec = Path(__file__).resolve().parents[2] / "shared" / "catalogs" / "petstore_openapi" / "openapi.yaml"
    if not spec.is_file():
        pytest.skip(f"petstore OpenAPI document not found at {spec}")
    return load_catalogs([str(spec)])


def _sim(catalog, memory, name, arguments, seed=11):
    tool = catalog.tool(name)
    return simulate_output(tool.returns, seed=seed, tool=name, arguments=arguments, memory=memory,
                           description=tool.description)


def test_petstore_user_created_is_the_user_read(petstore):
    memory = SimMemory()
    made = _sim(petstore, memory, "createUser", {"username": "hiro42", "firstName": "Hiro", "email": "h@example.com"})
    got = _sim(petstore, memory, "getUserByName", {"username": "hiro42"})
    assert got == made and got["firstName"] == "Hiro"
    _check(petstore.tool("getUserByName").returns, got)


def test_petstore_order_and_pet_ids_are_echoed(petstore):
    memory = SimMemory()
    order = _sim(petstore, memory, "getOrderById", {"orderId": 48882})
    assert order["id"] == 48882
    assert _sim(petstore, memory, "getOrderById", {"orderId": 48882}) == order
    placed = _sim(petstore, memory, "placeOrder", {"id": 5, "petId": 3, "quantity": 1})
    assert (placed["id"], placed["petId"]) == (5, 3)
    assert _sim(petstore, memory, "getOrderById", {"orderId": 5})["petId"] == 3
    pet = _sim(petstore, memory, "getPetById", {"petId": 3})
    assert pet["id"] == 3
    _sim(petstore, memory, "updatePetWithForm", {"petId": 3, "name": "Rex", "status": "sold"})
    again = _sim(petstore, memory, "getPetById", {"petId": 3})
    assert (again["name"], again["status"]) == ("Rex", "sold")
    _check(petstore.tool("getPetById").returns, again)
