"""Laws of build_graph on random tool sets (hypothesis): whatever the schemas, the graph is sound."""

from __future__ import annotations

from typing import Any

import strategies  # noqa: F401  (registers the project's hypothesis profiles)
from hypothesis import given, settings
from hypothesis import strategies as st

from magnet_graph.graph import build_graph, values_at
from magnet_graph.graph.paths import split_path
from magnet_graph.types import Tool

WORDS = ["booking", "flight", "user", "file", "order", "city", "email", "amount", "status", "name", "id",
         "result", "date", "path", "total", "symbol", "message", "value", "count", "card"]  # fmt: skip
KEYS = st.builds(lambda a, b, camel: (a + b.title()) if camel else f"{a}_{b}" if b else a,
                 st.sampled_from(WORDS), st.sampled_from(WORDS + ["", "", "ids", "list"]), st.booleans())  # fmt: skip
SCALAR = st.sampled_from([{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"},
                          {"type": "string", "format": "email"}, {"type": "string", "enum": ["a", "b"]},
                          {"type": ["string", "null"]}, {"anyOf": [{"type": "integer"}, {"type": "null"}]}, {}])  # fmt: skip


def _schemas(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth == 0:
        return SCALAR
    inner = _schemas(depth - 1)
    return st.one_of(
        SCALAR,
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(lambda props: {"type": "object", "properties": props}, st.dictionaries(KEYS, inner, max_size=3)),
    )


@st.composite
def tools(draw) -> list[Tool]:
    n = draw(st.integers(1, 8))
    names = draw(st.lists(st.builds(lambda v, k: f"{v}_{k}", st.sampled_from(["get", "create", "search", "cancel",
                                                                              "update", "login", "list", "x"]), KEYS),
                          min_size=n, max_size=n, unique=True))  # fmt: skip
    out = []
    for name in names:
        props = draw(st.dictionaries(KEYS, _schemas(1), max_size=4))
        required = draw(st.lists(st.sampled_from(sorted(props)), unique=True)) if props else []
        returns = draw(st.one_of(st.none(), _schemas(3)))
        out.append(Tool(name=name, parameters={"type": "object", "properties": props, "required": required},
                        returns=returns, toolkit=draw(st.sampled_from(["a", "b"]))))  # fmt: skip
    return out


def _walk(schema: Any, path: str) -> Any:
    node = schema
    for step in split_path(path):
        if not isinstance(node, dict):
            return None
        node = node.get("items") if step == "[]" else (node.get("properties") or {}).get(step)
    return node


def _resolve(s: Any) -> Any:
    if isinstance(s, dict) and "anyOf" in s:
        return next((a for a in s["anyOf"] if a.get("type") != "null"), s)
    return s


@settings(max_examples=60)
@given(tools())
def test_any_tool_set_gives_a_sound_graph(ts):
    G = build_graph(ts)
    by = {t.name: t for t in ts}
    assert list(G.nodes) == [t.name for t in ts]
    for u, v, d in G.edges(data=True):
        assert u != v
        assert 0.0 <= d["score"] <= 1.0
        assert d["kind"] in ("exact", "part", "precondition")
        assert d["evidence"] in ("schema", "name", "precondition")
        assert isinstance(d["reason"], str) and d["reason"]
        if d["kind"] == "precondition":
            assert d["feeds"] == [] and not d["nested"]
        if d["nested"]:
            assert d["feeds"]
            assert any(p in by[v].required for _o, p in d["feeds"])
        for out_path, param_path in d["feeds"]:
            assert _walk(by[u].returns, out_path) is not None, (u, out_path)
            target = _resolve(_walk(by[v].parameters, param_path))
            assert target is not None, (v, param_path)
            assert target.get("type") != "boolean"


@settings(max_examples=30)
@given(tools())
def test_raising_min_score_only_removes_edges(ts):
    lo, hi = build_graph(ts, min_score=0.4), build_graph(ts, min_score=0.8)
    assert set(hi.edges) <= set(lo.edges)


@given(st.recursive(st.one_of(st.integers(), st.text(max_size=3)),
                    lambda inner: st.one_of(st.lists(inner, max_size=3),
                                            st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3))),
       st.lists(st.sampled_from(["a", "b", "c", "[]"]), max_size=4))  # fmt: skip
def test_values_at_never_fails(output, steps):
    path = ".".join(s for s in steps if s != "[]")  # a plain dotted path gives at most one value
    assert len(values_at(output, path)) <= 1
    values_at(output, "".join(f"{s}" if s == "[]" else f".{s}" for s in steps).lstrip("."))
