"""Stage 5 of `magnet extract`: each hallucination check catches a corrupted conversation."""

from __future__ import annotations

import copy

import orjson
import pytest

from magnet_graph.text import check_r1, check_r2, check_r3, extract_workflow, ground_workflow, validate_record
from magnet_graph.text import score_segment, segment_text
from magnet_graph.text.inputs import SourceText
from magnet_graph.text.pipeline import _catalog_id, with_companions
from magnet_graph.text.toolkit import workflow_catalog

TRANSFER = """Sending money with the Crestline Bank app
1. Log in to the Crestline app.
2. Tap Transfers.
3. Choose the account to send from.
4. Enter the recipient's account number and the amount.
5. Tap Review, then tap Send.
You can transfer up to 2500 dollars per day."""


@pytest.fixture(scope="module")
def setup():
    seg = segment_text(SourceText("t", "t", TRANSFER))[0]
    wf = with_companions(extract_workflow(seg, score_segment(seg)), set())
    catalog = workflow_catalog(wf, catalog_id=_catalog_id(wf))
    record = ground_workflow(wf, catalog, seed=11, slot=0, refined=False)
    assert validate_record(record, catalog) == []
    return wf, catalog, record


def _send(record):
    """(turn, call, assistant message) of the successful send call."""
    for turn in record["turns"]:
        for c in turn["calls"]:
            if c["name"].startswith("send_") and "error" not in c["output"]:
                start, end = turn["messages"]
                for i in range(start, end):
                    m = record["messages"][i]
                    for tc in m.get("tool_calls") or ():
                        if tc["id"] == c["id"]:
                            return turn, c, tc
    raise AssertionError("no send call")


def test_clean_record_passes_every_check(setup):
    wf, catalog, record = setup
    assert check_r1(record, catalog) == check_r2(record, catalog) == check_r3(record, catalog) == []


def test_r1_catches_an_invented_argument(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    turn, call, tc = _send(bad)
    call["arguments"]["recipient_account_number"] = "ACC-99999"
    tc["function"]["arguments"] = orjson.dumps(call["arguments"]).decode()
    found = check_r1(bad, catalog)
    assert found and "recipient_account_number='ACC-99999'" in found[0]
    assert any(f.startswith("R1:") for f in validate_record(bad, catalog, replay=False))


def test_r1_accepts_values_from_earlier_outputs_but_not_substrings(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    turn, call, tc = _send(bad)
    call["arguments"]["account"] = call["arguments"]["account"][:-1]  # a prefix of a stated value
    assert check_r1(bad, catalog)


def test_r2_catches_a_claim_without_a_call(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    decline = next(t for t in bad["turns"] if "limitation" in t["tags"])
    last = bad["messages"][decline["messages"][1] - 1]
    last["content"] += " I've also cancelled your last transfer."
    found = check_r2(bad, catalog)
    assert found and "cancelled" in found[0]


def test_r2_catches_an_offer_no_tool_supports(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    turn = bad["turns"][-1]
    bad["messages"][turn["messages"][1] - 1]["content"] += " I can fax you a receipt tomorrow."
    assert any("offers to fax" in f for f in check_r2(bad, catalog))


def test_r3_catches_a_contradicted_value(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    turn, call, tc = _send(bad)
    end = bad["messages"][turn["messages"][1] - 1]
    amount = call["output"]["amount"]
    assert f"the amount is {amount}" in end["content"]
    end["content"] = end["content"].replace(f"the amount is {amount}", "the amount is 1999.99")
    found = check_r3(bad, catalog)
    assert found and "amount" in found[0]


def test_r3_catches_a_wrong_status(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    turn, call, tc = _send(bad)
    end = bad["messages"][turn["messages"][1] - 1]
    rid = call["output"]["transfer_id"]
    end["content"] = end["content"].replace(f"{rid} is sent", f"{rid} is pending")
    assert any(rid in f for f in check_r3(bad, catalog))


def test_structural_failures_are_reported(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    turn, call, tc = _send(bad)
    tc["function"]["arguments"] = orjson.dumps(call["arguments"] | {"amount": "lots"}).decode()
    call["arguments"]["amount"] = "lots"
    reasons = validate_record(bad, catalog)
    assert any(r.startswith("schema:") for r in reasons)
    dropped = copy.deepcopy(record)
    dropped["messages"] = [m for m in dropped["messages"] if m["role"] != "tool"]
    assert validate_record(dropped, catalog)


def test_an_unrecovered_error_still_fails(setup):
    wf, catalog, record = setup
    bad = copy.deepcopy(record)
    turn, call, tc = _send(bad)
    assert turn["calls"][-1] is call  # nothing after it in the turn could recover from an error
    call["output"] = {"error": "bank is closed"}
    answer = next(m for m in bad["messages"] if m.get("tool_call_id") == call["id"])
    answer["content"] = orjson.dumps(call["output"]).decode()
    reasons = validate_record(bad, catalog)
    assert any(r.startswith("execution:") and call["id"] in r for r in reasons)


def test_pattern_threshold(setup):
    from magnet_graph.text import detect_patterns

    wf, catalog, record = setup
    n = len(detect_patterns(record))
    assert n >= 3
    assert not any(r.startswith("patterns:") for r in validate_record(record, catalog, min_patterns=n))
    assert any(r.startswith("patterns:") for r in validate_record(record, catalog, min_patterns=n + 1))
