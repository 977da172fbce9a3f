"""Progress bars and end-of-run summary tables shared by the long-running commands."""

from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator

from rich.console import Console
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


def print_summary(report, out, backend) -> None:
    """The end-of-run table: written, drops by reason, ops, averages, coverage, time, cost."""
    out_console = Console()
    t = Table(title=f"magnet sample -> {out}", show_header=False, title_justify="left")
    t.add_column("what", style="bold")
    t.add_column("value")
    n = max(report.written, 1)
    t.add_row("written", f"{report.written}" + (f" (+{report.resumed} already in the file)" if report.resumed else ""))
    dropped = sum(report.dropped.values())
    t.add_row("dropped attempts", f"{dropped}" + ("" if not dropped else "  " + ", ".join(f"{k}: {v}" for k, v in report.dropped.most_common())))
    if report.empty_slots:
        t.add_row("slots given up", f"[red]{report.empty_slots}[/red] (no translatable path after all attempts)")
    t.add_row("op tags (turns)", ", ".join(f"{k}: {v}" for k, v in sorted(report.tags.items())) or "-")
    t.add_row("turns / conversation", f"{report.turns / n:.2f}")
    t.add_row("calls / conversation", f"{report.calls / n:.2f}")
    t.add_row("tool coverage", f"{len(report.tools_used)}/{report.tools_total} tools called")
    rate = report.written / report.elapsed if report.elapsed else 0.0
    t.add_row("elapsed", f"{report.elapsed:.2f} s ({rate:.0f} conversations/s)")
    t.add_row("backend", backend.name + (f" ({backend.model})" if backend.model else ""))
    if report.llm_calls:
        t.add_row("LLM calls", f"{report.llm_calls} ({report.llm_calls / n:.1f} per conversation), {report.tokens} tokens, ${report.cost_usd:.4f}")
    if report.stopped:
        t.add_row("stopped", report.stopped)
    out_console.print(t)
