"""BFCL v3 multi-turn files: questions, possible answers as Python call strings, function docs.

Written into the export folder (BFCL's own layout)::

    BFCL_v3_magnet.jsonl                   {"id", "question", "initial_config", "path",
                                            "involved_classes", "missed_function"?, ...}
    possible_answer/BFCL_v3_magnet.jsonl   {"id", "ground_truth": [[call strings] per turn]}
    func_doc/magnet_tools.json             one {"name", "description", "parameters"} per line

``question`` has one list of user messages per turn. As in BFCL, the turn right after a
``miss_func`` turn has an empty list (the function is added there: ``missed_function``
maps that turn to it), and a miss turn's ground truth is ``[]``. Call strings are Python
(``book_flight(flight_id='UA-1', travel_class='economy')``) and are read back with
:func:`parse_call` (``ast``, literals only, never evaluated). Two extra keys per entry,
``magnet_record_id`` and ``magnet_seed``, let :func:`replay_entry` re-execute simulated tools
exactly; BFCL ignores them.
"""

from __future__ import annotations

import ast
import keyword
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Iterable, Mapping

from ..errors import MagnetError, RecordError
from ..execute import Environment
from ..types import Catalog
from .base import Exporter, iter_jsonl, write_jsonl

__all__ = ["BFCLExporter", "call_string", "parse_call", "ParsedCall", "py_literal", "record_entry", "replay_entry"]

QUESTIONS = "BFCL_v3_magnet.jsonl"
ANSWERS = "possible_answer/BFCL_v3_magnet.jsonl"
DOCS = "func_doc/magnet_tools.json"


def py_literal(value: Any) -> str:
    """``value`` (plain JSON) as Python source that :func:`parse_call` reads back exactly."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        text = repr(value)
        if text in ("inf", "-inf", "nan"):
            raise ValueError(f"{value!r} has no JSON or Python literal form")
        return text
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"cannot write a {type(value).__name__} as a Python literal")


def call_string(name: str, arguments: Mapping[str, Any]) -> str:
    """A call as BFCL writes it: ``name(key='value', n=3)``.

    Argument names that are not Python identifiers (or are keywords) go in a ``**{...}``
    mapping so the string still parses.
    """
    plain = [f"{k}={py_literal(v)}" for k, v in arguments.items() if k.isidentifier() and not keyword.iskeyword(k)]
    odd = {k: v for k, v in arguments.items() if not (k.isidentifier() and not keyword.iskeyword(k))}
    if odd:
        plain.append("**" + py_literal(odd))
    return f"{name}({', '.join(plain)})"


@dataclass(frozen=True)
class ParsedCall:
    """A call string read back: the function name (dotted names kept), positional and
    keyword arguments as plain values."""

    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


def _literal(node: ast.AST) -> Any:
    """The value of a literal expression node (constants, lists, tuples, dicts, signs)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise ValueError("dict unpacking inside a literal is not supported")
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values)}  # type: ignore[arg-type]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _literal(node.operand)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner if isinstance(node.op, ast.USub) else inner
    raise ValueError(f"not a literal: {ast.dump(node)[:60]}")


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    raise ValueError("the called object is not a (dotted) name")


def parse_call(text: str) -> ParsedCall:
    """Read one call string with :mod:`ast` (nothing is evaluated); ``ValueError`` if it is
    not ``name(literal args...)``."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not a Python call: {text[:80]!r} ({exc.msg})") from None
    node = tree.body
    if not isinstance(node, ast.Call):
        raise ValueError(f"not a call: {text[:80]!r}")
    kwargs: dict[str, Any] = {}
    for kw in node.keywords:
        value = _literal(kw.value)
        if kw.arg is None:
            if not isinstance(value, dict):
                raise ValueError("** needs a mapping")
            kwargs.update(value)
        else:
            kwargs[kw.arg] = value
    return ParsedCall(_dotted(node.func), tuple(_literal(a) for a in node.args), kwargs)


def record_entry(record: Mapping[str, Any], index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The question entry and the possible-answer entry of one record."""
    entry_id = f"magnet_{index}"
    messages = record["messages"]
    question: list[list[dict[str, str]]] = []
    answer: list[list[str]] = []
    missed: dict[str, list[str]] = {}
    turns = record["turns"]
    for h, turn in enumerate(turns):
        start, end = turn["messages"]
        users = [{"role": "user", "content": m["content"]} for m in messages[start:end] if m["role"] == "user"]
        if h > 0 and turns[h - 1].get("kind") == "miss_func":
            func = (turns[h - 1].get("missing") or {}).get("function")
            missed[str(h)] = [func] if func else []
            users = []
        question.append(users)
        answer.append([call_string(c["name"], c["arguments"]) for c in turn.get("calls", [])])
    path = [f"{_toolkit(record, c['name'])}.{c['name']}" for t in turns for c in t.get("calls", [])]
    entry: dict[str, Any] = {
        "id": entry_id,
        "question": question,
        "initial_config": record["initial_state"],
        "path": path,
        "involved_classes": list(record["toolkits"]),
    }
    if missed:
        entry["missed_function"] = missed
    entry["magnet_record_id"] = record.get("id", "")
    entry["magnet_seed"] = record["seed"]
    return entry, {"id": entry_id, "ground_truth": answer}


def _toolkit(record: Mapping[str, Any], name: str) -> str:
    for t in record["tools"]:
        if t["name"] == name:
            return t.get("toolkit") or "tools"
    return "tools"


def replay_entry(entry: Mapping[str, Any], answer: Mapping[str, Any], catalog: Catalog) -> list[list[dict[str, Any]]]:
    """Re-execute the ground truth of a BFCL entry from its ``initial_config``.

    Returns per turn ``[{"name", "arguments", "output"}]``. Positional arguments are mapped
    to the tool's parameters in schema order. Raises :class:`RecordError` for a string that
    does not parse or names an unknown tool.
    """
    env = Environment(catalog, entry.get("involved_classes") or [], seed=int(entry.get("magnet_seed", 0)),
                      initial_state=entry.get("initial_config") or {})
    out: list[list[dict[str, Any]]] = []
    for h, calls in enumerate(answer["ground_truth"]):
        done = []
        for text in calls:
            try:
                parsed = parse_call(text)
            except ValueError as exc:
                raise RecordError(f"{entry.get('id')}: turn {h}: {exc}") from None
            name = parsed.name.rsplit(".", 1)[-1]
            if name not in catalog:
                raise RecordError(f"{entry.get('id')}: turn {h}: unknown function {name!r}")
            args = dict(zip(catalog.tool(name).properties, parsed.args))
            args.update(parsed.kwargs)
            try:
                output = env.execute(name, args).output
            except MagnetError as exc:
                raise RecordError(f"{entry.get('id')}: turn {h}: {name} cannot run: {exc}") from None
            done.append({"name": name, "arguments": args, "output": output})
        out.append(done)
    return out


class BFCLExporter(Exporter):
    name = "bfcl"
    description = "BFCL v3 multi-turn question file, possible_answer file (Python call strings) and function docs"
    kinds = ("records",)

    def write_records(self, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        entries, answers, docs = [], [], {}
        for i, record in enumerate(items):
            entry, answer = record_entry(record, i)
            entries.append(entry)
            answers.append(answer)
            for t in record["tools"]:
                docs.setdefault(t["name"], {"name": t["name"], "description": t.get("description", ""),
                                            "parameters": t.get("parameters") or {"type": "object", "properties": {}}})
        q, a, d = out_dir / QUESTIONS, out_dir / ANSWERS, out_dir / DOCS
        write_jsonl(q, entries)
        write_jsonl(a, answers)
        write_jsonl(d, docs.values())
        return [q, a, d]

    def read_records(self, out_dir: FsPath) -> list[dict[str, Any]]:
        """Entries with their answers: ``{**entry, "ground_truth": [[call strings]]}``."""
        answers = {row["id"]: row["ground_truth"] for row in iter_jsonl(out_dir / ANSWERS)}
        return [{**entry, "ground_truth": answers.get(entry["id"], [])} for entry in iter_jsonl(out_dir / QUESTIONS)]
