"""A self-contained HTML page of a tool graph, for people (no external scripts, fonts or CDNs).

The drawing is an inline SVG with a deterministic layout computed here: toolkits sit on a large
circle, each toolkit's tools on a small circle around its place, coloured by toolkit. Nested
edges are drawn solid and dark, other feeding edges thin and grey, preconditions dashed; every
node and edge has a hover title (an edge's title is its reason). Beside it: a legend, the
summary and a filterable table of all edges.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import networkx as nx

__all__ = ["render_html"]

_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)  # fmt: skip
_NODE_R = 6.0
_SPACING = 40.0  # arc length per tool in a toolkit circle (room for its label)

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222}
header{padding:10px 16px;border-bottom:1px solid #ddd}
h1{font-size:18px;margin:0 0 4px}
main{display:flex;gap:12px;padding:12px;align-items:flex-start}
#drawing{flex:1 1 60%;overflow:auto;border:1px solid #ddd;max-height:88vh}
aside{flex:1 1 40%;max-height:88vh;overflow:auto}
table{border-collapse:collapse;font-size:12px;width:100%}
th,td{border-bottom:1px solid #eee;padding:3px 5px;text-align:left;vertical-align:top}
th{position:sticky;top:0;background:#fafafa}
.sw{display:inline-block;width:11px;height:11px;border-radius:6px;margin-right:5px;vertical-align:middle}
.legend div{font-size:12px;margin:2px 0}
svg text{font-size:9px;fill:#333;pointer-events:none}
line.e{stroke:#9a9a9a;stroke-width:.8;opacity:.55}
line.e.nested{stroke:#b2182b;stroke-width:1.6;opacity:.85}
line.e.pre{stroke-dasharray:4 3}
line.e:hover{opacity:1;stroke-width:3}
circle:hover{stroke:#000;stroke-width:2}
#filter{width:100%;margin:6px 0;padding:4px;box-sizing:border-box}
"""

_JS = """
document.getElementById('filter').addEventListener('input',function(){
  var q=this.value.toLowerCase();
  document.querySelectorAll('#edges tbody tr').forEach(function(r){
    r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';});
});
"""


def _layout(G: nx.DiGraph) -> tuple[dict[Any, tuple[float, float]], dict[str, str], float]:
    """Node positions, toolkit colours and the canvas size (deterministic)."""
    groups: dict[str, list[Any]] = {}
    for n, d in G.nodes(data=True):
        groups.setdefault(str(d.get("toolkit", "")), []).append(n)
    names = list(groups)
    colours = {tk: _PALETTE[k % len(_PALETTE)] for k, tk in enumerate(names)}
    radii = [max(28.0, len(groups[tk]) * _SPACING / (2 * math.pi)) for tk in names]
    big = sum(2 * r + 140 for r in radii) / (2 * math.pi) if len(names) > 1 else 0.0
    margin = 90.0
    size = 2 * (big + (max(radii) if radii else 0.0) + margin)
    centre = size / 2
    pos: dict[Any, tuple[float, float]] = {}
    total = sum(2 * r + 140 for r in radii) or 1.0
    angle = -math.pi / 2
    for tk, r in zip(names, radii):
        share = (2 * r + 140) / total * 2 * math.pi
        a = angle + share / 2
        angle += share
        cx, cy = centre + big * math.cos(a), centre + big * math.sin(a)
        members = groups[tk]
        for k, n in enumerate(members):
            b = 2 * math.pi * k / len(members) - math.pi / 2
            pos[n] = (cx + r * math.cos(b), cy + r * math.sin(b)) if len(members) > 1 else (cx, cy)
    return pos, colours, size


def render_html(G: nx.DiGraph, *, title: str = "magnet tool graph") -> str:
    """The graph as one self-contained HTML page."""
    from .io import graph_summary  # local: io imports this module

    pos, colours, size = _layout(G)
    svg: list[str] = [
        f'<svg viewBox="0 0 {size:.0f} {size:.0f}" width="{size:.0f}" height="{size:.0f}" role="img" '
        f'aria-label="tool dependency graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker>'
        '<marker id="arrowN" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b2182b"/></marker></defs>',
    ]
    rows: list[str] = []
    for u, v, d in G.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        sx, sy = x1 + dx / dist * _NODE_R, y1 + dy / dist * _NODE_R
        ex, ey = x2 - dx / dist * (_NODE_R + 2), y2 - dy / dist * (_NODE_R + 2)
        nested = bool(d.get("nested"))
        kind = str(d.get("kind", ""))
        cls = "e" + (" nested" if nested else "") + (" pre" if kind == "precondition" else "")
        reason = str(d.get("reason", ""))
        score = d.get("score", "")
        tip = f"{u} \u2192 {v} ({kind}{', nested' if nested else ''}, score {score}): {reason}"
        svg.append(
            f'<line class="{cls}" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
            f'marker-end="url(#{"arrowN" if nested else "arrow"})"><title>{escape(tip)}</title></line>'
        )
        rows.append(
            f"<tr><td>{escape(str(u))}</td><td>{escape(str(v))}</td><td>{escape(kind)}</td>"
            f"<td>{'yes' if nested else ''}</td><td>{escape(str(score))}</td><td>{escape(reason)}</td></tr>"
        )
    for n, d in G.nodes(data=True):
        x, y = pos[n]
        tk = str(d.get("toolkit", ""))
        tip = f"{n} [{tk or 'no toolkit'}] {d.get('description', '')}"
        svg.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_NODE_R}" fill="{colours[tk]}"><title>{escape(tip)}</title></circle>'
            f'<text x="{x + _NODE_R + 2:.1f}" y="{y + 3:.1f}">{escape(str(n))}</text>'
        )
    svg.append("</svg>")
    s = graph_summary(G)
    legend = "".join(
        f'<div><span class="sw" style="background:{c}"></span>{escape(tk or "(no toolkit)")}</div>'
        for tk, c in colours.items()
    )
    legend += (
        '<div><svg width="40" height="8"><line x1="0" y1="4" x2="40" y2="4" stroke="#b2182b" stroke-width="2"/></svg>'
        " nested edge (a required parameter can be filled from the output)</div>"
        '<div><svg width="40" height="8"><line x1="0" y1="4" x2="40" y2="4" stroke="#9a9a9a"/></svg>'
        " output feeds a parameter (exact or part)</div>"
        '<div><svg width="40" height="8"><line x1="0" y1="4" x2="40" y2="4" stroke="#9a9a9a" stroke-dasharray="4 3"/>'
        "</svg> precondition</div>"
    )
    summary = (
        f"{s['tools']} tools, {s['toolkits']} toolkits, {s['edges']} edges "
        f"({s['nested_edges']} nested), {s['components']} weakly connected components, "
        f"{len(s['isolated'])} isolated tools"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><div>{escape(summary)}</div></header><main>"
        f'<div id="drawing">{"".join(svg)}</div>'
        f'<aside><h2 style="font-size:15px">Legend</h2><div class="legend">{legend}</div>'
        f'<h2 style="font-size:15px">Edges</h2><input id="filter" placeholder="filter edges (tool, kind, reason)">'
        '<table id="edges"><thead><tr><th>source</th><th>target</th><th>kind</th><th>nested</th><th>score</th>'
        f'<th>reason</th></tr></thead><tbody>{"".join(rows)}</tbody></table></aside></main>'
        f"<script>{_JS}</script></body></html>\n"
    )
