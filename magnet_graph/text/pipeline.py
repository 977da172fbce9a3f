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
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import orjson

from .. import __version__
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
           "ground_workflow", "with_companions", "catalog_bytes"]

PROMPT_VERSION = "gem-1"
_JSONL = orjson.OPT_APPEND_NEWLINE


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
        }


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


def run_extract(inputs: Sequence[str | Path], out_dir: str | Path, *, config: ExtractConfig = ExtractConfig(),
                on_segment: Callable[[int], None] | None = None) -> ExtractReport:
    """Run the whole job and write ``out_dir`` (see the module docstring)."""
    out = Path(out_dir)
    (out / "catalog").mkdir(parents=True, exist_ok=True)
    for old in (out / "catalog").glob("*.json"):
        old.unlink()
    report = ExtractReport(config={"threshold": config.threshold, "seed": config.seed,
                                   "conversations_per_text": config.conversations_per_text,
                                   "refine": config.refine, "model": config.model, "synthesizer": config.synthesizer})
    texts, problems = read_texts(inputs, max_bytes=config.max_bytes)
    report.texts = len(texts)
    report.input_problems = [p.message for p in problems]
    report.input_drops.update(p.reason for p in problems)
    llm = None
    if config.model is not None:
        from .llm import TextLLM

        llm = TextLLM(config.model, api_base=config.api_base, seed=config.seed)
    taken_tools: set[str] = set()
    taken_tasks: set[str] = set()
    workflows: list[tuple[Workflow, list[str]]] = []
    slot = 0
    with open(out / "segments.jsonl", "wb") as seg_fh, open(out / "conversations.jsonl", "wb") as conv_fh:
        for text in texts:
            for seg in segment_text(text):
                report.segments += 1
                rel = llm.relevance(seg, threshold=config.threshold) if llm else score_segment(seg, threshold=config.threshold)
                seg_fh.write(orjson.dumps({"id": seg.id, "text_id": seg.text_id, "source": seg.source,
                                           "title": seg.title, **rel.to_json(), "text": seg.text}, option=_JSONL))
                report.stage("filter", inn=1, out=int(rel.kept))
                if on_segment is not None:
                    on_segment(1)
                if not rel.kept:
                    continue
                report.kept += 1
                if llm is not None and config.synthesizer:
                    from .synth import synthesize

                    slot = synthesize(llm, seg, rel, out=out, fh=conv_fh, report=report, config=config, slot=slot,
                                      taken_tools=taken_tools, taken_tasks=taken_tasks, workflows=workflows)
                    continue
                wf = _extract(seg, rel, llm, report, taken_tools, taken_tasks)
                if wf is None:
                    continue
                ids: list[str] = []
                workflows.append((wf, ids))
                catalog = workflow_catalog(wf, catalog_id=_catalog_id(wf))
                (out / "catalog" / f"{wf.task}.json").write_bytes(catalog_bytes(wf))
                for k in range(config.conversations_per_text):
                    seed = derive_seed(config.seed, "conversation", seg.id, k)
                    before = llm.calls if llm is not None else 0
                    try:
                        record = _conversation(wf, catalog, seed=seed, slot=slot, config=config, report=report,
                                               llm=llm)
                    except Exception as exc:  # one odd workflow must not stop the run: counted, with its cause
                        report.drop("ground", "internal_error", f"{seg.id}: {type(exc).__name__}: {exc}")
                        record = None
                    if record is not None and llm is not None:
                        record["provenance"]["llm_calls"] = llm.calls - before
                    slot += 1
                    if record is not None:
                        conv_fh.write(orjson.dumps(record, option=_JSONL))
                        ids.append(record["id"])
                        report.written += 1
    _write_workflows(out, workflows, report)
    if llm is not None:
        llm.close()
        report.llm = llm.counters()
    (out / "report.json").write_bytes(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2) + b"\n")
    return report


def _extract(seg: Segment, rel: Relevance, llm: Any, report: ExtractReport, taken_tools: set[str],
             taken_tasks: set[str]) -> Workflow | None:
    report.stage("extract", inn=1)
    try:
        if llm is not None:
            wf = llm.extract(seg, rel, taken_tools=taken_tools, taken_tasks=taken_tasks)
        else:
            wf = extract_workflow(seg, rel, taken_tools=taken_tools, taken_tasks=taken_tasks)
    except ExtractError as exc:
        report.drop("extract", exc.reason, str(exc))
        return None
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
