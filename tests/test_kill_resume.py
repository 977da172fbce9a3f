"""kill -9 a real ``magnet sample`` process at random points, again and again, then finish.

After every kill the file must be a byte prefix of an uninterrupted run's file (plus at most
one torn line); the run that finally completes must leave exactly that file, which must pass
``magnet verify``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from click.testing import CliRunner

from magnet_graph.cli import cli

N, SEED = 160, 7
KILLS = 10


def _command(out, *extra: str) -> list[str]:
    return [sys.executable, "-m", "magnet_graph", "sample", "-n", str(N), "--seed", str(SEED), "-o", str(out), "-q", *extra]


def _size(path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _kill_at(proc: subprocess.Popen, out, *, rng: random.Random, total: int) -> None:
    """SIGKILL the process group at a random moment inside the run: after a random delay
    (start-up included) or once the file has grown by a random 2-8 % of the full size,
    whichever comes first. The size target stays below 85 % of the full file, so the run is
    still going when it is reached, however fast or slow the machine."""
    deadline = time.monotonic() + rng.uniform(0.05, 2.5)
    target = min(_size(out) + int(rng.uniform(0.02, 0.08) * total), int(0.85 * total))
    while proc.poll() is None and _size(out) < target and time.monotonic() < deadline:
        time.sleep(0.001)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_kill_9_many_times_then_resume_gives_the_uninterrupted_file(tmp_path):
    ref = tmp_path / "ref.jsonl"
    res = CliRunner().invoke(cli, ["sample", "-n", str(N), "--seed", str(SEED), "-o", str(ref), "-q"])
    assert res.exit_code == 0, res.output
    want = ref.read_bytes()
    lines = want.splitlines(keepends=True)
    assert len(lines) == N

    out = tmp_path / "out.jsonl"
    rng = random.Random(20250607)
    killed, torn = 0, 0
    for k in range(KILLS):
        extra = ["--resume"] if k % 2 else []
        if k == 5:
            extra.append("--workers=2")  # a killed pool must not leave a mixed file either
        proc = subprocess.Popen(_command(out, *extra), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)  # fmt: skip
        _kill_at(proc, out, rng=rng, total=len(want))
        killed += proc.returncode == -signal.SIGKILL
        have = out.read_bytes() if out.exists() else b""
        whole = have[: have.rfind(b"\n") + 1]
        assert want.startswith(whole), f"kill {k}: the file is not a prefix of the uninterrupted run"
        assert have == whole or (want.startswith(have)), f"kill {k}: a torn line that is not a record's start"
        if k % 3 == 2 and len(whole) < len(want):  # simulate a write torn by a crash of the machine
            # the crash replaces whatever tail the kill left: the file is the whole lines and
            # then the start of the next line (appending to a torn tail would make a file no
            # crash can leave, which the next run, if killed before its repair, would show)
            nxt = lines[whole.count(b"\n")]
            out.write_bytes(whole + nxt[: rng.randrange(1, len(nxt) - 1)])
            torn += 1
    assert killed >= 1, "no run was killed while running"
    assert torn >= 1

    final = subprocess.run(_command(out, "--resume"), capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert out.read_bytes() == want
    verified = CliRunner().invoke(cli, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output
    assert f"{N} record(s), {N} passed" in verified.output
