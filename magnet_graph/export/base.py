"""What every export format implements, and the JSONL helpers they share.

An :class:`Exporter` writes one kind of input (``examples``: conversations from
:mod:`.chat` or :mod:`magnet_graph.mix`; ``pairs``: from ``magnet distill``; ``records``:
whole ``magnet sample`` records, for formats that need the state, such as BFCL) into a
folder, and reads its own files back into that same internal form (for round-trip tests and
for users who want to convert back).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path as FsPath
from typing import Any, ClassVar, Iterable, Iterator

import orjson

from ..errors import OptionError, RecordError
from ..jsonl import read_objects

__all__ = ["Exporter", "write_jsonl", "iter_jsonl", "malformed_as_error", "KINDS", "REQUIRED"]

KINDS = ("examples", "pairs", "records")


def write_jsonl(path: FsPath, rows: Iterable[Any]) -> int:
    """Write ``rows`` as JSON lines (orjson, UTF-8); return how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS) + b"\n")
            n += 1
    return n


#: Fields a line must have to be read as a record or a pair.
REQUIRED = {
    "records": ("seed", "toolkits", "initial_state", "tools", "path", "turns", "messages"),
    "pairs": ("error_type", "turn", "prompt", "chosen", "rejected", "tools"),
}


def iter_jsonl(path: FsPath, *, require: str | None = None) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSONL file; :class:`RecordError` names a bad line.

    ``require`` (``"records"`` or ``"pairs"``) also checks that each object has the fields
    of that kind (:data:`REQUIRED`).
    """
    fields = REQUIRED.get(require or "", ())
    for number, _, obj in read_objects(path):
        missing = [f for f in fields if f not in obj]
        if missing:
            what = "record of `magnet sample`" if require == "records" else "pair of `magnet distill`"
            raise RecordError(f"{path}: line {number}: field {missing[0]} is missing; expected a {what}")
        yield obj


@contextmanager
def malformed_as_error(path: str | FsPath) -> Iterator[None]:
    """Turn the errors a malformed record raises deep inside (a missing key, a wrong type)
    into one :class:`RecordError` line naming the file."""
    try:
        yield
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise RecordError(
            f"{path}: a record or pair is malformed ({type(exc).__name__}: {exc}); check the file with `magnet verify`"
        ) from None


class Exporter:
    """One output format. Subclasses set ``name``, ``description``, ``kinds`` and implement
    ``write_<kind>`` / ``read_<kind>`` for each kind they accept."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    kinds: ClassVar[tuple[str, ...]] = ()
    #: how tools that appear mid-conversation are announced (see :func:`.chat.record_example`)
    notes: ClassVar[str] = "system"

    def _unsupported(self, kind: str) -> OptionError:
        ok = ", ".join(self.kinds)
        hint = {"pairs": "trl-dpo or openai", "records": "bfcl", "examples": "openai, trl-sft, sharegpt, hermes or llama-factory"}
        return OptionError(f"--format {self.name} takes {ok}, not {kind}; for {kind} use {hint[kind]}")

    def write(self, kind: str, items: Iterable[dict[str, Any]], out_dir: FsPath) -> list[FsPath]:
        """Write ``items`` of ``kind`` into ``out_dir``; return the files written."""
        if kind not in self.kinds:
            raise self._unsupported(kind)
        if out_dir.exists() and not out_dir.is_dir():
            raise OptionError(f"-o {out_dir} is a file; give a folder to write the {self.name} files into")
        out_dir.mkdir(parents=True, exist_ok=True)
        return getattr(self, f"write_{kind}")(items, out_dir)

    def read(self, kind: str, out_dir: FsPath) -> list[dict[str, Any]]:
        """Read the files this format wrote in ``out_dir`` back into the internal ``kind`` form."""
        if kind not in self.kinds:
            raise self._unsupported(kind)
        return getattr(self, f"read_{kind}")(out_dir)
