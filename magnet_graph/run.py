"""The job: turn slots into records, append them durably, resume, shard, report.

Work is divided into *slots*: slot ``s`` of a run with seed ``S`` always gets the same path
(``path_for_slot``) and the same record seed (``derive_seed(S, "record", s)``), so

* a killed run started again skips the slots already in the file (torn last line repaired),
* ``--shard i/N`` takes the contiguous block of slots ``[n*i//N, n*(i+1)//N)``, and the shard
  files concatenated in order equal the file one run writes,
* any record can be regenerated alone from its slot.

A slot whose path cannot be translated is retried with a new walk (``attempt``); every drop
is counted with its reason.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Callable, Iterable, Sequence

import orjson

from .errors import OptionError, RecordError, TranslationError
from .seeding import derive_seed
from .translate.base import run_sync
from .translate.loop import translate_path
from .types import Catalog

__all__ = ["RunConfig", "RunReport", "run_sample", "parse_shard", "shard_slots", "read_done_slots"]

MANIFEST_SUFFIX = ".magnet.json"


@dataclass(frozen=True)
class RunConfig:
    n: int
    ops: tuple[str, ...] = ("insert", "merge", "split")
    seed: int = 0
    min_turns: int = 2
    max_turns: int = 5
    shard: tuple[int, int] = (0, 1)
    max_attempts_per_slot: int = 12
    concurrency: int = 8
    verify: bool = True

    def manifest(self, catalog_ids: Sequence[str], backend: str, model: str | None) -> dict[str, Any]:
        """What must match for a resumed run to continue the same dataset."""
        return {
            "seed": self.seed,
            "ops": sorted(self.ops),
            "min_turns": self.min_turns,
            "max_turns": self.max_turns,
            "catalogs": list(catalog_ids),
            "backend": backend,
            "model": model,
        }


@dataclass
class RunReport:
    written: int = 0
    resumed: int = 0  # records already in the file when the run started
    dropped: Counter = field(default_factory=Counter)  # reason -> count (attempts that failed)
    empty_slots: int = 0  # slots given up after all attempts
    tags: Counter = field(default_factory=Counter)
    turns: int = 0
    calls: int = 0
    tools_used: set = field(default_factory=set)
    tools_total: int = 0
    elapsed: float = 0.0
    llm_calls: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    stopped: str = ""  # why the run stopped early, if it did

    def add(self, record: dict[str, Any]) -> None:
        self.written += 1
        for t in record["path"]:
            self.tags.update(t["tags"])
        self.turns += len(record["turns"])
        for t in record["turns"]:
            self.calls += len(t["calls"])
            self.tools_used.update(c["name"] for c in t["calls"])
        prov = record["provenance"]
        self.llm_calls += prov.get("llm_calls", 0)
        self.tokens += prov.get("tokens", 0)
        self.cost_usd += prov.get("cost_usd", 0.0)


def parse_shard(text: str | None) -> tuple[int, int]:
    """``"i/N"`` -> ``(i, N)`` with ``0 <= i < N``."""
    if not text:
        return (0, 1)
    try:
        i_s, n_s = text.split("/")
        i, n = int(i_s), int(n_s)
    except ValueError:
        raise OptionError(f"--shard {text!r}: write it as i/N with integers, e.g. --shard 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise OptionError(f"--shard {text!r}: need 0 <= i < N, e.g. --shard 3/4 is the last of 4 shards")
    return (i, n)


def shard_slots(n: int, shard: tuple[int, int]) -> range:
    """The contiguous block of slots of shard ``i`` of ``N``."""
    i, k = shard
    return range(n * i // k, n * (i + 1) // k)


def read_done_slots(path: FsPath, *, repair: bool = True) -> set[int]:
    """Slots already written to ``path``; a torn last line is cut off (when ``repair``).

    A malformed line that is not the last one means the file was edited or corrupted:
    that raises :class:`RecordError` naming the line, and nothing is changed.
    """
    if not path.exists():
        return set()
    data = path.read_bytes()
    if not data:
        return set()
    end = len(data)
    if not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        if repair:
            with open(path, "r+b") as fh:
                fh.truncate(cut)
        end = cut
    done: set[int] = set()
    for lineno, line in enumerate(data[:end].splitlines(), 1):
        if not line.strip():
            continue
        try:
            done.add(int(orjson.loads(line)["slot"]))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise RecordError(
                f"{path}: line {lineno} is not a magnet record; move the file aside or pass --overwrite"
            ) from None
    return done


def _check_manifest(out: FsPath, manifest: dict[str, Any], *, overwrite: bool) -> None:
    side = out.with_name(out.name + MANIFEST_SUFFIX)
    if overwrite:
        if out.exists():
            out.unlink()
        side.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        return
    if out.exists() and out.stat().st_size and side.exists():
        old = orjson.loads(side.read_bytes())
        if old != manifest:
            diff = sorted(k for k in manifest if old.get(k) != manifest.get(k))
            raise OptionError(
                f"{out} was written by a run with different settings ({', '.join(diff)}); "
                "use another -o file, or --overwrite to start it again"
            )
    elif out.exists() and out.stat().st_size and not side.exists():
        raise OptionError(f"{out} exists and was not written by magnet sample; use another -o file or --overwrite")
    side.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))


class _Writer:
    """Appends complete lines and flushes each one (fsync every ``sync_every`` records)."""

    def __init__(self, path: FsPath, sync_every: int = 64):
        self.fh = open(path, "ab")
        self.sync_every = sync_every
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        self.fh.write(orjson.dumps(record) + b"\n")
        self.fh.flush()
        self.count += 1
        if self.count % self.sync_every == 0:
            os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()


def run_sample(
    *,
    catalog: Catalog,
    graph: Any,
    backend: Any,
    config: RunConfig,
    out: FsPath,
    overwrite: bool = False,
    on_record: Callable[[int], None] | None = None,
    catalog_ids: Sequence[str] | None = None,
) -> RunReport:
    """Write ``config.n`` verified records (this shard's part) to ``out``; resume if possible."""
    from .ops import PathSampler

    ids = list(catalog_ids) if catalog_ids is not None else [catalog.id]
    manifest = config.manifest(ids, backend.name, backend.model)
    manifest["shard"] = list(config.shard)
    _check_manifest(out, manifest, overwrite=overwrite)
    done = read_done_slots(out)
    report = RunReport(resumed=len(done), tools_total=len(catalog))
    sampler = PathSampler(
        graph, seed=config.seed, ops=config.ops, min_turns=config.min_turns, max_turns=config.max_turns
    )
    todo = [s for s in shard_slots(config.n, config.shard) if s not in done]
    started = time.perf_counter()
    writer = _Writer(out)
    try:
        if getattr(backend, "is_async", False):
            asyncio.run(_run_async(todo, sampler, catalog, graph, backend, config, ids, writer, report, on_record))
        else:
            for slot in todo:
                record = run_sync(_slot(slot, sampler, catalog, graph, backend, config, ids, report))
                if record is not None:
                    writer.write(record)
                    report.add(record)
                if on_record:
                    on_record(1)
    finally:
        writer.close()
        report.elapsed = time.perf_counter() - started
        if hasattr(backend, "completion_tokens"):  # totals include failed attempts
            report.llm_calls = int(backend.calls)
            report.tokens = int(backend.prompt_tokens) + int(backend.completion_tokens)
            report.cost_usd = float(backend.cost_usd)
    return report


async def _slot(slot, sampler, catalog, graph, backend, config: RunConfig, ids, report: RunReport):
    record_seed = derive_seed(config.seed, "record", slot)
    track = getattr(backend, "track_usage", None)
    usage = track() if track else None  # per-task counters (failed attempts included): slots don't mix
    for attempt in range(config.max_attempts_per_slot):
        path = sampler.path(slot, attempt=attempt)
        if path is None:
            report.dropped["no_path"] += 1
            continue
        try:
            record = await translate_path(
                path,
                catalog=catalog,
                graph=graph,
                backend=backend,
                seed=derive_seed(record_seed, "attempt", attempt),
                slot=slot,
                catalog_ids=ids,
                verify=config.verify,
            )
        except TranslationError as exc:
            report.dropped[exc.reason] += 1
            continue
        if usage is not None:
            prov = record["provenance"]
            prov["llm_calls"] = int(usage["calls"])
            prov["tokens"] = int(usage["tokens"])
            prov["cost_usd"] = round(float(usage["cost_usd"]), 8)
        return record
    report.empty_slots += 1
    return None


async def _run_async(todo, sampler, catalog, graph, backend, config, ids, writer, report, on_record):
    """Many slots at once (LLM backends); records are still written in slot order."""
    sem = asyncio.Semaphore(max(1, config.concurrency))
    results: dict[int, Any] = {}
    next_i = 0

    async def one(slot):
        async with sem:
            return slot, await _slot(slot, sampler, catalog, graph, backend, config, ids, report)

    tasks = [asyncio.ensure_future(one(s)) for s in todo]
    try:
        for fut in asyncio.as_completed(tasks):
            slot, record = await fut
            results[slot] = record
            while next_i < len(todo) and todo[next_i] in results:
                rec = results.pop(todo[next_i])
                if rec is not None:
                    writer.write(rec)
                    report.add(rec)
                next_i += 1
            if on_record:
                on_record(1)
    finally:
        for t in tasks:
            t.cancel()


def iter_records(path: FsPath) -> Iterable[tuple[int, dict[str, Any] | None, str]]:
    """Yield ``(line number, record or None, error)`` for each non-empty line of a JSONL file."""
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, orjson.loads(line), ""
            except orjson.JSONDecodeError as exc:
                yield lineno, None, f"not JSON ({exc})"
