"""Reading JSON Lines files of objects: one reader for records, pairs and exports."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any, Iterator

import orjson

from .errors import RecordError

__all__ = ["read_objects"]


def read_objects(path: str | FsPath) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
    """``(line number, raw line, object)`` for each non-blank line of ``path``.

    A line that is not JSON, or not a JSON object, raises :class:`RecordError` naming the
    file and the line.
    """
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise RecordError(f"{path}: line {number}: not valid JSON ({exc}); fix or remove the line") from None
            if not isinstance(obj, dict):
                raise RecordError(f"{path}: line {number}: expected a JSON object, got {type(obj).__name__}")
            yield number, raw, obj
