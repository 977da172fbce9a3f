"""Reading the texts to mine, and cutting them into segments.

:func:`read_texts` accepts JSON Lines files (a ``text`` field per line, ``id`` optional), plain
text and Markdown files, and folders of them. A bad input (missing, empty, binary or huge
file, a JSONL line that is not an object or has no ``text``) becomes one
:class:`InputProblem` with a one-line message naming the file, the line and the field and
saying what to do; the other inputs are still read.

:func:`segment_text` cuts a text into segments at Markdown headings (``#``), and splits a
section longer than ``max_chars`` at blank lines, keeping a list together with the paragraph
that introduces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import orjson

__all__ = ["SourceText", "InputProblem", "Segment", "read_texts", "segment_text", "TEXT_SUFFIXES",
           "MAX_FILE_BYTES", "MAX_SEGMENT_CHARS"]

TEXT_SUFFIXES = (".jsonl", ".txt", ".md", ".markdown", ".text")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_SEGMENT_CHARS = 2500


@dataclass(frozen=True, slots=True)
class SourceText:
    """One text to mine: its id, where it came from (``file`` or ``file:line``) and the text."""

    id: str
    source: str
    text: str


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A skipped input: ``message`` is one line (file, line, field, problem; what to do)."""

    source: str
    reason: str  # short code counted in the report: missing, empty, binary, too_large, bad_json, no_text
    message: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a text that the filter scores: a section under one heading (or part of it)."""

    id: str  # "<text id>#<index>"
    text_id: str
    source: str
    index: int
    title: str
    text: str


def _problem(source: str, reason: str, problem: str, fix: str, *, line: int | None = None,
             field: str = "") -> InputProblem:
    parts = [source] + ([f"line {line}"] if line is not None else []) + ([f"field {field}"] if field else [])
    return InputProblem(source if line is None else f"{source}:{line}", reason, ": ".join(parts + [problem]) + f"; {fix}")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    return [path]


def read_texts(paths: Sequence[str | Path], *, max_bytes: int = MAX_FILE_BYTES
               ) -> tuple[list[SourceText], list[InputProblem]]:
    """Read every input; return the texts (in input order) and the problems of the skipped ones.

    Text ids: a JSONL line's ``id`` (else ``<file stem>:<line>``); a text file's path as given.
    Duplicate ids get ``~2``, ``~3`` ... appended so that every id is unique.
    """
    texts: list[SourceText] = []
    problems: list[InputProblem] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            problems.append(_problem(str(given), "missing", "no such file or folder", "check the path"))
            continue
        files = _files(path)
        if path.is_dir() and not files:
            problems.append(_problem(str(given), "empty", "the folder has no .jsonl, .txt or .md files",
                                     "put text files in it"))
        for f in files:
            shown = str(f) if path.is_dir() else str(given)
            got, bad = _read_file(f, shown, max_bytes=max_bytes)
            texts.extend(got)
            problems.extend(bad)
    return _unique_ids(texts), problems


def _unique_ids(texts: list[SourceText]) -> list[SourceText]:
    seen: dict[str, int] = {}
    out = []
    for t in texts:
        n = seen.get(t.id, 0) + 1
        seen[t.id] = n
        out.append(t if n == 1 else SourceText(f"{t.id}~{n}", t.source, t.text))
    return out


def _read_file(path: Path, shown: str, *, max_bytes: int) -> tuple[list[SourceText], list[InputProblem]]:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            mb = size / (1024 * 1024)
            return [], [_problem(shown, "too_large", f"{mb:.1f} MB is over the {max_bytes / (1024 * 1024):g} MB limit",
                                 "split it into smaller files")]
        data = path.read_bytes()
    except OSError as exc:
        return [], [_problem(shown, "unreadable", f"cannot read it ({exc.strerror or exc})",
                             "check the path and its permissions")]
    if not data.strip():
        return [], [_problem(shown, "empty", "the file is empty", "put some text in it or leave it out")]
    nul = data.find(b"\0")
    if nul != -1:
        return [], [_problem(shown, "binary", f"binary content (a NUL byte at offset {nul})",
                             "give .txt, .md or .jsonl text files")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [_problem(shown, "binary", f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8")]
    if path.suffix.lower() == ".json":  # a JSON array of {"text": ...} objects, or JSON Lines
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError:
            doc = None
        if isinstance(doc, list):
            text = "\n".join(orjson.dumps(x).decode() for x in doc)
    if path.suffix.lower() in (".jsonl", ".json"):
        return _read_jsonl(text, shown, path.stem)
    return [SourceText(shown, shown, text)], []


def _read_jsonl(text: str, shown: str, stem: str) -> tuple[list[SourceText], list[InputProblem]]:
    texts: list[SourceText] = []
    problems: list[InputProblem] = []
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            problems.append(_problem(shown, "bad_json", f"not valid JSON (column {exc.colno}: {exc.msg})",
                                     "put one JSON object per line", line=no))
            continue
        if not isinstance(obj, dict):
            problems.append(_problem(shown, "bad_json", f"a JSON {type(obj).__name__}, not an object",
                                     'write {"text": "..."} on each line', line=no))
            continue
        body = obj.get("text")
        if not isinstance(body, str) or not body.strip():
            what = "missing" if body is None else "empty" if isinstance(body, str) else f"a {type(body).__name__}"
            problems.append(_problem(shown, "no_text", f"{what}, expected a non-empty string",
                                     'give each line a "text" string', line=no, field="text"))
            continue
        tid = obj.get("id")
        tid = str(tid) if isinstance(tid, (str, int)) and not isinstance(tid, bool) and str(tid) else f"{stem}:{no}"
        texts.append(SourceText(tid, f"{shown}:{no}", body))
    return texts, problems


# ------------------------------------------------------------------------------------------
# segments
# ------------------------------------------------------------------------------------------
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:(?:step\s*)?\d{1,2}[.):]|[-*\u2022+])\s+", re.IGNORECASE)


def _blocks(lines: list[str]) -> list[list[str]]:
    """Blank-line separated blocks; a block made only of list items joins the block before it."""
    blocks: list[list[str]] = []
    cur: list[str] = []
    for line in lines + [""]:
        if line.strip():
            cur.append(line)
            continue
        if cur:
            if blocks and all(_LIST_ITEM.match(x) or x.startswith((" ", "\t")) for x in cur):
                blocks[-1].extend(cur)
            else:
                blocks.append(cur)
            cur = []
    return blocks


def segment_text(text: SourceText, *, max_chars: int = MAX_SEGMENT_CHARS) -> list[Segment]:
    """Cut a text into segments (see the module docstring); empty sections are dropped."""
    sections: list[tuple[str, list[str]]] = []
    title, body = "", []
    for line in text.text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = _HEADING.match(line)
        if m:
            if any(x.strip() for x in body) or title:
                sections.append((title, body))
            title, body = m.group(2).strip(), []
        else:
            body.append(line.rstrip())
    sections.append((title, body))
    out: list[Segment] = []
    for title, body in sections:
        for chunk in _chunks(body, max_chars):
            if not chunk.strip():
                continue
            out.append(Segment(f"{text.id}#{len(out)}", text.id, text.source, len(out), title, chunk))
    return out


def _chunks(lines: list[str], max_chars: int) -> Iterable[str]:
    joined = "\n".join(lines).strip()
    if len(joined) <= max_chars:
        yield joined
        return
    cur: list[str] = []
    size = 0
    for block in _blocks(lines):
        text = "\n".join(block)
        if cur and size + len(text) > max_chars:
            yield "\n\n".join(cur)
            cur, size = [], 0
        cur.append(text)
        size += len(text) + 2
    if cur:
        yield "\n\n".join(cur)
