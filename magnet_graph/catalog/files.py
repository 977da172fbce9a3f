"""Catalog files and folders: read JSON, a JSON list, JSON Lines or YAML, then convert.

The format is sniffed from the content (``.json`` files are often JSON Lines, as BFCL's are);
the extension only decides whether YAML is tried first. A folder means every ``*.json``,
``*.jsonl``, ``*.yaml`` and ``*.yml`` in it, sorted; sub-folders are read only when the folder
has no catalog file at its top level.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
import yaml

from .dialects import entries_from_document
from .openapi import entries_from_openapi, is_openapi
from .report import Loaded, Notes

__all__ = ["CATALOG_SUFFIXES", "load_path", "catalog_files", "read_document"]

CATALOG_SUFFIXES = (".json", ".jsonl", ".yaml", ".yml")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML (libyaml when present) without implicit timestamps: dates stay strings, as in JSON."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Unreadable(Exception):
    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def catalog_files(folder: Path) -> list[Path]:
    """The catalog files a folder stands for (see the module docstring)."""
    top = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CATALOG_SUFFIXES)
    if top:
        return top
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in CATALOG_SUFFIXES)


def content_id(name: str, data: bytes) -> str:
    """``file:<name>@<first 12 hex of sha256>``."""
    return f"file:{name}@{hashlib.sha256(data).hexdigest()[:12]}"


def load_path(path: Path, *, spec: str) -> Loaded:
    """Load a catalog file or folder into a :class:`Loaded` (problems collected, not raised)."""
    if path.is_dir():
        files = catalog_files(path)
        digest = hashlib.sha256()
        out = Loaded(id="", source=spec)
        if not files:
            Notes(spec, problems=out.problems).error(
                "folder has no catalog files", fix=f"put {', '.join('*' + s for s in CATALOG_SUFFIXES)} files in it")
        for f in files:
            shown = str(Path(spec) / f.relative_to(path))
            one = _load_file(f, shown)
            digest.update(f.relative_to(path).as_posix().encode() + b"\0" + one[1] + b"\0")
            out.entries.extend(one[0].entries)
            out.problems.extend(one[0].problems)
        out.id = f"file:{path.resolve().name}@{digest.hexdigest()[:12]}"
        return out
    loaded, _ = _load_file(path, spec)
    return loaded


def _load_file(path: Path, shown: str) -> tuple[Loaded, bytes]:
    notes = Notes(shown)
    try:
        data = path.read_bytes()
    except OSError as exc:
        notes.error(f"cannot read the file ({exc.strerror or exc})", fix="check the path and its permissions")
        return Loaded(id=f"file:{path.name}", source=shown, problems=notes.problems), b""
    loaded = Loaded(id=content_id(path.name, data), source=shown, problems=notes.problems)
    try:
        doc, lines = read_document(data, suffix=path.suffix.lower())
    except _Unreadable as exc:
        notes.error(exc.problem, fix=exc.fix)
        return loaded, data
    if is_openapi(doc):
        entries, file_notes = entries_from_openapi(doc, source=shown, path=path)
        loaded.entries = entries
        loaded.problems.extend(file_notes.problems)
        return loaded, data
    entries = entries_from_document(doc, source=shown, path=path, lines=lines)
    if entries is None:
        keys = f"an object with keys {sorted(doc)[:8]}" if isinstance(doc, dict) else f"a {type(doc).__name__}"
        notes.error(f"unknown catalog dialect: found {keys}",
                    fix='give a list of tools, {"tools": [...]}, an MCP tools/list result, an OpenAPI 3 spec '
                        "or one tool object (see docs/catalogs.md)")
    elif not entries:
        notes.warn("the file has no tools")
    else:
        loaded.entries = entries
    return loaded, data


def read_document(data: bytes, *, suffix: str) -> tuple[Any, list[int] | None]:
    """Parse bytes as JSON, JSON Lines or YAML; returns the document and, for JSON Lines,
    the line number of each entry. Raises ``_Unreadable`` with the failing line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8") from None
    if not text.strip():
        raise _Unreadable("the file is empty", "put a list of tools in it")
    if suffix in (".yaml", ".yml"):
        return _yaml(text), None
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError as exc:
        json_error = exc
    jsonl = _json_lines(text)
    if jsonl is not None:
        return jsonl
    if suffix not in (".json", ".jsonl"):
        try:
            return _yaml(text), None
        except _Unreadable:
            pass
    raise _Unreadable(f"not valid JSON (line {json_error.lineno}, column {json_error.colno}: {json_error.msg})",
                      "fix the syntax there")


def _json_lines(text: str) -> tuple[list[Any], list[int]] | None:
    """Parse JSON Lines; ``None`` when the first non-empty line is not a JSON value by itself.
    A later bad line raises ``_Unreadable`` naming it."""
    items: list[Any] = []
    lines: list[int] = []
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            if not items:
                return None
            raise _Unreadable(f"not valid JSON Lines (line {no}, column {exc.colno}: {exc.msg})",
                              "put one complete JSON object on each line") from None
        lines.append(no)
    return (items, lines) if len(items) > 1 else None


def _yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise _Unreadable(f"not valid YAML ({where}{exc.problem or exc.context})", "fix the syntax there") from None
    except yaml.YAMLError as exc:
        raise _Unreadable(f"not valid YAML ({str(exc).splitlines()[0]})", "fix the syntax there") from None
