"""Dataset mixing: multi-turn, single-turn and irrelevance examples in a chosen ratio.

From verified records (METHOD.md A5 "data mix"):

* ``multi``: the whole conversation (:func:`magnet_graph.export.chat.record_example`);
* ``single``: the first turn cut from a record (a first turn never refers to earlier outputs);
* ``irrelevance``: the first request of a record offered only tools of *other* toolkits than
  the record's, with a gold text reply that says no available tool can do it (no call).

The default ratio keeps irrelevance at 15%, the share the paper found best. Every
example's tool order is shuffled with its own seed; the examples come out shuffled too.
Same records, ratio, total and seed: same examples, byte for byte.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .errors import OptionError
from .export.chat import Example, record_example, tools_for
from .seeding import derive_seed
from .translate import phrases
from .types import Catalog

__all__ = ["MixRatio", "MixReport", "mix_examples", "single_turn_example", "irrelevance_example"]

KINDS = ("multi", "single", "irrelevance")


@dataclass(frozen=True)
class MixRatio:
    """Shares of each kind of example; they are normalized to sum to 1."""

    multi: float = 0.40
    single: float = 0.45
    irrelevance: float = 0.15

    @classmethod
    def parse(cls, text: str) -> "MixRatio":
        """``"multi=0.4,single=0.45,irrelevance=0.15"`` (any subset; missing kinds are 0;
        ``"default"`` gives the default ratio). Raises :class:`OptionError` naming ``--mix``."""
        if text.strip().lower() in ("", "default"):
            return cls()
        shares = dict.fromkeys(KINDS, 0.0)
        for part in (p.strip() for p in text.split(",") if p.strip()):
            key, sep, value = part.partition("=")
            key = key.strip().lower()
            if not sep or key not in shares:
                raise OptionError(f"--mix: {part!r} is not KIND=SHARE with KIND one of {', '.join(KINDS)} "
                                  "(e.g. multi=0.4,single=0.45,irrelevance=0.15)")
            try:
                shares[key] = float(value)
            except ValueError:
                raise OptionError(f"--mix: the share of {key} must be a number, got {value!r}") from None
            if shares[key] < 0:
                raise OptionError(f"--mix: the share of {key} must not be negative, got {value}")
        total = sum(shares.values())
        if total <= 0:
            raise OptionError("--mix: at least one share must be positive")
        return cls(**{k: v / total for k, v in shares.items()})

    def counts(self, total: int) -> dict[str, int]:
        """Example counts per kind summing to ``total`` (largest remainder)."""
        shares = {k: getattr(self, k) for k in KINDS}
        whole = sum(shares.values()) or 1.0
        raw = {k: total * v / whole for k, v in shares.items()}
        out = {k: int(v) for k, v in raw.items()}
        for k in sorted(KINDS, key=lambda k: (-(raw[k] - out[k]), KINDS.index(k)))[: total - sum(out.values())]:
            out[k] += 1
        return out


@dataclass
class MixReport:
    """Wanted and made counts per kind, and why some records gave no example of a kind."""

    wanted: dict[str, int] = field(default_factory=dict)
    made: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) -> records


def _first_user(record: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Messages before turn 0's user message (a system message) and the index of that message."""
    start = record["turns"][0]["messages"][0]
    return list(record["messages"][:start]), start


def single_turn_example(record: Mapping[str, Any], *, rng: random.Random) -> Example:
    """The record's first turn as an example of its own (tools of that turn, shuffled)."""
    end = record["turns"][0]["messages"][1]
    tools = tools_for(record, record["turns"][0]["tools"])
    rng.shuffle(tools)
    return {"id": f"{record.get('id', '')}:single", "kind": "single", "messages": list(record["messages"][:end]), "tools": tools}


def _needed(record: Mapping[str, Any]) -> str | None:
    """The function the first request asks for."""
    turns = record["turns"]
    if turns[0].get("kind", "normal") == "normal":
        calls = turns[0].get("calls") or []
        return calls[0]["name"] if calls else None
    missing = turns[0].get("missing") or {}
    return missing.get("function")


def irrelevance_example(record: Mapping[str, Any], *, catalog: Catalog, rng: random.Random) -> Example | str:
    """The first request with only other toolkits' tools and a "cannot do that" reply;
    a skip reason when the catalog has no other toolkit or the request's function is unknown."""
    needed = _needed(record)
    if needed is None or needed not in catalog:
        return "unknown_function"
    exclude = set(record["toolkits"]) | {catalog.tool(needed).toolkit}
    others = [k for k in catalog.toolkits if k not in exclude]
    if not others:
        return "no_other_toolkit"
    kits = rng.sample(others, min(len(others), rng.randint(1, 2)))
    pool = [n for k in kits for n in catalog.toolkits[k]]
    names = rng.sample(pool, min(len(pool), rng.randint(3, 8)))
    tools = [catalog.tool(n).openai_schema() for n in names]
    head, start = _first_user(record)
    reply = phrases.missing_function_text(catalog.tool(needed), rng=rng)
    messages = head + [record["messages"][start], {"role": "assistant", "content": reply}]
    return {"id": f"{record.get('id', '')}:irrelevance", "kind": "irrelevance", "messages": messages, "tools": tools}


def _order(records: Sequence[Any], seed: int, kind: str) -> list[int]:
    order = list(range(len(records)))
    random.Random(derive_seed(seed, "mix-order", kind)).shuffle(order)
    return order


def mix_examples(
    records: Sequence[dict[str, Any]],
    *,
    catalog: Catalog | None,
    ratio: MixRatio = MixRatio(),
    total: int | None = None,
    seed: int = 0,
    notes: str = "system",
) -> tuple[list[Example], MixReport]:
    """Examples of each kind in ``ratio`` (``total`` examples; default: as many as records).

    Each record gives at most one example of each kind, so a kind asking for more than
    there are records is cut short (``report.made`` says what was made). Irrelevance needs
    ``catalog`` (the other toolkits' tools). ``notes`` is passed to
    :func:`~magnet_graph.export.chat.record_example`.
    """
    n = len(records) if total is None else int(total)
    if n < 0:
        raise OptionError(f"--total must not be negative, got {n}")
    report = MixReport(wanted=ratio.counts(n))
    out: list[Example] = []
    for kind in KINDS:
        want = report.wanted[kind]
        for i in _order(records, seed, kind):
            if report.made[kind] >= want:
                break
            record = records[i]
            rng = random.Random(derive_seed(seed, "mix", kind, record.get("id", i)))
            if kind == "multi":
                ex = record_example(record, notes=notes)  # type: ignore[arg-type]
                ex["tools"] = list(ex["tools"])
                rng.shuffle(ex["tools"])
            elif kind == "single":
                ex = single_turn_example(record, rng=rng)
            elif catalog is None:
                report.skipped[(kind, "no_catalog")] += 1
                continue
            else:
                made = irrelevance_example(record, catalog=catalog, rng=rng)
                if isinstance(made, str):
                    report.skipped[(kind, made)] += 1
                    continue
                ex = made
            out.append(ex)
            report.made[kind] += 1
    random.Random(derive_seed(seed, "mix-shuffle")).shuffle(out)
    return out, report
