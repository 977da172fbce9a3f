"""Function signature paths (FSPs) from seeded random walks on the tool graph (METHOD A2).

A walk starts at a node, calls one function per turn and moves along an out-edge chosen
uniformly (or in proportion to the edge ``score`` with ``weighted=True``); a dead end ends
it, and by default it never revisits a node. Every turn is tagged ``("walk",)``.

Sampling is numbered: walk ``w`` of a run with seed ``seed`` draws everything from
``walk_rng(seed, w, attempt)`` and starts at ``start_order(G, seed=seed)[w % len(order)]``,
so any single path can be regenerated alone, runs can be sharded by walk number, and
``attempt > 0`` gives a fresh walk for the same number.

The hot loop never touches networkx: :func:`adjacency` snapshots the graph once (sorted
successor tuples, nested successor tuples, cumulative score weights, one shared
``Turn`` per node) and caches the snapshot on the graph itself.

>>> import networkx as nx, random
>>> G = nx.DiGraph([("search", "book", {"nested": True}), ("book", "pay", {"nested": True})])
>>> random_walk(G, "search", length=5, rng=random.Random(0)).functions()
('search', 'book', 'pay')
"""

from __future__ import annotations

import math
import random
import weakref
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Literal, Sequence

import networkx as nx

from .errors import GraphError, PathError
from .seeding import derive_seed, make_rng, seeded_random
from .types import Path, Turn

__all__ = [
    "Adjacency",
    "DEFAULT_RETRIES",
    "WalkStats",
    "Walker",
    "adjacency",
    "path_seed",
    "random_walk",
    "sample_paths",
    "start_order",
    "walk_rng",
]

#: How many times a walk shorter than ``min_turns`` is redrawn from the same start.
DEFAULT_RETRIES = 10
WALK_TAGS = ("walk",)
Starts = Literal["cover", "uniform"]

_CACHE_KEY = "magnet_graph.adjacency"
_FALLBACK_CACHE: "weakref.WeakKeyDictionary[Any, Adjacency]" = weakref.WeakKeyDictionary()
_MAX_ORDERS = 256  # start orders kept per graph (one per (seed, min_turns, revisit))


class Adjacency:
    """A read-only snapshot of a tool graph, shaped for fast sampling.

    Successors are sorted by name, so results do not depend on the order in which the
    graph's edges were added. ``*_cum`` hold cumulative positive scores (``None`` when no
    successor has a positive score: then choices are uniform). An edge without ``score``
    weighs 1.0; a missing ``nested`` attribute means not nested.

    Build it with :func:`adjacency`, which caches it on the graph.
    """

    __slots__ = (
        "nodes",
        "succ",
        "succ_w",
        "succ_cum",
        "nested",
        "nested_w",
        "nested_cum",
        "walk_turns",
        "_bound",
        "_cyclic",
        "_orders",
        "memo",
        "__weakref__",
    )

    def __init__(self, G: nx.DiGraph):
        if not isinstance(G, nx.DiGraph):
            raise GraphError(
                f"the tool graph must be a networkx DiGraph, got {type(G).__name__}; build it with magnet_graph.graph"
            )
        try:
            self.nodes: tuple[str, ...] = tuple(sorted(G.nodes))
        except TypeError:
            raise GraphError("graph node names must be comparable (tool names are strings); relabel the nodes") from None
        multi = G.is_multigraph()
        self.succ: dict[str, tuple[str, ...]] = {}
        self.succ_w: dict[str, tuple[float, ...]] = {}
        self.succ_cum: dict[str, tuple[float, ...] | None] = {}
        self.nested: dict[str, tuple[str, ...]] = {}
        self.nested_w: dict[str, tuple[float, ...]] = {}
        self.nested_cum: dict[str, tuple[float, ...] | None] = {}
        self.walk_turns: dict[str, Turn] = {}
        for u in self.nodes:
            out = []
            for v, data in G.succ[u].items():
                datas = list(data.values()) if multi else [data]
                nested = any(bool(d.get("nested", False)) for d in datas)
                weight = max(_weight(d, u, v) for d in datas)
                out.append((v, weight, nested))
            out.sort(key=lambda e: e[0])
            self.succ[u] = tuple(v for v, _, _ in out)
            self.succ_w[u] = tuple(w for _, w, _ in out)
            self.succ_cum[u] = _cumulative(self.succ_w[u])
            nest = [(v, w) for v, w, n in out if n]
            self.nested[u] = tuple(v for v, _ in nest)
            self.nested_w[u] = tuple(w for _, w in nest)
            self.nested_cum[u] = _cumulative(self.nested_w[u])
            self.walk_turns[u] = Turn((u,), WALK_TAGS)
        self._bound, self._cyclic = _walk_bounds(G, self.nodes)
        self._orders: dict[tuple[int, int, bool], tuple[str, ...]] = {}
        #: Free for callers that cache per-graph objects (e.g. ops.path_for_slot's samplers).
        self.memo: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, node: object) -> bool:
        return node in self.succ

    def max_walk(self, node: str, *, revisit: bool = False) -> float:
        """An upper bound of the number of turns a walk from ``node`` can reach.

        Exact on acyclic parts of the graph; ``math.inf`` when ``revisit`` is allowed and a
        cycle is reachable. A start whose bound is below ``min_turns`` can never give an
        acceptable path.
        """
        if revisit and self._cyclic[node]:
            return math.inf
        return float(self._bound[node])

    def start_order(self, *, seed: int, min_turns: int = 1, revisit: bool = False) -> tuple[str, ...]:
        """See :func:`start_order` (this is the cached implementation)."""
        key = (int(seed), int(min_turns), bool(revisit))
        order = self._orders.get(key)
        if order is None:
            shuffled = list(self.nodes)
            random.Random(derive_seed(seed, "starts")).shuffle(shuffled)
            order = tuple(v for v in shuffled if self.max_walk(v, revisit=revisit) >= min_turns)
            if len(self._orders) >= _MAX_ORDERS:
                self._orders.clear()
            self._orders[key] = order
        return order


def _weight(data: dict[str, Any], u: object, v: object) -> float:
    """The sampling weight of one edge: its positive, finite ``score`` (default 1.0), else 0."""
    raw = data.get("score", 1.0)
    try:
        score = float(raw)
    except (TypeError, ValueError):
        raise GraphError(f"edge {u!r} -> {v!r}: field score: {raw!r} is not a number; use a float in [0, 1]") from None
    return score if 0.0 < score < math.inf else 0.0


def _cumulative(weights: Sequence[float]) -> tuple[float, ...] | None:
    """Cumulative weights for bisection, or ``None`` when none is positive (uniform then)."""
    if not weights or not any(w > 0.0 for w in weights):
        return None
    return tuple(accumulate(weights))


def _walk_bounds(G: nx.DiGraph, nodes: Sequence[str]) -> tuple[dict[str, int], dict[str, bool]]:
    """Per node: an upper bound of a simple walk's length, and whether a cycle is reachable.

    A simple path enters each strongly connected component at most once and visits at most
    all of its nodes, so ``bound(C) = |C| + max(bound(successor components))``.
    """
    C = nx.condensation(G)
    mapping = C.graph["mapping"]
    bound: dict[int, int] = {}
    cyclic: dict[int, bool] = {}
    for c in reversed(list(nx.topological_sort(C))):
        members = C.nodes[c]["members"]
        loops = len(members) > 1 or any(G.has_edge(m, m) for m in members)
        nxt = C.succ[c]
        bound[c] = len(members) + max((bound[s] for s in nxt), default=0)
        cyclic[c] = loops or any(cyclic[s] for s in nxt)
    return {v: bound[mapping[v]] for v in nodes}, {v: cyclic[mapping[v]] for v in nodes}


def adjacency(G: nx.DiGraph | Adjacency, *, refresh: bool = False) -> Adjacency:
    """Return the sampling snapshot of ``G``, built once and cached on the graph.

    The cache lives in ``G.__networkx_cache__``, which networkx clears whenever the graph
    changes through its methods (``add_edge``, ``remove_node``, ``set_edge_attributes`` ...).
    Writing into an attribute dict directly (``G.edges[u, v]["score"] = 0.5``) is not
    detected: pass ``refresh=True`` after doing that. An :class:`Adjacency` is returned as is.
    """
    if isinstance(G, Adjacency):
        return G
    cache = getattr(G, "__networkx_cache__", None)
    if isinstance(cache, dict):
        adj = None if refresh else cache.get(_CACHE_KEY)
        if adj is None:
            adj = cache[_CACHE_KEY] = Adjacency(G)
        return adj
    adj = None if refresh else _FALLBACK_CACHE.get(G)
    if adj is None:
        adj = _FALLBACK_CACHE[G] = Adjacency(G)
    return adj


def walk_rng(seed: int, w: int, attempt: int = 0) -> random.Random:
    """The random generator of walk number ``w`` (and of the operators applied to it)."""
    return seeded_random(derive_seed(seed, "walk", w, attempt))


def path_seed(seed: int, slot: int, attempt: int = 0) -> int:
    """The ``Path.seed`` of slot ``slot``: unique to ``(seed, slot, attempt)``.

    ``attempt == 0`` gives ``derive_seed(seed, "path", slot)``.
    """
    return derive_seed(seed, "path", slot) if attempt == 0 else derive_seed(seed, "path", slot, attempt)


def start_order(G: nx.DiGraph | Adjacency, *, seed: int, min_turns: int = 1, revisit: bool = False) -> tuple[str, ...]:
    """The coverage-aware start order: walk ``w`` starts at ``order[w % len(order)]``.

    The sorted node list is shuffled once by ``derive_seed(seed, "starts")``; nodes from
    which no walk can reach ``min_turns`` turns (see :meth:`Adjacency.max_walk`, e.g. a
    dead end when ``min_turns >= 2``) are left out so that no slot is wasted on them.
    Empty when no node qualifies. Cached per graph, seed and options.
    """
    return adjacency(G).start_order(seed=seed, min_turns=min_turns, revisit=revisit)


def choose(seq: Sequence[str], cum: Sequence[float] | None, rnd: Any) -> str:
    """One element of ``seq``: uniform when ``cum`` is None, else by cumulative weights."""
    if cum is None:
        return seq[int(rnd() * len(seq))]
    i = bisect_right(cum, rnd() * cum[-1])
    return seq[i if i < len(seq) else len(seq) - 1]


def choose_excluding(
    seq: Sequence[str], weights: Sequence[float] | None, seen: set[str] | None, avoid: str | None, rnd: Any
) -> str | None:
    """One element of ``seq`` not in ``seen`` and not ``avoid`` (weighted when ``weights``).

    The rare path of a rejected draw: drawing from the full list and, on a hit, redrawing
    from the remaining ones gives exactly the distribution restricted to the remaining ones.
    """
    keep = [i for i, v in enumerate(seq) if v != avoid and (seen is None or v not in seen)]
    if not keep:
        return None
    if weights is not None:
        total = sum(weights[i] for i in keep)
        if total > 0.0:
            x = rnd() * total
            acc = 0.0
            last = keep[-1]
            for i in keep:
                if weights[i] > 0.0:
                    acc += weights[i]
                    last = i
                    if x < acc:
                        return seq[i]
            return seq[last]
    return seq[keep[int(rnd() * len(keep))]]


def _walk(adj: Adjacency, start: str, length: int, rnd: Any, weighted: bool, revisit: bool) -> list[Turn]:
    """The turns of one walk of at most ``length`` turns from ``start`` (hot loop)."""
    succ = adj.succ
    cums = adj.succ_cum
    turns = adj.walk_turns
    out = [turns[start]]
    node = start
    seen = None if revisit else {start}
    for _ in range(length - 1):
        nbrs = succ[node]
        if not nbrs:
            break
        cum = cums[node] if weighted else None
        if cum is None:
            nxt = nbrs[int(rnd() * len(nbrs))]
        else:
            i = bisect_right(cum, rnd() * cum[-1])
            nxt = nbrs[i if i < len(nbrs) else len(nbrs) - 1]
        if seen is not None:
            if nxt in seen:
                nxt = choose_excluding(nbrs, adj.succ_w[node] if weighted else None, seen, None, rnd)
                if nxt is None:
                    break
            seen.add(nxt)
        out.append(turns[nxt])
        node = nxt
    return out


def _check_start(adj: Adjacency, start: str) -> None:
    if start not in adj.succ:
        raise PathError(f"start node {start!r} is not in the graph; pick one of its {len(adj)} tool names")


def _check_lengths(min_turns: int, max_turns: int) -> None:
    if not (isinstance(min_turns, int) and isinstance(max_turns, int)) or not 1 <= min_turns <= max_turns:
        raise PathError(f"min_turns={min_turns!r}, max_turns={max_turns!r}: need integers with 1 <= min_turns <= max_turns")


def random_walk(
    G: nx.DiGraph | Adjacency,
    start: str,
    *,
    length: int,
    rng: random.Random | int,
    weighted: bool = False,
    revisit: bool = False,
) -> Path:
    """Walk at most ``length`` turns from ``start``, one function per turn.

    Each step follows an out-edge chosen uniformly (``weighted=True``: in proportion to the
    edge ``score``; edges with no positive score only when no other is left). A dead end
    (no out-edge, or only visited successors when ``revisit`` is False) ends the walk.
    Turns are tagged ``("walk",)``; the path's seed is 0 (see :class:`Walker` for seeded,
    numbered walks).

    >>> import networkx as nx, random
    >>> G = nx.DiGraph([("a", "b"), ("b", "a")])
    >>> len(random_walk(G, "a", length=4, rng=random.Random(1)))
    2
    >>> len(random_walk(G, "a", length=4, rng=random.Random(1), revisit=True))
    4
    """
    adj = adjacency(G)
    _check_start(adj, start)
    if not isinstance(length, int) or length < 1:
        raise PathError(f"length={length!r}: a walk needs an integer length >= 1")
    return Path(tuple(_walk(adj, start, length, make_rng(rng).random, weighted, revisit)))


@dataclass
class WalkStats:
    """Counts of one :func:`sample_paths` call (pass one in to have it filled).

    ``skipped``: walks still shorter than ``min_turns`` after every retry, so left out.
    ``excluded_starts`` (of the last call): nodes left out of the start order because no
    walk from them can reach ``min_turns`` turns. The other counts add up over calls.
    """

    requested: int = 0
    returned: int = 0
    skipped: int = 0
    excluded_starts: int = 0


class Walker:
    """Numbered, seeded walks: ``walk(w)`` is the same path every time for the same options.

    Walk ``w`` draws from ``walk_rng(seed, w, attempt)``. With ``starts="cover"`` it starts
    at ``start_order(G, seed=seed, ...)[w % len(order)]``, so consecutive walks cover the
    nodes evenly; with ``"uniform"`` the start is drawn from the same order. The length
    target is uniform in ``[min_turns, max_turns]``; a walk cut short by a dead end below
    ``min_turns`` is redrawn from the same start up to ``retries`` times, then given up.
    """

    __slots__ = ("adj", "seed", "min_turns", "max_turns", "starts", "weighted", "revisit", "retries", "order")

    def __init__(
        self,
        G: nx.DiGraph | Adjacency,
        *,
        seed: int,
        min_turns: int,
        max_turns: int,
        starts: Starts = "cover",
        weighted: bool = False,
        revisit: bool = False,
        retries: int = DEFAULT_RETRIES,
    ):
        _check_lengths(min_turns, max_turns)
        if starts not in ("cover", "uniform"):
            raise PathError(f"starts={starts!r}: use 'cover' (every node starts walks evenly) or 'uniform'")
        if not isinstance(retries, int) or retries < 0:
            raise PathError(f"retries={retries!r}: use an integer >= 0")
        self.adj = adjacency(G)
        self.seed = int(seed)
        self.min_turns = min_turns
        self.max_turns = max_turns
        self.starts = starts
        self.weighted = bool(weighted)
        self.revisit = bool(revisit)
        self.retries = retries
        self.order = self.adj.start_order(seed=self.seed, min_turns=min_turns, revisit=self.revisit)

    def start(self, w: int, rng: random.Random) -> str | None:
        """The start node of walk ``w`` (``rng`` is used only with ``starts="uniform"``)."""
        order = self.order
        if not order:
            return None
        if self.starts == "cover":
            return order[w % len(order)]
        return order[int(rng.random() * len(order))]

    def walk(self, w: int, *, attempt: int = 0, rng: random.Random | None = None, seed: int | None = None) -> Path | None:
        """Walk number ``w``, or ``None`` when no acceptable walk was found.

        ``rng`` defaults to ``walk_rng(self.seed, w, attempt)``; pass your own to keep
        drawing from it afterwards (the operators do). ``seed`` is the ``Path.seed`` of the
        result, by default ``path_seed(self.seed, w, attempt)``.
        """
        if rng is None:
            rng = walk_rng(self.seed, w, attempt)
        start = self.start(w, rng)
        if start is None:
            return None
        rnd = rng.random
        lo = self.min_turns
        length = lo + int(rnd() * (self.max_turns - lo + 1))
        for _ in range(self.retries + 1):
            turns = _walk(self.adj, start, length, rnd, self.weighted, self.revisit)
            if len(turns) >= lo:
                return Path(tuple(turns), path_seed(self.seed, w, attempt) if seed is None else seed)
        return None


def sample_paths(
    G: nx.DiGraph | Adjacency,
    *,
    n: int,
    min_turns: int,
    max_turns: int,
    seed: int,
    starts: Starts = "cover",
    weighted: bool = False,
    revisit: bool = False,
    retries: int = DEFAULT_RETRIES,
    stats: WalkStats | None = None,
) -> list[Path]:
    """Sample up to ``n`` walk paths of ``min_turns..max_turns`` turns (see :class:`Walker`).

    Path ``i`` has ``Path.seed == path_seed(seed, i)`` and equals
    ``magnet_graph.ops.path_for_slot(G, i, seed=seed, ops=(), ...)`` with the same options,
    so any single path can be regenerated alone. Walks that stay shorter than
    ``min_turns`` after ``retries`` redraws are skipped; ``stats`` (if given) counts them.

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    >>> [p.functions()[0] for p in sample_paths(G, n=6, min_turns=2, max_turns=3, seed=0)]
    ['a', 'c', 'b', 'a', 'c', 'b']
    """
    if not isinstance(n, int) or n < 0:
        raise PathError(f"n={n!r}: the number of paths must be an integer >= 0")
    walker = Walker(
        G,
        seed=seed,
        min_turns=min_turns,
        max_turns=max_turns,
        starts=starts,
        weighted=weighted,
        revisit=revisit,
        retries=retries,
    )
    out = []
    for i in range(n):
        path = walker.walk(i)
        if path is not None:
            out.append(path)
    if stats is not None:
        stats.requested += n
        stats.returned += len(out)
        stats.skipped += n - len(out)
        stats.excluded_starts = len(walker.adj) - len(walker.order)
    return out
