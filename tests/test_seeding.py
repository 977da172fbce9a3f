"""The seeding shortcuts give exactly what the plain forms give (records depend on it)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from magnet_graph.seeding import SeedPrefix, derive_seed, make_rng, seeded_random

seeds = st.integers(min_value=-(2**70), max_value=2**70)
parts = st.one_of(st.integers(), st.text(max_size=12), st.booleans(), st.floats(allow_nan=False), st.none())


@given(seeds, st.lists(parts, max_size=3), st.lists(parts, min_size=1, max_size=3))
def test_seed_prefix_continues_derive_seed(seed, prefix, rest):
    assert SeedPrefix(seed, *prefix).derive(*rest) == derive_seed(seed, *prefix, *rest)


def test_seed_prefix_separates_its_parts():
    # the prefix and the rest are joined with the separator, not glued: ("a", 1) is not ("a1",)
    assert SeedPrefix(3, "a").derive(1) != derive_seed(3, "a1")
    assert SeedPrefix(3, "turn").derive(12) != SeedPrefix(3, "turn").derive(1, 2)


@given(seeds)
def test_seeded_random_is_random_random(seed):
    fast, plain = seeded_random(seed), random.Random(seed)
    assert type(fast) is random.Random
    assert fast.getstate() == plain.getstate()
    assert [fast.random() for _ in range(3)] == [plain.random() for _ in range(3)]
    assert fast.gauss(0, 1) == plain.gauss(0, 1)  # gauss_next starts empty in both


def test_make_rng_uses_the_seed():
    assert make_rng(9).getstate() == random.Random(9).getstate()
    rng = random.Random(1)
    assert make_rng(rng) is rng


@given(seeds, st.lists(st.integers(min_value=1, max_value=2**70), min_size=1, max_size=20))
def test_below_of_draws_what_randrange_draws(seed, bounds):
    from magnet_graph.toolkit import below_of

    fast, plain = random.Random(seed), random.Random(seed)
    below = below_of(fast)
    assert [below(n) for n in bounds] == [plain.randrange(n) for n in bounds]
    assert fast.getstate() == plain.getstate()


def test_below_of_keeps_another_generators_own_draw():
    from magnet_graph.toolkit import below_of

    class Coin(random.Random):
        def _randbelow(self, n):
            return 0

    assert below_of(Coin(1))(10) == 0
