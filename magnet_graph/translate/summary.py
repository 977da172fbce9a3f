"""The assistant's closing summary of a turn's calls (offline backend).

:func:`summary_text` states each call's key output values exactly (ids, amounts, counts,
statuses), counts lists and names their first entries; the helpers here decide, from an
output field's name alone, how it is labelled and written (memoized per field name and per
list of names).  Every function is pure given its ``random.Random``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from ..types import Tool
from . import vocab as W
from .values import format_number, humanize_param, join_words, param_tokens, string_kind, string_text
from .wording import PREPOSITIONS, pick, short_phrase, text_kind_of

__all__ = ["summary_text"]


_PRIORITY = ("id", "status", "total", "amount", "price", "cost", "balance", "count", "result", "name", "title",
             "message", "number", "code", "date", "time")
_DIGIT_WORD = re.compile(r"\S*\d\S*\s*")


def _text_of(value: Any, key: str = "") -> str:
    """A scalar as text in a summary: the exact value, long text cut at a word boundary."""
    if type(value) is str:
        if "\n" not in value and len(value) <= 100:  # the common case: one short line
            kind = _KINDS.get(key, _UNKNOWN)
            if kind is _UNKNOWN:
                kind = _kind_of(key)
            return value.strip() if kind is None else string_text(value.strip(), kind)
        text = value
    elif type(value) is int:
        return str(value)  # format_number(value)
    elif isinstance(value, bool):
        return "yes" if value else "no"
    elif isinstance(value, (int, float)):
        return format_number(value)
    elif value is None:
        return "none"
    else:
        text = str(value)
    line = text.split("\n", 1)[0].strip()
    if len(line) > 100:
        cut = line[:100]
        line = cut[: cut.rfind(" ")] if " " in cut else cut
        return f"'{line}...'"
    if "\n" in text and line != text.strip():
        return f"'{line}...'"
    kind = _kind_of(key)  # format_value(line, None, name=key)
    return line if kind is None else string_text(line, kind)


@lru_cache(maxsize=8192)
def _label_for(key: str) -> str:
    words = [w for w in humanize_param(key).split(" ") if not any(c.isdigit() for c in w)]
    return " ".join(words) or "value"


@lru_cache(maxsize=8192)
def _score(key: str) -> int:
    toks = param_tokens(key)
    for i, p in enumerate(_PRIORITY):
        if p in toks:
            return i
    return len(_PRIORITY)


_EXTRA_FIELDS = frozenset({"price", "cost", "amount", "total", "status", "date"})
_UNITS = frozenset({"bytes", "seconds", "minutes", "hours", "days", "miles", "km", "kg", "meters", "percent", "usd"})


@dataclass(frozen=True, slots=True)
class _Field:
    """How a summary states an output field, from its name alone (see :func:`_fact`)."""

    label: str  # "booking ID"
    extra: bool  # worth adding beside a list entry's main value (a price, a status ...)
    unit: tuple[str, str] | None  # a numeric value reads "the {0} is {v} {1}" ("file size", "bytes")
    single: str | None  # a count reads "{v} {single or label}" ("lines" -> "line")
    prep: bool  # the label ends with a preposition: "{label} {v}" ("moved from")
    ed: bool  # the label ends in "ed": "{label}: {v}"
    state: str | None  # a boolean of it is a state word ("locked" for is_locked; see _flags_text)
    items: str  # the noun of a list value ("files", "booking ID entries")
    # the texts before a value: "{label} " (prep) or "{label}: " (ed), else None; "{label}: ";
    # "the {label} is "
    lead: str | None
    colon: str
    the: str


_FIELDS: dict[str, _Field] = {}
_KINDS: dict[str, str | None] = {}  # field name -> how format_value writes a string value of it (None: as it is)
_UNKNOWN: Any = object()  # not computed yet


def _kind_of(key: str) -> str | None:
    """How a string value of the output field ``key`` is written (``None``: as it is); computed
    once per name, only for fields that hold strings (bounded memo)."""
    kind = _KINDS.get(key, _UNKNOWN)
    if kind is _UNKNOWN:
        kind = text_kind_of(string_kind(None, name=key))
        if len(_KINDS) >= 8192:
            _KINDS.clear()
        _KINDS[key] = kind
    return kind


def _field(key: str) -> _Field:
    """The summary data of an output field name; computed once per name (bounded memo)."""
    f = _FIELDS.get(key)
    if f is None:
        label = _label_for(key)
        words = label.split(" ")
        last = words[-1].lower()
        f = _Field(
            label=label,
            extra=not _EXTRA_FIELDS.isdisjoint(param_tokens(key)),
            unit=(" ".join(words[:-1]), words[-1]) if len(words) > 1 and last in _UNITS else None,
            single=_singular_word(label) if len(words) == 1 and label.endswith("s") and not label.endswith("ss") else None,
            prep=last in PREPOSITIONS and len(words) > 1,
            ed=label.endswith("ed"),
            state=_state_word(label),
            items=label if label.endswith("s") else label + " entries",
            lead=label + " " if last in PREPOSITIONS and len(words) > 1 else label + ": " if label.endswith("ed") else None,
            colon=label + ": ",
            the=f"the {label} is ",
        )
        if len(_FIELDS) >= 8192:
            _FIELDS.clear()
        _FIELDS[key] = f
    return f


_ENTRY_PLANS: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[tuple[int, str, str], ...]]] = {}


def _entry_plan(keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[int, str, str], ...]]:
    """How a list entry with these field names is named: its names, most telling first, and
    those worth adding beside the main value (a price, a status ...) as (place in that order,
    name, label); memoized per list of names (bounded)."""
    order = _by_priority(keys)
    extras = tuple((i, k, _field(k).label) for i, k in enumerate(order) if _field(k).extra)
    if len(_ENTRY_PLANS) >= 4096:
        _ENTRY_PLANS.clear()
    _ENTRY_PLANS[keys] = plan = (order, extras)
    return plan


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        # the first scalar field by priority names the entry; the first scalar extra field after
        # it is added (objects and lists are left out)
        keys = tuple(item)
        order, extras = _ENTRY_PLANS.get(keys) or _entry_plan(keys)
        for i, k in enumerate(order):
            v = item[k]
            if not isinstance(v, (dict, list)):
                break
        else:
            return "an entry"
        main = _text_of(v, k)
        for j, e, label in extras:
            if j > i:
                v = item[e]
                if not isinstance(v, (dict, list)):
                    return f"{main} ({label} {_text_of(v, e)})"
        return main
    if isinstance(item, list):
        return f"a list of {len(item)}"
    return _text_of(item)


def _list_text(items: list[Any], noun: str, rng: random.Random) -> str:
    if not items:
        return f"there are no {noun}"
    shown = [_item_text(x) for x in items[:4]]
    more = len(items) - len(shown)
    listing = join_words(shown) if more <= 0 else ", ".join(shown) + ", among others"
    if len(items) == 1:
        noun = _singular_word(noun)
    form = pick(rng, ("found {n} {w}: {l}", "there is {n} {w}: {l}" if len(items) == 1 else "there are {n} {w}: {l}",
                       "I got {n} {w}: {l}"))
    return form.replace("{n}", str(len(items))).replace("{w}", noun).replace("{l}", listing)


@lru_cache(maxsize=4096)
def _summary_action(name: str, description: str) -> str:
    """The action phrase of a summary: cut to ten words, without words that hold digits."""
    return _DIGIT_WORD.sub("", short_phrase(name, description, 10)).strip() or "do that"


def _summarize_one(tool: Tool, args: Mapping[str, Any], output: Any, rng: random.Random) -> str:
    if type(output) is dict and output:  # the common case first: an object with fields
        if "error" in output and len(output) <= 2:
            action = _summary_action(tool.name, tool.description)
            return f"I tried to {action}, but it failed: {_text_of(output['error'], 'error')}"
        return _object_text(tool, args, output, rng)
    if isinstance(output, dict) and "error" in output and len(output) <= 2:
        action = _summary_action(tool.name, tool.description)
        return f"I tried to {action}, but it failed: {_text_of(output['error'], 'error')}"
    if output is None or (not output and (output == {} or output == [] or output == "")):
        action = _summary_action(tool.name, tool.description)
        return pick(rng, ("I went ahead and did it: {a}", "the request to {a} went through", "that's taken care of ({a})")).replace("{a}", action)
    if isinstance(output, list):
        return _list_text(output, "results", rng)
    if not isinstance(output, dict):
        return pick(rng, ("the result is {v}", "the answer is {v}", "it came back with {v}")).replace("{v}", _text_of(output))
    return _object_text(tool, args, output, rng)


def _object_text(tool: Tool, args: Mapping[str, Any], output: Mapping[str, Any], rng: random.Random) -> str:
    """An object output as up to four facts (the most telling fields that do not repeat an argument)."""
    known = set()  # the arguments as text
    numeric = False  # whether one of them may be a number's or a flag's text (see _NUMBER_START)
    for v in args.values():
        if type(v) is str:
            known.add(v)
            if v[:1] in _NUMBER_START:
                numeric = True
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool):
            known.add(str(v))
            numeric = True
    keys = _ORDERS.get(tuple(output)) or _by_priority(output)
    flags: list[str] = []
    facts: list[str] = []
    skip = bool(known)  # leave out the fields that repeat an argument
    while True:
        n = 0  # the fields stated (at most four)
        for k in keys:
            v = output[k]
            t = type(v)
            if skip:
                if t is str:
                    if v in known:
                        continue
                elif numeric or not (t is float or t is int or t is bool):  # (writing a float is slow)
                    if isinstance(v, (str, int, float)) and str(v) in known:
                        continue
            f = _FIELDS.get(k) or _field(k)
            # the common cases of _fact written out: a short one-line text, an int, a float
            if t is str and "\n" not in v and len(v) <= 100:
                if v:
                    kind = _KINDS.get(k, _UNKNOWN)
                    if kind is _UNKNOWN:
                        kind = _kind_of(k)
                    text = v.strip() if kind is None else string_text(v.strip(), kind)
                    if f.lead is not None:
                        facts.append(f.lead + text)
                    else:
                        facts.append(f.colon + text if int(rng.random() * 3) == 1 else f.the + text)
            elif t is bool:
                flags.append(k)
            elif t is int or t is float:
                text = str(v) if t is int else repr(v)  # format_number(v)
                if t is float and "e" in text:
                    text = format_number(v)
                if f.unit is not None:
                    facts.append(f"the {f.unit[0]} is {text} {f.unit[1]}")
                elif f.single is not None:
                    facts.append(f"{text} {f.single if v == 1 else f.label}")
                elif f.lead is not None:
                    facts.append(f.lead + text)
                else:
                    facts.append(f.colon + text if int(rng.random() * 3) == 1 else f.the + text)
            else:
                fact = _fact(k, f, v, rng)
                if fact:
                    facts.append(fact)
            n += 1
            if n == 4:
                break
        if n or not skip:
            break
        skip = False  # every field repeats an argument: the first four are stated all the same
    if flags:
        state = _flags_text(output, flags)
        if state:
            facts.append(state)
    if not facts:
        return f"the request to {_summary_action(tool.name, tool.description)} went through"
    return facts[0] if len(facts) == 1 else join_words(facts)


# how str() of an int, a float or a bool starts ("-1", "1e-05", "inf", "nan", "True", "False"):
# no text that starts otherwise can be one
_NUMBER_START = "-0123456789inTF"
_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _by_priority(names: Iterable[str]) -> tuple[str, ...]:
    """Field names, most telling first (ids, statuses, amounts ...); a stable sort, memoized
    per list of names (outputs of one tool share it; bounded)."""
    shape = tuple(names)
    order = _ORDERS.get(shape)
    if order is None:
        order = tuple(sorted(shape, key=_score))
        if len(_ORDERS) >= 4096:
            _ORDERS.clear()
        _ORDERS[shape] = order
    return order


def _flags_text(output: Mapping[str, Any], keys: list[str]) -> str:
    """Boolean output fields as one statement ("it was locked but not changed"); flags that are
    not a state word (``success``, ``sent_status``) are left out: the other facts say it."""
    on, off = [], []
    for k in keys:
        word = (_FIELDS.get(k) or _field(k)).state
        if word is not None:
            (on if output[k] else off).append(word)
    if not on and not off:
        return ""
    parts = ([join_words(on)] if on else []) + (["not " + join_words(off, last=" or ")] if off else [])
    return "it was " + " but ".join(parts)


def _state_word(label: str) -> str | None:
    """The state a boolean field's label names ("is locked" -> "locked"), or ``None`` when it is
    not one word in "ed" (``success``, ``sent status``, ``need``)."""
    words = label.split(" ")
    if words[0].lower() in ("is", "was") and len(words) > 1:
        words = words[1:]
    if len(words) != 1 or not words[0].endswith("ed") or words[0].lower() in ("need", "feed", "speed", "seed"):
        return None
    return words[0].lower()


def _singular_word(noun: str) -> str:
    """"files" -> "file", "entries" -> "entry" (for a count of one)."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes", "zes")):  # matches, boxes, addresses
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


def _fact(key: str, f: _Field, value: Any, rng: random.Random) -> str:
    """One output field (``f``: :func:`_field` of ``key``) as a short statement ("the booking
    ID is BK-12345", "6 lines")."""
    label = f.label
    if type(value) is str and "\n" not in value and len(value) <= 100:  # the common case of _text_of
        if not value:
            return ""
        kind = _KINDS.get(key, _UNKNOWN)
        if kind is _UNKNOWN:
            kind = _kind_of(key)
        text = value.strip() if kind is None else string_text(value.strip(), kind)
        if f.prep:  # (what the end of this function does for a text)
            return f"{label} {text}"
        if f.ed:
            return f"{label}: {text}"
        return f"{label}: {text}" if int(rng.random() * 3) == 1 else f"the {label} is {text}"
    elif type(value) is int:
        text = str(value)
        numeric = True
    elif type(value) is float:
        text = format_number(value)
        numeric = True
    elif isinstance(value, list):
        return _list_text(value, f.items, rng)
    elif isinstance(value, dict):
        inner = [(ik, iv) for ik, iv in value.items() if not isinstance(iv, (dict, list))][:3]
        if not inner:
            return ""
        return f"the {label} has " + join_words([f"{_label_for(ik)} {_text_of(iv, ik)}" for ik, iv in inner])
    else:
        if value is None or value == "":
            return ""
        text = str(value) if type(value) is int else _text_of(value, key)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if numeric:
        if f.unit is not None:
            return f"the {f.unit[0]} is {text} {f.unit[1]}"
        if f.single is not None:
            return f"{text} {f.single if value == 1 else label}"
    if f.prep:  # "moved from '/home/x'"
        return f"{label} {text}"
    if f.ed or isinstance(value, bool):
        return f"{label}: {text}"
    # one of "the {l} is {v}", "{l}: {v}", "the {l} is {v}" (labels are words: no braces)
    return f"{label}: {text}" if int(rng.random() * 3) == 1 else f"the {label} is {text}"


def summary_text(calls: Sequence[tuple[Tool, dict, Any]], *, rng: random.Random) -> str:
    """The assistant's text that ends a turn: a concise, truthful summary of each call.

    Each call is ``(tool, arguments, output)``.  Key scalar output values (ids, amounts,
    counts, statuses) are stated exactly, lists are counted and their first entries named;
    nothing is stated that is not in the outputs, besides counts of listed items.
    """
    sentences = []
    for tool, args, output in calls:
        if type(output) is dict and output and ("error" not in output or len(output) > 2):  # (the common case)
            s = _object_text(tool, args or {}, output, rng)
        else:
            s = _summarize_one(tool, args or {}, output, rng)
        if sentences:
            s = pick(rng, W.NEXT) + " " + s
        sentences.append(s[0].upper() + s[1:] + "." if s and s[0].islower() else s + ".")  # cap(s) + "."
    opener = pick(rng, W.SUMMARY_OPENERS)
    body = " ".join(sentences) if sentences else "There was nothing to do."
    return f"{opener} {body}" if opener else body
