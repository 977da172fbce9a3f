"""Reading, writing and summarizing tool-dependency graphs.

Formats, chosen by the file suffix (or ``format=``):

* ``.json``: networkx node-link data (edges under the key ``"edges"``), lists kept as lists.
* ``.graphml``: GraphML; list attributes (``feeds``) are stored as JSON strings and restored
  by :func:`read_graph`.
* ``.html``: a self-contained page for people (write only; see :mod:`.html`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import orjson

from ..errors import GraphError
from .html import render_html

__all__ = ["write_graph", "read_graph", "graph_summary", "FORMATS"]

FORMATS = {".json": "json", ".graphml": "graphml", ".html": "html", ".htm": "html"}
_LIST_ATTRS = ("feeds",)


def _format_of(path: Path, format: str | None, *, readable: bool) -> str:
    allowed = ("json", "graphml") if readable else ("json", "graphml", "html")
    fmt = format.lower().lstrip(".") if format else FORMATS.get(path.suffix.lower(), "")
    if fmt == "htm":
        fmt = "html"
    if fmt not in allowed:
        what = f"format {format!r}" if format else f"suffix {path.suffix or '(none)'!r}"
        verb = "read" if readable else "write"
        choices = ", ".join("." + a for a in allowed)
        raise GraphError(f"{path}: cannot {verb} a graph with {what}; use a file ending in {choices}")
    return fmt


def write_graph(G: nx.DiGraph, path: str | Path, *, format: str | None = None) -> Path:
    """Write ``G`` to ``path`` as node-link JSON, GraphML or HTML (by suffix unless ``format``)."""
    path = Path(path)
    fmt = _format_of(path, format, readable=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "json":
            data = nx.node_link_data(G, edges="edges")
            path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
        elif fmt == "graphml":
            nx.write_graphml(_graphml_ready(G), path, named_key_ids=True)
        else:
            path.write_text(render_html(G), encoding="utf-8")
    except OSError as exc:
        raise GraphError(f"{path}: cannot write the graph: {exc.strerror or exc}; check the directory and its permissions") from exc
    return path


def _graphml_ready(G: nx.DiGraph) -> nx.DiGraph:
    """A copy whose list attributes are JSON strings and whose graph attributes are scalars."""
    H = nx.DiGraph()
    H.graph.update({k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in d.items() if v is not None})
    for u, v, d in G.edges(data=True):
        H.add_edge(u, v, **{k: _scalar(x) for k, x in d.items() if x is not None})
    return H


def _scalar(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)):
        return v
    return json.dumps(v, ensure_ascii=False)


def read_graph(path: str | Path, *, format: str | None = None) -> nx.DiGraph:
    """Read a graph written by :func:`write_graph` (``.json`` or ``.graphml``)."""
    path = Path(path)
    fmt = _format_of(path, format, readable=True)
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file; write one with `magnet graph --out {path.name}`")
    try:
        if fmt == "json":
            data = orjson.loads(path.read_bytes())
            G = nx.node_link_graph(data, directed=True, multigraph=False, edges="edges")
        else:
            G = nx.DiGraph(nx.read_graphml(path))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise GraphError(f"{path}: not a readable {fmt} graph ({exc}); rewrite it with `magnet graph`") from exc
    except Exception as exc:  # GraphML parse errors come from xml.etree as several types
        raise GraphError(f"{path}: not a readable {fmt} graph ({type(exc).__name__}: {exc}); rewrite it with `magnet graph`") from exc
    for _u, _v, d in G.edges(data=True):
        for key in _LIST_ATTRS:
            val = d.get(key)
            if isinstance(val, str):
                try:
                    d[key] = json.loads(val)
                except ValueError as exc:
                    raise GraphError(f"{path}: edge {_u} -> {_v}: field {key}: not JSON ({exc})") from exc
        if "feeds" in d:
            d["feeds"] = [list(pair) for pair in d["feeds"]]
    return G


def graph_summary(G: nx.DiGraph, *, top: int = 5) -> dict[str, Any]:
    """Counts and shape of a tool graph.

    Keys: ``tools``, ``edges``, ``nested_edges``, ``kinds`` (edges per kind), ``toolkits``,
    ``components`` (weakly connected), ``isolated`` (names of tools with no edge, sorted),
    ``top_out`` / ``top_in`` (``[[name, degree], ...]``, the ``top`` largest, ties by name).
    """
    kinds: dict[str, int] = {}
    nested = 0
    for _u, _v, d in G.edges(data=True):
        kinds[d.get("kind", "")] = kinds.get(d.get("kind", ""), 0) + 1
        nested += bool(d.get("nested"))
    toolkits = {d.get("toolkit", "") for _n, d in G.nodes(data=True)}

    def hubs(degrees: Any) -> list[list[Any]]:
        ranked = sorted(((n, k) for n, k in degrees if k > 0), key=lambda nk: (-nk[1], str(nk[0])))
        return [[n, k] for n, k in ranked[:top]]

    return {
        "tools": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "nested_edges": nested,
        "kinds": dict(sorted(kinds.items())),
        "toolkits": len(toolkits),
        "components": nx.number_weakly_connected_components(G) if G.number_of_nodes() else 0,
        "isolated": sorted(str(n) for n in nx.isolates(G)),
        "top_out": hubs(G.out_degree()),
        "top_in": hubs(G.in_degree()),
    }
