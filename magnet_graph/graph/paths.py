"""Output paths: how an edge's ``feeds`` point into a tool's output.

A path is dotted keys with ``[]`` for "each element of this array": ``booking_id``,
``booking.id``, ``flights[].flight_id``, ``matches[]`` (each string of ``matches``), ``[]``
(each element of an output that is an array) and ``""`` (the whole output).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["values_at", "split_path"]

_STEP = re.compile(r"\[\]|[^.\[\]]+")


@lru_cache(maxsize=4096)
def split_path(path: str) -> tuple[str, ...]:
    """The steps of a path: keys and ``"[]"``.

    >>> split_path("flights[].flight_id")
    ('flights', '[]', 'flight_id')
    >>> split_path("")
    ()
    """
    return tuple(_STEP.findall(path))


def values_at(output: Any, path: str) -> list[Any]:
    """Every value found at ``path`` in ``output`` (in order; empty when the path is absent).

    A path without ``[]`` gives at most one value; ``[]`` visits each element of a list.

    >>> out = {"flights": [{"flight_id": "F1"}, {"flight_id": "F2"}], "count": 2}
    >>> values_at(out, "flights[].flight_id")
    ['F1', 'F2']
    >>> values_at(out, "count")
    [2]
    >>> values_at(out, "missing.key")
    []
    """
    current = [output]
    for step in split_path(path):
        nxt: list[Any] = []
        if step == "[]":
            for node in current:
                if isinstance(node, list):
                    nxt.extend(node)
        else:
            for node in current:
                if isinstance(node, dict) and step in node:
                    nxt.append(node[step])
        current = nxt
        if not current:
            break
    return current
