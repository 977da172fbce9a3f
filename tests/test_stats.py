"""`magnet stats`: figures agree with the records, coverage with the graph, plots are readable."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.catalog import load_catalogs
from magnet_graph.cli import cli, main
from magnet_graph.graph import build_graph
from magnet_graph.stats import compute_stats, distinct_n, render_html, stats_rows


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("stats") / "data.jsonl"
    result = CliRunner().invoke(cli, ["sample", "-n", "25", "-o", str(out), "-q", "--seed", "5"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def records(sample) -> list[dict]:
    return [orjson.loads(line) for line in sample.read_bytes().splitlines() if line.strip()]


def test_distinct_n():
    assert distinct_n(["a b a b"], 1) == 0.5
    assert distinct_n(["a b a b"], 2) == pytest.approx(2 / 3)
    assert distinct_n(["one two", "three four"], 2) == 1.0
    assert distinct_n([""], 3) == 0.0


def test_figures_agree_with_the_records(records):
    graph = build_graph(load_catalogs([]).tools)
    s = compute_stats(records, graph=graph)
    assert s.records == len(records) == sum(s.turns.values())
    assert s.turns == Counter(len(r["turns"]) for r in records)
    assert s.calls == Counter(sum(len(t["calls"]) for t in r["turns"]) for r in records)
    assert sum(s.tools.values()) == sum(k * v for k, v in s.calls.items())
    assert s.tags == Counter(tag for r in records for t in r["turns"] for tag in t["tags"])
    assert s.kinds["normal"] == sum(s.calls_per_turn.values())
    assert s.graph_tools == graph.number_of_nodes() and 0 < s.edges_used <= s.graph_edges
    used = {(a, b) for r in records for seq in [[c["name"] for t in r["turns"] for c in t["calls"]]]
            for a, b in zip(seq, seq[1:]) if graph.has_edge(a, b)}
    assert s.edges_used == len(used)
    assert 0 < s.distinct[1] < s.distinct[2] < s.distinct[3] <= 1
    assert s.paths <= s.records and s.bigrams[0] <= s.bigrams[1]
    rows = dict(stats_rows(s))
    assert rows["conversations"] == str(len(records)) and "tool coverage (graph)" in rows


def test_pairs_error_types_are_counted(sample, records, tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    assert CliRunner().invoke(cli, ["distill", str(sample), "-o", str(pairs), "--types", "4,5"]).exit_code == 0
    rows = [orjson.loads(x) for x in pairs.read_bytes().splitlines()]
    s = compute_stats([], pairs=rows)
    assert s.pairs == Counter(p["error_type"] for p in rows) and set(s.pairs) <= {"wrong_summary", "call_vs_ask"}
    result = CliRunner().invoke(cli, ["stats", str(pairs)])
    assert result.exit_code == 0 and "pair error types" in result.output


def test_cli_table_and_html_plot(sample, tmp_path):
    plot = tmp_path / "stats.html"
    result = CliRunner().invoke(cli, ["stats", str(sample), "--plot", str(plot)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "turns / conversation" in result.output and "edge coverage" in result.output
    page = plot.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 5 and "Turns per conversation" in page
    assert "<script" not in page and "http" not in page.replace('http://www.w3.org/2000/svg', "")


def test_html_escapes_names():
    s = compute_stats([], pairs=[{"error_type": "<b>x</b>", "turn": 0}])
    page = render_html(s)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_png_needs_matplotlib(sample, tmp_path, capsys):
    target = tmp_path / "s.png"
    if importlib.util.find_spec("matplotlib") is not None:
        assert CliRunner().invoke(cli, ["stats", str(sample), "--plot", str(target)]).exit_code == 0
        assert target.read_bytes().startswith(b"\x89PNG")
        return
    with pytest.raises(SystemExit) as exc:
        main(["stats", str(sample), "--plot", str(target)])
    assert exc.value.code == 2 and "needs matplotlib" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["stats", str(sample), "--plot", str(tmp_path / "s.pdf")])
    assert ".html or .png" in capsys.readouterr().err
