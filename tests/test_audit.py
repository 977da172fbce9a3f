"""`magnet audit`: overlap with BFCL entries is found where it exists and only there."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.audit import audit, load_bfcl, word_ngrams
from magnet_graph.cli import cli, main
from magnet_graph.export.bfcl import parse_call


@pytest.fixture(scope="module")
def samples(shared_catalogs) -> Path:
    return shared_catalogs / "bfcl_v3_multi_turn" / "samples"


@pytest.fixture(scope="module")
def generated(shared_catalogs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit") / "b.jsonl"
    docs = shared_catalogs / "bfcl_v3_multi_turn"
    result = CliRunner().invoke(cli, ["sample", "--catalog", str(docs), "-n", "20", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def _record_like(entry_question: dict, answer: list[list[str]]) -> dict:
    """A record whose turns copy a BFCL entry's requests and ground-truth calls."""
    turns, messages = [], []
    for h, (question, calls) in enumerate(zip(entry_question["question"], answer)):
        start = len(messages)
        messages += [{"role": "user", "content": m["content"]} for m in question] or [{"role": "user", "content": "go on"}]
        messages.append({"role": "assistant", "content": "ok"})
        turns.append({"index": h, "calls": [{"name": parse_call(c).name, "arguments": parse_call(c).kwargs} for c in calls],
                      "messages": [start, len(messages)]})
    return {"id": "copy", "turns": turns, "messages": messages}


def test_load_bfcl_matches_questions_and_answers(samples):
    entries = load_bfcl(samples)
    assert len(entries) == 29
    base0 = next(e for e in entries if e.id == "multi_turn_base_0")
    assert base0.turns[0] == ("cd", "mkdir", "mv") and base0.calls[-1] == "diff"
    assert base0.requests[0].startswith("Move 'final_report.pdf'")


def test_a_copied_entry_is_flagged_and_generated_data_is_measured(samples, generated):
    entries = load_bfcl(samples)
    raw = {json.loads(line)["id"]: json.loads(line) for line in (samples / "BFCL_v3_multi_turn_base.first20.jsonl").read_text().splitlines()}
    answers = {json.loads(line)["id"]: json.loads(line)["ground_truth"]
               for line in (samples / "possible_answer.BFCL_v3_multi_turn_base.first20.jsonl").read_text().splitlines()}
    copy = _record_like(raw["multi_turn_base_3"], answers["multi_turn_base_3"])
    records = [orjson.loads(x) for x in generated.read_bytes().splitlines()]
    report = audit(records + [copy], entries, n=8)
    assert report.records == len(records) + 1 and report.entries == 29
    assert "copy" in report.flagged and report.exact_paths >= 1 and report.exact_turns >= 1
    assert any("path = multi_turn_" in h for h in report.flagged["copy"])
    assert report.requests_overlapping >= len(raw["multi_turn_base_3"]["question"]) and report.top_ngrams
    alone = audit(records, entries, n=8)
    # every figure of the copy is added on top of the generated data's own
    assert report.exact_paths == alone.exact_paths + 1
    assert report.records_overlapping == alone.records_overlapping + 1
    assert report.bigrams_shared >= alone.bigrams_shared
    assert alone.bigrams_shared <= alone.bigrams_distinct and alone.ngrams_shared <= alone.ngrams_distinct
    assert set(alone.flagged) <= {r["id"] for r in records}


def test_word_ngrams():
    assert word_ngrams("A b, c d", 2) == {("a", "b"), ("b", "c"), ("c", "d")}
    assert word_ngrams("short", 8) == set()


def test_cli_writes_a_table_and_json(generated, samples, tmp_path):
    out = tmp_path / "audit.json"
    result = CliRunner().invoke(cli, ["audit", str(generated), "--against", str(samples), "--json", str(out)],
                                terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "exact path matches" in result.output and "request 8-grams shared" in result.output
    data = json.loads(out.read_text())
    assert data["records"] == 20 and data["entries"] == 29 and data["n"] == 8


def test_a_folder_without_bfcl_files_is_one_line(generated, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["audit", str(generated), "--against", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "no BFCL question files" in err and "\n" not in err
