"""``magnet catalog check|list|show``: load catalogs, report problems, show what they became."""

from __future__ import annotations

import difflib

import click
import orjson

from ..catalog import check_catalog, list_catalogs, resolve_catalog
from ..errors import catalog_error


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@click.group("catalog")
def command() -> None:
    """Load tool catalogs, report their problems, show what they normalize to."""


@command.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--impl", metavar="MODULE:CLASS", help="Bind doc files to the methods of this class (or module).")
@click.option("--state", type=click.Path(dir_okay=False), help="JSON file with the initial state of the bound class.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(paths: tuple[str, ...], impl: str | None, state: str | None, as_json: bool) -> None:
    """Load PATHS (files, folders or catalog specs) and report every tool's problems.

    Exits 1 when any error was found (warnings alone exit 0).
    """
    report = check_catalog(list(paths), impl=impl, state=state)
    if as_json:
        click.echo(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        from rich.table import Table

        table = Table(show_lines=False)
        for col in ("tool", "toolkit", "params", "returns?", "problems"):
            table.add_column(col, overflow="fold")
        for row in report.rows:
            probs = "\n".join(str(p) for p in row.problems) or "-"
            style = None if row.ok else "red"
            table.add_row(row.tool or "(file)", row.toolkit, str(row.params), "yes" if row.has_returns else "no",
                          probs, style=style)
        console = _console()
        console.print(table)
        console.print(report.summary())
    if not report.ok:
        # SystemExit, not ctx.exit(1): cli.main(standalone_mode=False) returns Exit codes, and main() drops them
        raise SystemExit(1)


@command.command("list")
def list_() -> None:
    """List every available catalog (entry points and built-ins) with its tool count."""
    from rich.table import Table

    rows = list_catalogs()
    table = Table()
    for col in ("name", "tools", "toolkits", "source", "status"):
        table.add_column(col, overflow="fold")
    for r in rows:
        status = f"error: {r.error}" if r.error else (r.description or "ok")
        table.add_row(r.name, str(r.tools) if not r.error else "-", ", ".join(r.toolkits), r.source, status,
                      style="red" if r.error else None)
    console = _console()
    console.print(table)
    bad = sum(1 for r in rows if r.error)
    console.print(f"{len(rows)} catalog(s), {len(rows) - bad} loadable; 'builtin' = all built-in ones")


@command.command("show")
@click.argument("spec")
@click.option("--tool", "tool_name", metavar="NAME", help="Show only this tool.")
@click.option("--impl", metavar="MODULE:CLASS", help="Bind a doc file to this class (or module).")
@click.option("--state", type=click.Path(dir_okay=False), help="JSON file with the initial state.")
@click.option("--full", is_flag=True, help="Print every field of the normalized tool (returns, toolkit ...).")
def show(spec: str, tool_name: str | None, impl: str | None, state: str | None, full: bool) -> None:
    """Print the normalized tools of SPEC as OpenAI tools JSON."""
    catalog = resolve_catalog(spec, impl=impl, state=state)
    tools = catalog.tools
    if tool_name is not None:
        if tool_name not in catalog:
            close = difflib.get_close_matches(tool_name, list(catalog.by_name), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "see `magnet catalog show SPEC` for the names"
            raise catalog_error("no such tool in the catalog", source=spec, tool=tool_name, fix=hint)
        tools = (catalog.tool(tool_name),)
    data = [t.model_dump() if full else t.openai_schema() for t in tools]
    click.echo(orjson.dumps(data if tool_name is None else data[0], option=orjson.OPT_INDENT_2).decode())
