"""Verification of trajectory records: the checks of ``docs/record.md``, and whole files.

:func:`verify_record` returns the failure reasons of one record (``[]``: it passes). Each
reason is ``"<code>: <detail>"``; the codes are:

* ``record``: a field is missing or has the wrong type (nothing else is checked then);
* ``id``: ``id`` is not the record's content hash;
* ``messages``: turn slices do not tile ``messages``, roles are out of order, or a
  ``tool_calls`` entry / ``tool`` message disagrees with the turn's calls;
* ``calls``: a turn's calls are not its path functions, a miss turn has calls, the turn
  after a miss turn has none, or a ``tool_call`` id is not answered exactly once;
* ``tools``: a tool is offered or called that the catalog or the turn lacks, or a
  ``miss_func`` turn offers the withheld tool;
* ``schema``, ``execution``, ``grounding``, ``requests``, ``replay``: the named checks.

:func:`verify_file` streams a JSONL file and adds ``json`` (a line that is not a JSON
object). The translation loop runs :func:`verify_record` on every record before writing it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path as FsPath
from typing import Any, Callable, Iterator, Sequence

import orjson

from .errors import MagnetError, RecordError
from .execute import Environment, canonical_json, content_id, output_error, validate_arguments
from .schema_fit import json_equal, resolve_ref
from .types import Catalog

__all__ = ["CHECKS", "RecordResult", "VerifyReport", "verify_record", "verify_file"]

#: The checks named in a record's ``verification.checks``, in the order they run.
CHECKS = ("calls", "schema", "execution", "grounding", "requests", "replay")
_KINDS = ("normal", "miss_func", "miss_param")
_SHORT = 60


def _short(value: Any) -> str:
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def _reason_code(reason: str) -> str:
    return reason.split(":", 1)[0]


# ----------------------------------------------------------------------------------------
# Record shape
# ----------------------------------------------------------------------------------------

_FIELDS: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("seed", int),
    ("catalogs", list),
    ("toolkits", list),
    ("initial_state", dict),
    ("end_state", dict),
    ("tools", list),
    ("path", list),
    ("turns", list),
    ("messages", list),
)


def _check_shape(record: Any) -> list[str]:
    """Failures that make the other checks meaningless (missing fields, wrong types)."""
    if not isinstance(record, dict):
        return [f"record: expected a JSON object, got {type(record).__name__}"]
    out: list[str] = []
    if record.get("schema_version", 1) != 1:
        out.append(f"record: schema_version {record.get('schema_version')!r} is not supported (expected 1)")
    for name, kind in _FIELDS:
        if name not in record:
            out.append(f"record: missing field {name}")
        elif not isinstance(record[name], kind) or isinstance(record[name], bool):
            out.append(f"record: field {name} must be {getattr(kind, '__name__', kind)}")
    if out:
        return out
    if not _str_list(record["toolkits"]):
        out.append("record: toolkits must be a list of toolkit names")
    if not all(isinstance(t, dict) and isinstance(t.get("name"), str) for t in record["tools"]):
        out.append("record: every entry of tools must be an object with a string name")
    if not all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in record["messages"]):
        out.append("record: every message must be an object with a string role")
    if len(record["path"]) != len(record["turns"]):
        out.append(f"record: {len(record['turns'])} turns but the path has {len(record['path'])}")
    for i, p in enumerate(record["path"]):
        if not (isinstance(p, dict) and _str_list(p.get("funcs")) and _str_list(p.get("tags", []))):
            out.append(f"record: path[{i}] must be an object with lists of strings funcs and tags")
    for i, turn in enumerate(record["turns"]):
        out.extend(_check_turn_shape(i, turn))
    return out


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(map(isinstance, value, repeat(str)))  # map: no Python frame per item


def _check_turn_shape(i: int, turn: Any) -> list[str]:
    where = f"record: turns[{i}]"
    if not isinstance(turn, dict):
        return [f"{where} must be an object"]
    out: list[str] = []
    if turn.get("index") != i:
        out.append(f"{where}.index is {turn.get('index')!r}, expected {i}")
    if turn.get("kind", "normal") not in _KINDS:
        out.append(f"{where}.kind {turn.get('kind')!r} is not one of {', '.join(_KINDS)}")
    if not _str_list(turn.get("tools")):
        out.append(f"{where}.tools must be a list of tool names")
    span = turn.get("messages")
    if not (isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span)):
        out.append(f"{where}.messages must be [start, end]")
    missing = turn.get("missing")
    if missing is not None and not (isinstance(missing, dict) and isinstance(missing.get("function"), str)):
        out.append(f"{where}.missing must be null or an object with a string function")
    calls = turn.get("calls", [])
    if not isinstance(calls, list):
        return out + [f"{where}.calls must be a list"]
    for j, call in enumerate(calls):
        if not (
            isinstance(call, dict)
            and isinstance(call.get("id"), str)
            and isinstance(call.get("name"), str)
            and isinstance(call.get("arguments"), dict)
        ):
            out.append(f"{where}.calls[{j}] must have a string id and name and an arguments object")
    return out


# ----------------------------------------------------------------------------------------
# Messages and calls
# ----------------------------------------------------------------------------------------


def _check_messages(record: dict) -> tuple[list[str], list[list[str]] | None]:
    """Tiling, role order and message/call agreement. Returns the failures and, when the
    slices tile, the user messages of each turn (for grounding); ``None`` otherwise."""
    messages: list[dict] = record["messages"]
    turns: list[dict] = record["turns"]
    out: list[str] = []
    expected = 1 if messages and messages[0]["role"] == "system" else 0
    for turn in turns:
        start, end = turn["messages"]
        if start != expected or end <= start or end > len(messages):
            out.append(
                f"messages: turn {turn['index']} covers messages [{start}, {end}) but should start at "
                f"{expected} and end after it, within the {len(messages)} messages"
            )
            return out, None
        expected = end
    if expected != len(messages):
        out.append(f"messages: messages {expected}..{len(messages) - 1} belong to no turn")
        return out, None
    users: list[list[str]] = []
    seen_ids: set[str] = set()
    for turn in turns:
        texts, failures = _check_turn_messages(turn, messages, seen_ids)
        users.append(texts)
        out.extend(failures)
    return out, users


def _check_turn_messages(turn: dict, messages: list[dict], seen_ids: set[str]) -> tuple[list[str], list[str]]:
    """Walk one turn's slice: user message(s), then assistant tool calls each answered by
    tool messages, then the assistant text that ends the turn."""
    t = turn["index"]
    start, end = turn["messages"]
    out: list[str] = []
    texts: list[str] = []
    i = start
    while i < end and messages[i]["role"] == "user":
        content = messages[i].get("content")
        if not isinstance(content, str):
            out.append(f"messages: message {i} (user) has no text content")
        else:
            texts.append(content)
        i += 1
    if not texts:
        role = messages[start]["role"]
        out.append(f"messages: turn {t} does not start with a user message (message {start} is {role})")
    issued: list[tuple[str, str, Any]] = []  # (id, name, parsed arguments) in message order
    answers: dict[str, Any] = {}  # tool_call_id -> parsed content
    ended = False
    while i < end:
        msg = messages[i]
        role = msg["role"]
        if ended:
            out.append(f"messages: message {i} ({role}) follows the assistant text that ends turn {t}")
            break
        if role == "assistant" and msg.get("tool_calls"):
            pending = _read_tool_calls(i, msg["tool_calls"], issued, seen_ids, out)
            i += 1
            while i < end and messages[i]["role"] == "tool":
                _read_tool_message(i, messages[i], pending, answers, out)
                i += 1
            for cid in pending:
                out.append(f"calls: turn {t} tool_call {cid} is not answered by a tool message")
            continue
        if role == "assistant":
            if not isinstance(msg.get("content"), str):
                out.append(f"messages: message {i} (assistant) has neither tool_calls nor text content")
            ended = True
        elif role == "tool":
            cid = msg.get("tool_call_id")
            out.append(f"calls: message {i} answers tool_call {cid!r}, which no assistant message before it issued")
        else:
            out.append(f"messages: message {i} has role {role!r} inside turn {t}")
        i += 1
    if not ended:
        out.append(f"messages: turn {t} does not end with an assistant text message")
    out.extend(_compare_calls(turn, issued, answers))
    return texts, out


def _read_tool_calls(i: int, tool_calls: Any, issued: list, seen_ids: set[str], out: list[str]) -> dict[str, str]:
    """Check one assistant message's ``tool_calls``; return the ids it waits for -> name."""
    pending: dict[str, str] = {}
    if not isinstance(tool_calls, list):
        out.append(f"messages: message {i} tool_calls must be a list")
        return pending
    for tc in tool_calls:
        fn = tc.get("function") if isinstance(tc, dict) else None
        if not (isinstance(fn, dict) and isinstance(tc.get("id"), str) and isinstance(fn.get("name"), str)):
            out.append(f"messages: message {i} has a tool_call without an id or function name")
            continue
        cid, name = tc["id"], fn["name"]
        if tc.get("type", "function") != "function":
            out.append(f"messages: message {i} tool_call {cid} has type {tc.get('type')!r}, expected 'function'")
        if cid in seen_ids:
            out.append(f"calls: tool_call id {cid} is used more than once")
        seen_ids.add(cid)
        where = f"messages: message {i} tool_call {cid} ({name}) arguments"
        issued.append((cid, name, _parse_arguments(fn.get("arguments"), where, out)))
        pending[cid] = name
    return pending


def _parse_arguments(raw: Any, where: str, out: list[str]) -> dict | None:
    """The arguments object of a ``tool_calls`` entry (a JSON string); ``None`` if bad."""
    if not isinstance(raw, str):
        out.append(f"{where} must be a JSON string, not {type(raw).__name__}")
        return None
    try:
        args = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        out.append(f"{where} are not valid JSON: {exc}")
        return None
    if not isinstance(args, dict):
        out.append(f"{where} must encode a JSON object")
        return None
    return args


def _read_tool_message(i: int, msg: dict, pending: dict[str, str], answers: dict[str, Any], out: list[str]) -> None:
    cid = msg.get("tool_call_id")
    if not isinstance(cid, str):
        out.append(f"messages: message {i} (tool) has no string tool_call_id")
        return
    if cid not in pending:
        if cid in answers:
            out.append(f"calls: tool_call {cid} is answered more than once (message {i})")
        else:
            out.append(
                f"calls: message {i} answers tool_call {cid!r}, which the assistant message before it did not issue"
            )
        return
    name = pending.pop(cid)
    if msg.get("name", name) != name:
        out.append(f"messages: message {i} answers tool_call {cid} of {name} but is named {msg.get('name')!r}")
    content = msg.get("content")
    try:
        answers[cid] = orjson.loads(content) if isinstance(content, (str, bytes)) else _NOT_JSON
    except orjson.JSONDecodeError:
        answers[cid] = _NOT_JSON
    if answers[cid] is _NOT_JSON:
        out.append(f"messages: message {i} (tool result of {cid}) content is not a JSON string")


_NOT_JSON = object()


def _compare_calls(turn: dict, issued: list[tuple[str, str, Any]], answers: dict[str, Any]) -> list[str]:
    """The tool calls in the messages must be the turn's calls, in order, with their outputs."""
    t = turn["index"]
    calls = turn.get("calls", [])
    out: list[str] = []
    if len(issued) != len(calls):
        out.append(f"messages: turn {t} messages issue {len(issued)} tool calls but the turn records {len(calls)}")
    for (cid, name, args), call in zip(issued, calls):
        if cid != call["id"] or name != call["name"]:
            recorded = f"{call['id']} ({call['name']})"
            out.append(f"messages: turn {t} tool_call {cid} ({name}) does not match recorded call {recorded}")
            continue
        if args is not None and canonical_json(args) != canonical_json(call["arguments"]):
            out.append(f"messages: turn {t} tool_call {cid} ({name}) arguments differ from the recorded call's")
        answer = answers.get(cid, _NOT_JSON)
        if answer is not _NOT_JSON and canonical_json(answer) != canonical_json(call.get("output")):
            out.append(f"messages: turn {t} tool result of {cid} ({name}) differs from the recorded output")
    return out


def _check_calls(record: dict, catalog: Catalog) -> list[str]:
    """Calls against the path, miss turns, and the tools offered."""
    out: list[str] = []
    turns: list[dict] = record["turns"]
    offered = {t["name"] for t in record["tools"]}
    for name in sorted(offered):
        if name not in catalog:
            out.append(f"tools: tool {name} is not in catalog {catalog.id}")
    for turn, step in zip(turns, record["path"]):
        t = turn["index"]
        kind = turn.get("kind", "normal")
        calls = turn.get("calls", [])
        names = [c["name"] for c in calls]
        tags = step.get("tags", [])
        path_kind = "miss_func" if "miss_func" in tags else "miss_param" if "miss_param" in tags else "normal"
        if kind != path_kind:
            out.append(f"calls: turn {t} is {kind} but its path turn is {path_kind}")
        for name in turn["tools"]:
            if name not in offered:
                out.append(f"tools: turn {t} offers {name}, which is not in the record's tools")
        for name in dict.fromkeys(names):
            if name not in turn["tools"]:
                out.append(f"tools: turn {t} calls {name}, which is not offered in that turn")
        if kind != "normal":
            out.extend(_check_miss(record, turn))
            continue
        if names == step["funcs"]:
            continue  # the common case: exactly the path turn's calls, in its order
        funcs = Counter(step["funcs"])
        made = Counter(names)
        for name in sorted(set(made) - set(funcs)):
            out.append(f"calls: turn {t} calls {name}, which its path turn does not have (invented)")
        for name, need in sorted(funcs.items()):
            if made[name] < need:
                out.append(f"calls: turn {t} calls {name} {made[name]} time(s); its path turn has it {need} time(s)")
    return out


def _check_miss(record: dict, turn: dict) -> list[str]:
    t = turn["index"]
    kind = turn["kind"]
    out: list[str] = []
    if turn.get("calls"):
        out.append(f"calls: {kind} turn {t} has {len(turn['calls'])} call(s); a miss turn makes none")
    turns = record["turns"]
    after = turns[t + 1] if t + 1 < len(turns) else None
    if after is None:
        out.append(f"calls: {kind} turn {t} is the last turn; the turn after it must make the calls")
    elif not after.get("calls"):
        out.append(f"calls: turn {t + 1} follows {kind} turn {t} but makes no call")
    missing = turn.get("missing")
    if missing is None:
        out.append(f"calls: {kind} turn {t} has no missing entry")
        return out
    func = missing["function"]
    if after is not None and func not in record["path"][t + 1]["funcs"]:
        out.append(f"calls: {kind} turn {t} misses {func}, which the next turn's path does not call")
    if kind == "miss_func":
        if func in turn["tools"]:
            out.append(f"tools: miss_func turn {t} offers {func}, the function it withholds")
        if after is not None and func not in after["tools"]:
            out.append(f"tools: turn {t + 1} does not offer {func} after miss_func turn {t}")
    elif "parameter" not in missing or "value" not in missing:
        out.append(f"calls: miss_param turn {t} missing entry lacks parameter or value")
    return out


# ----------------------------------------------------------------------------------------
# Schema, execution, requests
# ----------------------------------------------------------------------------------------


def _iter_calls(record: dict) -> Iterator[tuple[int, dict]]:
    for turn in record["turns"]:
        for call in turn.get("calls", []):
            yield turn["index"], call


def _check_schema_and_execution(record: dict, catalog: Catalog) -> list[str]:
    out: list[str] = []
    for t, call in _iter_calls(record):
        name = call["name"]
        if name not in catalog:
            out.append(f"calls: turn {t} call {call['id']} uses unknown tool {name}")
            continue
        for err in validate_arguments(catalog, name, call["arguments"]):
            out.append(f"schema: turn {t} call {name} ({call['id']}) argument {err}")
        message = output_error(call.get("output"))
        if message is not None:
            out.append(f"execution: turn {t} call {name} ({call['id']}) returned an error: {_short(message)}")
    return out


def _is_identifier_like(name: str) -> bool:
    return "_" in name or any(c.isdigit() for c in name) or re.search(r"[a-z][A-Z]", name) is not None


@lru_cache(maxsize=256)
def _tool_name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    picked = sorted((n for n in names if _is_identifier_like(n)), key=len, reverse=True)
    if not picked:
        return None
    return re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(map(re.escape, picked)) + r")(?![A-Za-z0-9_])")


def _check_requests(record: dict) -> list[str]:
    out: list[str] = []
    names = tuple(sorted({t["name"] for t in record["tools"]}))
    pattern = _tool_name_pattern(names)
    first: dict[str, int] = {}
    for i, msg in enumerate(record["messages"]):
        if msg["role"] != "user" or not isinstance(msg.get("content"), str):
            continue
        text = msg["content"]
        if pattern is not None:
            hit = pattern.search(text)
            if hit:
                out.append(f"requests: user message {i} names the tool {hit.group(0)}")
        if text in first:
            out.append(f"requests: user message {i} repeats message {first[text]} exactly")
        else:
            first[text] = i
    return out


# ----------------------------------------------------------------------------------------
# Grounding
# ----------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|(?<![\w.])[-+]?\.\d+")
_NUMERIC_STRING = re.compile(r"\s*[$€£]?\s*[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?\s*%?\s*\Z")


def _numbers_in(text: str) -> list[float]:
    return [float(m.group(0).replace(",", "")) for m in _NUMBER.finditer(text)]


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
    while start != -1:
        end = start + len(value)
        for plural in ("s", "es"):  # "2 desk lamps" states the item "desk lamp"
            if value[-1].isalpha() and text.startswith(plural, end) and not _word_char(text[end + len(plural):end + len(plural) + 1] or " "):
                end += len(plural)
                break
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (_word_char(before) and _word_char(value[0])) and not (_word_char(after) and _word_char(value[-1])):
            if not (value[0].isalnum() and before in "-_") and not (value[-1].isalnum() and after in "-_"):
                return True
        start = text.find(value, start + 1)
    return False


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class _Sources:
    """What a call may take its argument values from: user text and earlier outputs.

    Outputs are indexed lazily: only when a value is not found in the user text nor in
    the outputs indexed so far (most values are stated by the user, and the last turn's
    outputs feed nothing); the numbers of user messages are read at the first number.
    """

    __slots__ = ("text", "user_numbers", "strings", "numbers", "pending", "pending_text")

    def __init__(self) -> None:
        self.text = ""  # lower-cased user messages so far
        self.user_numbers: set[float] = set()
        self.strings: set[str] = set()
        self.numbers: set[float] = set()
        self.pending: list[Any] = []  # outputs added but not indexed yet
        self.pending_text: list[str] = []  # user messages whose numbers are not read yet

    def add_user(self, text: str) -> None:
        self.text += "\n" + text.lower()
        self.pending_text.append(text)

    def add_output(self, value: Any) -> None:
        self.pending.append(value)

    def _index(self) -> None:
        """Add every key, string and number of the pending outputs to the sets."""
        strings, numbers = self.strings, self.numbers
        stack, self.pending = self.pending, []
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
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
        if not self.pending:
            return False
        self._index()
        return value in self.strings

    def has_number(self, value: float) -> bool:
        x = float(value)
        if self.pending_text:
            for text in self.pending_text:
                self.user_numbers.update(_numbers_in(text))
            self.pending_text.clear()
        if x in self.user_numbers or x in self.numbers:
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


def _check_grounding(record: dict, catalog: Catalog, users: list[list[str]]) -> list[str]:
    out: list[str] = []
    src = _Sources()
    leaves: list[tuple[str, Any]] = []
    for turn, texts in zip(record["turns"], users):
        t = turn["index"]
        for text in texts:
            src.add_user(text)
        for call in turn.get("calls", []):
            name = call["name"]
            tool = catalog.by_name.get(name)
            params = tool.parameters if tool is not None else {}
            for arg, value in call["arguments"].items():
                _ungrounded(value, _sub_schema(params, params, arg), params, arg, src, leaves)
            for where, leaf in leaves:
                out.append(
                    f"grounding: turn {t} call {name} argument {where}={_short(leaf)} "
                    "is not stated by the user nor in an earlier output"
                )
            leaves.clear()
            src.add_output(call.get("output"))
    return out


# ----------------------------------------------------------------------------------------
# Replay
# ----------------------------------------------------------------------------------------


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    """JSON pointer of the first place where ``a`` and ``b`` differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return f"{where}/{k}"
            if canonical_json(a[k]) != canonical_json(b[k]):
                return _first_difference(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if canonical_json(x) != canonical_json(y):
                return _first_difference(x, y, f"{where}/{i}")
        if len(a) != len(b):
            return f"{where}/{min(len(a), len(b))}"
    return where or "/"


def _check_replay(record: dict, catalog: Catalog) -> list[str]:
    out: list[str] = []
    initial = record["initial_state"]
    try:
        env = Environment(catalog, record["toolkits"], seed=record["seed"], initial_state=initial)
    except MagnetError as exc:
        return [f"replay: cannot set up the environment: {exc}"]
    for name in sorted(set(env.executable) - set(initial)):
        out.append(f"replay: initial_state has no entry for executable toolkit {name}")
    for t, call in _iter_calls(record):
        name = call["name"]
        if name not in catalog:
            continue  # reported by the calls check
        try:
            result = env.execute(name, call["arguments"])
        except MagnetError as exc:
            out.append(f"replay: turn {t} call {name} ({call['id']}) cannot run: {exc}")
            continue
        recorded = call.get("output")
        if canonical_json(result.output) != canonical_json(recorded):
            out.append(
                f"replay: turn {t} call {name} ({call['id']}) output differs at "
                f"{_first_difference(recorded, result.output)}: "
                f"recorded {_short(recorded)}, replayed {_short(result.output)}"
            )
        if bool(call.get("simulated", False)) != result.simulated:
            state = "simulated" if result.simulated else "executable"
            flag = call.get("simulated", False)
            out.append(f"replay: turn {t} call {name} ({call['id']}) is {state} but recorded simulated={flag}")
    end = env.state_json()
    recorded_end = record["end_state"]
    for name in sorted(set(end) | set(recorded_end)):
        if name not in recorded_end:
            out.append(f"replay: end_state has no entry for executable toolkit {name}")
        elif name not in end:
            out.append(f"replay: end_state has toolkit {name}, which is not executable in catalog {catalog.id}")
        elif end[name] != canonical_json(recorded_end[name]):
            where = _first_difference(recorded_end[name], env.snapshot()[name])
            out.append(f"replay: end_state of {name} differs from the replayed state at {where}")
    return out


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------


def verify_record(record: dict, catalog: Catalog, *, replay: bool = True) -> list[str]:
    """Run every check of ``docs/record.md`` on one record; return the failure reasons.

    ``[]`` means the record passes. Each reason is ``"<code>: <detail>"`` (codes in the
    module docstring). The ``id`` is checked only when present (the translation loop
    verifies before it assigns one); ``replay=False`` skips re-execution.
    """
    shape = _check_shape(record)
    if shape:
        return shape
    out: list[str] = []
    if "id" in record and record["id"] != content_id(record):
        out.append(f"id: record id {record['id']!r} is not its content hash {content_id(record)!r}")
    message_failures, users = _check_messages(record)
    out.extend(message_failures)
    out.extend(_check_calls(record, catalog))
    out.extend(_check_schema_and_execution(record, catalog))
    if users is not None:
        out.extend(_check_grounding(record, catalog, users))
    out.extend(_check_requests(record))
    if replay:
        out.extend(_check_replay(record, catalog))
    return out


@dataclass(slots=True)
class RecordResult:
    """A failing record of a file: its 1-based line number, its id (if any) and reasons."""

    line: int
    id: str | None
    failures: list[str]


@dataclass
class VerifyReport:
    """The result of :func:`verify_file`.

    ``records``: lines checked (blank lines skipped); ``failed``: failing records;
    ``counts``: reason code -> number of failing records with that reason; ``failures``:
    the first ``max_failures`` failing records (``omitted`` more were not kept).
    """

    path: str
    records: int = 0
    passed: int = 0
    failed: int = 0
    counts: Counter = field(default_factory=Counter)
    failures: list[RecordResult] = field(default_factory=list)
    omitted: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def add(self, line: int, record_id: str | None, failures: list[str], *, keep: int | None) -> None:
        self.records += 1
        if not failures:
            self.passed += 1
            return
        self.failed += 1
        self.counts.update({_reason_code(f) for f in failures})
        if keep is None or len(self.failures) < keep:
            self.failures.append(RecordResult(line, record_id, failures))
        else:
            self.omitted += 1


def verify_file(
    path: str | FsPath,
    *,
    catalog_resolver: Callable[[Sequence[str]], Catalog],
    replay: bool = True,
    max_failures: int | None = None,
    checker: Callable[..., list[str]] | None = None,
) -> VerifyReport:
    """Verify every line of a JSONL file of records; never raises for a bad line.

    ``catalog_resolver(ids)`` returns the catalog for a record's ``catalogs`` ids (called
    once per distinct ids). A line that is not a JSON object is a ``json`` failure with its
    line number. A :class:`MagnetError` from the resolver stops the run as a
    :class:`RecordError` naming the file and line. ``checker(record, catalog, replay=...)``
    replaces :func:`verify_record` (``magnet extract`` output adds its own checks).
    """
    report = VerifyReport(str(path))
    catalogs: dict[tuple[str, ...], Catalog] = {}
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                torn = "" if raw.endswith(b"\n") else " (the last line has no newline: the file was probably cut off)"
                report.add(number, None, [f"json: line {number} is not valid JSON: {exc}{torn}"], keep=max_failures)
                continue
            if not isinstance(record, dict):
                reason = f"json: line {number} is a JSON {type(record).__name__}, not an object"
                report.add(number, None, [reason], keep=max_failures)
                continue
            record_id = record.get("id") if isinstance(record.get("id"), str) else None
            failures = _verify_line(record, number, path, catalogs, catalog_resolver, replay, checker or verify_record)
            report.add(number, record_id, failures, keep=max_failures)
    return report


def _verify_line(
    record: dict,
    number: int,
    path: str | FsPath,
    catalogs: dict[tuple[str, ...], Catalog],
    resolver: Callable[[Sequence[str]], Catalog],
    replay: bool,
    checker: Callable[..., list[str]],
) -> list[str]:
    ids = record.get("catalogs")
    if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
        return ["record: field catalogs must be a list of catalog ids"]
    key = tuple(ids)
    catalog = catalogs.get(key)
    if catalog is None:
        try:
            catalog = catalogs[key] = resolver(key)
        except MagnetError as exc:
            raise RecordError(f"{path}: line {number}: cannot load catalog {list(key)}: {exc}") from exc
    failures = [] if "id" in record else ["record: missing field id"]
    try:
        failures.extend(checker(record, catalog, replay=replay))
    except Exception as exc:  # a malformed record must become a reason, not a crash of the whole file
        failures.append(f"record: could not be checked ({type(exc).__name__}: {exc})")
    return failures
