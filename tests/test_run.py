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
