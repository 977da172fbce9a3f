"""One world per conversation, read back from the records of an offline `magnet sample` run:
the initial states of every toolkit of a record agree on today's date and on the user."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.cli import cli


def _facts(kit: str, state: dict) -> dict[str, str]:
    """What the initial state of a built-in toolkit says about the date and the user."""
    if kit == "Calendar":
        return {"today": state["today"], "email": state["owner_email"]}
    if kit == "Messaging":
        owner = state["owner"]
        return {"today": state["now"][:10], "name": owner["name"], "email": owner["email"], "phone": owner["phone"]}
    if kit == "Banking":
        return {"today": state["today"], "name": state["holder"]}
    if kit == "Shop":
        home = state["customer"]["addresses"][0]
        return {"today": state["today"], "name": state["customer"]["name"], "street": home.split(", ")[0]}
    if kit == "Travel":
        return {"today": state["today"], "name": state["travelers"][0], "city": state["home_city"]}
    if kit == "Maps":
        home = state["saved_places"]["home"]["address"]
        return {"today": state["today"], "city": state["home_city"], "street": home.split(", ")[0]}
    if kit == "FileSystem":
        return {"login": state["home"].rsplit("/", 1)[-1]}
    return {}  # SmartHome: no date, no user


def _with_login(facts: dict[str, str]) -> dict[str, str]:
    if "name" in facts:
        facts = {**facts, "login": facts["name"].split()[0].lower()}
    return facts


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    out = tmp_path_factory.mktemp("world") / "data.jsonl"
    args = ["sample", "--ops", "insert,merge,split", "-n", "150", "-o", str(out), "--seed", "17", "-q",
            "--min-turns", "5", "--max-turns", "5"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    verified = CliRunner().invoke(cli, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output
    return [orjson.loads(line) for line in out.read_bytes().splitlines()]


def test_every_multi_toolkit_record_has_one_date_and_one_user(records):
    compared = Counter()
    for rec in records:
        states = rec["initial_state"]
        if len(states) < 2:
            continue
        seen: dict[str, tuple[str, str]] = {}  # fact -> (value, toolkit that said it)
        for kit, state in states.items():
            for fact, value in _with_login(_facts(kit, state)).items():
                if fact in seen:
                    assert value == seen[fact][0], (rec["id"], fact, seen[fact], (value, kit))
                    compared[fact] += 1
                else:
                    seen[fact] = (value, kit)
    # the check ran on many records and on every kind of fact
    assert compared["today"] >= 20 and compared["name"] >= 5 and compared["login"] >= 5, compared
    assert compared["email"] + compared["city"] + compared["street"] >= 5, compared


def test_single_toolkit_records_still_vary(records):
    days = {_facts(kit, st).get("today") for rec in records for kit, st in rec["initial_state"].items()}
    names = {_with_login(_facts(kit, st)).get("login") for rec in records for kit, st in rec["initial_state"].items()}
    assert len(days) > 60 and len(names) > 25


def test_messages_come_before_now_and_events_surround_today(records):
    checked = 0
    for rec in records:
        for kit, state in rec["initial_state"].items():
            if kit == "Messaging":
                assert all(m["sent_at"] < state["now"] for m in state["messages"].values())
                checked += 1
            if kit == "Calendar":
                days = sorted(e["date"] for e in state["events"].values())
                assert days[0] >= _shift(state["today"], -3) and days[-1] <= _shift(state["today"], 13)
                checked += 1
    assert checked >= 10


def _shift(day: str, n: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()
