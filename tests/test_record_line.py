"""The written line of a record splices the tools' kept bytes: same bytes as serializing it."""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import orjson

from magnet_graph.catalog import load_catalogs
from magnet_graph.execute import canonical_json, content_id
from magnet_graph.graph import build_graph
from magnet_graph.ops import PathSampler
from magnet_graph.translate.base import run_sync
from magnet_graph.translate.loop import record_line, translate_path
from magnet_graph.translate.offline import OfflineBackend


def _records(n: int) -> list[dict]:
    catalog = load_catalogs(())
    graph = build_graph(catalog.tools)
    sampler = PathSampler(graph, seed=5, ops=("insert", "merge", "split"), min_turns=3, max_turns=4)
    out = []
    for slot in range(3 * n):
        path = sampler.path(slot)
        try:
            out.append(run_sync(translate_path(path, catalog=catalog, graph=graph, backend=OfflineBackend(), seed=slot)))
        except Exception:  # noqa: BLE001 - a dropped path is not what this test is about
            continue
        if len(out) == n:
            break
    assert len(out) == n
    return out


def test_record_line_is_the_plain_serialization():
    for rec in _records(8):
        plain = {**rec, "tools": [dict(t) for t in rec["tools"]]}
        assert type(rec["tools"]) is not list  # the kept-bytes list: the splice is taken
        line = record_line(rec)
        assert line == orjson.dumps(plain) + b"\n"
        back = orjson.loads(line)
        assert back["tools"] == plain["tools"] and back["id"] == content_id(back)
        assert rec["tools"].canonical == canonical_json(plain["tools"])


def test_record_line_of_a_plain_record():
    rec = {"id": "x", "tools": [{"name": "a"}], "messages": [{"role": "user", "content": "é"}]}
    assert record_line(rec) == orjson.dumps(rec) + b"\n"
