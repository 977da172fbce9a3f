"""Fault injection: a local OpenAI-compatible server fails about 30 % of the requests.

429 with Retry-After, 500, replies that hang past the client's timeout, HTTP bodies that are
not JSON, and well-formed replies with bad contents (an unknown tool, broken JSON). The run
must complete, every record must pass ``magnet verify``, and the faults must be counted.
"""

from __future__ import annotations

import orjson
from click.testing import CliRunner

from fake_openai import FakeOpenAI, faulty
from magnet_graph.cli import cli


def test_a_run_survives_30_percent_faults(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fault-test-key-123456")
    responder = faulty(0.3, seed=11, hang=1.5)
    out, report_file = tmp_path / "faults.jsonl", tmp_path / "report.json"
    with FakeOpenAI(responder=responder) as fake:
        res = CliRunner().invoke(cli, [
            "sample", "-n", "6", "--seed", "3", "-o", str(out), "-q", "--no-cache",
            "--model", "openai/test-model", "--api-base", fake.base_url,
            "--timeout", "0.5", "--backoff", "0.01", "--retries", "4", "--concurrency", "6",
            "--report", str(report_file),
        ])  # fmt: skip
        sent = len(fake.requests)
    assert res.exit_code == 0, res.output
    injected = responder.injected
    assert sum(injected.values()) > 0.2 * sent  # the server really failed ~30 %
    assert set(injected) == {"rate_limit", "server_error", "hang", "malformed", "content"}

    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["slot"] for r in records] == list(range(6))
    verified = CliRunner().invoke(cli, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output

    faults = orjson.loads(report_file.read_bytes())["llm"]["faults"]
    assert faults["rate_limit"] == injected["rate_limit"]
    assert faults["timeout"] >= injected["hang"]  # (a slow machine may time out a normal reply too)
    assert faults["server_error"] == injected["server_error"] + injected["malformed"]
    # a bad content is a fault where a tool call or JSON is expected (a free-text summary takes anything)
    assert 0 < faults.get("unknown_tool", 0) + faults.get("bad_json", 0) <= injected["content"]
    assert faults["unknown_tool"] > 0 and faults["bad_json"] > 0
    for kind in ("rate_limit", "server_error", "timeout", "unknown_tool"):
        assert f"{kind}: {faults[kind]}" in res.output  # the summary counts them too
