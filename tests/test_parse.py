"""Reply parsing: JSON out of text replies, calls out of assistant messages. Nothing is evaluated."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from magnet_graph.errors import BackendError
from magnet_graph.translate.parse import ReplyError, parse_json_reply, parse_tool_calls

ALLOWED = frozenset({"search_hotels", "book_hotel"})


# -- parse_json_reply ------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        '{"request": "Find a hotel in Paris", "value": 3}',
        '```json\n{"request": "Find a hotel in Paris", "value": 3}\n```',
        '```\n{"request": "Find a hotel in Paris", "value": 3}\n```',
        'Sure! Here is the JSON:\n```json\n{"request": "Find a hotel in Paris", "value": 3}\n```\nHope it helps.',
        'Here you go: {"request": "Find a hotel in Paris", "value": 3} -- done',
        '  \n{"request": "Find a hotel in Paris",\n "value": 3}\n',
    ],
)
def test_json_reply_shapes(reply):
    assert parse_json_reply(reply) == {"request": "Find a hotel in Paris", "value": 3}


def test_json_reply_skips_braces_that_are_not_json():
    reply = 'Using {placeholders} is wrong, so: {"text": "a {b} c"}'
    assert parse_json_reply(reply) == {"text": "a {b} c"}


def test_json_reply_nested_object_is_kept_whole():
    assert parse_json_reply('x {"a": {"b": [1, {"c": 2}]}} y') == {"a": {"b": [1, {"c": 2}]}}


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        ("", "empty", "empty"),
        (None, "empty", "empty"),
        ("I would rather not.", "bad_json", "no JSON object"),
        ('{"request": "Find a hotel", ', "bad_json", "malformed JSON"),
        ("```json\n{'request': 'single quotes'}\n```", "bad_json", "malformed JSON"),
        ('["a", "list"]', "bad_json", "not an object"),
    ],
)
def test_json_reply_errors(reply, kind, words):
    with pytest.raises(ReplyError) as info:
        parse_json_reply(reply)
    assert isinstance(info.value, BackendError)
    assert info.value.kind == kind
    assert words in str(info.value)
    assert "\n" not in str(info.value)  # one line, ready for a retry prompt


def test_json_reply_never_evaluates_python():
    with pytest.raises(ReplyError):
        parse_json_reply("{__import__('os').getcwd(): 1}")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(data=st.dictionaries(st.text(min_size=1, max_size=10), json_values, max_size=4), prose=st.sampled_from(["", "Sure.\n", "Here it is: "]))
def test_json_reply_round_trips_any_object(data, prose):
    fenced = f"{prose}```json\n{json.dumps(data)}\n```"
    assert parse_json_reply(fenced) == data
    assert parse_json_reply(prose + json.dumps(data)) == data


# -- parse_tool_calls ------------------------------------------------------------------


def native(*calls):
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": f"call_{k}", "type": "function", "function": {"name": n, "arguments": a}}
            for k, (n, a) in enumerate(calls)
        ],
    }


def test_native_tool_calls():
    message = native(("search_hotels", '{"city": "Paris", "nights": 2}'), ("book_hotel", '{"hotel_id": "H1"}'))
    calls = parse_tool_calls(message, allowed=ALLOWED)
    assert [(c.name, c.arguments, c.id) for c in calls] == [
        ("search_hotels", {"city": "Paris", "nights": 2}, "call_0"),
        ("book_hotel", {"hotel_id": "H1"}, "call_1"),
    ]


def test_native_tool_calls_from_objects_and_empty_arguments():
    function = SimpleNamespace(name="search_hotels", arguments="")
    message = SimpleNamespace(content=None, tool_calls=[SimpleNamespace(id="abc", function=function)])
    calls = parse_tool_calls(message, allowed=ALLOWED)
    assert [(c.name, c.arguments, c.id) for c in calls] == [("search_hotels", {}, "abc")]


def test_unknown_tool_is_named_with_the_offered_ones():
    with pytest.raises(ReplyError) as info:
        parse_tool_calls(native(("delete_everything", "{}")), allowed=ALLOWED)
    assert info.value.kind == "unknown_tool"
    assert "'delete_everything'" in str(info.value)
    assert "book_hotel, search_hotels" in str(info.value)


@pytest.mark.parametrize("raw", ['{"city": "Paris"', "city=Paris", '["Paris"]', '"Paris"'])
def test_bad_arguments(raw):
    with pytest.raises(ReplyError) as info:
        parse_tool_calls(native(("search_hotels", raw)), allowed=ALLOWED)
    assert info.value.kind == "bad_arguments"
    assert "search_hotels" in str(info.value)


def test_calls_written_as_json_in_content():
    content = 'I will call:\n```json\n{"calls": [{"name": "search_hotels", "arguments": {"city": "Rome"}}, {"name": "book_hotel", "arguments": "{\\"hotel_id\\": \\"H2\\"}"}]}\n```'
    calls = parse_tool_calls({"role": "assistant", "content": content}, allowed=ALLOWED)
    assert [(c.name, c.arguments) for c in calls] == [("search_hotels", {"city": "Rome"}), ("book_hotel", {"hotel_id": "H2"})]


def test_content_calls_are_checked_too():
    with pytest.raises(ReplyError) as info:
        parse_tool_calls({"content": '{"calls": [{"name": "rm_rf", "arguments": {}}]}'}, allowed=ALLOWED)
    assert info.value.kind == "unknown_tool"
    with pytest.raises(ReplyError) as info:
        parse_tool_calls({"content": '{"calls": {"name": "search_hotels"}}'}, allowed=ALLOWED)
    assert info.value.kind == "bad_json"
    with pytest.raises(ReplyError):
        parse_tool_calls({"content": '{"calls": [{"name": "search_hotels", "arguments": {"city": '}, allowed=ALLOWED)


@pytest.mark.parametrize("content", ["All done: your hotel is booked.", "", None])
def test_plain_text_means_done(content):
    assert parse_tool_calls({"role": "assistant", "content": content}, allowed=ALLOWED) == []
