"""Preference pairs for multi-turn DPO (METHOD.md A5): the verified conversation is the
chosen side; the rejected side makes one of five typed errors at one turn.

Public API:

* :data:`ERROR_TYPES`, :func:`parse_types`;
* :func:`offline_pairs`, :func:`build_negative`: deterministic negatives, no LLM;
* :func:`distill_file`, :class:`DistillReport`: a whole file; an LLM maker from
  :func:`magnet_graph.distill.llm.llm_maker`;
* :func:`matches_ground_truth`, :func:`check_against`: the checker;
* :func:`make_pair`, :func:`pair_records`: the pair record and both sides rebuilt as records.
"""

from __future__ import annotations

from .checker import check_against, matches_ground_truth, summary_failures
from .negatives import ERROR_TYPES, Negative, build_negative
from .pairs import DistillReport, distill_file, make_pair, offline_pairs, pair_records, parse_types, read_jsonl

__all__ = [
    "ERROR_TYPES",
    "DistillReport",
    "Negative",
    "build_negative",
    "check_against",
    "distill_file",
    "make_pair",
    "matches_ground_truth",
    "offline_pairs",
    "pair_records",
    "parse_types",
    "read_jsonl",
    "summary_failures",
]
