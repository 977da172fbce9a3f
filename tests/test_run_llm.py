"""The run engine with an LLM backend, against the fake OpenAI server on 127.0.0.1.

End to end through ``magnet sample --model``: verified records, the answer cache, shards,
tokens and cost, ``--max-cost``, the concurrency limit, and the API key kept out of sight.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import orjson
import pytest
from click.testing import CliRunner

from fake_openai import FakeOpenAI, capacity, error
from magnet_graph.cache import ResponseCache
from magnet_graph.cli import cli
from magnet_graph.translate.llm import LiteLLMBackend

KEY = "sk-live-DO-NOT-LEAK-0123456789"


@pytest.fixture(autouse=True)
def _api_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


def _sample(fake: FakeOpenAI, out, *extra: str, n: int = 6, seed: int = 3):
    args = ["sample", "-n", str(n), "--seed", str(seed), "-o", str(out), "-q",
            "--model", "openai/test-model", "--api-base", fake.base_url, "--report", str(out) + ".report.json", *extra]  # fmt: skip
    return CliRunner().invoke(cli, args)


def _records(path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _report(out) -> dict:
    return orjson.loads(open(str(out) + ".report.json", "rb").read())


def _verify(path) -> None:
    res = CliRunner().invoke(cli, ["verify", str(path)])
    assert res.exit_code == 0, res.output


def test_model_run_writes_verified_records_with_usage(fake_openai, tmp_path):
    out = tmp_path / "llm.jsonl"
    res = _sample(fake_openai, out, n=8)
    assert res.exit_code == 0, res.output
    recs = _records(out)
    assert [r["slot"] for r in recs] == list(range(8))
    _verify(out)
    report = _report(out)
    prompt, completion = fake_openai.usage()
    assert report["llm"]["calls"] == len(fake_openai.requests)
    assert report["llm"]["tokens"] == prompt + completion  # every request was answered (no faults)
    for r in recs:
        prov = r["provenance"]
        assert prov["backend"] == "litellm" and prov["model"] == "openai/test-model"
        assert prov["llm_calls"] >= len(r["turns"]) and prov["tokens"] > 0
    # records count their own attempts, failed ones included, cached answers included
    assert sum(r["provenance"]["llm_calls"] for r in recs) == report["records"]["llm_calls"]
    assert report["records"]["llm_calls"] <= report["llm"]["calls"] + report["llm"]["cache_hits"]
    assert "LLM requests" in res.output and "faults" in res.output


def test_a_rerun_makes_no_llm_call_and_no_cache_does(fake_openai, tmp_path):
    out = tmp_path / "a.jsonl"
    assert _sample(fake_openai, out, n=4).exit_code == 0
    first = out.read_bytes()
    sent = len(fake_openai.requests)
    repeated = _report(out)["llm"]["cache_hits"]  # a request asked twice in one run is sent once
    res = _sample(fake_openai, out, "--overwrite", n=4)
    assert res.exit_code == 0, res.output
    assert len(fake_openai.requests) == sent  # zero calls: every answer came from the cache
    assert out.read_bytes() == first  # provenance counts cached answers too: same bytes
    report = _report(out)
    assert report["llm"]["calls"] == 0 and report["llm"]["cache_hits"] > 0
    res = _sample(fake_openai, out, "--overwrite", "--no-cache", n=4)
    assert res.exit_code == 0 and len(fake_openai.requests) == 2 * sent + repeated
    assert out.read_bytes() == first  # the fake answers deterministically: same bytes again
    other = tmp_path / "cache2"
    assert _sample(fake_openai, out, "--overwrite", "--cache-dir", str(other), n=4).exit_code == 0
    assert len(fake_openai.requests) == 3 * sent + repeated and any(other.rglob("*.json"))


def test_llm_shards_concatenate_to_the_full_run(fake_openai, tmp_path):
    full = tmp_path / "full.jsonl"
    assert _sample(fake_openai, full, "--no-cache", n=4, seed=3).exit_code == 0
    parts = []
    for i in range(3):
        part = tmp_path / f"s{i}.jsonl"
        res = _sample(fake_openai, part, "--no-cache", "--shard", f"{i}/3", "--concurrency", "3", n=4, seed=3)
        assert res.exit_code == 0, res.output
        parts.append(part.read_bytes())
    assert b"".join(parts) == full.read_bytes()


def test_prices_give_cost_per_record_and_in_total(fake_openai, tmp_path):
    out = tmp_path / "cost.jsonl"
    res = _sample(fake_openai, out, "--price-in", "1000", "--price-out", "3000", "--no-cache")
    assert res.exit_code == 0, res.output
    prompt, completion = fake_openai.usage()
    spent = prompt * 1000 / 1e6 + completion * 3000 / 1e6
    report = _report(out)
    assert report["llm"]["cost_usd"] == pytest.approx(spent)
    recs = _records(out)
    assert all(r["provenance"]["cost_usd"] > 0 for r in recs)
    assert sum(r["provenance"]["cost_usd"] for r in recs) == pytest.approx(report["records"]["cost_usd"], abs=1e-6)
    assert report["records"]["cost_usd"] <= spent + 1e-6  # dropped attempts of no record cost too
    assert f"${spent:.4f}" in res.output


def test_max_cost_stops_cleanly_and_the_same_command_continues(fake_openai, tmp_path):
    prices = ["--price-in", "1000", "--price-out", "1000"]
    ref = tmp_path / "ref.jsonl"
    assert _sample(fake_openai, ref, *prices, "--no-cache", n=6, seed=2).exit_code == 0
    sent = len(fake_openai.requests)
    out = tmp_path / "budget.jsonl"
    budget = _report(ref)["llm"]["tokens"] * 1000 / 1e6 / 3  # about a third of the job
    res = _sample(fake_openai, out, *prices, "--max-cost", f"{budget:.6f}", "--concurrency", "2", n=6, seed=2)
    assert res.exit_code == 3, res.output
    assert "cost limit" in res.output and "higher --max-cost" in res.output
    report = _report(out)
    assert report["stop_reason"] == "max_cost" and report["unfinished"] > 0
    assert report["llm"]["cost_usd"] >= budget
    partial = out.read_bytes()
    assert ref.read_bytes().startswith(partial) and partial.endswith(b"\n")  # whole records, slot order
    if partial:
        _verify(out)
    before = len(fake_openai.requests)
    res = _sample(fake_openai, out, *prices, n=6, seed=2)  # same command without the budget
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == ref.read_bytes()
    assert len(fake_openai.requests) - before < sent  # what was paid for once came from the cache


def test_max_cost_needs_a_price(fake_openai, tmp_path):
    res = _sample(fake_openai, tmp_path / "x.jsonl", "--max-cost", "1")
    assert res.exit_code != 0 and "--price-in" in str(res.exception) + res.output
    assert not fake_openai.requests


def test_concurrency_is_bounded_and_lowered_on_429(tmp_path):
    with FakeOpenAI(responder=capacity(2, delay=0.02)) as fake:
        out = tmp_path / "c.jsonl"
        res = _sample(fake, out, "--concurrency", "6", "--no-cache", "--backoff", "0.01", "--retries", "8", n=6)
        assert res.exit_code == 0, res.output
        assert fake.max_in_flight <= 6
    report = _report(out)
    conc = report["llm"]["concurrency"]
    assert report["llm"]["faults"]["rate_limit"] > 0
    assert conc["maximum"] == 6 and conc["cuts"] >= 1 and conc["lowest"] <= 3
    assert len(_records(out)) == 6
    _verify(out)


def test_concurrency_limit_is_reached_not_exceeded(fake_openai, tmp_path):
    fake_openai.responder = capacity(100, delay=0.02)
    res = _sample(fake_openai, tmp_path / "k.jsonl", "--concurrency", "4", "--no-cache", n=4)
    assert res.exit_code == 0, res.output
    assert fake_openai.max_in_flight == 4


def test_the_api_key_never_shows(fake_openai, tmp_path):
    """Faults that echo the key, then a 401: the run stops with one line; the key is nowhere."""
    leak = f"upstream saw Authorization: Bearer {KEY} and api_key={KEY}"
    fake_openai.script([error(500, message=leak), error(500, message=leak), error(401, message=f"Incorrect API key provided: {KEY}")])
    out = tmp_path / "k.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "magnet_graph", "sample", "-n", "3", "-o", str(out), "--model", "openai/test-model",
         "--api-base", fake_openai.base_url, "--backoff", "0", "--concurrency", "1", "--cache-dir", str(tmp_path / "c"),
         "--report", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("error: the backend stopped: auth"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert fake_openai.request_headers[0]["authorization"] == f"Bearer {KEY}"  # it was sent, to the server only
    assert len(fake_openai.requests) == 3  # stopped at the 401: no more requests
    written = [proc.stdout, proc.stderr] + [p.read_bytes().decode() for p in tmp_path.rglob("*") if p.is_file()]
    assert all(KEY not in text for text in written)
    assert "***" in (tmp_path / "r.json").read_text()  # the echoed key was scrubbed, not dropped silently


def test_a_repeated_request_is_a_new_sample_then_comes_from_the_cache(fake_openai, tmp_path):
    """Asking the same thing twice in one conversation (a retry) asks the model twice; a rerun
    of the conversation gets both answers back from the cache, in the same order."""
    backend = LiteLLMBackend("openai/test-model", api_base=fake_openai.base_url, cache=ResponseCache(tmp_path / "c"))
    messages = [{"role": "user", "content": "Say something."}]

    async def conversation() -> list[str]:
        backend.track_usage()
        return [(await backend._complete(messages, None))["message"]["content"] for _ in range(2)]

    fake_openai.script(["first answer", "second answer"])
    assert asyncio.run(conversation()) == ["first answer", "second answer"]
    assert asyncio.run(conversation()) == ["first answer", "second answer"]
    assert len(fake_openai.requests) == 2 and backend.calls == 2 and backend.cache_hits == 2
