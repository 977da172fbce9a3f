"""The extension point for a judge of candidate edges (the Magnet paper asks an LLM).

:func:`magnet_graph.graph.build_graph` infers edges from schemas. Given an :class:`EdgeJudge`,
it then shows the judge, for each tool, the candidate targets the schemas suggested (including
near misses below ``min_score``) plus a seeded sample of other tools of the same toolkit (the
paper used 30), and keeps, drops or adds edges as the judge says, recording the judge's reason.

No LLM lives here; an LLM judge implements :class:`EdgeJudge` elsewhere. Tests use a fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

from ..types import Tool

__all__ = ["EdgeJudge", "JudgedEdge", "EDGE_KINDS"]

EDGE_KINDS = ("exact", "part", "precondition")


@dataclass(frozen=True, slots=True)
class JudgedEdge:
    """The judge's verdict on the edge ``source -> target``.

    ``keep``: the edge should exist. ``reason``: why (stored on the edge). ``score``: the
    judge's confidence in [0, 1]. ``kind``: for an edge the schemas did not suggest, which
    relation it is (``exact``, ``part`` or ``precondition``; default ``part``).
    """

    target: str
    keep: bool
    reason: str = ""
    score: float = 1.0
    kind: str | None = None


@runtime_checkable
class EdgeJudge(Protocol):
    """Decides which candidate tools can use the output (or the effect) of ``source``."""

    def judge(self, source: Tool, candidates: Sequence[Tool]) -> list[JudgedEdge]:
        """Return verdicts for some or all of ``candidates``; candidates left out keep their edge."""
        ...
