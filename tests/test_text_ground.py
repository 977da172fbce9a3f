"""Stages 3-4 of `magnet extract`: grounded conversations over the extracted tools, and refinement."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from magnet_graph.execute import content_id
from magnet_graph.text import (
    detect_patterns,
    extract_workflow,
    ground_workflow,
    read_texts,
    score_segment,
    segment_text,
    validate_record,
)
from magnet_graph.text.convo import PATTERNS
from magnet_graph.text.pipeline import _catalog_id, conversation_stats, finish_record, with_companions
from magnet_graph.text.toolkit import workflow_catalog
from magnet_graph.types import TrajectoryRecord

CORPUS = Path(__file__).parent / "corpus" / "procedural.jsonl"
IDS = ("p-app-email-change", "p-bank-transfer", "p-travel-hotel-cancel", "p-appl-washer", "p-web-forum-post",
       "p-mail-vacation", "p-app-playlist", "p-bank-card-lock")


@pytest.fixture(scope="module")
def workflows():
    texts, _ = read_texts([CORPUS])
    by_id = {t.id: t for t in texts}
    taken, tasks = set(), set()
    out = {}
    for tid in IDS:
        seg = segment_text(by_id[tid])[0]
        wf = with_companions(extract_workflow(seg, score_segment(seg), taken_tools=taken, taken_tasks=tasks), taken)
        out[tid] = (wf, workflow_catalog(wf, catalog_id=_catalog_id(wf)))
    return out


@pytest.mark.parametrize("tid", IDS)
@pytest.mark.parametrize("refined", [False, True])
def test_conversations_pass_validation_with_three_patterns(workflows, tid, refined):
    wf, catalog = workflows[tid]
    for seed in (1, 2):
        record = ground_workflow(wf, catalog, seed=seed, slot=0, refined=refined)
        assert validate_record(record, catalog) == []
        assert len(detect_patterns(record)) >= 3
        final = finish_record(record, [])
        TrajectoryRecord.model_validate(final)
        assert final["id"] == content_id(final) and list(final)[:2] == ["schema_version", "id"]


def test_each_pattern_occurs_and_is_real(workflows):
    seen = set()
    for wf, catalog in workflows.values():
        for seed in range(3):
            record = ground_workflow(wf, catalog, seed=seed, slot=0, refined=False)
            found = detect_patterns(record)
            seen.update(found)
            if "clarification" in found:
                miss = next(t for t in record["turns"] if t["kind"] == "miss_param")
                assert not miss["calls"] and miss["missing"]["function"] in record["path"][miss["index"] + 1]["funcs"]
            if "error_recovery" in found:
                turn = next(t for t in record["turns"] if "error_recovery" in t["tags"])
                outputs = [c["output"] for c in turn["calls"]]
                assert "error" in outputs[0] or any("error" in o for o in outputs)
                assert "error" not in outputs[-1]
    assert seen == set(PATTERNS)


def test_writes_are_seen_by_later_reads(workflows):
    wf, catalog = workflows["p-bank-transfer"]
    record = ground_workflow(wf, catalog, seed=5, slot=0, refined=False)
    calls = [c for t in record["turns"] for c in t["calls"] if "error" not in c["output"]]
    created = next(c for c in calls if c["name"].startswith("send_"))
    reads = [c for c in calls if c["name"].startswith("get_") and c["arguments"].get("transfer_id")
             == created["output"]["transfer_id"]]
    assert reads and all(r["output"]["amount"] == created["arguments"]["amount"] for r in reads)
    assert created["output"]["transfer_id"] in record["end_state"][wf.task]["tables"]["transfer"]


def test_refinement_raises_messages_tools_and_calls(workflows):
    before, after = [], []
    for wf, catalog in workflows.values():
        for seed in (1, 2, 3):
            before.append(conversation_stats(ground_workflow(wf, catalog, seed=seed, slot=0, refined=False)))
            after.append(conversation_stats(ground_workflow(wf, catalog, seed=seed, slot=0, refined=True)))
    for k in range(3):  # messages, tools, calls
        assert sum(a[k] for a in after) > sum(b[k] for b in before) * 1.3, k
    assert all(a[1] > b[1] for a, b in zip(after, before))  # distractor tools are always offered


def test_refined_conversations_have_schema_pitfalls_and_one_call_per_message(workflows):
    wf, catalog = workflows["p-travel-hotel-cancel"]
    record = ground_workflow(wf, catalog, seed=4, slot=0, refined=True)
    system = record["messages"][0]["content"]
    assert "Database schema:" in system and "reservation (table, key reservation_id)" in system
    assert "Pitfalls:" in system
    assert all(len(m["tool_calls"]) == 1 for m in record["messages"] if m.get("tool_calls"))
    tags = {tag for t in record["turns"] for tag in t["tags"]}
    assert {"distractor", "multi_constraint"} <= tags
    rows = record["initial_state"][wf.task]["tables"]["reservation"]
    assert any(r["name"].endswith("(old)") for r in rows.values())  # the near-duplicate pitfall


def test_same_seed_same_record(workflows):
    wf, catalog = workflows["p-app-playlist"]
    a = ground_workflow(wf, catalog, seed=9, slot=3, refined=True)
    b = ground_workflow(wf, catalog, seed=9, slot=3, refined=True)
    c = ground_workflow(wf, catalog, seed=10, slot=3, refined=True)
    assert orjson.dumps(a) == orjson.dumps(b)
    assert orjson.dumps(a) != orjson.dumps(c)


def test_assistant_never_invents_ids(workflows):
    wf, catalog = workflows["p-travel-hotel-cancel"]
    for seed in range(4):
        record = ground_workflow(wf, catalog, seed=seed, slot=0, refined=True)
        users = " ".join(m["content"] for m in record["messages"] if m["role"] == "user")
        seen: set[str] = set()
        for t in record["turns"]:
            for c in t["calls"]:
                rid = c["arguments"].get("reservation_id")
                if rid is not None:
                    assert rid in seen or rid in users
                seen.update(str(v) for item in _walk(c["output"]) for v in [item])


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value
