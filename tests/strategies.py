"""Hypothesis strategies for tool graphs and function signature paths, and path checks.

Reusable by any test: ``graphs()``, ``paths(names)``, ``graph_and_path()``, and
``path_problems(path)`` / ``assert_well_formed(path)`` (the invariants every operator
keeps). Importing this module registers two hypothesis profiles: ``magnet-ci``
(derandomized, loaded when the ``CI`` environment variable is set) and ``magnet-dev``
(the default otherwise). Neither has a deadline: the machine is shared, and tests do not
assert on time.
"""

from __future__ import annotations

import os

import networkx as nx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from magnet_graph.types import Path, Turn

settings.register_profile(
    "magnet-ci", derandomize=True, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("magnet-dev", deadline=None)
settings.load_profile("magnet-ci" if os.environ.get("CI") else "magnet-dev")

__all__ = [
    "assert_well_formed",
    "graph_and_path",
    "graph_snapshot",
    "graphs",
    "node_names",
    "path_problems",
    "paths",
]

MISS_TAGS = ("miss_func", "miss_param")
# Tag sets a function-bearing turn may carry in a drawn path.
TURN_TAGS = (("walk",), ("walk", "merge"), ("walk", "insert_nested"), ("walk", "merge", "insert_nested"))


def node_names(n: int) -> list[str]:
    """``n`` tool names: ``t0``, ``t1``, ..."""
    return [f"t{i}" for i in range(n)]


@st.composite
def graphs(
    draw: st.DrawFn, *, min_nodes: int = 1, max_nodes: int = 8, max_degree: int = 4, self_loops: bool = True
) -> nx.DiGraph:
    """A tool graph: nodes ``t0..tn``, edges with ``nested``, ``score``, ``kind``, ``reason``, ``feeds``."""
    n = draw(st.integers(min_nodes, max_nodes))
    names = node_names(n)
    G = nx.DiGraph()
    G.add_nodes_from(names)
    index = st.integers(0, n - 1)
    scores = st.sampled_from((0.0, 0.25, 0.5, 1.0))
    edges = draw(st.lists(st.tuples(index, index, st.booleans(), scores), max_size=n * max_degree))
    for u, v, nested, score in edges:
        if u == v and not self_loops:
            continue
        reason = f"{names[u]} feeds {names[v]}"
        G.add_edge(names[u], names[v], nested=nested, score=score, kind="test", reason=reason, feeds=[])
    return G


@st.composite
def paths(
    draw: st.DrawFn,
    names: list[str],
    *,
    min_turns: int = 0,
    max_turns: int = 7,
    max_funcs: int = 3,
    misses: bool = True,
    sources: bool = True,
    plain: bool = False,
) -> Path:
    """A well-formed path over ``names`` (see :func:`path_problems`).

    ``plain=True`` gives walk-like paths: one function per turn, tags ``("walk",)``, no
    miss turns and no sources. Otherwise turns hold 1..``max_funcs`` functions and may
    carry merge / insert tags, miss turns (each followed by a function-bearing turn) and
    ``insert_long`` turns with a ``source``.
    """
    func = st.sampled_from(names)
    if plain:
        funcs = draw(st.lists(func, min_size=min_turns, max_size=max_turns))
        return Path(tuple(Turn((f,), ("walk",)) for f in funcs), seed=draw(st.integers(0, 2**63 - 1)))
    turns: list[Turn] = []
    count = draw(st.integers(min_turns, max_turns))
    while len(turns) < count:
        i = len(turns)
        prev_bears = i == 0 or bool(turns[-1].funcs)
        if misses and prev_bears and i + 1 < count and draw(st.integers(0, 5)) == 0:
            turns.append(Turn((), (draw(st.sampled_from(MISS_TAGS)),)))
            continue
        bearing = [j for j, t in enumerate(turns) if t.funcs and j < i - 1]
        if sources and bearing and draw(st.integers(0, 3)) == 0:
            turns.append(Turn((draw(func),), ("insert_long",), draw(st.sampled_from(bearing))))
            continue
        fs = tuple(draw(st.lists(func, min_size=1, max_size=max_funcs)))
        turns.append(Turn(fs, draw(st.sampled_from(TURN_TAGS))))
    return Path(tuple(turns), seed=draw(st.integers(0, 2**63 - 1)))


@st.composite
def graph_and_path(
    draw: st.DrawFn, *, max_nodes: int = 8, max_turns: int = 7, plain: bool = False, **path_options: bool
) -> tuple[nx.DiGraph, Path]:
    """A graph and a well-formed path over its nodes."""
    G = draw(graphs(max_nodes=max_nodes))
    return G, draw(paths(sorted(G.nodes), max_turns=max_turns, plain=plain, **path_options))


def path_problems(path: Path) -> list[str]:
    """What is wrong with ``path`` (empty when well formed).

    Well formed: a miss turn has no functions, exactly one miss tag, and is followed by a
    function-bearing turn; every other turn has functions; a ``source`` points at an
    earlier function-bearing turn.
    """
    problems = []
    turns = path.turns
    for i, t in enumerate(turns):
        if t.is_miss:
            if t.funcs:
                problems.append(f"turn {i}: miss turn with functions {t.funcs}")
            if sum(tag in MISS_TAGS for tag in t.tags) != 1:
                problems.append(f"turn {i}: miss turn tags {t.tags}")
            if i + 1 >= len(turns) or not turns[i + 1].funcs:
                problems.append(f"turn {i}: miss turn not followed by a function-bearing turn")
        elif not t.funcs:
            problems.append(f"turn {i}: no functions and no miss tag")
        if t.source is not None:
            if not 0 <= t.source < i:
                problems.append(f"turn {i}: source {t.source} does not point at an earlier turn")
            elif not turns[t.source].funcs:
                problems.append(f"turn {i}: source {t.source} is a turn without functions")
        if len(set(t.tags)) != len(t.tags):
            problems.append(f"turn {i}: duplicate tags {t.tags}")
    return problems


def assert_well_formed(path: Path) -> None:
    """Fail with every problem :func:`path_problems` finds."""
    problems = path_problems(path)
    assert not problems, "; ".join(problems)


def graph_snapshot(G: nx.DiGraph) -> tuple:
    """Everything observable about ``G`` (nodes, edges and all attributes), to compare before/after."""
    return (
        sorted((n, repr(sorted(d.items()))) for n, d in G.nodes(data=True)),
        sorted((u, v, repr(sorted(d.items()))) for u, v, d in G.edges(data=True)),
        repr(sorted(G.graph.items())),
    )
