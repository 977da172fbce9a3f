"""Exports: records and pairs in the formats trainers and benchmarks read.

Public API:

* :data:`FORMATS` (name -> exporter class) and :func:`get_exporter`;
* :func:`export_file`: a records or pairs file -> one format's files in a folder (records
  can be mixed first, see :mod:`magnet_graph.mix`);
* :func:`read_export`: read a format's files back into the internal form;
* :mod:`.chat`: the conversation form and comparison helpers.

======================  =========================  ==========================================
format                  takes                      files
======================  =========================  ==========================================
``openai``              records, pairs             ``openai.jsonl`` / ``openai_preference.jsonl``
``trl-sft``             records                    ``train.jsonl`` (messages, tools)
``trl-dpo``             pairs                      ``train.jsonl`` (prompt, chosen, rejected, tools)
``sharegpt``            records                    ``sharegpt.jsonl``
``hermes``              records                    ``hermes.jsonl`` (ChatML text)
``llama-factory``       records                    ``magnet.jsonl``, ``dataset_info.json``
``bfcl``                records                    question, ``possible_answer/``, ``func_doc/``
======================  =========================  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Callable, Iterator, Sequence

from ..errors import OptionError
from ..types import Catalog
from .base import Exporter, iter_jsonl, malformed_as_error
from .bfcl import BFCLExporter
from .chat import record_example
from .llama_factory import LlamaFactoryExporter
from .openai import OpenAIExporter, TRLDPOExporter, TRLSFTExporter
from .textual import HermesExporter, ShareGPTExporter

__all__ = ["FORMATS", "Exporter", "ExportReport", "get_exporter", "detect_kind", "export_file", "read_export"]

FORMATS: dict[str, type[Exporter]] = {
    cls.name: cls
    for cls in (OpenAIExporter, TRLSFTExporter, TRLDPOExporter, ShareGPTExporter, HermesExporter,
                LlamaFactoryExporter, BFCLExporter)
}


def get_exporter(name: str, *, structured: bool = False) -> Exporter:
    """The exporter of format ``name``; :class:`OptionError` lists the known names."""
    cls = FORMATS.get(name)
    if cls is None:
        raise OptionError(f"--format: unknown format {name!r}; choose from {', '.join(FORMATS)}")
    if cls in (TRLSFTExporter, TRLDPOExporter):
        return cls(structured=structured)
    return cls()


def detect_kind(path: str | FsPath) -> str:
    """``"pairs"`` when the file's first object has ``error_type``, else ``"records"``."""
    for row in iter_jsonl(FsPath(path)):
        return "pairs" if "error_type" in row else "records"
    return "records"


@dataclass
class ExportReport:
    """What :func:`export_file` wrote."""

    format: str
    kind: str  # what the format received: examples, pairs or records
    count: int
    files: list[FsPath]
    mix: Any = None  # a MixReport when the records were mixed


def export_file(
    src: str | FsPath,
    *,
    format: str,
    out_dir: str | FsPath,
    mix: Any = None,
    total: int | None = None,
    seed: int = 0,
    catalog_resolver: Callable[[Sequence[str]], Catalog] | None = None,
    structured: bool = False,
) -> ExportReport:
    """Export the records or pairs in ``src`` as ``format`` into ``out_dir``.

    ``mix`` (a :class:`~magnet_graph.mix.MixRatio`) turns records into a mix of multi-turn,
    single-turn and irrelevance examples first (irrelevance needs ``catalog_resolver``).
    """
    with malformed_as_error(src):
        return _export(src, format=format, out_dir=out_dir, mix=mix, total=total, seed=seed,
                       catalog_resolver=catalog_resolver, structured=structured)


def _export(src, *, format, out_dir, mix, total, seed, catalog_resolver, structured) -> ExportReport:
    exporter = get_exporter(format, structured=structured)
    out = FsPath(out_dir)
    kind = detect_kind(src)
    rows: Iterator[dict[str, Any]] = iter_jsonl(FsPath(src), require=kind)
    mix_report = None
    if kind == "pairs":
        if mix is not None:
            raise OptionError("--mix mixes records; pass the file `magnet sample` wrote, not a pairs file")
        items: Any = rows
        target = "pairs"
    elif "records" in exporter.kinds:
        if mix is not None:
            raise OptionError(f"--mix makes conversations; --format {format} needs whole records, drop --mix")
        items, target = rows, "records"
    elif mix is not None:
        from ..mix import mix_examples

        records = list(rows)
        catalog = _catalog_for(records, catalog_resolver)
        items, mix_report = mix_examples(records, catalog=catalog, ratio=mix, total=total, seed=seed, notes=exporter.notes)
        target = "examples"
    else:
        items = (record_example(r, notes=exporter.notes) for r in rows)  # type: ignore[arg-type]
        target = "examples"
    counted = _Counted(items)
    files = exporter.write(target, counted, out)
    return ExportReport(format=format, kind=target, count=counted.n, files=files, mix=mix_report)


def _catalog_for(records: list[dict[str, Any]], resolver: Callable[[Sequence[str]], Catalog] | None) -> Catalog | None:
    if resolver is None or not records:
        return None
    return resolver(tuple(records[0].get("catalogs") or ()))


class _Counted:
    """An iterable that counts what it yields (exporters stream their input)."""

    def __init__(self, items: Any):
        self.items = items
        self.n = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for item in self.items:
            self.n += 1
            yield item


def read_export(format: str, out_dir: str | FsPath, kind: str) -> list[dict[str, Any]]:
    """Read the files ``format`` wrote into ``out_dir`` back as ``kind`` (examples, pairs,
    records); see each exporter's ``read_<kind>``."""
    return get_exporter(format).read(kind, FsPath(out_dir))
