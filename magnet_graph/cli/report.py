"""Progress bars and end-of-run summary tables shared by the long-running commands."""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Callable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

console = Console(stderr=True)


@contextlib.contextmanager
def progress(*, total: int, quiet: bool = False, label: str = "conversations") -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (silent when ``quiet`` or stderr is not a terminal)."""
    if quiet or not sys.stderr.isatty():
        yield lambda k=1: None
        return
    with Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=console, transient=False,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda k=1: bar.advance(task, k)


def _counts(counter: Any) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counter.most_common())


def print_summary(report, out, backend) -> None:
    """The end-of-run table: written, drops by reason, ops, averages, coverage, time, LLM use, cost."""
    out_console = Console()
    t = Table(title=f"magnet sample -> {escape(str(out))}", show_header=False, title_justify="left")
    t.add_column("what", style="bold")
    t.add_column("value")
    n = max(report.written, 1)
    t.add_row("written", f"{report.written}" + (f" (+{report.resumed} already in the file)" if report.resumed else ""))
    dropped = sum(report.dropped.values())
    t.add_row("dropped attempts", f"{dropped}" + ("" if not dropped else "  " + escape(_counts(report.dropped))))
    if report.empty_slots:
        t.add_row("slots given up", f"[red]{report.empty_slots}[/red] (no translatable path after all attempts)")
    if report.unfinished > 0:
        t.add_row("left for later", f"{report.unfinished} slots (the same command continues the file)")
    t.add_row("op tags (turns)", ", ".join(f"{k}: {v}" for k, v in sorted(report.tags.items())) or "-")
    t.add_row("turns / conversation", f"{report.turns / n:.2f}")
    t.add_row("calls / conversation", f"{report.calls / n:.2f}")
    t.add_row("tool coverage", f"{len(report.tools_used)}/{report.tools_total} tools called")
    rate = report.written / report.elapsed if report.elapsed else 0.0
    workers = f", {report.workers} workers" if report.workers > 1 else ""
    t.add_row("elapsed", f"{report.elapsed:.2f} s ({rate:.0f} conversations/s{workers})")
    t.add_row("backend", escape(backend.name + (f" ({backend.model})" if backend.model else "")))
    if report.llm_calls or report.cache_hits or report.faults:
        t.add_row("LLM requests", f"{report.llm_calls} sent, {report.cache_hits} answered by the cache, "
                                  f"{report.tokens} tokens, ${report.cost_usd:.4f}"
                                  + (f" (${report.saved_usd:.4f} saved by the cache)" if report.saved_usd else ""))  # fmt: skip
        t.add_row("per record", f"{report.record_llm_calls / n:.1f} LLM calls, {report.record_tokens / n:.0f} tokens, "
                                f"${report.record_cost_usd / n:.5f} (total in the records: ${report.record_cost_usd:.4f})")  # fmt: skip
        t.add_row("faults", escape(_counts(report.faults)) or "none")
        c = report.concurrency
        if c:
            t.add_row("concurrency", f"max {c['maximum']}, lowest {c['lowest']} after {c['cuts']} cut(s) on 429, final {c['final']}")
    if report.stopped:
        t.add_row("stopped", f"[yellow]{escape(report.stopped)}[/yellow]")
    out_console.print(t)
