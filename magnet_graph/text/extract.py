"""Stage 2, workflow and tool extraction: a kept segment -> a :class:`~.model.Workflow`.

:func:`extract_workflow` parses the procedure (:mod:`.parse`), builds tools over a small
database (:mod:`.build`), attaches the rules (:mod:`.rules`), draws the execution graph
(steps in order; a step marked "meanwhile" / "you can also" runs beside the step before it
and both feed the next one) and makes every tool name unique in the run.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import MagnetError
from .build import build_tools
from .filter import Relevance
from .inputs import Segment
from .model import Rule, Step, ToolSpec, Workflow
from .parse import RawRule, parse_procedure
from .rules import attach_rules
from .schemas import returns_schema

__all__ = ["ExtractError", "extract_workflow", "step_edges", "workflow_from_steps"]


class ExtractError(MagnetError, ValueError):
    """A kept segment yields no usable workflow; ``reason`` is the drop reason counted in the report."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def step_edges(steps: tuple[Step, ...]) -> tuple[tuple[int, int], ...]:
    """Edges of the execution graph over the steps that have tools (see the module docstring)."""
    edges: list[tuple[int, int]] = []
    layer: list[int] = []
    sources: list[int] = []
    for s in steps:
        if not s.tools:
            continue
        if s.parallel and layer:
            edges.extend((src, s.index) for src in sources)
            layer.append(s.index)
        else:
            edges.extend((src, s.index) for src in layer)
            sources, layer = layer, [s.index]
    return tuple(edges)


def _sign_in_spec() -> ToolSpec:
    params = {"type": "object", "additionalProperties": False, "required": ["username", "password"],
              "properties": {"username": {"type": "string", "description": "The account's username."},
                             "password": {"type": "string", "description": "The account's password."}}}
    return ToolSpec("sign_in", "sign_in", "session",
                    "Sign in with a username and password; the other tools need a signed-in session.",
                    params, returns_schema("sign_in", None, (), verb="sign in"), "sign in")


def _with_rules(spec: ToolSpec, rules: tuple[Rule, ...]) -> ToolSpec:
    mine = [r for r in rules if spec.name in r.tools]
    if not mine:
        return spec
    text = " Rules: " + " ".join(r.text if r.text.endswith((".", "!", "?")) else r.text + "." for r in mine)
    return ToolSpec(spec.name, spec.op, spec.entity, spec.description + text, spec.parameters, spec.returns,
                    spec.verb, spec.fields, spec.steps, tuple(r.id for r in mine), spec.extra)


def _unique(name: str, product: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    prod = re.sub(r"[^a-z0-9]+", "_", product.lower()).strip("_")
    if prod:
        cand = f"{name}_{prod}"
        if cand not in taken and len(cand) <= 64:
            return cand
    k = 2
    while f"{name}_{k}" in taken:
        k += 1
    return f"{name}_{k}"


def _rename(spec: ToolSpec, names: dict[str, str]) -> ToolSpec:
    return ToolSpec(names[spec.name], spec.op, spec.entity, spec.description, spec.parameters, spec.returns,
                    spec.verb, spec.fields, spec.steps, spec.rules, spec.extra)


def workflow_from_steps(segment: Segment, relevance: Relevance, title: str, raw_steps, raw_rules: list[RawRule],
                        *, taken_tools: set[str], taken_tasks: set[str], by: str = "heuristic") -> Workflow:
    """Build the workflow from parsed steps and rules (shared by the offline and LLM modes).

    Raises :class:`ExtractError` (``no_steps``, ``no_tools``, ``no_write``) when the segment
    does not give a workflow worth grounding. Adds the names used to ``taken_*``.
    """
    if sum(1 for s in raw_steps if s.actions) < 2:
        raise ExtractError("no_steps", f"{segment.id}: fewer than two steps with actions")
    task = relevance.task or "task"
    built = build_tools(raw_steps, task=task, product=relevance.product, text=segment.text)
    specs = list(built.tools)
    needs_sign_in = any(r.kind == "precondition" and r.unit == "signed_in" for r in raw_rules)
    if needs_sign_in and not any(t.op == "sign_in" for t in specs):
        specs.insert(0, _sign_in_spec())
    if len(specs) < 2:
        raise ExtractError("no_tools", f"{segment.id}: fewer than two tools")
    if not any(t.op in ("create", "update", "delete", "submit", "action") for t in specs):
        raise ExtractError("no_write", f"{segment.id}: no step changes anything")
    steps = built.steps
    rules = attach_rules(raw_rules, tuple(specs), steps)
    specs = [_with_rules(s, rules) for s in specs]
    # unique names across the run
    slug = task
    k = 2
    while slug in taken_tasks:
        slug = f"{task}_{k}"
        k += 1
    taken_tasks.add(slug)
    names: dict[str, str] = {}
    for s in specs:
        names[s.name] = _unique(s.name, relevance.product or slug, taken_tools)
        taken_tools.add(names[s.name])
    specs = [_rename(s, names) for s in specs]
    steps = tuple(Step(s.index, s.text, tuple(names.get(n, n) for n in s.tools), s.parallel, s.optional)
                  for s in steps)
    rules = tuple(Rule(r.id, r.kind, r.text, tuple(names.get(n, n) for n in r.tools),
                       names.get(r.requires, r.requires) if r.requires else None, r.bound, r.direction, r.scope,
                       r.param, r.unit, r.enforced) for r in rules)
    return Workflow(segment.id, slug, title, relevance.domain, relevance.platform, relevance.product, segment.text,
                    steps, step_edges(steps), tuple(specs), built.entities, rules,
                    signed_in=any(t.op == "sign_in" for t in specs), by=by)


def extract_workflow(segment: Segment, relevance: Relevance, *, taken_tools: set[str] | None = None,
                     taken_tasks: set[str] | None = None) -> Workflow:
    """Extract the workflow, tools and rules of one kept segment (offline heuristics)."""
    title, raw_steps, raw_rules = parse_procedure(segment.text, title=segment.title)
    return workflow_from_steps(segment, relevance, title, raw_steps, raw_rules,
                               taken_tools=set() if taken_tools is None else taken_tools,
                               taken_tasks=set() if taken_tasks is None else taken_tasks)


def workflow_json(workflow: Workflow) -> dict[str, Any]:
    """The ``workflows.jsonl`` line of a workflow."""
    return workflow.to_json()
