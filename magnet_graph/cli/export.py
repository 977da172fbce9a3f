"""``magnet export``: records or pairs -> training / benchmark formats (optionally mixed)."""

from __future__ import annotations

import click

__all__ = ["command", "FORMAT_NAMES"]


#: The names of ``magnet_graph.export.FORMATS``, here so the CLI starts without importing it.
FORMAT_NAMES = ("openai", "trl-sft", "trl-dpo", "sharegpt", "hermes", "llama-factory", "bfcl", "synthesizer")


@click.command("export")
@click.argument("file", type=click.Path(exists=True))
@click.option("--format", "fmt", required=True, type=click.Choice(FORMAT_NAMES),
              help="openai, trl-sft, trl-dpo (pairs), sharegpt, hermes, llama-factory, bfcl, "
              "synthesizer (FILE is a `magnet extract` output folder).")
@click.option("-o", "--out", "out_dir", required=True, metavar="DIR", help="Folder to write the files into.")
@click.option("--mix", "mix_text", default=None, metavar="SPEC",
              help="Mix records into multi-turn, single-turn and irrelevance examples, e.g. "
              "'multi=0.4,single=0.45,irrelevance=0.15' (or 'default').")
@click.option("--total", default=None, type=click.IntRange(min=0), help="Examples in the mix (default: one per record).")
@click.option("--catalog", "catalogs", multiple=True, metavar="SPEC",
              help="Catalog for irrelevance examples (default: from the records' catalog ids).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the mix and the tool shuffles.")
@click.option("--structured", is_flag=True, help="trl-*: write tools and call arguments as JSON objects, not strings.")
def command(file, fmt, out_dir, mix_text, total, catalogs, seed, structured):
    """Write FILE (records from `magnet sample`, or pairs from `magnet distill`) as FORMAT.

    \b
      magnet export data.jsonl --format trl-sft -o out/ --mix default
      magnet export pairs.jsonl --format trl-dpo -o out/
      magnet export data.jsonl --format bfcl -o bfcl/
      magnet export extracted/ --format synthesizer -o synth/
    """
    import pathlib

    from ..errors import OptionError

    if fmt == "synthesizer":
        from ..text import export_synthesizer

        if not pathlib.Path(file).is_dir():
            raise OptionError(f"--format synthesizer: {file} is not a folder; pass the -o folder of `magnet extract`")
        out = pathlib.Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        n = export_synthesizer(file, out / "synthesizer.jsonl")
        click.echo(f"magnet export: {n} (text -> tools + conversation) pairs as synthesizer")
        click.echo(f"  {out / 'synthesizer.jsonl'}")
        return
    if pathlib.Path(file).is_dir():
        raise OptionError(f"{file} is a folder; pass a JSONL file of records or pairs (folders only with --format synthesizer)")
    from ..export import export_file
    from ..mix import MixRatio
    from .verify import catalog_resolver

    mix = MixRatio.parse(mix_text) if mix_text is not None else None
    report = export_file(file, format=fmt, out_dir=out_dir, mix=mix, total=total, seed=seed,
                         catalog_resolver=catalog_resolver(catalogs) if mix is not None else None,
                         structured=structured)
    click.echo(f"magnet export: {report.count} {report.kind} as {fmt}")
    for path in report.files:
        click.echo(f"  {path}")
    if report.mix is not None:
        made, wanted = report.mix.made, report.mix.wanted
        click.echo("  mix: " + ", ".join(f"{k} {made.get(k, 0)}/{wanted[k]}" for k in wanted))
        for (kind, reason), n in sorted(report.mix.skipped.items()):
            click.echo(f"  no {kind} example from {n} record(s): {reason}")
