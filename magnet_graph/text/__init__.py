"""GEM: mining text for tools, workflows and verified multi-turn conversations (METHOD.md Part B).

The folders are the stages: :mod:`.inputs` (reading, segmenting), :mod:`.filter` (stage 1,
relevance), :mod:`.parse` / :mod:`.build` / :mod:`.rules` / :mod:`.extract` (stage 2,
workflow and tools), :mod:`.toolkit` (the simulated database the tools run against),
:mod:`.ground` (stage 3, conversations), :mod:`.refine` (stage 4), :mod:`.judge` (stage 5),
:mod:`.llm` (the LLM mode), :mod:`.synth` (stage 6, the trajectory synthesizer) and
:mod:`.pipeline` (the ``magnet extract`` job). See docs/extract.md.
"""

from __future__ import annotations

from .extract import ExtractError, extract_workflow
from .filter import DEFAULT_THRESHOLD, Relevance, score_segment
from .inputs import InputProblem, Segment, SourceText, read_texts, segment_text
from .judge import check_r1, check_r2, check_r3, detect_patterns, validate_record
from .model import Entity, Rule, Step, ToolSpec, Workflow
from .pipeline import ExtractConfig, ExtractReport, conversation_stats, ground_workflow, run_extract
from .synth import export_synthesizer, synthesizer_pairs
from .toolkit import initial_state, toolkit_class, workflow_catalog

__all__ = [
    "DEFAULT_THRESHOLD",
    "Entity",
    "ExtractConfig",
    "ExtractError",
    "ExtractReport",
    "InputProblem",
    "Relevance",
    "Rule",
    "Segment",
    "SourceText",
    "Step",
    "ToolSpec",
    "Workflow",
    "check_r1",
    "check_r2",
    "check_r3",
    "conversation_stats",
    "detect_patterns",
    "export_synthesizer",
    "extract_workflow",
    "extracted_catalog",
    "ground_workflow",
    "initial_state",
    "read_texts",
    "run_extract",
    "score_segment",
    "segment_text",
    "synthesizer_pairs",
    "toolkit_class",
    "validate_record",
    "workflow_catalog",
]


def extracted_catalog(extract_dir, task: str):
    """The executable catalog of one workflow of an extract run (to re-check its conversations)."""
    import orjson
    from pathlib import Path

    from .pipeline import _catalog_id

    with open(Path(extract_dir) / "workflows.jsonl", "rb") as fh:
        for line in fh:
            d = orjson.loads(line)
            if d["task"] == task:
                wf = Workflow.from_json(d)
                return workflow_catalog(wf, catalog_id=_catalog_id(wf))
    raise KeyError(f"{extract_dir}: no workflow {task!r} in workflows.jsonl")
