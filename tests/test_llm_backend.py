"""LiteLLMBackend against a real local HTTP server speaking the OpenAI protocol.

Every request goes to 127.0.0.1 (tests/fake_openai.py); nothing reaches the network.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fake_openai import FakeOpenAI, delayed, error, malformed, text, tool_calls
from magnet_graph.errors import BackendError
from magnet_graph.translate import llm
from magnet_graph.translate.base import Request
from magnet_graph.types import Call
from test_prompts import TOOLS, later_ctx, make_ctx

KEY = "sk-test-SECRET"


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Record the backoff waits instead of sleeping."""
    seen: list[float] = []

    async def record(seconds: float) -> None:
        seen.append(seconds)

    monkeypatch.setattr(llm, "_sleep", record)
    return seen


def backend(fake: FakeOpenAI, **kw: Any) -> llm.LiteLLMBackend:
    kw.setdefault("max_retries", 2)
    return llm.LiteLLMBackend("openai/test-model", api_base=fake.base_url, api_key=KEY, **kw)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def assert_no_key(*things: Any) -> None:
    for thing in things:
        assert KEY not in str(thing) and KEY not in repr(thing)


# -- the four protocol methods ---------------------------------------------------------


def test_forth_reads_native_tool_calls(fake_openai):
    fake_openai.script([tool_calls(("search_hotels", {"city": "Paris", "nights": 2}), ("search_hotels", {"city": "Rome", "nights": 2}))])
    b = backend(fake_openai, seed=11)
    ctx = make_ctx(("search_hotels",))
    calls = run(b.forth(ctx, Request("Hotels in Paris and in Rome for 2 nights?")))
    assert [(c.name, c.arguments) for c in calls] == [("search_hotels", {"city": "Paris", "nights": 2}), ("search_hotels", {"city": "Rome", "nights": 2})]
    sent = fake_openai.requests[0]
    assert sent["model"] == "test-model"
    assert sent["temperature"] == 0.7 and sent["seed"] == 11
    assert [t["function"]["name"] for t in sent["tools"]] == [t.name for t in TOOLS]
    assert sent["messages"][-1] == {"role": "user", "content": "Hotels in Paris and in Rome for 2 nights?"}
    assert fake_openai.request_headers[0]["authorization"] == f"Bearer {KEY}"  # the key is used, only in the header
    assert b.calls == 1 and not b.faults


def test_a_whole_turn_with_the_default_responder(fake_openai):
    b = backend(fake_openai)
    ctx = make_ctx(("search_hotels",), tools=[TOOLS[0]])
    request = run(b.back(ctx))
    assert isinstance(request, Request) and request.text and request.missing is None
    first = run(b.forth(ctx, Request('Find hotels in "Lisbon" for 3 nights.')))
    assert [(c.name, c.arguments) for c in first] == [("search_hotels", {"city": "Lisbon", "nights": 3})]
    first[0].output = {"hotel_id": "H-5", "price": 99}
    ctx.turn_calls = first
    assert run(b.forth(ctx, Request('Find hotels in "Lisbon" for 3 nights.'))) == []
    summary = run(b.respond(ctx, "summary"))
    assert summary
    assert '"hotel_id":"H-5"' in fake_openai.requests[-1]["messages"][1]["content"]  # the summarizer saw the outputs
    assert b.calls == len(fake_openai.requests) == 4


def test_back_miss_param_leaves_out_a_value_chosen_by_the_seed(fake_openai):
    b = backend(fake_openai)
    chosen = set()
    for seed in range(6):
        request = run(b.back(make_ctx(("book_hotel",), kind="miss_param", seed=seed)))
        assert request.missing is not None and request.missing["function"] == "book_hotel"
        # the default responder proposes a value of the parameter's type
        assert request.missing["value"] == {"guests": 2, "hotel_id": "sample hotel id"}[request.missing["parameter"]]
        assert str(request.missing["value"]) not in request.text
        chosen.add(request.missing["parameter"])
        again = run(b.back(make_ctx(("book_hotel",), kind="miss_param", seed=seed)))
        assert again.missing == request.missing  # same seed, same choice
    assert chosen == {"hotel_id", "guests"}
    told = run(b.back(make_ctx(("book_hotel",), kind="miss_param", extra={"missing": {"function": "book_hotel", "parameter": "guests"}})))
    assert told.missing == {"function": "book_hotel", "parameter": "guests", "value": 2}
    assert "book_hotel.guests: leave it out" in fake_openai.requests[-1]["messages"][1]["content"]


def test_miss_param_value_must_not_be_in_the_request_and_must_fit_the_schema(fake_openai):
    fake_openai.script([
        text('{"request": "Book hotel H-1 for 3 guests.", "value": 3}'),
        text('{"request": "Book hotel H-1 for me.", "value": "three"}'),
        text('{"request": "Book hotel H-1 for me.", "value": "3"}'),
    ])
    b = backend(fake_openai)
    ctx = make_ctx(("book_hotel",), kind="miss_param", extra={"missing": {"function": "book_hotel", "parameter": "guests"}})
    request = run(b.back(ctx))
    assert request.text == "Book hotel H-1 for me."
    assert request.missing == {"function": "book_hotel", "parameter": "guests", "value": 3}
    assert b.faults == {"invalid": 2}
    assert "the request states 3" in fake_openai.requests[1]["messages"][-1]["content"]


def test_respond_and_follow_up(fake_openai):
    fake_openai.script([
        text("Sorry, I can't book hotels with the tools I have."),
        text('```json\n{"text": "Sure, we are three."}\n```'),
        text('{"text": "There will be 3 of us."}'),
        text('{"text": "You can book hotels now, go ahead."}'),
    ])
    b = backend(fake_openai)
    ctx = make_ctx(("book_hotel",), kind="miss_func", tools=[TOOLS[0]], messages=[{"role": "user", "content": "Book hotel H-1 for 3."}])
    assert run(b.respond(ctx, "miss_func")) == "Sorry, I can't book hotels with the tools I have."
    assert "Missing capability: Book a room in a hotel." in fake_openai.requests[0]["messages"][1]["content"]
    missing = {"function": "book_hotel", "parameter": "guests", "value": 3}
    assert run(b.follow_up(ctx, "miss_param", missing)) == "There will be 3 of us."  # the first reply lacked the value
    assert run(b.follow_up(ctx, "miss_func", {"function": "book_hotel"})) == "You can book hotels now, go ahead."
    assert b.faults == {"invalid": 1} and b.calls == 4


# -- reply retries ---------------------------------------------------------------------


def test_malformed_json_reply_is_sent_back_then_accepted(fake_openai):
    fake_openai.script([text('Here: {"request": "Find hotels in Oslo'), text('{"request": "Find hotels in Oslo for 2 nights."}')])
    b = backend(fake_openai)
    request = run(b.back(make_ctx(("search_hotels",))))
    assert request.text == "Find hotels in Oslo for 2 nights."
    assert len(fake_openai.requests) == 2 and b.faults == {"bad_json": 1}
    retry = fake_openai.requests[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": 'Here: {"request": "Find hotels in Oslo'}
    assert retry[-1]["role"] == "user" and "malformed JSON" in retry[-1]["content"]


def test_unknown_tool_then_success(fake_openai):
    fake_openai.script([tool_calls(("reserve_room", {"hotel_id": "H-77"})), tool_calls(("book_hotel", {"hotel_id": "H-77", "guests": 2}))])
    b = backend(fake_openai)
    calls = run(b.forth(later_ctx(tools=[TOOLS[1]]), Request("Book that one for two of us.")))
    assert [(c.name, c.arguments) for c in calls] == [("book_hotel", {"hotel_id": "H-77", "guests": 2})]
    assert b.faults == {"unknown_tool": 1}
    assert "unknown function 'reserve_room'; call only the offered functions: book_hotel" in fake_openai.requests[1]["messages"][-1]["content"]


def test_bad_arguments_then_success(fake_openai):
    fake_openai.script([tool_calls(("book_hotel", '{"hotel_id": "H-77", "guests": ')), tool_calls(("book_hotel", {"hotel_id": "H-77", "guests": 2}))])
    b = backend(fake_openai)
    calls = run(b.forth(later_ctx(), Request("Book that one for two of us.")))
    assert calls[0].arguments == {"hotel_id": "H-77", "guests": 2}
    assert b.faults == {"bad_arguments": 1}


def test_a_request_naming_a_function_is_rejected(fake_openai):
    fake_openai.script([text('{"request": "Please run search_hotels for Paris, 2 nights."}'), text('{"request": "Find me a hotel in Paris for 2 nights."}'), text('{"request": "Now a place in Rome for 2 nights."}')])
    b = backend(fake_openai)
    ctx = make_ctx(("search_hotels",), requests=["Find me a hotel in Paris for 2 nights."])
    assert run(b.back(ctx)).text == "Now a place in Rome for 2 nights."  # the second one repeats a request
    assert b.faults == {"invalid": 2}
    assert "names the function search_hotels" in fake_openai.requests[1]["messages"][-1]["content"]


def test_bad_replies_give_up_after_max_retries(fake_openai):
    fake_openai.script([text("no json here")] * 5)
    b = backend(fake_openai, max_retries=2)
    with pytest.raises(BackendError) as info:
        run(b.back(make_ctx()))
    assert len(fake_openai.requests) == 3 and b.calls == 3
    assert "no usable reply after 3 attempt(s)" in str(info.value) and "no JSON object" in str(info.value)
    assert fake_openai.pending == 2


# -- transport retries -----------------------------------------------------------------


def test_429_honours_retry_after_then_succeeds(fake_openai, waits):
    fake_openai.script([error(429, retry_after=1), error(429, retry_after=0), tool_calls(("search_hotels", {"city": "Oslo", "nights": 1}))])
    b = backend(fake_openai, backoff=5.0)
    calls = run(b.forth(make_ctx(), Request("A hotel in Oslo for one night.")))
    assert calls[0].arguments == {"city": "Oslo", "nights": 1}
    assert waits == [1.0, 0.0]  # the server's Retry-After, not the 5 s backoff
    assert len(fake_openai.requests) == 3
    assert b.faults == {"rate_limit": 2} and b.calls == 1


def test_server_errors_back_off_with_seeded_jitter(fake_openai, waits):
    fake_openai.script([error(500), malformed(), text('{"request": "Hotels in Oslo for 2 nights?"}')])
    b = backend(fake_openai, backoff=0.4, seed=3)
    assert run(b.back(make_ctx())).text == "Hotels in Oslo for 2 nights?"
    assert b.faults == {"server_error": 2}
    assert 0.2 <= waits[0] <= 0.4 and 0.4 <= waits[1] <= 0.8  # exponential, with jitter
    fake_openai.script([error(503), error(503), text('{"request": "Hotels in Oslo for 2 nights?"}')])
    waits.clear()
    run(backend(fake_openai, backoff=0.4, seed=3).back(make_ctx()))
    other = list(waits)
    fake_openai.script([error(503), error(503), text('{"request": "Hotels in Oslo for 2 nights?"}')])
    waits.clear()
    run(backend(fake_openai, backoff=0.4, seed=3).back(make_ctx()))
    assert waits == other  # same seed, same waits


def test_transport_gives_up_after_max_retries(fake_openai, waits):
    fake_openai.script([error(500)] * 4)
    b = backend(fake_openai, max_retries=2)
    with pytest.raises(BackendError) as info:
        run(b.forth(make_ctx(), Request("Hotels in Oslo?")))
    assert "server_error after 3 attempt(s)" in str(info.value)
    assert len(fake_openai.requests) == 3 and len(waits) == 2
    assert b.calls == 0 and b.faults == {"server_error": 3}


def test_timeout_is_retried(fake_openai, waits):
    fake_openai.script([delayed(text("late"), 2.0), text('{"request": "Hotels in Oslo for 2 nights?"}')])
    b = backend(fake_openai, timeout=0.3)
    assert run(b.back(make_ctx())).text == "Hotels in Oslo for 2 nights?"
    assert b.faults == {"timeout": 1}


def test_auth_error_fails_at_once_and_never_shows_the_key(fake_openai, waits):
    fake_openai.script([error(401, message=f"Incorrect API key provided: {KEY}. api_key={KEY}")])
    b = backend(fake_openai)
    with pytest.raises(BackendError) as info:
        run(b.back(make_ctx()))
    assert len(fake_openai.requests) == 1 and waits == []
    assert "auth after 1 attempt(s)" in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert_no_key(info.value, b, b.counters(), b.faults)


def test_the_key_never_leaks_from_retried_failures(fake_openai, waits):
    fake_openai.script([error(500, message=f"upstream said {KEY}")] * 3)
    b = backend(fake_openai, max_retries=2)
    with pytest.raises(BackendError) as info:
        run(b.forth(make_ctx(), Request("Hotels in Oslo?")))
    assert "***" in str(info.value)
    assert_no_key(info.value, b, b.counters())


def test_scrub_hides_key_shapes():
    assert llm.scrub("key sk-abcdef123456 and Bearer abc.def-123456", None) == "key *** and ***"
    assert "xyz-123" not in llm.scrub('{"api_key": "xyz-123"} ok', None)
    assert llm.scrub("my-own-token here", "my-own-token") == "*** here"


# -- counters --------------------------------------------------------------------------


def test_counters_count_calls_tokens_and_cost(fake_openai, waits):
    fake_openai.script([error(429, retry_after=0), text("nope"), text('{"request": "Hotels in Oslo for 2 nights?"}')])
    b = backend(fake_openai)
    ctx = make_ctx()
    run(b.back(ctx))
    run(b.respond(ctx, "summary"))
    prompt, completion = fake_openai.usage()
    assert prompt > 0 and completion > 0
    assert b.counters() == {"calls": 3, "prompt_tokens": prompt, "completion_tokens": completion, "cost_usd": 0.0, "faults": {"rate_limit": 1, "bad_json": 1}}

    priced = backend(fake_openai, prices=(1e-6, 2e-6))
    before = fake_openai.usage()
    run(priced.respond(ctx, "summary"))
    after = fake_openai.usage()
    expected = (after[0] - before[0]) * 1e-6 + (after[1] - before[1]) * 2e-6
    assert priced.cost_usd == pytest.approx(expected) and priced.cost_usd > 0


def test_usage_is_tracked_per_task(fake_openai):
    b = backend(fake_openai)

    async def conversation(turns: int) -> dict[str, Any]:
        usage = b.track_usage()
        for _ in range(turns):
            await b.respond(make_ctx(), "summary")
        return usage

    async def both() -> list[dict[str, Any]]:
        return await asyncio.gather(conversation(1), conversation(3))

    one, three = run(both())
    assert one["calls"] == 1 and three["calls"] == 3
    assert one["tokens"] + three["tokens"] == sum(fake_openai.usage()) == b.prompt_tokens + b.completion_tokens
    assert run(conversation(0)) == {"calls": 0, "tokens": 0, "cost_usd": 0.0}


def test_concurrent_conversations_share_one_backend(fake_openai):
    b = backend(fake_openai)

    async def many() -> list[list[Call]]:
        contexts = [make_ctx(("search_hotels",), tools=[TOOLS[0]]) for _ in range(6)]
        return await asyncio.gather(*(b.forth(c, Request(f'Hotels in "City{k}" for {k + 1} nights.')) for k, c in enumerate(contexts)))

    results = run(many())
    assert sorted(r[0].arguments["city"] for r in results) == [f"City{k}" for k in range(6)]
    assert all(r[0].arguments["nights"] == int(r[0].arguments["city"][-1]) + 1 for r in results)
    assert b.calls == 6 == len(fake_openai.requests)


def test_fake_server_records_and_answers_plain_http(fake_openai):
    import urllib.request

    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(fake_openai.base_url.removesuffix("/v1") + "/chat/completions", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as response:
        reply = json.loads(response.read())
    assert fake_openai.base_url.startswith("http://127.0.0.1:")
    assert reply["choices"][0]["message"]["content"] and reply["usage"]["total_tokens"] > 0
    assert fake_openai.requests == [{"model": "m", "messages": [{"role": "user", "content": "hi"}]}]


def test_magnet_sample_runs_end_to_end_through_the_fake_server(fake_openai, tmp_path, monkeypatch):
    """The whole pipeline (walk, ops, loop, execution, verification) with this backend."""
    from click.testing import CliRunner

    from magnet_graph.cli import cli

    monkeypatch.setenv("OPENAI_API_KEY", KEY)  # litellm reads the key from the environment here
    out = tmp_path / "llm.jsonl"
    args = ["sample", "-n", "2", "--seed", "3", "-o", str(out), "-q", "--model", "openai/test-model", "--api-base", fake_openai.base_url]
    result = CliRunner().invoke(cli, args)
    assert out.exists(), result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records, result.output
    for record in records:
        assert record["provenance"]["backend"] == "litellm" and record["provenance"]["model"] == "openai/test-model"
        assert record["verification"]["passed"]
        users = [m["content"] for m in record["messages"] if m["role"] == "user"]
        assert all(u.startswith(("Step ", "Sure, the ", "You can do that now")) for u in users)  # written by the fake, via our prompts
    assert KEY not in out.read_text() and KEY not in result.output
    assert len(fake_openai.requests) > 2 * 2
    verified = CliRunner().invoke(cli, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output
