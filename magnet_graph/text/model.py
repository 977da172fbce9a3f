"""The data mined from one procedure: steps, rules, entities, tool specs and the workflow.

These are plain frozen dataclasses with ``to_json``/``from_json``; ``workflows.jsonl`` holds
one :class:`Workflow` per kept segment. A :class:`ToolSpec` says what its tool does to the
small database of the task (``op`` over one ``entity``), so the tools are executable
(:mod:`magnet_graph.text.toolkit`) and the conversations built over them replay exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..types import Tool

__all__ = ["Step", "Rule", "Entity", "ToolSpec", "Workflow", "OPS", "READ_OPS", "WRITE_OPS"]

#: What a tool does to the task's database.
OPS = ("sign_in", "get", "list", "search", "create", "update", "delete", "submit", "export", "action", "help")
READ_OPS = frozenset({"get", "list", "search", "help"})
WRITE_OPS = frozenset({"create", "update", "delete", "submit", "action"})

RuleKind = Literal["precondition", "limit", "conditional", "prohibition"]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the procedure, in text order. ``tools``: the tools its actions map to."""

    index: int
    text: str
    tools: tuple[str, ...] = ()
    parallel: bool = False  # "meanwhile", "you can also": runs beside the step before it
    optional: bool = False  # "if ...", "optionally"


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of the text attached to tools.

    ``kind``: ``precondition`` (``requires`` names a tool that must have run first, or is
    ``None`` when the condition is not something a tool does), ``limit`` (``bound`` with
    ``direction`` ``max``/``min`` on ``scope``: ``value`` or ``length`` of ``param``, or
    ``count`` of the tool's successful calls / of the entity's records), ``conditional``
    (if ... then ...) or ``prohibition``. ``enforced``: the tools check it and answer a
    violating call with a short error.
    """

    id: str
    kind: RuleKind
    text: str
    tools: tuple[str, ...] = ()
    requires: str | None = None
    bound: float | None = None
    direction: Literal["max", "min"] | None = None
    scope: Literal["value", "length", "count", "time"] | None = None
    param: str | None = None
    unit: str = ""
    enforced: bool = False

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["tools"] = list(self.tools)
        return {k: v for k, v in d.items() if v not in (None, "", [])} | {"enforced": self.enforced}


@dataclass(frozen=True, slots=True)
class Entity:
    """A table of the task's database: a ``singleton`` (settings, profile) or a ``collection``
    of records keyed by ``id_field``. ``fields`` maps field names to JSON Schemas."""

    name: str
    kind: Literal["singleton", "collection"]
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    id_field: str = ""
    label_field: str = ""  # the human-readable field of a record ("name", "title" ...)
    prefix: str = ""  # id prefix ("ORD" for orders)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One extracted tool: its schema and what it does (``op`` on ``entity``)."""

    name: str
    op: str
    entity: str
    description: str
    parameters: dict[str, Any]
    returns: dict[str, Any]
    verb: str = ""  # the text's verb ("send", "restart")
    fields: tuple[str, ...] = ()  # the parameters that are data fields of the entity
    steps: tuple[int, ...] = ()
    rules: tuple[str, ...] = ()
    extra: bool = False  # added by complexity refinement (a distractor / companion tool)

    def tool(self, toolkit: str, source: str = "") -> Tool:
        """This spec as a magnet :class:`~magnet_graph.types.Tool` bound to ``toolkit``."""
        return Tool(name=self.name, description=self.description, parameters=self.parameters,
                    returns=self.returns, toolkit=toolkit, dialect="openai", source=source, binding=self.name)

    def openai_entry(self) -> dict[str, Any]:
        """The catalog-file entry (OpenAI tools form, with ``returns``)."""
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": self.parameters, "returns": self.returns}}

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.parameters.get("required", ()))


@dataclass(frozen=True)
class Workflow:
    """Everything mined from one segment (see ``docs/extract.md`` for ``workflows.jsonl``)."""

    segment_id: str
    task: str  # the toolkit name and catalog file stem: unique in a run
    title: str
    domain: str
    platform: str
    product: str
    text: str
    steps: tuple[Step, ...]
    edges: tuple[tuple[int, int], ...]  # step index -> step index
    tools: tuple[ToolSpec, ...]
    entities: tuple[Entity, ...]
    rules: tuple[Rule, ...]
    signed_in: bool = False  # the procedure needs a signed-in session
    by: str = "heuristic"

    def tool(self, name: str) -> ToolSpec:
        for t in self.tools:
            if t.name == name:
                return t
        raise KeyError(name)

    def entity(self, name: str) -> Entity:
        for e in self.entities:
            if e.name == name:
                return e
        raise KeyError(name)

    def signature(self) -> str:
        """The execution graph in GEM's notation: ``(sign_in)->(get_x)->(a, b)``."""
        layers: list[list[str]] = []
        for step in self.steps:
            names = [t for t in step.tools]
            if not names:
                continue
            if step.parallel and layers:
                layers[-1].extend(n for n in names if n not in layers[-1])
            elif not layers or layers[-1] != names:
                layers.append(list(dict.fromkeys(names)))
        return "->".join("(" + ", ".join(layer) + ")" for layer in layers)

    def tool_edges(self) -> list[tuple[str, str, int, int]]:
        """``(tool_a, tool_b, step_a, step_b)`` for each step edge between different tools."""
        by_index = {s.index: s for s in self.steps}
        out: list[tuple[str, str, int, int]] = []
        seen: set[tuple[str, str]] = set()
        for a, b in self.edges:
            for ta in by_index[a].tools:
                for tb in by_index[b].tools:
                    if ta != tb and (ta, tb) not in seen:
                        seen.add((ta, tb))
                        out.append((ta, tb, a, b))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "segment_id": self.segment_id, "task": self.task, "title": self.title, "domain": self.domain,
            "platform": self.platform, "product": self.product, "by": self.by, "signed_in": self.signed_in,
            "text": self.text,
            "steps": [{"index": s.index, "text": s.text, "tools": list(s.tools), "parallel": s.parallel,
                       "optional": s.optional} for s in self.steps],
            "edges": [list(e) for e in self.edges],
            "signature": self.signature(),
            "tools": [{"name": t.name, "op": t.op, "entity": t.entity, "verb": t.verb, "fields": list(t.fields),
                       "steps": list(t.steps), "rules": list(t.rules), "extra": t.extra,
                       "description": t.description, "parameters": t.parameters, "returns": t.returns}
                      for t in self.tools],
            "entities": [{"name": e.name, "kind": e.kind, "id_field": e.id_field, "label_field": e.label_field,
                          "prefix": e.prefix, "fields": e.fields} for e in self.entities],
            "rules": [r.to_json() for r in self.rules],
            "tool_edges": [{"source": a, "target": b, "steps": [sa, sb]} for a, b, sa, sb in self.tool_edges()],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Workflow":
        return cls(
            segment_id=d["segment_id"], task=d["task"], title=d.get("title", ""), domain=d.get("domain", ""),
            platform=d.get("platform", ""), product=d.get("product", ""), text=d.get("text", ""),
            steps=tuple(Step(s["index"], s["text"], tuple(s.get("tools", ())), bool(s.get("parallel")),
                             bool(s.get("optional"))) for s in d["steps"]),
            edges=tuple((int(a), int(b)) for a, b in d.get("edges", ())),
            tools=tuple(ToolSpec(t["name"], t["op"], t["entity"], t["description"], t["parameters"], t["returns"],
                                 t.get("verb", ""), tuple(t.get("fields", ())), tuple(t.get("steps", ())),
                                 tuple(t.get("rules", ())), bool(t.get("extra"))) for t in d["tools"]),
            entities=tuple(Entity(e["name"], e["kind"], e.get("fields", {}), e.get("id_field", ""),
                                  e.get("label_field", ""), e.get("prefix", "")) for e in d["entities"]),
            rules=tuple(Rule(r["id"], r["kind"], r["text"], tuple(r.get("tools", ())), r.get("requires"),
                             r.get("bound"), r.get("direction"), r.get("scope"), r.get("param"), r.get("unit", ""),
                             bool(r.get("enforced"))) for r in d.get("rules", ())),
            signed_in=bool(d.get("signed_in")), by=d.get("by", "heuristic"),
        )
