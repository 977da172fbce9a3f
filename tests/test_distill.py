"""Preference pairs: every rejected side is really wrong, every chosen side right, and the
pairs are a direct projection to TRL's DPO rows. Records are real `magnet sample` output."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.catalog import load_catalogs
from magnet_graph.cli import cli, main
from magnet_graph.distill import (
    ERROR_TYPES,
    Negative,
    build_negative,
    check_against,
    distill_file,
    matches_ground_truth,
    offline_pairs,
    pair_records,
    parse_types,
)
from magnet_graph.distill.checker import contains_token, summary_failures
from magnet_graph.distill.negatives import derive_summary, retarget
from magnet_graph.distill.trace import arg_origins, find_bounded, leaves
from magnet_graph.translate.vocab import SUMMARY_OPENERS
from magnet_graph.errors import OptionError


def _read(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("distill") / "data.jsonl"
    result = CliRunner().invoke(cli, ["sample", "-n", "30", "-o", str(out), "-q", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def records(sample) -> list[dict]:
    return _read(sample)


@pytest.fixture(scope="module")
def catalog():
    return load_catalogs([])


@pytest.fixture(scope="module")
def pairs_file(sample, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pairs") / "pairs.jsonl"
    result = CliRunner().invoke(cli, ["distill", str(sample), "-o", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_every_type_is_made_and_the_checker_rejects_every_rejected_side(pairs_file, records, catalog):
    pairs = _read(pairs_file)
    by_id = {r["id"]: r for r in records}
    made = Counter(p["error_type"] for p in pairs)
    assert set(made) == set(ERROR_TYPES), made
    for pair in pairs:
        source = by_id[pair["source_id"]]
        chosen, rejected = pair_records(pair, source, catalog=catalog)
        assert check_against(chosen, source, catalog=catalog) == [], pair["id"]
        failures = check_against(rejected, source, catalog=catalog)
        assert failures, f"{pair['error_type']} pair {pair['id']} was not rejected: {pair['detail']}"
        # the outputs on the rejected side are real: replaying its calls reproduces them
        assert not [f for f in failures if f.startswith("replay:")], failures


def test_each_type_fails_for_its_own_reason(pairs_file, records, catalog):
    pairs = _read(pairs_file)
    by_id = {r["id"]: r for r in records}
    codes: dict[str, Counter] = {t: Counter() for t in ERROR_TYPES}
    for pair in pairs:
        source = by_id[pair["source_id"]]
        _, rejected = pair_records(pair, source, catalog=catalog)
        codes[pair["error_type"]].update({f.split(":", 1)[0] for f in check_against(rejected, source, catalog=catalog)})
    n = Counter(p["error_type"] for p in pairs)
    # a wrong summary keeps the calls: only the summary check can catch it
    assert codes["wrong_summary"]["summary"] == n["wrong_summary"]
    assert codes["wrong_summary"]["calls"] == 0
    # a missed nested call leaves a call out: the record check sees it on every pair
    assert codes["nested_call_missed"]["calls"] == n["nested_call_missed"]
    # a misused same-turn value is grounded (it is in an output) yet differs from the ground truth
    assert codes["same_turn_output_misused"]["calls"] == n["same_turn_output_misused"]
    for error_type in ("long_dependency_missed", "call_vs_ask"):
        assert codes[error_type]["calls"] == n[error_type]


def test_pairs_share_the_prompt_and_project_to_trl_dpo(pairs_file, records):
    by_id = {r["id"]: r for r in records}
    for pair in _read(pairs_file):
        source = by_id[pair["source_id"]]
        t = pair["turn"]
        prompt = pair["prompt"]
        assert prompt == source["messages"][: len(prompt)]
        assert prompt[-1]["role"] == "user"
        assert source["turns"][t]["messages"][0] < len(prompt) <= source["turns"][t]["messages"][1]
        assert pair["chosen"] == source["messages"][len(prompt): source["turns"][t]["messages"][1]]
        assert pair["chosen"] != pair["rejected"]
        for side in (pair["chosen"], pair["rejected"]):
            assert side[-1]["role"] == "assistant" and isinstance(side[-1]["content"], str)
            assert all(m["role"] in ("assistant", "tool") for m in side)
        offered = source["turns"][t]["tools"]
        assert [x["function"]["name"] for x in pair["tools"]] == [x["name"] for x in source["tools"] if x["name"] in offered]
        row = {k: pair[k] for k in ("prompt", "chosen", "rejected", "tools")}
        assert all(isinstance(row[k], list) for k in row)


def test_same_seed_same_bytes_and_every_miss_is_counted(sample, tmp_path, catalog):
    resolver = lambda ids: catalog  # noqa: E731
    a = distill_file(sample, tmp_path / "a.jsonl", catalog_resolver=resolver, seed=7)
    b = distill_file(sample, tmp_path / "b.jsonl", catalog_resolver=resolver, seed=7)
    c = distill_file(sample, tmp_path / "c.jsonl", catalog_resolver=resolver, seed=8)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() != (tmp_path / "c.jsonl").read_bytes()
    assert a.pairs == b.pairs
    for report in (a, c):
        for error_type in ERROR_TYPES:
            missed = sum(n for (t, _), n in report.missed.items() if t == error_type)
            assert report.pairs[error_type] + missed == report.records == 30
    assert all(reason and ":" not in reason for _, reason in a.missed)


def test_a_record_failing_verification_gives_no_pair(records, catalog):
    bad = json.loads(json.dumps(records[0]))
    bad["turns"][-1]["calls"][-1]["output"] = {"tampered": True}
    pairs, missed = offline_pairs(bad, catalog=catalog, types=("wrong_summary", "call_vs_ask"))
    assert pairs == []
    assert [t for t, _ in missed] == ["wrong_summary", "call_vs_ask"]
    assert all(reason.startswith("bad_record") for _, reason in missed)


def test_a_record_without_the_needed_structure_says_why(catalog):
    record = {
        "id": "x", "seed": 1, "catalogs": [], "toolkits": [], "initial_state": {}, "end_state": {}, "tools": [],
        "path": [{"funcs": [], "tags": ["walk"], "source": None}],
        "turns": [{"index": 0, "kind": "normal", "tags": [], "source": None, "tools": [], "calls": [], "missing": None, "messages": [0, 2]}],
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
    }
    for error_type, reason in (("nested_call_missed", "no_nested_call"), ("same_turn_output_misused", "no_same_turn_dependency"),
                               ("long_dependency_missed", "no_long_dependency"), ("wrong_summary", "no_value_in_summary"),
                               ("call_vs_ask", "no_call_or_ask_site")):
        assert build_negative(record, error_type, catalog=catalog, seed=0) == reason


def test_matches_ground_truth_compares_calls_outputs_state_and_summary(records, catalog):
    ref = next(r for r in records if any(t["calls"] for t in r["turns"]) and r["initial_state"])
    assert matches_ground_truth(ref, ref) == []
    assert matches_ground_truth(ref, ref, catalog=catalog) == []
    t = next(i for i, turn in enumerate(ref["turns"]) if turn["calls"])
    cand = json.loads(json.dumps(ref))
    call = cand["turns"][t]["calls"][0]
    key = next(iter(call["arguments"]), None)
    if key is not None:
        call["arguments"][key] = "something-else-42"
        codes = {f.split(":", 1)[0] for f in matches_ground_truth(cand, ref, catalog=catalog)}
        assert "calls" in codes
    cand = json.loads(json.dumps(ref))
    cand["turns"][t]["calls"][0]["output"] = {"different": 1}
    assert any(f.startswith("outputs:") for f in matches_ground_truth(cand, ref))
    cand = json.loads(json.dumps(ref))
    end = cand["turns"][t]["messages"][1]
    cand["messages"][end - 1]["content"] += " The total is 987654.32."
    assert any(f.startswith("summary:") and "987654.32" in f for f in matches_ground_truth(cand, ref))
    cand = json.loads(json.dumps(ref))
    kit = next(iter(cand["end_state"]))
    cand["end_state"][kit] = {"changed": True}
    assert any(f.startswith("state:") for f in matches_ground_truth(cand, ref))
    cand = json.loads(json.dumps(ref))
    cand["turns"] = cand["turns"][:-1]
    if cand["turns"]:
        assert any(f.startswith("turns:") for f in matches_ground_truth(cand, ref))


def test_state_is_compared_after_every_turn(records, catalog):
    """Repeating a state-changing call leaves a different state after that turn."""
    caught = 0
    for ref in records:
        for t, turn in enumerate(ref["turns"]):
            for call in turn["calls"]:
                cand = json.loads(json.dumps(ref))
                cand["turns"][t]["calls"].append(dict(call, id="call_dup"))
                failures = matches_ground_truth(cand, ref, catalog=catalog)
                assert any(f.startswith(f"calls: turn {t} makes") for f in failures)
                caught += any(f.startswith(f"state: after turn {t}") for f in failures)
    assert caught > 0
    ref = records[0]
    cand = json.loads(json.dumps(ref))
    cand["initial_state"] = {k: dict(v, __extra__=1) for k, v in cand["initial_state"].items()}
    if cand["initial_state"]:
        assert any("initial states differ" in f for f in matches_ground_truth(cand, ref, catalog=catalog))


def test_parse_types():
    assert parse_types("1,5") == ("nested_call_missed", "call_vs_ask")
    assert parse_types("wrong_summary,4") == ("wrong_summary",)
    assert parse_types("") == ERROR_TYPES
    with pytest.raises(OptionError, match="--types"):
        parse_types("6")


def test_cli_errors_are_one_line(sample, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["distill", str(sample), "-o", str(tmp_path / "p.jsonl"), "--types", "nope"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --types") and "\n" not in err
    with pytest.raises(SystemExit):
        main(["distill", str(sample), "-o", str(tmp_path / "p.jsonl"), "--api-base", "http://127.0.0.1:9"])
    assert "--api-base needs a model" in capsys.readouterr().err


def test_simulated_tools_give_real_negatives_too(shared_catalogs, tmp_path):
    """Over a catalog without implementations (BFCL docs), outputs are simulated; the
    negatives are still re-executed and rejected."""
    docs = shared_catalogs / "bfcl_v3_multi_turn"
    data = tmp_path / "b.jsonl"
    result = CliRunner().invoke(cli, ["sample", "--catalog", str(docs), "-n", "12", "-o", str(data), "-q"])
    assert result.exit_code == 0, result.output
    catalog = load_catalogs([str(docs)])
    records = _read(data)
    made = Counter()
    for record in records:
        pairs, _ = offline_pairs(record, catalog=catalog, seed=2)
        for pair in pairs:
            made[pair["error_type"]] += 1
            chosen, rejected = pair_records(pair, record, catalog=catalog)
            assert not check_against(chosen, record, catalog=catalog)
            failures = check_against(rejected, record, catalog=catalog)
            assert failures and not [f for f in failures if f.startswith("replay:")]
    assert sum(made.values()) >= 12


def test_build_negative_is_deterministic(records, catalog):
    for error_type in ERROR_TYPES:
        outs = [build_negative(r, error_type, catalog=catalog, seed=5) for r in records[:10]]
        again = [build_negative(r, error_type, catalog=catalog, seed=5) for r in records[:10]]
        for a, b in zip(outs, again):
            if isinstance(a, Negative):
                assert orjson.dumps(a.record) == orjson.dumps(b.record) and a.detail == b.detail
            else:
                assert a == b


# ----------------------------------------------------------------------------------------
# With models: a local fake server plays student, judge and teacher
# ----------------------------------------------------------------------------------------


def _roles_responder(records, *, judge_label):
    """Student: always asks back (no call). Judge: ``judge_label`` (or malformed JSON when
    None). Teacher: follows the [Hint]: the listed reference calls, or text only."""
    from fake_openai import text, tool_calls

    calls_for = {}
    for r in records:
        for turn in r["turns"]:
            start, end = turn["messages"]
            for m in r["messages"][start:end]:
                if m["role"] == "user":
                    calls_for[m["content"]] = turn["calls"]

    def respond(body):
        messages = body["messages"]
        if not body.get("tools"):
            if judge_label is None:
                return text("I think it is {not json")
            return text(json.dumps({"error_type": judge_label, "reason": "asked instead of calling"}))
        hints = [m["content"] for m in messages if m["role"] == "system" and "[Hint]" in (m.get("content") or "")]
        if not hints:
            return text("Which one do you mean exactly?")
        last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
        done = any(m["role"] == "tool" for m in messages[last_user:])
        if "with these calls" in hints[-1] and not done:
            wanted = calls_for[messages[last_user]["content"]]
            return tool_calls(*[(c["name"], c["arguments"]) for c in wanted])
        return text("All done, as you asked.")

    return respond


def test_llm_pairs_label_and_reproduce_the_students_errors(sample, records, catalog, fake_openai, tmp_path):
    from magnet_graph.distill.llm import LLMRoles, llm_maker

    fake_openai.responder = _roles_responder(records[:4], judge_label="long_dependency_missed")  # the records it answers for
    roles = LLMRoles(student="openai/student", teacher="openai/teacher", judge="openai/judge",
                     api_base=fake_openai.base_url, api_key="sk-test-not-real")
    few = tmp_path / "few.jsonl"
    few.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records[:4]))
    out = tmp_path / "pairs.jsonl"
    report = distill_file(few, out, catalog_resolver=lambda ids: catalog, types=("long_dependency_missed",),
                          maker=llm_maker(roles, types=("long_dependency_missed",), seed=1))
    pairs = _read(out)
    assert report.records == 4 and len(pairs) == report.pairs["long_dependency_missed"] == 4
    by_id = {r["id"]: r for r in records}
    for pair in pairs:
        assert pair["error_type"] == "long_dependency_missed" and pair["method"] == "llm-teacher-misled"
        source = by_id[pair["source_id"]]
        chosen, rejected = pair_records(pair, source, catalog=catalog)
        assert check_against(rejected, source, catalog=catalog)
        assert not check_against(chosen, source, catalog=catalog)
        assert pair["chosen"][-1]["content"] == "All done, as you asked."  # the teacher's own answer
        stored = orjson.dumps(pair).decode()
        assert "[Hint]" not in stored
    hinted = [b for b in fake_openai.requests if any("[Hint]" in (m.get("content") or "") for m in b["messages"])]
    assert hinted and all(b["model"] in ("teacher", "openai/teacher") for b in hinted)
    students = [b for b in fake_openai.requests if b["model"] in ("student", "openai/student")]
    assert students and not any("[Hint]" in (m.get("content") or "") for b in students for m in b["messages"])


def test_llm_judge_reply_unusable_falls_back_to_rules(records, catalog, fake_openai):
    from magnet_graph.distill.llm import LLMRoles, llm_maker

    fake_openai.responder = _roles_responder(records, judge_label=None)
    roles = LLMRoles(student="openai/student", judge="openai/judge", api_base=fake_openai.base_url, api_key="sk-x")
    make = llm_maker(roles, types=ERROR_TYPES, seed=0)
    record = next(r for r in records if r["turns"][0]["kind"] == "normal")
    pairs, missed = make(record, catalog)
    by_type = {p["error_type"]: p for p in pairs}
    # the student asks instead of calling: turn 0 takes nothing from history, so call-vs-ask
    assert by_type["call_vs_ask"]["turn"] == 0
    # a later turn whose arguments come from an earlier output is a missed long dependency
    for p in pairs:
        assert p["method"] == "llm-student" and p["rejected"][-1]["content"] == "Which one do you mean exactly?"
        origins = arg_origins(record, p["turn"], {t["name"]: t["parameters"] for t in record["tools"]})
        assert any(o.kind == "history" for o in origins) == (p["error_type"] == "long_dependency_missed")
    assert {t for t, _ in missed} == set(ERROR_TYPES) - {p["error_type"] for p in pairs}


# ----------------------------------------------------------------------------------------
# Rejected texts: the chosen filler, only the changed values, truthful about the rejected side
# ----------------------------------------------------------------------------------------

_VALUE = re.compile(r"\w+(?:[.\-/:@]\w+)*")


def _tokens(text: str) -> set[str]:
    return set(_VALUE.findall(text))


def _value_tokens(calls: list[dict]) -> set[str]:
    """The words of the calls' argument and output values (a boolean may read "not", "yes", "no"),
    and of the output fields holding them: which fields a summary states depends on the values
    (a created file is stated by its path, one not created by its file name)."""
    out: set[str] = set()
    for call in calls:
        for value in (call.get("output"), call.get("arguments")):
            for path, leaf in leaves(value):
                out |= {"not", "yes", "no"} if isinstance(leaf, bool) else _tokens(str(leaf))
                words = {w for key in path if isinstance(key, str) for w in _tokens(key.replace("_", " "))}
                out |= words | {w.capitalize() for w in words}  # a label may open a sentence
    return out


def _shape(calls: list[dict]) -> list:
    """Each call's name and output fields, with the empty ones marked: a summary leaves an empty
    value out together with its label (a folder's ``extension``), so that is not a value change."""
    return [(c["name"], sorted((repr(p), v is None or v == "") for p, v in leaves(c.get("output")))) for c in calls]


def _count(text: str, token: str) -> int:
    """How often ``token`` occurs in ``text`` as a whole token (see ``contains_token``)."""
    n, at = 0, find_bounded(text, token)
    while at != -1:
        n, at = n + 1, find_bounded(text, token, start=at + len(token))
    return n


def _opener(text: str) -> str:
    return max((o for o in SUMMARY_OPENERS if o and text.startswith(o + " ")), key=len, default="")


@pytest.fixture(scope="module")
def sides(tmp_path_factory, catalog) -> list[tuple[dict, dict, dict, dict]]:
    """``(pair, source, chosen record, rejected record)`` for every pair of `magnet sample -n 40`."""
    folder = tmp_path_factory.mktemp("texts")
    data, out = folder / "data.jsonl", folder / "pairs.jsonl"
    result = CliRunner().invoke(cli, ["sample", "-n", "40", "-o", str(data), "-q", "--seed", "5"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["distill", str(data), "-o", str(out), "--seed", "4", "-q"])
    assert result.exit_code == 0, result.output
    by_id = {r["id"]: r for r in _read(data)}
    rows = []
    for pair in _read(out):
        source = by_id[pair["source_id"]]
        rows.append((pair, source, *pair_records(pair, source, catalog=catalog)))
    assert {p["error_type"] for p, *_ in rows} == set(ERROR_TYPES)
    return rows


def test_every_pair_of_the_40_sample_passes_the_checks(sides, catalog):
    for pair, source, chosen, rejected in sides:
        assert check_against(chosen, source, catalog=catalog) == [], pair["id"]
        assert check_against(rejected, source, catalog=catalog), f"{pair['error_type']}: {pair['detail']}"


def test_rejected_texts_keep_the_chosen_filler(sides):
    """Where the chosen side summarizes calls, the rejected text opens as the chosen does;
    where only values changed (the same calls, outputs of the same shape), the words it does not share with the chosen text are values
    of the rejected calls, and the two texts share almost every word."""
    value_only = 0
    for error_type in ERROR_TYPES[:3] + ERROR_TYPES[4:]:
        for pair, source, _, rejected in (row for row in sides if row[0]["error_type"] == error_type):
            t = pair["turn"]
            ours, theirs = source["turns"][t]["calls"], rejected["turns"][t]["calls"]
            chosen_text, text = pair["chosen"][-1]["content"], pair["rejected"][-1]["content"]
            if not ours or not theirs:
                continue  # a refusal or a question against calls: no filler to share
            opener = _opener(chosen_text)
            assert text.startswith(opener), (error_type, chosen_text, text)
            if _shape(ours) != _shape(theirs) or text.endswith("?"):
                continue  # a call left out or failing, a list of another length, a question: not values alone
            value_only += 1
            added, removed = _tokens(text) - _tokens(chosen_text), _tokens(chosen_text) - _tokens(text)
            assert added <= _value_tokens(theirs), (error_type, added - _value_tokens(theirs), chosen_text, text)
            assert removed <= _value_tokens(ours), (error_type, removed - _value_tokens(ours), chosen_text, text)
            union = _tokens(text) | _tokens(chosen_text)
            shared = len(_tokens(text) & _tokens(chosen_text)) / len(union)
            assert shared >= 0.6 or len(union) < 6, (chosen_text, text)  # "Value: 1." vs "Value: 2." share half
    assert value_only >= 3


def test_rejected_summaries_state_the_rejected_outputs(sides):
    """No stale value: a value the chosen text states whose call output changed is stated as
    the rejected output has it (except for wrong_summary, which lies on purpose)."""
    checked = 0
    for pair, source, _, rejected in sides:
        t = pair["turn"]
        if pair["error_type"] != "wrong_summary":
            assert summary_failures(rejected, t) == [], pair["detail"]
        ours, theirs = source["turns"][t]["calls"], rejected["turns"][t]["calls"]
        if pair["error_type"] == "wrong_summary" or not ours or [c["name"] for c in ours[: len(theirs)]] != [c["name"] for c in theirs]:
            continue
        chosen_text, text = pair["chosen"][-1]["content"], pair["rejected"][-1]["content"]
        now = {repr(v) for c in theirs for _, v in leaves(c["output"])} | {repr(v) for c in theirs for _, v in leaves(c["arguments"])}
        for old_call, new_call in zip(ours, theirs):
            new_leaves = dict(leaves(new_call["output"]))
            for path, old in leaves(old_call["output"]):
                new = new_leaves.get(path, old)
                if path not in new_leaves or new == old or not isinstance(old, (str, int, float)) or isinstance(old, bool):
                    continue
                old_s, new_s = str(old), str(new)
                if len(old_s) < 3 or not contains_token(chosen_text, old_s) or repr(old) in now:
                    continue
                checked += 1
                # the stale value is gone where it was stated; a value that is also a plain word
                # ("file") may still occur as that word, so count occurrences
                assert _count(text, old_s) < _count(chosen_text, old_s), (pair["error_type"], old_s, text)
                if new_s:  # an empty value is left out of a summary, label and all
                    assert contains_token(text, new_s), (pair["error_type"], new_s, text)
    assert checked >= 3


def test_retarget_replaces_the_matching_occurrence_only():
    before = "found 2 hotels: HTL-1 (total 163.85) and HTL-2 (total 99.5), the total cost is 163.85"
    after = "found 2 hotels: HTL-1 (total 163.85) and HTL-2 (total 99.5), the total cost is 819.25"
    text = "there are 2 hotels: HTL-1 (total 163.85) and HTL-2 (total 99.5), total cost: 163.85"
    assert retarget(text, before, after) == "there are 2 hotels: HTL-1 (total 163.85) and HTL-2 (total 99.5), total cost: 819.25"
    named = retarget("company: 'Northwind Analytics' and phone: '555-0100'", "the company is 'Northwind Analytics' and the phone is '555-0100'",
                     "the company is '555-0100' and the phone is '555-0100'")
    assert named == "company: '555-0100' and phone: '555-0100'"
    # the text does not state the changed value as often as the rendering: no edit
    assert retarget("the total cost is 163.85", before, after) is None


def test_derive_summary_keeps_opener_and_drops_left_out_sentences(catalog):
    tool = catalog.tool(next(iter(t.name for t in catalog.tools)))  # any tool: the summarizer only reads its name
    items = [(tool, {}, {"total": 12.5, "status": "paid"}), (tool, {}, {"count": 3, "ref": "AB-77"})]
    base = derive_summary("", items, items, [None, None], seed=1)  # generated: no chosen text to follow
    chosen = "Finished. " + base if _opener(base) == "" else base
    opener = _opener(chosen)
    same = derive_summary(chosen, items, items, [0, 1], seed=9)
    assert same == chosen
    changed = derive_summary(chosen, items, [items[0], (tool, {}, {"count": 3, "ref": "AB-78"})], [0, 1], seed=9)
    assert changed == chosen.replace("AB-77", "AB-78")
    dropped = derive_summary(chosen, items, [items[1]], [1], seed=9)
    assert dropped.startswith(opener + " ") and "12.5" not in dropped and "AB-77" in dropped
