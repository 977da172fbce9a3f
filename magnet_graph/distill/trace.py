"""Where each argument value of a record came from, and how to invent a wrong one.

:func:`arg_origins` labels every argument leaf of a turn's calls: ``fixed`` (a schema
enum/const/default or a boolean), ``user`` (stated in the user messages so far),
``same_turn`` (a leaf of an earlier call's output in the same turn), ``history`` (a leaf of
an earlier turn's output) or ``unknown``. The negatives of :mod:`.negatives` pick their
perturbation sites from these labels.

:func:`invent` makes a value of the same type that appears nowhere in the conversation (the
"hallucinated" value of a wrong call or summary).
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import orjson

__all__ = ["Origin", "leaves", "get_at", "set_at", "schema_at", "find_bounded", "arg_origins", "Sources", "invent", "turn_user_texts"]

Path = tuple[Any, ...]
_NUM = re.compile(r"[-+]?\d+(?:\.\d+)?")


def leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """``(path, scalar)`` for every scalar inside ``value`` (dict keys and list indices)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    else:
        yield path, value


def find_bounded(text: str, token: str, *, before: str = "", after: str = "", start: int = 0) -> int:
    """Index of the first occurrence of ``token`` in ``text`` with no letter or digit right
    before or after it (nor a character of ``before`` / ``after``); ``-1`` when there is
    none. No regex is compiled: this runs in hot loops."""
    if not token:
        return -1
    i = text.find(token, start)
    while i != -1:
        prev = text[i - 1] if i else ""
        j = i + len(token)
        nxt = text[j] if j < len(text) else ""
        if not (prev and (prev.isalnum() or prev in before)) and not (nxt and (nxt.isalnum() or nxt in after)):
            return i
        i = text.find(token, i + 1)
    return -1


def get_at(value: Any, path: Path) -> Any:
    """The item of ``value`` at ``path``; ``KeyError`` when the path does not exist."""
    for key in path:
        try:
            value = value[key]
        except (IndexError, TypeError) as exc:
            raise KeyError(key) from exc
    return value


def set_at(value: Any, path: Path, new: Any) -> Any:
    """A deep copy of ``value`` with the item at ``path`` replaced by ``new``."""
    out = copy.deepcopy(value)
    if not path:
        return new
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return type(a) is type(b) and a == b


@dataclass(frozen=True, slots=True)
class Origin:
    """One argument leaf of call ``call`` of a turn, and where its value came from.

    ``source`` is ``(turn, call index, output path)`` for ``same_turn`` / ``history``.
    """

    call: int
    path: Path
    value: Any
    kind: str
    source: tuple[int, int, Path] | None = None


def turn_user_texts(record: Mapping[str, Any], t: int) -> list[str]:
    """The user messages of turn ``t``."""
    start, end = record["turns"][t]["messages"]
    return [m["content"] for m in record["messages"][start:end] if m["role"] == "user" and isinstance(m.get("content"), str)]


def _fixed(schema: Any) -> list[Any]:
    if not isinstance(schema, dict):
        return []
    out = list(schema.get("enum") or [])
    out += [schema[k] for k in ("const", "default") if k in schema]
    for alt in ("anyOf", "oneOf"):
        for branch in schema.get(alt) or ():
            out += _fixed(branch)
    return out


def _sub(schema: Any, key: Any) -> Any:
    if not isinstance(schema, dict):
        return {}
    if isinstance(key, str):
        return (schema.get("properties") or {}).get(key, {})
    items = schema.get("items")
    return items if isinstance(items, dict) else {}


def schema_at(params: Mapping[str, Any], path: Path) -> Any:
    """The sub-schema of a parameters schema at an argument path (``{}`` when unknown)."""
    schema: Any = params
    for key in path:
        schema = _sub(schema, key)
    return schema


def arg_origins(record: Mapping[str, Any], t: int, tool_params: Mapping[str, Mapping[str, Any]]) -> list[Origin]:
    """Label every argument leaf of turn ``t``'s calls with where its value came from.

    ``tool_params`` maps tool names to their parameters schemas.
    """
    user = "\n".join(text for h in range(t + 1) for text in turn_user_texts(record, h)).lower()
    user_numbers = {float(x) for x in _NUM.findall(user.replace(",", ""))}
    history: list[tuple[int, int, Path, Any]] = []
    for h in range(t):
        for k, call in enumerate(record["turns"][h].get("calls", [])):
            history.extend((h, k, p, v) for p, v in leaves(call.get("output")))
    calls = record["turns"][t].get("calls", [])
    out: list[Origin] = []
    for j, call in enumerate(calls):
        params = tool_params.get(call["name"], {})
        for path, value in leaves(call["arguments"]):
            schema = schema_at(params, path)
            if value is None or isinstance(value, bool) or any(_same(value, f) for f in _fixed(schema)):
                out.append(Origin(j, path, value, "fixed"))
                continue
            if isinstance(value, str) and value.lower() in user:
                out.append(Origin(j, path, value, "user"))
                continue
            if isinstance(value, (int, float)) and float(value) in user_numbers:
                out.append(Origin(j, path, value, "user"))
                continue
            same = [(t, i, p) for i in range(j) for p, v in leaves(calls[i].get("output")) if _same(v, value)]
            if same:
                out.append(Origin(j, path, value, "same_turn", same[-1]))
                continue
            hist = [(h, k, p) for h, k, p, v in history if _same(v, value)]
            if hist:
                out.append(Origin(j, path, value, "history", hist[-1]))
                continue
            out.append(Origin(j, path, value, "unknown"))
    return out


class Sources:
    """Every value the conversation of a record states: user text, outputs, arguments.

    ``has(value)`` is True when ``value`` appears there (strings: as a substring of the text,
    case-insensitive; numbers: as a number); :func:`invent` avoids such values.
    """

    def __init__(self, record: Mapping[str, Any]):
        parts: list[str] = []
        self.numbers: set[float] = set()
        for msg in record["messages"]:
            content = msg.get("content")
            if isinstance(content, str):
                parts.append(content)
                self.numbers.update(float(x) for x in _NUM.findall(content.replace(",", "")))
            for tc in msg.get("tool_calls") or ():
                parts.append(str(tc["function"].get("arguments", "")))
        for turn in record["turns"]:
            for call in turn.get("calls", []):
                stack = [call.get("output")]
                while stack:
                    item = stack.pop()
                    if isinstance(item, list):
                        self.numbers.add(float(len(item)))
                        stack.extend(item)
                    elif isinstance(item, dict):
                        stack.extend(item.values())
                    elif isinstance(item, (int, float)) and not isinstance(item, bool):
                        self.numbers.add(float(item))
        self.text = "\n".join(parts).lower()

    def has(self, value: Any) -> bool:
        if isinstance(value, bool) or value is None:
            return True
        if isinstance(value, (int, float)):
            return float(value) in self.numbers
        if isinstance(value, str):
            return find_bounded(self.text, value.lower()) != -1
        return orjson.dumps(value).decode().lower() in self.text


_SURNAMES = ("Okafor", "Lindqvist", "Marchetti", "Haddad", "Kowalczyk", "Ferreira", "Tanaka", "Oyelaran")
_FILLERS = (
    "Following up on the earlier note", "Please see the attached summary", "Reminder about the next steps",
    "Checking in on the status of this", "Quick update on the plan for today",
)
_DIGITS = re.compile(r"\d+")


def _invent_once(value: Any, schema: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        step = rng.choice((1, 2, 3, 7, 10, 25, 100))
        return value + step if rng.random() < 0.7 or value - step < 0 else value - step
    if isinstance(value, float):
        return round(value * rng.uniform(1.15, 1.9) + rng.choice((0.5, 1.25, 3.0)), 2)
    if isinstance(value, str):
        enum = [e for e in (schema.get("enum") or []) if e != value] if isinstance(schema, dict) else []
        if enum:
            return rng.choice(enum)
        if _DIGITS.search(value):
            return _DIGITS.sub(lambda m: _other_number(m.group(0), rng), value)
        if "@" in value:
            local, _, domain = value.partition("@")
            return f"{local}{rng.randint(2, 97)}@{domain}"
        words = value.split(" ")
        if len(words) >= 4:
            return rng.choice(_FILLERS)
        if len(words) > 1 and words[-1][:1].isupper():
            return " ".join(words[:-1] + [rng.choice(_SURNAMES)])
        stem, dot, ext = value.rpartition(".") if "." in value[1:] else (value, "", "")
        return f"{stem}_{rng.randint(2, 9)}{dot}{ext}"
    return value


def _other_number(digits: str, rng: random.Random) -> str:
    width = len(digits)
    for _ in range(8):
        new = str(rng.randint(0, 10**width - 1)).zfill(width)
        if new != digits:
            return new
    return digits + "1"


def invent(
    value: Any,
    *,
    rng: random.Random,
    schema: Any = None,
    known: Sources | None = None,
    valid: Callable[[Any], bool] | None = None,
    tries: int = 12,
) -> Any:
    """A value of ``value``'s type that differs from it and that ``known`` does not contain.

    Digits inside strings are changed (ids, dates, codes), a surname is swapped, a suffix
    is added; numbers move by a few units. ``valid`` (e.g. a schema check) is preferred
    when it can be met; the last candidate is returned otherwise. A value that cannot be
    changed (``None``) comes back unchanged: callers compare.
    """
    last = value
    for _ in range(tries):
        cand = _invent_once(value, schema, rng)
        if _same(cand, value):
            continue
        last = cand
        if known is not None and not isinstance(cand, bool) and known.has(cand):
            continue
        if valid is None or valid(cand):
            return cand
    return last
