"""Insert (METHOD A3): add a nested successor of a turn's last function.

Either in the same turn (an implicit call the user never asks for, tag ``insert_nested``)
or as a new turn after a later turn (a long dependency on an output many turns back, tag
``insert_long``, with ``source`` naming the turn that feeds it).
"""

from __future__ import annotations

import random
from typing import Any

import networkx as nx

from ..errors import PathError
from ..seeding import make_rng
from ..types import Path, Turn
from ..walk import Adjacency, choose, choose_excluding, adjacency
from .common import check_probability, with_tags

__all__ = ["insert"]

LONG_TAGS = ("insert_long",)


def insert(
    path: Path,
    G: nx.DiGraph | Adjacency,
    *,
    p: float = 0.5,
    p_long: float = 0.3,
    rng: random.Random | int,
    max_funcs_per_turn: int = 4,
    weighted: bool = False,
) -> Path:
    """For each original function-bearing turn, with probability ``p``, insert a nested call.

    Take the turn's last function ``f`` and choose a nested successor ``g`` of ``f`` in
    ``G`` (edge attribute ``nested`` true; uniform, or by ``score`` with ``weighted=True``)
    that is not already the next function of the path. Then, with probability ``p_long``
    and if a later function-bearing turn exists, ``g`` becomes a new turn
    ``Turn((g,), ("insert_long",), source=<index of f's turn>)`` placed right after a later
    function-bearing turn chosen uniformly (so ``source < index - 1``); otherwise ``g`` is
    appended to ``f``'s turn, which gains the tag ``"insert_nested"`` (skipped when the turn
    already has ``max_funcs_per_turn`` functions).

    Only the turns of the input are visited, left to right; turns inserted by this call
    are not. Original functions keep their order and every ``source`` is renumbered as
    turns shift. Turns are never placed between a miss turn and the turn it refers to.
    ``p=0`` returns ``path`` itself.

    >>> import networkx as nx, random
    >>> from magnet_graph.types import Path, Turn
    >>> G = nx.DiGraph([("get_distance", "convert_unit", {"nested": True})])
    >>> one = Path((Turn(("get_distance",), ("walk",)),))
    >>> insert(one, G, p=1.0, rng=random.Random(0)).turns[0]
    Turn(funcs=('get_distance', 'convert_unit'), tags=('walk', 'insert_nested'), source=None)
    """
    p = check_probability("p", p)
    p_long = check_probability("p_long", p_long)
    if not isinstance(max_funcs_per_turn, int) or max_funcs_per_turn < 1:
        raise PathError(f"max_funcs_per_turn={max_funcs_per_turn!r}: use an integer >= 1")
    return _insert(path, adjacency(G), p, p_long, make_rng(rng).random, max_funcs_per_turn, weighted)


def _insert(path: Path, adj: Adjacency, p: float, p_long: float, rnd: Any, max_funcs: int, weighted: bool) -> Path:
    """:func:`insert` without argument checks (``rnd`` is ``rng.random``)."""
    turns = path.turns
    if p <= 0.0 or not turns:
        return path
    nested = adj.nested
    out = list(turns)
    n = len(out)  # (kept up to date as turns are inserted)
    is_new: list[bool] | None = None  # allocated at the first long insert
    changed = False
    k = 0
    while k < n:
        t = out[k]
        if not t.funcs or (is_new is not None and is_new[k]) or rnd() >= p:
            k += 1
            continue
        f = t.funcs[-1]
        cands = nested.get(f)
        if not cands:
            k += 1
            continue
        nxt_turn = k + 1  # the next function-bearing turn, if any
        while nxt_turn < n and not out[nxt_turn].funcs:
            nxt_turn += 1
        nxt = out[nxt_turn].funcs[0] if nxt_turn < n else None
        # (choose() written out for the uniform case: the same single draw)
        g = choose(cands, adj.nested_cum[f], rnd) if weighted else cands[int(rnd() * len(cands))]
        if g == nxt:
            g = choose_excluding(cands, adj.nested_w[f] if weighted else None, None, nxt, rnd)
            if g is None:
                k += 1
                continue
        if nxt is not None and rnd() < p_long:
            anchors = [j for j in range(nxt_turn, n) if out[j].funcs]
            q = anchors[int(rnd() * len(anchors))] + 1
            for j in range(q, n):
                s = out[j].source
                if s is not None and s >= q:
                    out[j] = Turn(out[j].funcs, out[j].tags, s + 1)
            out.insert(q, Turn((g,), LONG_TAGS, k))
            n += 1
            if is_new is None:
                is_new = [False] * (n - 1)
            is_new.insert(q, True)
            changed = True
        elif len(t.funcs) < max_funcs:
            tags = t.tags if "insert_nested" in t.tags else with_tags(t.tags, (), "insert_nested")
            out[k] = Turn(t.funcs + (g,), tags, t.source)
            changed = True
        k += 1
    return Path(tuple(out), path.seed) if changed else path
