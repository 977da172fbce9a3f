"""The data model: one internal form for tools, catalogs, paths and records.

* :class:`Tool` is what every catalog dialect is converted to at load time.
* :class:`Catalog` is a set of tools with their executable bindings.
* :class:`Turn` and :class:`Path` are the function signature paths (FSPs) that the
  walk produces and the operators transform. They are immutable and cheap (slotted
  frozen dataclasses: the hot loop builds tens of thousands a second).
* :class:`Call` is one executed tool call.
* The JSONL record written by ``magnet sample`` is documented in ``docs/record.md`` and
  validated by :class:`TrajectoryRecord`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Tool",
    "Binding",
    "Catalog",
    "Turn",
    "Path",
    "Call",
    "TAGS",
    "TrajectoryRecord",
]

JSON = Any

# Tags that operators put on the turns they touch.
TAGS = ("walk", "merge", "insert_nested", "insert_long", "miss_func", "miss_param")


class Tool(BaseModel):
    """A tool (function) in magnet's one internal form.

    ``parameters`` is always a valid JSON Schema with ``type: object``; ``returns`` is a
    JSON Schema of the output or ``None`` when the catalog gives none.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    returns: dict[str, Any] | None = None
    toolkit: str = ""  # category / toolkit (class name for executable toolkits)
    dialect: str = "openai"  # openai | bfcl | mcp | anthropic | pydantic | python | openapi | ...
    source: str = ""  # file, module or entry point it was loaded from
    binding: str | None = None  # method name on the toolkit's class when executable
    hints: tuple[str, ...] = ()  # a few ways a user asks for it (utterance hints)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.parameters.get("required", ()))

    @property
    def properties(self) -> dict[str, Any]:
        return self.parameters.get("properties", {})

    def openai_schema(self) -> dict[str, Any]:
        """The tool as an OpenAI ``tools`` entry."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


@dataclass(frozen=True)
class Binding:
    """How to run the tools of one toolkit.

    ``cls`` is instantiated once per conversation with the initial state; its methods named
    by each tool's ``binding`` are called with keyword arguments.  ``state_factory`` makes a
    seeded, realistic initial state from a ``random.Random``, and from the conversation's
    ``World`` when it has a ``world`` parameter (``None``: use ``default_state``).
    """

    toolkit: str
    cls: type
    state_factory: Callable[..., dict] | None = None
    default_state: Mapping[str, Any] | None = None
    source: str = ""


@dataclass(frozen=True)
class Catalog:
    """A set of uniquely named tools and the bindings that make some of them executable."""

    id: str
    tools: tuple[Tool, ...]
    bindings: Mapping[str, Binding] = field(default_factory=dict)

    @cached_property
    def by_name(self) -> dict[str, Tool]:
        return {t.name: t for t in self.tools}

    def tool(self, name: str) -> Tool:
        return self.by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def __len__(self) -> int:
        return len(self.tools)

    @cached_property
    def toolkits(self) -> dict[str, tuple[str, ...]]:
        """Toolkit name -> names of its tools, in catalog order."""
        out: dict[str, list[str]] = {}
        for t in self.tools:
            out.setdefault(t.toolkit, []).append(t.name)
        return {k: tuple(v) for k, v in out.items()}

    def is_executable(self, name: str) -> bool:
        t = self.by_name[name]
        return t.binding is not None and t.toolkit in self.bindings


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a function signature path.

    ``funcs``: the functions called in this turn, in order (empty for a miss turn).
    ``tags``: what made the turn (see :data:`TAGS`).
    ``source``: for an ``insert_long`` turn, the index (in the same path) of the turn whose
    output feeds it; ``None`` otherwise.
    A ``miss_func`` / ``miss_param`` turn has no functions: it refers to the turn right after
    it, whose function (or one of whose required values) is missing at first.
    """

    funcs: tuple[str, ...]
    tags: tuple[str, ...] = ()
    source: int | None = None

    @property
    def is_miss(self) -> bool:
        return "miss_func" in self.tags or "miss_param" in self.tags


@dataclass(frozen=True, slots=True)
class Path:
    """A function signature path (FSP): an immutable tuple of turns and its own seed."""

    turns: tuple[Turn, ...]
    seed: int = 0

    def functions(self) -> tuple[str, ...]:
        """The flattened function sequence."""
        return tuple(f for t in self.turns for f in t.funcs)

    def tags(self) -> tuple[str, ...]:
        return tuple(tag for t in self.turns for tag in t.tags)

    def __len__(self) -> int:
        return len(self.turns)

    def to_json(self) -> list[dict[str, Any]]:
        return [{"funcs": list(t.funcs), "tags": list(t.tags), "source": t.source} for t in self.turns]

    @classmethod
    def from_json(cls, data: list[dict[str, Any]], seed: int = 0) -> "Path":
        return cls(
            tuple(Turn(tuple(d["funcs"]), tuple(d.get("tags", ())), d.get("source")) for d in data),
            seed,
        )


@dataclass(slots=True)
class Call:
    """One tool call: a name and an arguments dict (never a string to evaluate)."""

    name: str
    arguments: dict[str, Any]
    id: str = ""
    output: Any = None
    error: str | None = None
    simulated: bool = False

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "name": self.name, "arguments": self.arguments, "output": self.output}
        if self.simulated:
            d["simulated"] = True
        return d


# --------------------------------------------------------------------------------------
# The record (one JSON line per conversation). See docs/record.md for the field meanings.
# --------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordCall(_Strict):
    id: str
    name: str
    arguments: dict[str, Any]
    output: Any = None
    simulated: bool = False


class RecordTurn(_Strict):
    index: int
    kind: Literal["normal", "miss_func", "miss_param"] = "normal"
    tags: list[str] = Field(default_factory=list)
    source: int | None = None
    tools: list[str]
    calls: list[RecordCall] = Field(default_factory=list)
    missing: dict[str, Any] | None = None
    messages: list[int]  # [start, end): this turn's slice of ``messages``


class Provenance(_Strict):
    backend: str
    model: str | None = None
    prompt_version: str
    magnet_version: str
    llm_calls: int = 0
    tokens: int = 0
    cost_usd: float = 0.0


class Verification(_Strict):
    passed: bool
    checks: list[str]
    failures: list[str] = Field(default_factory=list)


class TrajectoryRecord(_Strict):
    """Validates one line of a ``magnet sample`` output file (schema version 1)."""

    schema_version: Literal[1] = 1
    id: str
    seed: int
    slot: int
    catalogs: list[str]
    toolkits: list[str]
    initial_state: dict[str, Any]
    end_state: dict[str, Any]
    tools: list[dict[str, Any]]
    path: list[dict[str, Any]]
    turns: list[RecordTurn]
    messages: list[dict[str, Any]]
    provenance: Provenance
    verification: Verification
