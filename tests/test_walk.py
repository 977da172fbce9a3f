"""Random walks, seeded path sampling and the graph snapshot (magnet_graph.walk)."""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import graph_snapshot, graphs

from magnet_graph.errors import GraphError, PathError
from magnet_graph.walk import WalkStats, Walker, adjacency, path_seed, random_walk, sample_paths, start_order

rngs = st.randoms(use_true_random=False)


def cycle(n: int) -> nx.DiGraph:
    G = nx.DiGraph()
    nx.add_cycle(G, [f"n{i}" for i in range(n)], nested=False, score=1.0)
    return G


# ---------------------------------------------------------------------------- random_walk


def test_dead_end_ends_the_walk():
    G = nx.DiGraph()
    nx.add_path(G, ["a", "b", "c"])
    path = random_walk(G, "a", length=5, rng=random.Random(0))
    assert path.functions() == ("a", "b", "c")
    assert all(t.tags == ("walk",) and t.source is None for t in path.turns)
    assert random_walk(G, "c", length=5, rng=random.Random(0)).functions() == ("c",)


def test_no_revisit_by_default_and_revisit_on_request():
    G = nx.DiGraph([("a", "b"), ("b", "a")])
    assert random_walk(G, "a", length=6, rng=random.Random(0)).functions() == ("a", "b")
    assert random_walk(G, "a", length=6, rng=random.Random(0), revisit=True).functions() == ("a", "b") * 3


def test_walk_steps_are_uniform_over_out_edges():
    G = nx.DiGraph([("a", "b"), ("a", "c"), ("a", "d")])
    rng = random.Random(42)
    counts = Counter(random_walk(G, "a", length=2, rng=rng).functions()[1] for _ in range(3000))
    assert set(counts) == {"b", "c", "d"}
    assert all(850 < c < 1150 for c in counts.values()), counts


def test_weighted_walk_follows_scores():
    G = nx.DiGraph([("a", "b", {"score": 0.9}), ("a", "c", {"score": 0.1}), ("a", "z", {"score": 0.0})])
    rng = random.Random(1)
    counts = Counter(random_walk(G, "a", length=2, rng=rng, weighted=True).functions()[1] for _ in range(2000))
    assert counts["z"] == 0
    assert 1650 < counts["b"] < 1950, counts


def test_weighted_walk_uses_zero_score_edges_only_when_nothing_else_is_left():
    G = nx.DiGraph([("a", "b", {"score": 1.0}), ("b", "a", {"score": 1.0}), ("b", "c", {"score": 0.0})])
    for seed in range(10):
        assert random_walk(G, "a", length=3, rng=random.Random(seed), weighted=True).functions() == ("a", "b", "c")


def test_walk_argument_errors():
    G = nx.DiGraph([("a", "b")])
    with pytest.raises(PathError, match="'zzz' is not in the graph"):
        random_walk(G, "zzz", length=3, rng=random.Random(0))
    with pytest.raises(PathError, match="length=0"):
        random_walk(G, "a", length=0, rng=random.Random(0))
    with pytest.raises(GraphError, match="DiGraph"):
        random_walk(nx.Graph([("a", "b")]), "a", length=2, rng=random.Random(0))
    with pytest.raises(GraphError, match="field score"):
        random_walk(nx.DiGraph([("a", "b", {"score": "high"})]), "a", length=2, rng=random.Random(0))


@given(graphs(), rngs, st.integers(1, 9), st.booleans(), st.booleans())
def test_walk_laws(G, rng, length, weighted, revisit):
    before = graph_snapshot(G)
    start = sorted(G.nodes)[0]
    path = random_walk(G, start, length=length, rng=rng, weighted=weighted, revisit=revisit)
    fs = path.functions()
    assert fs[0] == start and 1 <= len(fs) <= length
    assert all(len(t.funcs) == 1 and t.tags == ("walk",) for t in path.turns)
    assert all(G.has_edge(u, v) for u, v in zip(fs, fs[1:]))
    if not revisit:
        assert len(set(fs)) == len(fs)
        if len(fs) < length:  # stopped early: only at a dead end
            assert set(G.successors(fs[-1])) <= set(fs)
    elif len(fs) < length:
        assert not list(G.successors(fs[-1]))
    assert graph_snapshot(G) == before


# ---------------------------------------------------------------------------- sample_paths


def test_cover_starts_every_node_k_times():
    G = cycle(7)
    G.add_edges_from([("n0", "n3"), ("n2", "n5")])
    paths = sample_paths(G, n=3 * 7, min_turns=2, max_turns=4, seed=5)
    assert len(paths) == 21
    starts = Counter(p.functions()[0] for p in paths)
    assert starts == {node: 3 for node in G.nodes}
    assert all(2 <= len(p) <= 4 for p in paths)


def test_sample_paths_is_seeded():
    G = cycle(6)
    G.add_edges_from([("n0", "n2"), ("n3", "n1"), ("n4", "n0")])
    a = sample_paths(G, n=30, min_turns=1, max_turns=5, seed=1)
    assert a == sample_paths(G, n=30, min_turns=1, max_turns=5, seed=1)
    assert a != sample_paths(G, n=30, min_turns=1, max_turns=5, seed=2)
    assert [p.seed for p in a] == [path_seed(1, i) for i in range(30)]
    assert sample_paths(G, n=5, min_turns=1, max_turns=5, seed=1) == a[:5]


def test_uniform_starts_are_random_but_seeded():
    G = cycle(5)
    paths = sample_paths(G, n=200, min_turns=1, max_turns=3, seed=0, starts="uniform")
    starts = Counter(p.functions()[0] for p in paths)
    assert set(starts) == set(G.nodes) and max(starts.values()) > min(starts.values())
    assert paths == sample_paths(G, n=200, min_turns=1, max_turns=3, seed=0, starts="uniform")


def test_hopeless_starts_are_left_out_and_counted():
    G = nx.DiGraph()
    nx.add_path(G, ["a", "b", "c"])
    G.add_node("lonely")
    stats = WalkStats()
    paths = sample_paths(G, n=4, min_turns=2, max_turns=3, seed=0, stats=stats)
    assert {p.functions()[0] for p in paths} == {"a", "b"}
    assert start_order(G, seed=0, min_turns=2) in (("a", "b"), ("b", "a"))
    assert stats == WalkStats(requested=4, returned=4, skipped=0, excluded_starts=2)


def test_walks_that_stay_short_are_retried_then_skipped_and_counted():
    # From "a" every walk stops after 2 turns (a->b->a is a revisit; a->c is a dead end),
    # although the component bound allows 3: retries run out and the walk is skipped.
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c")])
    assert adjacency(G).max_walk("a") == 3
    stats = WalkStats()
    paths = sample_paths(G, n=4, min_turns=3, max_turns=3, seed=0, stats=stats, retries=3)
    assert {p.functions() for p in paths} == {("b", "a", "c")}
    assert stats.skipped == 2 and stats.returned == 2 and stats.excluded_starts == 1


def test_retries_recover_walks_that_hit_a_dead_end():
    G = nx.DiGraph([("s", "dead"), ("s", "x"), ("x", "y")])
    walker = Walker(G, seed=0, min_turns=3, max_turns=3, retries=20)
    assert walker.order == ("s",)
    assert {walker.walk(w).functions() for w in range(10)} == {("s", "x", "y")}
    no_retry = Walker(G, seed=0, min_turns=3, max_turns=3, retries=0)
    assert None in {no_retry.walk(w) for w in range(20)}


def test_sample_paths_argument_errors():
    G = cycle(3)
    with pytest.raises(PathError, match="min_turns=3, max_turns=2"):
        sample_paths(G, n=1, min_turns=3, max_turns=2, seed=0)
    with pytest.raises(PathError, match="n=-1"):
        sample_paths(G, n=-1, min_turns=1, max_turns=2, seed=0)
    with pytest.raises(PathError, match="starts='everywhere'"):
        sample_paths(G, n=1, min_turns=1, max_turns=2, seed=0, starts="everywhere")


@given(graphs(max_nodes=7), st.integers(0, 2**32), st.integers(1, 3), st.integers(0, 3), st.booleans())
def test_sample_paths_laws(G, seed, min_turns, extra, revisit):
    before = graph_snapshot(G)
    stats = WalkStats()
    n = 2 * len(G)
    paths = sample_paths(G, n=n, min_turns=min_turns, max_turns=min_turns + extra, seed=seed, revisit=revisit, stats=stats)
    assert stats.returned == len(paths) and stats.skipped == n - len(paths)
    order = start_order(G, seed=seed, min_turns=min_turns, revisit=revisit)
    assert stats.excluded_starts == len(G) - len(order)
    assert all(adjacency(G).max_walk(v, revisit=revisit) < min_turns for v in set(G.nodes) - set(order))
    seeds = [path_seed(seed, i) for i in range(n)]
    for p in paths:
        fs = p.functions()
        assert min_turns <= len(fs) <= min_turns + extra
        assert all(G.has_edge(u, v) for u, v in zip(fs, fs[1:]))
        i = seeds.index(p.seed)
        assert fs[0] == order[i % len(order)]
    assert graph_snapshot(G) == before


# ---------------------------------------------------------------------------- snapshot


def test_snapshot_is_cached_and_invalidated_by_structural_changes():
    G = nx.DiGraph([("a", "b", {"nested": True})])
    adj = adjacency(G)
    assert adjacency(G) is adj and adj.nested["a"] == ("b",)
    G.add_edge("a", "c", nested=True)
    assert adjacency(G).nested["a"] == ("b", "c")
    G.edges["a", "b"]["nested"] = False  # in-place attribute edit: needs refresh
    assert adjacency(G, refresh=True).nested["a"] == ("c",)


def test_snapshot_sorts_successors_and_merges_multigraph_edges():
    G = nx.MultiDiGraph()
    G.add_edge("a", "c", nested=False, score=0.2)
    G.add_edge("a", "b", nested=False, score=0.5)
    G.add_edge("a", "c", nested=True, score=0.7)
    adj = adjacency(G)
    assert adj.succ["a"] == ("b", "c") and adj.succ_w["a"] == (0.5, 0.7)
    assert adj.nested["a"] == ("c",)


def test_walk_bounds():
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("c", "d"), ("e", "e")])
    adj = adjacency(G)
    assert adj.max_walk("d") == 1 and adj.max_walk("a") == 4
    assert adj.max_walk("a", revisit=True) == float("inf") and adj.max_walk("d", revisit=True) == 1
    assert adj.max_walk("e") == 1 and adj.max_walk("e", revisit=True) == float("inf")
