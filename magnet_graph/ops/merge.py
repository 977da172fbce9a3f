"""Merge (METHOD A3): two consecutive turns become one turn with several requested calls."""

from __future__ import annotations

import random
from typing import Any

from ..seeding import make_rng
from ..types import Path, Turn
from .common import check_probability, with_tags

__all__ = ["merge"]


def merge(path: Path, *, p: float = 0.3, rng: random.Random | int) -> Path:
    """Merge adjacent pairs of function-bearing turns, each pair with probability ``p``.

    Pairs are visited left to right and do not overlap: when turns ``i`` and ``i+1`` merge,
    the next pair considered is ``(i+2, i+3)``, so each merge removes exactly one turn and
    every merged turn holds exactly two input turns. The merged turn's ``funcs`` are the
    concatenation (the flattened function sequence is unchanged), its tags the ordered
    union of both turns' tags plus ``"merge"``.

    Not merged: miss turns (no functions) on either side, and a right-hand turn that has a
    ``source`` (an ``insert_long`` turn keeps its own turn, so its long dependency stays a
    separate request). The merged turn keeps the left turn's ``source``; every other
    ``source`` is renumbered to the new positions. ``p=0`` returns ``path`` itself.

    >>> import random
    >>> from magnet_graph.types import Path, Turn
    >>> walk = Path((Turn(("a",), ("walk",)), Turn(("b",), ("walk",)), Turn(("c",), ("walk",))))
    >>> [t.funcs for t in merge(walk, p=1.0, rng=random.Random(0)).turns]
    [('a', 'b'), ('c',)]
    """
    return _merge(path, check_probability("p", p), make_rng(rng).random)


def _merge(path: Path, p: float, rnd: Any) -> Path:
    """:func:`merge` without argument checks (``rnd`` is ``rng.random``)."""
    turns = path.turns
    n = len(turns)
    if p <= 0.0 or n < 2:
        return path
    out: list[Turn] = []
    new_index = [0] * n
    changed = False
    i = 0
    while i < n:
        t = turns[i]
        if changed and t.source is not None and new_index[t.source] != t.source:
            t = Turn(t.funcs, t.tags, new_index[t.source])
        if i + 1 < n:
            u = turns[i + 1]
            if t.funcs and u.funcs and u.source is None and rnd() < p:
                new_index[i] = new_index[i + 1] = len(out)
                out.append(Turn(t.funcs + u.funcs, with_tags(t.tags, u.tags, "merge"), t.source))
                changed = True
                i += 2
                continue
        new_index[i] = len(out)
        out.append(t)
        i += 1
    return Path(tuple(out), path.seed) if changed else path
