"""The job: turn slots into records, append them durably, resume, shard, parallelize, report.

Work is divided into *slots*: slot ``s`` of a run with seed ``S`` always gets the same path
(``PathSampler.path(s)``) and the same record seed (``derive_seed(S, "record", s)``), so

* records are appended in slot order, one complete line each, flushed as soon as they are
  verified; a run killed at any moment (``kill -9``) and started again with the same command
  skips the slots already in the file (a torn last line is cut off first) and ends with the
  same file an uninterrupted run writes;
* ``--shard i/N`` takes the contiguous block of slots ``[n*i//N, n*(i+1)//N)``, and the shard
  files concatenated in order equal the file one run writes;
* any record can be regenerated alone from its slot.

Three ways to run the slots, same bytes out:

* in this process, one after the other (the offline backend never waits for anything);
* ``workers > 1`` (offline): a pool of spawned processes, each building the catalog and the
  graph once from a :class:`CatalogSource`; chunks of slots come back in slot order;
* an async backend (LLM): many conversations in an event loop, bounded by the backend's
  concurrency; finished records wait in a small buffer until every earlier slot is written.

A slot whose path cannot be translated is retried with a new walk (``attempt``); every drop
is counted with its reason. An LLM backend that stops (``--max-cost`` reached, the key
rejected) ends the run cleanly: the file keeps only whole records, in slot order, and the
same command resumes it.

The other long-running commands reuse the pieces: :func:`run_ordered` (many async jobs,
results emitted in order), :class:`Journal` (progress of a job whose items are not slots:
``magnet distill`` and ``magnet extract``), :func:`prepare_output` (``-o`` checks), and the
manifest's ``sources`` (where the catalogs were, read back by :func:`recorded_source`).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Awaitable, Callable, Iterable, Mapping, Sequence

import orjson

from . import PROMPT_VERSION
from .errors import OptionError, RecordError, TranslationError
from .seeding import derive_seed
from .translate.base import run_sync
from .translate.loop import record_line, translate_path
from .types import Catalog

__all__ = [
    "EXIT_OK", "EXIT_INCOMPLETE", "EXIT_ERROR", "EXIT_STOPPED",
    "CatalogSource", "LineWriter", "RunConfig", "RunReport", "run_sample", "parse_shard", "shard_slots",
    "read_done_slots", "recorded_source", "run_ordered", "UNFINISHED",
    "Journal", "prepare_output",
]  # fmt: skip

MANIFEST_SUFFIX = ".magnet.json"
EXIT_OK = 0  # every slot of the shard is in the file
EXIT_INCOMPLETE = 1  # some slots were given up (no translatable path after all attempts)
EXIT_ERROR = 2  # bad input or option, or the backend stopped for good (e.g. the API key was rejected)
EXIT_STOPPED = 3  # stopped early on purpose (--max-cost): the file is consistent; rerun to continue


@dataclass(frozen=True)
class RunConfig:
    """What to synthesize (``n`` .. ``max_turns``, which decide the bytes) and how (the rest)."""

    n: int
    ops: tuple[str, ...] = ("insert", "merge", "split")
    seed: int = 0
    min_turns: int = 2
    max_turns: int = 5
    shard: tuple[int, int] = (0, 1)
    max_attempts_per_slot: int = 32  # a slot is given up only after this many different walks fail
    concurrency: int = 8
    verify: bool = True
    workers: int = 1

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


@dataclass(frozen=True)
class CatalogSource:
    """How to load the catalog and build its graph in another process (``--workers``)."""

    specs: tuple[str, ...] = ()
    impl: str | None = None
    state: str | None = None

    def load(self) -> tuple[Catalog, Any]:
        """``(catalog, graph)``, exactly as ``magnet sample`` builds them."""
        from .catalog import load_catalogs
        from .graph import build_graph

        catalog = load_catalogs(self.specs, impl=self.impl, state=self.state)
        return catalog, build_graph(catalog.tools)

    def recorded(self) -> dict[str, Any]:
        """The specs as stored in a manifest: files and folders as absolute paths, so that
        ``magnet verify`` and ``magnet export --mix`` find the catalog from anywhere."""

        def absolute(spec: str) -> str:
            path = FsPath(spec).expanduser()
            return str(path.resolve()) if path.exists() else spec

        return {
            "catalogs": [absolute(s) for s in self.specs],
            "impl": self.impl,
            "state": absolute(self.state) if self.state else None,
        }

    @classmethod
    def from_recorded(cls, data: Any) -> "CatalogSource | None":
        """The source stored by :meth:`recorded`, or ``None`` when ``data`` is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("catalogs"), list):
            return None
        impl, state = data.get("impl"), data.get("state")
        return cls(tuple(str(c) for c in data["catalogs"]), impl if isinstance(impl, str) else None,
                   state if isinstance(state, str) else None)


def recorded_source(data_file: str | os.PathLike[str]) -> tuple[CatalogSource, FsPath] | None:
    """The catalog source stored in the manifest beside ``data_file`` (``magnet sample`` writes
    it), and the manifest's path; ``None`` when there is no such manifest or it names none."""
    side = FsPath(data_file).with_name(FsPath(data_file).name + MANIFEST_SUFFIX)
    manifest = _read_manifest(side) if side.is_file() else None
    source = CatalogSource.from_recorded(manifest.get("sources")) if manifest else None
    return (source, side) if source is not None else None


@dataclass
class RunReport:
    """What a run did. Record sums come from the records written; ``llm_*`` from the network."""

    written: int = 0
    resumed: int = 0  # records already in the file when the run started
    planned: int = 0  # slots of this shard
    dropped: Counter = field(default_factory=Counter)  # reason -> attempts that failed
    examples: dict = field(default_factory=dict)  # reason -> the first detail seen (scrubbed)
    empty_slots: int = 0  # slots given up after all attempts
    unfinished: int = 0  # slots left for a later run (stopped early)
    tags: Counter = field(default_factory=Counter)
    turns: int = 0
    calls: int = 0
    tools_used: set = field(default_factory=set)
    tools_total: int = 0
    elapsed: float = 0.0
    workers: int = 1
    record_llm_calls: int = 0  # sum of the written records' provenance
    record_tokens: int = 0
    record_cost_usd: float = 0.0
    llm_calls: int = 0  # completions received from the network by this run
    cache_hits: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    saved_usd: float = 0.0
    faults: Counter = field(default_factory=Counter)  # transport and reply faults by kind
    concurrency: dict = field(default_factory=dict)  # maximum, lowest, final, cuts
    stop_reason: str = ""  # "", "max_cost", or a fatal fault ("auth")
    stopped: str = ""  # why the run stopped early, in words

    def add(self, record: dict[str, Any]) -> None:
        """Count one written record."""
        self.written += 1
        self.tags.update([tag for t in record["path"] for tag in t["tags"]])  # one update: the same counts
        turns = record["turns"]
        self.turns += len(turns)
        self.calls += sum(len(t["calls"]) for t in turns)
        self.tools_used.update([c["name"] for t in turns for c in t["calls"]])
        prov = record["provenance"]
        self.record_llm_calls += prov.get("llm_calls", 0)
        self.record_tokens += prov.get("tokens", 0)
        self.record_cost_usd += prov.get("cost_usd", 0.0)

    def drop(self, reason: str, detail: str = "") -> None:
        """Count one failed attempt."""
        self.dropped[reason] += 1
        if detail and reason not in self.examples:
            self.examples[reason] = detail[:300]

    def merge(self, other: "RunReport") -> None:
        """Add the per-record counts of ``other`` (a worker's part) to this report."""
        self.written += other.written
        self.dropped.update(other.dropped)
        for k, v in other.examples.items():
            self.examples.setdefault(k, v)
        self.empty_slots += other.empty_slots
        self.tags.update(other.tags)
        self.turns += other.turns
        self.calls += other.calls
        self.tools_used |= other.tools_used
        self.record_llm_calls += other.record_llm_calls
        self.record_tokens += other.record_tokens
        self.record_cost_usd += other.record_cost_usd

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data (``magnet sample --report FILE`` writes it)."""
        n = max(self.written, 1)
        return {
            "written": self.written, "resumed": self.resumed, "planned": self.planned,
            "empty_slots": self.empty_slots, "unfinished": self.unfinished,
            "dropped": dict(self.dropped.most_common()), "examples": dict(self.examples),
            "tags": dict(sorted(self.tags.items())),
            "turns_per_record": self.turns / n, "calls_per_record": self.calls / n,
            "tools_used": len(self.tools_used), "tools_total": self.tools_total,
            "elapsed_s": self.elapsed, "workers": self.workers,
            "records": {"llm_calls": self.record_llm_calls, "tokens": self.record_tokens, "cost_usd": self.record_cost_usd},
            "llm": {
                "calls": self.llm_calls, "cache_hits": self.cache_hits, "tokens": self.tokens,
                "cost_usd": self.cost_usd, "saved_usd": self.saved_usd, "faults": dict(self.faults.most_common()),
                "concurrency": dict(self.concurrency),
            },
            "stop_reason": self.stop_reason, "stopped": self.stopped,
        }  # fmt: skip

    @property
    def exit_code(self) -> int:
        """:data:`EXIT_STOPPED` (budget), :data:`EXIT_ERROR` (backend stopped for good),
        :data:`EXIT_INCOMPLETE` (slots given up) or :data:`EXIT_OK`."""
        if self.stop_reason == "max_cost":
            return EXIT_STOPPED
        if self.stop_reason:
            return EXIT_ERROR
        return EXIT_INCOMPLETE if self.empty_slots else EXIT_OK


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

    A line counts only when it is complete (ends with a newline) and is a JSON object with a
    ``slot``. A malformed line that is not the last one means the file was edited or
    corrupted: that raises :class:`RecordError` naming the line, and nothing is changed.
    """
    if not path.exists():
        return set()
    data = path.read_bytes()
    if not data:
        return set()
    end = len(data)
    if not data.endswith(b"\n"):
        end = data.rfind(b"\n") + 1
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
    if end < len(data) and repair:
        with open(path, "r+b") as fh:
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
    return done


def _write_atomic(path: FsPath, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that a crash leaves the old or the new content, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_manifest(side: FsPath) -> dict[str, Any] | None:
    try:
        data = orjson.loads(side.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


# Manifest entries that say where things are, not what decides the bytes: a resumed run may
# differ in them (a catalog file moved) and then updates them.
UNCOMPARED = frozenset({"sources"})


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The manifest keys (``UNCOMPARED`` aside) whose values differ."""
    return sorted(k for k in (old.keys() | new.keys()) - UNCOMPARED if old.get(k) != new.get(k))


def prepare_output(out: FsPath, *, option: str = "-o", example: str = "data.jsonl") -> None:
    """Make sure ``out`` can be a file: refuse a folder in one line, create missing parent folders."""
    if out.is_dir():
        raise OptionError(f"{option} {out} is a folder; give a file name such as {out / example}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OptionError(f"{option} {out}: {out.parent} is not a folder; give another file name") from None
    except OSError as exc:
        raise OptionError(f"{option} {out}: cannot create the folder {out.parent} ({exc.strerror}); "
                          "give another file name") from None


def _check_manifest(out: FsPath, manifest: dict[str, Any], *, overwrite: bool) -> None:
    """Refuse to append to a file written with other settings; write the manifest beside ``out``."""
    side = out.with_name(out.name + MANIFEST_SUFFIX)
    blob = orjson.dumps(manifest, option=orjson.OPT_INDENT_2)
    if overwrite:
        if out.exists():
            out.unlink()
        _write_atomic(side, blob)
        return
    if out.exists() and out.stat().st_size:
        old = _read_manifest(side) if side.exists() else None
        if old is None:
            raise OptionError(f"{out} exists and was not written by magnet sample; use another -o file or --overwrite")
        diff = _differences(old, manifest)
        if diff:
            raise OptionError(
                f"{out} was written by a run with different settings ({', '.join(diff)}); "
                "use another -o file, or --overwrite to start it again"
            )
        if old != manifest:  # same dataset, the catalog found elsewhere now: remember where
            _write_atomic(side, blob)
        return
    _write_atomic(side, blob)


class LineWriter:
    """Appends complete lines, each flushed to the OS at once (a killed process loses none);
    fsync every ``sync_every`` lines and at the end (a lost machine loses at most those).

    With :func:`read_done_slots` (which repairs a torn tail) it is all a long-running command
    needs to be resumable: skip the done slots, append the others in slot order."""

    def __init__(self, path: FsPath, sync_every: int = 64):
        self.fh = open(path, "ab")
        self.sync_every = sync_every
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(record_line(record))

    def write_line(self, line: bytes) -> None:
        self.fh.write(line)
        self.fh.flush()
        self.count += 1
        if self.count % self.sync_every == 0:
            os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()


class Journal:
    """The progress of a job whose items are not numbered slots (``magnet distill``, ``magnet extract``).

    An append-only JSON Lines file beside the job's data files: line 1 is
    ``{"manifest": ...}`` (what must match to resume), then one entry per finished item,
    written after that item's lines were appended to the data files (``files``: name ->
    path) and stamped with their sizes (``"sizes"``). A process killed at any moment leaves
    at most a torn last entry and data written after the last entry; :meth:`resume` cuts
    both off, so the job continues exactly after the last finished item. When a machine
    crash lost data the journal had already recorded (the operating system wrote the pages
    out of order), the entries past what the data files hold are dropped too.

    Use: ``journal = Journal(path, files)``; compare ``journal.manifest`` with the job's
    (``None``: no usable journal), then :meth:`start` (a new job: data files emptied) or
    :meth:`resume` (``journal.entries`` are the finished items); write through
    ``journal.files[name]``; :meth:`commit` each finished item; :meth:`close`.
    """

    def __init__(self, path: FsPath, files: Mapping[str, FsPath], *, sync_every: int = 64):
        self.path = FsPath(path)
        self.paths = {name: FsPath(p) for name, p in files.items()}
        self.sync_every = sync_every
        self.files: dict[str, Any] = {}
        self.fh: Any = None
        self.count = 0
        self.manifest, self.entries, self._keep = self._read()

    def _read(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]], int]:
        """(manifest, entries the data files hold, bytes of the journal that hold them)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None, [], 0
        end = data.rfind(b"\n") + 1  # a torn last entry is not an entry
        lines = data[:end].split(b"\n")[:-1]
        try:
            head = orjson.loads(lines[0]) if lines else None
        except orjson.JSONDecodeError:
            head = None
        if not isinstance(head, dict) or not isinstance(head.get("manifest"), dict):
            return None, [], 0
        sizes = {name: (p.stat().st_size if p.exists() else 0) for name, p in self.paths.items()}
        entries: list[dict[str, Any]] = []
        keep = len(lines[0]) + 1
        for lineno, line in enumerate(lines[1:], 2):
            try:
                entry = orjson.loads(line)
                held = all(int(entry["sizes"].get(name, 0)) <= sizes[name] for name in sizes)
            except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
                raise RecordError(f"{self.path}: line {lineno} is not a progress entry; "
                                  "move the file aside or pass --overwrite to start again") from None
            if not held:
                break
            entries.append(entry)
            keep += len(line) + 1
        return head["manifest"], entries, keep

    def _open(self, mode: str) -> None:
        self.files = {name: open(p, mode) for name, p in self.paths.items()}
        self.fh = open(self.path, mode)

    def start(self, manifest: dict[str, Any]) -> None:
        """Begin a new job: empty data files, a journal holding only ``manifest``."""
        self.manifest, self.entries, self._keep = manifest, [], 0
        self._open("wb")
        self.fh.write(orjson.dumps({"manifest": manifest}) + b"\n")
        self.sync()

    def resume(self) -> None:
        """Continue the job: cut the data files and the journal back to the last finished item."""
        sizes = self.entries[-1]["sizes"] if self.entries else {}
        for name, p in self.paths.items():
            if p.exists():
                os.truncate(p, int(sizes.get(name, 0)))
        os.truncate(self.path, self._keep)
        self._open("ab")

    def commit(self, entry: dict[str, Any]) -> None:
        """Record a finished item (its lines are in the data files); adds ``"sizes"`` to ``entry``."""
        for fh in self.files.values():
            fh.flush()
        entry["sizes"] = {name: fh.tell() for name, fh in self.files.items()}
        self.fh.write(orjson.dumps(entry) + b"\n")
        self.fh.flush()
        self.entries.append(entry)
        self.count += 1
        if self.count % self.sync_every == 0:
            self.sync()

    def rollback(self) -> None:
        """Cut the data files back to the last committed item (drop what an unfinished item wrote)."""
        sizes = self.entries[-1]["sizes"] if self.entries else {}
        for name, fh in self.files.items():
            fh.flush()
            fh.truncate(int(sizes.get(name, 0)))
            fh.seek(0, os.SEEK_END)

    def sync(self) -> None:
        """Data files to disk first, then the journal (a lost machine loses at most the unsynced items)."""
        for fh in (*self.files.values(), self.fh):
            fh.flush()
            os.fsync(fh.fileno())

    def close(self) -> None:
        """Sync and close every file (safe to call twice)."""
        if self.fh is None:
            return
        self.sync()
        for fh in (*self.files.values(), self.fh):
            fh.close()
        self.fh = None

    def differences(self, manifest: dict[str, Any]) -> list[str]:
        """The settings in which ``manifest`` differs from the journal's (``[]``: resumable)."""
        return _differences(self.manifest or {}, manifest)


class _Unfinished:
    """A slot abandoned because the backend stopped: neither written nor given up."""


UNFINISHED = _Unfinished()


class _Work:
    """Everything one slot needs; built once per process."""

    def __init__(self, catalog: Catalog, graph: Any, backend: Any, config: RunConfig, ids: Sequence[str]):
        from .ops import PathSampler

        self.catalog, self.graph, self.backend, self.config, self.ids = catalog, graph, backend, config, list(ids)
        self.sampler = PathSampler(
            graph, seed=config.seed, ops=config.ops, min_turns=config.min_turns, max_turns=config.max_turns
        )
        self.scrub: Callable[[str], str] = getattr(backend, "scrub", str)

    async def slot(self, slot: int, report: RunReport) -> Any:
        """The record of ``slot``; ``None`` when every attempt failed; :data:`UNFINISHED`
        when the backend stopped meanwhile. Drops are counted in ``report``."""
        config, backend = self.config, self.backend
        record_seed = derive_seed(config.seed, "record", slot)
        track = getattr(backend, "track_usage", None)
        usage = track() if track else None  # per-task counters (failed attempts included): slots don't mix
        states: dict[str, bytes] = {}  # the slot's initial states, shared by its attempts
        for attempt in range(config.max_attempts_per_slot):
            path = self.sampler.path(slot, attempt=attempt)
            if path is None:
                report.drop("no_path")
                continue
            try:
                record = await translate_path(
                    path, catalog=self.catalog, graph=self.graph, backend=backend,
                    seed=derive_seed(record_seed, "attempt", attempt), slot=slot, catalog_ids=self.ids,
                    verify=config.verify, state_seed=record_seed, state_cache=states,
                )  # fmt: skip
            except TranslationError as exc:
                if getattr(backend, "stop_reason", ""):
                    return UNFINISHED
                report.drop(exc.reason, self.scrub(str(exc)))
                continue
            except Exception as exc:  # noqa: BLE001 - a provider's odd failure must not end the run
                if not getattr(backend, "is_async", False):
                    raise  # offline: a bug, show it
                if getattr(backend, "stop_reason", ""):
                    return UNFINISHED
                report.drop(f"error:{type(exc).__name__}", self.scrub(f"{type(exc).__name__}: {exc}"))
                continue
            if usage is not None:
                prov = record["provenance"]
                prov["llm_calls"] = int(usage["calls"])
                prov["tokens"] = int(usage["tokens"])
                prov["cost_usd"] = round(float(usage["cost_usd"]), 8)
            return record
        report.empty_slots += 1
        return None


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
    source: CatalogSource | None = None,
) -> RunReport:
    """Write this shard's slots of ``config.n`` verified records to ``out``; resume if possible.

    ``source`` is needed for ``config.workers > 1`` (each worker loads the catalog itself); when
    given, it is also stored in the manifest (``sources``) so that ``magnet verify`` can load
    the catalog without ``--catalog``. Missing parent folders of ``out`` are created.
    ``on_record(k)`` is called as slots finish (progress). See :attr:`RunReport.exit_code`.
    """
    ids = list(catalog_ids) if catalog_ids is not None else [catalog.id]
    is_async = bool(getattr(backend, "is_async", False))
    if config.workers > 1 and (is_async or source is None):
        raise OptionError("--workers applies to the offline backend; with --model raise --concurrency instead")
    manifest = config.manifest(ids, backend.name, backend.model)
    manifest["shard"] = list(config.shard)
    manifest["prompt_version"] = PROMPT_VERSION
    if source is not None:
        manifest["sources"] = source.recorded()
    out = FsPath(out)
    prepare_output(out)
    _check_manifest(out, manifest, overwrite=overwrite)
    done = read_done_slots(out)
    planned = shard_slots(config.n, config.shard)
    todo = [s for s in planned if s not in done]
    report = RunReport(
        resumed=sum(1 for s in planned if s in done), planned=len(planned), tools_total=len(catalog),
        workers=config.workers,
    )  # fmt: skip
    progress = on_record or (lambda k: None)
    if report.resumed:
        progress(report.resumed)
    started = time.perf_counter()
    writer = LineWriter(out)
    try:
        if is_async:
            asyncio.run(_run_async(todo, _Work(catalog, graph, backend, config, ids), writer, report, progress))
        elif config.workers > 1 and len(todo) > 1:
            _run_workers(todo, source, backend, config, ids, writer, report, progress)  # type: ignore[arg-type]
        else:
            work = _Work(catalog, graph, backend, config, ids)
            for slot in todo:
                record = run_sync(work.slot(slot, report))
                if record is not None:
                    writer.write(record)
                    report.add(record)
                progress(1)
    finally:
        writer.close()
        report.elapsed = time.perf_counter() - started
        _backend_stats(report, backend)
    report.unfinished = report.planned - report.resumed - report.written - report.empty_slots
    return report


def _backend_stats(report: RunReport, backend: Any) -> None:
    stats = backend.stats() if hasattr(backend, "stats") else {}
    if not stats:
        return
    report.llm_calls = int(stats["calls"])
    report.tokens = int(stats["prompt_tokens"]) + int(stats["completion_tokens"])
    report.cost_usd = float(stats["cost_usd"])
    report.cache_hits = int(stats["cache_hits"])
    report.saved_usd = float(stats["saved_usd"])
    report.faults = Counter(stats["faults"])
    report.concurrency = dict(stats["concurrency"])
    report.stop_reason = stats["stop_reason"]
    if stats["stop_reason"] == "max_cost":
        report.stopped = f"{stats['stop_detail']}; run the same command with a higher --max-cost to continue"
    elif stats["stop_reason"]:
        report.stopped = f"the backend stopped: {stats['stop_detail']}"


async def run_ordered(
    todo: Iterable[Any],
    job: Callable[[Any], Awaitable[Any]],
    emit: Callable[[Any, Any], None],
    *,
    concurrency: int,
    stopped: Callable[[], bool] = lambda: False,
    on_done: Callable[[int], None] | None = None,
) -> int:
    """Run ``job(item)`` for many items at once and ``emit(item, result)`` in the items' order.

    Items are taken from ``todo`` as jobs start (an iterator is read lazily). At most
    ``concurrency * 5/4 + 1`` jobs run (a few more than the requests allowed in flight, so
    the limiter never idles while a job does its own work). Finished results wait for every
    earlier item: a job that needs many attempts can take ten times as long as the others,
    so up to ``max(1024, 16 * concurrency)`` items may run ahead of the oldest unemitted one
    before new starts pause. A job returning :data:`UNFINISHED` (its backend stopped), or
    ``stopped()`` turning true, ends the run at the first item not emitted; the jobs still
    running are cancelled. ``on_done(1)`` is called as each job finishes. Returns how many
    items were emitted.
    """
    limit = max(1, concurrency)
    running_cap = limit + limit // 4 + 1
    ahead_cap = max(1024, 16 * limit)
    source = iter(todo)
    items: dict[int, Any] = {}
    results: dict[int, Any] = {}
    pending: set[asyncio.Task] = set()
    next_start = next_emit = 0
    exhausted = False

    async def one(k: int, item: Any) -> tuple[int, Any]:
        return k, await job(item)

    try:
        while True:
            halted = stopped()
            while not halted and not exhausted and len(pending) < running_cap and next_start - next_emit < ahead_cap:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                items[next_start] = item
                pending.add(asyncio.ensure_future(one(next_start, item)))
                next_start += 1
            if not pending:
                break
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                k, result = task.result()
                results[k] = result
                if on_done is not None:
                    on_done(1)
            while next_emit in results and results[next_emit] is not UNFINISHED:
                emit(items.pop(next_emit), results.pop(next_emit))
                next_emit += 1
            if results.get(next_emit) is UNFINISHED:
                break  # the backend stopped: nothing after this item can be emitted in order
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
    return next_emit


async def _run_async(todo: list[int], work: _Work, writer: LineWriter, report: RunReport, progress: Callable[[int], None]) -> None:
    """Many slots at once (LLM backends); records are still written in slot order (:func:`run_ordered`)."""
    backend = work.backend

    def emit(slot: int, record: Any) -> None:
        if record is not None:
            writer.write(record)
            report.add(record)

    try:
        await run_ordered(todo, lambda slot: work.slot(slot, report), emit, concurrency=work.config.concurrency,
                          stopped=lambda: bool(getattr(backend, "stop_reason", "")), on_done=progress)
    finally:
        close = getattr(backend, "aclose", None)
        if close is not None:
            await close()


# -- worker processes (offline) ----------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_init(source: CatalogSource, backend: Any, config: RunConfig, ids: list[str], parent: int) -> None:
    """Build the catalog, graph and sampler once per worker; exit if the parent dies."""
    catalog, graph = source.load()
    _WORKER["work"] = _Work(catalog, graph, backend, config, ids)

    def watch() -> None:  # a killed parent (kill -9) must not leave workers behind
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="magnet-parent-watch", daemon=True).start()


def _worker_chunk(slots: list[int]) -> tuple[list[bytes], RunReport]:
    """Records of ``slots`` as JSON lines, and the drops and counts of this chunk."""
    work: _Work = _WORKER["work"]
    part = RunReport()
    lines: list[bytes] = []
    for slot in slots:
        record = run_sync(work.slot(slot, part))
        if record is not None:
            lines.append(record_line(record))
            part.add(record)
    return lines, part


def _run_workers(
    todo: list[int], source: CatalogSource, backend: Any, config: RunConfig, ids: list[str],
    writer: LineWriter, report: RunReport, progress: Callable[[int], None],
) -> None:  # fmt: skip
    """The offline path on ``config.workers`` spawned processes; lines are written in slot order."""
    import multiprocessing

    workers = min(config.workers, len(todo))
    size = max(1, min(32, len(todo) // (workers * 4) or 1))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_worker_init, initargs=(source, backend, config, ids, os.getpid())) as pool:
        for chunk, (lines, part) in zip(chunks, pool.imap(_worker_chunk, chunks)):
            for line in lines:
                writer.write_line(line)
            report.merge(part)
            progress(len(chunk))
