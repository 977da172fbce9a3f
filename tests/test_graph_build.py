"""build_graph on hand-made tool sets: feeds, parts, preconditions, nested flags, noise, judge."""

from __future__ import annotations

from typing import Any, Sequence

import networkx as nx
import pytest

from magnet_graph.errors import GraphError
from magnet_graph.graph import JudgedEdge, build_graph, values_at
from magnet_graph.graph.paths import split_path
from magnet_graph.types import Tool


def obj(props: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = list(required)
    return out


S = {"type": "string"}
I = {"type": "integer"}
N = {"type": "number"}


def tool(name: str, params: dict | None = None, returns: dict | None = None, *, toolkit: str = "kit",
         required: Sequence[str] | None = None, description: str = "") -> Tool:  # fmt: skip
    params = params or {}
    req = list(params) if required is None else list(required)
    return Tool(name=name, description=description, parameters=obj(params, req), returns=returns, toolkit=toolkit)


def schema_has_path(schema: dict, path: str) -> bool:
    """Whether an output path names a field of a returns schema."""
    node: Any = schema
    for step in split_path(path):
        if step == "[]":
            if node.get("type") != "array":
                return False
            node = node.get("items", {})
        else:
            props = node.get("properties", {})
            if step not in props:
                return False
            node = props[step]
    return True


def param_has_path(params: dict, path: str) -> bool:
    steps = split_path(path)
    node: Any = params
    for step in steps:
        if step == "[]":
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(step)
            if node is None:
                return False
    return True


def check_feeds(G: nx.DiGraph, tools: Sequence[Tool]) -> None:
    """Every feed names an existing output path of the source and an existing parameter of the target."""
    by = {t.name: t for t in tools}
    for u, v, d in G.edges(data=True):
        assert u != v
        assert 0.0 <= d["score"] <= 1.0
        for out_path, param_path in d["feeds"]:
            assert schema_has_path(by[u].returns, out_path), (u, out_path)
            assert param_has_path(by[v].parameters, param_path), (v, param_path)


# -- feeds -------------------------------------------------------------------------------------


def test_exact_feed_is_nested_when_the_parameter_is_required():
    book = tool("book_flight", {"flight_id": S}, obj({"booking_id": S, "status": S}), toolkit="travel")
    cancel = tool("cancel_booking", {"booking_id": S}, obj({"cancelled": {"type": "boolean"}}), toolkit="travel")
    invoice = tool("retrieve_invoice", {"booking_id": S, "currency": S}, obj({"total": N}), toolkit="travel",
                   required=["currency"])  # fmt: skip
    tools = [book, cancel, invoice]
    G = build_graph(tools)
    e = G.edges["book_flight", "cancel_booking"]
    assert e["kind"] == "exact"
    assert e["feeds"] == [["booking_id", "booking_id"]]
    assert e["nested"] is True
    assert e["evidence"] == "schema"
    assert "output booking_id feeds parameter booking_id" in e["reason"]
    # the same output into an optional parameter: an edge, but not a nested one
    e2 = G.edges["book_flight", "retrieve_invoice"]
    assert e2["feeds"] == [["booking_id", "booking_id"]]
    assert e2["nested"] is False
    check_feeds(G, tools)


def test_array_item_fields_are_addressed_with_brackets():
    search = tool("search_flights", {"origin": S, "destination": S},
                  obj({"flights": {"type": "array", "items": obj({"flight_id": S, "price": N})}}))  # fmt: skip
    book = tool("book_flight", {"flight_id": S, "passenger_name": S})
    G = build_graph([search, book])
    e = G.edges["search_flights", "book_flight"]
    assert e["feeds"] == [["flights[].flight_id", "flight_id"]]
    assert e["nested"] is True
    assert "output flights[].flight_id feeds parameter flight_id" in e["reason"]
    out = {"flights": [{"flight_id": "F1", "price": 10.0}, {"flight_id": "F2", "price": 12.0}]}
    assert values_at(out, e["feeds"][0][0]) == ["F1", "F2"]


def test_camel_case_qualified_id_and_synonyms():
    get_booking = tool("get_booking", {"booking_ref": S},
                       obj({"booking": obj({"id": S, "city": S})}), toolkit="trips")  # fmt: skip
    cancel = tool("cancelBooking", {"bookingId": S}, None, toolkit="trips")
    create_ticket = tool("create_ticket", {"title": S}, obj({"id": I, "title": S}), toolkit="desk")
    close_ticket = tool("close_ticket", {"ticket_id": I}, None, toolkit="desk")
    find = tool("find_files", {"pattern": S}, obj({"paths": {"type": "array", "items": S}}), toolkit="fs")
    read = tool("read_file", {"file_name": S}, obj({"content": S}), toolkit="fs")
    tools = [get_booking, cancel, create_ticket, close_ticket, find, read]
    G = build_graph(tools)
    assert G.edges["get_booking", "cancelBooking"]["feeds"] == [["booking.id", "bookingId"]]
    assert G.edges["create_ticket", "close_ticket"]["feeds"] == [["id", "ticket_id"]]
    assert G.edges["create_ticket", "close_ticket"]["nested"] is True
    syn = G.edges["find_files", "read_file"]
    assert syn["feeds"] == [["paths[]", "file_name"]]
    assert syn["nested"] is True
    check_feeds(G, tools)


def test_part_of_a_parameter():
    who = tool("get_author", {"post_id": S}, obj({"username": S}), toolkit="social")
    mention = tool("mention_users", {"post_id": S, "usernames": {"type": "array", "items": S}}, obj({"ok": S}),
                   toolkit="social")  # fmt: skip
    search = tool("search_flights", {"date": S},
                  obj({"flights": {"type": "array", "items": obj({"flight_number": S, "price": N})}}), toolkit="air")
    reserve = tool("book_reservation", {"user_id": S, "flights": {"type": "array", "items": obj(
        {"flight_number": S, "date": S}, ["flight_number", "date"])}}, obj({"reservation_id": S}), toolkit="air")
    tools = [who, mention, search, reserve]
    G = build_graph(tools)
    e = G.edges["get_author", "mention_users"]
    assert e["kind"] == "part"
    assert e["feeds"] == [["username", "usernames"]]
    assert e["nested"] is False
    assert "element of parameter usernames" in e["reason"]
    p = G.edges["search_flights", "book_reservation"]
    assert p["kind"] == "part"
    assert ["flights[].flight_number", "flights[].flight_number"] in p["feeds"]
    assert p["nested"] is False
    assert "part of parameter flights" in p["reason"]
    check_feeds(G, tools)
    # elements with every key the parameter's elements need fill the whole array
    full = tool("search_flights", {"date": S},
                obj({"flights": {"type": "array", "items": obj({"flight_number": S, "date": S})}}), toolkit="air")
    G2 = build_graph([full, reserve])
    e2 = G2.edges["search_flights", "book_reservation"]
    assert e2["kind"] == "exact" and ["flights", "flights"] in e2["feeds"]


def test_several_values_fill_an_array_parameter_whole():
    listing = tool("list_orders", {}, obj({"orders": {"type": "array", "items": obj({"order_id": S})}}))
    bulk = tool("cancel_orders", {"order_ids": {"type": "array", "items": S}})
    G = build_graph([listing, bulk])
    e = G.edges["list_orders", "cancel_orders"]
    assert e["kind"] == "exact" and e["nested"] is True
    assert e["feeds"] == [["orders[].order_id", "order_ids"]]


# -- preconditions -------------------------------------------------------------------------------


def test_authentication_is_a_precondition_inside_its_toolkit_only():
    auth = tool("authenticate_travel", {"client_id": S}, obj({"expires_in": I}), toolkit="travel")
    flights = tool("list_flights", {"date": S}, obj({"count": I}), toolkit="travel")
    status = tool("travel_get_login_status", {}, obj({"status": {"type": "boolean"}}), toolkit="travel")
    other = tool("list_songs", {"genre": S}, obj({"count": I}), toolkit="music")
    G = build_graph([auth, flights, status, other])
    e = G.edges["authenticate_travel", "list_flights"]
    assert e["kind"] == "precondition"
    assert e["feeds"] == [] and e["nested"] is False
    assert e["reason"] == "precondition: authenticate_travel before list_flights (same toolkit)"
    assert not G.has_edge("authenticate_travel", "list_songs")
    assert not G.has_edge("authenticate_travel", "travel_get_login_status")


def test_creating_a_thing_is_a_precondition_of_using_it():
    create = tool("create_playlist", {"title": S}, obj({"status": S}), toolkit="music")
    delete = tool("delete_playlist", {"title": S}, obj({"status": S}), toolkit="music")
    search = tool("search_playlists", {"query": S}, obj({"count": I}), toolkit="music")
    touch = tool("touch", {"file_name": S}, None, toolkit="fs", description="Create a new file.")
    cat = tool("cat", {"file_name": S}, obj({"file_content": S}), toolkit="fs")
    G = build_graph([create, delete, search, touch, cat])
    e = G.edges["create_playlist", "delete_playlist"]
    assert e["kind"] == "precondition" and e["feeds"] == []
    assert "creates the playlist" in e["reason"]
    assert not G.has_edge("create_playlist", "search_playlists")
    t = G.edges["touch", "cat"]
    assert t["kind"] == "precondition" and "file_name" in t["reason"]
    assert not G.has_edge("cat", "touch")  # a file's content is not a new file's name


def test_a_feed_and_a_precondition_on_one_edge():
    auth = tool("login", {"user": S, "password": S}, obj({"access_token": S}), toolkit="bank")
    pay = tool("pay_bill", {"access_token": S, "bill_id": S}, obj({"paid": {"type": "boolean"}}), toolkit="bank")
    G = build_graph([auth, pay])
    e = G.edges["login", "pay_bill"]
    assert e["kind"] == "exact" and e["nested"] is True
    assert e["feeds"] == [["access_token", "access_token"]]
    assert "precondition: login before pay_bill" in e["reason"]


# -- noise, loops, caps -----------------------------------------------------------------------


def test_no_self_loops():
    upd = tool("update_booking", {"booking_id": S, "seat": S}, obj({"booking_id": S, "seat": S}))
    get = tool("get_booking", {"booking_id": S}, obj({"booking_id": S, "seat": S}))
    G = build_graph([upd, get])
    assert nx.number_of_selfloops(G) == 0
    assert G.has_edge("update_booking", "get_booking") and G.has_edge("get_booking", "update_booking")


def test_generic_fields_make_no_edges_across_unrelated_toolkits():
    ping = tool("ping_server", {"host": S},
                obj({"status": S, "message": S, "success": {"type": "boolean"}, "result": S, "name": S}),
                toolkit="ops", description="Check that a server answers.")  # fmt: skip
    post = tool("post_note", {"status": S, "message": S, "result": S, "name": S}, obj({"note_id": S}),
                toolkit="notes", description="Write a note on the board.")  # fmt: skip
    G = build_graph([ping, post])
    assert G.number_of_edges() == 0


def test_emails_and_cities_cross_toolkits_but_weak_attributes_need_agreeing_descriptions():
    # an e-mail address or a city names one person or place in any app: it flows across toolkits
    contact = tool("get_contact", {"contact_id": S}, obj({"email": {"type": "string", "description": "Email of the contact."},
                                                          "city": {"type": "string", "description": "Home town."}}),
                   toolkit="crm", description="Get a contact of the address book.")  # fmt: skip
    invite = tool("invite_attendee", {"event_id": S, "email": {"type": "string", "description": "Who to invite."}},
                  obj({"invited": {"type": "boolean"}}), toolkit="calendar", description="Invite someone to an event.")  # fmt: skip
    weather = tool("get_weather", {"city": {"type": "string", "description": "Where."}},
                   obj({"temperature": {"type": "number"}}), toolkit="maps", description="Weather forecast.")  # fmt: skip
    # a weak attribute (an amount) does not cross into an unrelated toolkit on its name alone
    invoice = tool("get_invoice", {"invoice_id": S}, obj({"amount": {"type": "number", "description": "Invoice total."}}),
                   toolkit="billing", description="Get an invoice.")  # fmt: skip
    donate = tool("donate", {"amount": {"type": "number", "description": "Gift size for the charity drive."}},
                  obj({"ok": {"type": "boolean"}}), toolkit="charity", description="Give to a charity drive.")  # fmt: skip
    G = build_graph([contact, invite, weather, invoice, donate])
    assert G.has_edge("get_contact", "invite_attendee")
    assert ["email", "email"] in [list(f) for f in G.edges["get_contact", "invite_attendee"]["feeds"]]
    assert G.has_edge("get_contact", "get_weather")
    assert not G.has_edge("get_invoice", "donate")


def test_max_candidates_caps_the_targets_of_one_output():
    src = tool("get_widget", {"q": S}, obj({"widget_id": S}))
    users = [tool(f"use_widget_{k}", {"widget_id": S}) for k in range(20)]
    G = build_graph([src, *users], max_candidates=5)
    assert G.out_degree("get_widget") == 5
    G_all = build_graph([src, *users])
    assert G_all.out_degree("get_widget") == 16  # the default cap
    assert set(G.successors("get_widget")) <= set(G_all.successors("get_widget"))


def test_min_score_only_removes_edges():
    tools = [
        tool("login", {"user": S}, obj({"access_token": S}), toolkit="a"),
        tool("get_item", {"access_token": S, "item_id": S}, obj({"item": obj({"id": S, "name": S})}), toolkit="a"),
        tool("rename_item", {"access_token": S, "item_id": S, "name": S}, obj({"status": S}), toolkit="a"),
        tool("list_items", {"query": S}, obj({"items": {"type": "array", "items": obj({"item_id": S})}}), toolkit="a"),
    ]
    lo, hi = build_graph(tools, min_score=0.3), build_graph(tools, min_score=0.9)
    assert set(hi.edges) <= set(lo.edges)
    assert all(d["score"] >= 0.9 for _u, _v, d in hi.edges(data=True))
    assert hi.number_of_edges() < lo.number_of_edges()


# -- the paper's example: a nested call the user never asks for ------------------------------------


def test_distance_in_miles_feeds_a_unit_conversion_nested():
    dist = tool("get_distance", {"origin": S, "destination": S},
                obj({"distance": {"type": "number", "description": "Distance between the two places in miles."}}),
                toolkit="maps", description="Distance between two places, in miles.")  # fmt: skip
    conv = tool("convert_unit", {"value": {"type": "number", "description": "The value to convert."},
                                 "from_unit": {"type": "string", "enum": ["miles", "km", "kg", "lb"]},
                                 "to_unit": {"type": "string", "enum": ["miles", "km", "kg", "lb"]}},
                obj({"result": N}), toolkit="units",
                description="Convert a value from one unit to another, e.g. miles to km.")  # fmt: skip
    unread = tool("count_unread", {"folder": S},
                  obj({"result": {"type": "number", "description": "Number of unread messages in the folder."}}),
                  toolkit="mail", description="Count the unread messages of a mail folder.")  # fmt: skip
    weather = tool("get_weather", {"city": S}, obj({"temperature": {"type": "number", "description": "Temperature in celsius."}}),
                   toolkit="maps", description="Current weather of a city.")  # fmt: skip
    folders = tool("list_folders", {}, obj({"folders": {"type": "array", "items": S}}), toolkit="mail",
                   description="Names of the mail folders.")  # fmt: skip
    G = build_graph([dist, conv, unread, weather, folders])
    e = G.edges["get_distance", "convert_unit"]
    assert e["nested"] is True
    assert e["feeds"] == [["distance", "value"]]
    assert not (G.has_edge("count_unread", "convert_unit") and G.edges["count_unread", "convert_unit"]["nested"])


def test_tools_without_returns_use_name_evidence():
    details = tool("get_user_details", {"user_id": S}, None, toolkit="air",
                   description="Get the details of a user, including their reservations.")  # fmt: skip
    cert = tool("send_certificate", {"user_id": S, "amount": N}, None, toolkit="air")
    cancel = tool("cancel_reservation", {"reservation_id": S}, None, toolkit="air")
    G = build_graph([details, cert, cancel])
    e = G.edges["get_user_details", "send_certificate"]
    assert e["evidence"] == "name" and e["feeds"] == [] and e["nested"] is False
    assert e["kind"] == "exact"
    assert G.has_edge("get_user_details", "cancel_reservation")  # "including their reservations"
    assert not G.has_edge("send_certificate", "get_user_details")
    assert G.nodes["get_user_details"]["has_returns"] is False


def test_node_attributes_are_graphml_friendly():
    t = tool("get_booking", {"booking_id": S, "verbose": {"type": "boolean"}}, obj({"city": S}),
             toolkit="travel", description="Look up a booking.")  # fmt: skip
    G = build_graph([t])
    assert G.nodes["get_booking"] == {"toolkit": "travel", "description": "Look up a booking.", "n_params": 2,
                                      "askable": 1, "has_returns": True}  # fmt: skip  (the flag is not askable)


def test_same_input_same_graph():
    tools = [
        tool("search_orders", {"q": S}, obj({"orders": {"type": "array", "items": obj({"order_id": S, "total": N})}})),
        tool("get_order", {"order_id": S}, obj({"order": obj({"id": S, "total": N, "email": S})})),
        tool("refund_order", {"order_id": S, "amount": N}, obj({"refund_id": S})),
    ]
    a = nx.node_link_data(build_graph(tools), edges="edges")
    b = nx.node_link_data(build_graph(list(tools)), edges="edges")
    assert a == b


def test_bad_options_and_duplicate_names():
    t = tool("a_tool", {"x_id": S})
    with pytest.raises(GraphError, match="duplicate tool name 'a_tool'"):
        build_graph([t, t])
    with pytest.raises(GraphError, match="min_score"):
        build_graph([t], min_score=1.5)
    with pytest.raises(GraphError, match="max_candidates"):
        build_graph([t], max_candidates=0)


# -- the judge hook --------------------------------------------------------------------------------


class FakeJudge:
    """Records what it is shown; drops, keeps and adds edges from a script."""

    def __init__(self, script: dict[str, list[JudgedEdge]]):
        self.script = script
        self.seen: dict[str, list[str]] = {}

    def judge(self, source: Tool, candidates: Sequence[Tool]) -> list[JudgedEdge]:
        self.seen[source.name] = [c.name for c in candidates]
        return self.script.get(source.name, [])


def _judge_tools() -> list[Tool]:
    return [
        tool("book_room", {"hotel_id": S}, obj({"booking_id": S}), toolkit="hotel"),
        tool("cancel_room", {"booking_id": S}, obj({"ok": S}), toolkit="hotel"),
        tool("get_room", {"booking_id": S}, obj({"room": S}), toolkit="hotel"),
        tool("hotel_faq", {"question": S}, obj({"answer": S}), toolkit="hotel"),
        tool("list_hotels", {"city": S}, obj({"hotels": {"type": "array", "items": obj({"hotel_id": S})}}), toolkit="hotel"),
    ]


def test_judge_drops_keeps_and_adds_edges():
    judge = FakeJudge({
        "book_room": [
            JudgedEdge("cancel_room", keep=False, reason="cancelling right after booking is not useful"),
            JudgedEdge("get_room", keep=True, reason="the new booking can be looked up", score=0.9),
            JudgedEdge("hotel_faq", keep=True, reason="guests ask questions after booking", score=0.4),
            JudgedEdge("no_such_tool", keep=True, reason="hallucinated"),
        ]
    })  # fmt: skip
    G = build_graph(_judge_tools(), judge=judge, judge_sample=10, seed=3)
    seen = judge.seen["book_room"]
    assert {"cancel_room", "get_room"} <= set(seen)  # the schema candidates
    assert "hotel_faq" in seen and "book_room" not in seen  # sampled from the same toolkit, never itself
    assert not G.has_edge("book_room", "cancel_room")
    kept = G.edges["book_room", "get_room"]
    assert kept["reason"].endswith("judge: the new booking can be looked up")
    assert kept["feeds"] == [["booking_id", "booking_id"]] and kept["score"] == 0.9
    added = G.edges["book_room", "hotel_faq"]
    assert added["evidence"] == "judge" and added["feeds"] == [] and added["nested"] is False
    assert added["kind"] == "part" and added["reason"] == "judge: guests ask questions after booking"
    assert G.graph["judge_ignored"] == 1
    # tools the judge said nothing about keep their schema edges
    assert G.has_edge("list_hotels", "book_room")


def test_judge_sees_near_misses_and_may_keep_them():
    tools = [
        tool("get_note", {"note_id": S}, obj({"title": S}), toolkit="board"),
        tool("rename_board", {"board_id": S, "title": S}, obj({"ok": S}), toolkit="board"),
    ]
    assert not build_graph(tools).has_edge("get_note", "rename_board")  # a bare title: too weak alone
    judge = FakeJudge({"get_note": [JudgedEdge("rename_board", keep=True, reason="reuse the note's title", score=0.7)]})
    G = build_graph(tools, judge=judge, judge_sample=0)
    assert judge.seen["get_note"] == ["rename_board"]
    e = G.edges["get_note", "rename_board"]
    assert e["feeds"] == [["title", "title"]] and e["evidence"] == "schema"
    assert e["reason"].endswith("judge: reuse the note's title") and e["score"] == 0.7


def test_judge_sample_is_seeded():
    tools = _judge_tools() + [tool(f"extra_{k}", {"q": S}, obj({"a": S}), toolkit="hotel") for k in range(12)]
    runs = []
    for seed in (1, 1, 2):
        j = FakeJudge({})
        build_graph(tools, judge=j, judge_sample=4, seed=seed)
        runs.append(j.seen)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert all(len(v) <= 4 + 3 for v in runs[0].values())


def test_without_a_judge_nothing_is_sampled():
    G = build_graph(_judge_tools())
    assert "judge_ignored" not in G.graph and G.graph["judged"] is False
    assert not G.has_edge("book_room", "hotel_faq")


def test_values_at_paths():
    out = {"a": {"b": [{"c": 1}, {"c": 2}, {"d": 3}]}, "xs": ["p", "q"], "n": 0}
    assert values_at(out, "a.b[].c") == [1, 2]
    assert values_at(out, "xs[]") == ["p", "q"]
    assert values_at(out, "xs") == [["p", "q"]]
    assert values_at(out, "n") == [0]
    assert values_at(out, "") == [out]
    assert values_at(out, "a.missing") == []
    assert values_at([{"id": "x"}], "[].id") == ["x"]


def test_no_edge_that_creates_again_what_the_source_found():
    contact = obj({"contact_id": S, "email": {"type": "string", "format": "email"}})
    get_contact = tool("get_contact", {"contact_id": S}, contact, toolkit="crm")
    read_message = tool("read_message", {"message_id": S}, obj({"message_id": S, "sender_email": {"type": "string", "format": "email"}}), toolkit="crm")
    add_contact = tool("add_contact", {"email": {"type": "string", "format": "email"}}, obj({"contact_id": S}), toolkit="crm")
    send = tool("send_invite", {"email": {"type": "string", "format": "email"}}, obj({"sent": {"type": "boolean"}}), toolkit="crm")
    G = build_graph([get_contact, read_message, add_contact, send])
    assert not G.has_edge("get_contact", "add_contact")  # the contact exists already
    assert G.has_edge("get_contact", "send_invite")  # using it is fine
    assert G.has_edge("read_message", "add_contact")  # another entity's field may create one
