"""The execution environment: executable toolkits, plain classes, simulated tools."""

from __future__ import annotations

import gc
import random

import pytest

from magnet_graph.errors import CatalogError, ExecutionError
from magnet_graph.execute import Environment, Outcome, canonical_json, content_id, output_error, to_jsonable
from magnet_graph.seeding import derive_seed
from magnet_graph.toolkit import Toolkit
from magnet_graph.types import Binding, Catalog, Tool


class Bank(Toolkit):
    """A stateful toolkit: accounts with ids handed out by a counter."""

    @classmethod
    def default_state(cls):
        return {"accounts": [{"account_id": "ACC-1", "owner": "Ann Lee", "balance": 100.0}], "next_id": 2}

    @classmethod
    def generate_state(cls, rng: random.Random):
        n = rng.randint(2, 5)
        accounts = [{"account_id": f"ACC-{i}", "owner": f"owner {i}", "balance": float(rng.randint(0, 900))} for i in range(1, n + 1)]
        return {"accounts": accounts, "next_id": n + 1}

    def _find(self, account_id):
        return next((a for a in self.data["accounts"] if a["account_id"] == account_id), None)

    def open_account(self, owner: str) -> dict:
        account_id = f"ACC-{self.data['next_id']}"
        self.data["next_id"] += 1
        self.data["accounts"].append({"account_id": account_id, "owner": owner, "balance": 0.0})
        return {"account_id": account_id}

    def deposit(self, account_id: str, amount: float) -> dict:
        account = self._find(account_id)
        if account is None:
            return {"error": f"no account {account_id}"}
        account["balance"] += amount
        return {"account_id": account_id, "balance": account["balance"]}

    def list_accounts(self) -> dict:
        return {"accounts": self.data["accounts"]}  # aliases the state on purpose

    def explode(self) -> dict:
        raise ValueError("the vault is on fire")


class Notes:
    """A plain class in BFCL's style: state loaded by ``_load_scenario``, public attributes."""

    def __init__(self):
        self.notes: list[str] = []
        self.owner = "nobody"
        self._secret = "hidden"

    def _load_scenario(self, scenario: dict, long_context: bool = False) -> None:
        self.notes = list(scenario.get("notes", []))
        self.owner = scenario.get("owner", "nobody")

    def add_note(self, text: str) -> dict:
        self.notes.append(text)
        return {"count": len(self.notes)}

    def crash(self) -> dict:
        raise KeyError("missing")


class Counter:
    """A plain class whose ``__init__`` takes the state positionally."""

    def __init__(self, state):
        self.value = state.get("value", 0)

    def bump(self) -> dict:
        self.value += 1
        return {"value": self.value}


class Bare:
    """A plain class without a loader: attributes are set from the state dict."""

    def get(self) -> dict:
        return {"level": getattr(self, "level", None)}


def _obj(props, required=()):
    return {"type": "object", "properties": props, "required": list(required)}


TOOLS = (
    Tool(name="open_account", parameters=_obj({"owner": {"type": "string"}}, ["owner"]), toolkit="Bank", binding="open_account"),
    Tool(
        name="deposit",
        parameters=_obj({"account_id": {"type": "string"}, "amount": {"type": "number", "minimum": 0}}, ["account_id", "amount"]),
        toolkit="Bank",
        binding="deposit",
    ),
    Tool(name="list_accounts", toolkit="Bank", binding="list_accounts"),
    Tool(name="explode", toolkit="Bank", binding="explode"),
    Tool(name="add_note", parameters=_obj({"text": {"type": "string"}}, ["text"]), toolkit="Notes", binding="add_note"),
    Tool(name="crash", toolkit="Notes", binding="crash"),
    Tool(name="bump", toolkit="Counter", binding="bump"),
    Tool(name="get_level", toolkit="Bare", binding="get"),
    Tool(
        name="get_forecast",
        parameters=_obj({"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1, "maximum": 7}}, ["city"]),
        returns=_obj(
            {
                "city": {"type": "string"},
                "forecast_id": {"type": "string"},
                "days": {"type": "array", "items": _obj({"date": {"type": "string", "format": "date"}, "high": {"type": "number"}})},
            }
        ),
        toolkit="Weather",
    ),
    Tool(name="get_alert", parameters=_obj({"forecast_id": {"type": "string"}}), returns=None, toolkit="Weather"),
)


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(
        "test:bank",
        TOOLS,
        {
            "Bank": Binding("Bank", Bank, state_factory=Bank.generate_state),
            "Notes": Binding("Notes", Notes, default_state={"notes": ["buy milk"], "owner": "Ann"}),
            "Counter": Binding("Counter", Counter, default_state={"value": 5}),
            "Bare": Binding("Bare", Bare, default_state={"level": 3}),
        },
    )


ALL = ("Bank", "Notes", "Counter", "Bare", "Weather")


def test_state_comes_from_factory_seeded_per_toolkit(catalog):
    env = Environment(catalog, ALL, seed=11)
    expected = Bank.generate_state(random.Random(derive_seed(11, "state", "Bank")))
    assert env.initial_state["Bank"] == expected
    assert env.initial_state["Notes"] == {"notes": ["buy milk"], "owner": "Ann"}
    assert "Weather" not in env.initial_state  # simulated toolkits have no state
    assert Environment(catalog, ALL, seed=11).initial_state == env.initial_state
    states = {canonical_json(Environment(catalog, ["Bank"], seed=s).initial_state) for s in range(6)}
    assert len(states) > 1  # the seed matters


def test_given_initial_state_wins_and_is_copied(catalog):
    given = {"Bank": {"accounts": [], "next_id": 40}}
    env = Environment(catalog, ["Bank"], seed=1, initial_state=given)
    out, err, sim = env.execute("open_account", {"owner": "Bo"})
    assert (out, err, sim) == ({"account_id": "ACC-40"}, None, False)
    assert given == {"Bank": {"accounts": [], "next_id": 40}}  # caller's dict untouched
    assert env.initial_state == {"Bank": {"accounts": [], "next_id": 40}}  # what was loaded
    assert env.snapshot()["Bank"]["next_id"] == 41


def test_toolkit_counters_and_ids_flow(catalog):
    env = Environment(catalog, ["Bank"], seed=3, initial_state={"Bank": Bank.default_state()})
    first = env.execute("open_account", {"owner": "Ann"})
    second = env.execute("open_account", {"owner": "Ben"})
    assert isinstance(first, Outcome)
    assert first.output == {"account_id": "ACC-2"} and second.output == {"account_id": "ACC-3"}
    dep = env.execute("deposit", {"account_id": "ACC-3", "amount": 12.5})
    assert dep.output == {"account_id": "ACC-3", "balance": 12.5} and dep.error is None
    state = env.snapshot()["Bank"]
    assert [a["account_id"] for a in state["accounts"]] == ["ACC-1", "ACC-2", "ACC-3"]
    assert state["next_id"] == 4


def test_error_output_is_an_error(catalog):
    env = Environment(catalog, ["Bank"], seed=3)
    out, err, sim = env.execute("deposit", {"account_id": "NOPE", "amount": 1})
    assert out == {"error": "no account NOPE"} and err == "no account NOPE" and sim is False


def test_exceptions_from_user_code_become_errors(catalog):
    env = Environment(catalog, ["Bank", "Notes"], seed=3)
    out, err, _ = env.execute("explode", {})
    assert err == "ValueError: the vault is on fire" and out == {"error": err}
    _, err, _ = env.execute("crash", {})
    assert err == "KeyError: 'missing'"
    _, err, _ = env.execute("open_account", {"owner": "A", "unexpected": 1})  # bad keyword
    assert err.startswith("TypeError:")


def test_outputs_are_detached_from_state(catalog):
    env = Environment(catalog, ["Bank"], seed=3, initial_state={"Bank": Bank.default_state()})
    listed = env.execute("list_accounts", {}).output
    env.execute("deposit", {"account_id": "ACC-1", "amount": 50})
    assert listed["accounts"][0]["balance"] == 100.0


def test_plain_class_with_load_scenario(catalog):
    env = Environment(catalog, ["Notes"], seed=0)
    assert env.execute("add_note", {"text": "call mom"}).output == {"count": 2}
    snap = env.snapshot()
    assert snap == {"Notes": {"notes": ["buy milk", "call mom"], "owner": "Ann"}}  # no _secret
    assert env.initial_state == {"Notes": {"notes": ["buy milk"], "owner": "Ann"}}


def test_plain_class_positional_init_and_attribute_setting(catalog):
    env = Environment(catalog, ["Counter", "Bare"], seed=0)
    assert env.execute("bump", {}).output == {"value": 6}
    assert env.execute("get_level", {}).output == {"level": 3}
    assert env.snapshot() == {"Counter": {"value": 6}, "Bare": {"level": 3}}


def test_unknown_tool_and_uninvolved_toolkit_raise(catalog):
    env = Environment(catalog, ["Weather"], seed=0)
    with pytest.raises(ExecutionError, match="unknown tool 'nope'"):
        env.execute("nope", {})
    with pytest.raises(ExecutionError, match="not involved"):
        env.execute("deposit", {"account_id": "ACC-1", "amount": 1})


def test_simulated_tool_is_deterministic_and_marked(catalog):
    env = Environment(catalog, ["Weather"], seed=5)
    a = env.execute("get_forecast", {"city": "Oslo", "days": 2})
    b = Environment(catalog, ["Weather"], seed=5).execute("get_forecast", {"days": 2, "city": "Oslo"})
    c = Environment(catalog, ["Weather"], seed=6).execute("get_forecast", {"city": "Oslo", "days": 2})
    assert a.simulated and a.error is None
    assert canonical_json(a.output) == canonical_json(b.output)  # argument order does not matter
    assert a.output["city"] == "Oslo"  # echoed argument
    assert a.output != c.output
    alert = env.execute("get_alert", {"forecast_id": a.output["forecast_id"]})
    assert alert.output == {"status": "ok", "forecast_id": a.output["forecast_id"]}


def test_validate_messages(catalog):
    env = Environment(catalog, ["Bank", "Weather"], seed=0)
    assert env.validate("deposit", {"account_id": "A", "amount": 3}) == []
    errors = env.validate("deposit", {"amount": -1})
    assert errors == ["/: 'account_id' is a required property", "/amount: -1 is less than the minimum of 0"]
    errors = env.validate("get_forecast", {"city": 3, "days": 9})
    assert errors == ["/city: 3 is not of type 'string'", "/days: 9 is greater than the maximum of 7"]
    with pytest.raises(ExecutionError):
        env.validate("nope", {})


def test_validator_compiled_once_per_tool_and_catalog(catalog, monkeypatch):
    import magnet_graph.execute as ex

    compiled = []
    real = ex._compile
    monkeypatch.setattr(ex, "_compile", lambda cat, name: compiled.append(name) or real(cat, name))
    env = Environment(catalog, ["Bank"], seed=0)
    for _ in range(3):
        env.validate("deposit", {"account_id": "A", "amount": 1})
    Environment(catalog, ["Bank"], seed=1).validate("deposit", {})
    assert compiled == ["deposit"]
    other = Catalog("other", TOOLS, catalog.bindings)
    Environment(other, ["Bank"], seed=0).validate("deposit", {})
    assert compiled == ["deposit", "deposit"]
    del other
    gc.collect()
    assert all(ref() is not None for ref, _ in ex._VALIDATORS.values())  # dead catalogs dropped


def test_invalid_parameters_schema_names_tool_and_field():
    bad = Catalog("bad", (Tool(name="t", parameters={"type": "object", "properties": {"x": {"type": "strin"}}}, source="tools.json"),))
    with pytest.raises(CatalogError) as info:
        Environment(bad, [""], seed=0).validate("t", {"x": 1})
    message = str(info.value)
    assert message.startswith("tools.json: tool t: field parameters: invalid JSON Schema")


def test_candidates(catalog):
    env = Environment(catalog, ALL, seed=0, initial_state={"Bank": Bank.default_state()})
    env.execute("open_account", {"owner": "Bo"})
    assert env.candidates("deposit", "account_id") == ["ACC-1", "ACC-2"]
    assert env.candidates("add_note", "owner") == ["Ann"]  # plain class: public attributes scanned
    assert env.candidates("get_alert", "forecast_id") == []  # nothing simulated yet
    out = env.execute("get_forecast", {"city": "Oslo"}).output
    assert env.candidates("get_alert", "forecast_id") == [out["forecast_id"]]


def test_candidates_are_remembered_until_their_own_toolkit_changes(catalog):
    env = Environment(catalog, ALL, seed=0, initial_state={"Bank": Bank.default_state()})
    accounts = env.candidates("deposit", "account_id")
    owners = env.candidates("add_note", "owner")
    assert env.candidates("deposit", "account_id") is accounts  # remembered
    env.execute("get_forecast", {"city": "Oslo"})  # a simulated call: the toolkits' states are unchanged
    env.execute("add_note", {"text": "hi"})  # changes Notes only
    assert env.candidates("deposit", "account_id") is accounts
    assert env.candidates("add_note", "owner") is not owners
    env.execute("open_account", {"owner": "Bo"})  # Bank changes: its candidates are found again
    assert env.candidates("deposit", "account_id") == ["ACC-1", "ACC-2"] != accounts


def test_loading_failure_names_the_toolkit(catalog):
    with pytest.raises(ExecutionError, match=r"toolkit 'Notes' .*TypeError"):
        Environment(catalog, ["Notes"], seed=0, initial_state={"Notes": {"notes": 5}})


def test_output_error_rule():
    assert output_error({"error": "x"}) == "x"
    assert output_error({"error": None, "ok": 1}) is None
    assert output_error(["error"]) is None
    assert output_error({"error": {"code": 4}}) == '{"code":4}'


def test_to_jsonable_drops_parent_cycles_and_sorts_sets():
    class Node:
        def __init__(self, name, parent=None):
            self.name, self.parent, self.children, self._cache = name, parent, {}, 1

    root = Node("root")
    root.children["a"] = Node("a", root)
    assert to_jsonable(root) == {"name": "root", "parent": None, "children": {"a": {"name": "a", "children": {}}}}
    assert to_jsonable({"s": {3, 1, 2}, 1: (1, 2)}) == {"s": [1, 2, 3], "1": [1, 2]}


def test_content_id_ignores_id_and_provenance():
    rec = {"id": "x", "seed": 1, "provenance": {"model": "a"}, "turns": []}
    same = {"turns": [], "seed": 1, "provenance": {"model": "b"}}
    assert content_id(rec) == content_id(same) and len(content_id(rec)) == 24
    assert content_id({**rec, "seed": 2}) != content_id(rec)


# -- simulated tools: entities persist within one environment, and replay in order ---------

_USER = _obj({"id": {"type": "integer"}, "username": {"type": "string"}, "firstName": {"type": "string"},
              "email": {"type": "string", "format": "email"}})
_USERS = Catalog("test:users", (
    Tool(name="createUser", parameters=_obj({"username": {"type": "string"}, "firstName": {"type": "string"}}),
         returns=_USER, toolkit="Users"),
    Tool(name="getUserByName", parameters=_obj({"username": {"type": "string"}}, ["username"]), returns=_USER,
         toolkit="Users"),
    Tool(name="updateUser", parameters=_obj({"username": {"type": "string"}, "firstName": {"type": "string"}}),
         toolkit="Users"),
))


def test_simulated_entities_persist_and_restart_forgets_them():
    env = Environment(_USERS, ["Users"], seed=3)
    made = env.execute("createUser", {"username": "hiro42", "firstName": "Hiro"}).output
    got = env.execute("getUserByName", {"username": "hiro42"}).output
    assert got == made
    assert env.execute("updateUser", {"username": "hiro42", "firstName": "Hiroko"}).output == {
        "status": "ok", "username": "hiro42", "firstName": "Hiroko"}
    later = env.execute("getUserByName", {"username": "hiro42"}).output
    assert later == {**made, "firstName": "Hiroko"}
    fresh = env.restart()  # no calls made: the user is unknown again
    assert fresh.execute("getUserByName", {"username": "hiro42"}).output != made


def test_simulated_calls_replay_in_order():
    calls = [("createUser", {"username": "kemi", "firstName": "Kemi"}), ("getUserByName", {"username": "kemi"}),
             ("updateUser", {"username": "kemi", "firstName": "K"}), ("getUserByName", {"username": "kemi"})]
    a = Environment(_USERS, ["Users"], seed=9)
    first = [a.execute(n, args).output for n, args in calls]
    replay = a.restart()
    assert [replay.execute(n, args).output for n, args in calls] == first
    b = Environment(_USERS, ["Users"], seed=9)
    assert canonical_json([b.execute(n, args).output for n, args in calls]) == canonical_json(first)


def _shared_spec(shared_catalogs, *parts):
    path = shared_catalogs.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found")
    return str(path)


def test_tau2_tools_without_returns_echo_their_arguments(shared_catalogs):
    from magnet_graph.catalog import load_catalogs

    catalog = load_catalogs([_shared_spec(shared_catalogs, "tau2_airline", "tools.json")])
    env = Environment(catalog, sorted(catalog.toolkits), seed=1)
    for tool in catalog.tools:
        assert tool.returns is None
        args = {name: f"{name}-1" for name in tool.required}
        out = env.execute(tool.name, args)
        assert out.simulated and out.error is None
        assert out.output == {"status": "ok", **args}


def test_petstore_samples_verify_and_agree(shared_catalogs, tmp_path):
    import orjson
    from click.testing import CliRunner

    from magnet_graph.catalog import load_catalogs
    from magnet_graph.cli import cli
    from magnet_graph.verify import verify_record

    spec = _shared_spec(shared_catalogs, "petstore_openapi", "openapi.yaml")
    out = tmp_path / "pets.jsonl"
    res = CliRunner().invoke(cli, ["sample", "--catalog", spec, "-n", "30", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == 30
    catalog = load_catalogs([spec])
    users = orders = 0
    for rec in records:
        assert verify_record(rec, catalog) == [], rec["id"]
        seen: dict[str, dict] = {}
        for turn in rec["turns"]:
            for call in turn["calls"]:
                name, args, output = call["name"], call["arguments"], call["output"]
                assert call["simulated"]
                if name == "getOrderById":
                    orders += 1
                    assert output["id"] == args["orderId"]
                if name in ("createUser", "getUserByName") and isinstance(output, dict):
                    earlier = seen.setdefault(output["username"], output)
                    users += earlier is not output
                    assert output == earlier  # one username, one user
    assert orders and users  # the sample exercised both contradictions


def test_a_read_depends_on_the_earlier_calls(shared_catalogs):
    from magnet_graph.catalog import load_catalogs

    catalog = load_catalogs([_shared_spec(shared_catalogs, "petstore_openapi", "openapi.yaml")])
    env = Environment(catalog, sorted(catalog.toolkits), seed=4)
    env.execute("createUser", {"username": "ann7", "firstName": "Ann"})
    got = env.execute("getUserByName", {"username": "ann7"}).output
    # the same read without the create (a reordered or dropped call) gives another user
    alone = env.restart().execute("getUserByName", {"username": "ann7"}).output
    assert alone["username"] == "ann7" and alone != got
