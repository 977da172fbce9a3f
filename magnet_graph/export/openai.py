"""OpenAI-style formats: ``openai``, ``trl-sft`` and ``trl-dpo``.

* ``openai``: ``{"messages", "tools"}`` per line (OpenAI's chat fine-tuning form; tool-call
  arguments and tool results are JSON strings); pairs as OpenAI's preference form
  ``{"input": {"messages", "tools"}, "preferred_output", "non_preferred_output"}``.
* ``trl-sft``: TRL's conversational language-modelling rows ``{"messages", "tools"}``.
* ``trl-dpo``: TRL's conversational preference rows ``{"prompt", "chosen", "rejected", "tools"}``.

TRL rows are read with the ``datasets`` JSON loader, which gives every row one Arrow type:
tool schemas and call arguments differ from row to row, so by default ``tools`` is stored
as a JSON string (TRL accepts JSON-string tool lists) and arguments stay JSON strings (the
OpenAI form). ``structured=True`` writes them as objects instead (for loaders that keep
rows apart, such as ``datasets.Dataset.from_list`` on a single toolkit).
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any, Iterable

import orjson

from .base import Exporter, iter_jsonl, write_jsonl
from .chat import dumps

__all__ = ["OpenAIExporter", "TRLSFTExporter", "TRLDPOExporter"]


def _structured_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for msg in messages:
        if msg.get("tool_calls"):
            msg = {**msg, "tool_calls": [
                {**tc, "function": {**tc["function"], "arguments": _loads(tc["function"].get("arguments"))}}
                for tc in msg["tool_calls"]]}
        out.append(msg)
    return out


def _string_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages whose tool-call arguments are JSON strings again (the internal form)."""
    out = []
    for msg in messages:
        msg = {k: v for k, v in msg.items() if v is not None or k == "content"}
        if msg.get("tool_calls"):
            msg["tool_calls"] = [
                {**tc, "function": {**tc["function"], "arguments": _as_text(tc["function"].get("arguments"))}}
                for tc in msg["tool_calls"]]
        elif "tool_calls" in msg:
            del msg["tool_calls"]
        out.append(msg)
    return out


def _loads(text: Any) -> Any:
    if isinstance(text, str):
        try:
            return orjson.loads(text or "{}")
        except orjson.JSONDecodeError:
            return text
    return text


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else dumps(value)


def _tools_in(value: Any) -> list[dict[str, Any]]:
    tools = _loads(value) if isinstance(value, str) else value
    return list(tools or [])


class OpenAIExporter(Exporter):
    name = "openai"
    description = "OpenAI chat fine-tuning JSONL: messages + tools (pairs: OpenAI preference form)"
    kinds = ("examples", "pairs")

    def write_examples(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        path = out_dir / "openai.jsonl"
        write_jsonl(path, ({"messages": ex["messages"], "tools": ex["tools"]} for ex in items))
        return [path]

    def read_examples(self, out_dir: FsPath) -> list[dict[str, Any]]:
        return [{"messages": row["messages"], "tools": row.get("tools") or []} for row in iter_jsonl(out_dir / "openai.jsonl")]

    def write_pairs(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        path = out_dir / "openai_preference.jsonl"
        write_jsonl(path, ({"input": {"messages": p["prompt"], "tools": p["tools"]},
                            "preferred_output": p["chosen"], "non_preferred_output": p["rejected"]} for p in items))
        return [path]

    def read_pairs(self, out_dir: FsPath) -> list[dict[str, Any]]:
        return [{"prompt": row["input"]["messages"], "tools": row["input"].get("tools") or [],
                 "chosen": row["preferred_output"], "rejected": row["non_preferred_output"]}
                for row in iter_jsonl(out_dir / "openai_preference.jsonl")]


class _TRL(Exporter):
    def __init__(self, *, structured: bool = False):
        self.structured = structured

    def _messages(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _structured_messages(messages) if self.structured else messages

    def _tools(self, tools: list[dict[str, Any]]) -> Any:
        return tools if self.structured else dumps(tools)


class TRLSFTExporter(_TRL):
    name = "trl-sft"
    description = "TRL SFTTrainer conversational rows: messages + tools (train.jsonl)"
    kinds = ("examples",)

    def write_examples(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        path = out_dir / "train.jsonl"
        write_jsonl(path, ({"messages": self._messages(ex["messages"]), "tools": self._tools(ex["tools"])} for ex in items))
        return [path]

    def read_examples(self, out_dir: FsPath) -> list[dict[str, Any]]:
        return [{"messages": _string_messages(row["messages"]), "tools": _tools_in(row.get("tools"))}
                for row in iter_jsonl(out_dir / "train.jsonl")]


class TRLDPOExporter(_TRL):
    name = "trl-dpo"
    description = "TRL DPOTrainer conversational preference rows: prompt, chosen, rejected, tools (train.jsonl)"
    kinds = ("pairs",)

    def write_pairs(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        path = out_dir / "train.jsonl"
        write_jsonl(path, ({"prompt": self._messages(p["prompt"]), "chosen": self._messages(p["chosen"]),
                            "rejected": self._messages(p["rejected"]), "tools": self._tools(p["tools"])} for p in items))
        return [path]

    def read_pairs(self, out_dir: FsPath) -> list[dict[str, Any]]:
        return [{"prompt": _string_messages(row["prompt"]), "chosen": _string_messages(row["chosen"]),
                 "rejected": _string_messages(row["rejected"]), "tools": _tools_in(row.get("tools"))}
                for row in iter_jsonl(out_dir / "train.jsonl")]
