"""``magnet verify FILE``: re-run every check (replay included) on a JSONL file of records."""

from __future__ import annotations

import os
import sys
from typing import Callable, Sequence

import click

from ..errors import MagnetError, OptionError
from ..types import Catalog
from ..verify import VerifyReport, verify_file

__all__ = ["command", "catalog_resolver", "specs_from_ids"]


def specs_from_ids(ids: Sequence[str]) -> list[str]:
    """Catalog specs for ``load_catalogs`` from a record's catalog ids.

    ``ep:<name>`` -> ``<name>``; ``py:<module>:<Class>`` -> ``<module>:<Class>``; ids
    joined by ``+`` (a merged catalog) are split; a ``file:`` id cannot be resolved from
    the id alone (raises :class:`OptionError`).
    """
    specs: list[str] = []
    for cid in (part for joined in ids for part in joined.split("+")):
        prefix, _, rest = cid.partition(":")
        if cid == "builtin":
            specs.append(cid)
        elif prefix == "ep" and rest:
            specs.append(rest)
        elif prefix == "py" and rest:
            specs.append(rest)
        elif prefix == "file":
            raise OptionError(
                f"catalog id {cid!r} names a catalog file, which cannot be found from the id alone "
                "(and no manifest beside the records says where it was); pass the file with --catalog FILE"
            )
        else:
            raise OptionError(
                f"catalog id {cid!r} is not an ep:, py: or file: id; pass the catalog with --catalog SPEC"
            )
    return specs


def catalog_resolver(specs: Sequence[str], *, data: str | os.PathLike[str] | None = None
                     ) -> Callable[[Sequence[str]], Catalog]:
    """``ids -> Catalog``: the catalog loaded from ``specs`` when given, else from the ids.

    Ids that cannot be resolved alone (``file:`` ids: a catalog file) fall back to the
    catalogs ``magnet sample`` recorded in the manifest beside the records file ``data``
    (``<data>.magnet.json``; default: the FILE argument of the running command, so
    ``magnet verify`` and ``magnet export --mix`` both find it). A note on stderr says which
    manifest and files were used.
    """
    try:
        from ..catalog import load_catalogs
    except ImportError as exc:  # the loader module is missing from this installation
        raise OptionError(f"cannot import magnet_graph.catalog.load_catalogs ({exc}); reinstall magnet") from exc
    if specs:
        catalog = load_catalogs(list(specs))
        return lambda ids: catalog
    data = data if data is not None else _command_file()
    recorded: dict[str, Catalog] = {}

    def resolve(ids: Sequence[str]) -> Catalog:
        try:
            return load_catalogs(specs_from_ids(ids))
        except OptionError as exc:
            from ..run import recorded_source

            found = recorded_source(data) if data is not None else None
            if found is None:
                raise exc from None
            if "catalog" not in recorded:
                recorded["catalog"] = _load_recorded(*found, load_catalogs)
            return _same_ids(recorded["catalog"], ids, found[1])

    return resolve


def _command_file() -> str | None:
    """The FILE argument of the click command running now (``magnet verify FILE`` ...), if any."""
    ctx = click.get_current_context(silent=True)
    value = ctx.params.get("file") if ctx is not None else None
    return value if isinstance(value, str) else None


def _load_recorded(source, manifest, load_catalogs) -> Catalog:
    """The catalog of a manifest's recorded source, with a note saying where it came from."""
    shown = ", ".join(source.specs) or "the built-in catalogs"
    try:
        catalog = load_catalogs(list(source.specs), impl=source.impl, state=source.state)
    except MagnetError as exc:
        raise OptionError(f"the catalogs recorded in {manifest} ({shown}) cannot be loaded: {exc}; "
                          "pass the catalog with --catalog SPEC") from None
    click.echo(f"note: no --catalog given; using the catalogs recorded in {manifest}: {shown}", err=True)
    return catalog


def _same_ids(catalog: Catalog, ids: Sequence[str], manifest) -> Catalog:
    """``catalog`` when it is the one the record was made from, else a one-line error."""
    want = [part for joined in ids for part in joined.split("+")]
    have = catalog.id.split("+")
    if sorted(have) != sorted(want):
        raise OptionError(f"the catalogs recorded in {manifest} are now {'+'.join(have)}, but the records were made "
                          f"from {'+'.join(want)} (a catalog file changed); pass the original with --catalog FILE")
    return catalog


def _print_report(report: VerifyReport) -> None:
    for failure in report.failures:
        record_id = failure.id or "-"
        click.echo(f"line {failure.line} (id {record_id}): {'; '.join(failure.failures)}")
    if report.omitted:
        click.echo(f"... and {report.omitted} more failing record(s) not shown (raise --max-errors)")
    click.echo(f"{report.path}: {report.records} record(s), {report.passed} passed, {report.failed} failed")
    if report.counts:
        width = max(len("reason"), *(len(code) for code in report.counts))
        click.echo(f"  {'reason':<{width}}  records")
        for code, n in sorted(report.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(f"  {code:<{width}}  {n}")


def _extract_dir(file: str):
    """The `magnet extract` output folder FILE belongs to, or ``None``."""
    import pathlib

    folder = pathlib.Path(file).resolve().parent
    return folder if (folder / "workflows.jsonl").is_file() and (folder / "catalog").is_dir() else None


def _task_of(ids) -> str:
    """``file:<task>.json@<hash>`` -> ``<task>`` (the workflow an extracted catalog came from)."""
    for i in ids:
        if i.startswith("file:") and ".json@" in i:
            return i[5:].split(".json@", 1)[0]
    raise MagnetError(f"catalog ids {list(ids)} do not name an extracted workflow; pass --catalog")


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--catalog",
    "catalogs",
    multiple=True,
    metavar="SPEC",
    help="Catalog to check against (repeatable; same specs as `magnet sample`). "
    "Default: load each record's catalogs from their ids.",
)
@click.option("--no-replay", is_flag=True, help="Skip re-executing the calls (faster; no end-state check).")
@click.option(
    "--max-errors",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Print at most N failing records (all are still counted).",
)
def command(file: str, catalogs: tuple[str, ...], no_replay: bool, max_errors: int) -> None:
    """Check every record of FILE: calls, schema, execution, grounding, requests, replay.

    Exit status: 0 when every record passes, 1 when some fail, 2 when the file or its
    catalogs cannot be read.
    """
    try:
        extract_dir = _extract_dir(file) if not catalogs else None
        if extract_dir is not None:  # conversations of `magnet extract`: its catalogs and checks
            from ..text import extracted_catalog, validate_record

            def resolver(ids):
                return extracted_catalog(extract_dir, _task_of(ids))

            checker = validate_record
        else:
            resolver, checker = catalog_resolver(catalogs, data=file), None
        report = verify_file(file, catalog_resolver=resolver, replay=not no_replay, max_failures=max_errors,
                             checker=checker)
    except MagnetError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    _print_report(report)
    if not report.ok:
        # SystemExit rather than ctx.exit: click's non-standalone main() returns an Exit's
        # code instead of raising it, and the console entry point does not pass it on.
        sys.exit(1)
