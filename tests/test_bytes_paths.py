"""The byte-saving paths of execution, replay and the translation loop give what the plain
ways give: raw outputs, states loaded from kept texts, end states compared by their texts,
the quick verification pass on loop records, kept tool lists, the tool-name pre-test, the
rollback that replays without copying, and the run's one-update counts."""

from __future__ import annotations

import copy
import random

import orjson
import pytest

from magnet_graph.catalog import load_catalogs
from magnet_graph.execute import Environment, _detach, canonical_json
from magnet_graph.graph import build_graph
from magnet_graph.ops import PathSampler
from magnet_graph.run import RunReport
from magnet_graph.toolkit import Toolkit
from magnet_graph.translate import loop
from magnet_graph.translate.base import run_sync
from magnet_graph.translate.offline import OfflineBackend
from magnet_graph.types import Binding, Call, Catalog, Tool
from magnet_graph.verify import NameFinder, StateTexts, _quick_checks, _reads_as, tool_name_pattern, verify_record


class Counter(Toolkit):
    """Items with ids from a counter; odd outputs (a set, a tuple, an exception) on purpose."""

    @classmethod
    def default_state(cls):
        return {"items": [], "next": 1}

    def add(self, label: str) -> dict:
        item_id = f"IT-{self.data['next']}"
        self.data["next"] += 1
        self.data["items"].append({"item_id": item_id, "label": label, "tags": []})
        return {"item_id": item_id, "label": label}

    def tag(self, item_id: str, tag: str) -> dict:
        item = next((i for i in self.data["items"] if i["item_id"] == item_id), None)
        if item is None:
            return {"error": f"no item {item_id}"}
        item["tags"].append(tag)
        return {"item_id": item_id, "tags": item["tags"]}  # shares the state's list

    def labels(self) -> dict:
        return {"labels": {i["label"] for i in self.data["items"]}, "pair": ("a", 1)}

    def crash(self) -> dict:
        raise ValueError("boom")


def _obj(props: dict) -> dict:
    return {"type": "object", "properties": props}


TOOLS = (
    Tool(name="add", parameters=_obj({"label": {"type": "string"}}), toolkit="Counter", binding="add"),
    Tool(name="tag", parameters=_obj({"item_id": {"type": "string"}, "tag": {"type": "string"}}),
         toolkit="Counter", binding="tag"),
    Tool(name="labels", toolkit="Counter", binding="labels"),
    Tool(name="crash", toolkit="Counter", binding="crash"),
    Tool(name="weather", parameters=_obj({"city": {"type": "string"}}),
         returns=_obj({"city": {"type": "string"}, "temp": {"type": "integer"}}), toolkit="Sky"),
)
CALLS = [
    ("add", {"label": "lamp"}), ("weather", {"city": "Oslo"}), ("tag", {"item_id": "IT-1", "tag": "red"}),
    ("tag", {"item_id": "IT-9", "tag": "x"}), ("labels", {}), ("crash", {}), ("add", {"label": "desk"}),
    ("tag", {"item_id": "IT-1", "tag": "big"}), ("weather", {"city": "Oslo"}),
]


@pytest.fixture(scope="module")
def small() -> Catalog:
    return Catalog("test:bytes", TOOLS, {"Counter": Binding("Counter", Counter, default_state=Counter.default_state())})


@pytest.fixture(scope="module")
def builtin():
    catalog = load_catalogs(())
    return catalog, build_graph(catalog.tools)


def _records(catalog, graph, n: int, *, seed: int = 3) -> list[dict]:
    """Loop-made records (not verified by the loop, no id yet: as verify_record meets them there)."""
    sampler = PathSampler(graph, seed=seed, ops=("insert", "merge", "split"), min_turns=3, max_turns=4)
    out = []
    for slot in range(4 * n):
        try:
            rec = run_sync(loop.translate_path(sampler.path(slot), catalog=catalog, graph=graph,
                                               backend=OfflineBackend(), seed=slot, verify=False))
        except Exception:  # noqa: BLE001 - a dropped path is not what these tests are about
            continue
        rec.pop("id")
        out.append(rec)
        if len(out) == n:
            return out
    raise AssertionError("too few records")


# -- execution -----------------------------------------------------------------------------


def test_run_raw_has_the_effects_and_outputs_of_execute(small):
    plain, raw = Environment(small, ["Counter", "Sky"], seed=4), Environment(small, ["Counter", "Sky"], seed=4)
    for name, args in CALLS:
        expected = plain.execute(name, args)
        output, simulated = raw.run_raw(name, args)
        assert simulated == expected.simulated == (name == "weather")
        assert _detach(output) == expected.output  # what execute returns is the detached raw output
    assert raw.snapshot() == plain.snapshot()
    assert raw.candidates("tag", "item_id") == plain.candidates("tag", "item_id") == ["IT-1", "IT-2"]
    assert raw.candidates("weather", "city") == plain.candidates("weather", "city") == ["Oslo"]
    assert raw.run_raw("crash", {}) == ({"error": "ValueError: boom"}, False)


def test_candidates_are_kept_until_a_call_of_their_group_runs(small):
    env = Environment(small, ["Counter", "Sky"], seed=1)
    env.execute("add", {"label": "lamp"})
    first = env.candidates("tag", "item_id")
    assert env.candidates("tag", "item_id") is first
    env.execute("weather", {"city": "Rome"})  # another group: the toolkit's list stays
    assert env.candidates("tag", "item_id") is first
    env.execute("add", {"label": "desk"})
    assert env.candidates("tag", "item_id") == ["IT-1", "IT-2"] and first == ["IT-1"]


def test_initial_texts_load_the_same_states(small):
    made = Environment(small, ["Counter"], seed=2)
    made.execute("add", {"label": "lamp"})
    start = {"Counter": {"items": [{"item_id": "IT-7", "label": "mug", "tags": ["a"]}], "next": 8}}
    texts = {"Counter": orjson.dumps(start["Counter"])}
    a = Environment(small, ["Counter", "Sky"], seed=5, initial_state=start)
    b = Environment(small, ["Counter", "Sky"], seed=5, initial_state=start, initial_texts=texts)
    assert b.initial_texts["Counter"] is texts["Counter"] and b.initial_state == a.initial_state == start
    for name, args in CALLS:
        assert a.execute(name, args) == b.execute(name, args)
    assert a.snapshot() == b.snapshot()
    assert start["Counter"]["next"] == 8  # the given state is never changed


def test_snapshot_texts_are_what_the_snapshot_was_parsed_from(small):
    env = Environment(small, ["Counter", "Sky"], seed=3)
    for name, args in CALLS:
        env.execute(name, args)
    snap, texts = env.snapshot_texts()
    assert snap == env.snapshot() and set(texts) == {"Counter"}
    assert orjson.loads(texts["Counter"]) == snap["Counter"]
    assert env.state_of("Counter") is env._instances["Counter"].state()  # live, not a copy
    assert canonical_json(env.state_of("Counter")) == env.state_json()["Counter"]
    with pytest.raises(KeyError):
        env.state_of("Sky")  # simulated: no state


# -- verification --------------------------------------------------------------------------


def test_loop_records_take_the_quick_pass(builtin):
    catalog, graph = builtin
    for rec in _records(catalog, graph, 4):
        assert type(rec["tools"]) is not list  # the loop's kept-bytes list
        assert _quick_checks(rec, catalog) is not None
        assert verify_record(rec, catalog) == []


def test_a_list_that_reads_otherwise_is_not_trusted():
    class Kept(list):
        __slots__ = ("text",)

    class Odd(list):
        def __iter__(self):
            return iter(())

    class Falsy(list):
        def __bool__(self):
            return False

    assert _reads_as(list, list) and _reads_as(Kept, list)
    assert not _reads_as(Odd, list) and not _reads_as(Falsy, list) and not _reads_as(Kept, dict)


def _texts(rec: dict) -> StateTexts:
    """What a maker vouches for: the texts the record's states parse from."""
    return StateTexts({k: orjson.dumps(v) for k, v in rec["initial_state"].items()},
                      {k: orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS) for k, v in rec["end_state"].items()})


def _corruptions(rec: dict) -> list[dict]:
    """Copies of ``rec`` with one corruption each, some that replay must catch, one it must not."""
    out = []
    kit = next(iter(rec["end_state"]))
    bad = copy.deepcopy(rec)
    bad["end_state"][kit]["__extra__"] = 1  # an end state the calls do not make
    out.append(bad)
    bad = copy.deepcopy(rec)
    bad["end_state"][kit] = dict(reversed(list(bad["end_state"][kit].items())))  # same JSON, other key order
    out.append(bad)
    bad = copy.deepcopy(rec)
    bad["initial_state"][kit]["__extra__"] = [1, 2]  # an initial state the record did not start from
    out.append(bad)
    bad = copy.deepcopy(rec)
    del bad["end_state"][kit]
    out.append(bad)
    bad = copy.deepcopy(rec)
    call = next(c for t in bad["turns"] for c in t["calls"])
    call["output"] = {"changed": True}  # the message text no longer matches: the slow checks word it
    out.append(bad)
    return out


def test_state_texts_give_the_same_verdicts(builtin):
    catalog, graph = builtin
    seen = set()
    for rec in _records(catalog, graph, 3, seed=8):
        assert verify_record(rec, catalog, texts=_texts(rec)) == [] == verify_record(rec, catalog)
        for bad in _corruptions(rec):
            plain = verify_record(bad, catalog)
            assert verify_record(bad, catalog, texts=_texts(bad)) == plain
            seen.add(bool(plain))
    assert seen == {True, False}  # some corruptions fail, the reordered end state passes


# -- the loop ------------------------------------------------------------------------------


def test_record_tools_are_fresh_lists_with_the_same_bytes(builtin, monkeypatch):
    catalog, _ = builtin
    names = tuple(catalog.toolkits["Shop"][:5])
    a, b = loop._record_tools(catalog, names), loop._record_tools(catalog, names)
    assert a is not b and a == b and [t["name"] for t in a] == list(names)
    assert a.canonical == b.canonical == canonical_json(list(a)) and a.written == orjson.dumps(list(a))
    a.append({"name": "x"})  # a record's list is its own
    assert len(loop._record_tools(catalog, names)) == len(names)
    monkeypatch.setattr(loop, "_TOOL_SETS", 4)
    for k in range(1, 12):
        loop._record_tools(catalog, tuple(catalog.toolkits["Shop"][:k]))
    assert len(catalog.__dict__["_magnet_tool_sets"]) <= 4  # bounded


def test_name_finder_finds_what_the_pattern_finds(builtin):
    catalog, _ = builtin
    names = tuple(sorted(catalog.by_name))
    finder, pattern = NameFinder(names), tool_name_pattern(names)
    rng = random.Random(0)
    texts = ["Please cancel my order.", "no markers here", "", "x_y", "call get_weather now"]
    texts += [f"could you {n} for me?" for n in rng.sample(names, 20)]
    texts += [f"{n}s and more" for n in rng.sample(names, 5)] + [f"pre{n}" for n in rng.sample(names, 5)]
    for text in texts:
        a, b = finder.search(text), pattern.search(text)
        assert (a and a.group(0)) == (b and b.group(0)), text


def test_rollback_gives_the_state_after_the_kept_calls(small):
    conv = loop._Conversation(small, ["Counter", "Sky"], 6, None, None)
    kept = [("add", {"label": "lamp"}), ("weather", {"city": "Oslo"}), ("tag", {"item_id": "IT-1", "tag": "red"})]
    for h, (name, args) in enumerate(kept):
        out = conv.env.execute(name, args)
        conv.prior.append((h, Call(name, args, id=f"c{h}", output=out.output)))
    after_kept = conv.env.snapshot()
    sim = conv.env.execute("weather", {"city": "Rome"})
    conv.env.execute("add", {"label": "desk"})  # the failed batch's calls
    conv.rollback()
    assert conv.env.snapshot() == after_kept  # counters included: the next id is IT-2 again
    assert conv.env.execute("add", {"label": "desk"}).output["item_id"] == "IT-2"
    assert conv.env.execute("weather", {"city": "Rome"}) == sim  # simulated outputs as before


def test_report_counts_one_record():
    rec = {
        "path": [{"tags": ["walk", "insert"]}, {"tags": ["walk"]}],
        "turns": [{"calls": [{"name": "a"}, {"name": "b"}]}, {"calls": [{"name": "a"}]}],
        "provenance": {"llm_calls": 2, "tokens": 5, "cost_usd": 0.5},
    }
    report = RunReport()
    report.add(rec)
    report.add(rec)
    assert report.tags == {"walk": 4, "insert": 2} and list(report.tags) == ["walk", "insert"]
    assert (report.written, report.turns, report.calls, report.tools_used) == (2, 4, 6, {"a", "b"})
    assert (report.record_llm_calls, report.record_tokens, report.record_cost_usd) == (4, 10, 1.0)
