"""``magnet distill``: preference pairs (chosen / rejected) from verified conversations."""

from __future__ import annotations

import click

from ..errors import OptionError

__all__ = ["command"]


@click.command("distill")
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
              help="Catalog the records were made from (repeatable). Default: from each record's catalog ids.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same bytes (offline).")
@click.option("--full", is_flag=True, help="Also store chosen_full / rejected_full (whole message lists).")
def command(file, out, types_text, model, student, teacher, judge, api_base, catalogs, seed, full):
    """Make preference pairs from FILE (records of `magnet sample`).

    Offline (no model): each verified conversation is the chosen side and each error type
    is made by perturbing it at one turn, re-executing the calls. With models: a student
    answers each turn without hints, a judge labels its errors, a teacher reproduces them.
    Every rejected side fails the checker; records that give no pair of a type are counted.
    """
    from ..distill import distill_file, parse_types
    from .verify import catalog_resolver

    types = parse_types(types_text)
    maker = None
    backend = "offline"
    if model or student or teacher or judge:
        from ..distill.llm import LLMRoles, llm_maker

        student = student or model
        if student is None:
            raise OptionError("LLM distillation needs a student model: pass --student MODEL or --model MODEL")
        roles = LLMRoles(student=student, teacher=teacher or model, judge=judge or model, api_base=api_base)
        maker = llm_maker(roles, types=types, seed=seed, full=full)
        backend = f"student {roles.student}, teacher {roles.teacher or '-'}, judge {roles.judge or 'rules'}"
    elif api_base:
        raise OptionError("--api-base needs a model: pass --model or --student")
    report = distill_file(file, out, catalog_resolver=catalog_resolver(catalogs), types=types, seed=seed,
                          full=full, maker=maker)
    report.backend = backend
    _print(report, out)


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
    table.caption = f"{report.records} record(s), {report.written} pair(s); {report.backend}"
    Console().print(table)


def _order(name: str) -> int:
    from ..distill import ERROR_TYPES

    return ERROR_TYPES.index(name) if name in ERROR_TYPES else len(ERROR_TYPES)
