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
* ``schema``, ``execution``, ``grounding``, ``requests``, ``replay``: the named checks
  (grounding lives in :mod:`magnet_graph.grounding`).

:func:`verify_file` streams a JSONL file and adds ``json`` (a line that is not a JSON
object). The translation loop runs :func:`verify_record` on every record before writing it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path as FsPath
from typing import Any, Callable, Sequence

import orjson

from .errors import MagnetError, RecordError
from .execute import canonical_json, content_id, output_error, validate_arguments
from .grounding import _arg_plans, _ground_arguments, _numbers_in, _said, _Sources, check_grounding
from .replay import _PLAIN, StateTexts, check_replay
from .schema_fit import fits_checker
from .short_json import short_json
from .types import Catalog

__all__ = ["CHECKS", "RecordResult", "StateTexts", "VerifyReport", "verify_record", "verify_file"]

# kept importable from here: tests read these grounding helpers as magnet_graph.verify names
_REEXPORTED = (_numbers_in, _said)

#: The checks named in a record's ``verification.checks``, in the order they run.
CHECKS = ("calls", "schema", "execution", "grounding", "requests", "replay")
_KINDS = ("normal", "miss_func", "miss_param")


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


_FIELD_NAMES = tuple(name for name, _ in _FIELDS)
_FIELD_TYPES = tuple(kind for _, kind in _FIELDS)  # the usual case: each field exactly of its type


def _check_shape(record: Any) -> list[str]:
    """Failures that make the other checks meaningless (missing fields, wrong types)."""
    if not isinstance(record, dict):
        return [f"record: expected a JSON object, got {type(record).__name__}"]
    out: list[str] = []
    if record.get("schema_version", 1) != 1:
        out.append(f"record: schema_version {record.get('schema_version')!r} is not supported (expected 1)")
    if type(record) is not dict or tuple(map(type, map(record.get, _FIELD_NAMES))) != _FIELD_TYPES:
        for name, kind in _FIELDS:  # not every field is there with exactly its type: look closer
            if name not in record:
                out.append(f"record: missing field {name}")
            elif not isinstance(record[name], kind) or isinstance(record[name], bool):
                out.append(f"record: field {name} must be {getattr(kind, '__name__', kind)}")
    if out:
        return out
    if not _str_list(record["toolkits"]):
        out.append("record: toolkits must be a list of toolkit names")
    if not _all_with_str(record["tools"], "name"):
        out.append("record: every entry of tools must be an object with a string name")
    if not _all_with_str(record["messages"], "role"):
        out.append("record: every message must be an object with a string role")
    if len(record["path"]) != len(record["turns"]):
        out.append(f"record: {len(record['turns'])} turns but the path has {len(record['path'])}")
    for i, p in enumerate(record["path"]):
        if isinstance(p, dict):
            funcs = p.get("funcs")
            if isinstance(funcs, list) and all(map(str.__instancecheck__, funcs)):  # _str_list, inlined
                tags = p.get("tags", [])
                if isinstance(tags, list) and all(map(str.__instancecheck__, tags)):
                    continue
        out.append(f"record: path[{i}] must be an object with lists of strings funcs and tags")
    for i, turn in enumerate(record["turns"]):
        out.extend(_check_turn_shape(i, turn))
    return out


def _str_list(value: Any) -> bool:
    # str.__instancecheck__(x) is isinstance(x, str); through map, no Python frame per item
    return isinstance(value, list) and all(map(str.__instancecheck__, value))


_ONLY_DICTS = frozenset({dict})


@lru_cache(maxsize=64)
def _reads_as(cls: type, kind: type) -> bool:
    """Whether values of ``cls`` read exactly as values of ``kind`` do in the checks: ``cls``
    is ``kind``, or a ``list`` subclass that keeps every reading method of ``list`` (the
    translation loop's record tools, which only carry their JSON text beside the entries)."""
    if cls is kind:
        return True
    if kind is not list or not issubclass(cls, list):
        return False
    return not hasattr(cls, "__bool__") and all(getattr(cls, m) is getattr(list, m) for m in _LIST_READS)


_LIST_READS = ("__iter__", "__getitem__", "__len__", "__contains__", "__eq__", "index", "count")


def _all_with_str(items: list, key: str) -> bool:
    """Whether every item is a dict whose ``key`` is a string (``isinstance`` semantics)."""
    if _ONLY_DICTS.issuperset(map(type, items)):  # plain dicts (the usual case): read in C
        return all(map(str.__instancecheck__, map(dict.get, items, repeat(key))))
    return all(isinstance(m, dict) and isinstance(m.get(key), str) for m in items)


def _check_turn_shape(i: int, turn: Any) -> list[str]:
    if not isinstance(turn, dict):
        return [f"record: turns[{i}] must be an object"]
    out: list[str] = []
    if turn.get("index") != i:
        out.append(f"record: turns[{i}].index is {turn.get('index')!r}, expected {i}")
    if turn.get("kind", "normal") not in _KINDS:
        out.append(f"record: turns[{i}].kind {turn.get('kind')!r} is not one of {', '.join(_KINDS)}")
    if not _str_list(turn.get("tools")):
        out.append(f"record: turns[{i}].tools must be a list of tool names")
    span = turn.get("messages")
    if not (isinstance(span, list) and len(span) == 2 and type(span[0]) is int and type(span[1]) is int):
        out.append(f"record: turns[{i}].messages must be [start, end]")
    missing = turn.get("missing")
    if missing is not None and not (isinstance(missing, dict) and isinstance(missing.get("function"), str)):
        out.append(f"record: turns[{i}].missing must be null or an object with a string function")
    calls = turn.get("calls", [])
    if not isinstance(calls, list):
        return out + [f"record: turns[{i}].calls must be a list"]
    for j, call in enumerate(calls):
        if not (
            isinstance(call, dict)
            and isinstance(call.get("id"), str)
            and isinstance(call.get("name"), str)
            and isinstance(call.get("arguments"), dict)
        ):
            out.append(f"record: turns[{i}].calls[{j}] must have a string id and name and an arguments object")
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
        out.extend(failures)
        users.append(texts)
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
    if not offered.issubset(catalog.by_name):  # `name in catalog` is `name in catalog.by_name`
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
        if not offered.issuperset(turn["tools"]):
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


def _check_schema_and_execution(record: dict, catalog: Catalog) -> list[str]:
    out: list[str] = []
    by_name = catalog.by_name  # `name in catalog` is `name in catalog.by_name`
    for turn in record["turns"]:
        t = turn["index"]
        for call in turn.get("calls", []):
            name = call["name"]
            if name not in by_name:
                out.append(f"calls: turn {t} call {call['id']} uses unknown tool {name}")
                continue
            for err in validate_arguments(catalog, name, call["arguments"]):  # its compiled quick test first
                out.append(f"schema: turn {t} call {name} ({call['id']}) argument {err}")
            message = output_error(call.get("output"))
            if message is not None:
                out.append(f"execution: turn {t} call {name} ({call['id']}) returned an error: {short_json(message)}")
    return out


def _is_identifier_like(name: str) -> bool:
    return "_" in name or any(c.isdigit() for c in name) or re.search(r"[a-z][A-Z]", name) is not None


@lru_cache(maxsize=256)
def tool_name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern finding any identifier-like name of ``names`` as a whole word: what
    ``(?<![A-Za-z0-9_])(?:name1|name2|...)(?![A-Za-z0-9_])`` (longest names first) finds.

    The names are grouped by first character, each group behind that character and a
    look-behind over it: the regex engine then jumps to the next possible first character
    in C, and tries only the names that start with it, in the same order as before.
    """
    picked = sorted((n for n in names if _is_identifier_like(n)), key=len, reverse=True)
    if not picked:
        return None
    groups: dict[str, list[str]] = {}
    for name in picked:
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    branches = [
        f"{re.escape(first)}(?<![A-Za-z0-9_]{re.escape(first)})(?:{'|'.join(rests)})" for first, rests in groups.items()
    ]
    return re.compile("(?:" + "|".join(branches) + r")(?![A-Za-z0-9_])")


def catalog_names(catalog: Catalog) -> tuple[str, ...]:
    """The catalog's tool names, sorted (kept on the catalog: one pattern per catalog)."""
    names = catalog.__dict__.get("_magnet_sorted_names")
    if names is None:
        names = catalog.__dict__["_magnet_sorted_names"] = tuple(sorted(catalog.by_name))
    return names


@lru_cache(maxsize=256)
def _tool_name_markers(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern found in every text that :func:`tool_name_pattern` finds a name in (a quick
    test before it): each identifier-like name holds a marker, an underscore, a digit or a
    lower-upper pair (what makes it identifier-like), and a text holding the name holds it."""
    markers: set[str] = set()
    for name in names:
        if not _is_identifier_like(name):
            continue
        if "_" in name:
            markers.add("_")
        markers.update(c for c in name if c.isdigit())
        markers.update(a + b for a, b in zip(name, name[1:]) if "a" <= a <= "z" and "A" <= b <= "Z")
    if not markers:
        return None
    return re.compile("|".join(map(re.escape, sorted(markers))))


def _check_requests(record: dict) -> list[str]:
    """No user message names one of the record's tools or repeats an earlier one."""
    names = tuple(sorted({t["name"] for t in record["tools"]}))
    pattern = tool_name_pattern(names)
    out: list[str] = []
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
# The quick pass: every check before the replay, at once, for a record in the usual form
# ----------------------------------------------------------------------------------------


class _ToolPlan:
    """What the quick pass reads of one catalog tool, worked out once per catalog: its
    parameters, their compiled :func:`~magnet_graph.schema_fit.fits` test (``None`` for a
    schema with ``$schema``, which :func:`validate_arguments` always checks in full) and the
    grounding plans of its arguments."""

    __slots__ = ("params", "fits", "args")

    def __init__(self, params: Any):
        self.params = params
        self.fits = fits_checker(params, params) if "$schema" not in params else None
        self.args = _arg_plans(params)


def _tool_plans(catalog: Catalog) -> dict[str, _ToolPlan]:
    """The catalog's tool plans (kept on the catalog, filled as tools are met)."""
    plans = catalog.__dict__.get("_magnet_verify_plans")
    if plans is None:
        plans = catalog.__dict__["_magnet_verify_plans"] = {}
    return plans


class NameFinder:
    """Finds a tool name of ``names`` in a text as :func:`tool_name_pattern` does, searching
    only texts that hold one of the names' markers (:func:`_tool_name_markers`: every text
    holding a name holds one), so most texts cost one quick scan."""

    __slots__ = ("pattern", "markers")

    def __init__(self, names: tuple[str, ...]):
        self.pattern = tool_name_pattern(names)
        self.markers = _tool_name_markers(names)

    def search(self, text: str) -> "re.Match[str] | None":
        if self.pattern is None or (self.markers is not None and self.markers.search(text) is None):
            return None
        return self.pattern.search(text)


def catalog_name_finder(catalog: Catalog) -> NameFinder:
    """The :class:`NameFinder` of every tool name of ``catalog`` (kept on the catalog)."""
    found = catalog.__dict__.get("_magnet_name_finder")
    if found is None:
        found = catalog.__dict__["_magnet_name_finder"] = NameFinder(catalog_names(catalog))
    return found


def _quick_checks(record: Any, catalog: Catalog) -> dict[int, bytes] | None:
    """Every check before the replay in one walk, for a record in the usual form: the plain
    JSON texts of its recorded outputs (``id(call) -> text``, for :func:`~.replay.check_replay`) when
    none of those checks can fail; ``None`` when one may (then they run one by one and word
    what they find). Each condition of the walk is one under which a check surely finds
    nothing: exact JSON types where the checks ask for ``isinstance``; messages in the
    translation loop's form (below), which :func:`_check_turn_messages` walks without a
    finding; the quick test of :func:`_check_requests` (below). Changes nothing."""
    try:
        return _quick_walk(record, catalog)
    except Exception:  # a malformed record can make a step raise: the checks one by one tell
        return None


def _quick_walk(record: Any, catalog: Catalog) -> dict[int, bytes] | None:
    """:func:`_quick_checks`, which turns what this raises into ``None``. The comments name
    the check each condition stands for."""
    # _check_shape, for the whole record
    if type(record) is not dict or record.get("schema_version", 1) != 1:
        return None
    types = tuple(map(type, map(record.get, _FIELD_NAMES)))
    if types != _FIELD_TYPES and not all(map(_reads_as, types, _FIELD_TYPES)):
        return None
    tools, path, turns, messages = record["tools"], record["path"], record["turns"], record["messages"]
    if len(path) != len(turns) or not _ONLY_DICTS.issuperset(map(type, tools)):
        return None
    if not _ONLY_DICTS.issuperset(map(type, messages)):
        return None
    names, roles = list(map(dict.get, tools, repeat("name"))), list(map(dict.get, messages, repeat("role")))
    for strings in (names, roles, record["toolkits"]):
        "".join(strings)  # raises TypeError (then None) unless every item is a str: the test in C
    offered = set(names)
    by_name = catalog.by_name
    if not by_name.keys() >= offered:  # _check_calls: every offered tool is in the catalog
        return None
    plans = _tool_plans(catalog)
    dumps = orjson.dumps
    size = len(messages)
    at = 1 if roles and roles[0] == "system" else 0  # where the next turn's slice must start
    seen: set[str] = set()  # call ids so far
    outputs: dict[int, bytes] = {}
    texts: list[str] = []  # user texts so far
    src = _Sources()  # grounding
    leaves: list[tuple[str, Any]] = []
    for i, (turn, step) in enumerate(zip(turns, path)):
        # _check_shape of the path turn and the turn
        if type(step) is not dict or type(turn) is not dict:
            return None
        funcs, tags = step.get("funcs"), step.get("tags", [])
        if type(funcs) is not list or type(tags) is not list:
            return None
        "".join(funcs), "".join(tags)  # lists of strings (or TypeError)
        index, kind, offer = turn.get("index"), turn.get("kind", "normal"), turn.get("tools")
        span, calls, missing = turn.get("messages"), turn.get("calls", []), turn.get("missing")
        if type(index) is not int or index != i or kind not in _KINDS or type(offer) is not list:
            return None
        if type(calls) is not list:
            return None
        "".join(offer)  # a list of strings (or TypeError)
        if type(span) is not list or len(span) != 2:
            return None
        start, end = span
        if type(start) is not int or type(end) is not int or start != at or end <= start or end > size:
            return None  # (the slice must also continue the one before: _check_messages)
        at = end
        if missing is not None and not (type(missing) is dict and type(missing.get("function")) is str):
            return None
        # _check_calls: the turn's kind and tools
        path_kind = "miss_func" if "miss_func" in tags else "miss_param" if "miss_param" in tags else "normal"
        if kind != path_kind or not offered.issuperset(offer):
            return None
        # _check_messages: the slice in the translation loop's form, user text(s) ...
        j = start
        while j < end and roles[j] == "user":
            content = messages[j].get("content")
            if type(content) is not str:
                return None
            texts.append(content)
            src.add_user(content)
            j += 1
        if j == start:
            return None
        # ... blocks of one assistant message with tool calls and one tool message per call, in
        # the same order, each call the next recorded one, its arguments text (and the result)
        # the plain JSON text of the recorded arguments (and output), which holds the same JSON
        # value (see _PLAIN) ...
        last, k, made = end - 1, 0, []
        while j < last:
            tool_calls = messages[j].get("tool_calls") if roles[j] == "assistant" else None
            if type(tool_calls) is not list or not tool_calls or j + len(tool_calls) >= last:
                return None
            for tc in tool_calls:
                j += 1
                call = calls[k] if k < len(calls) else None
                if type(tc) is not dict or type(call) is not dict:
                    return None
                k += 1
                cid, name, arguments = call.get("id"), call.get("name"), call.get("arguments")
                tid, fn, answer = tc.get("id"), tc.get("function"), messages[j]
                if type(cid) is not str or type(name) is not str or type(arguments) is not dict or type(fn) is not dict:
                    return None
                if tid != cid or type(tid) is not str or cid in seen or roles[j] != "tool":
                    return None
                seen.add(cid)
                fname, raw = fn.get("name"), fn.get("arguments")
                answers, content, output = answer.get("tool_call_id"), answer.get("content"), call.get("output")
                if fname != name or type(fname) is not str or tc.get("type", "function") != "function":
                    return None
                if answers != cid or type(answers) is not str or answer.get("name", name) != name:
                    return None
                text = dumps(output, option=_PLAIN)  # TypeError for what is not JSON data (then None)
                if type(raw) is not str or type(content) is not str or content != text.decode():
                    return None
                if raw != dumps(arguments, option=_PLAIN).decode():
                    return None
                outputs[id(call)] = text
                # _check_calls, _check_schema_and_execution and check_grounding for the call
                if name not in offer:
                    return None
                made.append(name)
                plan = plans.get(name)
                if plan is None:
                    plan = plans[name] = _ToolPlan(by_name[name].parameters)  # name is offered: in the catalog
                if not (plan.fits is not None and plan.fits(arguments)):  # unsure: the full schema check
                    if validate_arguments(catalog, name, arguments):
                        return None
                if type(output) is dict and output.get("error") is not None:  # output_error
                    return None
                _ground_arguments(arguments, plan.params, src, leaves, plan.args)
                if leaves:
                    return None
                src.add_output(output, text)
            j += 1
        # ... and one assistant text
        if j != last or k != len(calls) or roles[last] != "assistant":
            return None
        final = messages[last]
        if final.get("tool_calls") or type(final.get("content")) is not str:
            return None
        # _check_calls: the calls against the path turn
        if kind != "normal":
            if _check_miss(record, turn):
                return None
        elif made != funcs and not _calls_cover(made, funcs):
            return None
    if at != size:  # _check_messages: every message is in a turn
        return None
    # _check_requests: the texts above are all the user messages. No text repeats, and no text
    # names a catalog tool: the record's tools are in the catalog, and every text that holds a
    # tool name holds one of the markers of the names (see _tool_name_markers)
    if len(set(texts)) != len(texts):
        return None
    if any(map(catalog_name_finder(catalog).search, texts)):
        return None
    if "id" in record and record["id"] != content_id(record):
        return None
    return outputs


def _calls_cover(names: list[str], funcs: list[str]) -> bool:
    """Whether the calls ``names`` of a normal turn pass against its path turn's ``funcs``
    (what :func:`_check_calls` asks when they are not equal): nothing invented, nothing short."""
    made, need = Counter(names), Counter(funcs)
    return set(made) <= set(need) and all(made[name] >= count for name, count in need.items())


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------


def verify_record(record: dict, catalog: Catalog, *, replay: bool = True,
                  texts: StateTexts | None = None) -> list[str]:
    """Run every check of ``docs/record.md`` on one record; return the failure reasons.

    ``[]`` means the record passes. Each reason is ``"<code>: <detail>"`` (codes in the
    module docstring). The ``id`` is checked only when present (the translation loop
    verifies before it assigns one); ``replay=False`` skips re-execution.

    ``texts`` (:class:`StateTexts`, from the maker of a record just made: the translation loop)
    spare the replay serializing the states again; the verdicts are the same.

    A record in the translation loop's form goes through the checks before the replay in
    one walk (:func:`_quick_checks`); when that walk cannot tell that they all pass, they run
    one by one and word the failures.
    """
    outputs = _quick_checks(record, catalog)  # the usual record: all checks before the replay at once
    if outputs is not None:
        return check_replay(record, catalog, outputs, texts) if replay else []
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
        out.extend(check_grounding(record, catalog, users))
    out.extend(_check_requests(record))
    if replay:
        out.extend(check_replay(record, catalog, None, texts))
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
