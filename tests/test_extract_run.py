"""`magnet extract` as a long run: a crashed run resumes to the bytes of an uninterrupted one,
other settings start the folder again, and with a model the budget stops it cleanly."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from fake_openai import FakeOpenAI, text
from magnet_graph.cli import cli
from magnet_graph.errors import OptionError
from magnet_graph.text.pipeline import JOURNAL_NAME, ExtractConfig, run_extract

CORPUS = Path(__file__).parent / "corpus"
OUTPUTS = ("segments.jsonl", "conversations.jsonl", "workflows.jsonl", "graph.json", "report.json")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Thirty texts of the test corpus, procedures and others mixed."""
    rows = [orjson.loads(x) for name in ("procedural.jsonl", "other.jsonl")
            for x in (CORPUS / name).read_bytes().splitlines() if x.strip()]
    path = tmp_path_factory.mktemp("xin") / "texts.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": r["id"], "text": r["text"]}) + b"\n" for r in rows[::3][:30]))
    return path


def _extract(*args: str):
    return CliRunner().invoke(cli, ["extract", *args])


def _same(a: Path, b: Path, names=OUTPUTS) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert sorted(p.name for p in (a / "catalog").iterdir()) == sorted(p.name for p in (b / "catalog").iterdir())
    for p in (a / "catalog").iterdir():
        assert p.read_bytes() == (b / "catalog" / p.name).read_bytes(), p.name


class _Crash(Exception):
    pass


def test_a_crashed_run_resumes_to_the_same_bytes(inputs, tmp_path):
    ref = tmp_path / "ref"
    res = _extract(str(inputs), "-o", str(ref), "--seed", "3")
    assert res.exit_code == 0, res.output
    assert orjson.loads((ref / "report.json").read_bytes())["written"] > 5

    out = tmp_path / "out"
    seen = []

    def crash_after_12(k: int) -> None:
        seen.append(k)
        if len(seen) == 12:
            raise _Crash

    with pytest.raises(_Crash):
        run_extract([inputs], out, config=ExtractConfig(seed=3), on_segment=crash_after_12)
    # what a kill -9 leaves: lines of the next segment written, a torn journal entry, no final files
    with open(out / "segments.jsonl", "ab") as fh:
        fh.write(b'{"id": "next segment", "score": 0.9}\n{"id": "tor')
    with open(out / "conversations.jsonl", "ab") as fh:
        fh.write(b'{"schema_version": 1, "id": "half')
    with open(out / JOURNAL_NAME, "ab") as fh:
        fh.write(b'{"segment": "x#0", "dig')
    assert not (out / "report.json").exists()

    res = _extract(str(inputs), "-o", str(out), "--seed", "3")
    assert res.exit_code == 0, res.output
    assert "resumed      12 segment(s)" in res.output
    _same(out, ref, OUTPUTS + (JOURNAL_NAME,))
    verified = CliRunner().invoke(cli, ["verify", str(out / "conversations.jsonl")])
    assert verified.exit_code == 0, verified.output

    again = _extract(str(inputs), "-o", str(out), "--seed", "3")  # a finished folder: nothing is redone
    assert again.exit_code == 0 and "resumed      " in again.output
    _same(out, ref)


def test_other_settings_or_inputs_start_the_folder_again(inputs, tmp_path):
    out = tmp_path / "out"
    assert _extract(str(inputs), "-o", str(out), "--seed", "3").exit_code == 0
    res = _extract(str(inputs), "-o", str(out), "--seed", "4", "--no-refine")
    assert res.exit_code == 0, res.output
    assert "started" in res.output and "settings changed" in res.output and "resumed" not in res.output
    fresh = tmp_path / "fresh"
    assert _extract(str(inputs), "-o", str(fresh), "--seed", "4", "--no-refine").exit_code == 0
    _same(out, fresh)
    edited = tmp_path / "edited.jsonl"
    rows = [orjson.loads(x) for x in inputs.read_bytes().splitlines()]
    rows[0]["text"] += "\nTap Done when you have finished."
    edited.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    res = _extract(str(edited), "-o", str(out), "--seed", "4", "--no-refine")
    assert res.exit_code == 0 and "inputs changed" in res.output
    res = CliRunner().invoke(cli, ["extract", str(inputs), "-o", str(inputs)], standalone_mode=False)
    assert isinstance(res.exception, OptionError) and "is a file" in str(res.exception)
    res = CliRunner().invoke(cli, ["extract", str(inputs), "-o", str(out), "--no-cache"], standalone_mode=False)
    assert isinstance(res.exception, OptionError) and "--no-cache needs --model" in str(res.exception)


def test_llm_budget_stops_cleanly_and_the_same_command_continues(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-extract-test-key-0123456789")
    few = tmp_path / "few.jsonl"
    few.write_bytes(b"".join(inputs.read_bytes().splitlines(keepends=True)[:8]))
    prices = ["--price-in", "10", "--price-out", "10"]

    def run(fake, out, *extra):
        return _extract(str(few), "-o", str(out), "--seed", "1", "--model", "openai/m", "--api-base", fake.base_url,
                        "--cache-dir", str(tmp_path / "cache"), *prices, *extra)

    # the model answers prose: every stage falls back to its offline result, and counts it
    with FakeOpenAI(responder=lambda body: text("I am not sure what you mean.")) as fake:
        whole = tmp_path / "whole"
        res = run(fake, whole, "--no-cache")
        assert res.exit_code == 0, res.output
        asked = len(fake.requests)
        report = orjson.loads((whole / "report.json").read_bytes())
        assert report["llm"]["calls"] == asked and report["llm"]["fallbacks"]["filter"] == 8
        assert report["llm"]["cost_usd"] > 0.002

        out = tmp_path / "out"
        fake.requests.clear()
        stopped = run(fake, out, "--max-cost", "0.002")
        assert stopped.exit_code == 3, stopped.output
        assert "higher --max-cost" in stopped.output
        partial = orjson.loads((out / "report.json").read_bytes())
        assert "cost limit" in partial["stopped"] and partial["segments"] < 8
        done_lines = (out / "segments.jsonl").read_bytes()
        assert (whole / "segments.jsonl").read_bytes().startswith(done_lines)
        assert len(done_lines.splitlines()) == partial["segments"]  # nothing of the unfinished segment is left

        first = len(fake.requests)
        res = run(fake, out)
        assert res.exit_code == 0, res.output
        assert len(fake.requests) - first < asked  # done segments and cached answers are not asked again
        _same(out, whole, ("segments.jsonl", "conversations.jsonl", "workflows.jsonl", "graph.json"))
        final = orjson.loads((out / "report.json").read_bytes())
        assert "stopped" not in final
        assert final["llm"]["calls"] + final["llm"]["cache_hits"] == report["llm"]["calls"]
        assert {k: v for k, v in final.items() if k != "llm"} == {k: v for k, v in report.items() if k != "llm"}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"sk-extract-test-key" not in path.read_bytes(), path
