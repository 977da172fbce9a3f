"""Benchmark of `magnet extract` on the project corpus (tests/corpus): filter precision and
recall, per-stage pass rates, messages/tools/calls before and after refinement, and speed.

    python benchmarks/bench_extract.py [--per-text K] [--seed S]

Prints the figures and writes benchmarks/results/extract.json. A script, not a test: the
timings depend on the machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import orjson

from magnet_graph.text import read_texts, score_segment, segment_text
from magnet_graph.text.pipeline import ExtractConfig, run_extract

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
RESULTS = ROOT / "benchmarks" / "results" / "extract.json"


def filter_scores(threshold: float) -> dict[str, float | int]:
    """Precision, recall and F1 of the offline filter on the labelled corpus (a text counts as
    kept when any of its segments is kept)."""
    labels = {}
    for name in ("procedural.jsonl", "other.jsonl"):
        for line in (CORPUS / name).read_bytes().splitlines():
            row = orjson.loads(line)
            labels[row["id"]] = row["label"] == "procedural"
    texts, _ = read_texts([CORPUS / "procedural.jsonl", CORPUS / "other.jsonl"])
    tp = fp = fn = tn = 0
    for t in texts:
        kept = any(score_segment(s, threshold=threshold).kept for s in segment_text(t))
        pos = labels[t.id]
        tp += kept and pos
        fp += kept and not pos
        fn += pos and not kept
        tn += not kept and not pos
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"threshold": threshold, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f1, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-text", type=int, default=3, help="conversations per extracted workflow")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    sweep = [filter_scores(t) for t in (0.3, 0.5, 0.7, 0.9)]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        report = run_extract([CORPUS / "procedural.jsonl", CORPUS / "other.jsonl"], tmp,
                             config=ExtractConfig(seed=args.seed, conversations_per_text=args.per_text)).to_json()
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        plain = run_extract([CORPUS / "procedural.jsonl", CORPUS / "other.jsonl"], tmp,
                            config=ExtractConfig(seed=args.seed, conversations_per_text=args.per_text,
                                                 refine=False)).to_json()
        elapsed_plain = time.perf_counter() - start
    result = {
        "corpus": {"procedural": sweep[0]["tp"] + sweep[0]["fn"], "other": sweep[0]["fp"] + sweep[0]["tn"]},
        "filter": next(s for s in sweep if s["threshold"] == 0.5),
        "filter_sweep": sweep,
        "stages": report["stages"],
        "drops": report["drops"],
        "patterns": report["patterns"],
        "before_refinement": report["before_refinement"],
        "after_refinement": report["after_refinement"],
        "paper_gem": {"before": {"messages": 30, "tools": 5, "calls": 7.8},
                      "after": {"messages": 46, "tools": 8.6, "calls": 16.3}},
        "workflows": report["workflows"],
        "tools": report["tools"],
        "written": report["written"],
        "speed": {"seconds_with_refinement": round(elapsed, 3),
                  "conversations_per_second": round(report["written"] / elapsed, 1) if elapsed else None,
                  "seconds_without_refinement": round(elapsed_plain, 3),
                  "conversations_per_second_without_refinement":
                      round(plain["written"] / elapsed_plain, 1) if elapsed_plain else None,
                  "note": "whole pipeline on one core: read, filter, extract, ground, refine, validate (with "
                          "replay), write; each written conversation is also built and validated unrefined"},
        "config": {"per_text": args.per_text, "seed": args.seed},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    f = result["filter"]
    print(f"filter @0.5: precision {f['precision']:.3f}  recall {f['recall']:.3f}  f1 {f['f1']:.3f}"
          f"  (tp {f['tp']}, fp {f['fp']}, fn {f['fn']}, tn {f['tn']})")
    for s in sweep:
        print(f"  threshold {s['threshold']}: precision {s['precision']:.3f} recall {s['recall']:.3f}")
    for name, s in report["stages"].items():
        print(f"stage {name:<9} {s['in']:>4} -> {s['out']:>4}  ({100 * (s['pass_rate'] or 0):.1f}%)")
    print("drops:", report["drops"])
    b, a = report["before_refinement"], report["after_refinement"]
    print(f"per conversation  before: {b['messages']} messages, {b['tools']} tools, {b['calls']} calls")
    print(f"                  after:  {a['messages']} messages, {a['tools']} tools, {a['calls']} calls")
    print("                  paper:  30 -> 46 messages, 5 -> 8.6 tools, 7.8 -> 16.3 calls")
    print(f"speed: {result['speed']['conversations_per_second']} conversations/s with refinement, "
          f"{result['speed']['conversations_per_second_without_refinement']} without")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
