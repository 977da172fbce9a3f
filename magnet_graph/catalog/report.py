"""Problems found while loading catalogs, and the report ``magnet catalog check`` prints.

Loading never stops at the first problem: every converter records problems per tool in a
:class:`Notes` and carries on. :func:`~magnet_graph.catalog.load_catalogs` then raises the first
error as a :class:`~magnet_graph.errors.CatalogError`, while
:func:`~magnet_graph.catalog.check_catalog` returns all of them in a :class:`CheckReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import CatalogError, catalog_error
from ..types import Binding, Tool

__all__ = ["Problem", "Notes", "Entry", "Loaded", "CheckRow", "CheckReport"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: ``message`` is the full one-line text (file: tool: field: problem; fix)."""

    severity: Severity
    message: str
    source: str = ""
    tool: str = ""
    field: str = ""

    def as_error(self) -> CatalogError:
        """The problem as the :class:`CatalogError` that loading raises."""
        return CatalogError(self.message, source=self.source, tool=self.tool, field=self.field)

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {"severity": self.severity, "message": self.message, "source": self.source,
                "tool": self.tool, "field": self.field}


class Notes:
    """Collects the problems of one tool (or of one file when ``tool`` is empty)."""

    __slots__ = ("source", "tool", "problems")

    def __init__(self, source: str, tool: str = "", problems: list[Problem] | None = None):
        self.source = source
        self.tool = tool
        self.problems: list[Problem] = [] if problems is None else problems

    def _add(self, severity: Severity, problem: str, field: str, fix: str) -> None:
        msg = catalog_error(problem, source=self.source, tool=self.tool, field=field, fix=fix).args[0]
        self.problems.append(Problem(severity, msg, self.source, self.tool, field))

    @property
    def error_count(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    def error(self, problem: str, *, field: str = "", fix: str = "") -> None:
        """Record an error: the tool (or file) is not loaded."""
        self._add("error", problem, field, fix)

    def warn(self, problem: str, *, field: str = "", fix: str = "") -> None:
        """Record a warning: the tool loads, but the user should know."""
        self._add("warning", problem, field, fix)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass(slots=True)
class Entry:
    """One tool as loaded: the converted :class:`Tool`, or ``None`` when it has errors."""

    label: str  # the tool's name, or "#<index>" when it has none
    toolkit: str
    source: str
    tool: Tool | None
    problems: list[Problem] = field(default_factory=list)
    index: int = -1  # position in its file (for messages), -1 when not from a file

    def where(self) -> str:
        """``source #index`` (or just ``source``), to point at the entry in messages."""
        return f"{self.source} #{self.index}" if self.index >= 0 else self.source


@dataclass(slots=True)
class Loaded:
    """What one catalog spec produced, problems included (nothing raised yet)."""

    id: str
    source: str
    entries: list[Entry] = field(default_factory=list)
    bindings: dict[str, Binding] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # not tied to one tool

    def first_error(self) -> Problem | None:
        """The first error in reading order (spec-level problems first), or ``None``."""
        for p in self.problems:
            if p.severity == "error":
                return p
        for e in self.entries:
            for p in e.problems:
                if p.severity == "error":
                    return p
        return None


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One row of a check report: a tool, or a spec-level problem when ``tool`` is empty."""

    tool: str
    toolkit: str
    params: int
    has_returns: bool
    problems: tuple[Problem, ...]
    source: str = ""

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "toolkit": self.toolkit, "source": self.source, "params": self.params,
                "returns": self.has_returns, "ok": self.ok, "problems": [p.to_json() for p in self.problems]}


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Every tool of the checked specs with its problems; ``ok`` when there is no error."""

    specs: tuple[str, ...]
    rows: tuple[CheckRow, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for r in self.rows for p in r.problems)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def tools_loaded(self) -> int:
        """Tools that converted without error."""
        return sum(1 for r in self.rows if r.tool and r.ok)

    def summary(self) -> str:
        """One line: how many tools loaded, errors and warnings."""
        tools = sum(1 for r in self.rows if r.tool)
        verdict = "ok" if self.ok else "FAILED"
        return (f"{verdict}: {self.tools_loaded}/{tools} tools loaded from {len(self.specs)} spec(s); "
                f"{self.errors} error(s), {self.warnings} warning(s)")

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "specs": list(self.specs), "errors": self.errors, "warnings": self.warnings,
                "rows": [r.to_json() for r in self.rows]}
