"""``magnet sample``: catalogs -> graph -> paths -> ops -> verified conversations."""

from __future__ import annotations

import sys
from pathlib import Path as FsPath

import click
import orjson

from ..errors import OptionError
from . import report as report_mod
from .report import llm_options

OPS = ("insert", "merge", "split")

EPILOG = """\b
Exit status:
  0  every record of this shard is in the file
  1  some slots were given up (no translatable path after all attempts; see the drops)
  2  bad input or option, or the LLM backend stopped for good (e.g. the API key was rejected)
  3  stopped by --max-cost: the file holds whole records in slot order; rerun the same
     command with a higher --max-cost to continue (cached answers cost nothing)
\b
A killed run is resumed by running the same command again (or with --resume).
"""


def parse_ops(text: str) -> tuple[str, ...]:
    """``"insert,merge,split"`` -> a tuple of known op names (``""`` or ``none``: no ops)."""
    if text.strip().lower() in ("", "none"):
        return ()
    ops = tuple(dict.fromkeys(o.strip().lower() for o in text.split(",") if o.strip()))
    bad = [o for o in ops if o not in OPS]
    if bad:
        raise OptionError(f"--ops: unknown operator {bad[0]!r}; choose from {', '.join(OPS)} (comma-separated)")
    return ops


@click.command("sample", epilog=EPILOG)
@click.option("--catalog", "catalogs", multiple=True, metavar="SPEC",
              help="Catalog file, folder, module:Class, OpenAPI/MCP file or entry-point name (repeatable). Default: the built-in toolkits.")
@click.option("--impl", default=None, metavar="MODULE:CLASS", help="Bind a JSON doc catalog to this Python class.")
@click.option("--state", default=None, metavar="FILE", help="Initial state (JSON) for a Python-class catalog.")
@click.option("--ops", "ops_text", default="insert,merge,split", show_default=True, help="Operators to apply.")
@click.option("-n", "n", default=100, show_default=True, type=click.IntRange(min=1), help="Number of conversations.")
@click.option("-o", "--out", "out", default=None, metavar="FILE", help="Output JSONL (default: stdout for --paths-only, else data.jsonl).")
@click.option("--seed", default=0, show_default=True, type=int, help="Run seed: same seed, same bytes.")
@click.option("--min-turns", default=2, show_default=True, type=click.IntRange(min=1),
              help="Shortest walk, in turns (one function each, linked by the graph's output->input edges). "
              "Operators then add turns (insert, split) or merge them; a merge never makes a path shorter than this.")
@click.option("--max-turns", default=5, show_default=True, type=click.IntRange(min=1),
              help="Longest walk, in turns; insert and split may add turns to it afterwards.")
@click.option("--shard", default=None, metavar="i/N", help="Write only shard i of N (contiguous slots; shards concatenate to the full run).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Processes for the offline path (same output as 1).")
@click.option("--resume", is_flag=True, help="Continue the output file, skipping the records in it (the default).")
@click.option("--overwrite", is_flag=True, help="Start the output file again instead of resuming it.")
@click.option("--report", "report_file", default=None, metavar="FILE", help="Also write the run report as JSON.")
@click.option("--paths-only", is_flag=True, help="Only sample and mutate paths; print them as JSON lines.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--model", default=None, metavar="PROVIDER/MODEL", help="Use an LLM through litellm (e.g. openai/gpt-4o-mini). Default: offline.")
@click.option("--api-base", default=None, metavar="URL", help="Base URL of an OpenAI-compatible server for --model.")
@llm_options
@click.pass_context
def command(ctx, catalogs, impl, state, ops_text, n, out, seed, min_turns, max_turns, shard, workers, resume, overwrite,
            report_file, paths_only, quiet, model, api_base, concurrency, timeout, retries, backoff, cache_dir, no_cache,
            price_in, price_out, max_cost, transport):  # fmt: skip
    """Synthesize N verified multi-turn conversations (offline unless --model is given)."""
    from ..run import CatalogSource, RunConfig, parse_shard, run_sample

    ops = parse_ops(ops_text)
    if min_turns > max_turns:
        raise OptionError(f"--min-turns {min_turns} is larger than --max-turns {max_turns}; lower one of them")
    if resume and overwrite:
        raise OptionError("--resume and --overwrite contradict each other; resuming is the default, drop one of them")
    _check_llm_options(ctx, model, workers)
    source = CatalogSource(tuple(catalogs), impl, state)
    catalog, graph = source.load()
    config = RunConfig(n=n, ops=ops, seed=seed, min_turns=min_turns, max_turns=max_turns,
                       shard=parse_shard(shard), concurrency=concurrency, workers=workers)  # fmt: skip
    if paths_only:
        _paths_only(graph, config, out)
        return
    backend = _backend(model, api_base=api_base, seed=seed, options=ctx.params)
    out_path = FsPath(out or "data.jsonl")
    with report_mod.progress(total=len(range(*_bounds(config))), quiet=quiet) as advance:
        report = run_sample(catalog=catalog, graph=graph, backend=backend, config=config, out=out_path,
                            overwrite=overwrite, on_record=advance, catalog_ids=catalog.id.split("+"), source=source)  # fmt: skip
    report_mod.print_summary(report, out_path, backend)
    report_mod.write_report(report_file, report.to_json())
    hint = no_path_hint(report, graph, min_turns=min_turns, catalogs=catalogs)
    if hint:
        click.echo(f"error: {hint}", err=True)
    if report.exit_code:
        if report.stop_reason and report.stop_reason != "max_cost":
            click.echo(f"error: {report.stopped}; check the model, --api-base and the API key", err=True)
        sys.exit(report.exit_code)


def no_path_hint(report, graph, *, min_turns: int, catalogs=()) -> str:
    """One line explaining a run that wrote nothing because the graph gives no walk; ``""`` otherwise."""
    if report.written or report.resumed or not report.empty_slots or set(report.dropped) != {"no_path"}:
        return ""
    edges = graph.number_of_edges()
    where = " ".join(f"--catalog {c}" for c in catalogs) or "(the built-in catalogs)"
    return (f"no walk of --min-turns {min_turns} fits this catalog's graph ({graph.number_of_nodes()} tool(s), "
            f"{edges} output->input edge(s)): walks need at least {min_turns} tools linked by output->input edges; "
            "add `returns` schemas so that outputs can feed other tools' inputs, or pass --min-turns 1; "
            f"`magnet graph {where} --out graph.html` shows the edges")


def _check_llm_options(ctx: click.Context, model: str | None, workers: int) -> None:
    """LLM options given without --model, or --workers with --model, are mistakes: say so."""
    if model is None:
        report_mod.refuse_llm_options_offline(ctx)
    elif workers > 1:
        raise OptionError("--workers applies to the offline backend; with --model raise --concurrency instead")


def _bounds(config) -> tuple[int, int]:
    from ..run import shard_slots

    r = shard_slots(config.n, config.shard)
    return r.start, r.stop


def _backend(model, *, api_base, seed, options):
    """The offline backend, or an LLM backend set up from the options."""
    if model is None:
        from ..translate.offline import OfflineBackend

        return OfflineBackend()
    from ..translate.llm import LiteLLMBackend

    return report_mod.make_client(LiteLLMBackend, model, options=options, api_base=api_base, seed=seed)


def _paths_only(graph, config, out) -> None:
    from ..ops import PathSampler
    from ..run import shard_slots

    sampler = PathSampler(graph, seed=config.seed, ops=config.ops, min_turns=config.min_turns, max_turns=config.max_turns)
    if out:
        from ..run import prepare_output

        prepare_output(FsPath(out), example="paths.jsonl")
    fh = open(out, "wb") if out else sys.stdout.buffer
    try:
        for slot in shard_slots(config.n, config.shard):
            path = sampler.path(slot)
            if path is None:
                continue
            fh.write(orjson.dumps({"slot": slot, "seed": path.seed, "path": path.to_json()}) + b"\n")
    finally:
        if out:
            fh.close()
