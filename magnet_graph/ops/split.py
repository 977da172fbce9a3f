"""Split (METHOD A3): insert one empty ``miss_func`` or ``miss_param`` turn."""

from __future__ import annotations

import random
from typing import Any, Collection

from ..seeding import make_rng
from ..types import Path, Turn
from .common import MISS_FUNC_TURN, MISS_PARAM_TURN, check_probability

__all__ = ["split"]


def split(path: Path, *, p_miss_func: float = 0.5, rng: random.Random | int) -> Path:
    """Insert exactly one empty miss turn right before a random function-bearing turn.

    The new turn has no functions and is tagged ``"miss_func"`` (probability
    ``p_miss_func``) or ``"miss_param"``; it refers to the turn right after it (whose
    function, or one of its required values, is missing at first). The target turn is
    uniform among the function-bearing turns not already preceded by a miss turn (index 0
    allowed), preferring turns that are not merges of independent calls. Every ``source`` pointing at or after the insertion point is shifted by one.
    A path with no such turn is returned unchanged.

    >>> import random
    >>> from magnet_graph.types import Path, Turn
    >>> two = Path((Turn(("a",), ("walk",)), Turn(("b",), ("walk",))))
    >>> [t.tags for t in split(two, p_miss_func=1.0, rng=random.Random(0)).turns]
    [('walk',), ('miss_func',), ('walk',)]
    """
    return _split(path, check_probability("p_miss_func", p_miss_func), make_rng(rng).random)


def _split(path: Path, p_miss_func: float, rnd: Any, askable: Collection[str] | None = None) -> Path:
    """:func:`split` without argument checks (``rnd`` is ``rng.random``). With ``askable`` (the
    functions that have a required value a user could leave out), a miss_param turn goes
    before a turn calling one of them; with no such turn it becomes a miss_func turn."""
    turns = path.turns
    cands = [i for i, t in enumerate(turns) if t.funcs and (i == 0 or turns[i - 1].funcs)]
    if not cands:
        return path
    # a merged turn asks for independent calls, some of which could run without the missing
    # tool or value; its miss turn would teach doing nothing, so prefer unmerged targets
    whole = [i for i in cands if "merge" not in turns[i].tags]
    pool = whole or cands
    k = pool[int(rnd() * len(pool))]
    miss = MISS_FUNC_TURN if rnd() < p_miss_func else MISS_PARAM_TURN
    if miss is MISS_PARAM_TURN and askable is not None and not any(f in askable for f in turns[k].funcs):
        fits = [i for i in pool if any(f in askable for f in turns[i].funcs)]
        if fits:
            k = fits[int(rnd() * len(fits))]
        else:
            miss = MISS_FUNC_TURN  # nothing to leave out: withhold the tool instead
    tail = [t if t.source is None or t.source < k else Turn(t.funcs, t.tags, t.source + 1) for t in turns[k:]]
    return Path(turns[:k] + (miss,) + tuple(tail), path.seed)
