"""A content-addressed, on-disk cache of LLM completions.

The key of an entry is the SHA-256 of the canonical JSON (sorted keys, no spaces) of exactly
what decides the reply: the model, the messages, the tools, the sampling parameters and the
prompt version (:func:`cache_key`). A rerun of a finished job therefore sends nothing to the
model, and a resumed or sharded job pays only for what it has not asked before.

Layout: one small JSON file per entry, ``<root>/<key[:2]>/<key>.json``. Files (not one
database) because shards of a job often share the cache from several processes or machines
(a network file system): a write goes to a temporary file in the same folder and is
renamed over the entry (``os.replace``), so a reader sees the whole entry or none, and
concurrent writers of the same key are harmless (they write the same answer). An entry that
cannot be read (a crash on a file system without ordered renames) counts as a miss and is
removed.

The default root is ``$MAGNET_HOME/cache/llm`` (``MAGNET_HOME`` defaults to ``~/.magnet``).
Nothing secret is stored: entries hold the reply and its token counts, never the request's
headers or key.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

import orjson

__all__ = ["CACHE_FORMAT", "ResponseCache", "cache_key", "default_cache_dir", "magnet_home"]

CACHE_FORMAT = 1  # bump when the stored entry shape changes: old entries then miss


def magnet_home() -> Path:
    """magnet's per-user folder: ``$MAGNET_HOME``, else ``~/.magnet``."""
    home = os.environ.get("MAGNET_HOME")
    return Path(home).expanduser() if home else Path.home() / ".magnet"


def default_cache_dir() -> Path:
    """Where LLM completions are cached unless ``--cache-dir`` says otherwise."""
    return magnet_home() / "cache" / "llm"


def cache_key(payload: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``payload`` (sorted keys, compact).

    >>> cache_key({"b": 1, "a": [1, 2]}) == cache_key({"a": [1, 2], "b": 1})
    True
    >>> len(cache_key({}))
    64
    """
    blob = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(blob).hexdigest()


class ResponseCache:
    """One folder of cached completions: :meth:`get` and :meth:`put` by :func:`cache_key`.

    ``hits``, ``misses`` and ``writes`` count this process's use. Reads and writes are small
    synchronous file operations (tens of microseconds), cheap enough for an event loop.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).expanduser()
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self._dirs: set[str] = set()

    def __repr__(self) -> str:
        return f"ResponseCache({str(self.root)!r})"

    def path(self, key: str) -> Path:
        """The file of entry ``key``."""
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry stored under ``key``, or ``None`` (a damaged entry is removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            entry = orjson.loads(data)
        except orjson.JSONDecodeError:
            entry = None
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
            self.misses += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: Mapping[str, Any]) -> None:
        """Store ``entry`` under ``key`` atomically (temporary file, then rename)."""
        folder = self.root / key[:2]
        if key[:2] not in self._dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._dirs.add(key[:2])
        blob = orjson.dumps({**entry, "format": CACHE_FORMAT})
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, self.path(key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self.writes += 1

    def __len__(self) -> int:
        """How many entries the folder holds (walks it: for tests and ``magnet`` reports)."""
        if not self.root.is_dir():
            return 0
        return sum(1 for _ in self.root.glob("??/*.json"))

