"""A value as failure reasons show it: its JSON text, cut to :data:`SHORT` characters.

Shared by :mod:`magnet_graph.verify` and :mod:`magnet_graph.grounding` (a module of its own so
that neither imports the other for it).
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["SHORT", "short_json"]

#: The longest text :func:`short_json` returns.
SHORT = 60


def short_json(value: Any) -> str:
    """The JSON text of ``value`` (its ``repr`` if it is not JSON data), cut to :data:`SHORT`
    characters with a trailing ``...`` when longer."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= SHORT else text[: SHORT - 3] + "..."
