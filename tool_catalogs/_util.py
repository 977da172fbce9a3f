"""Helpers that keep the built-in toolkits fast without changing a byte of their output.

Every conversation attempt builds fresh toolkit states, so ``generate_state`` is a hot path.
Most of its time went into the argument checks of ``random.Random``'s convenience methods,
into date formatting and into ``round``. The helpers here make exactly the same draws (same
values, same generator state afterwards), the same strings and the same floats, only cheaper:

* :func:`drawer` returns ``rng._randbelow`` (or a faster copy of it), the draw that ``choice``,
  ``randrange`` and ``randint`` make internally (CPython's ``random.py``, unchanged since Python 3.2):
  ``seq[below(len(seq))]`` is ``rng.choice(seq)``, ``a + below(b - a)`` is
  ``rng.randrange(a, b)`` and ``a + below(b - a + 1)`` is ``rng.randint(a, b)``. ``below(n)``
  needs ``n >= 1`` (the checks it skips are the ones that reject empty ranges).
* :func:`sample` is ``rng.sample`` for the small populations the toolkits draw from.
* :func:`iso_day` and :func:`stamp` format dates and times given as integers.
* :func:`round_to` is ``round(x, digits)`` without the decimal-string round trip when the
  answer is certain (:func:`round2` the same for cents).
"""

from __future__ import annotations

import random
from datetime import date
from functools import lru_cache
from math import ceil, log
from typing import Any, Callable, Sequence, TypeVar

from magnet_graph.toolkit import Toolkit, below_of

__all__ = ["adopt", "drawer", "iso_day", "round2", "round_to", "sample", "stamp"]

T = TypeVar("T")
K = TypeVar("K", bound=Toolkit)


def drawer(rng: random.Random) -> Callable[[int], int]:
    """The uniform draw in ``[0, n)`` behind ``rng.choice``/``randrange``/``randint`` (see above;
    :func:`magnet_graph.toolkit.below_of`)."""
    return below_of(rng)


def sample(rng: random.Random, population: Sequence[T], k: int) -> list[T]:
    """``rng.sample(population, k)``: the same picks, in the same order, from the same draws.

    CPython picks from a shrinking pool when the population is small (``n <= 21``, more
    when ``k > 5``), else redraws indices already taken; both are done here without the
    generic checks. ``k`` out of range goes to ``rng.sample``, which raises the usual error.
    """
    n = len(population)
    if not 0 <= k <= n:
        return rng.sample(population, k)
    below = rng._randbelow  # type: ignore[attr-defined]
    if k == 1:  # both algorithms start with the same single draw
        return [population[below(n)]]
    setsize = 21
    if k > 5:
        setsize += 4 ** ceil(log(k * 3, 4))
    out = []
    if n <= setsize:
        pool = list(population)
        for i in range(k):
            j = below(n - i)
            out.append(pool[j])
            pool[j] = pool[n - i - 1]  # the last unpicked item fills the hole
    else:
        taken: set[int] = set()
        for _ in range(k):
            j = below(n)
            while j in taken:
                j = below(n)
            taken.add(j)
            out.append(population[j])
    return out


_SCALES = {0: 1.0, 1: 10.0, 2: 100.0, 4: 10000.0}


def round_to(x: float, digits: int) -> float:
    """``round(x, digits)``, the same float (sign of zero included), about twice as fast.

    ``round`` finds the decimal with ``digits`` places nearest to ``x`` (ties to even) by
    printing it, and returns the float nearest to that decimal. With ``y = x * 10**digits``
    (one rounding: ``|y - exact| <= |y| * 2**-53``) and ``k`` the integer nearest to ``y``,
    when ``y`` is farther than that error from a tie (the test below, with room to spare),
    ``k`` is that decimal, and ``k / 10**digits`` (exact operands, one correctly rounded
    division) is the float nearest to it. Anything else (zero, ties, huge, NaN, not a
    float, other ``digits``) is left to ``round``.
    """
    scale = _SCALES.get(digits)
    if type(x) is float and scale is not None:
        y = x * scale
        if -1e15 < y < 1e15:
            k = round(y)
            if k and abs(y - k) < 0.5 - 1e-9 - abs(y) * 2e-16:
                return k / scale
    return round(x, digits)


def round2(x: float) -> float:
    """``round_to(x, 2)`` (so ``round(x, 2)``), the test of :func:`round_to` spelled out for cents."""
    if type(x) is float:
        y = x * 100.0
        if -1e15 < y < 1e15:
            k = round(y)
            if k and abs(y - k) < 0.5 - 1e-9 - abs(y) * 2e-16:
                return k / 100.0
    return round(x, 2)


@lru_cache(maxsize=8192)
def iso_day(ordinal: int) -> str:
    """``YYYY-MM-DD`` of the proleptic Gregorian ``ordinal`` (``date.fromordinal``)."""
    return date.fromordinal(ordinal).isoformat()


def stamp(minutes: int) -> str:
    """``YYYY-MM-DDTHH:MM`` of the time ``day_ordinal * 1440 + minutes into that day``."""
    day, m = divmod(minutes, 1440)
    return f"{iso_day(day)}T{m // 60:02d}:{m % 60:02d}"


def adopt(cls: type[K], state: dict[str, Any]) -> K:
    """An instance of ``cls`` that takes ``state`` (freshly built, plain JSON data) as its own.

    ``cls(state)`` would first copy the state; a generator that has just built it does not
    need the copy. A subclass with its own ``__init__`` is still constructed normally.
    """
    if cls.__init__ is not Toolkit.__init__:
        return cls(state)
    obj = cls.__new__(cls)
    obj.data = state
    return obj
