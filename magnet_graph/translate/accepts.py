"""Cheap tests that a scalar fits a parameter schema, for the offline planner.

The planner only uses them to avoid picking values that are bound to fail; the loop validates
every call with the full schema anyway. :func:`checker` builds the test once per schema object
(a plain string schema, the most common, only tests the type); :func:`accepts` applies it.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable

__all__ = ["NO_SCHEMA", "accepts", "accepts_full", "any_value", "checker", "is_str"]

_PATTERNS: dict[str, re.Pattern[str]] = {}


_CHECKED = frozenset({"enum", "type", "pattern", "minLength", "maxLength", "minimum", "maximum",
                      "exclusiveMinimum", "exclusiveMaximum"})
_ACCEPTORS: dict[int, tuple[dict, Any]] = {}  # id(schema) -> (schema, check); the schema is kept alive
NO_SCHEMA: dict[str, Any] = {}  # the ``{}`` of a missing schema (read only): accepts anything


def accepts(schema: dict, value: Any) -> bool:
    """A cheap check that a scalar fits a parameter schema (type, enum, pattern, bounds).

    The loop validates every call with the full schema anyway; this only keeps the planner
    from picking values that are bound to fail. The check is built once per schema (see
    :func:`checker`); a plain string schema (the most common) only tests the type.
    """
    return checker(schema)(value)


def checker(schema: dict) -> Callable[[Any], bool]:
    """The one-argument test :func:`accepts` applies for ``schema``, made once per schema
    object (schemas are not changed while a run plans with them)."""
    hit = _ACCEPTORS.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    if len(_ACCEPTORS) >= 8192:  # schemas made on the fly (``{}`` defaults) must not pile up
        _ACCEPTORS.clear()
    used = _CHECKED.intersection(schema)
    if not used:
        check = any_value
    elif used == {"type"} and schema["type"] == "string":
        check = is_str
    else:
        check = _shaped_check(schema, used) or _full_check(schema)
    _ACCEPTORS[id(schema)] = (schema, check)
    return check


def _shaped_check(schema: dict, used: set[str]) -> "Callable[[Any], bool] | None":
    """A short test for the common schema shapes (a string enum, an integer or a number with
    or without bounds), the same verdict as :func:`accepts_full`; ``None`` for the others."""
    t = schema["type"] if "type" in used else None
    if used == {"enum", "type"} and t == "string" and isinstance(schema["enum"], list):
        enum = schema["enum"]
        return lambda value: isinstance(value, str) and value in enum
    if used == {"type"} and t == "integer":
        return is_whole
    if used == {"type"} and t == "number":
        return is_number
    if used == {"type", "minimum", "maximum"} and t in ("integer", "number"):
        lo, hi = schema["minimum"], schema["maximum"]
        if type(lo) in (int, float) and type(hi) in (int, float):
            fits = is_whole if t == "integer" else is_number
            return lambda value: fits(value) and not value < lo and not value > hi
    return None


def any_value(value: Any) -> bool:
    return True


def is_whole(value: Any) -> bool:
    """The ``type: integer`` test of :func:`accepts_full` (a float with no fraction passes)."""
    return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and value.is_integer()


def is_number(value: Any) -> bool:
    """The ``type: number`` test of :func:`accepts_full`."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def _full_check(schema: dict) -> Callable[[Any], bool]:
    """:func:`accepts_full` for ``schema`` with the schema's keywords read once.

    The test makes the same comparisons in the same order as :func:`accepts_full`; a
    pattern that is not a string or does not compile (re.error keeps the value) is left
    to :func:`accepts_full` itself, which also reports such odd schemas the same way."""
    pat = schema.get("pattern")
    rx = None
    if pat:
        if not isinstance(pat, str):
            return partial(accepts_full, schema)
        rx = _PATTERNS.get(pat)
        if rx is None:
            try:
                rx = _PATTERNS[pat] = re.compile(pat)
            except Exception:
                return partial(accepts_full, schema)
    has_enum = "enum" in schema
    enum = schema.get("enum")
    t = schema.get("type")
    typed = t is not None
    types = (t if isinstance(t, list) else (t,)) if typed else ()
    ok_bool, ok_str = "boolean" in types, "string" in types
    ok_int, ok_num, ok_whole = "integer" in types or "number" in types, "number" in types, "integer" in types
    min_len, max_len = schema.get("minLength", 0), schema.get("maxLength", 1 << 30)
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    xlo = schema.get("exclusiveMinimum")
    xhi = schema.get("exclusiveMaximum")
    has_lo, has_hi = "minimum" in schema, "maximum" in schema
    has_xlo, has_xhi = "exclusiveMinimum" in schema, "exclusiveMaximum" in schema
    has_bounds = has_lo or has_hi or has_xlo or has_xhi

    def check(value: Any) -> bool:
        if has_enum and value not in enum:
            return False
        if typed:
            if isinstance(value, bool):
                ok = ok_bool
            elif isinstance(value, str):
                ok = ok_str
            elif isinstance(value, int):
                ok = ok_int
            elif isinstance(value, float):
                ok = ok_num or (ok_whole and value.is_integer())
            else:
                ok = False
            if not ok:
                return False
        if isinstance(value, str):
            if rx is not None and not rx.search(value):
                return False
            if len(value) < min_len or len(value) > max_len:
                return False
        elif has_bounds and isinstance(value, (int, float)) and not isinstance(value, bool):
            if has_lo and value < lo:
                return False
            if has_hi and value > hi:
                return False
            if has_xlo and value <= xlo:
                return False
            if has_xhi and value >= xhi:
                return False
        return True

    return check


def accepts_full(schema: dict, value: Any) -> bool:
    """:func:`accepts` for a schema with an enum, a pattern, bounds or a non-string type."""
    if "enum" in schema and value not in schema["enum"]:
        return False
    t = schema.get("type")
    if t is not None:
        types = t if isinstance(t, list) else (t,)
        if isinstance(value, bool):
            ok = "boolean" in types
        elif isinstance(value, str):
            ok = "string" in types
        elif isinstance(value, int):
            ok = "integer" in types or "number" in types
        elif isinstance(value, float):
            ok = "number" in types or ("integer" in types and value.is_integer())
        else:
            ok = False
        if not ok:
            return False
    if isinstance(value, str):
        pat = schema.get("pattern")
        if pat:
            rx = _PATTERNS.get(pat)
            if rx is None:
                try:
                    rx = _PATTERNS[pat] = re.compile(pat)
                except re.error:
                    return True
            if not rx.search(value):
                return False
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 1 << 30):
            return False
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return False
        if "maximum" in schema and value > schema["maximum"]:
            return False
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            return False
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            return False
    return True
