"""The executor's shortcuts give what the general paths give: states a toolkit may keep,
outputs copied without a JSON round trip, the content id hashed around the tools' bytes,
rounding to cents."""

from __future__ import annotations

import importlib
import math
import random

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from magnet_graph.execute import Environment, _detach, canonical_json, content_id, to_jsonable
from magnet_graph.toolkit import Toolkit
from magnet_graph.types import Binding, Catalog, Tool
from tool_catalogs import BUILTINS
from tool_catalogs._util import round2

_OBJ = {"type": "object", "properties": {}}


def _builtin_classes() -> list[type]:
    out = []
    for spec in BUILTINS.values():
        module, _, name = spec.partition(":")
        out.append(getattr(importlib.import_module(module), name))
    return out


def _plain_and_unshared(value, seen: set[int], path: str = "$") -> None:
    """Assert ``value`` is plain JSON data whose dicts and lists are not in ``seen`` (nor repeated)."""
    t = type(value)
    if t is dict or t is list:
        assert id(value) not in seen, f"shared container at {path}"
        seen.add(id(value))
        items = value.items() if t is dict else enumerate(value)
        for k, v in items:
            assert t is list or type(k) is str, f"key {k!r} at {path}"
            _plain_and_unshared(v, seen, f"{path}/{k}")
    elif t is float:
        assert math.isfinite(value), path
    else:
        assert value is None or t in (str, int, bool), f"{t.__name__} at {path}"


@pytest.mark.parametrize("cls", _builtin_classes(), ids=lambda c: c.__name__)
def test_builtin_generated_states_are_fresh_plain_json(cls):
    """What ``fresh_state = True`` promises: new plain JSON data, no container shared with
    anything else (other states, module data) or repeated inside the state."""
    assert cls.__dict__.get("fresh_state") is True
    seen: set[int] = set()
    keep = []
    for seed in range(60):
        state = cls.generate_state(random.Random(seed))
        keep.append(state)  # alive, so ids cannot be reused
        _plain_and_unshared(state, seen)
        assert orjson.loads(orjson.dumps(state)) == state


class Ledger(Toolkit):
    """Declares fresh states; its only tool changes the state."""

    fresh_state = True

    @classmethod
    def generate_state(cls, rng: random.Random):
        return {"entries": [rng.randint(0, 9) for _ in range(3)], "total": 0}

    def add(self, amount: int) -> dict:
        self.data["entries"].append(amount)
        self.data["total"] += amount
        return {"total": self.data["total"], "entries": self.data["entries"]}


_SHARED = {"entries": [1, 2], "total": 0}


class Leaky(Ledger):
    """Inherits ``fresh_state`` but returns module data: the promise is not inherited, so
    the executor still parses a copy."""

    @classmethod
    def generate_state(cls, rng: random.Random):
        return _SHARED


def _catalog(cls: type) -> Catalog:
    tool = Tool(name="add", parameters={"type": "object", "properties": {"amount": {"type": "integer"}}},
                returns=_OBJ, toolkit="L", binding="add")
    return Catalog("test:ledger", (tool,), {"L": Binding("L", cls, state_factory=cls.generate_state)})


def test_kept_state_does_not_leak_into_initial_state_cache_or_restart():
    catalog = _catalog(Ledger)
    cache: dict[str, bytes] = {}
    env = Environment(catalog, ["L"], seed=3, state_cache=cache)
    first = orjson.loads(cache["L"])
    out = env.execute("add", {"amount": 5}).output
    assert out["entries"] == first["entries"] + [5]
    assert env.initial_state == {"L": first}
    assert orjson.loads(cache["L"]) == first
    assert env.restart().snapshot() == {"L": first}
    again = Environment(catalog, ["L"], seed=3, state_cache=cache)  # from the cache: a parsed copy
    assert again.snapshot() == {"L": first}
    env.execute("add", {"amount": 1})
    assert out["entries"] == first["entries"] + [5]  # the earlier output was detached
    assert again.snapshot() == {"L": first}


def test_a_subclass_must_declare_fresh_state_itself():
    env = Environment(_catalog(Leaky), ["L"], seed=1)
    env.execute("add", {"amount": 7})
    assert _SHARED == {"entries": [1, 2], "total": 0}
    assert env.snapshot()["L"] == {"entries": [1, 2, 7], "total": 7}


class _Str(str):
    pass


@pytest.mark.parametrize(
    "output",
    [
        {"a": 1, "b": "x", "c": None, "d": True, "e": 1.5, "f": -0.0},
        {"a": float("nan"), "b": 1},
        {"a": float("inf")},
        {1: "int key"},
        {"a": _Str("s")},
        {_Str("k"): 1},
        {"a": 2**64},
        {"a": [1, 2], "b": 1},
        {"a": {1, 2}},
        {},
        [{"a": 1}],
        "text",
        None,
    ],
)
def test_detach_matches_the_json_round_trip(output):
    try:
        want = orjson.loads(orjson.dumps(output, option=orjson.OPT_NON_STR_KEYS))
    except TypeError:
        want = to_jsonable(output)
    got = _detach(output)
    assert repr(got) == repr(want) and type(got) is type(want)
    if isinstance(output, dict):
        assert got is not output


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "provenance", "tools", "turns", "a", "zz"]), _JSON, max_size=5))
def test_content_id_is_the_same_with_the_tools_bytes(record):
    if "tools" in record:
        tools = canonical_json(record["tools"])
        assert content_id(record, tools_json=tools) == content_id(record)


def test_content_id_when_the_mark_text_appears_in_the_record():
    mark = "\x00magnet:tools\x00"
    for record in ({"tools": [1], "a": mark}, {"tools": [mark]}, {"tools": "t", "b": [mark, mark]}):
        assert content_id(record, tools_json=canonical_json(record["tools"])) == content_id(record)


@settings(max_examples=400, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**20), 10**20))
def test_round2_is_round_to_cents(x):
    got, want = round2(x), round(x, 2)
    assert repr(got) == repr(want) or (got != got and want != want)


def test_round2_on_ties():
    rng = random.Random(1)
    for _ in range(20000):
        x = round(rng.uniform(0, 5000), 3) + rng.choice((0.0, 0.005, 0.0049999, 0.0050001))
        assert repr(round2(x)) == repr(round(x, 2)), x
