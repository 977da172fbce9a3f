"""The tool-dependency graph (Magnet A1): build it, read and write it, summarize it.

* :func:`build_graph` infers edges ``f -> g`` (f's output or effect is useful to g) from the
  tools' schemas; see :mod:`magnet_graph.graph.build` for the edge attributes.
* :func:`write_graph` / :func:`read_graph`: node-link JSON, GraphML, and a self-contained HTML
  page for people.
* :func:`graph_summary`: counts, components, isolated tools, hubs.
* :func:`values_at`: the values at an output path such as ``flights[].flight_id``.
* :class:`EdgeJudge` / :class:`JudgedEdge`: the hook for an (LLM) judge of candidate edges.
"""

from __future__ import annotations

from .build import DEFAULT_MIN_SCORE, build_graph
from .io import graph_summary, read_graph, write_graph
from .judge import EdgeJudge, JudgedEdge
from .paths import values_at

__all__ = [
    "build_graph",
    "DEFAULT_MIN_SCORE",
    "EdgeJudge",
    "JudgedEdge",
    "write_graph",
    "read_graph",
    "graph_summary",
    "values_at",
]
