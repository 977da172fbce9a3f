"""`magnet extract --model`: the LLM stages and the trajectory synthesizer, against a local fake server."""

from __future__ import annotations

import json

import orjson
import pytest
from click.testing import CliRunner

from fake_openai import text
from magnet_graph.cli import cli
from magnet_graph.text.pipeline import ExtractConfig, run_extract

EMAIL = ("How to change your email address in the Lumo app\n1. Open the Lumo app and sign in.\n2. Tap the Settings "
         "tab.\n3. Select Account.\n4. Enter your new email address and tap Save.\nYou must be signed in to change "
         "your email. You can change your email address up to 3 times per month.")


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")


def _input(tmp_path, *texts):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": f"t{i}", "text": t}) + b"\n" for i, t in enumerate(texts)))
    return path


def _lines(path):
    return [orjson.loads(x) for x in path.read_bytes().splitlines() if x.strip()]


FILTER = {"relevant": True, "domain": "apps", "platform": "mobile app", "task": "change email address",
          "product": "Lumo"}
STEPS = {"title": "Change your email in Lumo",
         "steps": [{"text": "Sign in to Lumo."}, {"text": "Tap Settings."}, {"text": "Select Account."},
                   {"text": "Enter the new email address."}, {"text": "Tap Save."}],
         "rules": ["You must be signed in to change your email",
                   "You can change your email address up to 3 times per month"]}


def _extract(args):
    return CliRunner().invoke(cli, ["extract", *args])


def test_llm_stages_filter_extract_and_judge(fake_openai, tmp_path):  # noqa: F811
    fake_openai.script([text(json.dumps(FILTER)), text(json.dumps(STEPS)),
                        text('```json\n{"verdict": "pass", "rule": "", "reason": "grounded"}\n```')])
    out = tmp_path / "out"
    res = _extract([str(_input(tmp_path, EMAIL)), "-o", str(out), "--model", "openai/test-model",
                    "--api-base", fake_openai.base_url])
    assert res.exit_code == 0, res.output
    assert len(fake_openai.requests) == 3 and fake_openai.pending == 0
    assert "Tap the Settings tab" in fake_openai.requests[0]["messages"][-1]["content"]
    assert "R1 invented arguments" in fake_openai.requests[2]["messages"][-1]["content"]
    seg = _lines(out / "segments.jsonl")[0]
    assert seg["by"] == "llm" and seg["product"] == "Lumo" and seg["task"] == "change_email_address"
    wf = _lines(out / "workflows.jsonl")[0]
    assert wf["by"] == "llm" and [s["text"] for s in wf["steps"]][1] == "Tap Settings."
    assert any(r["requires"] == "sign_in" for r in wf["rules"] if "requires" in r)
    record = _lines(out / "conversations.jsonl")[0]
    assert record["provenance"]["backend"] == "litellm" and record["provenance"]["model"] == "openai/test-model"
    report = orjson.loads((out / "report.json").read_bytes())
    assert report["llm"]["calls"] == 3 and report["llm"]["judge_verdicts"] == {"pass": 1}
    assert report["llm"]["fallbacks"] == {}


def test_judge_failures_drop_the_conversation(fake_openai, tmp_path):  # noqa: F811
    fake_openai.script([text(json.dumps(FILTER)), text(json.dumps(STEPS)),
                        text(json.dumps({"verdict": "fail", "rule": "R2", "reason": "claims a refund"}))])
    report = run_extract([_input(tmp_path, EMAIL)], tmp_path / "out",
                         config=ExtractConfig(model="openai/test-model", api_base=fake_openai.base_url)).to_json()
    assert report["written"] == 0 and report["drops"] == {"judge:judge_R2": 1}
    assert "claims a refund" in report["drop_examples"]["judge:judge_R2"]


def test_unusable_replies_fall_back_to_offline_and_are_counted(fake_openai, tmp_path):  # noqa: F811
    # no script: the fake answers with prose, which is not the JSON the stages ask for
    report = run_extract([_input(tmp_path, EMAIL)], tmp_path / "out",
                         config=ExtractConfig(model="openai/test-model", api_base=fake_openai.base_url)).to_json()
    assert report["llm"]["fallbacks"] == {"extract": 1, "filter": 1, "judge": 1}
    assert report["written"] == 1  # the offline stages still produce a verified conversation


SYNTH_REPLY = {
    "tools": [
        {"type": "function", "function": {
            "name": "get_account", "description": "Get the account details.",
            "parameters": {"type": "object", "properties": {}},
            "returns": {"type": "object", "properties": {"email_address": {"type": "string"}}}}},
        {"type": "function", "function": {
            "name": "update_account", "description": "Change the account's email address.",
            "parameters": {"type": "object", "properties": {"email_address": {"type": "string", "format": "email"}},
                           "required": ["email_address"]},
            "returns": {"type": "object", "properties": {"status": {"type": "string"},
                                                         "email_address": {"type": "string"}}}}},
    ],
    "conversation": [
        {"role": "system", "content": "You help users of Lumo. Rules: the email can change up to 3 times a month."},
        {"role": "user", "content": "I want to change my email address."},
        {"role": "assistant", "content": "Sure, which new email address should I use?"},
        {"role": "user", "content": "Use jane.doe@example.com please."},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function",
             "function": {"name": "update_account", "arguments": {"email_address": "jane.doe@example.com"}}}]},
        {"role": "tool", "tool_call_id": "c1", "name": "update_account",
         "content": {"status": "updated", "email_address": "jane.doe@example.com"}},
        {"role": "assistant", "content": "Done: the email address is jane.doe@example.com."},
        {"role": "user", "content": "Can you also print my account page?"},
        {"role": "assistant", "content": "I'm sorry, I'm not able to print anything: none of my tools does that."},
        {"role": "user", "content": "Then change it four more times this month."},
        {"role": "assistant", "content": "I can't do that: the rules allow at most 3 changes a month."},
    ],
}


def test_synthesizer_reply_is_parsed_and_validated(fake_openai, tmp_path):  # noqa: F811
    broken = dict(SYNTH_REPLY, tools=[{"type": "function", "function": {
        "name": "bad", "parameters": {"type": "object", "properties": {"x": {"type": "nonsense"}}}}}])
    fake_openai.script([text(json.dumps(FILTER)), text("Here you go:\n" + json.dumps(SYNTH_REPLY)),
                        text(json.dumps(FILTER)), text(json.dumps(broken))])
    out = tmp_path / "out"
    res = _extract([str(_input(tmp_path, EMAIL, EMAIL.replace("Lumo", "Orbi"))), "-o", str(out), "--model",
                    "openai/synth-1", "--api-base", fake_openai.base_url, "--synthesizer"])
    assert res.exit_code == 0, res.output
    assert "Tap the Settings tab" in fake_openai.requests[1]["messages"][-1]["content"]
    records = _lines(out / "conversations.jsonl")
    assert len(records) == 1
    rec = records[0]
    assert rec["verification"]["passed"] and "replay" not in rec["verification"]["checks"]
    kinds = [t["kind"] for t in rec["turns"]]
    assert kinds[0] == "miss_param" and rec["turns"][0]["missing"]["value"] == "jane.doe@example.com"
    tags = {tag for t in rec["turns"] for tag in t["tags"]}
    assert {"clarification", "limitation", "rule_conflict"} <= tags
    call = rec["turns"][1]["calls"][0]
    assert call["simulated"] and call["output"]["email_address"] == "jane.doe@example.com"
    report = orjson.loads((out / "report.json").read_bytes())
    assert report["stages"]["synthesize"] == {"in": 2, "out": 1, "pass_rate": 0.5}
    assert report["drops"] == {"synthesize:bad_tools": 1}
    catalogs = sorted(p.name for p in (out / "catalog").iterdir())
    assert catalogs == ["change_email_address.json"]  # the broken reply left no catalog


def test_synthesizer_output_with_an_invented_value_is_dropped(fake_openai, tmp_path):  # noqa: F811
    bad = json.loads(json.dumps(SYNTH_REPLY))
    bad["conversation"][4]["tool_calls"][0]["function"]["arguments"] = {"email_address": "someone@else.org"}
    bad["conversation"][5]["content"] = {"status": "updated", "email_address": "someone@else.org"}
    bad["conversation"][6]["content"] = "Done: the email address is someone@else.org."
    fake_openai.script([text(json.dumps(FILTER)), text(json.dumps(bad))])
    report = run_extract([_input(tmp_path, EMAIL)], tmp_path / "out",
                         config=ExtractConfig(model="openai/synth-1", api_base=fake_openai.base_url,
                                              synthesizer=True)).to_json()
    assert report["written"] == 0
    assert list(report["drops"]) in (["synthesize:grounding"], ["synthesize:R1"], ["synthesize:patterns"])
