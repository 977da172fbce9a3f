"""The run engine offline: durable files, resume, manifests, workers; the cache; the limiter."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from click.testing import CliRunner

from magnet_graph.cache import CACHE_FORMAT, ResponseCache, cache_key, default_cache_dir
from magnet_graph.cli import cli
from magnet_graph.errors import OptionError, RecordError
from magnet_graph.run import (
    EXIT_ERROR,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_STOPPED,
    MANIFEST_SUFFIX,
    RunReport,
    _check_manifest,
    read_done_slots,
)
from magnet_graph.translate.llm import AdaptiveLimiter


def _sample(*args: str):
    return CliRunner().invoke(cli, ["sample", "-q", *args])


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """An uninterrupted offline run of 24 records (seed 4)."""
    out = tmp_path_factory.mktemp("full") / "full.jsonl"
    res = _sample("-n", "24", "--seed", "4", "-o", str(out), "--report", str(out.with_suffix(".report.json")))
    assert res.exit_code == 0, res.output
    return out


# -- the output file ------------------------------------------------------------------


def test_read_done_slots_cuts_a_torn_tail_only(tmp_path):
    out = tmp_path / "d.jsonl"
    out.write_bytes(b'{"slot": 0}\n{"slot": 2}\n{"slot": 5, "id": "ab')
    assert read_done_slots(out, repair=False) == {0, 2}
    assert out.read_bytes().endswith(b'"ab')  # not repaired when asked not to
    assert read_done_slots(out) == {0, 2}
    assert out.read_bytes() == b'{"slot": 0}\n{"slot": 2}\n'
    out.write_bytes(b'{"slot": 0}\nnot json\n{"slot": 2}\n')
    with pytest.raises(RecordError, match="line 2 is not a magnet record"):
        read_done_slots(out)
    assert out.read_bytes() == b'{"slot": 0}\nnot json\n{"slot": 2}\n'  # nothing changed
    assert read_done_slots(tmp_path / "absent.jsonl") == set()


def test_manifest_mismatch_names_the_setting(tmp_path, full_run):
    out = tmp_path / "m.jsonl"
    out.write_bytes(full_run.read_bytes())
    manifest = orjson.loads((full_run.parent / (full_run.name + MANIFEST_SUFFIX)).read_bytes())
    (tmp_path / ("m.jsonl" + MANIFEST_SUFFIX)).write_bytes(orjson.dumps(manifest))
    res = CliRunner().invoke(cli, ["sample", "-q", "-n", "24", "--seed", "5", "-o", str(out)], standalone_mode=False)
    assert isinstance(res.exception, OptionError) and "different settings (seed)" in str(res.exception)
    # a torn manifest (no atomic write would leave one, but a user might) is a clear error, not a traceback
    (tmp_path / ("m.jsonl" + MANIFEST_SUFFIX)).write_bytes(b'{"seed": ')
    with pytest.raises(OptionError, match="not written by magnet sample"):
        _check_manifest(out, manifest, overwrite=False)
    # --overwrite starts again and leaves no temporary file behind
    _check_manifest(out, manifest, overwrite=True)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.jsonl" + MANIFEST_SUFFIX]


def test_resume_flag_continues_the_file(tmp_path, full_run):
    data = full_run.read_bytes()
    lines = data.splitlines(keepends=True)
    part = tmp_path / "part.jsonl"
    part.write_bytes(b"".join(lines[:9]) + lines[9][:40])
    (tmp_path / ("part.jsonl" + MANIFEST_SUFFIX)).write_bytes((full_run.parent / (full_run.name + MANIFEST_SUFFIX)).read_bytes())
    report = tmp_path / "report.json"
    res = _sample("-n", "24", "--seed", "4", "-o", str(part), "--resume", "--report", str(report))
    assert res.exit_code == 0, res.output
    assert part.read_bytes() == data
    stats = orjson.loads(report.read_bytes())
    assert stats["resumed"] == 9 and stats["written"] == 15 and stats["unfinished"] == 0
    again = _sample("-n", "24", "--seed", "4", "-o", str(part))  # nothing left to do
    assert again.exit_code == 0 and part.read_bytes() == data
    both = _sample("-n", "24", "--seed", "4", "-o", str(part), "--resume", "--overwrite")
    assert both.exit_code != 0 and "--resume and --overwrite" in str(both.exception or both.output)


def test_workers_write_the_same_bytes(tmp_path, full_run):
    out = tmp_path / "w.jsonl"
    res = _sample("-n", "24", "--seed", "4", "-o", str(out), "--workers", "2", "--report", str(tmp_path / "r.json"))
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == full_run.read_bytes()
    stats = orjson.loads((tmp_path / "r.json").read_bytes())
    single = orjson.loads(full_run.with_suffix(".report.json").read_bytes())
    assert stats["workers"] == 2 and single["workers"] == 1
    for key in ("written", "dropped", "empty_slots", "tags", "calls_per_record", "tools_used"):
        assert stats[key] == single[key], key  # the workers' counts add up to the same report


@pytest.mark.parametrize("flag", [["--max-cost", "1"], ["--price-in", "2"], ["--no-cache"], ["--timeout", "3"]])
def test_llm_options_need_a_model(tmp_path, flag):
    res = CliRunner().invoke(cli, ["sample", "-n", "2", "-o", str(tmp_path / "x.jsonl"), *flag], standalone_mode=False)
    assert isinstance(res.exception, OptionError)
    assert f"{flag[0]} needs --model" in str(res.exception)
    assert not (tmp_path / "x.jsonl").exists()


def test_workers_with_a_model_is_refused(tmp_path):
    res = CliRunner().invoke(
        cli, ["sample", "-n", "2", "-o", str(tmp_path / "x.jsonl"), "--model", "openai/m", "--workers", "2"], standalone_mode=False
    )
    assert isinstance(res.exception, OptionError) and "--concurrency" in str(res.exception)


def test_report_exit_codes():
    assert RunReport().exit_code == EXIT_OK
    assert RunReport(empty_slots=1).exit_code == EXIT_INCOMPLETE
    assert RunReport(empty_slots=1, stop_reason="max_cost").exit_code == EXIT_STOPPED
    assert RunReport(stop_reason="auth").exit_code == EXIT_ERROR


# -- the cache ------------------------------------------------------------------------


def test_cache_key_is_canonical_and_sensitive():
    base = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "params": {"temperature": 0.7, "seed": 1}}
    same = {"params": {"seed": 1, "temperature": 0.7}, "messages": [{"content": "hi", "role": "user"}], "model": "m"}
    assert cache_key(base) == cache_key(same)
    for change in ({"model": "n"}, {"params": {"temperature": 0.7, "seed": 2}}, {"messages": [{"role": "user", "content": "hi!"}]}):
        assert cache_key({**base, **change}) != cache_key(base)


def test_cache_round_trip_atomic_and_damage_tolerant(tmp_path):
    cache = ResponseCache(tmp_path / "c")
    key = cache_key({"x": 1})
    assert cache.get(key) is None and cache.misses == 1
    entry = {"message": {"role": "assistant", "content": "hello"}, "prompt_tokens": 3, "completion_tokens": 1}
    cache.put(key, entry)
    assert cache.get(key) == {**entry, "format": CACHE_FORMAT} and cache.hits == 1
    assert [p.name for p in (tmp_path / "c" / key[:2]).iterdir()] == [f"{key}.json"]  # no temporary file left
    assert len(cache) == 1
    cache.path(key).write_bytes(b'{"message": {"role"')  # a damaged entry
    assert cache.get(key) is None and not cache.path(key).exists()
    assert ResponseCache(tmp_path / "none").get(key) is None and len(ResponseCache(tmp_path / "none")) == 0


def test_default_cache_dir_is_under_magnet_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MAGNET_HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / "cache" / "llm"


# -- the adaptive limiter ---------------------------------------------------------------


def test_limiter_halves_once_per_generation_and_recovers():
    lim = AdaptiveLimiter(16)
    gen = lim.generation
    lim.throttled(gen)
    lim.throttled(gen)  # a second 429 from the same overload: no second cut
    assert lim.current == 8 and lim.cuts == 1
    lim.throttled(lim.generation)
    assert lim.current == 4 and lim.cuts == 2 and lim.lowest == 4
    for _ in range(3):
        lim.throttled(lim.generation)
    assert lim.current == 1  # never below one
    successes = 0
    while lim.current < 16:
        lim.succeeded()
        successes += 1
    assert 100 < successes < 200  # additive: about one more per window of successes
    lim.succeeded()
    assert lim.current == 16 and lim.stats() == {"maximum": 16, "lowest": 1, "final": 16, "cuts": 5}


def test_limiter_bounds_requests_in_flight():
    lim = AdaptiveLimiter(3)
    seen: list[int] = []

    async def request(k: int) -> None:
        await lim.acquire()
        try:
            seen.append(lim.in_flight)
            await asyncio.sleep(0.001 * (k % 3))
            if k == 5:
                lim.throttled(lim.generation)  # from now on at most 1 in flight
        finally:
            lim.release()

    async def main() -> None:
        await asyncio.gather(*(request(k) for k in range(30)))

    asyncio.run(main())
    assert max(seen) == 3 and len(seen) == 30 and lim.in_flight == 0
    assert lim.current == 1
    assert seen[-5:] == [1] * 5  # after the cut, one at a time


def test_limiter_cancelled_waiter_gives_room_back():
    lim = AdaptiveLimiter(1)

    async def main() -> None:
        await lim.acquire()
        waiter = asyncio.ensure_future(lim.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        lim.release()
        assert lim.in_flight == 0
        await asyncio.wait_for(lim.acquire(), 1)  # room is there
        lim.release()

    asyncio.run(main())


# -- review findings: one clear line, nothing lost -------------------------------------------

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "catalogs"


def test_missing_output_folders_are_created_and_a_folder_is_refused(tmp_path):
    out = tmp_path / "new" / "deeper" / "x.jsonl"
    res = _sample("-n", "3", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert len(out.read_bytes().splitlines()) == 3 and (out.parent / ("x.jsonl" + MANIFEST_SUFFIX)).is_file()
    for extra in ([], ["--overwrite"]):
        res = CliRunner().invoke(cli, ["sample", "-q", "-n", "3", "-o", str(tmp_path), *extra], standalone_mode=False)
        assert isinstance(res.exception, OptionError) and "is a folder" in str(res.exception), res.exception
    res = CliRunner().invoke(cli, ["sample", "-q", "-n", "3", "-o", str(out / "y.jsonl")], standalone_mode=False)
    assert isinstance(res.exception, OptionError) and "is not a folder" in str(res.exception)
    res = CliRunner().invoke(cli, ["sample", "-q", "-n", "3", "-o", str(tmp_path / "r.jsonl"), "--report", str(tmp_path)],
                             standalone_mode=False)  # fmt: skip
    assert isinstance(res.exception, OptionError) and "--report" in str(res.exception)


def test_verify_and_export_find_a_file_catalog_through_the_manifest(tmp_path, monkeypatch):
    tools = tmp_path / "my_tools.json"
    tools.write_bytes((FIXTURES / "openai_wrapped.json").read_bytes())
    monkeypatch.chdir(tmp_path)
    assert _sample("--catalog", "my_tools.json", "-n", "4", "-o", "x.jsonl").exit_code == 0
    manifest = orjson.loads((tmp_path / ("x.jsonl" + MANIFEST_SUFFIX)).read_bytes())
    assert manifest["sources"] == {"catalogs": [str(tools.resolve())], "impl": None, "state": None}
    monkeypatch.chdir(tmp_path.parent)
    res = CliRunner().invoke(cli, ["verify", str(tmp_path / "x.jsonl")])
    assert res.exit_code == 0, res.output
    assert f"using the catalogs recorded in {tmp_path / 'x.jsonl'}{MANIFEST_SUFFIX}" in res.output
    assert "4 record(s), 4 passed" in res.output
    res = CliRunner().invoke(cli, ["export", str(tmp_path / "x.jsonl"), "--format", "trl-sft", "-o", str(tmp_path / "e"),
                                   "--mix", "default"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "no_catalog" not in res.output and "using the catalogs recorded" in res.output
    # resumed from elsewhere, the catalog given by another path: the same dataset, the new place remembered
    moved = tmp_path / "elsewhere" / "my_tools.json"
    moved.parent.mkdir()
    moved.write_bytes(tools.read_bytes())
    assert _sample("--catalog", str(moved), "-n", "4", "-o", str(tmp_path / "x.jsonl")).exit_code == 0
    manifest = orjson.loads((tmp_path / ("x.jsonl" + MANIFEST_SUFFIX)).read_bytes())
    assert manifest["sources"]["catalogs"] == [str(moved.resolve())]
    # the catalog changed since: one line that says so, not a traceback
    data = orjson.loads(moved.read_bytes())
    data[0]["function"]["description"] += " Changed."
    moved.write_bytes(orjson.dumps(data))
    res = CliRunner().invoke(cli, ["verify", str(tmp_path / "x.jsonl")])
    assert res.exit_code == 2 and "a catalog file changed" in res.output and "Traceback" not in res.output
    moved.unlink()
    res = CliRunner().invoke(cli, ["verify", str(tmp_path / "x.jsonl")])
    assert res.exit_code == 2 and "cannot be loaded" in res.output and "--catalog" in res.output


def test_a_catalog_without_walks_is_explained_in_one_line(tmp_path):
    one = tmp_path / "one.json"
    one.write_bytes(orjson.dumps([{"type": "function", "function": {
        "name": "get_weather", "description": "Get the weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]))
    res = _sample("--catalog", str(one), "-n", "3", "-o", str(tmp_path / "w.jsonl"))
    assert res.exit_code == EXIT_INCOMPLETE
    lines = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "--min-turns 2" in lines[0] and "output->input" in lines[0]
    assert "--min-turns 1" in lines[0] and "magnet graph" in lines[0] and "returns" in lines[0]
    res = _sample("--catalog", str(one), "-n", "3", "-o", str(tmp_path / "w1.jsonl"), "--min-turns", "1", "--ops", "none")
    assert res.exit_code == EXIT_OK and "error:" not in res.output


def test_turn_options_say_what_they_bound():
    res = CliRunner().invoke(cli, ["sample", "--help"])
    text = " ".join(res.output.split())
    assert "Shortest walk, in turns" in text and "a merge never makes a path shorter than this" in text
    assert "Longest walk, in turns" in text


# -- the journal of distill and extract ----------------------------------------------------


def test_journal_resumes_after_the_last_item_the_files_hold(tmp_path):
    from magnet_graph.run import Journal

    data, log = tmp_path / "d.jsonl", tmp_path / "d.log"
    j = Journal(log, {"data": data})
    assert j.manifest is None
    j.start({"seed": 1})
    for k in range(3):
        j.files["data"].write(b'{"k": %d}\n' % k)
        j.commit({"item": k})
    j.files["data"].write(b'{"k": 3, "torn')  # written after the last commit: not kept
    j.close()
    with open(log, "ab") as fh:
        fh.write(b'{"item": 3, "si')  # a torn entry
    j = Journal(log, {"data": data})
    assert j.manifest == {"seed": 1} and [e["item"] for e in j.entries] == [0, 1, 2]
    assert j.differences({"seed": 2}) == ["seed"] and j.differences({"seed": 1, "sources": "x"}) == []
    j.resume()
    assert data.read_bytes() == b'{"k": 0}\n{"k": 1}\n{"k": 2}\n'
    j.files["data"].write(b'{"k": 3}\n')
    j.commit({"item": 3})
    j.close()
    # a machine crash lost the end of the data that the journal had noted: those entries go too
    with open(data, "r+b") as fh:
        fh.truncate(len(b'{"k": 0}\n{"k": 1}\n') + 3)
    j = Journal(log, {"data": data})
    assert [e["item"] for e in j.entries] == [0, 1]
    j.resume()
    assert data.read_bytes() == b'{"k": 0}\n{"k": 1}\n' and len(log.read_bytes().splitlines()) == 3
    j.close()
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[0] + b"not json\n" + lines[1])
    with pytest.raises(RecordError, match="line 2 is not a progress entry"):
        Journal(log, {"data": data})


def test_run_ordered_emits_in_order_and_stops_at_an_unfinished_item():
    from magnet_graph.run import UNFINISHED, run_ordered

    async def job(k: int):
        await asyncio.sleep((7 - k % 7) * 0.002)  # later items finish first
        return UNFINISHED if k == 12 else k * k

    emitted: list[tuple[int, int]] = []
    count = asyncio.run(run_ordered(iter(range(20)), job, lambda k, r: emitted.append((k, r)), concurrency=4))
    assert count == 12 and emitted == [(k, k * k) for k in range(12)]


def test_drop_examples_name_their_reason_once(tmp_path):
    # five-turn paths with every operator drop some attempts (nested outputs, preconditions)
    out = tmp_path / "d.jsonl"
    report = tmp_path / "r.json"
    res = _sample("--ops", "insert,merge,split", "--min-turns", "5", "--max-turns", "5", "-n", "120",
                  "--seed", "0", "-o", str(out), "--report", str(report))
    assert res.exit_code == 0, res.output
    examples = orjson.loads(report.read_bytes())["examples"]
    assert examples, "expected dropped attempts in 120 five-turn records"
    for reason, text in examples.items():
        assert text.startswith(f"{reason}: "), text
        assert not text.startswith(f"{reason}: {reason}"), text


def test_translation_error_from_a_worded_problem():
    from magnet_graph.errors import TranslationError

    err = TranslationError.from_problem("schema: get_x: 'a' is required")
    assert (err.reason, err.detail, str(err)) == ("schema", "get_x: 'a' is required", "schema: get_x: 'a' is required")
    odd = TranslationError.from_problem("no reason given here", "forth_failed")
    assert (odd.reason, odd.detail) == ("forth_failed", "no reason given here")
