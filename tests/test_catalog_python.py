"""Tools from Python callables and classes; module specs; binding a doc file with --impl."""

from __future__ import annotations

import json
import random
import sys
import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from magnet_graph.catalog import (check_catalog, init_mode, load_catalogs, resolve_catalog, tools_from_callable,
                                  tools_from_class)
from magnet_graph.errors import CatalogError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"

BANK = '''
from __future__ import annotations

from typing import Literal, Optional, TypedDict

from magnet_graph.toolkit import Toolkit


class Balance(TypedDict):
    account: str
    amount: float


class Bank(Toolkit):
    toolkit_name = "bank"
    description = "A tiny bank."
    hints = {"get_balance": ("What's the balance of {account}?",)}

    @classmethod
    def default_state(cls):
        return {"accounts": {"A1": 10.0}}

    @classmethod
    def generate_state(cls, rng):
        return {"accounts": {f"A{rng.randint(1, 999)}": 1.0}}

    def get_balance(self, account: str) -> Balance:
        """Get the balance of an account.

        Args:
            account: The account id.

        Returns:
            The account and its balance.
        """
        return {"account": account, "amount": self.data["accounts"][account]}

    def transfer(self, source: str, target: str, amount: float, currency: Literal["USD", "EUR"] = "USD",
                 memo: Optional[str] = None, tags: list[str] | None = None) -> dict:
        """Move money between accounts.

        Parameters
        ----------
        source : str
            Account to debit.
        target : str
            Account to credit.
        amount : float
            How much.
        """
        return {}

    def audit(self, since, limit=10):
        """Read the audit log.

        :param since: Start date.
        :param limit: Most entries to return.
        """
        return []

    def _private(self):
        return None

    def candidates(self, tool, param):
        return []

    @property
    def total(self):
        return 0

    @staticmethod
    def fee(amount: float) -> float:
        """The fee for an amount."""
        return 0.0


class Premium(Bank):
    def upgrade(self) -> None:
        """Upgrade the account."""


def add(a: int, b: int = 2) -> int:
    """Add two numbers.

    Args:
        a: First number.
        b: Second number.
    """
    return a + b
'''

PLAIN = '''
class Counter:
    """A BFCL-style plain class."""

    def __init__(self):
        self.count = 0

    def _load_scenario(self, config):
        self.count = config.get("count", 0)

    def increment(self, by: int = 1) -> dict:
        """Increment the counter."""
        self.count += by
        return {"count": self.count}

    def reset(self) -> dict:
        """Reset the counter."""
        self.count = 0
        return {"count": 0}

    def undocumented(self) -> dict:
        """Not in the doc."""
        return {}


class WithState:
    def __init__(self, state):
        self.state = state

    def ping(self) -> str:
        """Ping."""
        return "pong"


class Bare:
    def poke(self) -> None:
        """Poke."""
'''

WIDGETS = '''
class WidgetAPI:
    def set_mode(self, mode: str, level: float = 1.0, tags=None, note=None):
        """Set the mode."""

    def place_widget(self, position, payload=None, currency="USD", count=1):
        """Place it."""


class Other:
    def unrelated(self) -> None:
        """Nothing."""
'''


@pytest.fixture
def make_module(tmp_path, monkeypatch):
    """Write a module into tmp_path and return its (unique) name."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(stem: str, source: str) -> str:
        name = f"{stem}_{tmp_path.name}".replace("-", "_")
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)


def _import(name: str):
    import importlib

    return importlib.import_module(name)


def test_tools_from_class_public_methods_only(make_module):
    mod = _import(make_module("bank", BANK))
    tools = tools_from_class(mod.Bank)
    assert [t.name for t in tools] == ["get_balance", "transfer", "audit", "fee"]
    assert {t.toolkit for t in tools} == {"bank"} and {t.dialect for t in tools} == {"python"}
    assert all(t.binding == t.name for t in tools)
    for t in tools:
        Draft202012Validator.check_schema(t.parameters)
        if t.returns is not None:
            Draft202012Validator.check_schema(t.returns)


def test_google_docstring_typeddict_returns_and_hints(make_module):
    mod = _import(make_module("bank", BANK))
    bal = {t.name: t for t in tools_from_class(mod.Bank)}["get_balance"]
    assert bal.description == "Get the balance of an account."
    assert bal.parameters == {"type": "object", "properties": {"account": {"type": "string",
                              "description": "The account id."}}, "required": ["account"]}
    assert bal.returns["type"] == "object" and bal.returns["required"] == ["account", "amount"]
    assert bal.returns["properties"]["amount"] == {"type": "number"}
    assert bal.returns["description"] == "The account and its balance."
    assert bal.hints == ("What's the balance of {account}?",)


def test_literal_optional_list_defaults_numpy_docstring(make_module):
    mod = _import(make_module("bank", BANK))
    tr = {t.name: t for t in tools_from_class(mod.Bank)}["transfer"]
    p = tr.properties
    assert tr.required == ("source", "target", "amount")
    assert p["source"]["description"] == "Account to debit."
    assert p["currency"] == {"enum": ["USD", "EUR"], "type": "string", "default": "USD"}
    assert p["memo"] == {"type": ["string", "null"], "default": None}
    assert p["tags"]["type"] == ["array", "null"] and p["tags"]["items"] == {"type": "string"}
    assert tr.returns == {"type": "object", "additionalProperties": True}
    v = Draft202012Validator(tr.parameters)
    v.validate({"source": "A1", "target": "A2", "amount": 5, "memo": None})
    assert not v.is_valid({"source": "A1", "target": "A2", "amount": 5, "currency": "GBP"})


def test_unhinted_parameters_rest_docstring_and_warning(make_module):
    name = make_module("bank", BANK)
    audit = {t.name: t for t in tools_from_class(_import(name).Bank)}["audit"]
    assert audit.properties["since"] == {"description": "Start date."}  # no hint, no default: any value
    assert audit.properties["limit"] == {"type": "integer", "default": 10, "description": "Most entries to return."}
    assert audit.returns is None
    report = check_catalog([f"{name}:Bank"])
    assert report.ok
    row = next(r for r in report.rows if r.tool == "audit")
    assert len(row.problems) == 1 and row.problems[0].severity == "warning"
    assert "'since' has no type hint" in row.problems[0].message and row.problems[0].field == "parameters/since"


def test_staticmethod_and_inherited_methods(make_module):
    mod = _import(make_module("bank", BANK))
    fee = {t.name: t for t in tools_from_class(mod.Bank)}["fee"]
    assert fee.required == ("amount",) and fee.returns == {"type": "number"}
    names = [t.name for t in tools_from_class(mod.Premium)]
    assert names == ["upgrade", "get_balance", "transfer", "audit", "fee"]


def test_tools_from_callable(make_module):
    name = make_module("bank", BANK)
    (add,) = tools_from_callable(_import(name).add)
    assert add.name == "add" and add.toolkit == name and add.binding is None
    assert add.parameters == {"type": "object", "properties": {
        "a": {"type": "integer", "description": "First number."},
        "b": {"type": "integer", "default": 2, "description": "Second number."}}, "required": ["a"]}
    assert add.returns == {"type": "integer"}
    assert [t.toolkit for t in tools_from_callable(_import(name).add, toolkit="math")] == ["math"]


def test_toolkit_class_spec_gives_a_binding(make_module):
    name = make_module("bank", BANK)
    cat = resolve_catalog(f"{name}:Bank")
    mod = _import(name)
    assert cat.id == f"py:{name}:Bank"
    b = cat.bindings["bank"]
    assert b.cls is mod.Bank and b.toolkit == "bank"
    assert b.default_state == {"accounts": {"A1": 10.0}}
    assert b.state_factory(random.Random(5)) == b.state_factory(random.Random(5))
    assert b.state_factory(random.Random(5)) == mod.Bank.generate_state(random.Random(5))
    assert cat.is_executable("transfer") and init_mode(mod.Bank) == "toolkit"


def test_module_spec_takes_toolkit_subclasses(make_module):
    name = make_module("bank", BANK)
    with pytest.raises(CatalogError, match="duplicate tool name 'get_balance'"):
        resolve_catalog(name)  # Bank and Premium (which inherits Bank's methods) both in it
    only = make_module("justbank", BANK.split("class Premium")[0])
    cat = resolve_catalog(only)
    assert cat.id == f"py:{only}" and list(cat.bindings) == ["bank"] and len(cat) == 4


def test_plain_classes_and_state_file(make_module, tmp_path):
    name = make_module("plain", PLAIN)
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"Counter": {"count": 3}, "Other": {}}))
    cat = resolve_catalog(f"{name}:Counter", state=str(state))
    b = cat.bindings["Counter"]
    assert b.default_state == {"count": 3} and b.state_factory is None  # BFCL-style keyed config
    assert [t.name for t in cat.tools] == ["increment", "reset", "undocumented"]
    mod = _import(name)
    assert init_mode(mod.Counter) == "load_scenario"
    assert init_mode(mod.WithState) == "init_state"
    assert init_mode(mod.Bare) == "attributes"
    whole = resolve_catalog(name)  # no Toolkit subclass: every public class
    assert set(whole.bindings) == {"Counter", "WithState", "Bare"}
    assert whole.bindings["Bare"].default_state is None


def test_impl_binds_doc_tools_and_reports_mismatches(make_module, tmp_path):
    name = make_module("plain", PLAIN)
    doc = tmp_path / "counter_doc.json"
    doc.write_text(json.dumps([
        {"name": "increment", "description": "Add.", "parameters": {"type": "object", "properties": {
            "by": {"type": "integer"}, "step": {"type": "integer"}}}},
        {"name": "reset", "description": "Zero.", "parameters": {"type": "object", "properties": {}}},
        {"name": "fly", "description": "No such method.", "parameters": {"type": "object", "properties": {}}},
    ]))
    report = check_catalog([str(doc)], impl=f"{name}:Counter")
    assert report.ok and report.warnings == 3
    messages = " | ".join(p.message for p in report.problems)
    assert "Counter has no method 'fly'" in messages
    assert "Counter.increment does not accept ['step']" in messages
    assert "public methods of Counter with no doc entry: undocumented" in messages
    cat = resolve_catalog(str(doc), impl=f"{name}:Counter")
    assert cat.is_executable("increment") and cat.is_executable("reset") and not cat.is_executable("fly")
    assert cat.tool("increment").dialect == "openai" and cat.tool("increment").binding == "increment"
    assert {t.toolkit for t in cat.tools} == {"Counter"} and cat.bindings["Counter"].cls is _import(name).Counter


def test_impl_with_nothing_matching_is_an_error(make_module):
    name = make_module("plain", PLAIN)
    with pytest.raises(CatalogError) as info:
        resolve_catalog(str(FIXTURES / "anthropic.json"), impl=f"{name}:Counter")
    assert f"{name}:Counter" in str(info.value) and "no tool of the doc matches" in str(info.value)


def test_impl_module_matches_classes_by_toolkit_name(make_module):
    name = make_module("widgets", WIDGETS)
    cat = resolve_catalog(str(FIXTURES / "bfcl"), impl=name)
    assert set(cat.bindings) == {"WidgetAPI"}
    assert cat.is_executable("set_mode") and cat.is_executable("place_widget")
    assert cat.tool("set_mode").properties["mode"]["enum"] == ["eco", "turbo"]  # the doc's schema is kept


def test_python_errors_name_tool_and_field(make_module):
    name = make_module("broken", '''
        import threading

        class Odd:
            def lock(self, handle: threading.Lock) -> None:
                """Takes something with no JSON Schema."""

            def later(self, x: "NotDefinedAnywhere") -> None:
                """Unresolvable hint."""

        class BadState:
            @classmethod
            def _nothing(cls):
                pass
    ''')
    report = check_catalog([f"{name}:Odd"])
    errors = {p.tool: p for p in report.problems if p.severity == "error"}
    assert errors["lock"].field == "parameters/handle" and "has no JSON Schema" in errors["lock"].message
    assert errors["later"].field == "annotations" and "NotDefinedAnywhere" in errors["later"].message
    with pytest.raises(CatalogError, match="has no public methods"):
        resolve_catalog(f"{name}:BadState")


def test_default_state_failure_and_import_failure(make_module):
    name = make_module("failing", '''
        from magnet_graph.toolkit import Toolkit

        class Broken(Toolkit):
            @classmethod
            def default_state(cls):
                raise RuntimeError("no data file")

            def ping(self) -> str:
                """Ping."""
                return "pong"
    ''')
    with pytest.raises(CatalogError, match=r"Broken\.default_state\(\) failed: RuntimeError: no data file"):
        resolve_catalog(f"{name}:Broken")
    boom = make_module("boom", "raise RuntimeError('boom at import')\n")
    with pytest.raises(CatalogError, match=rf"importing '{boom}' failed: RuntimeError: boom at import"):
        resolve_catalog(f"{boom}:Anything")
    with pytest.raises(CatalogError, match="has no attribute 'Missing'"):
        resolve_catalog(f"{name}:Missing")


def test_state_file_rules(make_module, tmp_path):
    plain = make_module("plain", PLAIN)
    bank = make_module("justbank", BANK.split("class Premium")[0])
    keyed = tmp_path / "keyed.json"
    keyed.write_text(json.dumps({"Counter": {"count": 7}, "bank": {"accounts": {"Z": 1.0}}}))
    cat = load_catalogs([f"{plain}:Counter", f"{plain}:Bare", bank], state=str(keyed))
    assert cat.bindings["Counter"].default_state == {"count": 7}
    assert cat.bindings["bank"].default_state == {"accounts": {"Z": 1.0}}
    assert cat.bindings["bank"].state_factory is None  # the given state replaces generate_state
    assert cat.bindings["Bare"].default_state is None  # not in the file: keeps its own (none)
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps({"accounts": {"F": 2.0}}))
    assert resolve_catalog(bank, state=str(flat)).bindings["bank"].default_state == {"accounts": {"F": 2.0}}
    report = check_catalog([f"{plain}:Counter", bank], state=str(flat))  # flat state, two classes
    assert report.ok and any("no entry for any of the toolkits Counter, bank" in p.message for p in report.problems)
    report = check_catalog([str(FIXTURES / "anthropic.json")], state=str(flat))
    assert report.ok and any("--state is ignored" in p.message for p in report.problems)
    bad = tmp_path / "bad_state.json"
    bad.write_text("[1, 2]")
    with pytest.raises(CatalogError, match=r"bad_state\.json: the state must be a JSON object, found list"):
        resolve_catalog(bank, state=str(bad))
