"""The built-in toolkits know their preconditions: candidates declared exact
(``exact_candidates``) are values a call succeeds with, identifiers left out of them fail,
and generated states leave room for the usual conversations (two returnable orders, a cart
of several items, two flights to check in, a card with room for a trip)."""

from __future__ import annotations

import random

import pytest

from magnet_graph.catalog import load_catalogs
from magnet_graph.execute import Environment
from magnet_graph.toolkit import Toolkit
from magnet_graph.translate import values
from magnet_graph.translate.offline import _SKIP, _fit, exact_params
from tool_catalogs.travel import convert

SEEDS = range(5)


@pytest.fixture(scope="module")
def catalog():
    return load_catalogs(())


def _exact_pairs(catalog):
    return [(t, p) for t in catalog.tools for p in sorted(exact_params(catalog, t))]


def _args(env: Environment, tool, fixed: dict) -> dict:
    """Required arguments: ``fixed``, else a candidate of the state, else a realistic value."""
    rng = random.Random(0)
    args = {}
    for p in tool.required:
        if p in fixed:
            args[p] = fixed[p]
            continue
        cands = env.candidates(tool.name, p)
        value = _fit(tool.properties[p], cands, rng) if cands else _SKIP
        args[p] = values.generate_value(p, tool.properties[p], rng=rng, tool=tool) if value is _SKIP else value
    return args


def test_every_declaration_names_parameters_of_the_toolkits_own_tools(catalog):
    seen = 0
    for kit, binding in catalog.bindings.items():
        declared = getattr(binding.cls, "exact_candidates", {})
        for method, params in declared.items():
            tool = next((t for t in catalog.tools if t.toolkit == kit and t.binding == method), None)
            assert tool is not None, f"{kit}.exact_candidates names {method!r}, which is not one of its tools"
            assert exact_params(catalog, tool) == frozenset(params), (kit, method, params)
            seen += len(params)
    assert seen >= 20  # shop, travel, banking, maps and messaging declare theirs


@pytest.mark.parametrize("seed", SEEDS)
def test_each_exact_candidate_succeeds(catalog, seed):
    """Soundness: a call whose exact parameter takes any of its candidates (the other values
    from the state too) succeeds."""
    for tool, param in _exact_pairs(catalog):
        env = Environment(catalog, [tool.toolkit], seed=seed)
        for value in env.candidates(tool.name, param):
            fresh = env.restart()
            out = fresh.execute(tool.name, _args(fresh, tool, {param: value}))
            assert out.error is None, (tool.name, param, value, out.error)


@pytest.mark.parametrize("seed", SEEDS)
def test_identifiers_outside_the_exact_candidates_fail(catalog, seed):
    """Completeness for identifiers: ids that exist in the state (the base class's scan) but
    are left out (a delivered order for a cancellation, a sent message for a reply) fail."""
    checked = 0
    for tool, param in _exact_pairs(catalog):
        if not param.endswith("_id"):
            continue
        env = Environment(catalog, [tool.toolkit], seed=seed)
        cands = env.candidates(tool.name, param)
        toolkit = Toolkit.__new__(Toolkit)
        toolkit.data = env.snapshot()[tool.toolkit]
        for value in [v for v in Toolkit.candidates(toolkit, tool.name, param) if v not in cands][:6]:
            fresh = env.restart()
            out = fresh.execute(tool.name, _args(fresh, tool, {param: value}))
            assert out.error is not None, (tool.name, param, value)
            checked += 1
    assert checked


def test_an_emptied_cart_leaves_no_candidate_to_remove_coupon_or_order(catalog):
    env = Environment(catalog, ["Shop"], seed=3)
    cart = env.execute("view_cart", {}).output
    assert len(cart["items"]) >= 2
    for tool in ("remove_from_cart", "apply_coupon", "place_order"):
        param = {"remove_from_cart": "product_id", "apply_coupon": "coupon_code", "place_order": "payment_card"}[tool]
        assert env.candidates(tool, param)
    placed = env.execute("place_order", _args(env, catalog.tool("place_order"), {}))
    assert placed.error is None
    assert env.candidates("remove_from_cart", "product_id") == []
    assert env.candidates("apply_coupon", "coupon_code") == []
    assert env.candidates("place_order", "payment_card") == []
    assert env.execute("apply_coupon", {"coupon_code": "WELCOME10"}).error is not None


def test_return_item_candidates_are_one_order_and_its_items(catalog):
    for seed in SEEDS:
        env = Environment(catalog, ["Shop"], seed=seed)
        (order_id,) = env.candidates("return_item", "order_id")
        order = env.snapshot()["Shop"]["orders"][order_id]
        assert set(env.candidates("return_item", "product_id")) <= {i["product_id"] for i in order["items"]}
        # once every item of it is returned, the next returnable order is offered
        for pid in env.candidates("return_item", "product_id"):
            assert env.execute("return_item", {"order_id": order_id, "product_id": pid, "reason": "damaged"}).error is None
        assert env.candidates("return_item", "order_id") != [order_id]


@pytest.mark.parametrize("seed", range(20))
def test_generated_states_leave_room_for_the_usual_requests(catalog, seed):
    shop = Environment(catalog, ["Shop"], seed=seed).snapshot()["Shop"]
    today = shop["today"]
    returnable = [o for o in shop["orders"].values() if o["status"] == "delivered" and o["delivered_date"] >= _days_before(today, 30)]
    assert len(returnable) >= 2
    assert any(o["status"] == "processing" for o in shop["orders"].values())
    in_stock = [p for p, v in shop["products"].items() if v["stock"] >= 2]
    assert len(shop["cart"]["items"]) >= min(2, len(in_stock))
    travel = Environment(catalog, ["Travel"], seed=seed)
    assert travel.candidates("check_in", "booking_id")  # a flight to check in
    cards = travel.snapshot()["Travel"]["cards"].values()
    assert max(convert(c["available_credit"], c["currency"], "USD") for c in cards) >= 3000


def _days_before(day: str, n: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=n)).isoformat()
