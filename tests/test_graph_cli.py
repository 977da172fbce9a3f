"""``magnet graph`` on a small OpenAI-tools catalog file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from magnet_graph.cli import cli, main
from magnet_graph.graph import read_graph

import magnet_graph.catalog  # noqa: E402,F401


def _fn(name, params, required, returns, description=""):
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": params, "required": required},
        "returns": returns}}  # fmt: skip


@pytest.fixture
def catalog_file(tmp_path):
    s = {"type": "string"}
    tools = [
        _fn("search_hotels", {"city": s}, ["city"],
            {"type": "object", "properties": {"hotels": {"type": "array", "items": {
                "type": "object", "properties": {"hotel_id": s, "name": s}}}}}, "Find hotels in a city."),
        _fn("book_hotel", {"hotel_id": s, "nights": {"type": "integer"}}, ["hotel_id", "nights"],
            {"type": "object", "properties": {"reservation_id": s}}, "Book a room."),
        _fn("cancel_reservation", {"reservation_id": s}, ["reservation_id"],
            {"type": "object", "properties": {"cancelled": {"type": "boolean"}}}, "Cancel a reservation."),
        _fn("hotel_help", {"topic": s}, ["topic"], {"type": "object", "properties": {"text": s}}, "Help pages."),
    ]  # fmt: skip
    path = tmp_path / "hotels.json"
    path.write_text(json.dumps(tools))
    return path


@pytest.mark.parametrize("suffix", [".json", ".graphml", ".html"])
def test_graph_command_writes_the_file_and_prints_a_summary(catalog_file, tmp_path, suffix):
    out = tmp_path / f"graph{suffix}"
    result = CliRunner().invoke(cli, ["graph", "--catalog", str(catalog_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "tools" in result.output and "4 in 1 toolkit(s)" in result.output
    assert "edges" in result.output and "(2 nested)" in result.output
    assert "hotel_help" in result.output  # the isolated tool is named
    if suffix != ".html":
        G = read_graph(out)
        assert G.edges["search_hotels", "book_hotel"]["feeds"] == [["hotels[].hotel_id", "hotel_id"]]
        assert G.edges["book_hotel", "cancel_reservation"]["nested"] is True
    else:
        assert "output reservation_id feeds parameter reservation_id" in out.read_text()


def test_min_score_is_passed_on(catalog_file, tmp_path):
    out = tmp_path / "g.json"
    result = CliRunner().invoke(cli, ["graph", "--catalog", str(catalog_file), "--out", str(out), "--min-score", "0.99"])
    assert result.exit_code == 0, result.output
    assert read_graph(out).number_of_edges() == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "graph.png"], "error: --out graph.png: unknown graph format '.png'; use a file ending in .json, .graphml or .html"),
        (["--out", "g.json", "--min-score", "2"], "error: --min-score 2.0: must be between 0 and 1"),
    ],
)  # fmt: skip
def test_bad_options_give_one_clear_line(catalog_file, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["graph", "--catalog", str(catalog_file), *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(message) and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "graph.png").exists()


def test_a_missing_catalog_gives_one_clear_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["graph", "--catalog", str(tmp_path / "nope.json"), "--out", str(tmp_path / "g.json")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "nope.json" in err and "\n" not in err
