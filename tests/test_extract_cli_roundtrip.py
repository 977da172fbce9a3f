"""`magnet extract` output is checked by `magnet verify` and exported by `--format synthesizer`."""

from __future__ import annotations

import orjson
from click.testing import CliRunner

from conftest import REPO
from magnet_graph.cli import cli


def test_extract_then_verify_and_export_synthesizer(tmp_path):
    corpus = REPO / "tests" / "corpus" / "procedural.jsonl"
    lines = corpus.read_bytes().splitlines()[:6]
    src = tmp_path / "six.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "ex"
    runner = CliRunner()
    res = runner.invoke(cli, ["extract", str(src), "-o", str(out), "--seed", "2"])
    assert res.exit_code == 0, res.output
    convs = out / "conversations.jsonl"
    n = len(convs.read_bytes().splitlines())
    assert n >= 3
    res = runner.invoke(cli, ["verify", str(convs)])
    assert res.exit_code == 0, res.output
    assert f"{n} passed" in res.output
    # a corrupted conversation is caught
    recs = [orjson.loads(x) for x in convs.read_bytes().splitlines()]
    first_call = next(c for t in recs[0]["turns"] for c in t["calls"] if c["arguments"])
    key = next(iter(first_call["arguments"]))
    first_call["arguments"][key] = "an invented value nobody said"
    bad = out / "bad.jsonl"
    bad.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    res = runner.invoke(cli, ["verify", str(bad)])
    assert res.exit_code == 1, res.output
    res = runner.invoke(cli, ["export", str(out), "--format", "synthesizer", "-o", str(tmp_path / "syn")])
    assert res.exit_code == 0, res.output
    pairs = [orjson.loads(x) for x in (tmp_path / "syn" / "synthesizer.jsonl").read_bytes().splitlines()]
    assert len(pairs) == n and all(p["text"] and p["tools"] and p["conversation"] for p in pairs)
