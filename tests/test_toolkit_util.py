"""The built-in toolkits' fast helpers must equal the public APIs they stand in for: the same
values and the same generator state afterwards (a later CPython that changed ``random``
internals would fail here, not silently change the toolkits' states)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tool_catalogs._util import drawer, round_to, sample


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), n=st.integers(1, 200), k=st.integers(0, 60))
def test_sample_is_random_sample(seed, n, k):
    population = list(range(n))
    a, b = random.Random(seed), random.Random(seed)
    if k > n:
        k = n
    assert sample(a, population, k) == b.sample(population, k)
    assert a.getstate() == b.getstate()


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), lo=st.integers(-50, 50), span=st.integers(1, 10_000))
def test_drawer_is_choice_randrange_and_randint(seed, lo, span):
    a, b = random.Random(seed), random.Random(seed)
    below = drawer(a)
    seq = list(range(span))
    assert seq[below(len(seq))] == b.choice(seq)
    assert lo + below(span) == b.randrange(lo, lo + span)
    assert lo + below(span + 1) == b.randint(lo, lo + span)
    assert a.getstate() == b.getstate()


@settings(max_examples=2000, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
       digits=st.sampled_from([0, 1, 2, 3, 4]))
def test_round_to_is_round(x, digits):
    got, want = round_to(x, digits), round(x, digits)
    assert got == want and str(got) == str(want)  # the same float, sign of zero included


def test_round_to_on_ties_and_money():
    rng = random.Random(0)
    for _ in range(20000):
        x = round(rng.uniform(0, 5000), 3) + rng.choice((0.0, 0.005, 0.0049999, 0.0050001))
        for digits in (0, 1, 2):
            assert str(round_to(x, digits)) == str(round(x, digits)), (x, digits)
