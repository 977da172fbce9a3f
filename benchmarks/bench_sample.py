"""Offline `magnet sample` throughput, its floor, and memory flatness in N.

    python benchmarks/bench_sample.py                  # throughput + floor (N=2000)
    python benchmarks/bench_sample.py --memory 10000 100000   # peak RSS per N, in subprocesses

Throughput is measured in CPU seconds of this process (the machine may be shared), for
conversations of five walked turns with all operators (Merge, Insert, Split). The *floor* is
the time spent only executing the calls of the written records (environment set-up included)
and serializing the records: what any pipeline producing these records must spend.
Writes benchmarks/results/sample.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import orjson  # noqa: E402

from magnet_graph.catalog import load_catalogs  # noqa: E402
from magnet_graph.execute import Environment  # noqa: E402
from magnet_graph.graph import build_graph  # noqa: E402
from magnet_graph.run import RunConfig, run_sample  # noqa: E402
from magnet_graph.translate.offline import OfflineBackend  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def throughput(n: int, turns: int, seed: int) -> dict:
    catalog = load_catalogs(())
    graph = build_graph(catalog.tools)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "data.jsonl"
        cfg = RunConfig(n=n, ops=("insert", "merge", "split"), seed=seed, min_turns=turns, max_turns=turns)
        c0, w0 = time.process_time(), time.perf_counter()
        report = run_sample(catalog=catalog, graph=graph, backend=OfflineBackend(), config=cfg, out=out, overwrite=True)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    # the floor: execute every recorded call from the initial state, and serialize the records
    c0 = time.process_time()
    for rec in records:
        env = Environment(catalog, rec["toolkits"], seed=rec["seed"], initial_state=rec["initial_state"])
        for turn in rec["turns"]:
            for call in turn["calls"]:
                env.execute(call["name"], call["arguments"])
        env.snapshot()
    t_exec = time.process_time() - c0
    c0 = time.process_time()
    for rec in records:
        orjson.dumps(rec)
    t_ser = time.process_time() - c0
    floor = t_exec + t_ser
    turns_per = sum(len(r["turns"]) for r in records) / len(records)
    calls_per = sum(len(t["calls"]) for r in records for t in r["turns"]) / len(records)
    return {
        "n": n,
        "walk_turns": turns,
        "written": report.written,
        "dropped_attempts": dict(report.dropped),
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "conversations_per_cpu_s": round(report.written / cpu, 1),
        "turns_per_conversation": round(turns_per, 2),
        "calls_per_conversation": round(calls_per, 2),
        "floor_cpu_s": round(floor, 3),
        "floor_exec_s": round(t_exec, 3),
        "floor_serialize_s": round(t_ser, 3),
        "floor_conversations_per_cpu_s": round(report.written / floor, 1),
        "pipeline_over_floor": round(cpu / floor, 2),
    }


def peak_rss(n: int, turns: int, seed: int) -> dict:
    """Run `magnet sample` for N records in a child process; report its peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "data.jsonl"
        cmd = [sys.executable, "-m", "magnet_graph", "sample", "-n", str(n), "-o", str(out), "--seed", str(seed),
               "--min-turns", str(turns), "--max-turns", str(turns), "-q"]
        w0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - w0
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        lines = sum(1 for _ in open(out, "rb"))
    return {"n": n, "written": lines, "wall_s": round(wall, 1), "peak_rss_mb_children_max": round(usage.ru_maxrss / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--turns", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--memory", type=int, nargs="*", help="measure peak RSS for these N (one child each, in order)")
    args = ap.parse_args()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "sample.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if args.memory:
        mem = []
        for n in args.memory:  # ru_maxrss of children is a running max: run sizes in increasing order
            row = peak_rss(n, args.turns, args.seed)
            mem.append(row)
            print(json.dumps(row))
        results["memory"] = mem
        if len(mem) >= 2:
            results["memory_ratio_last_over_first"] = round(mem[-1]["peak_rss_mb_children_max"] / mem[0]["peak_rss_mb_children_max"], 3)
    else:
        row = throughput(args.n, args.turns, args.seed)
        print(json.dumps(row, indent=2))
        results["throughput"] = row
    path.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
