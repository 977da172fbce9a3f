"""The ``magnet extract`` job: texts -> segments -> workflows and tools -> conversations.

:func:`run_extract` runs the five GEM stages (filter, extract, ground, refine, validate,
plus an LLM judge with a model) and writes, in ``out_dir``:

* ``segments.jsonl``: every segment, kept or rejected, with its score and labels;
* ``catalog/<task>.json``: the tools of each workflow (OpenAI tools, with ``returns``);
* ``workflows.jsonl``: steps, execution graph, tools, entities, rules, and the ids of the
  conversations grounded on it;
* ``graph.json``: the tool-dependency graph of all extracted tools (schema edges plus the
  workflows' step edges, ``evidence: "text"``);
* ``conversations.jsonl``: the validated records (``docs/record.md`` format);
* ``report.json``: counts, per-stage pass rates, drops by reason, and messages/tools/calls
  per conversation before and after refinement.

Same inputs and seed, same bytes (nothing time-dependent is written).

Durable and resumable: segments are done in order; each one's lines are appended to
``segments.jsonl`` and ``conversations.jsonl`` and then noted in ``journal.magnet.jsonl``
(a :class:`~magnet_graph.run.Journal`: the settings, then per segment its id and text digest,
the names it took, its workflow and its counts). A run killed at any moment and started
again with the same settings cuts off what was written after the last noted segment and
continues from there; the outputs are the bytes an uninterrupted run writes. Other settings
or changed inputs start the folder again. With a model, an LLM that stops for good
(``max_cost`` reached, the key rejected) ends the run after the last whole segment.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import orjson

from .. import __version__
from ..errors import OptionError
from ..execute import content_id
from ..seeding import derive_seed
from ..types import Catalog
from .convo import Conversation
from .extract import ExtractError, extract_workflow
from .filter import DEFAULT_THRESHOLD, Relevance, score_segment
from .ground import plan, render
from .inputs import MAX_FILE_BYTES, Segment, read_texts, segment_text
from .judge import check_names, detect_patterns, validate_record
from .model import Workflow
from .refine import add_decoys, companion_tools, refine_plan, system_message
from .toolkit import initial_state, workflow_catalog

__all__ = ["ExtractConfig", "ExtractReport", "run_extract", "PROMPT_VERSION", "conversation_stats",
           "ground_workflow", "with_companions", "catalog_bytes", "JOURNAL_NAME"]

PROMPT_VERSION = "gem-1"
JOURNAL_NAME = "journal.magnet.jsonl"
_JSONL = orjson.OPT_APPEND_NEWLINE
# the per-segment parts of the report (merged from the journal when a run resumes)
_PARTS = ("segments", "kept", "written", "workflows", "tools")


@dataclass(frozen=True)
class ExtractConfig:
    """Options of :func:`run_extract` (the CLI flags)."""

    threshold: float = DEFAULT_THRESHOLD
    seed: int = 0
    conversations_per_text: int = 1
    refine: bool = True
    model: str | None = None
    api_base: str | None = None
    synthesizer: bool = False
    min_patterns: int = 3
    max_bytes: int = MAX_FILE_BYTES


@dataclass
class ExtractReport:
    """What a run did; :meth:`to_json` is ``report.json``."""

    texts: int = 0
    input_problems: list[str] = field(default_factory=list)
    input_drops: Counter = field(default_factory=Counter)
    segments: int = 0
    kept: int = 0
    stages: dict[str, list[int]] = field(default_factory=dict)  # stage -> [in, out]
    drops: Counter = field(default_factory=Counter)  # "stage:reason" -> count
    examples: dict[str, str] = field(default_factory=dict)  # first detail per drop reason
    before: list[tuple[int, int, int]] = field(default_factory=list)  # (messages, tools, calls) per conversation
    after: list[tuple[int, int, int]] = field(default_factory=list)
    patterns: Counter = field(default_factory=Counter)
    written: int = 0
    workflows: int = 0
    tools: int = 0
    llm: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    def stage(self, name: str, *, inn: int = 0, out: int = 0) -> None:
        s = self.stages.setdefault(name, [0, 0])
        s[0] += inn
        s[1] += out

    def drop(self, stage: str, reason: str, detail: str = "") -> None:
        key = f"{stage}:{reason}"
        self.drops[key] += 1
        if detail and key not in self.examples:
            self.examples[key] = detail[:300]

    # not in report.json (an uninterrupted run and a resumed one write the same file)
    resumed: int = 0  # segments done by an earlier run
    restarted: str = ""  # why an earlier unfinished run was not continued
    stop_reason: str = ""
    stopped: str = ""

    def state(self) -> dict[str, Any]:
        """This report's per-segment counts as plain data (a journal entry's ``report``)."""
        return {**{k: getattr(self, k) for k in _PARTS}, "stages": self.stages, "drops": dict(self.drops),
                "examples": self.examples, "before": self.before, "after": self.after, "patterns": dict(self.patterns)}

    def merge(self, state: dict[str, Any]) -> None:
        """Add the counts of a :meth:`state` (a later segment's) to this report."""
        for k in _PARTS:
            setattr(self, k, getattr(self, k) + state[k])
        for name, (inn, out) in state["stages"].items():
            self.stage(name, inn=inn, out=out)
        self.drops.update(state["drops"])
        for k, v in state["examples"].items():
            self.examples.setdefault(k, v)
        self.before.extend(tuple(r) for r in state["before"])
        self.after.extend(tuple(r) for r in state["after"])
        self.patterns.update(state["patterns"])

    @property
    def exit_code(self) -> int:
        """3 when stopped by ``max_cost`` (rerun to continue), 2 when the LLM stopped for good, else 0."""
        return 3 if self.stop_reason == "max_cost" else 2 if self.stop_reason else 0

    def to_json(self) -> dict[str, Any]:
        def avg(rows: list[tuple[int, int, int]]) -> dict[str, float]:
            n = max(len(rows), 1)
            return {"conversations": len(rows), "messages": round(sum(r[0] for r in rows) / n, 2),
                    "tools": round(sum(r[1] for r in rows) / n, 2), "calls": round(sum(r[2] for r in rows) / n, 2)}

        return {
            "texts": self.texts,
            "input_problems": self.input_problems,
            "input_drops": dict(sorted(self.input_drops.items())),
            "segments": self.segments,
            "kept": self.kept,
            "workflows": self.workflows,
            "tools": self.tools,
            "written": self.written,
            "stages": {k: {"in": v[0], "out": v[1], "pass_rate": round(v[1] / v[0], 4) if v[0] else None}
                       for k, v in self.stages.items()},
            "drops": dict(sorted(self.drops.items())),
            "drop_examples": dict(sorted(self.examples.items())),
            "before_refinement": avg(self.before),
            "after_refinement": avg(self.after),
            "patterns": dict(sorted(self.patterns.items())),
            "llm": self.llm,
            "config": self.config,
        } | ({"stopped": self.stopped} if self.stopped else {})


def conversation_stats(record: dict[str, Any]) -> tuple[int, int, int]:
    """(messages, offered tools, calls) of one record (the paper's refinement figures)."""
    calls = sum(len(t.get("calls", [])) for t in record["turns"])
    return len(record["messages"]), len(record["tools"]), calls


def with_companions(workflow: Workflow, taken: set[str]) -> Workflow:
    """``workflow`` with the refinement's companion tools added (catalogs always list them)."""
    extra, entities = companion_tools(workflow, taken=taken)
    return Workflow(workflow.segment_id, workflow.task, workflow.title, workflow.domain, workflow.platform,
                    workflow.product, workflow.text, workflow.steps, workflow.edges, workflow.tools + tuple(extra),
                    workflow.entities + tuple(entities), workflow.rules, workflow.signed_in, workflow.by)


def catalog_bytes(workflow: Workflow) -> bytes:
    """The ``catalog/<task>.json`` file of a workflow."""
    return orjson.dumps([t.openai_entry() for t in workflow.tools], option=orjson.OPT_INDENT_2) + b"\n"


def _catalog_id(workflow: Workflow) -> str:
    import hashlib

    return f"file:{workflow.task}.json@{hashlib.sha256(catalog_bytes(workflow)).hexdigest()[:12]}"


def _tool_entry(spec, toolkit: str) -> dict[str, Any]:
    return {"name": spec.name, "description": spec.description, "parameters": spec.parameters,
            "returns": spec.returns, "toolkit": toolkit}


def ground_workflow(workflow: Workflow, catalog: Catalog, *, seed: int, slot: int, refined: bool,
                    backend: str = "offline", model: str | None = None) -> dict[str, Any]:
    """One conversation record over ``workflow`` (unrefined or refined), not yet validated."""
    rng = random.Random(seed)
    intents = plan(workflow, rng)
    from .ground import Style

    style = Style()
    if refined:
        intents, style = refine_plan(intents, workflow, rng)
    state = initial_state(workflow, random.Random(derive_seed(seed, "state")))
    if style.decoy:
        add_decoys(workflow, state, random.Random(derive_seed(seed, "decoys")))
    offered = [t for t in workflow.tools if style.extra_tools or not t.extra]
    conv = Conversation(catalog, workflow.task, seed=seed, state=state, offered=[t.name for t in offered])
    render(workflow, conv, intents, rng=rng, style=style, system=system_message(workflow, schema=style.schema_in_system))
    return conv.record(slot=slot, catalog_ids=[catalog.id], tools=[_tool_entry(t, workflow.task) for t in offered],
                       backend=backend, model=model, prompt_version=PROMPT_VERSION, magnet_version=__version__)


def finish_record(record: dict[str, Any], failures: list[str], *, replay: bool = True) -> dict[str, Any]:
    """Add ``verification`` and the content ``id`` (keys in the order of ``docs/record.md``)."""
    body = dict(record)
    body["verification"] = {"passed": not failures, "checks": check_names(replay=replay), "failures": failures}
    rid = content_id(body)
    return {"schema_version": 1, "id": rid} | {k: v for k, v in body.items() if k != "schema_version"}


def _first_code(failures: list[str]) -> str:
    return failures[0].split(":", 1)[0]


class _Taken(set):
    """A set of names that remembers the ones added since :meth:`take_new` (for the journal)."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] = []

    def add(self, name: str) -> None:
        if name not in self:
            self.new.append(name)
        super().add(name)

    def take_new(self) -> list[str]:
        new, self.new = self.new, []
        return new


def _digest(seg: Segment) -> str:
    return hashlib.blake2b(f"{seg.id}\x1f{seg.title}\x1f{seg.text}".encode(), digest_size=8).hexdigest()


def run_extract(inputs: Sequence[str | Path], out_dir: str | Path, *, config: ExtractConfig = ExtractConfig(),
                on_segment: Callable[[int], None] | None = None, overwrite: bool = False,
                client: Any = None) -> ExtractReport:
    """Run the whole job and write ``out_dir`` (see the module docstring); resume if possible.

    ``client``: the :class:`~magnet_graph.translate.transport.ChatClient` that asks
    ``config.model`` (the CLI builds one with its cache, limits and budget; default: one
    without a cache). ``overwrite`` starts the folder again even when it could resume.
    """
    from ..run import Journal

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OptionError(f"-o {out} is a file; give a folder for the outputs of magnet extract")
    (out / "catalog").mkdir(parents=True, exist_ok=True)
    report = ExtractReport(config={"threshold": config.threshold, "seed": config.seed,
                                   "conversations_per_text": config.conversations_per_text,
                                   "refine": config.refine, "model": config.model, "synthesizer": config.synthesizer})
    texts, problems = read_texts(inputs, max_bytes=config.max_bytes)
    report.texts = len(texts)
    report.input_problems = [p.message for p in problems]
    report.input_drops.update(p.reason for p in problems)
    segments = [seg for text in texts for seg in segment_text(text)]
    manifest = {"command": "extract", "config": {**report.config, "min_patterns": config.min_patterns,
                                                 "max_bytes": config.max_bytes},
                "prompt_version": PROMPT_VERSION, "sources": {"inputs": [str(Path(i).resolve()) for i in inputs]}}
    journal = Journal(out / JOURNAL_NAME, {"segments": out / "segments.jsonl", "conversations": out / "conversations.jsonl"})
    report.restarted = "" if overwrite else _why_not_resume(journal, manifest, segments)
    if overwrite or journal.manifest is None or report.restarted:
        for old in (out / "catalog").glob("*.json"):
            old.unlink()
        journal.start(manifest)
    else:
        journal.resume()
    llm = None
    if config.model is not None:
        from .llm import TextLLM

        llm = TextLLM(config.model, api_base=config.api_base, seed=config.seed, backend=client)
    job = _Job(out, config, report, llm, journal)
    try:
        for entry in journal.entries:
            job.restore(entry)
        report.resumed = len(journal.entries)
        if on_segment is not None and report.resumed:
            on_segment(report.resumed)
        for seg in segments[report.resumed:]:
            if not job.segment(seg):
                break
            if on_segment is not None:
                on_segment(1)
    finally:
        journal.close()
        if llm is not None:
            llm.close()
    _finish(out, job, report)
    return report


def _why_not_resume(journal: Any, manifest: dict[str, Any], segments: list[Segment]) -> str:
    """Why the journal's run cannot be continued (``""``: it can, or there is none)."""
    if journal.manifest is None:
        return ""
    diff = journal.differences(manifest)
    if diff:
        return f"the settings changed ({', '.join(diff)})"
    if len(journal.entries) > len(segments):
        return "the inputs have fewer segments than the earlier run did"
    for seg, entry in zip(segments, journal.entries):
        if entry.get("segment") != seg.id or entry.get("digest") != _digest(seg):
            return f"the inputs changed (segment {seg.id})"
    return ""


class _Job:
    """The state one segment hands to the next: names taken, workflows, the next slot."""

    def __init__(self, out: Path, config: ExtractConfig, report: ExtractReport, llm: Any, journal: Any):
        self.out, self.config, self.report, self.llm, self.journal = out, config, report, llm, journal
        self.taken_tools, self.taken_tasks = _Taken(), _Taken()
        self.workflows: list[tuple[Workflow, list[str]]] = []
        self.slot = 0
        self.usage: dict[str, Any] = {}

    def restore(self, entry: dict[str, Any]) -> None:
        """Take over the effects of a segment done by an earlier run (a journal entry)."""
        for name in entry["taken_tools"]:
            self.taken_tools.add(name)
        for name in entry["taken_tasks"]:
            self.taken_tasks.add(name)
        self.taken_tools.take_new()
        self.taken_tasks.take_new()
        if entry["workflow"] is not None:
            self.workflows.append((Workflow.from_json(entry["workflow"]), list(entry["ids"])))
        self.slot = entry["slot"]
        self.report.merge(entry["report"])
        _add_usage(self.usage, entry.get("llm") or {})

    def segment(self, seg: Segment) -> bool:
        """Do one segment and note it in the journal; ``False`` when the LLM stopped (nothing noted)."""
        from .llm import LLMStopped

        part = ExtractReport(config=self.report.config)
        before = len(self.workflows)
        usage = self.llm.usage() if self.llm is not None else None
        try:
            self.slot = _segment(seg, self.out, self.config, part, self.llm, self.journal.files, self.slot,
                                 self.taken_tools, self.taken_tasks, self.workflows)
        except LLMStopped as exc:  # leave the segment to the run that continues the job
            self.report.stop_reason, self.report.stopped = exc.reason, str(exc)
            del self.workflows[before:]
            self.journal.rollback()
            return False
        workflow, ids = self.workflows[before] if len(self.workflows) > before else (None, [])
        delta = _usage_delta(usage, self.llm.usage()) if usage is not None else {}
        self.journal.commit({"segment": seg.id, "digest": _digest(seg), "slot": self.slot,
                             "taken_tools": self.taken_tools.take_new(), "taken_tasks": self.taken_tasks.take_new(),
                             "workflow": workflow.to_json() if workflow is not None else None, "ids": ids,
                             "report": part.state(), "llm": delta})
        self.report.merge(part.state())
        _add_usage(self.usage, delta)
        return True


def _usage_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in after.items():
        if isinstance(v, dict):
            d = {n: c - before[k].get(n, 0) for n, c in v.items() if c - before[k].get(n, 0)}
            if d:
                out[k] = d
        elif v - before[k]:
            out[k] = v - before[k]
    return out


def _add_usage(total: dict[str, Any], delta: dict[str, Any]) -> None:
    for k, v in delta.items():
        if isinstance(v, dict):
            mine = total.setdefault(k, {})
            for n, c in v.items():
                mine[n] = mine.get(n, 0) + c
        else:
            total[k] = total.get(k, 0) + v


def _segment(seg: Segment, out: Path, config: ExtractConfig, report: ExtractReport, llm: Any, files: dict[str, Any],
             slot: int, taken_tools: set[str], taken_tasks: set[str], workflows: list[tuple[Workflow, list[str]]]) -> int:
    """Filter, extract, ground, refine and validate one segment; returns the next slot."""
    from .llm import LLMStopped

    report.segments += 1
    rel = llm.relevance(seg, threshold=config.threshold) if llm else score_segment(seg, threshold=config.threshold)
    files["segments"].write(orjson.dumps({"id": seg.id, "text_id": seg.text_id, "source": seg.source,
                                         "title": seg.title, **rel.to_json(), "text": seg.text}, option=_JSONL))
    report.stage("filter", inn=1, out=int(rel.kept))
    if not rel.kept:
        return slot
    report.kept += 1
    if llm is not None and config.synthesizer:
        from .synth import synthesize

        return synthesize(llm, seg, rel, out=out, fh=files["conversations"], report=report, config=config, slot=slot,
                          taken_tools=taken_tools, taken_tasks=taken_tasks, workflows=workflows)
    wf = _extract(seg, rel, llm, report, taken_tools, taken_tasks)
    if wf is None:
        return slot
    ids: list[str] = []
    workflows.append((wf, ids))
    catalog = workflow_catalog(wf, catalog_id=_catalog_id(wf))
    (out / "catalog" / f"{wf.task}.json").write_bytes(catalog_bytes(wf))
    for k in range(config.conversations_per_text):
        seed = derive_seed(config.seed, "conversation", seg.id, k)
        before = llm.answered if llm is not None else 0
        try:
            record = _conversation(wf, catalog, seed=seed, slot=slot, config=config, report=report, llm=llm)
        except LLMStopped:
            raise
        except Exception as exc:  # one odd workflow must not stop the run: counted, with its cause
            report.drop("ground", "internal_error", f"{seg.id}: {type(exc).__name__}: {exc}")
            record = None
        if record is not None and llm is not None:
            record["provenance"]["llm_calls"] = llm.answered - before
        slot += 1
        if record is not None:
            files["conversations"].write(orjson.dumps(record, option=_JSONL))
            ids.append(record["id"])
            report.written += 1
    return slot


def _finish(out: Path, job: _Job, report: ExtractReport) -> None:
    """Write the files made from every segment: catalogs, workflows, graph, report."""
    keep = {f"{wf.task}.json" for wf, _ in job.workflows}
    for old in (out / "catalog").glob("*.json"):
        if old.name not in keep:
            old.unlink()
    for wf, _ in job.workflows:
        path = out / "catalog" / f"{wf.task}.json"
        if not path.exists():
            path.write_bytes(catalog_bytes(wf))
    _write_workflows(out, job.workflows, report)
    if job.llm is not None:
        report.llm = {"model": job.llm.model, **_report_usage(job.usage)}
    (out / "report.json").write_bytes(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2) + b"\n")


def _report_usage(usage: dict[str, Any]) -> dict[str, Any]:
    """report.json's ``llm`` entry from summed usage (keys always present, counters sorted)."""
    return {"calls": usage.get("calls", 0), "cache_hits": usage.get("cache_hits", 0),
            "prompt_tokens": usage.get("prompt_tokens", 0), "completion_tokens": usage.get("completion_tokens", 0),
            "cost_usd": round(usage.get("cost_usd", 0.0), 8), "faults": dict(sorted(usage.get("faults", {}).items())),
            "fallbacks": dict(sorted(usage.get("fallbacks", {}).items())),
            "judge_verdicts": dict(sorted(usage.get("judge_verdicts", {}).items()))}


def _extract(seg: Segment, rel: Relevance, llm: Any, report: ExtractReport, taken_tools: set[str],
             taken_tasks: set[str]) -> Workflow | None:
    from .llm import LLMStopped

    report.stage("extract", inn=1)
    try:
        if llm is not None:
            wf = llm.extract(seg, rel, taken_tools=taken_tools, taken_tasks=taken_tasks)
        else:
            wf = extract_workflow(seg, rel, taken_tools=taken_tools, taken_tasks=taken_tasks)
    except ExtractError as exc:
        report.drop("extract", exc.reason, str(exc))
        return None
    except LLMStopped:
        raise
    except Exception as exc:  # a text the extractor cannot read: counted, with its cause
        report.drop("extract", "internal_error", f"{seg.id}: {type(exc).__name__}: {exc}")
        return None
    wf = with_companions(wf, taken_tools)
    report.stage("extract", out=1)
    report.workflows += 1
    report.tools += len(wf.tools)
    return wf


def _conversation(wf: Workflow, catalog: Catalog, *, seed: int, slot: int, config: ExtractConfig,
                  report: ExtractReport, llm: Any) -> dict[str, Any] | None:
    backend = "litellm" if llm is not None else "offline"
    report.stage("ground", inn=1)
    record = ground_workflow(wf, catalog, seed=seed, slot=slot, refined=False, backend=backend, model=config.model)
    failures = validate_record(record, catalog, min_patterns=config.min_patterns)
    if failures:
        report.drop("ground", _first_code(failures), failures[0])
        return None
    report.stage("ground", out=1)
    report.before.append(conversation_stats(record))
    if config.refine:
        report.stage("refine", inn=1)
        refined = ground_workflow(wf, catalog, seed=seed, slot=slot, refined=True, backend=backend, model=config.model)
        failures = validate_record(refined, catalog, min_patterns=config.min_patterns)
        if failures:
            report.drop("refine", _first_code(failures), failures[0])
            return None
        report.stage("refine", out=1)
        record = refined
    report.stage("validate", inn=1)
    if llm is not None:
        verdict = llm.judge(record)
        if verdict:
            report.drop("judge", verdict.split(":", 1)[0], verdict)
            return None
    report.stage("validate", out=1)
    report.after.append(conversation_stats(record))
    report.patterns.update(detect_patterns(record))
    return finish_record(record, [])


def _write_workflows(out: Path, workflows: list[tuple[Workflow, list[str]]], report: ExtractReport) -> None:
    from ..graph import build_graph, write_graph

    tools = []
    with open(out / "workflows.jsonl", "wb") as fh:
        for wf, ids in workflows:
            fh.write(orjson.dumps(wf.to_json() | {"conversations": ids}, option=_JSONL))
            tools.extend(t.tool(wf.task, source=f"text:{wf.segment_id}") for t in wf.tools)
    graph = build_graph(tools) if tools else None
    if graph is None:
        import networkx as nx

        graph = nx.DiGraph()
    for wf, _ in workflows:
        for a, b, sa, sb in wf.tool_edges():
            if graph.has_edge(a, b):
                continue
            graph.add_edge(a, b, reason=f"step {sa + 1} comes before step {sb + 1} in '{wf.title or wf.task}'",
                           score=1.0, kind="precondition", feeds=[], nested=False, evidence="text")
    write_graph(graph, out / "graph.json")


__all__ += ["finish_record"]
