"""`magnet distill` as a long run: kill -9 and resume, the previous output kept, settings
checked, and the LLM mode through the shared client (cache, budget, concurrency, counts)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import orjson
import pytest
from click.testing import CliRunner

from fake_openai import FakeOpenAI, text
from magnet_graph.cli import cli
from magnet_graph.errors import OptionError

N = 90


def _read(path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """A `magnet sample` file of N records and an uninterrupted distillation of it."""
    folder = tmp_path_factory.mktemp("drun")
    data = folder / "data.jsonl"
    res = CliRunner().invoke(cli, ["sample", "-n", str(N), "--seed", "11", "-o", str(data), "-q"])
    assert res.exit_code == 0, res.output
    ref = folder / "ref.jsonl"
    res = CliRunner().invoke(cli, ["distill", str(data), "-o", str(ref), "--seed", "2", "--report", str(folder / "ref.json")])
    assert res.exit_code == 0, res.output
    return data, ref


def _size(path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def test_kill_9_then_resume_gives_the_uninterrupted_pairs_and_keeps_the_old_file(records, tmp_path):
    data, ref = records
    want = ref.read_bytes()
    out = tmp_path / "pairs.jsonl"
    out.write_bytes(b'{"old": "pairs from an earlier run"}\n')
    part = tmp_path / "pairs.jsonl.part"
    journal = tmp_path / "pairs.jsonl.part.magnet.jsonl"
    command = [sys.executable, "-m", "magnet_graph", "distill", str(data), "-o", str(out), "--seed", "2", "-q"]
    rng = random.Random(7)
    killed = 0
    for k in range(4):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        # kill points inside the run: once the pairs grew by 5-15 % of the final size (never past 85 %)
        target = min(_size(part) + int(rng.uniform(0.05, 0.15) * len(want)), int(0.85 * len(want)))
        deadline = time.monotonic() + 120
        while proc.poll() is None and _size(part) < target and time.monotonic() < deadline:
            time.sleep(0.001)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait(timeout=30)
        assert out.read_bytes() == b'{"old": "pairs from an earlier run"}\n', f"kill {k}: the previous output was touched"
        have = part.read_bytes()
        whole = have[: have.rfind(b"\n") + 1]
        assert want.startswith(whole), f"kill {k}: the partial pairs are not a prefix of the uninterrupted ones"
        if k == 1:  # a crash of the machine can tear the last line of both files
            with open(part, "ab") as fh:
                fh.write(b'{"id": "torn')
            with open(journal, "ab") as fh:
                fh.write(b'{"line": 9999, "dig')
    assert killed >= 1
    final = subprocess.run(command + ["--report", str(tmp_path / "r.json")], capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert out.read_bytes() == want
    assert not part.exists() and not journal.exists()
    report, whole_run = (orjson.loads((p).read_bytes()) for p in (tmp_path / "r.json", ref.parent / "ref.json"))
    assert report["resumed"] > 0 and report["records"] == N
    assert report["pairs"] == whole_run["pairs"] and report["missed"] == whole_run["missed"]


def test_a_finished_run_is_not_redone_and_new_records_are_added(records, tmp_path):
    data, ref = records
    lines = data.read_bytes().splitlines(keepends=True)
    grown = tmp_path / "data.jsonl"
    grown.write_bytes(b"".join(lines[:50]))
    out = tmp_path / "p.jsonl"
    res = CliRunner().invoke(cli, ["distill", str(grown), "-o", str(out), "--seed", "2"])
    assert res.exit_code == 0, res.output
    again = CliRunner().invoke(cli, ["distill", str(grown), "-o", str(out), "--seed", "2", "--report", str(tmp_path / "r.json")])
    assert again.exit_code == 0 and "50 done by an earlier run" in again.output
    assert orjson.loads((tmp_path / "r.json").read_bytes())["resumed"] == 50
    grown.write_bytes(b"".join(lines))  # the sample run went on: only the new records are done
    res = CliRunner().invoke(cli, ["distill", str(grown), "-o", str(out), "--seed", "2"])
    assert res.exit_code == 0, res.output
    assert f"{N} record(s) (50 done by an earlier run)" in res.output
    assert out.read_bytes() == ref.read_bytes()


def test_other_settings_or_a_changed_input_are_refused_until_overwrite(records, tmp_path):
    data, ref = records
    out = tmp_path / "p.jsonl"
    part = tmp_path / "p.jsonl.part"
    journal = tmp_path / "p.jsonl.part.magnet.jsonl"
    # an unfinished run: the first 30 records' pairs and journal entries
    res = CliRunner().invoke(cli, ["distill", str(data), "-o", str(tmp_path / "full.jsonl"), "--seed", "2"])
    assert res.exit_code == 0
    entries = (tmp_path / "full.jsonl.magnet.jsonl").read_bytes().splitlines(keepends=True)[:31]
    journal.write_bytes(b"".join(entries))
    part.write_bytes((tmp_path / "full.jsonl").read_bytes()[: orjson.loads(entries[-1])["sizes"]["pairs"]])
    res = CliRunner().invoke(cli, ["distill", str(data), "-o", str(out), "--seed", "3"], standalone_mode=False)
    assert isinstance(res.exception, OptionError) and "different settings (seed)" in str(res.exception)
    assert part.exists() and not out.exists()
    changed = tmp_path / "changed.jsonl"
    lines = data.read_bytes().splitlines(keepends=True)
    changed.write_bytes(b"".join(lines[:5] + [lines[6]] + lines[6:]))
    res = CliRunner().invoke(cli, ["distill", str(changed), "-o", str(out), "--seed", "2"], standalone_mode=False)
    assert isinstance(res.exception, OptionError) and "line 6 changed" in str(res.exception)
    res = CliRunner().invoke(cli, ["distill", str(data), "-o", str(out), "--seed", "2", "--overwrite"])
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == ref.read_bytes()
    res = CliRunner().invoke(cli, ["distill", str(data), "-o", str(tmp_path), "--seed", "2"], standalone_mode=False)
    assert isinstance(res.exception, OptionError) and "is a folder" in str(res.exception)


def _asks_back(body):
    """The student never calls a tool: every turn it asks back (a call-vs-ask or a missed dependency)."""
    return text("Which one do you mean exactly?")


def _distill_llm(fake, data, out, *extra):
    return CliRunner().invoke(cli, ["distill", str(data), "-o", str(out), "--student", "openai/student", "-q",
                                    "--api-base", fake.base_url, "--types", "3,5", "--report", str(out) + ".r.json",
                                    *extra])


def test_llm_mode_uses_the_cache_the_limit_and_the_budget(records, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-distill-test-key-0123456789")
    data, _ = records
    few = tmp_path / "few.jsonl"
    few.write_bytes(b"".join(data.read_bytes().splitlines(keepends=True)[:12]))
    cache = ["--cache-dir", str(tmp_path / "cache")]
    with FakeOpenAI(responder=_asks_back) as fake:
        whole = tmp_path / "whole.jsonl"
        res = _distill_llm(fake, few, whole, "--concurrency", "3", "--no-cache")
        assert res.exit_code == 0, res.output
        asked = len(fake.requests)
        assert 12 <= asked and fake.max_in_flight <= 3
        report = orjson.loads(open(str(whole) + ".r.json", "rb").read())
        assert report["llm"]["calls"] == asked and report["records"] == 12
        assert sum(report["pairs"].values()) == len(_read(whole)) > 0
        assert "student_correct" not in str(report["missed"])  # every record's student was wrong somewhere

        # a budget that runs out: exit 3, the pairs so far kept in .part, the same command continues
        out = tmp_path / "budget.jsonl"
        prices = ["--price-in", "1000", "--price-out", "1000"]
        fake.requests.clear()
        stopped = _distill_llm(fake, few, out, *cache, *prices, "--concurrency", "1", "--max-cost", "0.5")
        assert stopped.exit_code == 3, stopped.output
        assert not out.exists() and (tmp_path / "budget.jsonl.part").exists()
        assert orjson.loads(open(str(out) + ".r.json", "rb").read())["stop_reason"] == "max_cost"
        first = len(fake.requests)
        done = _distill_llm(fake, few, out, *cache, *prices, "--concurrency", "2")
        assert done.exit_code == 0, done.output
        assert out.read_bytes() == whole.read_bytes()
        assert len(fake.requests) - first < asked  # the records done before the stop were not asked again
        # a rerun of the finished job with the input grown by nothing: no request at all
        fake.requests.clear()
        (tmp_path / "budget.jsonl.magnet.jsonl").unlink()  # forget the finished run: only the cache is left
        again = _distill_llm(fake, few, out, *cache, *prices)
        assert again.exit_code == 0 and not fake.requests
        assert out.read_bytes() == whole.read_bytes()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"sk-distill-test-key" not in path.read_bytes(), path
