"""Base class for executable toolkits (the built-in ones in ``tool_catalogs/`` use it).

A toolkit is a class whose public methods are tools. Its whole state is plain JSON data in
``self.data``, loaded from an initial config, so a conversation can be replayed from its
recorded initial state and the end states compared (BFCL's checker does exactly this).

Conventions for subclasses:

* Each public method has type hints for every parameter and a Google-style docstring whose
  first paragraph describes the tool, with ``Args:`` describing every parameter and
  ``Returns:`` describing the output. The return annotation is a ``TypedDict`` (or a plain
  type) giving the output schema. ``typing.Literal`` gives enums.
* Methods never raise on a bad request: they return ``{"error": "<what is wrong>"}``
  (unknown id, insufficient funds, file exists ...). Outputs are JSON data only and
  deterministic given the state and the arguments.
* ``generate_state(rng)`` returns a realistic, seeded initial state; ``default_state()`` a
  fixed small one.
* ``hints`` maps a tool name to a few request templates, e.g.
  ``"get_distance": ("How far is it from {origin} to {destination}?",)``; placeholders are
  parameter names.
* ``candidates(tool, param)`` lists values of ``param`` that make sense in the current state
  (existing ids, file names ...). The default scans ``self.data`` for keys matching the
  parameter name; override it where that is not enough.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Any, ClassVar, Mapping, Sequence

import orjson

__all__ = ["Toolkit", "copy_state", "norm_name"]


def copy_state(data: Any) -> Any:
    """A deep copy of plain JSON data (faster than ``copy.deepcopy``)."""
    return orjson.loads(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=65536)
def norm_name(name: str) -> str:
    """``bookingId`` / ``Booking-ID`` / ``booking_id`` -> ``booking_id``."""
    return re.sub(r"[^a-z0-9]+", "_", _CAMEL.sub("_", name).lower()).strip("_")


class Toolkit:
    """Base for a stateful, executable toolkit. Public methods of subclasses are tools."""

    #: Toolkit name used in records and catalogs; defaults to the class name.
    toolkit_name: ClassVar[str | None] = None
    #: Short description of the toolkit (shown by ``magnet catalog list``).
    description: ClassVar[str] = ""
    #: Request templates per tool name (placeholders are parameter names).
    hints: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: Set ``True`` in a class (it is not inherited) whose ``generate_state`` always returns
    #: newly built plain JSON data: dicts with ``str`` keys, lists, strings, ints, finite
    #: floats, booleans and ``None``, no dict or list shared with anything (itself included).
    #: The executor then gives that data to the first instance as it is, instead of a parsed copy.
    fresh_state: ClassVar[bool] = False
    #: Tool (method) name -> parameters whose ``candidates(tool, param)`` lists every value a
    #: call can succeed with in the current state. The offline planner then uses no other value
    #: (not even one from an earlier output), and an empty list ends the attempt at once with
    #: the drop reason ``precondition`` (nothing can make that call succeed now).
    exact_candidates: ClassVar[Mapping[str, Sequence[str]]] = {}

    def __init__(self, state: Mapping[str, Any] | None = None):
        self.data: dict[str, Any] = copy_state(dict(state) if state is not None else self.default_state())

    @classmethod
    def from_json(cls, blob: bytes) -> "Toolkit":
        """An instance whose state is parsed from the JSON object ``blob``.

        The same as ``cls(orjson.loads(blob))``, minus the copy ``__init__`` makes (the
        parsed state is already private) when the subclass keeps the base ``__init__``.
        """
        if cls.__init__ is not Toolkit.__init__:
            return cls(orjson.loads(blob))
        obj = cls.__new__(cls)
        obj.data = orjson.loads(blob)
        return obj

    # -- state ---------------------------------------------------------------------------
    @classmethod
    def name(cls) -> str:
        return cls.toolkit_name or cls.__name__

    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """A small fixed initial state."""
        return {}

    @classmethod
    def generate_state(cls, rng: random.Random) -> dict[str, Any]:
        """A realistic initial state drawn from ``rng`` (default: the fixed one)."""
        return cls.default_state()

    def state(self) -> dict[str, Any]:
        """The current state as plain data (not a copy)."""
        return self.data

    # -- values the offline translator may use --------------------------------------------
    def candidates(self, tool: str, param: str) -> list[Any]:
        """Values of ``param`` that exist in the current state (default: scan ``self.data``).

        The scan walks the state depth first and keeps, in the order met, each distinct
        scalar (string or number) stored under a key that matches the parameter name
        (``booking_id`` matches ``booking_id`` and ``id`` inside a booking).
        """
        want = norm_name(param)
        matched = _MATCHED.get(want)
        if matched is None or len(matched) >= _MATCHED_MAX:  # ids used as keys never repeat: keep it bounded
            if len(_MATCHED) >= _MATCHED_WANTS:
                _MATCHED.clear()
            matched = _MATCHED[want] = {}
        found: list[Any] = []
        data = self.data
        # A key that matches ``want`` holds its last word: a state (or a part of its top
        # level) whose JSON text lacks that word has no such key and adds nothing, so it is
        # not walked (see _lacks_word). Most states lack the word of a name that is not theirs.
        word = want.rsplit("_", 1)[-1].encode()
        if _lacks_word(data, word):
            return found
        t = type(data)
        if t is dict:
            data = {k: v for k, v in data.items() if not ((type(v) is dict or type(v) is list) and _lacks_word(v, word))}
        elif t is list:
            data = [v for v in data if not ((type(v) is dict or type(v) is list) and _lacks_word(v, word))]
        _collect(data, want, matched, found, set())
        return found


# wanted name -> {state key -> whether the key matches}; keys repeat across states and calls.
# Both levels are bounded: a table is dropped when full, all of them when there are too many.
_MATCHED: dict[str, dict[str, bool]] = {}
_MATCHED_MAX = 1 << 14
_MATCHED_WANTS = 256


def _collect(node: Any, want: str, matched: dict[str, bool], found: list[Any], seen: set[Any]) -> None:
    """Append to ``found`` the scalars under matching keys in ``node`` (depth first).

    ``seen`` holds strings by value and other scalars by ``repr`` (kept as a 1-tuple so that
    ``1`` and ``"1"`` stay distinct), so each value is kept once, at its first occurrence.
    Booleans, ``None`` and scalars directly inside lists are never kept. ``matched`` caches
    whether a (plain ``str``) key matches ``want``.
    """
    if isinstance(node, dict):
        _collect_dict(node, want, matched, found, seen)
    elif isinstance(node, list):
        _collect_list(node, want, matched, found, seen)


def _collect_dict(node: dict, want: str, matched: dict[str, bool], found: list[Any], seen: set[Any]) -> None:
    """:func:`_collect` for a dict: exact ``str``/``int``/``float`` values first (the common case)."""
    for k, v in node.items():
        t = type(v)
        if t is str or t is int or t is float:
            if type(k) is str:
                ok = matched.get(k)
                if ok is None:
                    ok = matched[k] = _key_matches(norm_name(k), want)
            else:
                ok = _key_matches(norm_name(str(k)), want)
            if ok:
                marker = v if t is str else (repr(v),)
                if marker not in seen:
                    seen.add(marker)
                    found.append(v)
        elif t is dict:
            _collect_dict(v, want, matched, found, seen)
        elif t is list:
            _collect_list(v, want, matched, found, seen)
        elif isinstance(v, (dict, list)):  # subclasses
            _collect(v, want, matched, found, seen)
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool):  # scalar subclasses, kept by repr
            if _key_matches(norm_name(k if type(k) is str else str(k)), want):
                marker = (repr(v),)
                if marker not in seen:
                    seen.add(marker)
                    found.append(v)


def _collect_list(node: list, want: str, matched: dict[str, bool], found: list[Any], seen: set[Any]) -> None:
    """:func:`_collect` for a list: only its dicts and lists are walked."""
    for item in node:
        t = type(item)
        if t is dict:
            _collect_dict(item, want, matched, found, seen)
        elif t is list:
            _collect_list(item, want, matched, found, seen)
        elif isinstance(item, (dict, list)):
            _collect(item, want, matched, found, seen)


def _lacks_word(node: Any, word: bytes) -> bool:
    """True when no key anywhere in ``node`` can match a wanted name whose last word
    (``id`` of ``booking_id``) is ``word``; False when it may (or when it cannot be told).

    A normalized key that matches ends with that word (:func:`_key_matches`), and
    normalizing only inserts or replaces separators and lowercases, so the key itself holds
    the word's letters and digits in a row, in some case. In compact JSON a key's ASCII
    letters and digits are written as they are: if the text, ASCII-lowercased, lacks the
    word, no key holds it. Two non-ASCII letters lowercase to ASCII ones (U+0130 and the
    Kelvin sign U+212A): a text with either is not told. Data orjson refuses (non-``str``
    keys, subclasses of ``str``/``int``/``float``/``dict``/``list``, other types) is not
    told either: the walk visits it as before.
    """
    try:
        blob = orjson.dumps(node, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
    except Exception:
        return False
    if not blob.isascii() and (b"\xc4\xb0" in blob or b"\xe2\x84\xaa" in blob):
        return False
    return word not in blob.lower()


def _key_matches(key: str, want: str) -> bool:
    if key == want:
        return True
    # ``id`` inside a record matches ``<thing>_id`` only when asked for exactly ``id``
    return want.endswith("_" + key) and key not in ("id", "name", "type", "status") or key.endswith("_" + want)
