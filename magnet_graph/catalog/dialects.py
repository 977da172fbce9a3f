"""Tool entries of the JSON dialects: OpenAI, BFCL, MCP, Anthropic (and pydantic-made schemas).

:func:`entries_from_document` takes a parsed document (a list, ``{"tools": [...]}``, a JSON-RPC
``tools/list`` result or a single tool object), detects the dialect of every entry and converts
each to a :class:`~magnet_graph.types.Tool`. OpenAPI documents go to :mod:`.openapi`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

from ..types import Tool
from .report import Entry, Notes
from .schema import SchemaConverter, parameters_schema, returns_schema

__all__ = ["entries_from_document", "entry_dialect", "convert_entry", "bfcl_class_name", "finish_tool",
           "is_tool_list_document"]

# BFCL multi-turn doc files -> the class that implements them
_BFCL_CLASSES = {
    "gorilla_file_system": "GorillaFileSystem",
    "math_api": "MathAPI",
    "message_api": "MessageAPI",
    "posting_api": "TwitterAPI",
    "ticket_api": "TicketAPI",
    "trading_bot": "TradingBot",
    "travel_booking": "TravelAPI",
    "vehicle_control": "VehicleControlAPI",
}
_GENERIC_STEMS = frozenset(("tools", "tool", "functions", "catalog", "schema", "schemas", "openapi", "spec",
                            "index", "api", "mcp", "tools_list"))
_OPENAI_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def bfcl_class_name(stem: str) -> str:
    """The BFCL class of a doc file stem (``posting_api`` -> ``TwitterAPI``; else CamelCase)."""
    if stem in _BFCL_CLASSES:
        return _BFCL_CLASSES[stem]
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", stem) if p]
    return "".join(p.upper() if p.lower() == "api" else p[:1].upper() + p[1:] for p in parts) or stem


def file_toolkit(path: Path) -> str:
    """Default toolkit of a file's tools: its stem, or its folder when the stem is generic."""
    stem = path.stem
    if stem.lower() in _GENERIC_STEMS and path.parent.name:
        return path.parent.name
    return stem


def entry_dialect(entry: Any) -> str | None:
    """The dialect of one tool entry, or ``None`` when it is not recognisable."""
    if not isinstance(entry, dict):
        return None
    if isinstance(entry.get("function"), dict):
        return "openai"
    if "inputSchema" in entry:
        return "mcp"
    if "input_schema" in entry:
        return "anthropic"
    if "parameters" in entry or "response" in entry:
        params = entry.get("parameters")
        if "response" in entry or (isinstance(params, dict) and params.get("type") == "dict"):
            return "bfcl"
        return "openai"
    if "name" in entry and set(entry) <= {"name", "description", "type", "strict", "returns"}:
        return "openai"  # a tool without arguments
    return None


def is_tool_list_document(doc: Any) -> bool:
    """True when ``doc`` holds tool entries (list, ``tools``, JSON-RPC result or one tool)."""
    return _tool_list(doc) is not None


def _tool_list(doc: Any) -> list[Any] | None:
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        return None
    for key in ("tools", "functions"):
        if isinstance(doc.get(key), list):
            return doc[key]
    result = doc.get("result")
    if isinstance(result, dict) and isinstance(result.get("tools"), list):
        return result["tools"]
    if entry_dialect(doc) is not None:
        return [doc]
    return None


def entries_from_document(doc: Any, *, source: str, path: Path,
                          lines: Sequence[int] | None = None) -> list[Entry] | None:
    """Convert every tool entry of ``doc``; ``None`` when ``doc`` is not a tool list at all.

    ``lines`` gives the line of each entry for JSON Lines files (used in messages).
    """
    items = _tool_list(doc)
    if items is None:
        return None
    return [convert_entry(item, index=i, source=f"{source}:{lines[i]}" if lines else source, origin=source,
                          path=path)
            for i, item in enumerate(items)]


def convert_entry(entry: Any, *, index: int, source: str, path: Path, origin: str = "") -> Entry:
    """Convert one tool entry of any JSON dialect; problems are kept on the returned entry.

    ``source`` names the entry in messages (``file`` or ``file:line``); ``origin`` (default:
    ``source``) becomes :attr:`Tool.source`; ``path`` gives the default toolkit.
    """
    label = f"#{index}"
    notes = Notes(source, label)
    dialect = entry_dialect(entry)
    if dialect is None:
        what = f"keys {sorted(entry)[:8]}" if isinstance(entry, dict) else type(entry).__name__
        notes.error(f"unknown tool dialect ({what})",
                    fix="give an OpenAI, BFCL, MCP or Anthropic tool (name + parameters/inputSchema/input_schema)")
        return Entry(label, "", source, None, notes.problems, index)
    body, prefix = (entry["function"], "function/") if dialect == "openai" and "function" in entry else (entry, "")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        found = "missing" if name is None else f"{name!r} is not a tool name"
        notes.error(f"name {found}", field=f"{prefix}name", fix='give every tool a "name" string')
        return Entry(label, "", source, None, notes.problems, index)
    notes.tool = label = name
    toolkit = bfcl_class_name(path.stem) if dialect == "bfcl" else file_toolkit(path)
    key, rkey = {"openai": ("parameters", "returns"), "bfcl": ("parameters", "response"),
                 "mcp": ("inputSchema", "outputSchema"), "anthropic": ("input_schema", None)}[dialect]
    raw = body.get(key)
    if dialect == "openai" and _looks_pydantic(raw):
        dialect = "pydantic"
    conv = SchemaConverter(raw, dialect=dialect)
    params = parameters_schema(raw, conv, notes=notes, field=prefix + key)
    returns = None
    if rkey is not None and body.get(rkey) is not None:
        rconv = SchemaConverter(body[rkey], dialect=dialect)
        returns = returns_schema(body[rkey], rconv, notes=notes, field=prefix + rkey)
    desc = body.get("description", "")
    tool = finish_tool(notes, name=name, description=desc, parameters=params, returns=returns, toolkit=toolkit,
                       dialect=dialect, source=origin or source, field=prefix + "description")
    return Entry(label, toolkit, source, tool, notes.problems, index)


def finish_tool(notes: Notes, *, name: str, description: Any, parameters: dict[str, Any] | None,
                returns: dict[str, Any] | None, toolkit: str, dialect: str, source: str,
                field: str = "description", binding: str | None = None, hints: tuple[str, ...] = ()) -> Tool | None:
    """Build the :class:`Tool` after the common checks; ``None`` if ``notes`` hold an error."""
    if not isinstance(description, str):
        notes.error(f"description must be a string, found {type(description).__name__}", field=field,
                    fix="write the description as text")
    elif not description.strip():
        notes.warn("no description", field=field, fix="add one: the translator writes requests from it")
    if not _OPENAI_NAME.match(name):
        notes.warn(f"name {name!r} is not a valid OpenAI function name", field="name",
                   fix="use letters, digits, '_' or '-' (at most 64)")
    if notes.failed or parameters is None:
        return None
    return Tool(name=name, description=description.strip(), parameters=parameters, returns=returns,
                toolkit=toolkit, dialect=dialect, source=source, binding=binding, hints=hints)


def _looks_pydantic(raw: Any) -> bool:
    return isinstance(raw, dict) and ("$defs" in raw or "definitions" in raw or "title" in raw)
