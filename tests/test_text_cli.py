"""`magnet extract` end to end, offline: outputs, bad inputs, reproducibility, and the catalog it writes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.catalog import load_catalogs
from magnet_graph.cli import cli
from magnet_graph.errors import OptionError
from magnet_graph.text import export_synthesizer, synthesizer_pairs
from magnet_graph.types import TrajectoryRecord

CORPUS = Path(__file__).parent / "corpus"
PICK = ("p-app-email-change", "p-bank-transfer", "p-travel-hotel-cancel", "p-appl-washer", "p-mail-signature",
        "p-web-address-book", "o-news-rates", "o-review-phone", "o-faq-shipping", "o-recipe-story-soup")


def _extract(args):
    """Invoke `magnet extract` through the CLI group, as a user does."""
    return CliRunner().invoke(cli, ["extract", *args])


def _lines(path: Path) -> list[dict]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines() if x.strip()]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("in")
    rows = _lines(CORPUS / "procedural.jsonl") + _lines(CORPUS / "other.jsonl")
    picked = [r for r in rows if r["id"] in PICK]
    body = b"".join(orjson.dumps({"id": r["id"], "text": r["text"]}) + b"\n" for r in picked)
    (d / "texts.jsonl").write_bytes(body + b'{"id": "no-text", "title": "forgot it"}\n')
    (d / "guide.md").write_text("# Adding a contact\n1. Open the Contacts app.\n2. Tap the plus button.\n"
                                "3. Enter the name and the phone number.\n4. Tap Save.\nYou can store up to 500 contacts.\n")
    (d / "empty.txt").write_text("")
    (d / "photo.md").write_bytes(b"\x89PNG\x00\x00binary")
    (d / "huge.txt").write_text("Tap Save. " * 3000)
    return d


@pytest.fixture(scope="module")
def run(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "extracted"
    res = _extract([str(inputs / "texts.jsonl"), str(inputs / "guide.md"), str(inputs / "empty.txt"),
                    str(inputs / "photo.md"), str(inputs / "huge.txt"), "-o", str(out), "--seed", "4",
                    "--max-file-mb", "0.02"])
    assert res.exit_code == 0, res.output
    return out, res.output


def test_writes_every_output(run):
    out, _ = run
    for name in ("segments.jsonl", "workflows.jsonl", "conversations.jsonl", "report.json", "graph.json"):
        assert (out / name).is_file(), name
    segments = _lines(out / "segments.jsonl")
    assert len(segments) == 11 and {s["kept"] for s in segments} == {True, False}
    assert all(0 < s["score"] < 1 and s["domain"] and s["task"] for s in segments)
    workflows = _lines(out / "workflows.jsonl")
    assert workflows and all((out / "catalog" / f"{w['task']}.json").is_file() for w in workflows)
    assert all(w["steps"] and w["edges"] and w["signature"] for w in workflows)


def test_bad_inputs_are_reported_once_and_skipped(run):
    out, output = run
    report = orjson.loads((out / "report.json").read_bytes())
    assert report["input_drops"] == {"binary": 1, "empty": 1, "no_text": 1, "too_large": 1}
    skipped = [line for line in output.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 4
    assert any("texts.jsonl: line 11: field text: missing" in s for s in skipped)
    assert any("huge.txt" in s and "limit" in s for s in skipped)
    assert report["texts"] == 11  # the 10 JSONL texts and guide.md


def test_conversations_are_valid_records(run):
    out, _ = run
    records = _lines(out / "conversations.jsonl")
    workflows = _lines(out / "workflows.jsonl")
    assert len(records) >= 5
    assert sorted(r["id"] for r in records) == sorted(i for w in workflows for i in w["conversations"])
    for r in records:
        TrajectoryRecord.model_validate(r)
        assert r["verification"]["passed"] and {"R1", "R2", "R3", "patterns", "replay"} <= set(r["verification"]["checks"])


def test_report_has_stage_rates_drops_and_refinement_figures(run):
    out, output = run
    report = orjson.loads((out / "report.json").read_bytes())
    assert list(report["stages"]) == ["filter", "extract", "ground", "refine", "validate"]
    assert report["stages"]["filter"]["in"] == report["segments"] == 11
    assert report["written"] == report["stages"]["validate"]["out"]
    b, a = report["before_refinement"], report["after_refinement"]
    assert a["messages"] > b["messages"] and a["tools"] > b["tools"] and a["calls"] > b["calls"]
    for word in ("before refinement", "after refinement", "filter", "kept"):
        assert word in output


def test_extracted_catalog_loads_and_samples(run, tmp_path):
    out, _ = run
    catalog = load_catalogs([str(out / "catalog")])
    assert len(catalog.tools) == sum(len(w["tools"]) for w in _lines(out / "workflows.jsonl"))
    data = tmp_path / "data.jsonl"
    res = CliRunner().invoke(cli, ["sample", "--catalog", str(out / "catalog"), "-n", "5", "-o", str(data), "-q"])
    assert res.exit_code == 0, res.output
    assert len(_lines(data)) == 5


def test_graph_has_workflow_edges(run):
    out, _ = run
    graph = orjson.loads((out / "graph.json").read_bytes())
    assert any(e.get("evidence") == "text" for e in graph["edges"])
    assert any(e.get("evidence") == "schema" for e in graph["edges"])


def test_same_seed_same_bytes(run, inputs, tmp_path):
    out, _ = run
    again = tmp_path / "again"
    res = _extract([str(inputs / "texts.jsonl"), str(inputs / "guide.md"), str(inputs / "empty.txt"),
                    str(inputs / "photo.md"), str(inputs / "huge.txt"), "-o", str(again), "--seed", "4",
                    "--max-file-mb", "0.02"])
    assert res.exit_code == 0
    for name in ("segments.jsonl", "workflows.jsonl", "conversations.jsonl", "report.json", "graph.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    _extract([str(inputs / "texts.jsonl"), "-o", str(other), "--seed", "5"])
    assert (other / "conversations.jsonl").read_bytes() != (out / "conversations.jsonl").read_bytes()


def test_no_refine_and_more_conversations(inputs, tmp_path):
    out = tmp_path / "x"
    res = _extract([str(inputs / "texts.jsonl"), "-o", str(out), "--no-refine", "--conversations-per-text", "2"])
    assert res.exit_code == 0, res.output
    report = orjson.loads((out / "report.json").read_bytes())
    assert "refine" not in report["stages"] and report["after_refinement"]["tools"] == report["before_refinement"]["tools"]
    assert report["stages"]["ground"]["in"] == 2 * report["workflows"]
    assert all(len(r["tools"]) < 9 for r in _lines(out / "conversations.jsonl"))


def test_option_errors_and_empty_inputs(inputs, tmp_path):
    res = _extract([str(inputs / "texts.jsonl"), "-o", str(tmp_path / "a"), "--synthesizer"])
    assert isinstance(res.exception, OptionError) and "--model" in str(res.exception)
    res = _extract([str(inputs / "empty.txt"), "-o", str(tmp_path / "b")])
    assert res.exit_code == 1 and "no readable text" in res.output


def test_export_synthesizer_pairs(run, tmp_path):
    out, _ = run
    path = tmp_path / "pairs.jsonl"
    n = export_synthesizer(out, path)
    pairs = _lines(path)
    assert n == len(pairs) == len(_lines(out / "conversations.jsonl"))
    texts = {w["text"] for w in _lines(out / "workflows.jsonl")}
    for p in pairs:
        assert set(p) == {"text", "tools", "conversation"} and p["text"] in texts
        names = {t["function"]["name"] for t in p["tools"]}
        called = {c["function"]["name"] for m in p["conversation"] for c in m.get("tool_calls") or ()}
        assert called <= names
    assert list(synthesizer_pairs(out)) == pairs
