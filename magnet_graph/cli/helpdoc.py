"""docs/cli.md: every command's ``--help``, regenerated from the code.

    python -m magnet_graph.cli.helpdoc > docs/cli.md

``tests/test_cli_docs.py`` fails when docs/cli.md is out of date.
"""

from __future__ import annotations

import click
from click.testing import CliRunner

from . import cli


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    out = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        out.append(prefix + [name])
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, prefix + [name]))
    return out


def render() -> str:
    """The whole reference page as Markdown."""
    runner = CliRunner()
    parts = ["# Command reference", "",
             "Generated from `--help` (`python -m magnet_graph.cli.helpdoc > docs/cli.md`); a test keeps it current.", ""]
    for path in [[]] + _commands(cli, []):
        res = runner.invoke(cli, path + ["--help"], prog_name="magnet", terminal_width=100)
        title = " ".join(["magnet", *path])
        parts += [f"## `{title}`", "", "```", res.output.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
