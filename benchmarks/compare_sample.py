"""Offline sample throughput of this tree against an earlier commit, interleaved.

    python benchmarks/compare_sample.py c359f97            # 3 rounds of N=2000 each
    python benchmarks/compare_sample.py HEAD~5 -n 1000 --rounds 5
    python benchmarks/compare_sample.py --tree /tmp/copy   # a folder instead of a commit

The shared development machine's speed drifts by up to 2x over minutes (other virtual
machines on the host), so figures taken at different times cannot be compared. This script
checks the other commit out into a temporary git worktree and runs `bench_sample.py` for it
and for this tree in alternation, each in its own process (a fresh interpreter importing its
own tree first), and reports each side's best and median conversations per CPU-second and
the ratio of the medians. Writes benchmarks/results/sample_compare.json (or the file that
``--results`` names there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

# run the other tree's bench_sample.throughput without letting it write its results file
_PROBE = """
import json, sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {root!r} + "/benchmarks")
import bench_sample
row = bench_sample.throughput({n}, 5, {seed})
print("RESULT " + json.dumps(row))
"""


def _run(root: Path, n: int, seed: int) -> dict:
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True", PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-c", _PROBE.format(root=str(root), n=n, seed=seed)],
                          capture_output=True, text=True, env=env, cwd=root)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"benchmark failed in {root}: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(line[len("RESULT "):])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ref", nargs="?", help="the commit to compare with (e.g. c359f97, HEAD~3)")
    ap.add_argument("--tree", type=Path, help="compare with this folder (a copy of the project) instead of a commit")
    ap.add_argument("--results", default="sample_compare.json", help="file name under benchmarks/results/")
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if (args.ref is None) == (args.tree is None):
        ap.error("give either a commit (REF) or --tree DIR")
    with tempfile.TemporaryDirectory() as tmp:
        other = args.tree.resolve() if args.tree else Path(tmp) / "other"
        if args.tree is None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(other), args.ref], check=True)
        try:
            rates: dict[str, list[float]] = {"other": [], "this": []}
            for r in range(args.rounds):
                for side, root in (("other", other), ("this", ROOT)):
                    row = _run(root, args.n, args.seed)
                    rates[side].append(row["conversations_per_cpu_s"])
                    print(f"round {r + 1} {side:5s} {row['conversations_per_cpu_s']:7.1f} conversations/CPU-s")
        finally:
            if args.tree is None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)
    summary = {
        "ref": args.ref or str(args.tree),
        "n": args.n,
        "rounds": args.rounds,
        "other": {"best": max(rates["other"]), "median": statistics.median(rates["other"]), "runs": rates["other"]},
        "this": {"best": max(rates["this"]), "median": statistics.median(rates["this"]), "runs": rates["this"]},
    }
    summary["speedup_median"] = round(summary["this"]["median"] / summary["other"]["median"], 2)
    print(json.dumps(summary, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.results).write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
