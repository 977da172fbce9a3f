"""Realistic values (translate/values.py): they validate, they read naturally, and the way a
request writes them lets the verifier find them again."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import uuid
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from magnet_graph.translate import vocab
from magnet_graph.translate.values import format_value, generate_value, humanize_param, value_kind
from magnet_graph.types import Tool

FORMATS = Draft202012Validator.FORMAT_CHECKER


def check(value: Any, schema: dict, root: dict | None = None) -> None:
    """Validate like the pipeline does (formats included); ``root`` carries ``$defs``."""
    if root is not None:
        schema = {**root, **schema} if "$defs" not in schema else schema
    Draft202012Validator(schema, format_checker=FORMATS).validate(value)


# --------------------------------------------------------------------------------------------
# a verifier-like reader: numbers parsed out of text, strings by case-insensitive substring
# --------------------------------------------------------------------------------------------
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?")


def numbers_in(text: str) -> set[float]:
    return {float(m.group(0)) for m in NUMBER.finditer(text)}


def leaves(value: Any):
    if isinstance(value, dict):
        for v in value.values():
            yield from leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v)
    else:
        yield value


def findable(value: Any, text: str) -> list[Any]:
    """The leaves of ``value`` a verifier could not find in ``text`` (empty: all found)."""
    low = text.lower()
    nums = numbers_in(text)
    missing = []
    for leaf in leaves(value):
        if leaf is None or isinstance(leaf, bool):
            continue
        if isinstance(leaf, (int, float)):
            if float(leaf) not in nums:
                missing.append(leaf)
        elif str(leaf).lower() not in low:
            missing.append(leaf)
    return missing


# --------------------------------------------------------------------------------------------
# tools: built-in-like (hand-made), BFCL (converted by hand), tau2
# --------------------------------------------------------------------------------------------
def _tool(name: str, toolkit: str, description: str, props: dict, required: list[str] | None = None,
          hints: tuple[str, ...] = (), returns: dict | None = None) -> Tool:
    return Tool(
        name=name,
        toolkit=toolkit,
        description=description,
        parameters={"type": "object", "properties": props, "required": list(props) if required is None else required},
        hints=hints,
        returns=returns,
    )


S = {"type": "string"}
BUILTIN_LIKE: tuple[Tool, ...] = (
    _tool("read_file", "files", "Read the contents of a file.", {"file_name": S},
          hints=("Show me what's in {file_name}.", "Open {file_name} and print it.")),
    _tool("write_file", "files", "Write text to a file, replacing its contents.", {"file_name": S, "content": S},
          hints=('Save "{content}" into {file_name}.', "put {content} in the file {file_name}")),
    _tool("move_file", "files", "Move a file into a folder.", {"file_name": S, "folder": S}),
    _tool("list_folder", "files", "List the files in a folder.", {"folder": S, "show_hidden": {"type": "boolean"}},
          required=["folder"], hints=("What's inside {folder}?", "Show me the contents of {folder}.")),
    _tool("send_message", "messaging", "Send a text message to a contact.",
          {"recipient": S, "message": S}, hints=("Text {recipient} saying {message}", 'Send {recipient} a message: "{message}"')),
    _tool("send_email", "messaging", "Send an email.",
          {"to_email": {"type": "string", "format": "email"}, "subject": S, "body": S},
          hints=('E-mail {to_email} with the subject "{subject}" and the message "{body}".',
                 'Write to {to_email}, subject "{subject}": "{body}"')),
    _tool("search_messages", "messaging", "Search messages by keyword.", {"keyword": S, "limit": {"type": "integer", "minimum": 1, "maximum": 50}},
          required=["keyword"], hints=("Find my messages about {keyword}.", "Did anyone write to me about {keyword}?")),
    _tool("create_event", "calendar", "Create a calendar event.",
          {"title": S, "date": {"type": "string", "format": "date"}, "start_time": {"type": "string", "description": "HH:MM"},
           "duration_minutes": {"type": "integer", "minimum": 15, "maximum": 480}, "attendees": {"type": "array", "items": {"type": "string", "format": "email"}, "maxItems": 5}},
          required=["title", "date", "start_time"], hints=("Put {title} on my calendar for {date} at {start_time}",
                                                           "Schedule {title} on {date}, starting {start_time}.")),
    _tool("cancel_event", "calendar", "Cancels an event by its ID.", {"event_id": S},
          hints=("Call off {event_id}.", "Please cancel event {event_id} and tell everyone.")),
    _tool("get_distance", "maps", "Returns the driving distance between two places in miles.",
          {"origin": S, "destination": S}, hints=("How far is it from {origin} to {destination}?", "What's the distance between {origin} and {destination}?")),
    _tool("convert_units", "maps", "Convert a distance between units.",
          {"value": {"type": "number"}, "from_unit": {"type": "string", "enum": ["miles", "km"]}, "to_unit": {"type": "string", "enum": ["miles", "km"]}},
          hints=("Convert {value} {from_unit} to {to_unit}.", "I have {value} {from_unit}; what is that in {to_unit}?")),
    _tool("find_places", "maps", "Find places of a category near a city.", {"city": S, "category": {"type": "string", "enum": ["restaurant", "museum", "park", "cafe"]}},
          hints=("Is there a {category} in {city}?", "Show me {category} options around {city}.")),
    _tool("search_flights", "travel", "Search flights between two airports on a date.",
          {"origin": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "IATA code"}, "destination": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "IATA code"},
           "date": {"type": "string", "format": "date"}, "cabin": {"type": "string", "enum": ["economy", "business", "first"]}},
          required=["origin", "destination", "date"], hints=("Find me flights from {origin} to {destination} on {date}.",
                                                            "What flights go from {origin} to {destination} on {date}?")),
    _tool("book_flight", "travel", "Book a flight for a passenger.", {"flight_id": S, "passenger_name": S, "seats": {"type": "integer", "minimum": 1, "maximum": 6}},
          hints=("Book {seats} seats on flight {flight_id} for {passenger_name}.",
                 "Reserve flight {flight_id} for {passenger_name}, {seats} seats.")),
    _tool("cancel_booking", "travel", "Cancel a booking.", {"booking_id": S},
          hints=("Cancel booking {booking_id}, please.", "I can't make it; call off reservation {booking_id}.")),
    _tool("get_balance", "banking", "Get the balance of an account.", {"account_id": S},
          hints=("How much money is left in {account_id}?", "What's the balance on account {account_id}?")),
    _tool("transfer_money", "banking", "Transfer money between two accounts.",
          {"from_account": S, "to_account": S, "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 10000},
           "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "memo": {"type": "string", "maxLength": 40}},
          required=["from_account", "to_account", "amount", "currency"],
          hints=("Move {amount} {currency} from {from_account} to {to_account}.",
                 "Transfer {amount} {currency} out of {from_account} into {to_account}.")),
    _tool("search_products", "shop", "Search the catalog for products.", {"query": S, "max_price": {"type": "number", "minimum": 0}, "color": S},
          required=["query"], hints=("I'm looking for {query}; what do you have?", "Find {query} under {max_price} dollars.")),
    _tool("add_to_cart", "shop", "Add a product to the shopping cart.", {"product_id": S, "quantity": {"type": "integer", "minimum": 1, "maximum": 10}},
          hints=("add {quantity} of {product_id} to my cart", "Put {product_id} in the cart, quantity {quantity}.")),
    _tool("place_order", "shop", "Place an order for the items in the cart.", {"shipping_address": S, "express": {"type": "boolean"}},
          required=["shipping_address"], hints=("Check out and ship everything to {shipping_address}.",
                                               "Place the order and deliver it to {shipping_address}.")),
    _tool("view_cart", "shop", "Show the shopping cart.", {}, hints=("What's in my cart right now?", "Show me my basket.")),
    _tool("set_thermostat", "home", "Set the thermostat temperature in a room.",
          {"room": S, "temperature": {"type": "number", "minimum": 10, "maximum": 30, "multipleOf": 0.5}},
          hints=("Make the {room} {temperature} degrees.", "Set the {room} thermostat to {temperature}.")),
    _tool("turn_on_light", "home", "Turn on a light.", {"device_name": S, "brightness": {"type": "integer", "minimum": 0, "maximum": 100}},
          required=["device_name"], hints=("Switch on the {device_name}.", "Turn the {device_name} on.")),
    _tool("lockDoor", "home", "Lock or unlock a door.", {"door": {"type": "string", "enum": ["front", "back", "garage"]}, "unlock": {"type": "boolean"}}),
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "catalogs"
_BFCL_TYPES = {"dict": "object", "float": "number", "tuple": "array"}


def _bfcl_schema(s: Any) -> Any:
    """BFCL's dialect converted by hand (the real loader lives in magnet_graph.catalog)."""
    if isinstance(s, dict):
        out = {k: _bfcl_schema(v) for k, v in s.items()}
        t = out.get("type")
        if isinstance(t, str) and t in _BFCL_TYPES:
            out["type"] = _BFCL_TYPES[t]
        elif t == "any":
            del out["type"]
        return out
    if isinstance(s, list):
        return [_bfcl_schema(v) for v in s]
    return s


def bfcl_tools(root: Path) -> list[Tool]:
    tools = []
    for f in sorted((root / "bfcl_v3_multi_turn").glob("*.json")):
        for line in f.read_text().splitlines():
            if line.strip():
                d = json.loads(line)
                tools.append(Tool(name=d["name"], description=d["description"], toolkit=f.stem, dialect="bfcl",
                                  parameters=_bfcl_schema(d["parameters"]), returns=_bfcl_schema(d.get("response"))))
    return tools


def tau2_tools(root: Path) -> list[Tool]:
    data = json.loads((root / "tau2_airline" / "tools.json").read_text())
    return [Tool(name=d["function"]["name"], description=d["function"]["description"], toolkit="airline",
                 parameters=d["function"]["parameters"]) for d in data]


# --------------------------------------------------------------------------------------------
# values validate
# --------------------------------------------------------------------------------------------
def test_builtin_like_values_validate_and_are_findable():
    rng = random.Random(1)
    for _ in range(30):
        for tool in BUILTIN_LIKE:
            for name, schema in tool.properties.items():
                v = generate_value(name, schema, rng=rng, tool=tool)
                check(v, schema)
                assert findable(v, format_value(v, schema, name=name)) == [], (tool.name, name, v)


def test_bfcl_values_validate(shared_catalogs):
    tools = bfcl_tools(shared_catalogs)
    assert len(tools) == 129
    rng = random.Random(2)
    for seed in range(6):
        for tool in tools:
            args = {n: generate_value(n, s, rng=rng, tool=tool) for n, s in tool.properties.items()}
            check(args, {**tool.parameters, "required": []})
            for n, v in args.items():
                text = format_value(v, tool.properties[n], name=n)
                assert "\n" not in text
                assert findable(v, text) == [], (tool.name, n, v, text)


def test_tau2_values_validate_through_refs(shared_catalogs):
    rng = random.Random(3)
    for tool in tau2_tools(shared_catalogs):
        for _ in range(8):
            args = {n: generate_value(n, s, rng=rng, tool=tool) for n, s in tool.properties.items()}
            check(args, {**tool.parameters, "required": []})
    book = next(t for t in tau2_tools(shared_catalogs) if t.name == "book_reservation")
    flights = generate_value("flights", book.properties["flights"], rng=random.Random(4), tool=book)
    assert flights and all(set(f) == {"flight_number", "date"} for f in flights)  # $ref to FlightInfo resolved
    assert all(dt.date.fromisoformat(f["date"]) for f in flights)


def test_bfcl_description_enums_are_used(shared_catalogs):
    tools = {t.name: t for t in bfcl_tools(shared_catalogs)}
    rng = random.Random(5)
    currency = tools["compute_exchange_rate"].properties["base_currency"]
    got = {generate_value("base_currency", currency, rng=rng) for _ in range(60)}
    assert got <= {"USD", "RMB", "EUR", "JPY", "GBP", "CAD", "AUD", "INR", "RUB", "BRL", "MXN"} and len(got) > 3
    klass = tools["get_flight_cost"].properties["travel_class"]
    assert {generate_value("travel_class", klass, rng=rng) for _ in range(40)} == {"economy", "business", "first"}
    order = tools["place_order"].properties["order_type"]
    assert {generate_value("order_type", order, rng=rng) for _ in range(40)} == {"Buy", "Sell"}
    doors = tools["lockDoors"].properties["door"]
    for _ in range(20):
        assert set(generate_value("door", doors, rng=rng)) <= {"driver", "passenger", "rear_left", "rear_right"}
    speed = tools["setCruiseControl"].properties["speed"]
    for _ in range(20):  # "between 0 and 120 and a multiple of 5"
        v = generate_value("speed", speed, rng=rng)
        assert 0 <= v <= 120 and v % 5 == 0


# --------------------------------------------------------------------------------------------
# hypothesis over schemas
# --------------------------------------------------------------------------------------------
NAMES = st.sampled_from([
    "email", "city", "date", "start_time", "file_name", "folder", "amount", "quantity", "temperature", "user_id",
    "booking_id", "title", "message", "query", "color", "currency", "phone", "url", "price", "limit", "x",
    "value", "tags", "percentage", "username", "first_name", "count", "speed", "latitude", "zip", "airport", "misc",
])
PATTERNS = st.sampled_from([r"^[A-Z]{3}$", r"^[0-9]{5}$", r"^[a-z]+$", r"^[A-Za-z0-9_]+$", r"^\d{4}-\d{2}-\d{2}$",
                            r"^[A-Z]{2}$", r"^#\w+$", r"^\S+@\S+$"])


@st.composite
def string_schemas(draw):
    s: dict[str, Any] = {"type": "string"}
    mode = draw(st.sampled_from(["plain", "format", "length", "pattern", "enum"]))
    if mode == "format":
        s["format"] = draw(st.sampled_from(["date", "email", "uuid", "ipv4", "date-time", "uri", "time"]))
    elif mode == "length":
        lo = draw(st.integers(0, 30))
        s["minLength"] = lo
        if draw(st.booleans()):
            s["maxLength"] = lo + draw(st.integers(0, 20))
    elif mode == "pattern":
        s["pattern"] = draw(PATTERNS)
    elif mode == "enum":
        s["enum"] = draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4, unique=True))
    return s


@st.composite
def integer_schemas(draw):
    s: dict[str, Any] = {"type": "integer"}
    lo = draw(st.integers(-10_000, 10_000))
    width = draw(st.integers(0, 5_000))
    m = draw(st.sampled_from([None, 1, 2, 3, 5, 10, 25]))
    if m is not None:
        s["multipleOf"] = m
        width = max(width, 2 * m + 2)
    if draw(st.booleans()):
        if draw(st.booleans()):
            s["minimum"] = lo
        else:
            s["exclusiveMinimum"] = lo - 1
    if draw(st.booleans()):
        if draw(st.booleans()):
            s["maximum"] = lo + width
        else:
            s["exclusiveMaximum"] = lo + width + 1
    return s


@st.composite
def number_schemas(draw):
    s: dict[str, Any] = {"type": "number"}
    lo = draw(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
    width = draw(st.floats(1.0, 1e5, allow_nan=False, allow_infinity=False))  # > 0: exclusive bounds stay satisfiable
    m = draw(st.sampled_from([None, None, 0.5, 0.25, 0.1, 0.01, 2, 5, 0.05]))
    if m is not None:
        s["multipleOf"] = m
        width = max(width, 4 * m + 1)
    if draw(st.booleans()):
        s["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = lo
    if draw(st.booleans()):
        s["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = lo + width
    return s


SCALARS = st.one_of(
    string_schemas(), integer_schemas(), number_schemas(), st.just({"type": "boolean"}), st.just({"type": "null"}),
    st.just({}), st.builds(lambda v: {"const": v}, st.one_of(st.integers(), st.text(max_size=5))),
)


def _containers(children):
    arrays = st.builds(
        lambda items, lo, extra, unique: {"type": "array", "items": items, "minItems": lo, "maxItems": lo + extra,
                                          **({"uniqueItems": True} if unique else {})},
        children, st.integers(0, 4), st.integers(0, 3), st.booleans(),
    )
    objects = st.dictionaries(NAMES, children, max_size=4).flatmap(
        lambda props: st.builds(
            lambda req: {"type": "object", "properties": props, "required": sorted(req)},
            st.sets(st.sampled_from(sorted(props)) if props else st.nothing(), max_size=len(props)),
        )
    )
    nullable = children.map(lambda c: {"anyOf": [c, {"type": "null"}]})
    typelist = string_schemas().map(lambda c: {**c, "type": ["string", "null"]})
    return st.one_of(arrays, objects, nullable, typelist)


def _unique_ok(schema: Any) -> bool:
    """Drop schemas whose uniqueItems cannot be met (booleans, tiny enums, consts, nulls)."""
    if isinstance(schema, dict):
        if schema.get("uniqueItems"):
            items = schema.get("items", {})
            lo = schema.get("minItems", 0)
            if lo > 1 and (items.get("type") in ("boolean", "null") or "const" in items or
                           ("enum" in items and len(items["enum"]) < lo) or items.get("pattern") == r"^[A-Z]{2}$" or
                           items.get("type") == "array" or items.get("type") == "object" or items == {} or
                           ("anyOf" in items) or ("maxLength" in items and items["maxLength"] < 2) or
                           (items.get("type") == "integer" and ("maximum" in items or "exclusiveMaximum" in items))
                           or items.get("type") == "number" and ("maximum" in items or "exclusiveMaximum" in items)):
                return False
        return all(_unique_ok(v) for v in schema.values())
    if isinstance(schema, list):
        return all(_unique_ok(v) for v in schema)
    return True


SCHEMAS = st.recursive(SCALARS, _containers, max_leaves=6).filter(_unique_ok)


@settings(max_examples=400, deadline=None)
@given(name=NAMES, schema=SCHEMAS, seed=st.integers(0, 2**32))
def test_values_validate_against_generated_schemas(name, schema, seed):
    value = generate_value(name, schema, rng=random.Random(seed))
    check(value, schema)
    assert value == generate_value(name, schema, rng=random.Random(seed))  # same seed, same value


@settings(max_examples=200, deadline=None)
@given(schema=st.one_of(integer_schemas(), number_schemas()), seed=st.integers(0, 2**32))
@example(schema={"type": "integer", "multipleOf": 3, "exclusiveMinimum": 2499}, seed=0)  # only the excluded bound fit
def test_numbers_respect_bounds_and_multiples(schema, seed):
    check(generate_value("amount", schema, rng=random.Random(seed), default_p=0), schema)


# --------------------------------------------------------------------------------------------
# realistic by name; deterministic per seed
# --------------------------------------------------------------------------------------------
def draws(name: str, schema: dict, n: int = 40, seed: int = 0, **kw) -> list[Any]:
    rng = random.Random(seed)
    return [generate_value(name, schema, rng=rng, **kw) for _ in range(n)]


def test_realistic_by_name_and_format():
    for v in draws("email", S):
        assert re.fullmatch(r"[a-z]+\.[a-z]+@[a-z]+\.[a-z]+", v)
    for v in draws("travel_date", S) + draws("when", {"type": "string", "format": "date"}):
        dt.date.fromisoformat(v)
    for v in draws("start_time", S):
        assert re.fullmatch(r"\d\d:\d\d", v) and dt.time.fromisoformat(v)
    for v in draws("meeting_at", {"type": "string", "format": "date-time"}):
        dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    assert set(draws("city", S)) <= set(vocab.CITIES)
    assert set(draws("destination", {"type": "string", "description": "The IATA code of the arrival airport"})) <= set(vocab.AIRPORTS)
    assert set(draws("first_name", S)) <= set(vocab.FIRST_NAMES)
    for v in draws("recipient", S):
        first, last = v.split(" ")
        assert first in vocab.FIRST_NAMES and last in vocab.LAST_NAMES
    for v in draws("file_name", S):
        assert re.fullmatch(r"[a-z0-9_]+\.[a-z]{2,4}", v)
    assert set(draws("currency", S)) <= set(vocab.CURRENCIES)
    assert set(draws("symbol", S)) <= set(vocab.STOCK_SYMBOLS)
    for v in draws("order_uuid", {"type": "string", "format": "uuid"}):
        uuid.UUID(v)
    for v in draws("website", S):
        assert v.startswith("https://")
    for v in draws("phone_number", S):
        assert re.fullmatch(r"\+1-\d{3}-555-\d{4}", v)
    for v in draws("message", S) + draws("body", S) + draws("subject", S) + draws("title", S):
        assert "\n" not in v and ". " not in v and 3 <= len(v) <= 80
    for v in draws("amount", {"type": "number"}):
        assert 5 <= v <= 2500 and round(v, 2) == v
    for v in draws("quantity", {"type": "integer"}):
        assert isinstance(v, int) and 1 <= v <= 9
    for v in draws("percentage", {"type": "number"}):
        assert 0 < v < 100
    for v in draws("booking_id", S):
        assert re.fullmatch(r"BK-\d{5}", v)
    for v in draws("tags", {"type": "array", "items": S, "description": "Tag name should start with #."}):
        assert v and all(t.startswith("#") for t in v) and len(set(v)) == len(v)


def test_kinds_come_from_description_before_name():
    assert value_kind("cityA", "string", "", "The zipcode of the first city.") == "zip"
    assert value_kind("name", "string", "", "Name of the company.") == "company"
    assert value_kind("destination", "string", "", "The name of the file or directory to move to") == "file"
    assert value_kind("destination", "string", "", "street, city, state") == "address"
    assert value_kind("date_of_birth", "string", "", "in the format YYYY-MM-DD") == "dob"
    assert value_kind("total_baggages", "integer") == "quantity"
    assert value_kind("account_count", "integer") == "quantity"
    assert value_kind("attempts", "integer") != "temperature"


def test_same_seed_same_values_other_seed_differs():
    def run(seed: int) -> list[Any]:
        rng = random.Random(seed)
        return [generate_value(n, s, rng=rng, tool=t) for t in BUILTIN_LIKE for n, s in t.properties.items()]

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_defaults_sometimes_never_the_none_string():
    schema = {"type": "string", "default": "None"}
    assert "None" not in draws("status", schema, n=200, default_p=1.0)
    assert set(draws("lines", {"type": "integer", "default": 10}, n=200, default_p=1.0)) == {10}
    assert 10 in draws("lines", {"type": "integer", "default": 10}, n=200) and len(set(draws("lines", {"type": "integer", "default": 10}, n=200))) > 5


def test_constraints():
    for v in draws("code", {"type": "string", "pattern": "^[A-Z]{3}$"}):
        assert re.fullmatch(r"[A-Z]{3}", v)
    for v in draws("message", {"type": "string", "minLength": 5, "maxLength": 12}):
        assert 5 <= len(v) <= 12
    for v in draws("price", {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "multipleOf": 0.01}):
        assert 0 < v <= 1
        check(v, {"type": "number", "multipleOf": 0.01})
    v = generate_value("color", {"type": "array", "items": {"enum": ["r", "g", "b"]}, "minItems": 3, "uniqueItems": True}, rng=random.Random(0))
    assert sorted(v) == ["b", "g", "r"]
    v = generate_value("ids", {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 6}, rng=random.Random(0))
    assert len(v) >= 6
    obj = generate_value("payload", {"type": "object", "properties": {"a": S, "b": {"type": "integer"}}, "required": ["b"]}, rng=random.Random(0))
    assert set(obj) == {"b"}
    assert generate_value("x", {"type": ["null", "integer"], "minimum": 3, "maximum": 3}, rng=random.Random(0)) == 3
    assert generate_value("x", {"oneOf": [{"type": "null"}, {"type": "string", "format": "email"}]}, rng=random.Random(0)).count("@") == 1


# --------------------------------------------------------------------------------------------
# format_value and humanize_param
# --------------------------------------------------------------------------------------------
def test_humanize_param():
    assert humanize_param("booking_id") == "booking ID"
    assert humanize_param("fromAccountId") == "from account ID"
    assert humanize_param("file_name") == "file name"
    assert humanize_param("cityA") == "city A"
    assert humanize_param("file_name2") == "file name 2"
    assert humanize_param("URLPath") == "URL path"


def test_format_value_quotes_free_text_and_leaves_names_bare():
    assert format_value("notes.txt", S, name="file_name") == "'notes.txt'"
    assert format_value("Quarterly review", S, name="title") == "'Quarterly review'"
    assert format_value("Running late, see you soon", S, name="message") == "'Running late, see you soon'"
    assert format_value("Ann Lee", S, name="passenger_name") == "Ann Lee"
    assert format_value("San Francisco", S, name="city") == "San Francisco"
    assert format_value("ann.lee@example.com", S, name="email") == "ann.lee@example.com"
    assert format_value("BK-12345", S, name="booking_id") == "BK-12345"
    assert format_value("report.pdf") == "'report.pdf'"  # no name, no schema: by the value's shape
    assert format_value("Ann Lee") == "Ann Lee"
    assert format_value("send it after lunch") == "'send it after lunch'"


def test_format_value_numbers_lists_objects():
    assert format_value(1200.5) == "1200.5"
    assert format_value(3) == "3"
    assert format_value(1e-7) == "0.0000001" and format_value(2.5e16) == "25000000000000000"
    assert format_value(["a.txt", "b.txt", "c.txt"], {"type": "array", "items": S}, name="file_names") == "'a.txt', 'b.txt' and 'c.txt'"
    assert format_value([1, 2.5]) == "1 and 2.5"
    text = format_value({"first_name": "Ann", "dob": "1990-01-02", "bags": 2})
    assert findable({"first_name": "Ann", "dob": "1990-01-02", "bags": 2}, text) == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False, width=64)))
def test_numbers_round_trip_through_text(x):
    text = f"set it to {format_value(x)} please."
    assert float(x) in numbers_in(text)


@settings(max_examples=200, deadline=None)
@given(st.recursive(
    st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12), st.booleans()),
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.sampled_from(["a_b", "name", "qty"]), c, max_size=3)),
    max_leaves=8,
))
def test_every_leaf_is_findable_in_its_text(value):
    assert findable(value, "Please use " + format_value(value) + ".") == []
