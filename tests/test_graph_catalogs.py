"""build_graph on real third-party catalogs (BFCL multi-turn docs, tau2 airline).

The files are read here with a tiny reader (JSON lines / OpenAI tools, BFCL's ``dict``/``float``
types mapped to JSON Schema) so these tests do not depend on ``magnet_graph.catalog``; one test
also goes through the real loader when it is installed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from magnet_graph.graph import build_graph, graph_summary
from magnet_graph.graph.names import NOISE_TOKENS
from magnet_graph.graph.paths import split_path
from magnet_graph.types import Tool

BFCL_CLASSES = {
    "gorilla_file_system": "GorillaFileSystem", "math_api": "MathAPI", "message_api": "MessageAPI",
    "posting_api": "TwitterAPI", "ticket_api": "TicketAPI", "trading_bot": "TradingBot",
    "travel_booking": "TravelAPI", "vehicle_control": "VehicleControlAPI",
}  # fmt: skip
_TYPES = {"dict": "object", "float": "number", "tuple": "array", "any": "string"}


def _fix(s: Any) -> Any:
    if isinstance(s, dict):
        out = {k: _fix(v) for k, v in s.items()}
        if isinstance(out.get("type"), str):
            out["type"] = _TYPES.get(out["type"], out["type"])
        return out
    if isinstance(s, list):
        return [_fix(x) for x in s]
    return s


def read_bfcl(folder: Path) -> list[Tool]:
    tools = []
    for stem, cls in BFCL_CLASSES.items():
        for line in (folder / f"{stem}.json").read_text().splitlines():
            if line.strip():
                d = json.loads(line)
                tools.append(Tool(name=d["name"], description=d["description"], parameters=_fix(d["parameters"]),
                                  returns=_fix(d.get("response")) or None, toolkit=cls, dialect="bfcl"))  # fmt: skip
    return tools


@pytest.fixture(scope="module")
def bfcl(shared_catalogs: Path) -> tuple[list[Tool], nx.DiGraph]:
    tools = read_bfcl(shared_catalogs / "bfcl_v3_multi_turn")
    return tools, build_graph(tools)


def _schema_path(schema: dict, path: str) -> bool:
    node: Any = schema
    for step in split_path(path):
        node = node.get("items", {}) if step == "[]" else node.get("properties", {}).get(step)
        if node is None:
            return False
    return True


def _in_toolkit(G: nx.DiGraph, tk: str) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in G.edges(data=True) if G.nodes[u]["toolkit"] == tk == G.nodes[v]["toolkit"]]


def test_travel_booking_ids_flow(bfcl):
    _tools, G = bfcl
    cancel = G.edges["book_flight", "cancel_booking"]
    assert ["booking_id", "booking_id"] in cancel["feeds"] and cancel["nested"] is True
    invoice = G.edges["book_flight", "retrieve_invoice"]
    assert ["booking_id", "booking_id"] in invoice["feeds"]
    assert invoice["nested"] is False  # retrieve_invoice's booking_id is optional
    auth = G.edges["authenticate_travel", "book_flight"]
    assert ["access_token", "access_token"] in auth["feeds"] and auth["nested"] is True
    assert "precondition: authenticate_travel before book_flight (same toolkit)" in auth["reason"]
    assert G.edges["register_credit_card", "book_flight"]["feeds"] == [["card_id", "card_id"]]
    assert G.edges["purchase_insurance", "retrieve_invoice"]["feeds"] == [["insurance_id", "insurance_id"]]


def test_file_system_has_nested_edges(bfcl):
    _tools, G = bfcl
    fs = _in_toolkit(G, "GorillaFileSystem")
    nested = [(u, v) for u, v, d in fs if d["nested"]]
    print(f"\nGorillaFileSystem: {len(fs)} edges, {len(nested)} nested: {sorted(nested)[:8]} ...")
    assert len(nested) >= 5
    find_cat = G.edges["find", "cat"]
    assert find_cat["feeds"] == [["matches[]", "file_name"]] and find_cat["nested"]
    assert G.edges["touch", "cat"]["kind"] == "precondition"
    assert not G.has_edge("cat", "grep")  # a file's content is not a file name


def test_twitter_and_tickets_ids(bfcl):
    _tools, G = bfcl
    assert ["matching_tweets[].id", "tweet_id"] in G.edges["search_tweets", "retweet"]["feeds"]
    assert ["id", "ticket_id"] in G.edges["create_ticket", "close_ticket"]["feeds"]
    assert ["id", "order_id"] in G.edges["get_order_details", "cancel_order"]["feeds"]
    assert G.edges["place_order", "cancel_order"]["feeds"] == [["order_id", "order_id"]]
    assert G.edges["estimate_distance", "estimate_drive_feasibility_by_mileage"]["nested"]


def test_every_feed_exists_on_both_sides(bfcl):
    tools, G = bfcl
    by = {t.name: t for t in tools}
    for u, v, d in G.edges(data=True):
        assert u != v
        for out_path, param_path in d["feeds"]:
            assert _schema_path(by[u].returns, out_path), (u, out_path)
            assert _schema_path(by[v].parameters, param_path), (v, param_path)


def test_no_cross_toolkit_edges_from_generic_fields(bfcl):
    _tools, G = bfcl
    for u, v, d in G.edges(data=True):
        if G.nodes[u]["toolkit"] == G.nodes[v]["toolkit"]:
            continue
        assert d["kind"] != "precondition"
        for out_path, _param in d["feeds"]:
            leaf = split_path(out_path)[-1]
            assert leaf.lower() not in NOISE_TOKENS, (u, v, out_path)


def test_bfcl_counts(bfcl):
    tools, G = bfcl
    s = graph_summary(G)
    per_tk = {tk: (len(e := _in_toolkit(G, tk)), sum(d["nested"] for *_x, d in e)) for tk in BFCL_CLASSES.values()}
    print(f"\nBFCL: {s['tools']} tools, {s['edges']} edges, {s['nested_edges']} nested, kinds {s['kinds']}, "
          f"{len(s['isolated'])} isolated; per toolkit (edges, nested): {per_tk}")  # fmt: skip
    assert s["tools"] == len(tools) == 129
    assert all(n > 0 for n, _ in per_tk.values())  # every toolkit has internal edges
    cross = sum(1 for u, v in G.edges if G.nodes[u]["toolkit"] != G.nodes[v]["toolkit"])
    assert cross < 0.1 * s["edges"]  # toolkits are mostly self-contained


def test_tau2_airline_without_returns(shared_catalogs: Path):
    raw = json.loads((shared_catalogs / "tau2_airline" / "tools.json").read_text())
    tools = [Tool(name=t["function"]["name"], description=t["function"]["description"],
                  parameters=t["function"]["parameters"], toolkit="airline") for t in raw]  # fmt: skip
    G = build_graph(tools)
    e = G.edges["get_user_details", "book_reservation"]
    assert e["evidence"] == "name" and e["feeds"] == [] and e["nested"] is False
    assert "user_id" in e["reason"]
    # book_reservation's flights[] items carry flight_number ($defs resolved): a part fed by a flight search
    part = G.edges["search_direct_flight", "book_reservation"]
    assert part["kind"] == "part" and "flights[].flight_number" in part["reason"]
    assert G.has_edge("book_reservation", "cancel_reservation")
    assert graph_summary(G)["nested_edges"] == 0  # nothing can be filled from outputs nobody described


def test_through_the_catalog_loader(shared_catalogs: Path):
    import magnet_graph.catalog as catalog
    cat = catalog.load_catalogs([str(shared_catalogs / "bfcl_v3_multi_turn" / "travel_booking.json")])
    G = build_graph(cat.tools)
    assert G.edges["book_flight", "cancel_booking"]["nested"] is True
    assert ["booking_id", "booking_id"] in G.edges["book_flight", "cancel_booking"]["feeds"]
