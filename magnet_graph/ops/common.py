"""Small helpers shared by the operators: argument checks, tag unions, shared miss turns."""

from __future__ import annotations

from functools import lru_cache
from typing import Collection, Iterable

from ..errors import PathError
from ..types import Turn

__all__ = ["OPS", "MISS_FUNC_TURN", "MISS_PARAM_TURN", "check_probability", "normalize_ops", "with_tags"]

#: The operators, in the order :func:`magnet_graph.ops.apply_ops` applies them.
OPS = ("merge", "insert", "split")

# Miss turns are immutable and identical: share one of each.
MISS_FUNC_TURN = Turn((), ("miss_func",))
MISS_PARAM_TURN = Turn((), ("miss_param",))


def check_probability(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a probability in [0, 1], else raise PathError."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        p = float("nan")
    if not 0.0 <= p <= 1.0:  # also rejects NaN
        raise PathError(f"{name}={value!r}: a probability must be a number between 0 and 1")
    return p


def normalize_ops(ops: Collection[str] | str) -> frozenset[str]:
    """The set of operator names in ``ops`` (a collection, or a comma-separated string).

    Raises PathError naming the unknown operator.
    """
    if isinstance(ops, str):
        names = [s.strip() for s in ops.split(",")]
    elif isinstance(ops, Iterable):
        names = list(ops)
    else:
        raise PathError(f"ops={ops!r}: give a collection of operator names ({', '.join(OPS)}), e.g. ()")
    out = set()
    for name in names:
        if name == "":
            continue
        if name not in OPS:
            raise PathError(f"unknown operator {name!r} in ops; choose from {', '.join(OPS)}")
        out.add(name)
    return frozenset(out)


@lru_cache(maxsize=4096)
def with_tags(first: tuple[str, ...], second: tuple[str, ...], extra: str) -> tuple[str, ...]:
    """The ordered union of ``first``, ``second`` and ``extra``, without duplicates (cached)."""
    out = list(first)
    for tag in second:
        if tag not in out:
            out.append(tag)
    if extra not in out:
        out.append(extra)
    return tuple(out)
