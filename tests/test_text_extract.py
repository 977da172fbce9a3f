"""Stage 2 of `magnet extract`: steps, execution graph, tools as JSON Schemas, rules."""

from __future__ import annotations

import random

import pytest
from jsonschema import Draft202012Validator

from magnet_graph.execute import Environment
from magnet_graph.text import extract_workflow, score_segment, segment_text
from magnet_graph.text.extract import ExtractError
from magnet_graph.text.inputs import SourceText
from magnet_graph.text.toolkit import initial_state, workflow_catalog

EMAIL = """How to change your email address in the Lumo app
1. Open the Lumo app and sign in.
2. Tap the Settings tab.
3. Select Account.
4. Enter your new email address and tap Save.
5. If you have two-factor authentication turned on, enter the code sent to your phone.
You must be signed in to change your email. You can change your email address up to 3 times per month."""

TRANSFER = """Sending money with the Crestline Bank app
1. Log in to the Crestline app.
2. Tap Transfers.
3. Choose the account to send from.
4. Enter the recipient's account number and the amount.
5. Tap Review, then tap Send.
You can transfer up to 2500 dollars per day."""

HOTEL = """Cancelling a hotel reservation on StayFinder
First, sign in to StayFinder. Then open My Trips and find the reservation you want to cancel.
Click Cancel Reservation and confirm. You cannot cancel a reservation after check-in."""

WASHER = """Running a quick wash on the AquaPro washer
1. Load the laundry into the drum.
2. Add detergent to the dispenser.
3. Turn the dial to Quick Wash.
4. Select the temperature: 30, 40 or 60 degrees.
5. Press Start."""

RIDE = """Booking a ride with Zoomr
1. Open Zoomr and sign in.
2. Enter your pickup address.
3. Choose a ride type: Standard, XL or Comfort.
4. Meanwhile, you can add a note for the driver.
5. Tap Confirm Ride."""


def _wf(text: str, **kw):
    seg = segment_text(SourceText("t", "t", text))[0]
    return extract_workflow(seg, score_segment(seg), **kw)


def _tool(wf, op, entity=None):
    return next(t for t in wf.tools if t.op == op and (entity is None or t.entity == entity))


@pytest.mark.parametrize("text", [EMAIL, TRANSFER, HOTEL, WASHER, RIDE])
def test_tools_are_valid_json_schemas_with_typed_parameters(text):
    wf = _wf(text)
    assert len(wf.steps) >= 3
    for t in wf.tools:
        Draft202012Validator.check_schema(t.parameters)
        Draft202012Validator.check_schema(t.returns)
        assert t.parameters["type"] == "object"
        assert all(p.get("type") and p.get("description") for p in t.parameters["properties"].values())
        assert set(t.required) <= set(t.parameters["properties"])
        assert t.description and t.name.isidentifier()


def test_steps_tools_and_paired_read_write():
    wf = _wf(EMAIL)
    assert [s.index for s in wf.steps] == [0, 1, 2, 3, 4]
    names = {t.name for t in wf.tools}
    assert {"sign_in", "get_account", "update_account"} <= names  # paired read/write over the account
    upd = wf.tool("update_account")
    assert upd.parameters["properties"]["email_address"]["format"] == "email"
    assert "update_account" in wf.steps[3].tools
    assert wf.signature().startswith("(sign_in)->")


def test_every_written_entity_has_a_read_tool():
    for text in (EMAIL, TRANSFER, HOTEL, WASHER, RIDE):
        wf = _wf(text)
        for t in wf.tools:
            if t.op in ("create", "update", "delete", "submit", "action"):
                assert any(r.op == "get" and r.entity == t.entity for r in wf.tools), (t.name, text[:30])


def test_collections_get_ids_and_a_way_to_find_them():
    wf = _wf(HOTEL)
    cancel = wf.tool("cancel_reservation")
    assert cancel.op == "delete" and cancel.required == ("reservation_id",)
    lister = next(t for t in wf.tools if t.entity == "reservation" and t.op in ("list", "search"))
    item = lister.returns["properties"][next(iter(lister.returns["properties"]))]["items"]
    assert "reservation_id" in item["properties"]  # the list output feeds the id parameter (a graph edge)


def test_rules_are_found_and_attached():
    wf = _wf(EMAIL)
    kinds = {r.kind for r in wf.rules}
    assert {"precondition", "limit", "conditional"} <= kinds
    signed = next(r for r in wf.rules if r.requires == "sign_in")
    assert signed.enforced and "update_account" in signed.tools
    limit = next(r for r in wf.rules if r.kind == "limit")
    assert (limit.bound, limit.direction, limit.scope) == (3.0, "max", "count") and limit.tools == ("update_account",)
    assert "up to 3 times" in wf.tool("update_account").description


def test_value_limit_and_prohibition():
    wf = _wf(TRANSFER)
    send = next(t for t in wf.tools if t.verb == "send")
    assert send.op == "create" and {"account", "recipient_account_number", "amount"} <= set(send.required)
    limit = next(r for r in wf.rules if r.kind == "limit")
    assert (limit.scope, limit.param, limit.bound, limit.enforced) == ("value", "amount", 2500.0, True)
    hotel = _wf(HOTEL)
    ban = next(r for r in hotel.rules if r.kind == "prohibition")
    assert "cancel_reservation" in ban.tools and not ban.enforced


def test_machine_actions_take_the_chosen_settings_and_keep_their_order():
    wf = _wf(WASHER)
    start = next(t for t in wf.tools if t.verb == "start")
    assert start.op == "action"
    props = start.parameters["properties"]
    assert props["temperature"]["enum"] == [30, 40, 60] and props["program"]["enum"] == ["Quick Wash"]
    order = [r for r in wf.rules if r.kind == "precondition" and r.enforced]
    assert [(r.requires, r.tools[0]) for r in order] == [("load_laundry", "add_detergent"),
                                                          ("add_detergent", start.name)]


def test_parallel_steps_share_their_predecessor():
    wf = _wf(RIDE)
    par = next(s for s in wf.steps if s.parallel)
    before = par.index - 1
    preds_par = {a for a, b in wf.edges if b == par.index}
    preds_prev = {a for a, b in wf.edges if b == before}
    assert preds_par == preds_prev  # "meanwhile": beside the step before it, not after it
    assert {(before, par.index + 1), (par.index, par.index + 1)} <= set(wf.edges)


def test_names_stay_unique_across_workflows():
    taken_tools, taken_tasks = set(), set()
    a = _wf(EMAIL, taken_tools=taken_tools, taken_tasks=taken_tasks)
    b = _wf(EMAIL.replace("Lumo", "Orbi"), taken_tools=taken_tools, taken_tasks=taken_tasks)
    assert a.task != b.task
    assert not {t.name for t in a.tools} & {t.name for t in b.tools}
    assert any(t.name.endswith("_orbi") for t in b.tools)
    rule = next(r for r in b.rules if r.requires)
    assert rule.requires in {t.name for t in b.tools}


def test_texts_without_a_procedure_are_dropped_with_a_reason():
    with pytest.raises(ExtractError) as err:
        _wf("Email is older than the internet. It began in 1971.")
    assert err.value.reason == "no_steps"
    with pytest.raises(ExtractError) as err:
        _wf("Dark mode\n1. Open the Apple menu.\n2. Click Appearance.\n3. Select Dark.")
    assert err.value.reason == "no_write"


def test_the_database_is_consistent_and_rules_answer_with_short_errors():
    wf = _wf(TRANSFER)
    catalog = workflow_catalog(wf, catalog_id="test")
    state = initial_state(wf, random.Random(3))
    env = Environment(catalog, [wf.task], seed=1, initial_state={wf.task: state})
    send = next(t for t in wf.tools if t.verb == "send")
    signer = next(t for t in wf.tools if t.op == "sign_in")
    args = {"account": "ACC-1", "recipient_account_number": "ACC-2", "amount": 100.0}
    assert env.execute(send.name, args).error == "not signed in: sign in first"
    creds = state["account"]
    assert env.execute(signer.name, {"username": creds["username"], "password": "wrong"}).error
    assert env.execute(signer.name, creds).error is None
    over = env.execute(send.name, args | {"amount": 3000.0})
    assert "over the limit of 2500" in over.error and len(over.error) < 120
    made = env.execute(send.name, args).output
    getter = next(t for t in wf.tools if t.op == "get" and t.entity == send.entity)
    read = env.execute(getter.name, {f"{send.entity}_id": made[f"{send.entity}_id"]}).output
    assert read["amount"] == 100.0 and read["status"] == "sent"  # the write is visible to later reads
