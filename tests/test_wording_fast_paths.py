"""The fast paths of the planner, the wording and the seeds keep their contracts: derive_seed
is the documented blake2b of its labels, the per-tool planner table follows the tool, the
strict-id memo answers without asking the state again, the schema checks moved to
``translate.accepts`` agree with the full check, and the random draws the phrasing relies on
(shuffling one item draws nothing) hold."""

from __future__ import annotations

import random
from hashlib import blake2b

import pytest
from hypothesis import given
from hypothesis import strategies as st

from magnet_graph.seeding import derive_seed
from magnet_graph.translate import accepts
from magnet_graph.translate.offline import _strict_ids, _tool_plan
from magnet_graph.types import Tool


def _blake_seed(seed: int, *parts: object) -> int:
    """derive_seed as its docstring states it: blake2b (8 bytes) of the seed and the labels."""
    text = "\x1f".join([str(int(seed)), *map(str, parts)])
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


@given(st.integers(min_value=-(2**70), max_value=2**70), st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4))
def test_derive_seed_is_the_blake2b_of_its_labels(seed, parts):
    assert derive_seed(seed, *parts) == _blake_seed(seed, *parts)


def test_derive_seed_writes_bools_and_int_subclasses_as_ints():
    class Slot(int):
        def __str__(self) -> str:  # an int subclass with its own text must not change the seed
            return "slot"

    assert derive_seed(True, "x") == derive_seed(1, "x") == _blake_seed(1, "x")
    assert derive_seed(Slot(7), "walk", 3) == derive_seed(7, "walk", 3)
    assert derive_seed(5) == _blake_seed(5) and derive_seed(5) != derive_seed(5, "")


def _tool(name: str, props: dict, required: list[str]) -> Tool:
    return Tool(name=name, parameters={"type": "object", "properties": props, "required": required})


def test_tool_plan_follows_the_tool_object():
    tool = _tool("book", {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {}}, ["c", "a"])
    plan = _tool_plan(tool)
    assert [(k, req) for k, _, req in plan.params] == [("a", True), ("b", False), ("c", True)]
    assert plan.params[1][1] is tool.properties["b"] and plan.required == {"a", "c"}
    assert _tool_plan(tool) is plan  # made once per tool object
    other = _tool("book", {"z": {"type": "string"}}, [])
    assert [k for k, _, _ in _tool_plan(other).params] == ["z"]  # a new object gets its own table


class _Env:
    """A state with identifiers for one parameter; counts what the planner asks it."""

    def __init__(self):
        self.asked = 0

    def is_executable(self, tool: str) -> bool:
        return True

    def candidates(self, tool: str, param: str) -> list:
        self.asked += 1
        return ["O-1", ["O-2", "O-3"], 4] if param == "order_id" else []


class _Ctx:
    def __init__(self, tool: Tool):
        self.catalog = type("Cat", (), {"by_name": {tool.name: tool}, "bindings": {}})()
        self.env = _Env()


def test_strict_ids_memo_answers_without_asking_again():
    tool = _tool("cancel_order", {"order_id": {"type": "string"}, "reason": {"type": "string"}}, ["order_id"])
    ctx = _Ctx(tool)
    memo: dict = {}
    assert _strict_ids(ctx, "cancel_order", "order_id", memo) == {"O-1", "O-2", "O-3", 4}
    assert _strict_ids(ctx, "cancel_order", "reason", memo) is None  # neither exact nor an identifier
    asked = ctx.env.asked
    assert _strict_ids(ctx, "cancel_order", "order_id", memo) == {"O-1", "O-2", "O-3", 4}
    assert _strict_ids(ctx, "cancel_order", "reason", memo) is None
    assert ctx.env.asked == asked and memo[("cancel_order", "reason")] is None
    assert _strict_ids(ctx, "cancel_order", "order_id") == {"O-1", "O-2", "O-3", 4}  # no memo: asked again
    assert ctx.env.asked == asked + 1


_SCHEMAS = [
    {}, {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"},
    {"type": "string", "enum": ["a", "b"]}, {"type": "integer", "minimum": 1, "maximum": 5},
    {"type": "number", "minimum": 0.5, "maximum": 2}, {"type": ["string", "null"], "maxLength": 3},
    {"type": "string", "pattern": "^[A-Z]{2}-\\d+$", "minLength": 4}, {"exclusiveMinimum": 0, "exclusiveMaximum": 10},
    {"type": "string", "pattern": "(unclosed"}, {"enum": [1, "1", True]},
]
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.floats(allow_nan=False, width=32),
                    st.sampled_from(["a", "b", "AB-12", "AB-", "abcd", "", "x" * 5]))


@pytest.mark.parametrize("schema", _SCHEMAS, ids=lambda s: ",".join(sorted(s)) or "empty")
@given(value=_VALUES)
def test_the_built_check_agrees_with_the_full_check(schema, value):
    assert accepts.checker(schema)(value) is accepts.accepts_full(schema, value)
    assert accepts.accepts(schema, value) is accepts.accepts_full(schema, value)


@pytest.mark.parametrize("seed", range(5))
def test_shuffling_one_item_draws_nothing(seed):
    """request_for_call skips rng.shuffle for a tool with one hint: the stream must not move."""
    rng = random.Random(seed)
    before = rng.getstate()
    one = [0]
    rng.shuffle(one)
    assert one == [0] and rng.getstate() == before


def _feeds_by_reading(graph, name: str, param: str, source: str) -> list[str]:
    """The output fields of ``source`` that feed ``param`` of ``name``, read off the edge."""
    edge = graph.get_edge_data(source, name) or {}
    return [out for out, p in edge.get("feeds", ()) if p == param]


def test_feeds_table_is_what_the_edges_say():
    import networkx as nx

    from magnet_graph.catalog import load_catalogs
    from magnet_graph.graph import build_graph
    from magnet_graph.translate.offline import _feeds_into, _predecessors

    catalog = load_catalogs(())
    graph = build_graph(catalog.tools)
    pred = _predecessors(graph)
    checked = 0
    for tool in catalog.tools:
        table = _feeds_into(graph, pred, tool.name)
        assert isinstance(table, dict) and _feeds_into(graph, pred, tool.name) is table  # built once
        for param in tool.properties:
            for source in graph.predecessors(tool.name):
                want = _feeds_by_reading(graph, tool.name, param, source)
                assert list(table.get(param, {}).get(source, ())) == want
                checked += bool(want)
    assert checked > 50  # the built-in catalogs have many feeding edges
    # a change through networkx's methods is seen (its cache is cleared) ...
    name = catalog.tools[0].name
    graph.add_edge("brand_new_tool", name, feeds=[["x", "y"]])
    assert _feeds_into(graph, _predecessors(graph), name)["y"] == {"brand_new_tool": ("x",)}
    # ... and a graph without the cache, or with odd feeds, is read edge by edge
    odd = nx.DiGraph()
    odd.add_edge("a", "b", feeds=[["out", "p"], ["bad"]])
    view = _feeds_into(odd, _predecessors(odd), "b")
    assert not isinstance(view, dict) and view
    fields = view.get("p").get("a")
    assert next(fields) == "out"  # read lazily, in order: the odd entry fails only when reached
    with pytest.raises(ValueError):
        next(fields)
    assert view.get("p").get("zzz") is None


_FIELD_KEYS = st.sampled_from(["booking_id", "total", "distance_km", "temperature", "moved_from", "status",
                               "renamed", "count", "price", "email", "departure_date", "note", "files"])
_FIELD_VALUES = st.one_of(st.text(max_size=30), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                          st.text(min_size=101, max_size=120))


@given(_FIELD_KEYS, _FIELD_VALUES, st.integers(0, 2**32))
def test_summary_fast_path_states_a_field_as_fact_does(key, value, seed):
    # _object_text writes the common facts (short texts, numbers) itself; they must read as
    # _fact writes them, with the same draws
    from magnet_graph.translate.summary import _fact, _field, _object_text

    tool = Tool(name="get_thing", description="Get a thing.")
    fast_rng, slow_rng = random.Random(seed), random.Random(seed)
    fact = _fact(key, _field(key), value, slow_rng)
    text = _object_text(tool, {}, {key: value}, fast_rng)
    if fact:
        assert text == fact
    assert fast_rng.getstate() == slow_rng.getstate()
