"""The Trajectory Synthesizer (GEM stage 6): one model from text to tools + conversation.

* :func:`synthesizer_pairs` / :func:`export_synthesizer`: the validated (text -> tools +
  conversation) pairs of an extract run, as JSON Lines
  ``{"text": ..., "tools": [...], "conversation": [...messages]}`` for fine-tuning.
* :func:`synthesize` (``magnet extract --model M --synthesizer``): asks such a model for a
  segment, parses its reply (one JSON object with ``tools`` and ``conversation``), turns it
  into a record and runs the same validation (no replay: the outputs are the model's).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ..errors import BackendError
from ..types import Catalog, Tool
from .extract import _unique
from .filter import Relevance
from .inputs import Segment
from .judge import detect_patterns, validate_record
from .model import ToolSpec, Workflow

__all__ = ["synthesizer_pairs", "export_synthesizer", "synthesizer_messages", "parse_synthesis",
           "record_from_conversation", "synthesize"]

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DECLINE = re.compile(r"\b(?:can't|cannot|can not|not able|unable|won't|not possible)\b", re.I)
_RULE_WORDS = re.compile(r"\b(?:rule|rules|policy|limit|allowed|only|must|at most|up to)\b", re.I)


# ------------------------------------------------------------------------------------------
# export
# ------------------------------------------------------------------------------------------
def synthesizer_pairs(extract_dir: str | Path) -> Iterator[dict[str, Any]]:
    """(text -> tools + conversation) pairs of the validated conversations in ``extract_dir``."""
    root = Path(extract_dir)
    owner: dict[str, str] = {}
    with open(root / "workflows.jsonl", "rb") as fh:
        for line in fh:
            if line.strip():
                wf = orjson.loads(line)
                for rid in wf.get("conversations", []):
                    owner[rid] = wf["text"]
    with open(root / "conversations.jsonl", "rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = orjson.loads(line)
            if rec.get("id") not in owner or not rec.get("verification", {}).get("passed"):
                continue
            tools = [{"type": "function", "function": {"name": t["name"], "description": t.get("description", ""),
                                                       "parameters": t["parameters"], "returns": t.get("returns")}}
                     for t in rec["tools"]]
            yield {"text": owner[rec["id"]], "tools": tools, "conversation": rec["messages"]}


def export_synthesizer(extract_dir: str | Path, out_path: str | Path) -> int:
    """Write :func:`synthesizer_pairs` of ``extract_dir`` to ``out_path``; returns the number written."""
    n = 0
    with open(out_path, "wb") as out:
        for pair in synthesizer_pairs(extract_dir):
            out.write(orjson.dumps(pair, option=orjson.OPT_APPEND_NEWLINE))
            n += 1
    return n


# ------------------------------------------------------------------------------------------
# calling a synthesizer model
# ------------------------------------------------------------------------------------------
def synthesizer_messages(segment: Segment) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You are a trajectory synthesizer. Given a text that describes a procedure, "
             "reply with one JSON object {\"tools\": [OpenAI function tools, each with a \"returns\" JSON Schema], "
             "\"conversation\": [OpenAI chat messages: system, user, assistant (text or tool_calls), tool]}. "
             "Every tool call is answered by a tool message; every turn ends with an assistant text."},
            {"role": "user", "content": (segment.title + "\n" if segment.title else "") + segment.text[:6000]}]


class SynthesisError(BackendError):
    """A synthesizer reply that cannot be turned into a record; ``reason`` is the drop reason."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def _tool_of(entry: Any, index: int) -> dict[str, Any]:
    body = entry.get("function") if isinstance(entry, dict) and isinstance(entry.get("function"), dict) else entry
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not _NAME.match(body["name"]):
        raise SynthesisError("bad_tools", f"tool #{index} has no valid name")
    params = body.get("parameters") or {"type": "object", "properties": {}}
    if not isinstance(params, dict) or params.get("type") != "object":
        raise SynthesisError("bad_tools", f"tool {body['name']}: parameters must be a JSON Schema of type object")
    for key, schema in (("parameters", params), ("returns", body.get("returns"))):
        if schema is None:
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise SynthesisError("bad_tools", f"tool {body['name']}: {key}: {exc.message}") from None
    return {"name": body["name"], "description": str(body.get("description", "")), "parameters": params,
            "returns": body.get("returns")}


def parse_synthesis(reply: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The tools and the messages of a synthesizer reply, normalized (JSON-string arguments
    and tool contents, call ids); raises :class:`SynthesisError`."""
    tools_in, convo = reply.get("tools"), reply.get("conversation")
    if not isinstance(tools_in, list) or not tools_in:
        raise SynthesisError("no_tools", "the reply has no \"tools\" list")
    if not isinstance(convo, list) or not convo:
        raise SynthesisError("no_conversation", "the reply has no \"conversation\" list")
    tools = [_tool_of(t, i) for i, t in enumerate(tools_in)]
    messages: list[dict[str, Any]] = []
    k = 0
    for i, m in enumerate(convo):
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant", "tool"):
            raise SynthesisError("bad_message", f"message {i} has no valid role")
        m = dict(m)
        if m["role"] == "assistant" and m.get("tool_calls"):
            calls = []
            for c in m["tool_calls"]:
                fn = c.get("function", {}) if isinstance(c, dict) else {}
                args = fn.get("arguments", {})
                if not isinstance(args, str):
                    args = orjson.dumps(args).decode()
                cid = c.get("id") or f"call_s{k}"
                k += 1
                calls.append({"id": cid, "type": "function", "function": {"name": fn.get("name"), "arguments": args}})
            m = {"role": "assistant", "content": None, "tool_calls": calls}
        elif m["role"] == "tool" and not isinstance(m.get("content"), str):
            m["content"] = orjson.dumps(m.get("content")).decode()
        messages.append(m)
    return tools, messages


def _infer_turns(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut messages into turns (user message(s) ... assistant text) with their calls."""
    turns: list[dict[str, Any]] = []
    start = 1 if messages and messages[0]["role"] == "system" else 0
    i = start
    while i < len(messages):
        j = i
        calls: list[dict[str, Any]] = []
        outputs: dict[str, Any] = {}
        while j < len(messages):
            m = messages[j]
            if m["role"] == "assistant" and m.get("tool_calls"):
                for c in m["tool_calls"]:
                    try:
                        args = orjson.loads(c["function"]["arguments"])
                    except orjson.JSONDecodeError:
                        args = {}
                    calls.append({"id": c["id"], "name": c["function"]["name"],
                                  "arguments": args if isinstance(args, dict) else {}, "output": None,
                                  "simulated": True})
            elif m["role"] == "tool":
                try:
                    outputs[m.get("tool_call_id")] = orjson.loads(m.get("content") or "null")
                except orjson.JSONDecodeError:
                    outputs[m.get("tool_call_id")] = m.get("content")
            elif m["role"] == "assistant":
                j += 1
                break
            j += 1
        for c in calls:
            c["output"] = outputs.get(c["id"])
        turns.append({"index": len(turns), "kind": "normal", "tags": [], "source": None, "calls": calls,
                      "missing": None, "messages": [i, j]})
        i = j
    return turns


def _tag(turns: list[dict[str, Any]], messages: list[dict[str, Any]]) -> None:
    """Infer GEM's pattern tags and miss_param turns from the conversation itself."""
    users = ""
    for n, turn in enumerate(turns):
        start, end = turn["messages"]
        msgs = messages[start:end]
        users += "\n" + "\n".join(str(m.get("content", "")).lower() for m in msgs if m["role"] == "user")
        final = next((str(m.get("content") or "") for m in reversed(msgs) if m["role"] == "assistant"), "")
        if turn["calls"]:
            continue
        if _DECLINE.search(final):
            turn["tags"].append("rule_conflict" if _RULE_WORDS.search(final) else "limitation")
        elif final.rstrip().endswith("?") and n + 1 < len(turns) and turns[n + 1]["calls"]:
            nxt = turns[n + 1]
            s2, e2 = nxt["messages"]
            reply = "\n".join(str(m.get("content", "")).lower() for m in messages[s2:e2] if m["role"] == "user")
            for c in nxt["calls"]:
                for p, v in c["arguments"].items():
                    text = str(v).lower()
                    if isinstance(v, (str, int, float)) and text and text in reply and text not in users:
                        turn["kind"] = "miss_param"
                        turn["tags"] += ["miss_param", "clarification"]
                        turn["missing"] = {"function": c["name"], "parameter": p, "value": v}
                        break
                if turn["missing"]:
                    break


def record_from_conversation(tools: list[dict[str, Any]], messages: list[dict[str, Any]], *, task: str, seed: int,
                             slot: int, catalog_id: str, model: str | None, prompt_version: str,
                             magnet_version: str) -> dict[str, Any]:
    """A record (``docs/record.md``) for a synthesized conversation (no executable state)."""
    turns = _infer_turns(messages)
    _tag(turns, messages)
    names = [t["name"] for t in tools]
    for t in turns:
        t["tools"] = list(names)
    return {"schema_version": 1, "seed": seed, "slot": slot, "catalogs": [catalog_id], "toolkits": [task],
            "initial_state": {}, "end_state": {},
            "tools": [t | {"toolkit": task} for t in tools],
            "path": [{"funcs": [c["name"] for c in t["calls"]], "tags": t["tags"], "source": None} for t in turns],
            "turns": turns, "messages": messages,
            "provenance": {"backend": "litellm", "model": model, "prompt_version": prompt_version,
                           "magnet_version": magnet_version, "llm_calls": 1, "tokens": 0, "cost_usd": 0.0}}


def _rename(tools: list[dict[str, Any]], messages: list[dict[str, Any]], product: str,
            taken: set[str]) -> None:
    names = {}
    for t in tools:
        names[t["name"]] = _unique(t["name"], product, taken)
        taken.add(names[t["name"]])
        t["name"] = names[t["name"]]
    for m in messages:
        for c in m.get("tool_calls") or ():
            c["function"]["name"] = names.get(c["function"]["name"], c["function"]["name"])
        if m["role"] == "tool" and m.get("name") in names:
            m["name"] = names[m["name"]]


def synthesize(llm: Any, seg: Segment, rel: Relevance, *, out: Path, fh: BinaryIO, report: Any, config: Any,
               slot: int, taken_tools: set[str], taken_tasks: set[str],
               workflows: list[tuple[Workflow, list[str]]]) -> int:
    """Ask the synthesizer model for ``seg``; write the record if it validates. Returns the next slot."""
    from .. import __version__
    from ..seeding import derive_seed
    import hashlib

    from .pipeline import PROMPT_VERSION, catalog_bytes, finish_record

    report.stage("synthesize", inn=1)
    try:
        tools, messages = parse_synthesis(llm.ask(synthesizer_messages(seg)))
    except SynthesisError as exc:
        report.drop("synthesize", exc.reason, str(exc))
        return slot + 1
    except BackendError as exc:
        report.drop("synthesize", "bad_reply", str(exc))
        return slot + 1
    task = rel.task or "task"
    k = 2
    while task in taken_tasks:
        task = f"{rel.task}_{k}"
        k += 1
    taken_tasks.add(task)
    _rename(tools, messages, rel.product or task, taken_tools)
    specs = tuple(ToolSpec(t["name"], "", "", t["description"], t["parameters"], t["returns"] or
                           {"type": "object"}) for t in tools)
    wf = Workflow(seg.id, task, seg.title, rel.domain, rel.platform, rel.product, seg.text, (), (), specs, (), (),
                  by="synthesizer")
    data = catalog_bytes(wf)
    catalog_id = f"file:{task}.json@{hashlib.sha256(data).hexdigest()[:12]}"
    catalog = Catalog(catalog_id, tuple(Tool(name=t["name"], description=t["description"], parameters=t["parameters"],
                                             returns=t["returns"], toolkit=task) for t in tools))
    record = record_from_conversation(tools, messages, task=task, seed=derive_seed(config.seed, "synth", seg.id),
                                      slot=slot, catalog_id=catalog_id, model=config.model,
                                      prompt_version=PROMPT_VERSION, magnet_version=__version__)
    failures = validate_record(record, catalog, min_patterns=config.min_patterns, replay=False)
    ids: list[str] = []
    workflows.append((wf, ids))
    (out / "catalog" / f"{task}.json").write_bytes(data)
    if failures:
        report.drop("synthesize", failures[0].split(":", 1)[0], failures[0])
        return slot + 1
    report.stage("synthesize", out=1)
    final = finish_record(record, [], replay=False)
    fh.write(orjson.dumps(final, option=orjson.OPT_APPEND_NEWLINE))
    ids.append(final["id"])
    report.written += 1
    report.patterns.update(detect_patterns(final))
    return slot + 1


__all__ += ["SynthesisError"]
