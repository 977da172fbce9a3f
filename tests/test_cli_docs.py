"""docs/cli.md is the current `--help` of every command."""

from conftest import REPO
from magnet_graph.cli.helpdoc import render


def test_cli_reference_is_current():
    current = (REPO / "docs" / "cli.md").read_text()
    assert current == render(), "docs/cli.md is stale: run  python -m magnet_graph.cli.helpdoc > docs/cli.md"
