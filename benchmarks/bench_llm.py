"""Benchmark the LLM engine against a local OpenAI-compatible server with a fixed latency.

    python benchmarks/bench_llm.py            # full run (~2-3 minutes), writes benchmarks/results/llm.json
    python benchmarks/bench_llm.py --quick    # smaller sizes, a smoke check

What it measures (the server runs in its own process, so its CPU is not the engine's):

1. **Throughput vs ideal** at concurrency 1, 8, 32, 128 with a 200 ms server latency, as a
   share of the ideal ``concurrency / latency`` requests per second:
   * ``transport``: ``concurrency`` tasks sending requests through the backend
     (limiter, retries bookkeeping, HTTP, parsing, accounting; cache off);
   * ``engine``: ``magnet sample``'s run engine end to end (walks, ops, prompts, parsing,
     execution, verification, in-order writing) with ``--concurrency C``, against a server
     answering with the tests' "smart" responder; measured in the steady state (between 10 %
     and 75 % of the requests), and over the whole run (ramp-up and drain included).
2. **Engine overhead per LLM call**: CPU time of the client process per request against a
   zero-latency server, for the transport alone and for the whole engine; and the same for
   litellm's own client (what ``--transport litellm`` pays).
3. **LLM calls per accepted conversation** compared with the paper's recipe (one
   back-translation per turn, one forth-translation per function, one nested judge per
   insert), from the records of the engine runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "llm.json"
LATENCY = 0.2
CONCURRENCY = (1, 8, 32, 128)
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# -- the server (its own process) --------------------------------------------------------

CANNED = {
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 1_700_000_000, "model": "bench",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Done: everything went through."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 50, "completion_tokens": 8, "total_tokens": 58},
}  # fmt: skip


def _reply_bytes(body: dict[str, Any], mode: str, counter: list[int]) -> bytes:
    if mode == "canned":
        return json.dumps(CANNED).encode()
    from fake_openai import smart_reply  # tests/fake_openai.py: plausible answers to magnet's prompts

    out = dict(smart_reply(body).body or {})
    counter[0] += 1
    out.update(id=f"chatcmpl-{counter[0]}", object="chat.completion", created=1_700_000_000, model=body.get("model", "m"))
    prompt = max(1, len(json.dumps(body.get("messages", []))) // 4)
    completion = max(1, len(json.dumps(out["choices"])) // 8)
    out["usage"] = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    return json.dumps(out).encode()


async def _serve(port: int, latency: float, mode: str) -> None:
    counter = [0]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                length = 0
                while True:
                    header = await reader.readline()
                    if header in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = header.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                raw = await reader.readexactly(length) if length else b"{}"
                started = time.monotonic()
                payload = _reply_bytes(json.loads(raw), mode, counter)
                wait = latency - (time.monotonic() - started)  # the latency includes our own work
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(payload) + payload)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)
    print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


class Server:
    """``with Server(latency, mode) as url:`` a fake server in a child process."""

    def __init__(self, latency: float, mode: str):
        self.latency, self.mode = latency, mode

    def __enter__(self) -> str:
        env = {**os.environ, "PYTHONPATH": str(REPO / "tests") + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(self.latency), self.mode],
                                     stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("ready "):
            raise RuntimeError(f"the benchmark server did not start: {line!r}")
        return f"http://127.0.0.1:{int(line.split()[1])}/v1"

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# -- measurements ------------------------------------------------------------------------


def _backend(url: str, concurrency: int, transport: str = "auto"):
    from magnet_graph.translate.llm import LiteLLMBackend

    return LiteLLMBackend("openai/bench", api_base=url, api_key="sk-bench-0000000000", concurrency=concurrency,
                          timeout=30, seed=0, transport=transport)  # fmt: skip


def transport_run(url: str, *, concurrency: int, per_task: int, transport: str = "auto") -> dict[str, float]:
    """``concurrency`` tasks each sending ``per_task`` requests one after the other."""
    backend = _backend(url, concurrency, transport)
    messages = [{"role": "system", "content": "You are a helpful assistant. " * 20}, {"role": "user", "content": "Say hi."}]

    async def task(k: int) -> None:
        for i in range(per_task):
            await backend._complete(messages + [{"role": "user", "content": f"{k}/{i}"}], None)

    async def main() -> tuple[float, float]:
        await backend._complete(messages, None)  # warm up: connection, imports
        t0, c0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(task(k) for k in range(concurrency)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        await backend.aclose()
        return wall, cpu

    wall, cpu = asyncio.run(main())
    n = concurrency * per_task
    return {"requests": n, "wall_s": wall, "cpu_ms_per_call": 1000 * cpu / n, "rate": n / wall}


def engine_run(url: str, *, concurrency: int, n: int, seed: int = 1) -> dict[str, Any]:
    """``magnet sample``'s engine with this backend; steady-state and overall request rates."""
    import orjson

    from magnet_graph.run import CatalogSource, RunConfig, run_sample

    catalog, graph = CatalogSource().load()
    backend = _backend(url, concurrency)
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            samples.append((time.perf_counter(), backend.calls))
            time.sleep(0.02)

    out = Path(tempfile.mkdtemp(prefix="bench_llm_")) / "run.jsonl"
    config = RunConfig(n=n, seed=seed, concurrency=concurrency)
    watcher = threading.Thread(target=watch, daemon=True)
    c0 = time.process_time()
    watcher.start()
    report = run_sample(catalog=catalog, graph=graph, backend=backend, config=config, out=out,
                        catalog_ids=catalog.id.split("+"))  # fmt: skip
    done.set()
    watcher.join()
    cpu = time.process_time() - c0
    samples.append((time.perf_counter(), backend.calls))
    total = backend.calls
    t_lo = next(t for t, c in samples if c >= 0.10 * total)
    t_hi = next(t for t, c in samples if c >= 0.75 * total)
    c_lo = next(c for t, c in samples if t >= t_lo)
    c_hi = next(c for t, c in samples if t >= t_hi)
    steady = (c_hi - c_lo) / (t_hi - t_lo) if t_hi > t_lo else 0.0
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    return {
        "conversations": report.written, "requests": total, "wall_s": report.elapsed,
        "rate_overall": total / report.elapsed, "rate_steady": steady, "cpu_ms_per_call": 1000 * cpu / max(total, 1),
        "dropped_attempts": sum(report.dropped.values()), "records": records,
    }  # fmt: skip


def _first_try_calls(record: dict[str, Any]) -> int:
    """LLM calls of the accepted attempt had every reply been usable at once: per miss turn a
    request and a reply; per other turn a request (or follow-up), one call per batch of tool
    calls plus the one that ends the batches, and a summary."""
    calls = 0
    for t in record["turns"]:
        if t["kind"] != "normal":
            calls += 2
            continue
        start, end = t["messages"]
        batches = sum(1 for m in record["messages"][start:end] if m["role"] == "assistant" and m.get("tool_calls"))
        calls += 1 + batches + 1 + 1
    return calls


def recipe(records: list[dict[str, Any]]) -> dict[str, float]:
    """LLM calls per accepted conversation: ours (all attempts of the slot, and the accepted
    attempt alone at its best) against the paper's recipe (back per turn, forth per function,
    nested judge per insert)."""
    n = max(len(records), 1)
    ours = sum(r["provenance"]["llm_calls"] for r in records) / n
    first_try = sum(_first_try_calls(r) for r in records) / n
    turns = sum(len(r["turns"]) for r in records) / n
    funcs = sum(len(t["calls"]) for r in records for t in r["turns"]) / n
    inserts = sum(tag.startswith("insert") for r in records for t in r["path"] for tag in t["tags"]) / n
    paper = turns + funcs + inserts
    return {"ours_per_conversation": ours, "ours_accepted_attempt_first_try": first_try,
            "paper_recipe_per_conversation": paper, "ratio": ours / paper if paper else 0.0,
            "turns": turns, "functions": funcs, "inserts": inserts}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--serve", nargs=2, metavar=("LATENCY", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(0, float(args.serve[0]), args.serve[1]))
        return
    scale = 0.25 if args.quick else 1.0
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "latency_s": LATENCY, "throughput": {}, "overhead": {}, "recipe": {},
    }  # fmt: skip

    with Server(LATENCY, "canned") as url:
        for c in CONCURRENCY:
            r = transport_run(url, concurrency=c, per_task=max(4, int(40 * scale)))
            results["throughput"].setdefault(str(c), {})["transport"] = {**r, "ideal": c / LATENCY, "pct_of_ideal": 100 * r["rate"] / (c / LATENCY)}
    all_records: list[dict[str, Any]] = []
    with Server(LATENCY, "smart") as url:
        for c in CONCURRENCY:
            n = max(2, int(scale * {1: 3, 8: 32, 32: 96, 128: 384}[c]))
            r = engine_run(url, concurrency=c, n=n)
            all_records += r.pop("records")
            ideal = c / LATENCY
            results["throughput"][str(c)]["engine"] = {
                **r, "ideal": ideal, "pct_of_ideal_steady": 100 * r["rate_steady"] / ideal,
                "pct_of_ideal_overall": 100 * r["rate_overall"] / ideal,
            }  # fmt: skip
    results["recipe"] = recipe(all_records)

    with Server(0.0, "canned") as url:
        results["overhead"]["transport_http_ms"] = transport_run(url, concurrency=32, per_task=int(100 * scale) or 10)["cpu_ms_per_call"]
        results["overhead"]["transport_litellm_ms"] = transport_run(url, concurrency=32, per_task=int(30 * scale) or 5, transport="litellm")["cpu_ms_per_call"]
    with Server(0.0, "smart") as url:
        r = engine_run(url, concurrency=32, n=max(8, int(64 * scale)))
        r.pop("records")
        results["overhead"]["engine_ms"] = r["cpu_ms_per_call"]
        results["overhead"]["engine_zero_latency_rate"] = r["rate_overall"]

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    _print(results)


def _print(results: dict[str, Any]) -> None:
    print(f"server latency {results['latency_s'] * 1000:.0f} ms; % of ideal (concurrency / latency)")
    print(f"{'conc':>5} {'ideal/s':>8} {'transport':>10} {'engine steady':>14} {'engine overall':>15}")
    for c, row in results["throughput"].items():
        e = row["engine"]
        print(f"{c:>5} {row['transport']['ideal']:>8.0f} {row['transport']['pct_of_ideal']:>9.1f}% "
              f"{e['pct_of_ideal_steady']:>13.1f}% {e['pct_of_ideal_overall']:>14.1f}%")  # fmt: skip
    o = results["overhead"]
    print(f"overhead per call (client CPU): transport {o['transport_http_ms']:.3f} ms (litellm client "
          f"{o['transport_litellm_ms']:.2f} ms), whole engine {o['engine_ms']:.3f} ms")  # fmt: skip
    r = results["recipe"]
    print(f"LLM calls per accepted conversation: {r['ours_per_conversation']:.1f} (accepted attempt at first try: "
          f"{r['ours_accepted_attempt_first_try']:.1f}) vs the paper's recipe {r['paper_recipe_per_conversation']:.1f} "
          f"(x{r['ratio']:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
