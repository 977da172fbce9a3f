"""``magnet catalog check|show`` through click's CliRunner and the real ``main`` entry point."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from magnet_graph.cli import cli, main

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"
BAD = FIXTURES / "bad"
WIDE = {"COLUMNS": "300"}


def _rows(output: str) -> dict[str, list[str]]:
    """Table rows by their first cell (rich box drawing)."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0]:
            rows[cells[0]] = cells
    return rows


def test_check_ok_with_warnings_exits_0():
    result = CliRunner().invoke(cli, ["catalog", "check", str(FIXTURES / "openapi_small.json")], env=WIDE)
    assert result.exit_code == 0, result.output
    rows = _rows(result.output)
    assert rows["put_notes_id"][1:4] == ["tiny_notes_api", "4", "yes"]
    assert rows["put_notes_id"][4].startswith("warning: ")
    assert rows["attachForm"][1:4] == ["tiny_notes_api", "2", "yes"]
    assert result.output.strip().splitlines()[-1] == (
        "ok: 2/2 tools loaded from 1 spec(s); 0 error(s), 3 warning(s)")


def test_check_errors_exit_1_and_fill_the_table():
    paths = [str(BAD / "missing_name.json"), str(BAD / "unknown_type.json"), str(BAD / "not_json.json")]
    result = CliRunner().invoke(cli, ["catalog", "check", *paths], env=WIDE)
    assert result.exit_code == 1
    rows = _rows(result.output)
    assert rows["fine"][4].startswith("warning: ") and "no returns schema" in rows["fine"][4]
    assert rows["#1"][4].startswith("error: ") and "field name" in rows["#1"][4]
    assert "unknown type 'strng'" in rows["greet"][4]
    assert "not valid JSON" in rows["(file)"][4]
    assert "FAILED: 1/3 tools loaded from 3 spec(s); 3 error(s), 1 warning(s)" in result.output  # "fine" has no returns schema
    assert "Traceback" not in result.output


def test_check_json_report():
    result = CliRunner().invoke(cli, ["catalog", "check", "--json", str(BAD / "duplicate_names.json")])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["errors"] == 1
    assert [r["tool"] for r in report["rows"]] == ["twice", "twice"]
    problem = report["rows"][1]["problems"][0]
    assert problem["severity"] == "error" and problem["field"] == "name" and problem["tool"] == "twice"


def test_check_with_impl(tmp_path, monkeypatch):
    mod = tmp_path / "impl_for_cli.py"
    mod.write_text("class Stocks:\n    def get_stock_price(self, ticker: str) -> dict:\n        return {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "impl_for_cli", raising=False)
    result = CliRunner().invoke(cli, ["catalog", "check", "--json", "--impl", "impl_for_cli:Stocks",
                                      str(FIXTURES / "anthropic.json")])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)["rows"][0]
    assert row["tool"] == "get_stock_price" and row["toolkit"] == "Stocks" and row["problems"] == []


def test_show_prints_openai_tools():
    result = CliRunner().invoke(cli, ["catalog", "show", str(FIXTURES / "bfcl")])
    assert result.exit_code == 0, result.output
    tools = json.loads(result.output)
    assert [t["function"]["name"] for t in tools] == ["set_mode", "place_widget"]
    assert tools[0]["type"] == "function"
    assert tools[0]["function"]["parameters"]["properties"]["level"]["type"] == "number"


def test_show_one_tool_full():
    result = CliRunner().invoke(cli, ["catalog", "show", str(FIXTURES / "bfcl"), "--tool", "set_mode", "--full"])
    tool = json.loads(result.output)
    assert tool["name"] == "set_mode" and tool["toolkit"] == "WidgetAPI" and tool["dialect"] == "bfcl"
    assert tool["returns"]["properties"]["status"]["enum"] == ["ok", "failed"]


def test_show_errors_are_one_line_through_main(capsys):
    with pytest.raises(SystemExit) as info:
        main(["catalog", "show", str(FIXTURES / "bfcl"), "--tool", "set_mod"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {FIXTURES / 'bfcl'}: tool set_mod: no such tool in the catalog; did you mean set_mode?"
    with pytest.raises(SystemExit) as info:
        main(["catalog", "show", str(BAD / "recursive_ref.json")])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "recursive $ref" in err and "tool add_node" in err


def test_check_exit_code_through_main(capsys):
    with pytest.raises(SystemExit) as info:
        main(["catalog", "check", str(BAD / "swagger2.yaml")])
    assert info.value.code == 1
    # the table may wrap the message (its width depends on the path of the checkout): compare
    # the words, without the table's borders
    words = " ".join(re.sub(r"[\u2500-\u257f]", " ", capsys.readouterr().out).split())
    assert "Swagger 2.0 is not supported" in words
