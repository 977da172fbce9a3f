"""``magnet extract``: texts -> tools, workflows and verified conversations (GEM)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import OptionError
from . import report as report_mod
from .report import llm_options

__all__ = ["command", "summary_lines"]

EPILOG = """\b
Exit status:
  0  every segment was done
  1  no readable text in the inputs
  2  bad input or option, or the LLM stopped for good (e.g. the API key was rejected)
  3  stopped by --max-cost; rerun the same command (with a higher --max-cost) to continue
\b
A killed or stopped run is continued by running the same command again: segments already
done are skipped (DIR/journal.magnet.jsonl notes them) and the outputs end up the bytes an
uninterrupted run writes. Other settings or changed inputs start DIR again.
"""


def summary_lines(report: dict, out_dir: str) -> list[str]:
    """The end-of-run table printed by the command (from ``report.json``'s content)."""
    lines = [f"magnet extract -> {out_dir}"]
    skipped = sum(report["input_drops"].values())
    why = ", ".join(f"{k} {v}" for k, v in report["input_drops"].items())
    lines.append(f"  texts        {report['texts']}" + (f"  ({skipped} input(s) skipped: {why})" if skipped else ""))
    lines.append(f"  segments     {report['segments']}")
    lines.append(f"  kept         {report['kept']}")
    lines.append(f"  workflows    {report['workflows']} ({report['tools']} tools)")
    lines.append(f"  written      {report['written']} conversations")
    lines.append("  stage        in    out   pass")
    for name, s in report["stages"].items():
        rate = "-" if s["pass_rate"] is None else f"{100 * s['pass_rate']:.1f}%"
        lines.append(f"  {name:<10} {s['in']:>4} {s['out']:>6} {rate:>6}")
    if report["drops"]:
        lines.append("  drops        " + ", ".join(f"{k} {v}" for k, v in report["drops"].items()))
    before, after = report["before_refinement"], report["after_refinement"]
    lines.append("  per conversation     messages  tools  calls")
    lines.append(f"  before refinement    {before['messages']:>8}  {before['tools']:>5}  {before['calls']:>5}")
    if report["config"].get("refine"):
        lines.append(f"  after refinement     {after['messages']:>8}  {after['tools']:>5}  {after['calls']:>5}")
    if report["patterns"]:
        lines.append("  patterns     " + ", ".join(f"{k} {v}" for k, v in report["patterns"].items()))
    return lines


@click.command("extract", epilog=EPILOG)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--out", "out_dir", required=True, metavar="DIR", help="Output folder.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.5, show_default=True,
              help="Relevance score a segment needs to be kept (offline filter).")
@click.option("--seed", type=int, default=0, show_default=True, help="Run seed: same seed, same bytes.")
@click.option("--model", default=None, metavar="PROVIDER/MODEL", help="Use an LLM through litellm for filtering, "
              "step extraction and judging (e.g. openai/gpt-4o-mini). Default: offline.")
@click.option("--api-base", default=None, metavar="URL", help="Base URL of an OpenAI-compatible server for --model.")
@click.option("--conversations-per-text", "per_text", type=click.IntRange(min=1), default=1, show_default=True,
              help="Conversations grounded on each extracted workflow.")
@click.option("--no-refine", is_flag=True, help="Skip complexity refinement (stage 4).")
@click.option("--synthesizer", is_flag=True, help="--model is a fine-tuned trajectory synthesizer: text -> tools + "
              "conversation in one reply.")
@click.option("--min-patterns", type=click.IntRange(1, 5), default=3, show_default=True,
              help="Interaction patterns a conversation must show.")
@click.option("--max-file-mb", type=click.FloatRange(min=0.001), default=20.0, show_default=True,
              help="Skip input files larger than this.")
@click.option("--resume", is_flag=True, help="Continue an unfinished run in DIR with the same settings (the default).")
@click.option("--overwrite", is_flag=True, help="Start DIR again even when the run in it could be continued.")
@llm_options(concurrency=False)
@click.pass_context
def command(ctx, inputs, out_dir, threshold, seed, model, api_base, per_text, no_refine, synthesizer, min_patterns,
            max_file_mb, resume, overwrite, **llm):
    """Mine INPUT texts (JSONL with a "text" field, .txt/.md files, or folders) for procedures; write their
    tools, workflows and validated multi-turn conversations to DIR."""
    from ..text.pipeline import ExtractConfig, run_extract

    if synthesizer and model is None:
        raise OptionError("--synthesizer needs --model (the fine-tuned synthesizer to call)")
    if api_base and model is None:
        raise OptionError("--api-base needs --model (e.g. --model openai/my-local-model)")
    if resume and overwrite:
        raise OptionError("--resume and --overwrite contradict each other; resuming is the default, drop one of them")
    client = None
    if model is None:
        report_mod.refuse_llm_options_offline(ctx, also=())
    else:
        from ..text.pipeline import PROMPT_VERSION
        from ..translate.transport import ChatClient

        client = report_mod.make_client(ChatClient, model, options=llm, api_base=api_base, seed=seed,
                                        temperature=0.0, prompt_version=PROMPT_VERSION)
    config = ExtractConfig(threshold=threshold, seed=seed, conversations_per_text=per_text, refine=not no_refine,
                           model=model, api_base=api_base, synthesizer=synthesizer, min_patterns=min_patterns,
                           max_bytes=int(max_file_mb * 1024 * 1024))
    result = run_extract(list(inputs), out_dir, config=config, overwrite=overwrite, client=client)
    report = result.to_json()
    for problem in report["input_problems"]:
        click.echo(f"skipped: {problem}", err=True)
    if result.restarted:
        click.echo(f"note: started {out_dir} again: {result.restarted}", err=True)
    for line in summary_lines(report, str(Path(out_dir))):
        click.echo(line)
    if result.resumed:
        click.echo(f"  resumed      {result.resumed} segment(s) done by an earlier run")
    if report["texts"] == 0:
        click.echo("error: no readable text in the inputs; see the lines above", err=True)
        sys.exit(1)
    if result.exit_code:
        if result.exit_code == 3:
            click.echo(f"stopped: {result.stopped}; run the same command with a higher --max-cost to continue", err=True)
        else:
            click.echo(f"error: the LLM stopped: {result.stopped}; check the model, --api-base and the API key", err=True)
        sys.exit(result.exit_code)
