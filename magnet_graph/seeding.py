"""Seeds: every random choice flows from an explicit seed; no global random state.

``derive_seed(seed, *parts)`` makes an independent, stable child seed (same on every
platform and Python version, unlike ``hash()``), so any single path or record can be
regenerated from its own seed alone.
"""

from __future__ import annotations

import random
from _random import Random as _CRandom
from hashlib import blake2b as _blake2b

__all__ = ["SeedPrefix", "derive_seed", "make_rng", "seeded_random"]


def derive_seed(seed: int, *parts: object) -> int:
    """Return a 63-bit child seed of ``seed`` for the labels ``parts``.

    >>> derive_seed(7, "path", 3) == derive_seed(7, "path", 3)
    True
    >>> derive_seed(7, "path", 3) != derive_seed(7, "path", 4)
    True
    """
    if type(seed) is not int:  # (a bool or an int subclass is written as its int value)
        seed = int(seed)
    # blake2b of "seed\x1fpart\x1fpart..." (the seed alone without parts); a copy of a made
    # hasher costs less than a new one with its keyword arguments (50k calls per 2,000 records).
    # The text is built by concatenation, a str part as it is (it is its own str()): with one
    # to three parts that costs less than join over map(str, ...).
    text = str(seed)
    for part in parts:
        text += "\x1f" + (part if type(part) is str else str(part))
    h = _BLAKE8.copy()
    h.update(text.encode())
    return _from_bytes(h.digest(), "big") >> 1


_BLAKE8 = _blake2b(digest_size=8)  # never updated: only copied
_from_bytes = int.from_bytes


class SeedPrefix:
    """``derive_seed(seed, *prefix, *rest)`` for many ``rest``, with the prefix hashed once.

    Hashing a text in two pieces gives the digest of the whole text, so ``derive(*rest)``
    continues a copy of the prefix's hash: about half the cost of :func:`derive_seed` when a
    conversation derives one seed per turn and per call.

    >>> SeedPrefix(7, "call").derive(2, 0) == derive_seed(7, "call", 2, 0)
    True
    """

    __slots__ = ("_hash",)

    def __init__(self, seed: int, *prefix: object):
        text = str(seed if type(seed) is int else int(seed))
        for part in prefix:
            text += "\x1f" + (part if type(part) is str else str(part))
        self._hash = _BLAKE8.copy()
        self._hash.update((text + "\x1f").encode())

    def derive(self, *rest: object) -> int:
        """``derive_seed(seed, *prefix, *rest)`` (``rest`` not empty)."""
        h = self._hash.copy()
        h.update("\x1f".join([part if type(part) is str else str(part) for part in rest]).encode())
        return _from_bytes(h.digest(), "big") >> 1


_new_random = random.Random.__new__
_seed_state = _CRandom.seed  # the C seeding that random.Random(n) ends in


def seeded_random(seed: int) -> random.Random:
    """``random.Random(seed)`` for an int ``seed``, made without the Python-level
    ``__init__`` and ``seed`` calls: the same state (the MT array seeded from the int,
    ``gauss_next`` None) for a fifth less (a record makes about 14 generators).

    >>> seeded_random(5).getstate() == random.Random(5).getstate()
    True
    """
    rng = _new_random(random.Random)
    _seed_state(rng, seed)
    rng.gauss_next = None
    return rng


def make_rng(seed: int | random.Random | None) -> random.Random:
    """Turn a seed or an existing ``random.Random`` into a ``random.Random``.

    ``None`` is refused: callers must pass an explicit seed.
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        raise TypeError("an explicit seed (int) or random.Random is required; magnet never uses global random state")
    return seeded_random(int(seed))
