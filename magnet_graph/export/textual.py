"""Text-tag formats: ``sharegpt`` and ``hermes``.

Both write tool calls into the assistant's text as ``<tool_call>{"name", "arguments"}</tool_call>``
blocks, tool results as ``<tool_response>{"name", "content"}</tool_response>`` blocks in a
``tool`` turn, and the tools as JSON schemas between ``<tools>`` and ``</tools>`` in the
system prompt (the Hermes function-calling convention):

* ``sharegpt``: ``{"conversations": [{"from": "system"|"human"|"gpt"|"tool", "value"}]}``;
* ``hermes``: the same turns rendered as one ChatML string ``{"text": "<|im_start|>system ..."}``,
  for trainers that take plain text.
"""

from __future__ import annotations

import re
from pathlib import Path as FsPath
from typing import Any, Iterable

import orjson

from ..errors import RecordError
from .base import Exporter, iter_jsonl, write_jsonl
from .chat import dumps, maybe_json

__all__ = ["ShareGPTExporter", "HermesExporter", "to_turns", "from_turns", "PREAMBLE"]

PREAMBLE = (
    "You can call functions to help with the user's requests. The functions you may call are "
    "described as JSON schemas between <tools> and </tools>:"
)
INSTRUCTIONS = (
    "To call a function, reply with a JSON object holding its name and arguments between <tool_call> "
    "and </tool_call>, one block per call:\n<tool_call>\n{\"name\": <function name>, \"arguments\": "
    "<arguments object>}\n</tool_call>\nResults come back between <tool_response> and </tool_response>."
)
_CALL = re.compile(r"<tool_call>\s*(.*?)\s*</tool_call>", re.S)
_RESPONSE = re.compile(r"<tool_response>\s*(.*?)\s*</tool_response>", re.S)
_TOOLS = re.compile(r"<tools>\s*(.*?)\s*</tools>", re.S)


def _system_prompt(system: str | None, tools: list[dict[str, Any]]) -> str:
    lines = "\n".join(dumps(t) for t in tools)
    head = f"{system}\n\n" if system else ""
    return f"{head}{PREAMBLE}\n<tools>\n{lines}\n</tools>\n{INSTRUCTIONS}"


def to_turns(example: dict[str, Any]) -> list[tuple[str, str]]:
    """``(role, text)`` turns of an example: system (with the tools), user, assistant, tool."""
    messages = example["messages"]
    system = None
    if messages and messages[0]["role"] == "system":
        system, messages = messages[0].get("content"), messages[1:]
    turns: list[tuple[str, str]] = [("system", _system_prompt(system, example["tools"]))]
    for msg in messages:
        role = msg["role"]
        if role == "tool":
            block = f"<tool_response>\n{dumps({'name': msg.get('name'), 'content': maybe_json(msg.get('content'))})}\n</tool_response>"
            if turns[-1][0] == "tool":
                turns[-1] = ("tool", turns[-1][1] + "\n" + block)
            else:
                turns.append(("tool", block))
        elif role == "assistant":
            parts = [msg["content"]] if msg.get("content") else []
            for tc in msg.get("tool_calls") or ():
                fn = tc["function"]
                parts.append(f"<tool_call>\n{dumps({'name': fn['name'], 'arguments': maybe_json(fn.get('arguments'))})}\n</tool_call>")
            turns.append(("assistant", "\n".join(parts)))
        else:
            turns.append((role, msg.get("content") or ""))
    return turns


def _json(text: str, what: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"{what} is not valid JSON ({exc}): {text[:80]!r}") from None


def from_turns(turns: list[tuple[str, str]]) -> dict[str, Any]:
    """The example (messages + tools) of ``(role, text)`` turns written by :func:`to_turns`."""
    messages: list[dict[str, Any]] = []
    tools: list[dict[str, Any]] = []
    pending: list[tuple[str, str]] = []  # (id, name) of calls not answered yet
    n = 0
    for i, (role, text) in enumerate(turns):
        if role == "system" and i == 0:
            head, sep, rest = text.partition(PREAMBLE)
            found = _TOOLS.search(rest if sep else text)
            tools = [_json(line, "a tool schema") for line in found.group(1).splitlines() if line.strip()] if found else []
            if sep and head.strip():
                messages.append({"role": "system", "content": head.strip()})
            elif not sep:
                messages.append({"role": "system", "content": text})
        elif role == "assistant":
            calls = _CALL.findall(text)
            if not calls:
                messages.append({"role": "assistant", "content": text})
                continue
            rest = _CALL.sub("", text).strip()
            tool_calls = []
            for raw in calls:
                data = _json(raw, "a <tool_call> block")
                cid = f"call_{n}"
                n += 1
                pending.append((cid, data["name"]))
                tool_calls.append({"id": cid, "type": "function",
                                   "function": {"name": data["name"], "arguments": dumps(data.get("arguments", {}))}})
            messages.append({"role": "assistant", "content": rest or None, "tool_calls": tool_calls})
        elif role == "tool":
            for raw in _RESPONSE.findall(text):
                data = _json(raw, "a <tool_response> block")
                k = next((j for j, (_, name) in enumerate(pending) if name == data.get("name")), 0 if pending else None)
                cid, name = pending.pop(k) if k is not None else ("", data.get("name"))
                messages.append({"role": "tool", "tool_call_id": cid, "name": name, "content": dumps(data.get("content"))})
        else:
            messages.append({"role": role, "content": text})
    return {"messages": messages, "tools": tools}


_SHAREGPT_ROLE = {"system": "system", "user": "human", "assistant": "gpt", "tool": "tool"}
_ROLE_OF = {v: k for k, v in _SHAREGPT_ROLE.items()}


class ShareGPTExporter(Exporter):
    name = "sharegpt"
    description = "ShareGPT conversations with Hermes <tool_call>/<tool_response> tags, tools in the system prompt"
    kinds = ("examples",)

    def write_examples(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        path = out_dir / "sharegpt.jsonl"
        write_jsonl(path, ({"id": ex.get("id", ""), "conversations": [
            {"from": _SHAREGPT_ROLE[r], "value": v} for r, v in to_turns(ex)]} for ex in items))
        return [path]

    def read_examples(self, out_dir: FsPath) -> list[dict[str, Any]]:
        out = []
        for row in iter_jsonl(out_dir / "sharegpt.jsonl"):
            ex = from_turns([(_ROLE_OF[t["from"]], t["value"]) for t in row["conversations"]])
            out.append({"id": row.get("id", ""), **ex})
        return out


_CHATML = re.compile(r"<\|im_start\|>(\w+)\n(.*?)<\|im_end\|>\n?", re.S)


class HermesExporter(Exporter):
    name = "hermes"
    description = "Hermes ChatML text (<|im_start|>role ... <|im_end|>) with <tool_call>/<tool_response> tags"
    kinds = ("examples",)

    def write_examples(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        path = out_dir / "hermes.jsonl"
        write_jsonl(path, ({"id": ex.get("id", ""), "text": "".join(
            f"<|im_start|>{r}\n{v}<|im_end|>\n" for r, v in to_turns(ex))} for ex in items))
        return [path]

    def read_examples(self, out_dir: FsPath) -> list[dict[str, Any]]:
        return [{"id": row.get("id", ""), **from_turns(_CHATML.findall(row["text"]))}
                for row in iter_jsonl(out_dir / "hermes.jsonl")]
