"""``magnet distill``: preference pairs (chosen / rejected) from verified conversations."""

from __future__ import annotations

import sys

import click

from ..errors import OptionError
from . import report as report_mod
from .report import llm_options

__all__ = ["command"]

EPILOG = """\b
Exit status:
  0  every record of FILE was done; the pairs are in the -o file
  2  bad input or option, or the LLM stopped for good (e.g. the API key was rejected)
  3  stopped by --max-cost; rerun the same command (with a higher --max-cost) to continue
\b
Pairs are appended to <-o file>.part, record by record, which replaces the -o file only when
every record is done: a failed run never destroys the previous pairs. A killed or stopped run is
continued by running the same command again (records already done are skipped).
"""


@click.command("distill", epilog=EPILOG)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--out", default="pairs.jsonl", show_default=True, metavar="FILE", help="Output JSONL of pairs.")
@click.option("--types", "types_text", default="1,2,3,4,5", show_default=True,
              help="Error types, by number or name: 1 nested_call_missed, 2 same_turn_output_misused, "
              "3 long_dependency_missed, 4 wrong_summary, 5 call_vs_ask.")
@click.option("--model", default=None, metavar="PROVIDER/MODEL", help="Default model for every role below (litellm name).")
@click.option("--student", default=None, metavar="MODEL", help="Answers without hints; its wrong turns become negatives.")
@click.option("--teacher", default=None, metavar="MODEL", help="Answers with hidden hints (right ones for chosen, the student's wrong calls for rejected).")
@click.option("--judge", default=None, metavar="MODEL", help="Labels the student's errors (default: rules).")
@click.option("--api-base", default=None, metavar="URL", help="Base URL of an OpenAI-compatible server.")
@click.option("--catalog", "catalogs", multiple=True, metavar="SPEC",
              help="Catalog the records were made from (repeatable). Default: from each record's catalog ids, "
              "else the catalogs recorded beside FILE by `magnet sample`.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same bytes (offline).")
@click.option("--full", is_flag=True, help="Also store chosen_full / rejected_full (whole message lists).")
@click.option("--resume", is_flag=True, help="Continue an unfinished run of the same command (the default).")
@click.option("--overwrite", is_flag=True, help="Start again, discarding an unfinished run's FILE.part.")
@click.option("--report", "report_file", default=None, metavar="FILE", help="Also write the run report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@llm_options
@click.pass_context
def command(ctx, file, out, types_text, model, student, teacher, judge, api_base, catalogs, seed, full, resume,
            overwrite, report_file, quiet, **llm):
    """Make preference pairs from FILE (records of `magnet sample`).

    Offline (no model): each verified conversation is the chosen side and each error type
    is made by perturbing it at one turn, re-executing the calls. With models: a student
    answers each turn without hints, a judge labels its errors, a teacher reproduces them.
    Every rejected side fails the checker; records that give no pair of a type are counted.
    """
    from ..distill import distill_file, parse_types
    from .verify import catalog_resolver

    if resume and overwrite:
        raise OptionError("--resume and --overwrite contradict each other; resuming is the default, drop one of them")
    types = parse_types(types_text)
    maker, backend = None, "offline"
    if model or student or teacher or judge:
        from ..distill.llm import LLMRoles, PROMPT_VERSION, llm_maker
        from ..translate.transport import ChatClient

        student = student or model
        if student is None:
            raise OptionError("LLM distillation needs a student model: pass --student MODEL or --model MODEL")
        roles = LLMRoles(student=student, teacher=teacher or model, judge=judge or model, api_base=api_base)
        models = [m for m in dict.fromkeys((roles.student, roles.teacher, roles.judge)) if m]
        client = report_mod.make_client(ChatClient, roles.student, options=llm, api_base=api_base, seed=None,
                                        models=models, temperature=roles.temperature, prompt_version=PROMPT_VERSION)
        maker = llm_maker(roles, types=types, seed=seed, full=full, client=client)
        backend = f"student {roles.student}, teacher {roles.teacher or '-'}, judge {roles.judge or 'rules'}"
    elif api_base:
        raise OptionError("--api-base needs a model: pass --model or --student")
    else:
        report_mod.refuse_llm_options_offline(ctx, also=(), what="--model or --student")
    with report_mod.progress(total=_count_lines(file), quiet=quiet, label="records") as advance:
        report = distill_file(file, out, catalog_resolver=catalog_resolver(catalogs, data=file), types=types,
                              seed=seed, full=full, maker=maker, overwrite=overwrite,
                              sources={"catalogs": list(catalogs)}, on_record=advance)
    report.backend = backend
    _print(report, out)
    report_mod.write_report(report_file, report.to_json())
    if report.exit_code:
        if report.exit_code == 2:
            click.echo(f"error: {report.stopped}; check the model, --api-base and the API key", err=True)
        sys.exit(report.exit_code)


def _count_lines(path: str) -> int:
    """Non-blank lines of ``path`` (the progress bar's total)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def _print(report, out: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"magnet distill -> {out}", show_header=True)
    table.add_column("error type")
    table.add_column("pairs", justify="right")
    table.add_column("records without one (reason: count)")
    for error_type in sorted({*report.pairs, *(t for t, _ in report.missed)}, key=_order):
        reasons = sorted(((r, n) for (t, r), n in report.missed.items() if t == error_type), key=lambda x: (-x[1], x[0]))
        table.add_row(error_type, str(report.pairs.get(error_type, 0)), ", ".join(f"{r}: {n}" for r, n in reasons) or "-")
    resumed = f" ({report.resumed} done by an earlier run)" if report.resumed else ""
    table.caption = f"{report.records} record(s){resumed}, {report.written} pair(s); {report.backend}"
    Console().print(table)
    if report.llm:
        facts = Table(show_header=False, title_justify="left")
        facts.add_column("what", style="bold")
        facts.add_column("value")
        report_mod.llm_rows(facts, report.llm)
        if facts.row_count:
            Console().print(facts)
    if report.unfinished:
        why = report.stopped or "the run did not finish"
        click.echo(f"unfinished: {why}; the pairs so far are in {out}.part (the same command continues)", err=True)


def _order(name: str) -> int:
    from ..distill import ERROR_TYPES

    return ERROR_TYPES.index(name) if name in ERROR_TYPES else len(ERROR_TYPES)
