"""Preference pairs: the pair record, building pairs from a record, and whole files.

A pair shares the conversation up to the turn where the two sides diverge::

    {"id", "source_id", "error_type", "turn", "method", "detail",
     "prompt":   [messages up to and including the user message(s) of turn `turn`],
     "chosen":   [assistant / tool messages of that turn in the verified conversation],
     "rejected": [the wrong assistant / tool messages of that turn],
     "tools":    [OpenAI tools offered in that turn],
     "chosen_full", "rejected_full": optional, the whole message lists of both sides}

so TRL's conversational DPO row is ``{k: pair[k] for k in ("prompt", "chosen", "rejected",
"tools")}``. :func:`pair_records` rebuilds both sides as records from a pair and its source
record, which is how the checker is run on a pairs file.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Callable, Iterable, Mapping, Sequence

import orjson

from ..errors import MagnetError, OptionError, RecordError
from ..execute import Environment, canonical_json, content_id
from ..jsonl import read_objects
from ..export.chat import tools_for
from ..types import Catalog
from ..verify import verify_record
from .checker import check_against
from .negatives import ERROR_TYPES, Negative, assemble, build_negative, user_end

__all__ = [
    "DistillReport",
    "parse_types",
    "make_pair",
    "offline_pairs",
    "pair_records",
    "distill_file",
    "read_jsonl",
]


def parse_types(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"1,2,5"`` or ``"wrong_summary,call_vs_ask"`` -> error type names (all when empty)."""
    if text is None or text == "" or text == ():
        return ERROR_TYPES
    items = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        if item.isdigit() and 1 <= int(item) <= len(ERROR_TYPES):
            out.append(ERROR_TYPES[int(item) - 1])
        elif item in ERROR_TYPES:
            out.append(item)
        else:
            names = ", ".join(f"{i + 1}={n}" for i, n in enumerate(ERROR_TYPES))
            raise OptionError(f"--types: unknown error type {item!r}; use numbers or names ({names})")
    return tuple(dict.fromkeys(out))


def _pair_id(pair: Mapping[str, Any]) -> str:
    body = {k: v for k, v in pair.items() if k != "id"}
    return hashlib.sha256(canonical_json(body)).hexdigest()[:24]


def make_pair(
    record: Mapping[str, Any],
    turn: int,
    rejected: Sequence[Mapping[str, Any]],
    *,
    error_type: str,
    method: str,
    detail: str = "",
    chosen: Sequence[Mapping[str, Any]] | None = None,
    full: bool = False,
) -> dict[str, Any]:
    """The pair record for ``record`` diverging at ``turn`` (see the module docstring).

    ``rejected`` (and ``chosen``, default the record's own) are the messages of that turn
    after its user message(s).
    """
    cut = user_end(record, turn)
    end = record["turns"][turn]["messages"][1]
    chosen_msgs = list(chosen) if chosen is not None else list(record["messages"][cut:end])
    pair: dict[str, Any] = {
        "id": "",
        "source_id": record.get("id", ""),
        "error_type": error_type,
        "turn": turn,
        "method": method,
        "detail": detail,
        "prompt": list(record["messages"][:cut]),
        "chosen": chosen_msgs,
        "rejected": list(rejected),
        "tools": tools_for(record, record["turns"][turn]["tools"]),
    }
    if full:
        pair["chosen_full"] = list(record["messages"][:cut]) + chosen_msgs
        pair["rejected_full"] = list(record["messages"][:cut]) + list(rejected)
    pair["id"] = _pair_id(pair)
    return pair


@dataclass
class DistillReport:
    """What a distillation run made and why some records gave no pair of a type.

    ``pairs``: error type -> pairs in the file; ``missed``: (error type, reason) -> records;
    both count the records done by earlier runs of the same job too (``resumed`` of the
    ``records``). ``llm``: the client's :meth:`~magnet_graph.translate.transport.ChatClient.stats`
    of this run (``{}`` offline). ``stop_reason`` / ``stopped``: why the run stopped early
    (``"max_cost"``, or a fatal fault such as ``"auth"``); the unfinished file then stays in
    ``<out>.part`` and the same command continues it.
    """

    records: int = 0
    pairs: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    backend: str = "offline"
    resumed: int = 0
    unfinished: bool = False
    llm: dict = field(default_factory=dict)
    stop_reason: str = ""
    stopped: str = ""
    elapsed: float = 0.0

    @property
    def written(self) -> int:
        return sum(self.pairs.values())

    def miss(self, error_type: str, reason: str) -> None:
        self.missed[(error_type, reason.split(":", 1)[0])] += 1

    @property
    def exit_code(self) -> int:
        """3 when stopped by ``--max-cost``, 2 when the backend stopped for good, else 0."""
        if self.stop_reason == "max_cost":
            return 3
        return 2 if self.stop_reason else 0

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data (``magnet distill --report FILE``)."""
        missed: dict[str, dict[str, int]] = {}
        for (error_type, reason), n in sorted(self.missed.items()):
            missed.setdefault(error_type, {})[reason] = n
        return {"records": self.records, "resumed": self.resumed, "written": self.written,
                "pairs": dict(sorted(self.pairs.items())), "missed": missed, "backend": self.backend,
                "llm": self.llm, "unfinished": self.unfinished, "stop_reason": self.stop_reason,
                "stopped": self.stopped, "elapsed_s": self.elapsed}


def offline_pairs(
    record: dict[str, Any],
    *,
    catalog: Catalog,
    types: Sequence[str] = ERROR_TYPES,
    seed: int = 0,
    full: bool = False,
    check: bool = True,
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Pairs of each type in ``types`` for one verified record, and ``(type, reason)`` for
    each type it could not give. With ``check`` (the default) a negative the checker does
    not reject is dropped as ``not_wrong``, and a record that fails verification gives
    ``bad_record`` for every type.
    """
    if check:
        failures = verify_record(record, catalog)
        if failures:
            return [], [(t, f"bad_record: {failures[0]}") for t in types]
    pairs: list[dict[str, Any]] = []
    missed: list[tuple[str, str]] = []
    for error_type in types:
        neg = build_negative(record, error_type, catalog=catalog, seed=seed)
        if not isinstance(neg, Negative):
            missed.append((error_type, neg))
            continue
        if check and not check_against(neg.record, record, catalog=catalog):
            missed.append((error_type, "not_wrong"))
            continue
        cut = user_end(record, neg.turn)
        pairs.append(make_pair(record, neg.turn, neg.record["messages"][cut:], error_type=error_type,
                               method="offline", detail=neg.detail, full=full))
    return pairs, missed


def pair_records(pair: Mapping[str, Any], source: Mapping[str, Any], *, catalog: Catalog) -> tuple[dict, dict]:
    """Both sides of ``pair`` as records: ``(chosen, rejected)``.

    The chosen side is the whole source record (its turn ``turn`` must be the pair's
    chosen messages); the rejected side is the source up to the diverging turn with the
    rejected messages in place, its calls read from the messages and its end state
    replayed. Raises :class:`RecordError` when the pair does not belong to ``source``.
    """
    t = pair["turn"]
    if not 0 <= t < len(source["turns"]):
        raise RecordError(f"pair {pair.get('id')}: turn {t} is not a turn of record {source.get('id')}")
    cut = user_end(source, t)
    end = source["turns"][t]["messages"][1]
    if canonical_json(pair["prompt"]) != canonical_json(source["messages"][:cut]):
        raise RecordError(f"pair {pair.get('id')}: the prompt is not the start of record {source.get('id')}")
    chosen = dict(source)
    if canonical_json(pair["chosen"]) != canonical_json(source["messages"][cut:end]):
        chosen = assemble(source, t, _calls_of(pair["chosen"]), list(pair["chosen"]), {})
        chosen = _with_replayed_state(chosen, source, t, catalog)
    rejected = assemble(source, t, _calls_of(pair["rejected"]), list(pair["rejected"]), {})
    return chosen, _with_replayed_state(rejected, source, t, catalog)


def _calls_of(messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for msg in messages:
        for tc in msg.get("tool_calls") or ():
            fn = tc["function"]
            try:
                args = orjson.loads(fn.get("arguments") or "{}")
            except orjson.JSONDecodeError:
                args = {"__unparsed__": fn.get("arguments")}
            call = {"id": tc["id"], "name": fn["name"], "arguments": args, "output": None}
            calls.append(call)
            by_id[tc["id"]] = call
        if msg["role"] == "tool" and msg.get("tool_call_id") in by_id:
            try:
                by_id[msg["tool_call_id"]]["output"] = orjson.loads(msg.get("content") or "null")
            except orjson.JSONDecodeError:
                by_id[msg["tool_call_id"]]["output"] = msg.get("content")
    return calls


def _with_replayed_state(rec: dict[str, Any], source: Mapping[str, Any], t: int, catalog: Catalog) -> dict[str, Any]:
    env = Environment(catalog, source["toolkits"], seed=source["seed"], initial_state=source["initial_state"])
    for turn in rec["turns"]:
        for call in turn["calls"]:
            try:
                result = env.execute(call["name"], call["arguments"])
            except MagnetError:
                continue
            if result.simulated:
                call["simulated"] = True
    rec["end_state"] = env.snapshot()
    rec["id"] = content_id(rec)
    return rec


def read_jsonl(path: str | FsPath) -> Iterable[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line; :class:`RecordError` names a bad line."""
    for number, _, obj in read_objects(path):
        yield number, obj


PairMaker = Callable[[dict[str, Any], Catalog], tuple[list[dict[str, Any]], list[tuple[str, str]]]]
PART_SUFFIX = ".part"
JOURNAL_SUFFIX = ".magnet.jsonl"  # the progress journal beside the pairs (see Journal)


def _lines(path: FsPath) -> Iterable[tuple[int, str, dict[str, Any]]]:
    """``(line number, digest of the line, object)`` for each non-blank line, as :func:`read_jsonl`."""
    for number, raw, obj in read_objects(path):
        yield number, hashlib.blake2b(raw.rstrip(b"\r\n"), digest_size=8).hexdigest(), obj


def _paths(out: FsPath) -> tuple[FsPath, FsPath, FsPath]:
    """(``<out>.part``, its journal, the journal of a finished ``<out>``)."""
    part = out.with_name(out.name + PART_SUFFIX)
    return part, part.with_name(part.name + JOURNAL_SUFFIX), out.with_name(out.name + JOURNAL_SUFFIX)


def _open_journal(out: FsPath, manifest: dict[str, Any], *, overwrite: bool) -> Any:
    """The journal of this job, resumed when possible (see :func:`distill_file`)."""
    from ..run import Journal

    part, log, final = _paths(out)
    journal = Journal(log, {"pairs": part})
    if overwrite:
        journal.start(manifest)
        return journal
    if journal.manifest is not None:
        diff = journal.differences(manifest)
        if diff:
            raise OptionError(f"{part} holds an unfinished run with different settings ({', '.join(diff)}); "
                              "run that command again to finish it, or add --overwrite to start again")
        journal.resume()
        return journal
    done = Journal(final, {"pairs": out}) if out.is_file() else None
    if done is not None and done.manifest is not None and not done.differences(manifest) and done.entries \
            and done.entries[-1]["sizes"]["pairs"] == out.stat().st_size:
        # a finished run of the same job: continue from a copy of it (new input records only)
        shutil.copyfile(out, part)
        shutil.copyfile(final, log)
        journal = Journal(log, {"pairs": part})
        journal.resume()
        return journal
    journal.start(manifest)
    return journal


def distill_file(
    src: str | FsPath,
    out: str | FsPath,
    *,
    catalog_resolver: Callable[[Sequence[str]], Catalog],
    types: Sequence[str] = ERROR_TYPES,
    seed: int = 0,
    full: bool = False,
    maker: PairMaker | None = None,
    overwrite: bool = False,
    settings: Mapping[str, Any] | None = None,
    sources: Mapping[str, Any] | None = None,
    on_record: Callable[[int], None] | None = None,
) -> DistillReport:
    """Write the pairs of every record of ``src`` to ``out`` (JSONL); return the report.

    ``maker(record, catalog)`` makes one record's pairs (default: :func:`offline_pairs`
    with ``types``, ``seed`` and ``full``); an LLM maker comes from
    :func:`magnet_graph.distill.llm.llm_maker` (its records are made ``concurrency`` at a
    time, written in input order).

    Durable and resumable: pairs are appended to ``<out>.part`` record by record, each
    record then noted in the journal ``<out>.part.magnet.jsonl`` (:class:`~magnet_graph.run.Journal`,
    with a digest of the input line). A killed run started again with the same settings
    skips the records done and cuts off anything written after the last one; the finished
    ``.part`` replaces ``out`` (the journal becomes ``<out>.magnet.jsonl``), so a failed or
    stopped run never destroys the previous ``out``, and the file equals an uninterrupted
    run's. Running a finished job again only does records added to ``src`` since.
    ``settings``: more values that decide the bytes, compared on resume; ``sources``: where
    things are (the CLI's catalog specs), only noted; ``overwrite`` starts the job again;
    ``on_record(k)``: progress.
    """
    started = time.perf_counter()
    if maker is None:
        def maker(record: dict[str, Any], catalog: Catalog):  # noqa: E306
            return offline_pairs(record, catalog=catalog, types=types, seed=seed, full=full)
    out, src = FsPath(out), FsPath(src)
    if out.exists() and out.resolve() == src.resolve():
        raise OptionError(f"-o {out} is the input file; write the pairs to another file")
    from ..run import prepare_output

    prepare_output(out, example="pairs.jsonl")
    describe = getattr(maker, "describe", None)
    manifest = {"command": "distill", "types": list(types), "seed": seed, "full": full,
                "maker": describe() if describe is not None else "offline", **dict(settings or {}),
                "sources": {"input": str(src.resolve()), **dict(sources or {})}}
    journal = _open_journal(out, manifest, overwrite=overwrite)
    report = DistillReport(backend=manifest["maker"] if isinstance(manifest["maker"], str) else "llm")
    progress = on_record or (lambda k: None)
    try:
        todo = _todo(src, journal.entries, report, catalog_resolver, progress)
        finished = _run_makers(todo, maker, journal, report, types, progress)
    finally:
        journal.close()
        report.elapsed = time.perf_counter() - started
    if finished:
        part, log, final = _paths(out)
        os.replace(part, out)
        os.replace(log, final)
    else:
        report.unfinished = True
    return report


def _todo(src: FsPath, done: list[dict[str, Any]], report: DistillReport,
          resolve: Callable[[Sequence[str]], Catalog], progress: Callable[[int], None]) -> Iterable[tuple]:
    """``(line, digest, record, catalog)`` of the records not done yet; the done ones are
    checked against the journal and counted in ``report``."""
    catalogs: dict[tuple[str, ...], Catalog] = {}
    for k, (number, digest, record) in enumerate(_lines(src)):
        if k < len(done):
            entry = done[k]
            if entry.get("line") != number or entry.get("digest") != digest:
                raise OptionError(f"{src}: line {number} changed since the unfinished run; "
                                  "add --overwrite to start the pairs again")
            report.records += 1
            report.resumed += 1
            report.pairs.update(entry["pairs"])
            for error_type, reason in entry["missed"]:
                report.miss(error_type, reason)
            progress(1)
            continue
        if "error_type" in record:
            raise RecordError(f"{src}: line {number}: this is a pair, not a record; pass the file `magnet sample` wrote")
        ids = tuple(record.get("catalogs") or ())
        if ids not in catalogs:
            catalogs[ids] = resolve(ids)
        yield number, digest, record, catalogs[ids]


def _run_makers(todo: Iterable[tuple], maker: Any, journal: Any, report: DistillReport, types: Sequence[str],
                progress: Callable[[int], None]) -> bool:
    """Make and write the pairs of ``todo`` in order; ``False`` when the maker's backend stopped."""
    fh = journal.files["pairs"]

    def emit(item: tuple, result: tuple[list[dict[str, Any]], list[tuple[str, str]]]) -> None:
        number, digest, _, _ = item
        pairs, missed = result
        for pair in pairs:
            fh.write(orjson.dumps(pair) + b"\n")
            report.pairs[pair["error_type"]] += 1
        for error_type, reason in missed:
            report.miss(error_type, reason)
        report.records += 1
        journal.commit({"line": number, "digest": digest, "pairs": [p["error_type"] for p in pairs],
                        "missed": [[t, r.split(":", 1)[0]] for t, r in missed]})

    def bad(exc: Exception) -> tuple[list, list[tuple[str, str]]]:
        return [], [(t, f"bad_record: {type(exc).__name__}: {exc}") for t in types]

    amake = getattr(maker, "amake", None)
    if amake is None:
        for item in todo:
            try:
                result = maker(item[2], item[3])
            except (KeyError, TypeError, IndexError) as exc:
                result = bad(exc)
            emit(item, result)
            progress(1)
        return True
    from ..run import run_ordered

    client = maker.client
    taken = _Counted(todo)
    emitted = 0

    def emit_counted(item: tuple, result: Any) -> None:
        nonlocal emitted
        emit(item, result)
        emitted += 1

    async def job(item: tuple) -> Any:
        try:
            return await amake(item[2], item[3])
        except (KeyError, TypeError, IndexError) as exc:
            return bad(exc)

    async def run() -> None:
        try:
            await run_ordered(taken, job, emit_counted, concurrency=client.limiter.maximum,
                              stopped=lambda: bool(client.stop_reason), on_done=progress)
        finally:
            await client.aclose()

    asyncio.run(run())
    report.llm = client.stats()
    finished = taken.exhausted and emitted == taken.count
    if not finished:
        report.stop_reason = client.stop_reason
        if client.stop_reason == "max_cost":
            report.stopped = f"{client.stop_detail}; run the same command with a higher --max-cost to continue"
        elif client.stop_reason:
            report.stopped = f"the backend stopped: {client.stop_detail}"
    return finished


class _Counted:
    """An iterator that counts what it gave and knows when it is exhausted."""

    def __init__(self, items: Iterable[Any]):
        self._it = iter(items)
        self.count = 0
        self.exhausted = False

    def __iter__(self) -> "_Counted":
        return self

    def __next__(self) -> Any:
        try:
            item = next(self._it)
        except StopIteration:
            self.exhausted = True
            raise
        self.count += 1
        return item
