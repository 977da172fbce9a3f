"""``magnet audit``: overlap of generated data with a benchmark (contamination check)."""

from __future__ import annotations

from pathlib import Path as FsPath

import click

__all__ = ["command"]


@click.command("audit")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--against", "against", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of BFCL-format files (question files + possible_answer files).")
@click.option("--n", "n", default=8, show_default=True, type=click.IntRange(min=1), help="Word n-gram size for requests.")
@click.option("--json", "json_out", default=None, metavar="FILE", help="Also write the full report (flagged records) as JSON.")
def command(file, against, n, json_out):
    """Compare the records of FILE with a benchmark's entries: exact paths, call 2-grams,
    request n-grams."""
    import orjson
    from rich.console import Console
    from rich.table import Table

    from ..audit import audit, load_bfcl
    from ..export.base import iter_jsonl, malformed_as_error

    bench = load_bfcl(against)
    with malformed_as_error(file):
        report = audit(iter_jsonl(FsPath(file), require="records"), bench, n=n)
    table = Table(title=f"magnet audit: {file} vs {against}", show_header=False)
    table.add_column("metric", style="bold")
    table.add_column("value")
    table.add_row("records / benchmark entries", f"{report.records} / {report.entries}")
    table.add_row("exact path matches", f"{report.exact_paths} record(s) (per-turn structure: {report.exact_turns})")
    table.add_row("call 2-grams shared", f"{report.bigrams_shared} of {report.bigrams_distinct} distinct generated "
                  f"({report.bench_bigrams} in the benchmark)")
    table.add_row(f"request {n}-grams shared", f"{report.ngrams_shared} of {report.ngrams_distinct} distinct generated")
    table.add_row("requests with a shared n-gram", f"{report.requests_overlapping} of {report.requests}")
    table.add_row("records flagged", str(len(report.flagged)))
    if report.top_ngrams:
        table.add_row("most shared n-grams", "; ".join(f"'{g}' ({c})" for g, c in report.top_ngrams))
    Console().print(table)
    if json_out:
        FsPath(json_out).write_bytes(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2) + b"\n")
        click.echo(f"report written to {json_out}")
