"""Laws of the schema normalizer, over generated dialect-flavoured schemas.

* whatever comes in, a schema that converts without error passes the Draft 2020-12
  metaschema, has ``type: object`` at the root, and holds no ``$ref``/``$defs``/``title``;
* the input is never mutated;
* normalizing a normalized schema changes nothing (idempotence);
* a schema that is already plain JSON Schema comes out unchanged.
"""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from magnet_graph.catalog.report import Notes
from magnet_graph.catalog.schema import SchemaConverter, parameters_schema, returns_schema

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DIALECTS = st.sampled_from(["openai", "bfcl", "openapi", "pydantic", "mcp"])
NAMES = st.sampled_from(["city", "title", "count", "mode", "items", "type", "a_b", "x"])
JSON_TYPES = ["string", "integer", "number", "boolean", "null"]


def _keys(schema):
    out = set()

    def visit(s):
        if isinstance(s, dict):
            for k, v in s.items():
                out.add(k)
                if k == "properties" and isinstance(v, dict):
                    for sub in v.values():
                        visit(sub)
                elif k != "properties":
                    visit(v)
        elif isinstance(s, list):
            for v in s:
                visit(v)

    visit(schema)
    return out


# -- anything a catalog might contain ------------------------------------------------------
messy_type = st.sampled_from(JSON_TYPES + ["float", "dict", "tuple", "any", "String", "strng", 5,
                                           ["string", "null"], ["integer", "float"]])
description = st.one_of(
    st.text(max_size=20),
    st.builds(lambda vals: "Pick one. [Enum]: " + json.dumps(vals),
              st.lists(st.sampled_from(["a", "b", "c"]), min_size=1)),
    st.just("Currency. [Enum]: USD, EUR"),
)


@st.composite
def messy_leaf(draw):
    s = {"type": draw(messy_type)}
    for key, strat in (("description", description), ("title", st.text(max_size=8)),
                       ("default", st.one_of(st.just("None"), st.integers(), st.text(max_size=4), st.none())),
                       ("enum", st.lists(st.one_of(st.text(max_size=3), st.integers()), min_size=1, max_size=3)),
                       ("minimum", st.one_of(st.integers(), st.just("five"))),
                       ("nullable", st.booleans()), ("example", st.integers()),
                       ("exclusiveMinimum", st.booleans())):
        if draw(st.booleans()) and draw(st.booleans()):
            s[key] = draw(strat)
    return s


def messy_node(children):
    return st.one_of(
        st.builds(lambda props, req: {"type": "dict", "properties": props, "required": req},
                  st.dictionaries(NAMES, children, max_size=3), st.lists(NAMES, max_size=2, unique=True)),
        st.builds(lambda items: {"type": "array", "items": items}, children),
        st.builds(lambda s: {"anyOf": [s, {"type": "null"}], "title": "T"}, children),
        st.builds(lambda s: {"anyOf": [s, {"type": "string"}]}, children),
        st.just({"$ref": "#/$defs/Thing", "description": "see Thing"}),
        st.just({"$ref": "#/$defs/Missing"}),
        st.just({"$ref": "#/$defs/Loop"}),
    )


messy_schema = st.recursive(messy_leaf(), messy_node, max_leaves=8)


@st.composite
def messy_root(draw):
    root = {"type": draw(st.sampled_from(["object", "dict", "object", "array", None])),
            "properties": draw(st.dictionaries(NAMES, messy_schema, max_size=4)),
            "$defs": {"Thing": draw(messy_schema),
                      "Loop": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Loop"}}}},
            "title": "parameters"}
    if root["type"] is None:
        del root["type"]
    if draw(st.booleans()):
        root["required"] = draw(st.lists(NAMES, max_size=3, unique=True))
    return root


@SETTINGS
@given(messy_root(), DIALECTS)
def test_converted_parameters_always_pass_the_metaschema(raw, dialect):
    before = copy.deepcopy(raw)
    notes = Notes("gen.json", "tool")
    out = parameters_schema(raw, SchemaConverter(raw, dialect=dialect), notes=notes, field="parameters")
    assert raw == before  # never mutated
    if notes.failed:
        assert out is None
        assert all(len(p.message.splitlines()) == 1 and p.message.startswith("gen.json: tool tool: ")
                   for p in notes.problems)
        return
    Draft202012Validator.check_schema(out)
    assert out["type"] == "object" and isinstance(out["properties"], dict)
    assert not {"$ref", "$defs", "title", "nullable", "example"} & _keys(out)
    if dialect == "bfcl":
        assert '"None"' not in json.dumps(out)


@SETTINGS
@given(messy_schema, DIALECTS)
def test_converted_returns_pass_the_metaschema(raw, dialect):
    root = {"$defs": {"Thing": {"type": "string"}, "Loop": {"$ref": "#/$defs/Loop"}}, **raw}
    notes = Notes("gen.json", "tool")
    out = returns_schema(root, SchemaConverter(root, dialect=dialect), notes=notes, field="returns")
    if notes.failed:
        assert out is None
    else:
        Draft202012Validator.check_schema(out)
        assert "$ref" not in _keys(out)


@SETTINGS
@given(messy_root(), DIALECTS)
def test_normalizing_twice_changes_nothing(raw, dialect):
    notes = Notes("gen.json", "tool")
    once = parameters_schema(raw, SchemaConverter(raw, dialect=dialect), notes=notes, field="parameters")
    if once is None:
        return
    again_notes = Notes("gen.json", "tool")
    twice = parameters_schema(once, SchemaConverter(once, dialect="openai"), notes=again_notes, field="parameters")
    assert twice == once
    assert not again_notes.problems


# -- schemas that are already plain JSON Schema ---------------------------------------------
plain_leaf = st.builds(
    lambda t, d, extra: {"type": t, **({"description": d} if d else {}), **extra},
    st.sampled_from(JSON_TYPES), st.text(max_size=10).filter(lambda d: "[Enum]" not in d),
    st.sampled_from([{}, {"minimum": 1}, {"format": "date"}, {"default": 3}, {"examples": ["x"]}]))
plain_schema = st.recursive(plain_leaf, lambda ch: st.one_of(
    st.builds(lambda p: {"type": "object", "properties": p}, st.dictionaries(NAMES, ch, max_size=3)),
    st.builds(lambda i: {"type": "array", "items": i}, ch),
    st.builds(lambda a, b: {"anyOf": [a, b]}, ch, ch).filter(lambda s: {"type": "null"} not in s["anyOf"])),
    max_leaves=6)


@SETTINGS
@given(st.dictionaries(NAMES, plain_schema, max_size=4), st.sampled_from(["openai", "mcp", "anthropic"]))
def test_plain_json_schema_is_left_as_is(props, dialect):
    raw = {"type": "object", "properties": props}
    if props:
        raw["required"] = sorted(props)[:1]
    notes = Notes("gen.json", "tool")
    out = parameters_schema(raw, SchemaConverter(raw, dialect=dialect), notes=notes, field="parameters")
    assert notes.problems == []
    assert out == raw


# -- the cached, node-by-node metaschema check agrees with jsonschema's ----------------------
any_value = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "x y", "^a+$"]),
                      st.lists(st.sampled_from(["a", "b", "a"]), max_size=3))
keyword = st.sampled_from(["type", "description", "title", "default", "enum", "const", "required", "minimum",
                           "maxLength", "format", "pattern", "examples", "additionalProperties", "uniqueItems",
                           "$comment", "multipleOf"])


def any_schema(children):
    return st.one_of(
        st.dictionaries(keyword, st.one_of(any_value, st.sampled_from(JSON_TYPES + ["strng", 3])), max_size=4),
        st.builds(lambda p: {"type": "object", "properties": p}, st.dictionaries(NAMES, children, max_size=3)),
        st.builds(lambda i: {"items": i}, st.one_of(children, any_value)),
        st.builds(lambda a: {"anyOf": a}, st.one_of(st.lists(children, max_size=3), any_value)),
        st.builds(lambda p: {"properties": p}, any_value),
    )


@SETTINGS
@given(st.recursive(st.one_of(st.booleans(), st.dictionaries(keyword, any_value, max_size=3)), any_schema,
                    max_leaves=10))
def test_check_schema_agrees_with_jsonschema(schema):
    from magnet_graph.catalog.schema import check_schema

    notes = Notes("gen.json", "tool")
    mine = check_schema(schema, notes=notes, field="parameters")
    reference = Draft202012Validator(Draft202012Validator.META_SCHEMA).is_valid(schema)
    assert mine == reference
    assert mine or notes.problems[0].field.startswith("parameters")
