"""Dataset statistics: shape, operators, coverage and diversity of a records file.

:func:`compute_stats` reads records (and optionally pairs) once and returns a
:class:`Stats`: turns and calls per conversation (mean and distribution), calls per turn,
turn kinds and op tags, tool and edge coverage of the dependency graph, path diversity
(distinct paths, distinct call 2-/3-grams) and request diversity (distinct-1/2/3 over user
messages), and the error types of pairs. :func:`stats_rows` gives the table rows,
:func:`render_html` a self-contained HTML page of bar charts (inline SVG), and
:func:`render_png` the same charts through matplotlib when it is installed.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Iterable, Mapping

__all__ = ["Stats", "compute_stats", "distinct_n", "stats_rows", "render_html", "render_png", "charts"]

_WORD = re.compile(r"\w+")


def _ngrams(seq: list[Any], n: int) -> Iterable[tuple[Any, ...]]:
    return (tuple(seq[i:i + n]) for i in range(len(seq) - n + 1))


def distinct_n(texts: Iterable[str], n: int) -> float:
    """Distinct-n: unique word n-grams / all word n-grams over ``texts`` (0 when none)."""
    seen: set[tuple[str, ...]] = set()
    total = 0
    for text in texts:
        words = _WORD.findall(text.lower())
        for gram in _ngrams(words, n):
            seen.add(gram)
            total += 1
    return len(seen) / total if total else 0.0


@dataclass
class Stats:
    """Figures of one records file (and its pairs). Counters map a value to how often."""

    records: int = 0
    turns: Counter = field(default_factory=Counter)  # turns per conversation
    calls: Counter = field(default_factory=Counter)  # calls per conversation
    calls_per_turn: Counter = field(default_factory=Counter)  # normal turns only
    kinds: Counter = field(default_factory=Counter)
    tags: Counter = field(default_factory=Counter)
    tools: Counter = field(default_factory=Counter)  # tool -> calls
    paths: int = 0  # distinct paths
    bigrams: tuple[int, int] = (0, 0)  # (distinct, total) call 2-grams
    trigrams: tuple[int, int] = (0, 0)
    distinct: dict[int, float] = field(default_factory=dict)  # distinct-n of user messages
    graph_tools: int | None = None
    graph_edges: int | None = None
    edges_used: int | None = None
    pairs: Counter = field(default_factory=Counter)  # error type -> pairs
    pair_turns: Counter = field(default_factory=Counter)  # diverging turn index -> pairs

    @staticmethod
    def mean(counter: Counter) -> float:
        n = sum(counter.values())
        return sum(k * v for k, v in counter.items()) / n if n else 0.0


def compute_stats(records: Iterable[Mapping[str, Any]], *, graph: Any = None,
                  pairs: Iterable[Mapping[str, Any]] = ()) -> Stats:
    """The :class:`Stats` of ``records``; coverage needs ``graph`` (an ``nx.DiGraph`` of the
    catalog, from :func:`magnet_graph.graph.build_graph`)."""
    s = Stats()
    paths: set[tuple] = set()
    bi: Counter = Counter()
    tri: Counter = Counter()
    users: list[str] = []
    transitions: set[tuple[str, str]] = set()
    for rec in records:
        s.records += 1
        turns = rec["turns"]
        s.turns[len(turns)] += 1
        seq: list[str] = []
        for turn in turns:
            kind = turn.get("kind", "normal")
            s.kinds[kind] += 1
            s.tags.update(turn.get("tags", []))
            names = [c["name"] for c in turn.get("calls", [])]
            if kind == "normal":
                s.calls_per_turn[len(names)] += 1
            seq.extend(names)
        s.calls[len(seq)] += 1
        s.tools.update(seq)
        paths.add(tuple(tuple(p.get("funcs", [])) for p in rec["path"]))
        bi.update(_ngrams(seq, 2))
        tri.update(_ngrams(seq, 3))
        transitions.update(zip(seq, seq[1:]))
        users.extend(m["content"] for m in rec["messages"] if m["role"] == "user" and isinstance(m.get("content"), str))
    s.paths = len(paths)
    s.bigrams = (len(bi), sum(bi.values()))
    s.trigrams = (len(tri), sum(tri.values()))
    s.distinct = {n: distinct_n(users, n) for n in (1, 2, 3)}
    if graph is not None:
        s.graph_tools = graph.number_of_nodes()
        s.graph_edges = graph.number_of_edges()
        s.edges_used = sum(1 for a, b in transitions if graph.has_edge(a, b))
    for pair in pairs:
        s.pairs[pair.get("error_type", "?")] += 1
        s.pair_turns[int(pair.get("turn", 0))] += 1
    return s


def _dist(counter: Counter) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counter.items()))


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f}%)" if b else f"{a}/0"


def stats_rows(s: Stats) -> list[tuple[str, str]]:
    """(metric, value) rows for a table."""
    rows: list[tuple[str, str]] = []
    if s.records:
        rows += [
            ("conversations", str(s.records)),
            ("turns / conversation", f"mean {s.mean(s.turns):.2f}; {_dist(s.turns)}"),
            ("calls / conversation", f"mean {s.mean(s.calls):.2f}; {_dist(s.calls)}"),
            ("calls / normal turn", f"mean {s.mean(s.calls_per_turn):.2f}; {_dist(s.calls_per_turn)}"),
            ("turn kinds", _dist(s.kinds)),
            ("op tags (turns)", _dist(s.tags) or "-"),
            ("distinct paths", _pct(s.paths, s.records)),
            ("distinct call 2-grams", _pct(*s.bigrams)),
            ("distinct call 3-grams", _pct(*s.trigrams)),
            ("requests distinct-1/2/3", " / ".join(f"{s.distinct.get(n, 0):.3f}" for n in (1, 2, 3))),
            ("tools called", str(len(s.tools))),
        ]
        if s.graph_tools is not None:
            rows.append(("tool coverage (graph)", _pct(len(s.tools), s.graph_tools)))
            rows.append(("edge coverage (graph)", _pct(s.edges_used or 0, s.graph_edges or 0)))
        top = ", ".join(f"{k} {v}" for k, v in s.tools.most_common(5))
        rows.append(("most called", top or "-"))
    if s.pairs:
        rows.append(("pairs", str(sum(s.pairs.values()))))
        rows.append(("pair error types", _dist(s.pairs)))
        rows.append(("diverging turn", _dist(s.pair_turns)))
    return rows


def charts(s: Stats) -> list[tuple[str, list[tuple[str, float]]]]:
    """The bar charts of a report: ``(title, [(label, value)])``."""
    out = [
        ("Turns per conversation", [(str(k), v) for k, v in sorted(s.turns.items())]),
        ("Calls per conversation", [(str(k), v) for k, v in sorted(s.calls.items())]),
        ("Calls per normal turn", [(str(k), v) for k, v in sorted(s.calls_per_turn.items())]),
        ("Turn kinds", sorted(s.kinds.items())),
        ("Op tags (turns)", sorted(s.tags.items())),
        ("Most called tools", s.tools.most_common(20)),
        ("Requests distinct-n", [(f"distinct-{n}", round(v, 4)) for n, v in sorted(s.distinct.items())]),
        ("Pair error types", sorted(s.pairs.items())),
    ]
    return [(title, bars) for title, bars in out if bars]


def _svg(bars: list[tuple[str, float]]) -> str:
    width, label_w, row = 640, 210, 22
    top = max((v for _, v in bars), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(bars) + 8}" role="img">']
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        w = max(1.0, (width - label_w - 70) * value / top)
        text = html.escape(str(label))
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{text}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#4a7bd0"/>'
                     f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" font-size="12">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(s: Stats, *, title: str = "magnet stats") -> str:
    """A self-contained HTML page: the figures table and one SVG bar chart per distribution."""
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in stats_rows(s))
    sections = "".join(f"<h2>{html.escape(t)}</h2>{_svg(b)}" for t, b in charts(s))
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + html.escape(title) + "</title>"
        "<style>body{font-family:sans-serif;margin:2em;max-width:60em}th{text-align:left;padding-right:1em;"
        "vertical-align:top}td{font-family:monospace}h2{font-size:1.05em;margin-top:1.6em}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><table>{rows}</table>{sections}</body></html>\n"
    )


def render_png(s: Stats, path: str | FsPath) -> None:
    """The charts as one PNG (needs matplotlib; ImportError otherwise)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = charts(s)
    fig, axes = plt.subplots(len(items), 1, figsize=(8, 2.2 * len(items)), squeeze=False)
    for ax, (title, bars) in zip(axes[:, 0], items):
        ax.barh([str(k) for k, _ in bars], [v for _, v in bars], color="#4a7bd0")
        ax.set_title(title, fontsize=10)
        ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
