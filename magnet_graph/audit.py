"""Contamination audit: how much generated data overlaps a benchmark's entries.

:func:`load_bfcl` reads BFCL-format files in a folder (question files and their
``possible_answer`` files, matched by ``id``); :func:`audit` compares records with them:

* **paths**: records whose call sequence (all turns, flattened) equals a benchmark entry's,
  and records whose per-turn call structure equals one;
* **call 2-grams**: generated call bigrams that also occur in the benchmark;
* **request n-grams**: word n-grams (8 by default, as contamination appendices use) of user
  messages that also occur in the benchmark's user messages.

Call names are compared without a class prefix (``GorillaFileSystem.cd`` -> ``cd``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Iterable, Mapping

import orjson

from .errors import OptionError, RecordError
from .export.bfcl import parse_call

__all__ = ["BenchEntry", "AuditReport", "load_bfcl", "audit", "word_ngrams"]

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class BenchEntry:
    """One benchmark conversation: its calls per turn (names) and its user messages."""

    id: str
    turns: tuple[tuple[str, ...], ...]
    requests: tuple[str, ...]

    @property
    def calls(self) -> tuple[str, ...]:
        return tuple(c for t in self.turns for c in t)


def word_ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    """The lower-cased word n-grams of ``text``."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _read(path: FsPath) -> list[dict[str, Any]]:
    rows = []
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            if raw.strip():
                try:
                    rows.append(orjson.loads(raw))
                except orjson.JSONDecodeError as exc:
                    raise RecordError(f"{path}: line {number}: not valid JSON ({exc})") from None
    return rows


def _short_name(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def load_bfcl(folder: str | FsPath) -> list[BenchEntry]:
    """The BFCL entries of ``folder``: ``*.jsonl``/``*.json`` question files (with a
    ``question`` list) and their answers from ``possible_answer*`` files beside them or in
    ``possible_answer/``. Without an answer, the entry's ``path`` gives its calls."""
    root = FsPath(folder)
    if not root.is_dir():
        raise OptionError(f"--against: {root} is not a folder; pass the folder holding the BFCL question files")
    files = sorted(p for p in root.rglob("*") if p.suffix in (".jsonl", ".json") and p.is_file())
    answers: dict[str, list[list[str]]] = {}
    questions: list[dict[str, Any]] = []
    for path in files:
        is_answer = path.name.startswith("possible_answer") or "possible_answer" in path.parts
        for row in _read(path):
            if not isinstance(row, dict) or "id" not in row:
                continue
            if is_answer and isinstance(row.get("ground_truth"), list):
                answers[str(row["id"])] = row["ground_truth"]
            elif isinstance(row.get("question"), list):
                questions.append(row)
    if not questions:
        raise OptionError(f"--against: no BFCL question files (JSON lines with a 'question' list) in {root}")
    return [_entry(q, answers.get(str(q["id"]))) for q in questions]


def _entry(question: Mapping[str, Any], answer: list[list[str]] | None) -> BenchEntry:
    requests = tuple(m.get("content", "") for turn in question["question"] for m in turn
                     if isinstance(m, dict) and m.get("role") == "user")
    if answer is not None:
        turns = []
        for calls in answer:
            names = []
            for text in calls:
                try:
                    names.append(_short_name(parse_call(text).name))
                except ValueError:
                    names.append(text.split("(", 1)[0].strip())
            turns.append(tuple(names))
        return BenchEntry(str(question["id"]), tuple(turns), requests)
    path = tuple(_short_name(p) for p in question.get("path", []))
    return BenchEntry(str(question["id"]), (path,), requests)


@dataclass
class AuditReport:
    """Overlap of records with a benchmark. ``flagged``: record id -> what overlaps."""

    records: int = 0
    entries: int = 0
    n: int = 8
    exact_paths: int = 0  # records whose flattened calls equal a benchmark entry's
    exact_turns: int = 0  # records whose per-turn calls equal a benchmark entry's
    bigrams_distinct: int = 0
    bigrams_shared: int = 0
    bench_bigrams: int = 0
    ngrams_distinct: int = 0
    ngrams_shared: int = 0
    requests: int = 0
    requests_overlapping: int = 0
    records_overlapping: int = 0
    top_ngrams: list[tuple[str, int]] = field(default_factory=list)
    flagged: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def audit(records: Iterable[Mapping[str, Any]], bench: list[BenchEntry], *, n: int = 8) -> AuditReport:
    """Compare ``records`` with benchmark entries (see the module docstring)."""
    if n < 1:
        raise OptionError(f"--n must be at least 1, got {n}")
    flat = {e.calls: e.id for e in bench if e.calls}
    structured = {tuple(t for t in e.turns if t): e.id for e in bench if e.calls}
    bench_bi = {g for e in bench for g in zip(e.calls, e.calls[1:])}
    bench_ng: set[tuple[str, ...]] = set()
    for e in bench:
        for text in e.requests:
            bench_ng |= word_ngrams(text, n)
    report = AuditReport(entries=len(bench), n=n, bench_bigrams=len(bench_bi))
    gen_bi: set[tuple[str, str]] = set()
    gen_ng: set[tuple[str, ...]] = set()
    shared_ng: Counter = Counter()
    for rec in records:
        report.records += 1
        rid = str(rec.get("id", report.records))
        turns = tuple(tuple(_short_name(c["name"]) for c in t.get("calls", [])) for t in rec["turns"])
        calls = tuple(c for t in turns for c in t)
        hits: list[str] = []
        if calls and calls in flat:
            report.exact_paths += 1
            hits.append(f"path = {flat[calls]}")
        nonempty = tuple(t for t in turns if t)
        if nonempty and nonempty in structured:
            report.exact_turns += 1
            hits.append(f"turns = {structured[nonempty]}")
        bi = set(zip(calls, calls[1:]))
        gen_bi |= bi
        if bi & bench_bi:
            hits.append(f"{len(bi & bench_bi)} call 2-gram(s)")
        overlapping = False
        for m in rec["messages"]:
            if m["role"] != "user" or not isinstance(m.get("content"), str):
                continue
            report.requests += 1
            grams = word_ngrams(m["content"], n)
            gen_ng |= grams
            common = grams & bench_ng
            if common:
                report.requests_overlapping += 1
                shared_ng.update(common)
                overlapping = True
        if overlapping:
            report.records_overlapping += 1
            hits.append(f"request {n}-gram(s)")
        if hits:
            report.flagged[rid] = hits
    report.bigrams_distinct = len(gen_bi)
    report.bigrams_shared = len(gen_bi & bench_bi)
    report.ngrams_distinct = len(gen_ng)
    report.ngrams_shared = len(gen_ng & bench_ng)
    report.top_ngrams = [(" ".join(g), c) for g, c in shared_ng.most_common(5)]
    return report
