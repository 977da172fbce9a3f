"""Prompts are pure functions of the turn context; they carry the rules and the tool schemas."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import networkx as nx

from magnet_graph import PROMPT_VERSION
from magnet_graph.translate import prompts
from magnet_graph.translate.base import Request, TurnContext
from magnet_graph.types import Call, Catalog, Path, Tool, Turn

TOOLS = (
    Tool(
        name="search_hotels",
        description="Find hotels in a city.",
        parameters={
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name", "title": "City"},
                "nights": {"type": "integer", "description": "Number of nights"},
            },
            "required": ["city", "nights"],
        },
        returns={"type": "object", "properties": {"hotel_id": {"type": "string"}, "price": {"type": "number"}}},
        toolkit="Travel",
    ),
    Tool(
        name="book_hotel",
        description="Book a room in a hotel.",
        parameters={
            "type": "object",
            "properties": {
                "hotel_id": {"type": "string", "description": "Hotel id"},
                "guests": {"type": "integer", "description": "How many guests"},
            },
            "required": ["hotel_id", "guests"],
        },
        returns={"type": "object", "properties": {"booking_id": {"type": "string"}}},
        toolkit="Travel",
    ),
    Tool(
        name="cancelBooking",
        description="Cancel a booking.",
        parameters={"type": "object", "properties": {"booking_id": {"type": "string"}}, "required": ["booking_id"]},
        toolkit="Travel",
    ),
)
CATALOG = Catalog(id="tiny", tools=TOOLS)


class Env:
    """A stand-in for the execution environment: only ``candidates`` is used."""

    def __init__(self, values: dict[str, list[Any]] | None = None):
        self.values = values or {}

    def candidates(self, tool: str, param: str) -> list[Any]:
        return list(self.values.get(param, []))


def make_ctx(
    funcs: tuple[str, ...] = ("search_hotels",),
    *,
    kind: str = "normal",
    index: int = 0,
    messages: list[dict[str, Any]] | None = None,
    prior_calls: list[tuple[int, Call]] | None = None,
    turn_calls: list[Call] | None = None,
    requests: list[str] | None = None,
    tools: list[Tool] | None = None,
    env: Any = None,
    feedback: str | None = None,
    extra: dict[str, Any] | None = None,
    seed: int = 0,
) -> TurnContext:
    """A hand-built turn context over the tiny hotel catalog."""
    path = Path(tuple(Turn(funcs if k == index else ("search_hotels",)) for k in range(index + 1)), seed=seed)
    return TurnContext(
        catalog=CATALOG,
        graph=nx.DiGraph(),
        path=path,
        index=index,
        kind=kind,  # type: ignore[arg-type]
        funcs=funcs,
        tools=list(TOOLS) if tools is None else tools,
        messages=messages or [],
        prior_calls=prior_calls or [],
        turn_calls=turn_calls or [],
        requests=requests or [],
        env=env if env is not None else Env(),
        rng=random.Random(seed),
        feedback=feedback,
        extra=extra if extra is not None else {},
    )


def later_ctx(**kw: Any) -> TurnContext:
    """Turn 1 of a conversation whose turn 0 searched hotels in Paris."""
    found = Call("search_hotels", {"city": "Paris", "nights": 2}, id="c0", output={"hotel_id": "H-77", "price": 120.0})
    messages = [
        {"role": "user", "content": "Find me a hotel in Paris for 2 nights."},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c0", "type": "function", "function": {"name": "search_hotels", "arguments": '{"city": "Paris", "nights": 2}'}}]},
        {"role": "tool", "tool_call_id": "c0", "name": "search_hotels", "content": '{"hotel_id": "H-77", "price": 120.0}'},
        {"role": "assistant", "content": "I found hotel H-77 for 120 euros a night."},
    ]
    kw.setdefault("funcs", ("book_hotel",))
    return make_ctx(index=1, messages=messages, prior_calls=[(0, found)], requests=["Find me a hotel in Paris for 2 nights."], **kw)


def text_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("content") or "") for m in messages)


# -- purity ----------------------------------------------------------------------------


def test_prompts_are_pure_functions_of_the_context():
    a, b = later_ctx(env=Env({"guests": [2]})), later_ctx(env=Env({"guests": [2]}))
    before = copy.deepcopy(a.messages)
    request = Request("Book it for two of us.")
    assert prompts.back_messages(a) == prompts.back_messages(b)
    assert prompts.forth_messages(a, request) == prompts.forth_messages(b, request)
    assert prompts.summary_messages(a) == prompts.summary_messages(b)
    assert prompts.miss_messages(a, "miss_func") == prompts.miss_messages(b, "miss_func")
    missing = {"function": "book_hotel", "parameter": "guests", "value": 2}
    assert prompts.follow_up_messages(a, "miss_param", missing) == prompts.follow_up_messages(b, "miss_param", missing)
    assert a.messages == before  # nothing mutated
    # and they depend on their inputs
    assert prompts.back_messages(a) != prompts.back_messages(later_ctx(funcs=("cancelBooking",)))


def test_every_prompt_is_a_list_of_chat_messages_without_secrets_or_version():
    ctx = later_ctx(turn_calls=[Call("book_hotel", {"hotel_id": "H-77", "guests": 2}, id="c1", output={"booking_id": "B-1"})])
    request = Request("Book it for two of us.")
    all_prompts = [
        prompts.back_messages(ctx),
        prompts.back_messages(ctx, missing={"function": "book_hotel", "parameter": "guests"}),
        prompts.forth_messages(ctx, request)[0],
        prompts.summary_messages(ctx),
        prompts.miss_messages(ctx, "miss_func"),
        prompts.miss_messages(ctx, "miss_param", missing={"function": "book_hotel", "parameter": "guests"}),
        prompts.follow_up_messages(ctx, "miss_func", {"function": "book_hotel"}),
        prompts.follow_up_messages(ctx, "miss_param", {"function": "book_hotel", "parameter": "guests", "value": 2}),
    ]
    for messages in all_prompts:
        assert messages and all(m["role"] in ("system", "user", "assistant", "tool") for m in messages)
        assert messages[0]["role"] == "system"
        body = text_of(messages).lower()
        for word in ("api key", "api_key", "password", "secret", "sk-", "credential"):
            assert word not in body
        assert PROMPT_VERSION.lower() not in body
    assert prompts.PROMPT_VERSION == PROMPT_VERSION


# -- back ------------------------------------------------------------------------------


def test_back_prompt_has_the_rules_schemas_and_examples():
    ctx = make_ctx(("search_hotels",), env=Env({"city": ["Paris", "Rome"]}))
    system, user = prompts.back_messages(ctx)
    rules = system["content"]
    assert "never name them" in rules
    assert "refer to it indirectly" in rules
    assert "Do not repeat" in rules
    assert '{"request": "<the message>"}' in rules
    assert rules.count('{"request":') >= 4  # the format and three few-shot examples
    listed = json.loads(user["content"].splitlines()[1])
    assert listed[0]["name"] == "search_hotels"
    assert listed[0]["parameters"]["city"] == {"type": "string", "description": "City name"}  # no schema noise
    assert listed[0]["required"] == ["city", "nights"]
    assert '- search_hotels.city: state it (existing: ["Paris","Rome"])' in user["content"]
    assert "- search_hotels.nights: state it" in user["content"]


def test_back_prompt_points_to_earlier_results_and_requests():
    ctx = later_ctx(feedback="the request named a function")
    user = prompts.back_messages(ctx)[1]["content"]
    assert "- book_hotel.hotel_id: earlier result; refer to it indirectly" in user
    assert "- book_hotel.guests: state it" in user
    assert "Earlier requests (do not repeat):\n- Find me a hotel in Paris for 2 nights." in user
    assert '- turn 0: search_hotels({"city":"Paris","nights":2}) -> {"hotel_id":"H-77","price":120.0}' in user
    assert "Assistant's last reply: I found hotel H-77" in user
    assert user.endswith("Your previous attempt failed: the request named a function. Fix that.")


def test_value_sources_follow_outputs_within_and_across_turns():
    merged = make_ctx(("search_hotels", "book_hotel"))
    assert prompts.value_sources(merged) == {
        ("search_hotels", "city"): "user",
        ("search_hotels", "nights"): "user",
        ("book_hotel", "hotel_id"): "turn",
        ("book_hotel", "guests"): "user",
    }
    assert "- book_hotel.hotel_id: from this request" in prompts.back_messages(merged)[1]["content"]
    assert prompts.value_sources(later_ctx())[("book_hotel", "hotel_id")] == "earlier"
    assert prompts.value_sources(make_ctx(("book_hotel",)))[("book_hotel", "hotel_id")] == "user"


def test_back_prompt_for_a_missing_value():
    ctx = make_ctx(("book_hotel",), kind="miss_param")
    rules, user = (m["content"] for m in prompts.back_messages(ctx, missing={"function": "book_hotel", "parameter": "guests"}))
    assert '- book_hotel.guests: leave it out (the user gives it later); put it in "value"' in user
    assert '"value"' in rules


# -- forth -----------------------------------------------------------------------------


def test_forth_offers_the_turn_tools_natively_with_rules_and_hint():
    ctx = later_ctx(tools=[TOOLS[1], TOOLS[2]])
    messages, tools = prompts.forth_messages(ctx, Request("Book that hotel for two of us."))
    assert tools == [TOOLS[1].openai_schema(), TOOLS[2].openai_schema()]
    system = messages[0]["content"]
    assert "Call exactly the functions" in system
    assert "earlier function results" in system
    assert "call that one first" in system
    assert system.endswith("[Hint] The latest request needs, in order: book_hotel.")
    assert messages[1:5] == ctx.messages  # the conversation, in native form
    assert messages[-1] == {"role": "user", "content": "Book that hotel for two of us."}
    no_hint, _ = prompts.forth_messages(ctx, Request("Book that hotel for two of us."), hint=False)
    assert "[Hint]" not in no_hint[0]["content"]


def test_forth_appends_this_turns_calls_once():
    call = Call("book_hotel", {"hotel_id": "H-77", "guests": 2}, id="", output={"booking_id": "B-1"})
    ctx = later_ctx(turn_calls=[call], feedback="wrong function cancelBooking")
    messages, _ = prompts.forth_messages(ctx, Request("Book that hotel for two of us."))
    assistant, tool = messages[-2], messages[-1]
    assert messages[-3] == {"role": "user", "content": "Book that hotel for two of us."}
    assert assistant["tool_calls"][0]["function"] == {"name": "book_hotel", "arguments": '{"hotel_id":"H-77","guests":2}'}
    assert tool == {"role": "tool", "tool_call_id": assistant["tool_calls"][0]["id"], "name": "book_hotel", "content": '{"booking_id":"B-1"}'}
    assert "rejected: wrong function cancelBooking" in messages[0]["content"]
    # when the loop already wrote the request and the calls, nothing is added twice
    again = later_ctx(turn_calls=[Call("book_hotel", {"hotel_id": "H-77", "guests": 2}, id="c9", output={})])
    again.messages = [*again.messages, {"role": "user", "content": "Book it."}, *messages[-2:]]
    again.messages[-2] = {**messages[-2], "tool_calls": [{**messages[-2]["tool_calls"][0], "id": "c9"}]}
    again.messages[-1] = {**messages[-1], "tool_call_id": "c9"}
    sent, _ = prompts.forth_messages(again, Request("Book it."))
    assert sent[1:] == again.messages


def test_forth_merges_a_conversation_system_message():
    ctx = make_ctx(messages=[{"role": "system", "content": "You work for Acme Travel."}])
    messages, _ = prompts.forth_messages(ctx, Request("Hotels in Oslo for 3 nights?"))
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"].startswith("You work for Acme Travel.\n\n")


# -- respond and follow up -------------------------------------------------------------


def test_summary_shows_the_request_and_outputs():
    ctx = later_ctx(turn_calls=[Call("book_hotel", {"hotel_id": "H-77", "guests": 2}, output={"booking_id": "B-1"}), Call("book_hotel", {"hotel_id": "H-78", "guests": 2}, error="sold out")])
    system, user = prompts.summary_messages(ctx)
    assert "Use only facts from the results" in system["content"]
    assert "User request: Find me a hotel in Paris for 2 nights." in user["content"]
    assert '- book_hotel({"hotel_id":"H-77","guests":2}) -> {"booking_id":"B-1"}' in user["content"]
    assert '-> {"error":"sold out"}' in user["content"]


def test_miss_prompts_describe_what_is_missing():
    withheld = make_ctx(("book_hotel",), kind="miss_func", tools=[TOOLS[0]], messages=[{"role": "user", "content": "Book hotel H-1 for 2."}])
    system, user = prompts.miss_messages(withheld, "miss_func")
    assert "cannot do this with the tools you have" in system["content"]
    assert "Missing capability: Book a room in a hotel." in user["content"]
    asked = make_ctx(("book_hotel",), kind="miss_param", messages=[{"role": "user", "content": "Book hotel H-1."}])
    system, user = prompts.miss_messages(asked, "miss_param", missing={"function": "book_hotel", "parameter": "guests"})
    assert "Ask for exactly that value" in system["content"]
    assert "Missing value: guests (How many guests), needed to: Book a room in a hotel." in user["content"]
    _, unknown = prompts.miss_messages(asked, "miss_param")
    assert '"name":"book_hotel"' in unknown["content"]


def test_follow_up_prompts():
    ctx = make_ctx(("book_hotel",), messages=[{"role": "user", "content": "Book hotel H-1."}, {"role": "assistant", "content": "How many guests?"}])
    _, user = prompts.follow_up_messages(ctx, "miss_param", {"function": "book_hotel", "parameter": "guests", "value": 3})
    assert "Your earlier request: Book hotel H-1." in user["content"]
    assert "The assistant replied: How many guests?" in user["content"]
    assert "written exactly as 3" in user["content"]
    _, user = prompts.follow_up_messages(ctx, "miss_func", {"function": "book_hotel"})
    assert "That capability (Book a room in a hotel.) is now available" in user["content"]


def test_prompts_stay_compact():
    ctx = later_ctx()
    assert sum(len(m["content"]) for m in prompts.back_messages(ctx)) < 3000
    assert len(prompts.forth_messages(ctx, Request("Book it for two."))[0][0]["content"]) < 1000
