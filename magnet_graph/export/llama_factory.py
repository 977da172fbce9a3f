"""LLaMA-Factory's ShareGPT format with ``function_call`` / ``observation`` roles.

``magnet.jsonl`` holds ``{"conversations": [{"from", "value"}], "system", "tools"}`` rows and
``dataset_info.json`` the entry that registers it (dataset name ``magnet``). LLaMA-Factory
wants user-side turns (``human``, ``observation``) and model-side turns (``gpt``,
``function_call``) to alternate and a system prompt only at the start, so:

* calls of one assistant message are one ``function_call`` turn (one JSON object
  ``{"name", "arguments"}``, or a JSON list of them for parallel calls), and their results
  one ``observation`` turn (the output, or a JSON list of outputs in call order);
* tools added mid-conversation are announced in front of the next user message.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any, Iterable

import orjson

from ..errors import RecordError
from .base import Exporter, iter_jsonl, write_jsonl
from .chat import dumps, maybe_json

__all__ = ["LlamaFactoryExporter", "DATASET_NAME"]

DATASET_NAME = "magnet"
FILE_NAME = "magnet.jsonl"


def to_row(example: dict[str, Any]) -> dict[str, Any]:
    """One LLaMA-Factory row of an example."""
    messages = example["messages"]
    system = ""
    if messages and messages[0]["role"] == "system":
        system, messages = messages[0].get("content") or "", messages[1:]
    conv: list[dict[str, str]] = []
    outputs: list[Any] = []
    for msg in messages:
        role = msg["role"]
        if role == "tool":
            outputs.append(maybe_json(msg.get("content")))
            continue
        if outputs:
            conv.append({"from": "observation", "value": dumps(outputs[0] if len(outputs) == 1 else outputs)})
            outputs = []
        if role == "assistant" and msg.get("tool_calls"):
            calls = [{"name": tc["function"]["name"], "arguments": maybe_json(tc["function"].get("arguments"))} for tc in msg["tool_calls"]]
            conv.append({"from": "function_call", "value": dumps(calls[0] if len(calls) == 1 else calls)})
        elif role == "assistant":
            conv.append({"from": "gpt", "value": msg.get("content") or ""})
        elif role == "user":
            conv.append({"from": "human", "value": msg.get("content") or ""})
        else:
            raise RecordError(f"example {example.get('id', '')}: LLaMA-Factory rows cannot hold a {role} message mid-conversation")
    if outputs:
        conv.append({"from": "observation", "value": dumps(outputs[0] if len(outputs) == 1 else outputs)})
    return {"conversations": conv, "system": system, "tools": dumps([t["function"] for t in example["tools"]])}


def from_row(row: dict[str, Any]) -> dict[str, Any]:
    """The example (messages + tools) of a row written by :func:`to_row`."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": row["system"]}] if row.get("system") else []
    last_calls: list[tuple[str, str]] = []
    n = 0
    for turn in row["conversations"]:
        kind, value = turn["from"], turn["value"]
        if kind == "human":
            messages.append({"role": "user", "content": value})
        elif kind == "gpt":
            messages.append({"role": "assistant", "content": value})
        elif kind == "function_call":
            data = orjson.loads(value)
            calls = data if isinstance(data, list) else [data]
            last_calls = []
            tool_calls = []
            for c in calls:
                cid = f"call_{n}"
                n += 1
                last_calls.append((cid, c["name"]))
                tool_calls.append({"id": cid, "type": "function", "function": {"name": c["name"], "arguments": dumps(c.get("arguments", {}))}})
            messages.append({"role": "assistant", "content": None, "tool_calls": tool_calls})
        elif kind == "observation":
            data = orjson.loads(value)
            outputs = data if len(last_calls) > 1 else [data]
            for (cid, name), out in zip(last_calls, outputs):
                messages.append({"role": "tool", "tool_call_id": cid, "name": name, "content": dumps(out)})
    tools = [{"type": "function", "function": f} for f in orjson.loads(row.get("tools") or "[]")]
    return {"messages": messages, "tools": tools}


def dataset_info(file_name: str = FILE_NAME) -> dict[str, Any]:
    """The ``dataset_info.json`` entry that registers the file with LLaMA-Factory."""
    return {
        DATASET_NAME: {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
            "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                     "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"},
        }
    }


class LlamaFactoryExporter(Exporter):
    name = "llama-factory"
    description = "LLaMA-Factory ShareGPT rows (function_call / observation) + dataset_info.json"
    kinds = ("examples",)
    notes = "user"

    def write_examples(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        path = out_dir / FILE_NAME
        write_jsonl(path, (to_row(ex) for ex in items))
        info = out_dir / "dataset_info.json"
        info.write_bytes(orjson.dumps(dataset_info(), option=orjson.OPT_INDENT_2) + b"\n")
        return [path, info]

    def read_examples(self, out_dir: FsPath) -> list[dict[str, Any]]:
        return [from_row(row) for row in iter_jsonl(out_dir / FILE_NAME)]
