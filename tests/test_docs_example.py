"""The worked example of docs/catalogs.md runs as written."""

from __future__ import annotations

import re

from click.testing import CliRunner

from conftest import REPO
from magnet_graph.cli import cli


def test_library_toolkit_example(tmp_path, monkeypatch):
    text = (REPO / "docs" / "catalogs.md").read_text()
    section = text[text.index("## Writing a toolkit class"):]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    pkg = tmp_path / "my_tools"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "library.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = "my_tools.library:Library"
    runner = CliRunner()
    res = runner.invoke(cli, ["catalog", "check", spec])
    assert res.exit_code == 0, res.output
    out = tmp_path / "library.jsonl"
    res = runner.invoke(cli, ["sample", "--catalog", spec, "-n", "12", "-o", str(out), "--min-turns", "2",
                              "--max-turns", "2", "-q"])
    assert res.exit_code == 0, res.output
    assert len(out.read_bytes().splitlines()) == 12
    assert "borrow_book" in out.read_text() and "find_book" in out.read_text()
    res = runner.invoke(cli, ["verify", str(out), "--catalog", spec])
    assert res.exit_code == 0, res.output
