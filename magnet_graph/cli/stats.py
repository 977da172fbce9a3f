"""``magnet stats``: shape, operators, coverage and diversity of a records (or pairs) file."""

from __future__ import annotations

import importlib.util
from pathlib import Path as FsPath

import click

from ..errors import OptionError

__all__ = ["command"]


@click.command("stats")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--pairs", "pairs_file", default=None, type=click.Path(exists=True, dir_okay=False),
              help="A pairs file from `magnet distill` (its error types are counted).")
@click.option("--catalog", "catalogs", multiple=True, metavar="SPEC",
              help="Catalog whose graph coverage is measured (repeatable). Default: the records' catalogs, "
              "else the built-ins.")
@click.option("--no-graph", is_flag=True, help="Skip tool/edge coverage (no graph is built).")
@click.option("--plot", default=None, metavar="FILE.html|FILE.png", help="Also write the charts to this file.")
def command(file, pairs_file, catalogs, no_graph, plot):
    """Print statistics of FILE (records from `magnet sample`, or pairs from `magnet distill`)."""
    from ..export import detect_kind
    from ..export.base import iter_jsonl, malformed_as_error
    from ..stats import compute_stats, render_html, render_png

    if plot and FsPath(plot).suffix.lower() not in (".html", ".htm", ".png"):
        raise OptionError(f"--plot {plot}: the file must end in .html or .png")
    if plot and FsPath(plot).suffix.lower() == ".png" and importlib.util.find_spec("matplotlib") is None:
        raise OptionError(f"--plot {plot}: a PNG needs matplotlib (pip install matplotlib); "
                          "or write FILE.html, which needs nothing")
    kind = detect_kind(file)
    records = [] if kind == "pairs" else list(iter_jsonl(FsPath(file), require="records"))
    pairs = list(iter_jsonl(FsPath(pairs_file), require="pairs")) if pairs_file else []
    if kind == "pairs":
        pairs = list(iter_jsonl(FsPath(file), require="pairs")) + pairs
    graph = None if no_graph or not records else _graph(records, catalogs)
    with malformed_as_error(file):
        stats = compute_stats(records, graph=graph, pairs=pairs)
    _print(stats, file)
    if plot:
        FsPath(plot).parent.mkdir(parents=True, exist_ok=True)
        if FsPath(plot).suffix.lower() == ".png":
            render_png(stats, plot)
        else:
            FsPath(plot).write_text(render_html(stats, title=f"magnet stats: {FsPath(file).name}"), encoding="utf-8")
        click.echo(f"charts written to {plot}")


def _graph(records, catalogs):
    from ..catalog import load_catalogs
    from ..graph import build_graph
    from .verify import specs_from_ids

    if catalogs:
        specs = list(catalogs)
    else:
        try:
            specs = specs_from_ids(records[0].get("catalogs") or ["builtin"])
        except OptionError:
            click.echo("note: the records' catalog is a file; pass --catalog FILE for coverage", err=True)
            return None
    return build_graph(load_catalogs(specs).tools)


def _print(stats, file) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..stats import stats_rows

    table = Table(title=f"magnet stats: {file}", show_header=False)
    table.add_column("metric", style="bold")
    table.add_column("value")
    for key, value in stats_rows(stats):
        table.add_row(key, value)
    Console().print(table)
