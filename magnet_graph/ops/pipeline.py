"""Composition of the operators, and the per-slot entry point of the run engine.

METHOD A3: Merge, then Insert, give the base version; Split on the result gives the split
version; both are kept. The run engine asks for paths by slot (``PathSampler.path(slot)``
or :func:`path_for_slot`); with ``"split"`` in ``ops``, slots ``2w`` and ``2w + 1`` are the
base and the split version of walk ``w``, which share one random stream so they share the
same base path.

Why a class: a :class:`PathSampler` checks the options and looks up the graph snapshot and
the start order once, then serves any slot; :func:`path_for_slot` is the one-call form
(its graph snapshot and start order are cached on the graph, so it stays cheap).
"""

from __future__ import annotations

import random
from typing import Collection

import networkx as nx

from ..errors import PathError
from ..seeding import make_rng
from ..types import Path
from ..walk import DEFAULT_RETRIES, Adjacency, Starts, Walker, adjacency, path_seed, walk_rng
from .common import check_probability, normalize_ops
from .insert import _insert
from .merge import _merge
from .split import _split

__all__ = ["PathSampler", "apply_ops", "path_for_slot"]

_MAX_SAMPLERS = 64  # path_for_slot's samplers kept per graph (one per option set)


def apply_ops(
    path: Path,
    G: nx.DiGraph | Adjacency,
    *,
    ops: Collection[str] | str,
    rng: random.Random | int,
    p_merge: float = 0.3,
    p_insert: float = 0.5,
    p_long: float = 0.3,
    p_miss_func: float = 0.5,
    weighted: bool = False,
    max_funcs_per_turn: int = 4,
) -> tuple[Path, Path | None]:
    """Apply merge then insert (those named in ``ops``), then split on the result.

    Returns ``(base, split_version)``; ``split_version`` is ``None`` when ``"split"`` is not
    in ``ops``. ``ops`` is a collection of names or a comma-separated string; unknown names
    raise :class:`~magnet_graph.errors.PathError`. All draws come from ``rng`` in that
    order, so the same ``rng`` state gives the same pair.
    """
    names = normalize_ops(ops)
    p_merge = check_probability("p_merge", p_merge)
    p_insert = check_probability("p_insert", p_insert)
    p_long = check_probability("p_long", p_long)
    p_miss_func = check_probability("p_miss_func", p_miss_func)
    _check_max_funcs(max_funcs_per_turn)
    rnd = make_rng(rng).random
    base = path
    if "merge" in names:
        base = _merge(base, p_merge, rnd)
    if "insert" in names:
        base = _insert(base, adjacency(G), p_insert, p_long, rnd, max_funcs_per_turn, weighted)
    return base, (_split(base, p_miss_func, rnd) if "split" in names else None)


def _check_max_funcs(value: int) -> None:
    if not isinstance(value, int) or value < 1:
        raise PathError(f"max_funcs_per_turn={value!r}: use an integer >= 1")


class PathSampler:
    """The paths of a run, by slot: ``sampler.path(slot, attempt=0) -> Path | None``.

    With ``"split"`` in ``ops`` slot ``s`` is version ``s % 2`` (0: merged/inserted base,
    1: its split version) of walk ``s // 2``; otherwise slot ``s`` is walk ``s``. Walk ``w``
    starts at ``start_order(G, seed=seed, min_turns=...)[w % len(order)]`` (see
    :class:`~magnet_graph.walk.Walker`) and all its randomness, operators included, comes
    from ``walk_rng(seed, w, attempt)``: both versions of a walk share the base path, and
    ``attempt > 0`` gives a different walk for the same slot (for a dropped translation).
    ``Path.seed`` of a result is ``path_seed(seed, slot, attempt)``, unique to the triple.

    ``min_turns``/``max_turns`` bound the walk only: insert (``insert_long``) and split add
    turns, and merge removes some, so an operated path can be longer or shorter.
    """

    __slots__ = (
        "seed", "ops", "walker", "adj", "p_merge", "p_insert", "p_long", "p_miss_func", "weighted", "max_funcs_per_turn",
        "do_merge", "do_insert", "do_split", "askable",
    )  # fmt: skip

    def __init__(
        self,
        G: nx.DiGraph | Adjacency,
        *,
        seed: int,
        ops: Collection[str] | str,
        min_turns: int,
        max_turns: int,
        starts: Starts = "cover",
        weighted: bool = False,
        revisit: bool = False,
        retries: int = DEFAULT_RETRIES,
        p_merge: float = 0.3,
        p_insert: float = 0.5,
        p_long: float = 0.3,
        p_miss_func: float = 0.5,
        max_funcs_per_turn: int = 4,
    ):
        self.ops = normalize_ops(ops)
        self.p_merge = check_probability("p_merge", p_merge)
        self.p_insert = check_probability("p_insert", p_insert)
        self.p_long = check_probability("p_long", p_long)
        self.p_miss_func = check_probability("p_miss_func", p_miss_func)
        _check_max_funcs(max_funcs_per_turn)
        self.max_funcs_per_turn = max_funcs_per_turn
        self.weighted = bool(weighted)
        self.seed = int(seed)
        self.adj = adjacency(G)
        # functions a miss_param turn can target (graphs saved without the attribute: all)
        nodes = G.nodes(data=True) if isinstance(G, nx.DiGraph) else ()
        self.askable = frozenset(n for n, d in nodes if d.get("askable", 1) > 0) if nodes else None
        self.walker = Walker(
            self.adj,
            seed=self.seed,
            min_turns=min_turns,
            max_turns=max_turns,
            starts=starts,
            weighted=weighted,
            revisit=revisit,
            retries=retries,
        )
        self.do_merge = "merge" in self.ops
        self.do_insert = "insert" in self.ops
        self.do_split = "split" in self.ops

    @property
    def versions(self) -> int:
        """Slots per walk: 2 with ``"split"`` in ops (base, split version), else 1."""
        return 2 if self.do_split else 1

    def walk_number(self, slot: int) -> int:
        """The walk that slot ``slot`` is made from."""
        return slot // 2 if self.do_split else slot

    def path(self, slot: int, attempt: int = 0) -> Path | None:
        """The operated path of ``slot``, or ``None`` when its walk has no acceptable path
        (its start cannot reach ``min_turns`` turns within the retries, or no node can)."""
        if slot < 0 or attempt < 0:
            raise PathError(f"slot={slot!r}, attempt={attempt!r}: both must be integers >= 0")
        w, version = divmod(slot, 2) if self.do_split else (slot, 0)
        rng = walk_rng(self.seed, w, attempt)
        # after RESEAT_AFTER failed attempts the walk starts elsewhere: a start node whose
        # paths cannot be translated must not leave the slot empty
        start_w = w if attempt < RESEAT_AFTER else w + attempt * 7919
        path = self.walker.walk(start_w, rng=rng, seed=path_seed(self.seed, slot, attempt))
        if path is None:
            return None
        rnd = rng.random
        if self.do_merge:
            merged = _merge(path, self.p_merge, rnd)
            if len(merged) >= self.walker.min_turns:  # merging never makes a conversation too short
                path = merged
        if self.do_insert:
            path = _insert(path, self.adj, self.p_insert, self.p_long, rnd, self.max_funcs_per_turn, self.weighted)
        if version == 1:
            path = _split(path, self.p_miss_func, rnd, self.askable)
        return path


RESEAT_AFTER = 4  # attempts from the slot's own start node before trying other starts


def path_for_slot(
    G: nx.DiGraph | Adjacency,
    slot: int,
    *,
    seed: int,
    ops: Collection[str] | str,
    min_turns: int,
    max_turns: int,
    attempt: int = 0,
    starts: Starts = "cover",
    weighted: bool = False,
    revisit: bool = False,
    retries: int = DEFAULT_RETRIES,
    p_merge: float = 0.3,
    p_insert: float = 0.5,
    p_long: float = 0.3,
    p_miss_func: float = 0.5,
    max_funcs_per_turn: int = 4,
) -> Path | None:
    """The path of one slot of a run: ``PathSampler(G, ...).path(slot, attempt)``.

    Deterministic in its arguments; see :class:`PathSampler` for the slot layout, the
    seeds, and when ``None`` is returned. ``max_turns`` bounds the walk only: the operators
    can make the path longer (``insert_long`` and split add turns). The sampler for each
    option set is cached on the graph snapshot, so repeated calls cost little more than
    holding one :class:`PathSampler`.
    """
    adj = adjacency(G)
    options = (
        (min_turns, max_turns, starts, weighted, revisit, retries),
        (p_merge, p_insert, p_long, p_miss_func, max_funcs_per_turn),
    )
    names = normalize_ops(ops)
    key = ("path_for_slot", seed, names, options)
    sampler = adj.memo.get(key)
    if sampler is None:
        sampler = PathSampler(
            adj,
            seed=seed,
            ops=names,
            min_turns=min_turns,
            max_turns=max_turns,
            starts=starts,
            weighted=weighted,
            revisit=revisit,
            retries=retries,
            p_merge=p_merge,
            p_insert=p_insert,
            p_long=p_long,
            p_miss_func=p_miss_func,
            max_funcs_per_turn=max_funcs_per_turn,
        )
        if len(adj.memo) >= _MAX_SAMPLERS:
            adj.memo.clear()
        adj.memo[key] = sampler
    return sampler.path(slot, attempt)
