"""Exports: every format round-trips (export, read back, compare) on real records and pairs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.catalog import load_catalogs
from magnet_graph.cli import cli, main
from magnet_graph.export import FORMATS, export_file, get_exporter, read_export
from magnet_graph.export.bfcl import call_string, parse_call, replay_entry
from magnet_graph.export.chat import NOTE_PREFIX, calls_by_turn, normalize_messages, record_example

CONVERSATION_FORMATS = ("openai", "trl-sft", "sharegpt", "hermes", "llama-factory")


def _read(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "data.jsonl"
    result = CliRunner().invoke(cli, ["sample", "-n", "30", "-o", str(out), "-q", "--seed", "11"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def records(sample) -> list[dict]:
    return _read(sample)


@pytest.fixture(scope="module")
def pairs_file(sample, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pairs") / "pairs.jsonl"
    result = CliRunner().invoke(cli, ["distill", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _turn_calls(record: dict) -> list[list[dict]]:
    return [[{"name": c["name"], "arguments": c["arguments"], "output": c["output"]} for c in t["calls"]] for t in record["turns"]]


@pytest.mark.parametrize("fmt", CONVERSATION_FORMATS)
def test_conversation_formats_round_trip(fmt, sample, records, tmp_path):
    report = export_file(sample, format=fmt, out_dir=tmp_path)
    assert report.count == len(records) and all(p.exists() for p in report.files)
    back = read_export(fmt, tmp_path, "examples")
    exporter = get_exporter(fmt)
    assert len(back) == len(records)
    for record, got in zip(records, back):
        want = record_example(record, notes=exporter.notes)
        assert normalize_messages(got["messages"]) == normalize_messages(want["messages"]), (fmt, record["id"])
        assert orjson.dumps(got["tools"]) == orjson.dumps(want["tools"])
        # the calls of every turn, with their outputs, survive the trip
        assert calls_by_turn(got["messages"]) == _turn_calls(record)


def test_ids_and_json_spacing_do_not_matter_but_content_does(records):
    msgs = records[0]["messages"]
    renamed = orjson.loads(orjson.dumps(msgs).replace(b'"call_', b'"id_'))
    assert normalize_messages(renamed) == normalize_messages(msgs)
    changed = orjson.loads(orjson.dumps(msgs))
    changed[-1]["content"] += "!"
    assert normalize_messages(changed) != normalize_messages(msgs)


def test_a_withheld_tool_is_announced_where_it_becomes_available(records):
    record = next(r for r in records if any(t["kind"] == "miss_func" for t in r["turns"]))
    h = next(i for i, t in enumerate(record["turns"]) if t["kind"] == "miss_func")
    withheld = record["turns"][h]["missing"]["function"]
    ex = record_example(record)
    assert withheld not in [t["function"]["name"] for t in ex["tools"]]
    notes = [m for m in ex["messages"] if m["role"] == "system" and m["content"].startswith(NOTE_PREFIX)]
    assert len(notes) == 1 and f'"name":"{withheld}"' in notes[0]["content"]
    after = ex["messages"].index(notes[0]) + 1
    start = record["turns"][h + 1]["messages"][0]
    assert ex["messages"][after] == record["messages"][start]
    user_style = record_example(record, notes="user")
    assert all(m["role"] != "system" or not m["content"].startswith(NOTE_PREFIX) for m in user_style["messages"])
    assert sum(NOTE_PREFIX in (m.get("content") or "") for m in user_style["messages"] if m["role"] == "user") == 1


@pytest.mark.parametrize("fmt", ("trl-dpo", "openai"))
def test_pairs_round_trip(fmt, pairs_file, tmp_path):
    pairs = _read(pairs_file)
    report = export_file(pairs_file, format=fmt, out_dir=tmp_path)
    assert report.kind == "pairs" and report.count == len(pairs)
    back = read_export(fmt, tmp_path, "pairs")
    for pair, got in zip(pairs, back, strict=True):
        for key in ("prompt", "chosen", "rejected"):
            assert normalize_messages(got[key]) == normalize_messages(pair[key])
        assert got["tools"] == pair["tools"]


def test_trl_rows_are_json_strings_unless_structured(sample, pairs_file, tmp_path):
    export_file(sample, format="trl-sft", out_dir=tmp_path / "s")
    row = _read(tmp_path / "s" / "train.jsonl")[0]
    assert set(row) == {"messages", "tools"} and isinstance(row["tools"], str)
    export_file(sample, format="trl-sft", out_dir=tmp_path / "o", structured=True)
    rows = _read(tmp_path / "o" / "train.jsonl")
    assert isinstance(rows[0]["tools"], list)
    args = [tc["function"]["arguments"] for r in rows for m in r["messages"] for tc in m.get("tool_calls") or []]
    assert args and all(isinstance(a, dict) for a in args)
    assert [normalize_messages(e["messages"]) for e in read_export("trl-sft", tmp_path / "o", "examples")] == \
        [normalize_messages(e["messages"]) for e in read_export("trl-sft", tmp_path / "s", "examples")]
    export_file(pairs_file, format="trl-dpo", out_dir=tmp_path / "d")
    assert set(_read(tmp_path / "d" / "train.jsonl")[0]) == {"prompt", "chosen", "rejected", "tools"}


def test_trl_files_load_with_the_datasets_json_loader(sample, pairs_file, tmp_path):
    if importlib.util.find_spec("datasets") is None:
        pytest.skip("the `datasets` package is not installed (heavy, optional); pip install datasets to run this check")
    from datasets import load_dataset

    export_file(sample, format="trl-sft", out_dir=tmp_path / "sft")
    export_file(pairs_file, format="trl-dpo", out_dir=tmp_path / "dpo")
    sft = load_dataset("json", data_files=str(tmp_path / "sft" / "train.jsonl"), split="train")
    dpo = load_dataset("json", data_files=str(tmp_path / "dpo" / "train.jsonl"), split="train")
    assert len(sft) == len(_read(sample)) and set(sft.column_names) == {"messages", "tools"}
    assert len(dpo) == len(_read(pairs_file)) and set(dpo.column_names) == {"prompt", "chosen", "rejected", "tools"}


def test_text_formats_use_tags_and_the_system_prompt(sample, tmp_path):
    export_file(sample, format="hermes", out_dir=tmp_path)
    text = _read(tmp_path / "hermes.jsonl")[0]["text"]
    assert text.startswith("<|im_start|>system\n") and "<tools>" in text
    assert "<tool_call>" in text and "<tool_response>" in text and "<|im_start|>tool\n" in text
    export_file(sample, format="sharegpt", out_dir=tmp_path)
    conv = _read(tmp_path / "sharegpt.jsonl")[0]["conversations"]
    assert conv[0]["from"] == "system" and "<tools>" in conv[0]["value"]
    assert {t["from"] for t in conv} <= {"system", "human", "gpt", "tool"}


def test_llama_factory_rows_alternate_and_register(sample, tmp_path):
    export_file(sample, format="llama-factory", out_dir=tmp_path)
    info = orjson.loads((tmp_path / "dataset_info.json").read_bytes())
    assert info["magnet"]["file_name"] == "magnet.jsonl" and info["magnet"]["formatting"] == "sharegpt"
    assert info["magnet"]["tags"]["function_tag"] == "function_call"
    for row in _read(tmp_path / "magnet.jsonl"):
        roles = [t["from"] for t in row["conversations"]]
        assert all(r in ("human", "observation") for r in roles[0::2]), roles
        assert all(r in ("gpt", "function_call") for r in roles[1::2]), roles
        assert isinstance(row["tools"], str)


def test_bfcl_answers_parse_with_ast_and_re_execute_to_the_recorded_outputs(sample, records, tmp_path):
    catalog = load_catalogs([])
    export_file(sample, format="bfcl", out_dir=tmp_path)
    entries = read_export("bfcl", tmp_path, "records")
    assert len(entries) == len(records)
    for record, entry in zip(records, entries):
        turns = record["turns"]
        assert len(entry["question"]) == len(entry["ground_truth"]) == len(turns)
        assert entry["involved_classes"] == record["toolkits"] and entry["initial_config"] == record["initial_state"]
        for h, (question, answer, turn) in enumerate(zip(entry["question"], entry["ground_truth"], turns)):
            after_miss_func = h > 0 and turns[h - 1]["kind"] == "miss_func"
            start, end = turn["messages"]
            users = [m["content"] for m in record["messages"][start:end] if m["role"] == "user"]
            assert [m["content"] for m in question] == ([] if after_miss_func else users)
            if after_miss_func:
                assert entry["missed_function"][str(h)] == [turns[h - 1]["missing"]["function"]]
            parsed = [parse_call(s) for s in answer]
            assert [(p.name, p.kwargs) for p in parsed] == [(c["name"], c["arguments"]) for c in turn["calls"]]
        replayed = replay_entry(entry, entry, catalog)
        assert replayed == _turn_calls(record)


def test_bfcl_export_of_a_catalog_without_implementations(shared_catalogs, tmp_path):
    docs = shared_catalogs / "bfcl_v3_multi_turn"
    data = tmp_path / "b.jsonl"
    assert CliRunner().invoke(cli, ["sample", "--catalog", str(docs), "-n", "8", "-o", str(data), "-q"]).exit_code == 0
    export_file(data, format="bfcl", out_dir=tmp_path / "out")
    catalog = load_catalogs([str(docs)])
    for record, entry in zip(_read(data), read_export("bfcl", tmp_path / "out", "records"), strict=True):
        assert replay_entry(entry, entry, catalog) == _turn_calls(record)


def test_call_strings_are_python_literals_read_without_eval():
    args = {"flight_id": "UA-1", "n": -3, "price": 12.5, "ok": True, "none": None, "tags": ["a", "b'c"],
            "nested": {"k": [1, {"x": "y"}]}, "from": "SFO", "odd-key": 1, "text": "naïve \"quote\"\n"}
    text = call_string("book_flight", args)
    assert text.startswith("book_flight(flight_id='UA-1', n=-3")
    parsed = parse_call(text)
    assert parsed.name == "book_flight" and parsed.kwargs == args and parsed.args == ()
    assert parse_call("GorillaFileSystem.sort('final_report.pdf')").args == ("final_report.pdf",)
    for bad in ("__import__('os').system('x')", "f(x=open('a'))", "f(x=[i for i in y])", "x + 1", "f(**g)"):
        with pytest.raises(ValueError):
            parse_call(bad)


def test_bfcl_own_answer_files_parse(shared_catalogs):
    folder = shared_catalogs / "bfcl_v3_multi_turn" / "samples"
    n = 0
    for path in folder.glob("possible_answer*.jsonl"):
        for row in _read(path):
            for turn in row["ground_truth"]:
                for text in turn:
                    assert parse_call(text).name
                    n += 1
    assert n > 50


def test_format_errors_are_one_line(sample, pairs_file, tmp_path, capsys):
    for argv, expected in (
        (["export", str(pairs_file), "--format", "bfcl", "-o", str(tmp_path)], "takes records, not pairs"),
        (["export", str(sample), "--format", "trl-dpo", "-o", str(tmp_path)], "takes pairs, not examples"),
        (["export", str(sample), "--format", "bfcl", "-o", str(tmp_path), "--mix", "default"], "drop --mix"),
        (["export", str(sample), "--format", "trl-sft", "-o", str(tmp_path), "--mix", "multi=x"], "--mix"),
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip()
        assert expected in err and err.count("\n") == 0, err
    from magnet_graph.cli.export import FORMAT_NAMES

    assert tuple(FORMATS) + ("synthesizer",) == FORMAT_NAMES  # synthesizer reads `magnet extract` folders


def test_a_tool_taken_away_after_use_is_announced_both_ways():
    tool = lambda n: {"name": n, "description": "", "parameters": {"type": "object", "properties": {}}}  # noqa: E731
    call = {"id": "c1", "name": "f", "arguments": {}, "output": {}}
    turn = lambda i, kind, tools, calls, span: {"index": i, "kind": kind, "tags": [], "source": None, "tools": tools,  # noqa: E731
                                                "calls": calls, "missing": {"function": "f"} if kind == "miss_func" else None,
                                                "messages": span}
    record = {
        "id": "r", "tools": [tool("f"), tool("g")],
        "turns": [turn(0, "normal", ["f", "g"], [call], [0, 2]), turn(1, "miss_func", ["g"], [], [2, 4]),
                  turn(2, "normal", ["f", "g"], [dict(call, id="c2")], [4, 6])],
        "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "x"},
                     {"role": "user", "content": "b"}, {"role": "assistant", "content": "no"},
                     {"role": "user", "content": "c"}, {"role": "assistant", "content": "y"}],
    }
    ex = record_example(record)
    assert [t["function"]["name"] for t in ex["tools"]] == ["f", "g"]
    notes = [(i, m["content"]) for i, m in enumerate(ex["messages"]) if m["role"] == "system"]
    assert notes[0] == (2, "These tools are no longer available: f.")
    assert notes[1][0] == 5 and notes[1][1].startswith(NOTE_PREFIX) and '"name":"f"' in notes[1][1]
    assert [m["content"] for m in ex["messages"] if m["role"] == "user"] == ["a", "b", "c"]


def test_malformed_input_is_one_line_naming_the_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"seed": 1}\n')
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"seed":1,"toolkits":[],"initial_state":{},"tools":[],"path":[],"turns":[{"x":1}],"messages":[]}\n')
    cases = [(["export", str(bad), "--format", "openai", "-o", str(tmp_path / "o")], "bad.jsonl: line 1: field toolkits is missing"),
             (["stats", str(bad)], "bad.jsonl: line 1: field toolkits is missing"),
             (["audit", str(bad), "--against", str(tmp_path)], "no BFCL question files"),
             (["export", str(broken), "--format", "openai", "-o", str(tmp_path / "o")], "broken.jsonl: a record or pair is malformed")]
    for argv, expected in cases:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and expected in err, err
