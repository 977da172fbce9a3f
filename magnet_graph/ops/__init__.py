"""Node operations on function signature paths (METHOD A3): pure functions ``Path -> Path``.

* :func:`merge`: two consecutive turns become one turn (tag ``merge``).
* :func:`insert`: a nested successor of a turn's last function joins the turn
  (``insert_nested``) or becomes a new turn after a later one (``insert_long``, ``source``).
* :func:`split`: one empty ``miss_func`` / ``miss_param`` turn before a random turn.
* :func:`apply_ops`: merge -> insert gives the base version; split on it the split version.
* :class:`PathSampler` / :func:`path_for_slot`: walk + operators for one slot of a run.

Inputs are never mutated; the same ``rng`` state gives the same result; ``p=0`` is the
identity of merge and insert.
"""

from __future__ import annotations

from .common import OPS, normalize_ops
from .insert import insert
from .merge import merge
from .pipeline import PathSampler, apply_ops, path_for_slot
from .split import split

__all__ = ["OPS", "PathSampler", "apply_ops", "insert", "merge", "normalize_ops", "path_for_slot", "split"]
