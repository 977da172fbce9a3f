"""The conversation form every export starts from, and helpers to compare conversations.

An *example* is one training conversation in OpenAI chat form::

    {"id": str, "kind": "multi" | "single" | "irrelevance", "messages": [...], "tools": [...]}

``tools`` are OpenAI ``tools`` entries (``{"type": "function", "function": {...}}``).
:func:`record_example` makes one from a ``magnet sample`` record. A record may change the
tools offered between turns (a ``miss_func`` turn withholds a tool that the next turn
offers); an example has one tool list, so the tool that appears later is announced where it
appears: by a ``system`` message (``notes="system"``) or by a note in front of the next user
message (``notes="user"``, for formats that allow a system prompt only at the start).

:func:`normalize_messages` renumbers tool-call ids so two conversations that differ only in
their ids compare equal; :func:`calls_by_turn` reads back the calls of each user turn.
"""

from __future__ import annotations

from typing import Any, Iterable, Literal, Mapping, Sequence

import orjson

__all__ = [
    "Example",
    "NOTE_PREFIX",
    "GONE_PREFIX",
    "openai_tool",
    "tools_for",
    "record_example",
    "tool_note",
    "normalize_messages",
    "calls_by_turn",
    "dumps",
]

Example = dict[str, Any]
Notes = Literal["system", "user"]

#: How a note announcing newly available tools starts (``notes="user"`` puts it in brackets).
NOTE_PREFIX = "New tools are available:"
#: How a note announcing tools taken away starts.
GONE_PREFIX = "These tools are no longer available:"


def dumps(obj: Any) -> str:
    """Compact JSON text (UTF-8, keys in their order), as every export writes it."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()


def openai_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """A record's tool entry (``name``, ``description``, ``parameters`` ...) as an OpenAI tool."""
    return {
        "type": "function",
        "function": {
            "name": tool["name"],
            "description": tool.get("description", ""),
            "parameters": tool.get("parameters") or {"type": "object", "properties": {}},
        },
    }


def tools_for(record: Mapping[str, Any], names: Iterable[str]) -> list[dict[str, Any]]:
    """OpenAI tools of ``record`` whose names are in ``names``, in the record's tool order."""
    wanted = set(names)
    return [openai_tool(t) for t in record["tools"] if t["name"] in wanted]


def tool_note(tools: Sequence[Mapping[str, Any]]) -> str:
    """The text announcing ``tools`` (OpenAI tool entries) as newly available."""
    return NOTE_PREFIX + " " + dumps([t["function"] for t in tools])


def _tool_sets(record: Mapping[str, Any]) -> list[list[str]]:
    """The tool names offered per turn, with withheld tools left out of earlier turns too.

    A tool withheld by a ``miss_func`` turn is also dropped from the turns before it when
    it is not called there, so the example's one tool list never offers it early (it only
    loses a distractor); otherwise the change is announced like any other addition.
    """
    turns = record["turns"]
    sets = [list(t["tools"]) for t in turns]
    for h, turn in enumerate(turns):
        if turn.get("kind") != "miss_func" or not turn.get("missing"):
            continue
        withheld = turn["missing"]["function"]
        called_before = any(c["name"] == withheld for t in turns[:h] for c in t.get("calls", []))
        if not called_before:
            for k in range(h):
                sets[k] = [n for n in sets[k] if n != withheld]
    return sets


def record_example(record: Mapping[str, Any], *, notes: Notes = "system", kind: str = "multi") -> Example:
    """The training conversation of a record: its messages and the tools of its first turn.

    Where a later turn offers other tools, a note before its user message says which tools
    are no longer available and which are now (see the module docstring); the messages are
    otherwise the record's own (not copied deeply).
    """
    sets = _tool_sets(record)
    if not sets:
        return {"id": record.get("id", ""), "kind": kind, "messages": list(record["messages"]), "tools": []}
    current = set(sets[0])
    starts: dict[int, list[str]] = {}
    for turn, names in zip(record["turns"], sets):
        now = set(names)
        texts = []
        gone = [t["name"] for t in record["tools"] if t["name"] in current - now]
        if gone:
            texts.append(f"{GONE_PREFIX} {', '.join(gone)}.")
        added = [n for n in names if n not in current]
        if added:
            texts.append(tool_note(tools_for(record, added)))
        if texts:
            starts[turn["messages"][0]] = texts
        current = now
    messages = record["messages"]
    if not starts:
        out = list(messages)
    else:
        out = []
        for i, msg in enumerate(messages):
            for text in starts.get(i, ()):
                if notes == "system":
                    out.append({"role": "system", "content": text})
                else:
                    msg = {**msg, "content": f"[{text}]\n{msg.get('content') or ''}"}
            out.append(msg)
    return {"id": record.get("id", ""), "kind": kind, "messages": out, "tools": tools_for(record, sets[0])}


def normalize_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Messages with tool-call ids renumbered ``call_0``, ``call_1`` ... in order of issue,
    JSON strings (arguments, tool contents) parsed, and empty optional keys dropped, so
    conversations that differ only in ids or JSON spacing compare equal."""
    ids: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    for msg in messages:
        m: dict[str, Any] = {"role": msg["role"]}
        content = msg.get("content")
        if msg["role"] == "tool":
            m["content"] = maybe_json(content)
            if msg.get("name"):
                m["name"] = msg["name"]
            cid = msg.get("tool_call_id")
            m["tool_call_id"] = ids.get(cid, cid) if isinstance(cid, str) else None
        else:
            m["content"] = content if content not in ("", None) else None
        calls = msg.get("tool_calls")
        if calls:
            norm = []
            for tc in calls:
                fn = tc["function"]
                new = ids.setdefault(tc.get("id") or f"_anon{len(ids)}", f"call_{len(ids)}")
                norm.append({"id": new, "name": fn["name"], "arguments": maybe_json(fn.get("arguments"))})
            m["tool_calls"] = norm
        out.append(m)
    return out


def maybe_json(value: Any) -> Any:
    """A JSON string parsed, or the value as it is (text that is not JSON stays text)."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def calls_by_turn(messages: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """The calls of each user turn: ``[[{"name", "arguments", "output"}, ...], ...]``.

    A user turn starts at each user message (system notes are skipped); outputs are matched
    to calls by ``tool_call_id``.
    """
    turns: list[list[dict[str, Any]]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for msg in messages:
        role = msg["role"]
        if role == "user":
            turns.append([])
        elif role == "assistant" and msg.get("tool_calls"):
            if not turns:
                turns.append([])
            for tc in msg["tool_calls"]:
                fn = tc["function"]
                call = {"name": fn["name"], "arguments": maybe_json(fn.get("arguments")), "output": None}
                turns[-1].append(call)
                if tc.get("id"):
                    by_id[tc["id"]] = call
        elif role == "tool":
            call = by_id.get(msg.get("tool_call_id", ""))
            if call is not None:
                call["output"] = maybe_json(msg.get("content"))
    return turns
