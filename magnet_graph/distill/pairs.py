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

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Callable, Iterable, Mapping, Sequence

import orjson

from ..errors import MagnetError, OptionError, RecordError
from ..execute import Environment, canonical_json, content_id
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

    ``pairs``: error type -> pairs written; ``missed``: (error type, reason) -> records.
    """

    records: int = 0
    pairs: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    backend: str = "offline"

    @property
    def written(self) -> int:
        return sum(self.pairs.values())

    def miss(self, error_type: str, reason: str) -> None:
        self.missed[(error_type, reason.split(":", 1)[0])] += 1


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
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise RecordError(f"{path}: line {number}: not valid JSON ({exc}); fix or remove the line") from None
            if not isinstance(obj, dict):
                raise RecordError(f"{path}: line {number}: expected a JSON object, got {type(obj).__name__}")
            yield number, obj


PairMaker = Callable[[dict[str, Any], Catalog], tuple[list[dict[str, Any]], list[tuple[str, str]]]]


def distill_file(
    src: str | FsPath,
    out: str | FsPath,
    *,
    catalog_resolver: Callable[[Sequence[str]], Catalog],
    types: Sequence[str] = ERROR_TYPES,
    seed: int = 0,
    full: bool = False,
    maker: PairMaker | None = None,
) -> DistillReport:
    """Write the pairs of every record of ``src`` to ``out`` (JSONL); return the report.

    ``maker(record, catalog)`` makes one record's pairs (default: :func:`offline_pairs`
    with ``types``, ``seed`` and ``full``); an LLM maker comes from
    :func:`magnet_graph.distill.llm.llm_maker`.
    """
    report = DistillReport()
    if maker is None:
        def maker(record: dict[str, Any], catalog: Catalog):  # noqa: E306
            return offline_pairs(record, catalog=catalog, types=types, seed=seed, full=full)
    catalogs: dict[tuple[str, ...], Catalog] = {}
    out = FsPath(out)
    if out.exists() and out.resolve() == FsPath(src).resolve():
        raise OptionError(f"-o {out} is the input file; write the pairs to another file")
    if out.is_dir():
        raise OptionError(f"-o {out} is a folder; give a file name such as {out / 'pairs.jsonl'}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")  # the old pairs file stays whole until this one is
    with open(tmp, "wb") as fh:
        for number, record in read_jsonl(src):
            if "error_type" in record:
                raise RecordError(f"{src}: line {number}: this is a pair, not a record; pass the file `magnet sample` wrote")
            ids = tuple(record.get("catalogs") or ())
            if ids not in catalogs:
                catalogs[ids] = catalog_resolver(ids)
            report.records += 1
            try:
                pairs, missed = maker(record, catalogs[ids])
            except (KeyError, TypeError, IndexError) as exc:
                pairs, missed = [], [(t, f"bad_record: {type(exc).__name__}: {exc}") for t in types]
            for pair in pairs:
                fh.write(orjson.dumps(pair) + b"\n")
                report.pairs[pair["error_type"]] += 1
            for error_type, reason in missed:
                report.miss(error_type, reason)
    tmp.replace(out)
    return report
