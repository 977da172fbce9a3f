"""The grounding check of :func:`magnet_graph.verify.verify_record`.

Every argument value of every call must come from somewhere the assistant could have read it:
stated in a user message so far (as a whole word or id, not inside a longer one; numbers as
written, e.g. ``$1,200.50``), or a key, string or number of an earlier call's output. Values a
tool's parameter schema allows outright (``enum``, ``const``, ``default``, also through
``$ref`` and ``anyOf``/``oneOf``/``allOf``), ``null`` and booleans need no source. Lists and
objects are checked leaf by leaf, each leaf against its sub-schema.

:func:`check_grounding` returns one ``grounding: ...`` reason per leaf that nothing grounds.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterator

import orjson

from .schema_fit import json_equal, resolve_ref
from .short_json import short_json
from .types import Catalog

__all__ = ["check_grounding"]

_MEMO_SCHEMAS = 512  # parameter schemas remembered in _PLANS before it starts over


# A number written in text, not inside a word or after a dot: an optional sign, digits (or
# digits grouped by commas), an optional fraction and exponent; or ".5". Written so that the
# pattern starts with a character class: the regex engine then skips to the next sign, dot or
# digit in C instead of trying the look-behind at every position. It matches exactly what
#   (?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|(?<![\w.])[-+]?\.\d+
# matches: the first character is consumed, the look-behind checks the one before it, and
# each branch continues the number that first character began.
_NUMBER_TAIL = r"(?:\.\d+)?(?:[eE][-+]?\d+)?"
_NUMBER = re.compile(
    r"[-+.\d](?<![\w.].)"  # a sign, dot or digit that no word character or dot precedes
    r"(?:(?<=[-+])(?:(?:\d{1,3}(?:,\d{3})+|\d+)" + _NUMBER_TAIL + r"|\.\d+)"  # after a sign
    r"|(?<=\d)(?:\d{0,2}(?:,\d{3})+|\d*)" + _NUMBER_TAIL  # after a first digit
    + r"|(?<=\.)\d+)"  # after a leading dot
)
_NUMERIC_STRING = re.compile(r"\s*[$€£]?\s*[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?\s*%?\s*\Z")


def _numbers_in(text: str) -> list[float]:
    return [float(m.replace(",", "")) for m in _NUMBER.findall(text)]  # no group: findall gives the matches


def _as_number(text: str) -> float | None:
    if not _NUMERIC_STRING.match(text) or not any(c.isdigit() for c in text):
        return None
    try:
        return float(text.strip().strip("$€£%").strip().replace(",", ""))
    except ValueError:
        return None


def _said(value: str, text: str) -> bool:
    """Whether ``value`` occurs in ``text`` as a whole: not inside a longer word or id
    (``"a"`` is not said by "a bank account", ``ACC-68`` is not said by ``ACC-6812``)."""
    if len(value) < 2:  # one letter is in every sentence: it counts only when quoted
        return bool(value) and any(q + value + q in text for q in ("'", '"', "`"))
    start = text.find(value)
    if start == -1:
        return False
    # the usual case first: the first occurrence has neither a letter, digit, "_" nor "-" on
    # either side (nor a plural ending, which starts with a letter), so it counts whatever
    # the ends of the value are
    before = text[start - 1] if start else " "
    after = text[start + len(value):start + len(value) + 1] or " "
    if not (before.isalnum() or before in "-_" or after.isalnum() or after in "-_"):
        return True
    # what the ends of the value are: a neighbour that is a word character (or - and _ next
    # to a letter or digit) continues the value, so that occurrence does not count
    first, last = value[0], value[-1]
    first_word, last_word = first.isalnum() or first == "_", last.isalnum() or last == "_"
    first_alnum, last_alnum, last_alpha = first.isalnum(), last.isalnum(), last.isalpha()
    size, length = len(value), len(text)
    while start != -1:
        end = start + size
        if last_alpha:  # "2 desk lamps" states the item "desk lamp"
            for plural in ("s", "es"):
                if text.startswith(plural, end):
                    follow = text[end + len(plural):end + len(plural) + 1] or " "
                    if not (follow.isalnum() or follow == "_"):
                        end += len(plural)
                        break
        before = text[start - 1] if start else " "
        after = text[end] if end < length else " "
        if not (first_word and (before.isalnum() or before == "_")) and not (
            last_word and (after.isalnum() or after == "_")
        ):
            if not (first_alnum and before in "-_") and not (last_alnum and after in "-_"):
                return True
        start = text.find(value, start + 1)
    return False


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class _Sources:
    """What a call may take its argument values from: user text and earlier outputs.

    Outputs are indexed lazily: only when a value is not found in the user text nor in
    the outputs indexed so far (most values are stated by the user, and the last turn's
    outputs feed nothing); the numbers of user messages are read when a number is looked
    up, newest message first, until it is found.
    A string can often be looked up in the plain JSON text of the pending outputs instead
    (:meth:`_in_texts`), which spares indexing them.
    """

    __slots__ = ("text", "user_numbers", "strings", "numbers", "pending", "pending_plain", "pending_text")

    def __init__(self) -> None:
        self.text = ""  # lower-cased user messages so far
        self.user_numbers: set[float] = set()
        self.strings: set[str] = set()
        self.numbers: set[float] = set()
        self.pending: list[Any] = []  # outputs added but not indexed yet
        self.pending_plain: list[bytes | None] = []  # their plain JSON texts, where known
        self.pending_text: list[str] = []  # user messages whose numbers are not read yet

    def add_user(self, text: str) -> None:
        self.text += "\n" + text.lower()
        self.pending_text.append(text)

    def add_output(self, value: Any, plain: bytes | None = None) -> None:
        """Add an output (``plain``: its text as :func:`magnet_graph.replay._plain_json` writes it, if known)."""
        self.pending.append(value)
        self.pending_plain.append(plain)

    def _index(self) -> None:
        """Add every key, string and number of the pending outputs to the sets."""
        strings, numbers = self.strings, self.numbers
        numeric = _NUMERIC_STRING.match  # most strings are not numbers: skip _as_number for them
        stack, self.pending, self.pending_plain = self.pending, [], []
        while stack:
            value = stack.pop()
            kind = type(value)  # exact types first (JSON data); subclasses take the isinstance chain
            if kind is str:
                strings.add(value)
                # a numeric string starts with a space, sign, currency, digit, "." or "%" (or is
                # empty), never with a letter: most strings are told by their first character
                if not value[:1].isalpha() and numeric(value) is not None:
                    number = _as_number(value)
                    if number is not None:
                        numbers.add(number)
            elif kind is dict:
                strings.update(map(str, value))  # the keys, as the loop below adds them
                stack.extend(value.values())
            elif kind is list:
                stack.extend(value)
            elif kind is int:
                numbers.add(float(value))
                strings.add(str(value))
            elif kind is float:
                numbers.add(value)  # float(value) is value
                strings.add(str(value))
                if value.is_integer():
                    strings.add(str(int(value)))
            elif kind is bool or value is None:
                pass  # neither a string nor a number
            elif isinstance(value, dict):
                for k, v in value.items():
                    strings.add(str(k))
                    stack.append(v)
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, str):
                strings.add(value)
                number = _as_number(value)
                if number is not None:
                    numbers.add(number)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers.add(float(value))
                strings.add(str(value))
                if isinstance(value, float) and value.is_integer():
                    strings.add(str(int(value)))

    def has_string(self, value: str) -> bool:
        if value in self.strings or _said(value.lower(), self.text):
            return True
        return self.in_outputs(value)

    def in_outputs(self, value: str) -> bool:
        """:meth:`has_string` for a value known to be neither an indexed string nor said by the user."""
        if not self.pending:
            return False
        found = self._in_texts(value) if type(value) is str else None
        if found is not None:
            return found
        self._index()
        return value in self.strings

    def _in_texts(self, value: str) -> bool | None:
        """Whether ``value`` is a key or string of a pending output, read from their plain
        JSON texts; ``None`` when that cannot be told (then the outputs are indexed).

        Every key and string of an output is in its text as the JSON string of it, so a
        value whose JSON string is in no text is none of them. A value that could be how
        Python writes a number (the index also holds ``str(n)`` of numbers) is not decided
        here. A match is a whole key or string when its opening quote is not escaped (no
        backslash before it) and is not a closing quote, which compact JSON follows only by
        ``,`` ``:`` ``]`` or ``}``.
        """
        if value[:1] in "-0123456789" or value in ("inf", "nan"):  # "" is `in` any str: undecided too
            return None
        needle = orjson.dumps(value)
        opening = needle[1] not in b",:]}"
        unsure = False
        for text in self.pending_plain:
            if text is None:
                return None
            at = text.find(needle)
            while at != -1:
                if opening and (at == 0 or text[at - 1] != 0x5C):  # 0x5C: backslash
                    return True
                unsure = True
                at = text.find(needle, at + 1)
        return None if unsure else False

    def has_number(self, value: float) -> bool:
        x = float(value)
        if x in self.user_numbers or x in self.numbers:
            return True
        pending = self.pending_text
        while pending:  # newest first (a number is most often stated in its own turn), until found
            found = _numbers_in(pending.pop())
            self.user_numbers.update(found)
            if x in found:
                return True
        if self.pending:
            self._index()
            if x in self.numbers:
                return True
        return any(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) for y in (*self.user_numbers, *self.numbers))


def _fixed_values(schema: Any, root: Any, depth: int = 0) -> Iterator[Any]:
    """The enum, const and default values a schema (and its alternatives) allows outright."""
    if not isinstance(schema, dict) or depth > 8:
        return
    if "$ref" in schema:
        yield from _fixed_values(resolve_ref(root, schema["$ref"]), root, depth + 1)
    if "enum" in schema and isinstance(schema["enum"], list):
        yield from schema["enum"]
    for key in ("const", "default"):
        if key in schema:
            yield schema[key]
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key) or ():
            yield from _fixed_values(branch, root, depth + 1)


def _sub_schema(schema: Any, root: Any, key: str | int) -> Any:
    """The schema of ``key`` (property name or array index) inside ``schema``, or ``{}``."""
    if not isinstance(schema, dict):
        return {}
    if "$ref" in schema:
        target = resolve_ref(root, schema["$ref"])
        if isinstance(target, dict):
            schema = target
    if isinstance(key, str):
        props = schema.get("properties")
        if isinstance(props, dict) and key in props:
            return props[key]
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return extra
    else:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and key < len(prefix):
            return prefix[key]
        if isinstance(schema.get("items"), dict):
            return schema["items"]
    for alt in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(alt) or ():
            found = _sub_schema(branch, root, key)
            if found:
                return found
    return {}


_FIXED_KEYS = frozenset({"$ref", "enum", "const", "default", "anyOf", "oneOf", "allOf"})


def _ungrounded(value: Any, schema: Any, root: Any, where: str, src: _Sources, out: list[tuple[str, Any]]) -> None:
    """Append to ``out`` (argument path, value) of every leaf of ``value`` that nothing grounds."""
    if value is None or isinstance(value, bool):
        return
    if (
        isinstance(schema, dict)
        and not _FIXED_KEYS.isdisjoint(schema)
        and any(json_equal(value, fixed) for fixed in _fixed_values(schema, root))
    ):
        return
    if isinstance(value, str):
        if not src.has_string(value):
            out.append((where, value))
    elif isinstance(value, dict):
        for k, v in value.items():
            _ungrounded(v, _sub_schema(schema, root, k), root, f"{where}.{k}", src, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _ungrounded(v, _sub_schema(schema, root, i), root, f"{where}[{i}]", src, out)
    elif isinstance(value, (int, float)):
        if not src.has_number(value):
            out.append((where, value))
    else:
        out.append((where, value))


# What grounding reads of a tool's parameters for one argument, worked out once per schema:
# id(parameters) -> (parameters, {argument: _ArgPlan}). Holding the schema keeps its id from
# being reused; tool schemas are not changed once loaded (execute.py caches on that too).
_PLANS: dict[int, tuple[Any, dict[str, "_ArgPlan"]]] = {}
_PLAN_ARGS = 256  # argument names remembered per schema (a malformed record can have any)
_LAZY = object()  # the fixed values cannot all be read up front: read them the original way


class _ArgPlan:
    """The schema of one argument (``_sub_schema(params, params, arg)``) and the values it
    allows outright (``_fixed_values`` of it: ``None`` when it has none of those keywords,
    ``_LAZY`` when reading them all raises), plus the strings among them."""

    __slots__ = ("schema", "fixed", "fixed_strs")

    def __init__(self, params: Any, arg: str):
        self.schema = schema = _sub_schema(params, params, arg)
        self.fixed: Any = None
        self.fixed_strs: frozenset[str] = frozenset()
        if isinstance(schema, dict) and not _FIXED_KEYS.isdisjoint(schema):
            try:
                self.fixed = tuple(_fixed_values(schema, params))
            except Exception:  # a broken $ref: _ungrounded meets it lazily (or not at all)
                self.fixed = _LAZY
            else:  # a str value is JSON-equal to exactly the fixed values that are equal str
                self.fixed_strs = frozenset(f for f in self.fixed if type(f) is str)


def _arg_plans(params: Any) -> dict[str, _ArgPlan]:
    """The argument plans of one parameters schema (made empty on first use)."""
    entry = _PLANS.get(id(params))
    if entry is not None and entry[0] is params:
        return entry[1]
    if len(_PLANS) >= _MEMO_SCHEMAS:
        _PLANS.clear()
    plans: dict[str, _ArgPlan] = {}
    _PLANS[id(params)] = (params, plans)
    return plans


def check_grounding(
    record: dict, catalog: Catalog, users: list[list[str]], plain: dict[int, bytes] | None = None
) -> list[str]:
    """Every argument value must be stated by the user or come from an earlier output.
    ``plain``: the plain JSON texts of recorded outputs (see :func:`magnet_graph.verify._check_messages`)."""
    plain = plain or {}
    out: list[str] = []
    src = _Sources()
    leaves: list[tuple[str, Any]] = []
    by_name = catalog.by_name
    for turn, texts in zip(record["turns"], users):
        t = turn["index"]
        for text in texts:
            src.add_user(text)
        for call in turn.get("calls", []):
            name = call["name"]
            tool = by_name.get(name)
            if tool is None:
                params: Any = {}
                for arg, value in call["arguments"].items():
                    _ungrounded(value, _sub_schema(params, params, arg), params, arg, src, leaves)
            else:
                _ground_arguments(call["arguments"], tool.parameters, src, leaves, _arg_plans(tool.parameters))
            for where, leaf in leaves:
                out.append(
                    f"grounding: turn {t} call {name} argument {where}={short_json(leaf)} "
                    "is not stated by the user nor in an earlier output"
                )
            leaves.clear()
            src.add_output(call.get("output"), plain.get(id(call)))
    return out


def _ground_arguments(
    arguments: dict, params: Any, src: _Sources, leaves: list[tuple[str, Any]], plans: dict[str, _ArgPlan]
) -> None:
    """:func:`_ungrounded` for each argument of a catalog tool, with the argument's schema
    and fixed values from ``plans`` (:func:`_arg_plans` of ``params``); plain strings and
    numbers are checked right here."""
    strings, text = src.strings, src.text  # what has_string reads first, inlined for plain strings
    for arg, value in arguments.items():
        plan = plans.get(arg)
        if plan is None:
            plan = _ArgPlan(params, arg)
            if len(plans) < _PLAN_ARGS:
                plans[arg] = plan
        kind = type(value)
        fixed = plan.fixed
        if fixed is _LAZY:
            _ungrounded(value, plan.schema, params, arg, src, leaves)
        elif kind is str:
            if value in plan.fixed_strs or value in strings or _said(value.lower(), text):
                continue
            if not src.in_outputs(value):  # the rest of has_string: the first part is above
                leaves.append((arg, value))
        elif kind is int or kind is float:
            if fixed and any(json_equal(value, f) for f in fixed):
                continue
            if not src.has_number(value):
                leaves.append((arg, value))
        else:
            _ungrounded(value, plan.schema, params, arg, src, leaves)
