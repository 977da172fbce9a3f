"""Dataset mixing: ratios, irrelevance examples that really offer no fitting tool, seeded shuffles."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.catalog import load_catalogs
from magnet_graph.cli import cli
from magnet_graph.errors import OptionError
from magnet_graph.export import export_file, read_export
from magnet_graph.export.chat import normalize_messages
from magnet_graph.mix import MixRatio, irrelevance_example, mix_examples, single_turn_example
from magnet_graph.types import Catalog


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mix") / "data.jsonl"
    result = CliRunner().invoke(cli, ["sample", "-n", "40", "-o", str(out), "-q", "--seed", "21"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def records(sample) -> list[dict]:
    return [orjson.loads(line) for line in sample.read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def catalog():
    return load_catalogs([])


def test_ratio_parsing_and_counts():
    assert MixRatio.parse("default") == MixRatio()
    r = MixRatio.parse("multi=2,single=1,irrelevance=1")
    assert (r.multi, r.single, r.irrelevance) == (0.5, 0.25, 0.25)
    assert MixRatio().irrelevance == pytest.approx(0.15)
    assert MixRatio().counts(100) == {"multi": 40, "single": 45, "irrelevance": 15}
    assert sum(MixRatio.parse("multi=1,single=1,irrelevance=1").counts(10).values()) == 10
    for bad in ("multi", "multi=-1", "mystery=1", "multi=0,single=0", "single=abc"):
        with pytest.raises(OptionError, match="--mix"):
            MixRatio.parse(bad)


def test_mix_follows_the_ratio_and_builds_each_kind(records, catalog):
    examples, report = mix_examples(records, catalog=catalog, ratio=MixRatio.parse("multi=0.5,single=0.3,irrelevance=0.2"), seed=3)
    kinds = Counter(e["kind"] for e in examples)
    assert kinds == {"multi": 20, "single": 12, "irrelevance": 8} == dict(report.made)
    by_id = {r["id"]: r for r in records}
    for ex in examples:
        kind = ex["kind"]
        record = by_id[ex["id"].split(":", 1)[0]]
        names = [t["function"]["name"] for t in ex["tools"]]
        assert len(names) == len(set(names))
        if kind == "single":
            end = record["turns"][0]["messages"][1]
            assert ex["messages"] == record["messages"][:end]
            assert sorted(names) == sorted(record["turns"][0]["tools"])
        elif kind == "irrelevance":
            assert [m["role"] for m in ex["messages"] if m["role"] != "system"] == ["user", "assistant"]
            assert ex["messages"][-1]["content"] and not ex["messages"][-1].get("tool_calls")
            start = record["turns"][0]["messages"][0]
            assert ex["messages"][-2] == record["messages"][start]
            toolkits = {catalog.tool(n).toolkit for n in names}
            assert names and not toolkits & set(record["toolkits"])
            needed = record["turns"][0]["calls"][0]["name"] if record["turns"][0]["calls"] else record["turns"][0]["missing"]["function"]
            assert needed not in names
        else:
            assert normalize_messages(ex["messages"])[-1] == normalize_messages(record["messages"])[-1]


def test_same_seed_same_examples_and_tool_orders_are_shuffled(records, catalog):
    a, _ = mix_examples(records, catalog=catalog, seed=1)
    b, _ = mix_examples(records, catalog=catalog, seed=1)
    c, _ = mix_examples(records, catalog=catalog, seed=2)
    assert orjson.dumps(a) == orjson.dumps(b)
    assert orjson.dumps(a) != orjson.dumps(c)
    record_order = {r["id"]: [t["name"] for t in r["tools"]] for r in records}
    shuffled = 0
    for ex in a:
        if ex["kind"] == "multi":
            names = [t["function"]["name"] for t in ex["tools"]]
            original = [n for n in record_order[ex["id"]] if n in names]
            shuffled += names != original
            assert sorted(names) == sorted(original)
    assert shuffled > 0


def test_kinds_are_capped_by_the_records_and_reasons_are_counted(records, catalog):
    examples, report = mix_examples(records[:5], catalog=catalog, ratio=MixRatio.parse("single=1"), total=50, seed=0)
    assert report.wanted["single"] == 50 and report.made["single"] == 5 == len(examples)
    _, report = mix_examples(records[:5], catalog=None, ratio=MixRatio.parse("irrelevance=1"), seed=0)
    assert report.made["irrelevance"] == 0 and report.skipped[("irrelevance", "no_catalog")] == 5
    record = records[0]
    own = Catalog("own", tuple(t for t in catalog.tools if t.toolkit in record["toolkits"]))
    assert irrelevance_example(record, catalog=own, rng=random.Random(0)) == "no_other_toolkit"


def test_single_turn_of_a_miss_turn_keeps_the_refusal(records):
    record = next((r for r in records if r["turns"][0]["kind"] == "miss_func"), None)
    if record is None:
        pytest.skip("no record starts with a miss_func turn in this sample")
    ex = single_turn_example(record, rng=random.Random(0))
    assert record["turns"][0]["missing"]["function"] not in [t["function"]["name"] for t in ex["tools"]]
    assert ex["messages"][-1]["role"] == "assistant" and not ex["messages"][-1].get("tool_calls")


def test_export_with_mix_round_trips(sample, tmp_path):
    report = export_file(sample, format="sharegpt", out_dir=tmp_path, mix=MixRatio(), seed=4,
                         catalog_resolver=lambda ids: load_catalogs([]))
    assert report.kind == "examples" and report.count == 40 and report.mix.made["irrelevance"] == 6
    examples, _ = mix_examples([orjson.loads(x) for x in sample.read_bytes().splitlines()], catalog=load_catalogs([]), seed=4)
    back = read_export("sharegpt", tmp_path, "examples")
    assert [normalize_messages(e["messages"]) for e in back] == [normalize_messages(e["messages"]) for e in examples]
    result = CliRunner().invoke(cli, ["export", str(sample), "--format", "trl-sft", "-o", str(tmp_path / "cli"),
                                      "--mix", "multi=0.4,single=0.45,irrelevance=0.15", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "irrelevance 6/6" in result.output
