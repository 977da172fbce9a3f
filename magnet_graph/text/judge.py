"""Stage 5, validation: the structural checks of ``magnet sample`` plus GEM's hallucination checks.

:func:`validate_record` returns the failure reasons of one conversation record (``[]``:
it passes). Each reason is ``"<code>: <detail>"``:

* the codes of :func:`magnet_graph.verify.verify_record` (calls, schema, execution,
  grounding, requests, replay ...); an error output is accepted only where the assistant
  recovers from it in the same turn (GEM's error-recovery pattern);
* ``patterns``: fewer than ``min_patterns`` distinct interaction patterns
  (:func:`detect_patterns` reads them from the record, not from its tags alone);
* ``R1`` invented arguments: an argument value neither stated by the user (as whole words),
  nor in an earlier output, nor a schema default/enum/const;
* ``R2`` false capability claims: the assistant says it did something ("I've updated",
  "Done: ... is sent") with no matching successful call in the turn, or offers to do
  something ("I can print ...") that no offered tool does;
* ``R3`` contradictions: the assistant states ``the <field> is <value>`` (or ``<ID> is
  <status>``) where the outputs so far give that field other values.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterator

import orjson

from ..execute import output_error
from ..translate.values import format_value, humanize_param
from ..types import Catalog
from ..verify import CHECKS, verify_record
from .convo import PATTERNS

__all__ = ["validate_record", "detect_patterns", "check_r1", "check_r2", "check_r3", "HALLUCINATION_CHECKS"]

HALLUCINATION_CHECKS = ("R1", "R2", "R3")
_EXEC = re.compile(r"^execution: turn (\d+) call (\S+) \(([^)]+)\)")
_NUM = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?")
_DECLINE = re.compile(r"\b(?:can't|cannot|can not|not able|unable|won't|not possible|sorry)\b", re.I)


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------
def _turn_messages(record: dict, turn: dict) -> list[dict]:
    start, end = turn["messages"]
    return record["messages"][start:end]


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _fixed(schema: Any) -> list[Any]:
    if not isinstance(schema, dict):
        return []
    out = list(schema.get("enum") or [])
    out += [schema[k] for k in ("default", "const") if k in schema]
    items = schema.get("items")
    if isinstance(items, dict):
        out += _fixed(items)
    return out


def _numbers(text: str) -> set[float]:
    out = set()
    for m in _NUM.finditer(text):
        try:
            out.add(float(m.group(0).replace(",", "")))
        except ValueError:
            pass
    return out


def _said(value: str, text: str) -> bool:
    """``value`` written in ``text`` (lower-case) as whole words, case-insensitive."""
    v = value.strip().lower()
    if not v:
        return False
    start = text.find(v)
    while start != -1:
        end = start + len(v)
        before_ok = not v[0].isalnum() or start == 0 or not text[start - 1].isalnum()
        after_ok = not v[-1].isalnum() or end == len(text) or not text[end].isalnum()
        if before_ok and after_ok:
            return True
        start = text.find(v, start + 1)
    return False


def _recovered(record: dict) -> set[str]:
    """Ids of failed calls the assistant recovers from later in the same turn."""
    ok: set[str] = set()
    for turn in record["turns"]:
        calls = turn.get("calls", [])
        for i, c in enumerate(calls):
            if output_error(c.get("output")) is None:
                continue
            if any(output_error(later.get("output")) is None for later in calls[i + 1:]):
                ok.add(c["id"])
    return ok


# ------------------------------------------------------------------------------------------
# patterns
# ------------------------------------------------------------------------------------------
def detect_patterns(record: dict) -> list[str]:
    """The interaction patterns the record really shows (a subset of ``PATTERNS``)."""
    found: set[str] = set()
    turns = record["turns"]
    users = ""
    seen_outputs: set[str] = set()
    for i, turn in enumerate(turns):
        msgs = _turn_messages(record, turn)
        users += "\n" + "\n".join(m["content"].lower() for m in msgs if m["role"] == "user")
        final = next((m.get("content") or "" for m in reversed(msgs) if m["role"] == "assistant"), "")
        calls = turn.get("calls", [])
        tags = set(turn.get("tags", ()))
        if turn.get("kind") == "miss_param" and i + 1 < len(turns) and turns[i + 1].get("calls"):
            found.add("clarification")
        for k, c in enumerate(calls):
            if output_error(c.get("output")) is not None and any(
                    output_error(x.get("output")) is None for x in calls[k + 1:]):
                found.add("error_recovery")
            for leaf in _leaves(c.get("arguments")):
                if isinstance(leaf, str) and len(leaf) >= 3 and leaf in seen_outputs and not _said(leaf, users):
                    found.add("multi_hop")
            if output_error(c.get("output")) is None:
                seen_outputs.update(str(x) for x in _leaves(c.get("output")) if isinstance(x, (str, int)))
        if not calls and _DECLINE.search(final):
            if "rule_conflict" in tags:
                found.add("rule_conflict")
            if "limitation" in tags:
                found.add("limitation")
    return [p for p in PATTERNS if p in found]


# ------------------------------------------------------------------------------------------
# R1: invented arguments
# ------------------------------------------------------------------------------------------
def check_r1(record: dict, catalog: Catalog) -> list[str]:
    out: list[str] = []
    text = ""
    numbers: set[float] = set()
    strings: set[str] = set()
    for turn in record["turns"]:
        for m in _turn_messages(record, turn):
            if m["role"] == "user" and isinstance(m.get("content"), str):
                text += "\n" + m["content"].lower()
                numbers |= _numbers(m["content"])
        for c in turn.get("calls", []):
            tool = catalog.by_name.get(c["name"])
            props = tool.properties if tool is not None else {}
            for arg, value in c.get("arguments", {}).items():
                fixed = _fixed(props.get(arg))
                for leaf in _leaves(value):
                    if leaf is None or isinstance(leaf, bool) or leaf in fixed:
                        continue
                    if isinstance(leaf, str) and (leaf in strings or _said(leaf, text)):
                        continue
                    if isinstance(leaf, (int, float)) and any(math.isclose(float(leaf), n) for n in numbers):
                        continue
                    out.append(f"R1: turn {turn['index']} call {c['name']} argument {arg}={leaf!r} is invented "
                               "(not said by the user, not in an earlier output, not a default)")
            if output_error(c.get("output")) is None:
                for leaf in _leaves(c.get("output")):
                    if isinstance(leaf, str):
                        strings.add(leaf)
                    elif isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
                        numbers.add(float(leaf))
                        strings.add(str(leaf))
    return out


# ------------------------------------------------------------------------------------------
# R2: false capability claims
# ------------------------------------------------------------------------------------------
_CLAIM = re.compile(r"\b(?:I(?:'ve| have| just)|(?:has|have) (?:now )?been|is now)\s+(?:also\s+|now\s+|successfully\s+)*"
                    r"([a-z]+(?: in| up| on| off)?)\b|\bDone: the .{1,60}? is ([a-z]+(?: in)?)\b")
_QUOTED = re.compile(r"(?<![A-Za-z])'[^']+'(?![A-Za-z])|\"[^\"]*\"")
_OFFER = re.compile(r"\bI(?:'ll| will| can)\s+(?:also\s+)?([a-z]+)\b")
_CLAIM_KIND = {
    "updated": "write", "changed": "write", "set": "write", "saved": "write", "enabled": "write",
    "disabled": "write", "turned on": "write", "turned off": "write", "renamed": "write",
    "created": "write", "added": "write", "scheduled": "write", "booked": "write", "made": "write", "sent": "write",
    "submitted": "write", "confirmed": "write", "paid": "write", "transferred": "write", "placed": "write",
    "posted": "write", "published": "write", "shared": "write", "locked": "write", "reserved": "write",
    "deleted": "delete", "removed": "delete", "cancelled": "delete", "canceled": "delete", "cleared": "delete",
    "erased": "delete",
    "signed in": "sign_in", "logged in": "sign_in",
    "exported": "export", "downloaded": "export", "printed": "export",
    "restarted": "action", "rebooted": "action", "started": "action", "stopped": "action", "paired": "action",
    "installed": "action", "cleaned": "action", "descaled": "action", "filled": "action", "emptied": "action",
    "rinsed": "action", "loaded": "action", "unplugged": "action", "run": "action",
}
_KIND_OPS = {"write": None, "delete": {"delete", "submit"}, "sign_in": {"sign_in"}, "export": {"export"},
             "action": {"action"}}
_GENERIC_OFFERS = frozenset("help check look ask do get find show try use confirm let tell see give make keep go "
                            "search list pull walk answer explain".split())


def _tool_words(record: dict) -> set[str]:
    words: set[str] = set()
    for t in record.get("tools", []):
        words.update(str(t.get("name", "")).split("_"))
        words.update(re.findall(r"[a-z]+", str(t.get("description", "")).lower()))
    return words


def check_r2(record: dict, catalog: Catalog) -> list[str]:
    out: list[str] = []
    words = _tool_words(record)
    for turn in record["turns"]:
        ok_ops = {}
        for c in turn.get("calls", []):
            if output_error(c.get("output")) is None:
                tool = record_tool(record, catalog, c["name"])
                ok_ops[c["name"]] = _op_of(c["name"], tool)
        for m in _turn_messages(record, turn):
            if m["role"] != "assistant" or not isinstance(m.get("content"), str):
                continue
            text = _QUOTED.sub("", m["content"])  # quoted values are the user's words, not claims
            for hit in _CLAIM.finditer(text):
                word = (hit.group(1) or hit.group(2) or "").lower()
                kind = _CLAIM_KIND.get(word)
                if kind is None:
                    continue
                ops = _KIND_OPS[kind]
                writes = {o for o in ok_ops.values() if o != "read"}
                if (ops is None and not writes) or (ops is not None and not writes & ops and not (
                        kind == "write" and writes - {"sign_in"} and word not in ("signed in", "logged in"))):
                    out.append(f"R2: turn {turn['index']} the assistant says {hit.group(0)!r} but no matching call "
                               "succeeded in that turn")
            for hit in _OFFER.finditer(text):
                verb = hit.group(1).lower()
                if verb in _GENERIC_OFFERS or verb in words or verb in ("not", "t"):
                    continue
                if text[max(0, hit.start() - 12):hit.start()].lower().strip().endswith(("not", "never")):
                    continue
                out.append(f"R2: turn {turn['index']} the assistant offers to {verb}, which no offered tool does")
    return out


def record_tool(record: dict, catalog: Catalog, name: str) -> Any:
    return catalog.by_name.get(name)


def _op_of(name: str, tool: Any) -> str:
    """Rough operation class of a tool from its name (``read``, ``sign_in``, ``delete`` ...)."""
    first = name.split("_")[0]
    if name.startswith(("sign_in", "log_in", "login")):
        return "sign_in"
    if first in ("get", "list", "search", "find", "show", "view", "check"):
        return "read"
    if first in ("delete", "remove", "cancel", "clear", "erase", "uninstall", "unsubscribe", "lock", "report"):
        return "delete"
    if first in ("download", "export", "print"):
        return "export"
    if first in ("restart", "reboot", "start", "stop", "pair", "install", "clean", "descale", "fill", "empty",
                 "rinse", "load", "unplug", "plug", "run", "hold", "press", "turn", "add", "put", "place", "reset"):
        return "action" if first not in ("add",) else "write"
    return "write"


# ------------------------------------------------------------------------------------------
# R3: contradictions with context
# ------------------------------------------------------------------------------------------
_STATEMENT = re.compile(r"\bthe ([a-z][a-z0-9 ]{1,40}?) is (?:now )?(.+?)(?=;|\.(?:\s|$)|,\s|\s\(|$)")
_ID_STATUS = re.compile(r"\b([A-Z]{2,4}-\d{3,6}) is ([a-z]+(?: in)?)\b")


def _matches(stated: str, value: Any) -> bool:
    s = stated.strip().strip("'\"").lower()
    if isinstance(value, bool):
        return s in (("on", "true", "yes", "enabled") if value else ("off", "false", "no", "disabled"))
    if isinstance(value, (int, float)):
        nums = _numbers(stated)
        return any(math.isclose(float(value), n) for n in nums)
    shown = format_value(value).strip("'").lower() if isinstance(value, list) else str(value).lower()
    s = s.strip("'")
    return s == shown or shown in s or (len(s) >= 3 and shown.startswith(s))


def check_r3(record: dict, catalog: Catalog) -> list[str]:
    out: list[str] = []
    by_label: dict[str, list[Any]] = {}
    by_id: dict[str, list[str]] = {}
    for turn in record["turns"]:
        for m in _turn_messages(record, turn):
            if m["role"] == "tool":
                try:
                    value = orjson.loads(m.get("content") or "null")
                except orjson.JSONDecodeError:
                    continue
                if output_error(value) is None:
                    _collect(value, by_label, by_id)
                continue
            if m["role"] != "assistant" or not isinstance(m.get("content"), str):
                continue
            text = m["content"]
            for hit in _STATEMENT.finditer(text):
                label, stated = hit.group(1).lower(), hit.group(2)
                known = by_label.get(label)
                if known and not any(_matches(stated, v) for v in known):
                    out.append(f"R3: turn {turn['index']} the assistant says the {label} is {stated!r}, "
                               f"but the outputs say {', '.join(repr(v) for v in known[-3:])}")
            for hit in _ID_STATUS.finditer(text):
                statuses = by_id.get(hit.group(1))
                if statuses and hit.group(2).lower() != statuses[-1].lower():
                    out.append(f"R3: turn {turn['index']} the assistant says {hit.group(1)} is {hit.group(2)!r}, "
                               f"but its status is {statuses[-1]!r}")
    return out


def _collect(value: Any, by_label: dict[str, list[Any]], by_id: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        ids = [v for k, v in value.items() if k.endswith("_id") and isinstance(v, str)]
        status = value.get("status")
        for k, v in value.items():
            if isinstance(v, (dict, list)) and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                _collect(v, by_label, by_id)
            elif v is not None:
                by_label.setdefault(humanize_param(k).lower(), []).append(v)
        if isinstance(status, str):
            for i in ids:
                by_id.setdefault(i, []).append(status)
    elif isinstance(value, list):
        for v in value:
            _collect(v, by_label, by_id)


# ------------------------------------------------------------------------------------------
# the whole validation
# ------------------------------------------------------------------------------------------
def validate_record(record: dict, catalog: Catalog, *, min_patterns: int = 3, replay: bool = True) -> list[str]:
    """All failure reasons of one record (see the module docstring); ``[]`` when it passes."""
    recovered = _recovered(record)
    out = []
    for reason in verify_record(record, catalog, replay=replay):
        m = _EXEC.match(reason)
        if m and m.group(3) in recovered:
            continue
        out.append(reason)
    if out and all(r.startswith("record:") for r in out):
        return out
    patterns = detect_patterns(record)
    if len(patterns) < min_patterns:
        out.append(f"patterns: only {len(patterns)} interaction pattern(s) ({', '.join(patterns) or 'none'}); "
                   f"{min_patterns} needed")
    out += check_r1(record, catalog) + check_r2(record, catalog) + check_r3(record, catalog)
    return out


def check_names(*, replay: bool = True) -> list[str]:
    """The names written in ``verification.checks`` of a validated record."""
    return [c for c in CHECKS if replay or c != "replay"] + ["patterns", *HALLUCINATION_CHECKS]


__all__ += ["check_names"]
