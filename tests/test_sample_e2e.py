"""`magnet sample` end to end, offline: records verify, runs are reproducible, resumable, shardable."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.cli import cli


def _run(args, catch=True):
    result = CliRunner().invoke(cli, args, catch_exceptions=not catch)
    return result


def _records(path):
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def builtin_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "data.jsonl"
    res = _run(["sample", "--ops", "insert,merge,split", "-n", "80", "-o", str(out), "--seed", "3", "-q"])
    assert res.exit_code == 0, res.output
    return out, res.output


def test_builtin_run_writes_n_verified_records(builtin_run):
    out, summary = builtin_run
    recs = _records(out)
    assert [r["slot"] for r in recs] == list(range(80))
    assert len({r["id"] for r in recs}) == 80
    assert "written" in summary and "80" in summary
    res = _run(["verify", str(out)])
    assert res.exit_code == 0, res.output


def test_builtin_run_contains_every_situation(builtin_run):
    out, _ = builtin_run
    recs = _records(out)
    tags = Counter(tag for r in recs for t in r["path"] for tag in t["tags"])
    kinds = Counter(t["kind"] for r in recs for t in r["turns"])
    for tag in ("merge", "insert_nested", "insert_long", "miss_func", "miss_param"):
        assert tags[tag] > 0, (tag, tags)
    assert kinds["miss_func"] > 0 and kinds["miss_param"] > 0
    # a miss_func turn never offers the withheld tool, and the next turn calls it
    for r in recs:
        for i, t in enumerate(r["turns"]):
            if t["kind"] == "miss_func":
                fn = t["missing"]["function"]
                assert fn not in t["tools"] and not t["calls"]
                assert fn in [c["name"] for c in r["turns"][i + 1]["calls"]]
            if t["kind"] == "miss_param":
                miss = t["missing"]
                request = r["messages"][t["messages"][0]]["content"]
                nxt = r["turns"][i + 1]
                user = r["messages"][nxt["messages"][0]]
                assert user["role"] == "user" and not t["calls"]
                # the value the user gives next is used by the call, and (for an id-like value)
                # it was not in the request that left it out
                from magnet_graph.translate.values import format_value

                said = format_value(miss["value"]).strip("'")
                tool = next(x for x in r["tools"] if x["name"] == miss["function"])
                schema = tool["parameters"]["properties"][miss["parameter"]]
                if miss["value"] in schema.get("enum", ()):  # an enum value is said in words
                    said = str(miss["value"]).replace("_", " ")
                assert said in user["content"]
                called = [c for c in nxt["calls"] if c["name"] == miss["function"]]
                assert called and called[0]["arguments"][miss["parameter"]] == miss["value"]
                if isinstance(miss["value"], str) and any(ch.isdigit() for ch in miss["value"]):
                    assert miss["value"] not in request  # an id, date or code cannot appear by chance
    # most conversations call several tools across several turns
    calls = [sum(len(t["calls"]) for t in r["turns"]) for r in recs]
    assert sum(calls) / len(calls) >= 3


def test_messages_are_openai_chat_form(builtin_run):
    out, _ = builtin_run
    rec = _records(out)[0]
    ids_called = set()
    for m in rec["messages"]:
        assert m["role"] in ("user", "assistant", "tool", "system")
        if m["role"] == "assistant" and m.get("tool_calls"):
            for tc in m["tool_calls"]:
                assert tc["type"] == "function"
                assert isinstance(orjson.loads(tc["function"]["arguments"]), dict)
                ids_called.add(tc["id"])
        if m["role"] == "tool":
            assert m["tool_call_id"] in ids_called
    assert rec["messages"][-1]["role"] == "assistant" and rec["messages"][-1]["content"]


def test_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (a, b):
        assert _run(["sample", "-n", "25", "-o", str(out), "--seed", "11", "-q"]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c.jsonl"
    assert _run(["sample", "-n", "25", "-o", str(c), "--seed", "12", "-q"]).exit_code == 0
    assert c.read_bytes() != a.read_bytes()


def test_resume_after_torn_line_gives_the_same_file(tmp_path):
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    args = ["sample", "-n", "30", "--seed", "5", "-q"]
    assert _run(args + ["-o", str(full)]).exit_code == 0
    data = full.read_bytes()
    lines = data.splitlines(keepends=True)
    torn = b"".join(lines[:17]) + lines[17][: len(lines[17]) // 2]
    part.write_bytes(torn)
    (tmp_path / "part.jsonl.magnet.json").write_bytes((tmp_path / "full.jsonl.magnet.json").read_bytes())
    res = _run(args + ["-o", str(part)])
    assert res.exit_code == 0, res.output
    assert part.read_bytes() == data


def test_shards_concatenate_to_the_full_run(tmp_path):
    full = tmp_path / "full.jsonl"
    args = ["sample", "-n", "21", "--seed", "9", "-q"]
    assert _run(args + ["-o", str(full)]).exit_code == 0
    parts = []
    for i in range(3):
        p = tmp_path / f"s{i}.jsonl"
        assert _run(args + ["-o", str(p), "--shard", f"{i}/3"]).exit_code == 0
        parts.append(p.read_bytes())
    assert b"".join(parts) == full.read_bytes()


def test_bfcl_docs_offline_with_simulated_outputs(tmp_path, shared_catalogs):
    out = tmp_path / "bfcl.jsonl"
    docs = shared_catalogs / "bfcl_v3_multi_turn"
    res = _run(["sample", "--catalog", str(docs), "-n", "20", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    recs = _records(out)
    assert len(recs) == 20
    assert any(c.get("simulated") for r in recs for t in r["turns"] for c in t["calls"])
    res = _run(["verify", str(out), "--catalog", str(docs)])
    assert res.exit_code == 0, res.output


def test_paths_only_prints_mutated_paths(tmp_path):
    out = tmp_path / "paths.jsonl"
    res = _run(["sample", "--paths-only", "-n", "40", "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = _records(out)
    assert [r["slot"] for r in rows] == list(range(40))
    tags = {tag for r in rows for t in r["path"] for tag in t["tags"]}
    assert {"miss_func", "miss_param"} & tags and "walk" in tags


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--ops", "insert,explode"], "--ops"),
        (["--shard", "3/2"], "--shard"),
        (["--min-turns", "6", "--max-turns", "3"], "--min-turns"),
        (["--catalog", "/nonexistent/tools.json"], "/nonexistent/tools.json"),
    ],
)
def test_bad_options_give_one_clear_line(tmp_path, args, needle):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "magnet_graph", "sample", "-n", "2", "-o", str(tmp_path / "x.jsonl"), *args],
        capture_output=True, text=True,
    )
    assert proc.returncode != 0
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and needle in err[0], proc.stderr
    assert "Traceback" not in proc.stderr


def test_same_bytes_across_processes_with_different_hash_seeds(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED: no output may depend on it."""
    import os
    import subprocess
    import sys

    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run([sys.executable, "-m", "magnet_graph", "sample", "-n", "300", "-o", str(out), "-q"],
                              env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
