"""``magnet sample``: catalogs -> graph -> paths -> ops -> verified conversations."""

from __future__ import annotations

import sys
from pathlib import Path as FsPath

import click
import orjson

from ..errors import OptionError

OPS = ("insert", "merge", "split")


def parse_ops(text: str) -> tuple[str, ...]:
    """``"insert,merge,split"`` -> a tuple of known op names (``""`` or ``none``: no ops)."""
    if text.strip().lower() in ("", "none"):
        return ()
    ops = tuple(dict.fromkeys(o.strip().lower() for o in text.split(",") if o.strip()))
    bad = [o for o in ops if o not in OPS]
    if bad:
        raise OptionError(f"--ops: unknown operator {bad[0]!r}; choose from {', '.join(OPS)} (comma-separated)")
    return ops


@click.command("sample")
@click.option("--catalog", "catalogs", multiple=True, metavar="SPEC",
              help="Catalog file, folder, module:Class, OpenAPI/MCP file or entry-point name (repeatable). Default: the built-in toolkits.")
@click.option("--impl", default=None, metavar="MODULE:CLASS", help="Bind a JSON doc catalog to this Python class.")
@click.option("--state", default=None, metavar="FILE", help="Initial state (JSON) for a Python-class catalog.")
@click.option("--ops", "ops_text", default="insert,merge,split", show_default=True, help="Operators to apply.")
@click.option("-n", "n", default=100, show_default=True, type=click.IntRange(min=1), help="Number of conversations.")
@click.option("-o", "--out", "out", default=None, metavar="FILE", help="Output JSONL (default: stdout for --paths-only, else data.jsonl).")
@click.option("--seed", default=0, show_default=True, type=int, help="Run seed: same seed, same bytes.")
@click.option("--min-turns", default=2, show_default=True, type=click.IntRange(min=1))
@click.option("--max-turns", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--model", default=None, metavar="PROVIDER/MODEL", help="Use an LLM through litellm (e.g. openai/gpt-4o-mini). Default: offline.")
@click.option("--api-base", default=None, metavar="URL", help="Base URL of an OpenAI-compatible server for --model.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(min=1), help="Conversations in flight with --model.")
@click.option("--shard", default=None, metavar="i/N", help="Write only shard i of N (contiguous slots; shards concatenate to the full run).")
@click.option("--paths-only", is_flag=True, help="Only sample and mutate paths; print them as JSON lines.")
@click.option("--overwrite", is_flag=True, help="Start the output file again instead of resuming it.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def command(catalogs, impl, state, ops_text, n, out, seed, min_turns, max_turns, model, api_base,
            concurrency, shard, paths_only, overwrite, quiet):
    """Synthesize N verified multi-turn conversations (offline unless --model is given)."""
    from ..catalog import load_catalogs
    from ..graph import build_graph
    from ..run import RunConfig, parse_shard, run_sample
    from . import report as report_mod

    ops = parse_ops(ops_text)
    if min_turns > max_turns:
        raise OptionError(f"--min-turns {min_turns} is larger than --max-turns {max_turns}; lower one of them")
    catalog = load_catalogs(catalogs, impl=impl, state=state)
    graph = build_graph(catalog.tools)
    config = RunConfig(n=n, ops=ops, seed=seed, min_turns=min_turns, max_turns=max_turns,
                       shard=parse_shard(shard), concurrency=concurrency)
    if paths_only:
        _paths_only(graph, config, out)
        return
    backend = _backend(model, api_base, seed)
    out_path = FsPath(out or "data.jsonl")
    with report_mod.progress(total=len(range(*_bounds(config))), quiet=quiet) as advance:
        report = run_sample(catalog=catalog, graph=graph, backend=backend, config=config, out=out_path,
                            overwrite=overwrite, on_record=advance, catalog_ids=catalog.id.split("+"))
    report_mod.print_summary(report, out_path, backend)
    if report.empty_slots:
        sys.exit(1)


def _bounds(config) -> tuple[int, int]:
    from ..run import shard_slots

    r = shard_slots(config.n, config.shard)
    return r.start, r.stop


def _backend(model, api_base, seed):
    if model is None:
        if api_base:
            raise OptionError("--api-base needs --model (e.g. --model openai/my-local-model)")
        from ..translate.offline import OfflineBackend

        return OfflineBackend()
    from ..translate.llm import LiteLLMBackend

    return LiteLLMBackend(model, api_base=api_base, seed=seed)


def _paths_only(graph, config, out) -> None:
    from ..ops import PathSampler
    from ..run import shard_slots

    sampler = PathSampler(graph, seed=config.seed, ops=config.ops, min_turns=config.min_turns, max_turns=config.max_turns)
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
