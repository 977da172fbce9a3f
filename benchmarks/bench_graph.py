"""Benchmark: building the tool-dependency graph of large synthetic catalogs.

Each size runs in its own subprocess (so peak memory is that size's alone): the catalog is
generated (not timed), then ``build_graph`` is timed. Reported per size: build seconds, edges,
nested edges, edges by kind, peak RSS of the process (catalog included) and the RSS added by
the build; plus the time ratio of the two largest sizes. Targets (one core): 16k tools in
<= 30 s and <= 2 GB, time(16k) / time(4k) <= 6.

    python benchmarks/bench_graph.py                     # 1k, 4k, 16k
    python benchmarks/bench_graph.py --sizes 500 2000    # other sizes
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes


def run_one(n: int, seed: int) -> dict:
    """Generate ``n`` tools and time one build (runs inside the child process)."""
    from synth_catalog import make_catalog

    from magnet_graph.graph import build_graph, graph_summary

    tools = make_catalog(n, seed=seed)
    before = _rss_mb()
    t0 = time.perf_counter()
    G = build_graph(tools)
    seconds = time.perf_counter() - t0
    peak = _rss_mb()
    s = graph_summary(G)
    return {
        "tools": n,
        "toolkits": s["toolkits"],
        "build_s": round(seconds, 3),
        "edges": s["edges"],
        "nested_edges": s["nested_edges"],
        "kinds": s["kinds"],
        "isolated": len(s["isolated"]),
        "components": s["components"],
        "peak_rss_mb": round(peak, 1),
        "build_rss_mb": round(peak - before, 1),
    }


def main() -> None:
    """Run each size in a subprocess, print a table, write ``benchmarks/results/graph.json``."""
    ap = argparse.ArgumentParser(description="Time build_graph on synthetic catalogs.")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "graph.json")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed)))
        return
    rows = []
    for n in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"{r['tools']:>6} tools  {r['build_s']:>7.2f} s  {r['edges']:>7} edges  {r['nested_edges']:>7} nested  "
              f"peak {r['peak_rss_mb']:>7.1f} MB (build +{r['build_rss_mb']:.1f} MB)", flush=True)  # fmt: skip
    result: dict = {"seed": args.seed, "python": platform.python_version(), "machine": platform.machine(), "sizes": rows}
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        result["time_ratio"] = {"of": [b["tools"], a["tools"]], "ratio": round(b["build_s"] / max(a["build_s"], 1e-9), 2)}
        print(f"time({b['tools']}) / time({a['tools']}) = {result['time_ratio']['ratio']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
