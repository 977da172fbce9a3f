"""``magnet graph``: build the tool-dependency graph of catalogs and write it to a file."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import OptionError
from ..graph import DEFAULT_MIN_SCORE, build_graph, graph_summary, write_graph
from ..graph.io import FORMATS


@click.command("graph")
@click.option("--catalog", "catalogs", multiple=True, metavar="SPEC",
              help="Catalog to load (file, folder, module:Class or a catalog name); repeatable. Default: built-ins.")  # fmt: skip
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False),
              help="Output file: .json (node-link), .graphml or .html (a page to look at).")  # fmt: skip
@click.option("--min-score", type=float, default=DEFAULT_MIN_SCORE, show_default=True,
              help="Leave out edges scoring below this (0-1).")  # fmt: skip
@click.option("--max-candidates", type=int, default=16, show_default=True,
              help="Target tools kept per output field (own toolkit first).")  # fmt: skip
def command(catalogs: tuple[str, ...], out: str, min_score: float, max_candidates: int) -> None:
    """Build the tool-dependency graph (which output feeds which parameter) and write it to OUT.

    \b
    Examples:
      magnet graph --out graph.html                         # built-in catalogs
      magnet graph --catalog my_tools.json --out graph.json
    """
    path = Path(out)
    if path.suffix.lower() not in FORMATS:
        raise OptionError(f"--out {out}: unknown graph format {path.suffix or '(no suffix)'!r}; "
                          "use a file ending in .json, .graphml or .html")  # fmt: skip
    if not 0.0 <= min_score <= 1.0:
        raise OptionError(f"--min-score {min_score}: must be between 0 and 1 (default {DEFAULT_MIN_SCORE})")
    if max_candidates < 1:
        raise OptionError(f"--max-candidates {max_candidates}: must be at least 1")
    from ..catalog import load_catalogs  # the catalog package imports plugins: only when used

    catalog = load_catalogs(list(catalogs))
    G = build_graph(catalog.tools, min_score=min_score, max_candidates=max_candidates)
    write_graph(G, path)
    _print_summary(graph_summary(G), path)


def _print_summary(s: dict, path: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"magnet graph -> {path}", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    table.add_row("tools", f"{s['tools']} in {s['toolkits']} toolkit(s)")
    table.add_row("edges", f"{s['edges']} ({s['nested_edges']} nested)")
    table.add_row("by kind", ", ".join(f"{k}: {v}" for k, v in s["kinds"].items()) or "-")
    table.add_row("components", str(s["components"]))
    isolated = s["isolated"]
    shown = ", ".join(isolated[:12]) + (f" ... (+{len(isolated) - 12})" if len(isolated) > 12 else "")
    table.add_row("isolated tools", f"{len(isolated)}" + (f": {shown}" if isolated else ""))
    table.add_row("top out-degree", ", ".join(f"{n} ({k})" for n, k in s["top_out"]) or "-")
    table.add_row("top in-degree", ", ".join(f"{n} ({k})" for n, k in s["top_in"]) or "-")
    Console(highlight=False, soft_wrap=False).print(table)
