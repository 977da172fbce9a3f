"""Record verification: a hand-built valid record passes; each corruption is caught."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import magnet_graph.catalog as catalog_pkg
from magnet_graph.cli.verify import command, specs_from_ids
from magnet_graph.errors import OptionError, RecordError
from magnet_graph.execute import Environment, canonical_json, content_id
from magnet_graph.toolkit import Toolkit
from magnet_graph.types import Binding, Catalog, Tool, TrajectoryRecord
from magnet_graph.verify import CHECKS, _numbers_in, verify_file, verify_record

PRICE = 25.0


class Shop(Toolkit):
    """Orders with ids from a counter; cancelling an unknown order is an error output."""

    @classmethod
    def default_state(cls):
        return {"orders": [{"order_id": "ORD-1", "item": "mug", "qty": 1, "status": "open"}], "next": 2}

    def _get(self, order_id):
        return next((o for o in self.data["orders"] if o["order_id"] == order_id), None)

    def place_order(self, item: str, qty: int) -> dict:
        order_id = f"ORD-{self.data['next']}"
        self.data["next"] += 1
        self.data["orders"].append({"order_id": order_id, "item": item, "qty": qty, "status": "open"})
        return {"order_id": order_id, "total": PRICE * qty}

    def get_order(self, order_id: str) -> dict:
        order = self._get(order_id)
        return dict(order) if order else {"error": f"no order {order_id}"}

    def ship_order(self, order_id: str, speed: str = "standard", gift: bool = False) -> dict:
        order = self._get(order_id)
        if order is None:
            return {"error": f"no order {order_id}"}
        order["status"] = f"shipped ({speed})"
        return {"order_id": order_id, "status": order["status"]}

    def cancel_order(self, order_id: str) -> dict:
        order = self._get(order_id)
        if order is None:
            return {"error": f"no order {order_id}"}
        order["status"] = "cancelled"
        return {"order_id": order_id, "status": "cancelled"}


def _params(props, required):
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


ORDER_ID = {"order_id": {"type": "string"}}
TOOLS = (
    Tool(
        name="place_order",
        description="Order an item.",
        parameters=_params({"item": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}, ["item", "qty"]),
        toolkit="Shop",
        binding="place_order",
    ),
    Tool(name="get_order", description="Look up an order.", parameters=_params(ORDER_ID, ["order_id"]), toolkit="Shop", binding="get_order"),
    Tool(
        name="ship_order",
        description="Ship an order.",
        parameters=_params(
            {**ORDER_ID, "speed": {"type": "string", "enum": ["standard", "express"]}, "gift": {"type": "boolean", "default": False}},
            ["order_id"],
        ),
        toolkit="Shop",
        binding="ship_order",
    ),
    Tool(name="cancel_order", description="Cancel an order.", parameters=_params(ORDER_ID, ["order_id"]), toolkit="Shop", binding="cancel_order"),
    Tool(
        name="track_parcel",
        description="Where a parcel is.",
        parameters=_params(ORDER_ID, ["order_id"]),
        returns={
            "type": "object",
            "properties": {"order_id": {"type": "string"}, "carrier": {"enum": ["UPS", "DHL"]}, "eta": {"type": "string", "format": "date"}},
        },
        toolkit="Tracking",
    ),
)
ALL_TOOLS = [t.name for t in TOOLS]
CATALOG_ID = "py:test_verify:Shop"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(CATALOG_ID, TOOLS, {"Shop": Binding("Shop", Shop, default_state=Shop.default_state())})


def build_record(catalog: Catalog, spec: list[dict], *, seed: int = 7) -> dict:
    """A record built the way the translation loop builds one: execute the calls, write
    the messages, hash. ``spec`` turns: ``user``, ``batches`` (lists of (name, args)),
    ``reply`` and optionally ``kind``, ``tags``, ``tools``, ``missing``, ``funcs``."""
    toolkits = ["Shop", "Tracking"]
    env = Environment(catalog, toolkits, seed=seed)
    messages: list[dict] = [{"role": "system", "content": "You are the shop's assistant."}]
    turns, path, n = [], [], 0
    for index, t in enumerate(spec):
        start = len(messages)
        messages.append({"role": "user", "content": t["user"]})
        calls = []
        for batch in t.get("batches", []):
            tool_calls, results = [], []
            for name, args in batch:
                n += 1
                cid = f"call_{n}"
                out = env.execute(name, args)
                calls.append({"id": cid, "name": name, "arguments": args, "output": out.output, "simulated": out.simulated})
                tool_calls.append({"id": cid, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}})
                results.append({"role": "tool", "tool_call_id": cid, "name": name, "content": json.dumps(out.output)})
            messages.append({"role": "assistant", "content": None, "tool_calls": tool_calls})
            messages.extend(results)
        messages.append({"role": "assistant", "content": t["reply"]})
        kind = t.get("kind", "normal")
        tags = t.get("tags", ["walk"] if kind == "normal" else [kind])
        funcs = t.get("funcs", [c["name"] for c in calls])
        turns.append(
            {
                "index": index,
                "kind": kind,
                "tags": tags,
                "source": None,
                "tools": t.get("tools", ALL_TOOLS),
                "calls": calls,
                "missing": t.get("missing"),
                "messages": [start, len(messages)],
            }
        )
        path.append({"funcs": funcs, "tags": tags, "source": None})
    record = {
        "schema_version": 1,
        "id": "",
        "seed": seed,
        "slot": 0,
        "catalogs": [CATALOG_ID],
        "toolkits": toolkits,
        "initial_state": env.initial_state,
        "end_state": env.snapshot(),
        "tools": [
            {"name": t.name, "description": t.description, "parameters": t.parameters, "returns": t.returns, "toolkit": t.toolkit}
            for t in TOOLS
        ],
        "path": path,
        "turns": turns,
        "messages": messages,
        "provenance": {"backend": "offline", "model": None, "prompt_version": "p/1", "magnet_version": "0.1.0"},
        "verification": {"passed": True, "checks": list(CHECKS), "failures": []},
    }
    record["id"] = content_id(record)
    return json.loads(json.dumps(record))  # exactly what a JSONL reader sees


BASE = [
    {
        "user": "I'd like to order 2 desk lamps, and show me the order afterwards.",
        "batches": [[("place_order", {"item": "desk lamp", "qty": 2})], [("get_order", {"order_id": "ORD-2"})]],
        "reply": "Order ORD-2 for 2 desk lamps is placed; it costs 50.0.",
        "tags": ["walk", "insert_nested"],
    },
    {
        "user": "Please send that order out fast, and tell me where the parcel is.",
        "batches": [[("ship_order", {"order_id": "ORD-2", "speed": "express", "gift": False})], [("track_parcel", {"order_id": "ORD-2"})]],
        "reply": "ORD-2 is shipped express and is on its way.",
        "tags": ["merge"],
    },
    {
        "user": "Also cancel my older order ORD-1.",
        "reply": "Sorry, I have no way to cancel orders right now.",
        "kind": "miss_func",
        "tools": [n for n in ALL_TOOLS if n != "cancel_order"],
        "missing": {"function": "cancel_order"},
    },
    {
        "user": "Cancelling should work now, go ahead.",
        "batches": [[("cancel_order", {"order_id": "ORD-1"})]],
        "reply": "ORD-1 is cancelled.",
    },
]


def _variant(turn: int, **changes) -> list[dict]:
    spec = copy.deepcopy(BASE)
    spec[turn].update(changes)
    return spec


def _rehash(record: dict) -> dict:
    record["id"] = content_id(record)
    return record


def _codes(failures: list[str]) -> set[str]:
    return {f.split(":", 1)[0] for f in failures}


@pytest.fixture(scope="module")
def good(catalog) -> dict:
    return build_record(catalog, BASE)


def test_valid_record_passes(catalog, good):
    TrajectoryRecord.model_validate(good)  # the builder follows the record contract
    assert verify_record(good, catalog) == []
    assert good["turns"][1]["calls"][1]["simulated"] is True
    assert good["end_state"]["Shop"]["orders"][0]["status"] == "cancelled"


def test_changed_output_fails_replay(catalog, good):
    rec = copy.deepcopy(good)
    rec["turns"][0]["calls"][0]["output"]["total"] = 999.0
    rec["messages"][3]["content"] = json.dumps(rec["turns"][0]["calls"][0]["output"])
    failures = verify_record(_rehash(rec), catalog)
    assert failures == [
        "replay: turn 0 call place_order (call_1) output differs at /total: recorded "
        '{"order_id":"ORD-2","total":999.0}, replayed {"order_id":"ORD-2","total":50.0}'
    ]
    assert verify_record(rec, catalog, replay=False) == []


def test_changed_simulated_output_fails_replay(catalog, good):
    rec = copy.deepcopy(good)
    call = rec["turns"][1]["calls"][1]
    call["output"]["carrier"] = "UPS" if call["output"]["carrier"] == "DHL" else "DHL"
    idx = next(i for i, m in enumerate(rec["messages"]) if m.get("tool_call_id") == call["id"])
    rec["messages"][idx]["content"] = json.dumps(call["output"])
    failures = verify_record(_rehash(rec), catalog)
    assert len(failures) == 1 and failures[0].startswith("replay: turn 1 call track_parcel (call_4) output differs at /carrier")


def test_changed_end_state_fails_replay(catalog, good):
    rec = copy.deepcopy(good)
    rec["end_state"]["Shop"]["orders"][1]["qty"] = 3
    failures = verify_record(_rehash(rec), catalog)
    assert failures == ["replay: end_state of Shop differs from the replayed state at /orders/1/qty"]


def test_flipped_simulated_flag_fails_replay(catalog, good):
    rec = copy.deepcopy(good)
    rec["turns"][0]["calls"][0]["simulated"] = True
    failures = verify_record(_rehash(rec), catalog)
    assert failures == ["replay: turn 0 call place_order (call_1) is executable but recorded simulated=True"]


def test_missing_initial_state_entry_fails_replay(catalog, good):
    rec = copy.deepcopy(good)
    del rec["initial_state"]["Shop"]
    assert "replay: initial_state has no entry for executable toolkit Shop" in verify_record(_rehash(rec), catalog)


def test_ungrounded_argument(catalog):
    rec = build_record(catalog, _variant(0, user="I'd like to order some desk lamps, and show me the order afterwards."))
    assert verify_record(rec, catalog) == [
        "grounding: turn 0 call place_order argument qty=2 is not stated by the user nor in an earlier output"
    ]


def test_grounding_sources(catalog):
    # numbers written as "1,200"; a value from an output of the same turn (get_order uses ORD-2)
    # and from an earlier turn (ship/track use ORD-2); enum and boolean values need no source
    rec = build_record(catalog, _variant(0, user="I'd like to order 1,200 desk lamps, and show me the order afterwards.",
                                         batches=[[("place_order", {"item": "Desk Lamp", "qty": 1200})], [("get_order", {"order_id": "ORD-2"})]]))
    assert verify_record(rec, catalog) == []
    # the id of turn 3 is not in any output before it nor in the user text: caught
    rec = build_record(catalog, _variant(2, user="Also cancel my older order."))
    assert verify_record(rec, catalog) == [
        'grounding: turn 3 call cancel_order argument order_id="ORD-1" is not stated by the user nor in an earlier output'
    ]


def test_a_later_output_does_not_ground_an_earlier_call(catalog):
    spec = _variant(0, batches=[[("get_order", {"order_id": "ORD-2"})], [("place_order", {"item": "desk lamp", "qty": 2})]])
    rec = build_record(catalog, spec)
    failures = verify_record(rec, catalog)
    assert 'grounding: turn 0 call get_order argument order_id="ORD-2" is not stated by the user nor in an earlier output' in failures
    assert "execution: turn 0 call get_order (call_1) returned an error: \"no order ORD-2\"" in failures


def test_numbers_in_text():
    assert _numbers_in("Send $45.50 to 3 people, 1,200 km, -4 degrees, 0.5 kg") == [45.5, 3.0, 1200.0, -4.0, 0.5]
    assert _numbers_in("flight UA123 and v2") == []


def test_tool_name_in_request(catalog):
    rec = build_record(catalog, _variant(1, user="Please run ship_order on that order, and tell me where the parcel is."))
    assert verify_record(rec, catalog) == ["requests: user message 7 names the tool ship_order"]
    # a plain English word that is also part of a name is fine
    rec = build_record(catalog, _variant(1, user="Please ship that order express, and tell me where the parcel is."))
    assert verify_record(rec, catalog) == []


def test_tool_name_of_the_catalog_but_not_offered(catalog):
    """Only the record's own tools count: naming a catalog tool the record does not offer is
    not a failure (the quick test over the whole catalog must not decide alone)."""
    extra = Tool(name="refund_order", toolkit="Shop", description="Refund an order.",
                 parameters={"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]})
    wider = Catalog(CATALOG_ID, (*TOOLS, extra), catalog.bindings)
    quiet = build_record(catalog, _variant(1, user="Please ship that order express, and tell me where the parcel is."))
    assert verify_record(quiet, wider) == []
    said = build_record(catalog, _variant(1, user="Please ship that order express (no refund_order), and tell me where the parcel is."))
    assert verify_record(said, wider) == []  # refund_order is not among the record's tools
    named = build_record(catalog, _variant(1, user="Please run ship_order on that order, and tell me where the parcel is."))
    assert verify_record(named, wider) == ["requests: user message 7 names the tool ship_order"]


def test_repeated_request(catalog):
    rec = build_record(catalog, _variant(3, user=BASE[2]["user"]))
    assert verify_record(rec, catalog) == ["requests: user message 15 repeats message 13 exactly"]


def test_missing_tool_message(catalog, good):
    rec = copy.deepcopy(good)
    del rec["messages"][3]  # the tool result of call_1
    for turn in rec["turns"]:
        turn["messages"] = [i - (i > 3) for i in turn["messages"]]
    assert verify_record(_rehash(rec), catalog, replay=False) == ["calls: turn 0 tool_call call_1 is not answered by a tool message"]


def test_tool_message_answering_twice_or_unknown_id(catalog, good):
    rec = copy.deepcopy(good)
    rec["messages"].insert(4, copy.deepcopy(rec["messages"][3]))
    for turn in rec["turns"]:
        turn["messages"] = [i + (i > 3) for i in turn["messages"]]
    assert "calls: tool_call call_1 is answered more than once (message 4)" in verify_record(_rehash(rec), catalog)
    rec = copy.deepcopy(good)
    rec["messages"][3]["tool_call_id"] = "call_99"
    failures = verify_record(_rehash(rec), catalog)
    assert "calls: message 3 answers tool_call 'call_99', which the assistant message before it did not issue" in failures
    assert "calls: turn 0 tool_call call_1 is not answered by a tool message" in failures


def test_invented_call(catalog):
    rec = build_record(catalog, _variant(0, funcs=["place_order"]))
    assert verify_record(rec, catalog) == ["calls: turn 0 calls get_order, which its path turn does not have (invented)"]


def test_left_out_call(catalog):
    rec = build_record(catalog, _variant(0, funcs=["place_order", "get_order", "cancel_order"]))
    assert verify_record(rec, catalog) == ["calls: turn 0 calls cancel_order 0 time(s); its path turn has it 1 time(s)"]


def test_wrong_record_id(catalog, good):
    rec = copy.deepcopy(good)
    rec["id"] = "0" * 24
    assert verify_record(rec, catalog) == [f"id: record id '{'0' * 24}' is not its content hash '{good['id']}'"]
    rec = copy.deepcopy(good)
    rec["seed"] = 8  # any content change changes the hash
    assert any(f.startswith("id: ") for f in verify_record(rec, catalog, replay=False))


def test_wrong_tool_call_id(catalog, good):
    rec = copy.deepcopy(good)
    rec["messages"][2]["tool_calls"][0]["id"] = "call_X"
    failures = verify_record(_rehash(rec), catalog)
    assert "messages: turn 0 tool_call call_X (place_order) does not match recorded call call_1 (place_order)" in failures
    assert _codes(failures) == {"messages", "calls"}


def test_bad_json_arguments(catalog, good):
    rec = copy.deepcopy(good)
    rec["messages"][2]["tool_calls"][0]["function"]["arguments"] = '{"item": "desk lamp", "qty": 2'
    failures = verify_record(_rehash(rec), catalog)
    assert len(failures) == 1
    assert failures[0].startswith("messages: message 2 tool_call call_1 (place_order) arguments are not valid JSON")


def test_message_arguments_differ_from_turn_calls(catalog, good):
    rec = copy.deepcopy(good)
    rec["messages"][2]["tool_calls"][0]["function"]["arguments"] = json.dumps({"item": "desk lamp", "qty": 2.5})
    assert verify_record(_rehash(rec), catalog) == [
        "messages: turn 0 tool_call call_1 (place_order) arguments differ from the recorded call's"
    ]


def test_schema_invalid_argument(catalog):
    rec = build_record(catalog, _variant(0, user="I'd like to order 0 desk lamps, and show me the order afterwards.",
                                         batches=[[("place_order", {"item": "desk lamp", "qty": 0})], [("get_order", {"order_id": "ORD-2"})]]))
    assert verify_record(rec, catalog) == ["schema: turn 0 call place_order (call_1) argument /qty: 0 is less than the minimum of 1"]


def test_error_output_fails_execution(catalog):
    spec = _variant(2, user="Also cancel my older order ORD-9.")
    spec[3]["batches"] = [[("cancel_order", {"order_id": "ORD-9"})]]
    rec = build_record(catalog, spec)
    assert verify_record(rec, catalog) == ['execution: turn 3 call cancel_order (call_5) returned an error: "no order ORD-9"']


def test_miss_func_turn_offering_the_withheld_tool(catalog):
    rec = build_record(catalog, _variant(2, tools=ALL_TOOLS))
    assert verify_record(rec, catalog) == ["tools: miss_func turn 2 offers cancel_order, the function it withholds"]


def test_miss_turn_rules(catalog):
    spec = copy.deepcopy(BASE)
    spec[3]["batches"] = []
    spec[3]["funcs"] = ["cancel_order"]
    failures = verify_record(build_record(catalog, spec), catalog)
    assert "calls: turn 3 follows miss_func turn 2 but makes no call" in failures
    spec = _variant(2, batches=[[("get_order", {"order_id": "ORD-1"})]])
    failures = verify_record(build_record(catalog, spec), catalog)
    assert "calls: miss_func turn 2 has 1 call(s); a miss turn makes none" in failures
    spec = _variant(3, tools=[n for n in ALL_TOOLS if n != "cancel_order"])
    failures = verify_record(build_record(catalog, spec), catalog)
    assert sorted(failures) == [
        "tools: turn 3 calls cancel_order, which is not offered in that turn",
        "tools: turn 3 does not offer cancel_order after miss_func turn 2",
    ]


def test_slices_must_tile_messages(catalog, good):
    rec = copy.deepcopy(good)
    rec["turns"][1]["messages"][0] += 1
    failures = verify_record(_rehash(rec), catalog, replay=False)
    assert failures == ["messages: turn 1 covers messages [8, 13) but should start at 7 and end after it, within the 19 messages"]


def test_role_order(catalog, good):
    rec = copy.deepcopy(good)
    last = rec["messages"].pop()  # the final assistant text of the last turn
    rec["messages"].append({"role": "user", "content": "thanks"})
    rec["messages"].append(last)
    rec["turns"][3]["messages"][1] += 1
    failures = verify_record(_rehash(rec), catalog, replay=False)
    assert failures == ["messages: message 18 has role 'user' inside turn 3"]


def test_malformed_record_is_reported_not_raised(catalog, good):
    assert verify_record([], catalog) == ["record: expected a JSON object, got list"]
    rec = copy.deepcopy(good)
    del rec["turns"]
    assert verify_record(rec, catalog) == ["record: missing field turns"]
    rec = copy.deepcopy(good)
    rec["turns"][0]["calls"][0]["arguments"] = "qty=2"
    assert verify_record(rec, catalog) == ["record: turns[0].calls[0] must have a string id and name and an arguments object"]


# ----------------------------------------------------------------------------------------
# Files and the CLI
# ----------------------------------------------------------------------------------------


@pytest.fixture
def fake_loader(monkeypatch, catalog):
    """Replace ``load_catalogs`` (written in parallel elsewhere) by one serving the test catalog."""
    seen: list[list[str]] = []

    def load_catalogs(specs, *, impl=None, state=None):
        seen.append(list(specs))
        return catalog

    monkeypatch.setattr(catalog_pkg, "load_catalogs", load_catalogs, raising=False)
    return seen


def _write(path, records, tail: bytes = b""):
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records) + tail)
    return path


def test_verify_file_counts_and_torn_line(tmp_path, catalog, good):
    bad = copy.deepcopy(good)
    bad["end_state"]["Shop"]["next"] = 40
    bad = _rehash(bad)
    file = _write(tmp_path / "d.jsonl", [good, bad, good], tail=json.dumps(good).encode()[:50])
    calls = []
    report = verify_file(file, catalog_resolver=lambda ids: calls.append(ids) or catalog)
    assert calls == [(CATALOG_ID,)]  # resolved once per distinct ids
    assert (report.records, report.passed, report.failed) == (4, 2, 2)
    assert [f.line for f in report.failures] == [2, 4]
    assert report.failures[0].id == bad["id"]
    assert "no newline" in report.failures[1].failures[0]
    assert report.counts == {"replay": 1, "json": 1}


def test_verify_file_resolver_error_names_line(tmp_path, good):
    file = _write(tmp_path / "d.jsonl", [good])

    def resolver(ids):
        raise OptionError("cannot find it")

    with pytest.raises(RecordError, match=r"d\.jsonl: line 1: cannot load catalog .*cannot find it"):
        verify_file(file, catalog_resolver=resolver)


def test_cli_good_and_bad_record(tmp_path, fake_loader, good):
    bad = _rehash({**copy.deepcopy(good), "seed": 99})
    file = _write(tmp_path / "d.jsonl", [good, bad])
    result = CliRunner().invoke(command, [str(file)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"line 2 (id {bad['id']}): ")
    assert "replay: turn 1 call track_parcel" in lines[0]  # simulated outputs depend on the seed
    assert f"{file}: 2 record(s), 1 passed, 1 failed" in result.output
    assert fake_loader == [["test_verify:Shop"]]  # py:module:Class -> module:Class


def test_cli_all_pass_and_no_replay(tmp_path, fake_loader, good):
    changed = copy.deepcopy(good)
    changed["end_state"]["Shop"]["next"] = 40
    file = _write(tmp_path / "d.jsonl", [good, _rehash(changed)])
    assert CliRunner().invoke(command, [str(file)]).exit_code == 1
    result = CliRunner().invoke(command, [str(file), "--no-replay"])
    assert result.exit_code == 0, result.output
    assert "2 record(s), 2 passed, 0 failed" in result.output


def test_cli_torn_last_line_and_max_errors(tmp_path, fake_loader, good):
    bad = _rehash({**copy.deepcopy(good), "seed": 99})
    file = _write(tmp_path / "d.jsonl", [bad, bad, good], tail=b'{"schema_version": 1, "id": "ab')
    result = CliRunner().invoke(command, [str(file), "--max-errors", "1"])
    assert result.exit_code == 1
    assert result.output.startswith("line 1 (id ")
    assert "... and 2 more failing record(s) not shown" in result.output
    assert "4 record(s), 1 passed, 3 failed" in result.output
    assert "  replay  2\n  json    1\n" in result.output  # by count, then name
    result = CliRunner().invoke(command, [str(file)])
    assert "line 4 (id -): json: line 4 is not valid JSON" in result.output


def test_cli_catalog_option_and_file_ids(tmp_path, fake_loader, good):
    rec = _rehash({**copy.deepcopy(good), "catalogs": ["file:tools@0123abcd"]})
    file = _write(tmp_path / "d.jsonl", [rec])
    result = CliRunner().invoke(command, [str(file)])
    assert result.exit_code == 2
    assert "pass the file with --catalog FILE" in result.output
    result = CliRunner().invoke(command, [str(file), "--catalog", "tools.json"])
    assert result.exit_code == 0, result.output
    assert fake_loader == [["tools.json"]]


def test_specs_from_ids():
    assert specs_from_ids(["ep:travel", "py:pkg.mod:Cls"]) == ["travel", "pkg.mod:Cls"]
    assert specs_from_ids(["ep:files+ep:maps", "builtin"]) == ["files", "maps", "builtin"]
    with pytest.raises(OptionError, match="not an ep:, py: or file: id"):
        specs_from_ids(["travel"])


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 30), st.text(max_size=5),
    st.just([]), st.just({}), st.just([1, "a"]), st.just({"role": "user"}),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_corruption_is_reported_never_raised(catalog, good, data):
    paths = [p for p in _paths(good) if p and p[0] not in ("id", "provenance")]
    where = data.draw(st.sampled_from(paths))
    junk = data.draw(JUNK)
    rec = copy.deepcopy(good)
    node = rec
    for key in where[:-1]:
        node = node[key]
    if canonical_json(node[where[-1]]) == canonical_json(junk):
        return
    node[where[-1]] = copy.deepcopy(junk)
    failures = verify_record(rec, catalog)
    assert failures and all(isinstance(f, str) for f in failures)  # at least the id no longer matches
    rehashed = verify_record(_rehash(rec), catalog)  # and with a fresh id: still no exception
    assert all(isinstance(f, str) and ": " in f for f in rehashed)


def test_grounding_needs_whole_words_not_substrings():
    from magnet_graph.verify import _said

    text = "please pay acc-6812 from a bank account for 2 desk lamps, and read 'x'."
    assert _said("acc-6812", text) and _said("desk lamp", text) and _said("x", text)
    assert not _said("acc-68", text)  # part of a longer id
    assert not _said("bank acc", text)  # part of a word
    assert not _said("b", text)  # a single letter counts only when quoted
