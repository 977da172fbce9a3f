"""Laws of the path operators (merge, insert, split), their composition and path_for_slot."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import assert_well_formed, graph_and_path, graph_snapshot, graphs

from magnet_graph.errors import PathError
from magnet_graph.ops import PathSampler, apply_ops, insert, merge, normalize_ops, path_for_slot, split
from magnet_graph.seeding import derive_seed
from magnet_graph.types import Path, Turn
from magnet_graph.walk import path_seed, sample_paths, start_order

rngs = st.randoms(use_true_random=False)
probs = st.sampled_from((0.0, 0.3, 0.5, 1.0))
ALL_OPS = ("merge", "insert", "split")


def walk_path(*funcs: str, seed: int = 0) -> Path:
    return Path(tuple(Turn((f,), ("walk",)) for f in funcs), seed)


def nested_succ(G: nx.DiGraph, f: str) -> set[str]:
    return {g for g in G.successors(f) if G.edges[f, g].get("nested")}


def next_function(path: Path, index: int) -> str | None:
    """The first function of the first function-bearing turn after turn ``index``."""
    for t in path.turns[index + 1 :]:
        if t.funcs:
            return t.funcs[0]
    return None


def without_turn(path: Path, k: int) -> tuple[Turn, ...]:
    """The turns of ``path`` without turn ``k``, sources renumbered back."""
    return tuple(
        t if t.source is None or t.source < k else Turn(t.funcs, t.tags, t.source - 1)
        for i, t in enumerate(path.turns)
        if i != k
    )


def union_tags(*groups: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for tag in (tag for g in groups for tag in g):
        if tag not in out:
            out.append(tag)
    return tuple(out)


# ---------------------------------------------------------------------------- merge


def merge_alignment(before: Path, after: Path) -> list[tuple[int, ...]]:
    """For each output turn, the input turns it consists of (1, or 2 when merged); fails otherwise."""
    groups: list[tuple[int, ...]] = []
    new_index: dict[int, int] = {}
    i = 0
    for o, t in enumerate(after.turns):
        a = before.turns[i]
        if t.funcs == a.funcs:
            groups.append((i,))
            new_index[i] = o
            i += 1
        else:
            b = before.turns[i + 1]
            assert a.funcs and b.funcs and b.source is None, f"turn {o} merges an ineligible pair"
            assert t.funcs == a.funcs + b.funcs
            assert t.tags == union_tags(a.tags, b.tags, ("merge",))
            groups.append((i, i + 1))
            new_index[i] = new_index[i + 1] = o
            i += 2
        a = before.turns[groups[-1][0]]
        assert t.source == (None if a.source is None else new_index[a.source])
        if len(groups[-1]) == 1:
            assert t.tags == a.tags
    assert i == len(before.turns)
    return groups


@given(graph_and_path(), probs, rngs)
def test_merge_keeps_functions_and_removes_one_turn_per_merge(gp, p, rng):
    _, path = gp
    out = merge(path, p=p, rng=rng)
    assert out.functions() == path.functions()
    groups = merge_alignment(path, out)
    merges = sum(len(g) == 2 for g in groups)
    assert len(out) == len(path) - merges
    assert out.seed == path.seed
    assert_well_formed(out)


@given(graph_and_path(plain=True), probs, rngs)
def test_merge_count_equals_turns_tagged_merge_on_walks(gp, p, rng):
    _, path = gp
    out = merge(path, p=p, rng=rng)
    tagged = sum("merge" in t.tags for t in out.turns)
    assert len(path) - len(out) == tagged
    assert all(len(t.funcs) == (2 if "merge" in t.tags else 1) for t in out.turns)


def test_merge_with_p_one_merges_disjoint_pairs():
    out = merge(walk_path("a", "b", "c", "d", "e"), p=1.0, rng=random.Random(0))
    assert [t.funcs for t in out.turns] == [("a", "b"), ("c", "d"), ("e",)]
    assert [t.tags for t in out.turns] == [("walk", "merge"), ("walk", "merge"), ("walk",)]


def test_merge_does_not_absorb_miss_or_long_turns():
    path = Path(
        (
            Turn(("a",), ("walk",)),
            Turn((), ("miss_param",)),
            Turn(("b",), ("walk",)),
            Turn(("x",), ("insert_long",), 0),
            Turn(("c",), ("walk",)),
            Turn(("d",), ("walk",)),
        )
    )
    out = merge(path, p=1.0, rng=random.Random(0))
    assert [t.funcs for t in out.turns] == [("a",), (), ("b",), ("x", "c"), ("d",)]
    # a long turn may absorb the next turn and keeps its source
    assert out.turns[3] == Turn(("x", "c"), ("insert_long", "walk", "merge"), 0)
    assert_well_formed(out)


def test_merge_renumbers_sources():
    path = Path(tuple(Turn((f,), ("walk",)) for f in "abcd") + (Turn(("x",), ("insert_long",), 3),))
    out = merge(path, p=1.0, rng=random.Random(0))
    assert [t.funcs for t in out.turns] == [("a", "b"), ("c", "d"), ("x",)]
    assert out.turns[2].source == 1


# ---------------------------------------------------------------------------- insert


def insert_alignment(G: nx.DiGraph, before: Path, after: Path, max_funcs: int) -> tuple[int, int]:
    """Check the insert laws; return (nested appends, long inserts).

    ``before`` must not contain turns tagged exactly ``("insert_long",)``: in ``after``
    those are the turns this call added.
    """
    assert all(t.tags != ("insert_long",) for t in before.turns)
    originals = [o for o, t in enumerate(after.turns) if t.tags != ("insert_long",)]
    assert len(originals) == len(before.turns), "original turns lost or duplicated"
    position = dict(enumerate(originals))
    nested_appends = 0
    for i, o in position.items():
        a, t = before.turns[i], after.turns[o]
        assert t.source == (None if a.source is None else position[a.source]), "source not renumbered"
        if t.funcs == a.funcs:
            assert t.tags == a.tags
            continue
        assert t.funcs[:-1] == a.funcs, f"turn {o} changed beyond one appended call"
        g = t.funcs[-1]
        assert g in nested_succ(G, a.funcs[-1])
        assert g != next_function(after, o), "appended call is already the next function"
        assert t.tags == union_tags(a.tags, ("insert_nested",))
        assert len(a.funcs) < max_funcs
        nested_appends += 1
    longs = sorted(set(range(len(after.turns))) - set(originals))
    for o in longs:
        t = after.turns[o]
        assert len(t.funcs) == 1
        assert t.source is not None and t.source < o - 1, "a long insert must land after a later turn"
        assert t.source in position.values(), "a long insert must name an original turn as its source"
        src = after.turns[t.source]
        assert src.funcs == before.turns[originals.index(t.source)].funcs, "the source turn also got a nested call"
        assert t.funcs[0] in nested_succ(G, src.funcs[-1])
        assert t.funcs[0] != next_function(after, t.source)
        assert after.turns[o - 1].funcs, "long insert placed right after a miss turn"
    return nested_appends, len(longs)


def relabel_long_turns(path: Path) -> Path:
    """The input's own long turns, tagged so that the turns insert adds stay recognisable."""
    turns = (Turn(t.funcs, ("walk", "insert_long"), t.source) if t.tags == ("insert_long",) else t for t in path.turns)
    return Path(tuple(turns), path.seed)


@given(graph_and_path(), probs, probs, rngs, st.integers(1, 4))
def test_insert_adds_only_nested_successors_and_keeps_originals(gp, p, p_long, rng, max_funcs):
    G, path = gp
    path = relabel_long_turns(path)
    out = insert(path, G, p=p, p_long=p_long, rng=rng, max_funcs_per_turn=max_funcs)
    # the original sequence is a subsequence of the result
    it = iter(out.functions())
    assert all(f in it for f in path.functions())
    appends, longs = insert_alignment(G, path, out, max_funcs)
    assert len(out) == len(path) + longs
    assert len(out.functions()) == len(path.functions()) + appends + longs
    assert out.seed == path.seed
    assert_well_formed(out)


def test_long_insert_lands_after_a_later_turn_and_names_its_source():
    G = nx.DiGraph()
    nx.add_path(G, ["a", "b", "c", "d"], nested=False)
    G.add_edge("a", "x", nested=True, score=1.0)
    seen_positions = set()
    for seed in range(30):
        out = insert(walk_path("a", "b", "c", "d"), G, p=1.0, p_long=1.0, rng=random.Random(seed))
        [k] = [i for i, t in enumerate(out.turns) if "insert_long" in t.tags]
        assert out.turns[k] == Turn(("x",), ("insert_long",), 0)
        assert k >= 2
        seen_positions.add(k)
        assert [t.funcs for t in out.turns if "insert_long" not in t.tags] == [("a",), ("b",), ("c",), ("d",)]
    assert seen_positions == {2, 3, 4}  # after b, c or d


def test_long_insert_renumbers_sources_at_the_insertion_point():
    G = nx.DiGraph([("a", "x", {"nested": True})])
    path = Path(tuple(Turn((f,), ("walk",)) for f in "abcd") + (Turn(("y",), ("insert_long",), 2),))
    anchors = set()
    for seed in range(40):
        out = insert(path, G, p=1.0, p_long=1.0, rng=random.Random(seed))
        [k] = [i for i, t in enumerate(out.turns) if t.funcs == ("x",)]
        anchors.add(k - 1)
        [y] = [t for t in out.turns if t.funcs == ("y",)]
        assert out.turns[y.source].funcs == ("c",)
        assert_well_formed(out)
    assert {1, 2} <= anchors  # right before and right after the turn that feeds "y"


def test_insert_never_appends_the_next_function():
    G = nx.DiGraph([("a", "b", {"nested": True}), ("b", "c", {"nested": False})])
    for seed in range(20):
        out = insert(walk_path("a", "b", "c"), G, p=1.0, p_long=0.0, rng=random.Random(seed))
        assert out == walk_path("a", "b", "c")


def test_insert_nested_respects_max_funcs_per_turn():
    G = nx.DiGraph([("b", "z", {"nested": True})])
    full = Path((Turn(("a", "b"), ("walk", "merge")),))
    assert insert(full, G, p=1.0, p_long=0.0, rng=random.Random(0), max_funcs_per_turn=2) == full
    assert insert(full, G, p=1.0, p_long=0.0, rng=random.Random(0), max_funcs_per_turn=3).turns[0].funcs == ("a", "b", "z")


def test_insert_weighted_never_picks_zero_score():
    G = nx.DiGraph([("a", "good", {"nested": True, "score": 1.0}), ("a", "bad", {"nested": True, "score": 0.0})])
    picks = {insert(walk_path("a"), G, p=1.0, rng=random.Random(s), weighted=True).turns[0].funcs[1] for s in range(40)}
    assert picks == {"good"}
    uniform = {insert(walk_path("a"), G, p=1.0, rng=random.Random(s)).turns[0].funcs[1] for s in range(40)}
    assert uniform == {"good", "bad"}


# ---------------------------------------------------------------------------- split


@given(graph_and_path(), probs, rngs)
def test_split_adds_exactly_one_empty_miss_turn(gp, p_miss_func, rng):
    _, path = gp
    out = split(path, p_miss_func=p_miss_func, rng=rng)
    assert_well_formed(out)
    if not any(path.turns[i].funcs and (i == 0 or path.turns[i - 1].funcs) for i in range(len(path))):
        assert out is path
        return
    assert len(out) == len(path) + 1
    misses_before = sum(t.is_miss for t in path.turns)
    assert sum(t.is_miss for t in out.turns) == misses_before + 1
    # the new turn is the one whose removal gives back the input
    [k] = [k for k, t in enumerate(out.turns) if t.is_miss and without_turn(out, k) == path.turns]
    assert out.turns[k].funcs == () and out.turns[k].tags in (("miss_func",), ("miss_param",))
    assert out.turns[k + 1].funcs
    if p_miss_func == 1.0:
        assert out.turns[k].tags == ("miss_func",)
    if p_miss_func == 0.0:
        assert out.turns[k].tags == ("miss_param",)
    assert out.functions() == path.functions()


def test_split_can_place_the_miss_turn_first_and_leaves_empty_paths_alone():
    outs = [split(walk_path("a", "b"), rng=random.Random(s)) for s in range(20)]
    positions = {[i for i, t in enumerate(out.turns) if t.is_miss][0] for out in outs}
    assert positions == {0, 1}
    empty = Path(())
    assert split(empty, rng=random.Random(0)) is empty


# ---------------------------------------------------------------------------- identities, purity, determinism


@given(graph_and_path(), rngs)
def test_p_zero_is_identity(gp, rng):
    G, path = gp
    assert merge(path, p=0.0, rng=rng) == path
    assert insert(path, G, p=0.0, rng=rng) == path
    base, split_version = apply_ops(path, G, ops=("merge", "insert"), rng=rng, p_merge=0.0, p_insert=0.0)
    assert base == path and split_version is None


@given(graph_and_path(), st.integers(0, 2**32))
def test_ops_are_pure_and_deterministic(gp, seed):
    G, path = gp
    before_graph = graph_snapshot(G)
    before_path = Path.from_json(path.to_json(), path.seed)
    results = []
    for _ in range(2):
        rng = random.Random(seed)
        results.append(
            (
                merge(path, p=0.5, rng=rng),
                insert(path, G, p=0.7, p_long=0.5, rng=rng),
                split(path, rng=rng),
                apply_ops(path, G, ops=ALL_OPS, rng=rng),
            )
        )
    assert results[0] == results[1]
    assert path == before_path
    assert graph_snapshot(G) == before_graph


OP_SETS = [(), ("merge",), ("insert",), ("split",), ("merge", "insert"), ALL_OPS]


@given(graph_and_path(plain=True), rngs, st.sampled_from(OP_SETS))
def test_apply_ops_composition_keeps_paths_well_formed(gp, rng, ops):
    G, path = gp
    base, split_version = apply_ops(path, G, ops=ops, rng=rng, p_merge=0.5, p_insert=0.7, p_long=0.5)
    assert_well_formed(base)
    it = iter(base.functions())
    assert all(f in it for f in path.functions())
    if "merge" not in ops and "insert" not in ops:
        assert base == path
    if "split" in ops:
        assert split_version is not None
        assert_well_formed(split_version)
        if len(path):
            [k] = [k for k, t in enumerate(split_version.turns) if t.is_miss]
            assert without_turn(split_version, k) == base.turns
        else:
            assert split_version == base
    else:
        assert split_version is None


def test_bad_arguments_raise_path_error():
    path = walk_path("a", "b")
    G = nx.DiGraph([("a", "b")])
    with pytest.raises(PathError, match="p=1.5"):
        merge(path, p=1.5, rng=random.Random(0))
    with pytest.raises(PathError, match="p_long"):
        insert(path, G, p_long=-0.1, rng=random.Random(0))
    with pytest.raises(PathError, match="max_funcs_per_turn"):
        insert(path, G, rng=random.Random(0), max_funcs_per_turn=0)
    with pytest.raises(PathError, match="p_miss_func"):
        split(path, p_miss_func=float("nan"), rng=random.Random(0))
    with pytest.raises(PathError, match="'shuffle'"):
        apply_ops(path, G, ops=("merge", "shuffle"), rng=random.Random(0))
    with pytest.raises(PathError, match="ops=None"):
        path_for_slot(G, 0, seed=0, ops=None, min_turns=1, max_turns=2)
    assert normalize_ops("insert, merge,split") == frozenset(ALL_OPS)
    assert normalize_ops([]) == frozenset()


# ---------------------------------------------------------------------------- path_for_slot


def rich_graph() -> nx.DiGraph:
    rng = random.Random(5)
    names = [f"t{i}" for i in range(12)]
    G = nx.DiGraph()
    for u in names:
        for v in rng.sample(names, 3):
            if u != v:
                G.add_edge(u, v, nested=rng.random() < 0.5, score=rng.random())
    return G


OPTS = dict(min_turns=2, max_turns=6)


def test_path_for_slot_is_deterministic_across_graph_copies():
    G = rich_graph()
    first = [path_for_slot(G, s, seed=7, ops=ALL_OPS, **OPTS) for s in range(40)]
    again = [path_for_slot(G.copy(), s, seed=7, ops=list(ALL_OPS), **OPTS) for s in range(40)]
    assert first == again
    sampler = PathSampler(G, seed=7, ops="merge,insert,split", **OPTS)
    assert [sampler.path(s) for s in range(40)] == first
    assert all(p is not None for p in first)
    for p in first:
        assert_well_formed(p)
    assert any("insert_long" in p.tags() for p in first) and any("merge" in p.tags() for p in first)


def test_both_versions_of_a_walk_share_the_base_path():
    G = rich_graph()
    for w in range(20):
        base = path_for_slot(G, 2 * w, seed=3, ops=ALL_OPS, **OPTS)
        with_miss = path_for_slot(G, 2 * w + 1, seed=3, ops=ALL_OPS, **OPTS)
        assert not any(t.is_miss for t in base.turns)
        [k] = [k for k, t in enumerate(with_miss.turns) if t.is_miss]
        assert without_turn(with_miss, k) == base.turns
        assert base.seed != with_miss.seed


def test_slot_seeds_are_unique_and_attempts_give_other_walks():
    G = rich_graph()
    seeds = {path_for_slot(G, s, seed=1, ops=ALL_OPS, attempt=a, **OPTS).seed for s in range(30) for a in range(3)}
    assert len(seeds) == 90
    assert path_for_slot(G, 4, seed=1, ops=(), **OPTS).seed == path_seed(1, 4) == derive_seed(1, "path", 4)
    walks = {path_for_slot(G, 0, seed=1, ops=(), attempt=a, **OPTS).functions() for a in range(10)}
    assert len(walks) > 1


def test_slots_cover_the_start_order():
    G = rich_graph()
    order = start_order(G, seed=9, min_turns=2)
    assert sorted(order) == sorted(G.nodes)
    starts = [path_for_slot(G, s, seed=9, ops=ALL_OPS, **OPTS) for s in range(2 * len(order))]
    first = [p.functions()[0] for p in starts[::2]]
    assert first == list(order)
    # the split version starts with the same function (or a miss turn before it)
    assert [p.functions()[0] for p in starts[1::2]] == list(order)


def test_path_for_slot_without_ops_is_sample_paths():
    G = rich_graph()
    assert [path_for_slot(G, i, seed=11, ops=(), **OPTS) for i in range(25)] == sample_paths(G, n=25, seed=11, **OPTS)


def test_path_for_slot_returns_none_when_no_start_can_reach_min_turns():
    G = nx.DiGraph([("a", "b"), ("c", "b")])
    assert path_for_slot(G, 0, seed=0, ops=ALL_OPS, min_turns=3, max_turns=4) is None
    assert path_for_slot(G, 0, seed=0, ops=ALL_OPS, min_turns=2, max_turns=4) is not None
    assert path_for_slot(nx.DiGraph(), 0, seed=0, ops=(), min_turns=1, max_turns=2) is None


@given(graphs(max_nodes=6), st.integers(0, 2**20), st.integers(0, 30), st.sampled_from([(), ("merge", "insert"), ALL_OPS]))
def test_path_for_slot_laws_on_random_graphs(G, seed, slot, ops):
    before = graph_snapshot(G)
    p = path_for_slot(G, slot, seed=seed, ops=ops, min_turns=1, max_turns=5)
    assert p is not None  # min_turns=1: every non-empty graph has a path
    assert p == path_for_slot(G, slot, seed=seed, ops=ops, min_turns=1, max_turns=5)
    assert_well_formed(p)
    assert graph_snapshot(G) == before
    if not ops:
        fs = p.functions()
        assert 1 <= len(fs) <= 5 and len(set(fs)) == len(fs)
        assert all(G.has_edge(u, v) for u, v in zip(fs, fs[1:]))


def test_split_puts_miss_param_before_a_turn_with_an_askable_value():
    """With the askable functions known, a miss_param turn precedes one of them; when no turn
    has any, the miss turn withholds the tool instead (miss_func)."""
    from magnet_graph.ops.split import _split

    path = Path((Turn(("ls",), ("walk",)), Turn(("cat",), ("walk",)), Turn(("pwd",), ("walk",))))
    seen = set()
    for s in range(200):
        out = _split(path, 0.0, random.Random(s).random, frozenset({"cat"}))
        k = next(i for i, t in enumerate(out.turns) if not t.funcs)
        assert out.turns[k].tags == ("miss_param",) and out.turns[k + 1].funcs == ("cat",)
        seen.add(k)
        none = _split(path, 0.0, random.Random(s).random, frozenset())
        assert [t.tags for t in none.turns if not t.funcs] == [("miss_func",)]
    assert seen == {1}
    targets = {next(i for i, t in enumerate(_split(path, 0.0, random.Random(s).random).turns) if not t.funcs)
               for s in range(200)}
    assert targets == {0, 1, 2}  # without the set, any turn may be the target
