"""What the long-running commands (sample, distill, extract) share: progress bars, summary
tables, and the LLM options (``--concurrency``, ``--no-cache``, ``--max-cost`` ...) with the
client they build."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path as FsPath
from typing import Any, Callable, Iterator, Sequence

import click
import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from ..errors import OptionError

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
    stats = backend.stats() if hasattr(backend, "stats") else {}
    llm_rows(t, stats, records=f"{report.record_llm_calls / n:.1f} LLM calls, {report.record_tokens / n:.0f} tokens, "
                               f"${report.record_cost_usd / n:.5f} (total in the records: ${report.record_cost_usd:.4f})")
    if report.stopped:
        t.add_row("stopped", f"[yellow]{escape(report.stopped)}[/yellow]")
    out_console.print(t)


# -- LLM options -----------------------------------------------------------------------

LLM_OPTIONS = ("concurrency", "timeout", "retries", "backoff", "cache_dir", "no_cache", "price_in", "price_out",
               "max_cost", "transport")  # fmt: skip


def llm_options(func: Callable | None = None, *, concurrency: bool = True) -> Callable:
    """Add the options of :data:`LLM_OPTIONS` to a click command (read them with :func:`make_client`);
    ``concurrency=False`` leaves ``--concurrency`` out (a command that asks one thing at a time)."""
    if func is None:
        return lambda f: llm_options(f, concurrency=concurrency)
    options = [
        click.option("--concurrency", default=8, show_default=True, type=click.IntRange(min=1),
                     help="Most LLM requests in flight (lowered on 429s, raised again after)."),
        click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
                     metavar="SECONDS", help="Per LLM request."),
        click.option("--retries", default=3, show_default=True, type=click.IntRange(min=0),
                     help="Retries per LLM request (429, 5xx, timeouts) and per unusable reply."),
        click.option("--backoff", default=0.5, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
                     help="First retry wait; doubles each retry, with jitter."),
        click.option("--cache-dir", default=None, metavar="DIR", help="LLM answer cache [default: $MAGNET_HOME/cache/llm]."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the LLM answer cache."),
        click.option("--price-in", default=None, type=click.FloatRange(min=0), metavar="USD",
                     help="Price per million input tokens (default: litellm's table)."),
        click.option("--price-out", default=None, type=click.FloatRange(min=0), metavar="USD",
                     help="Price per million output tokens (default: litellm's table)."),
        click.option("--max-cost", default=None, type=click.FloatRange(min=0), metavar="USD",
                     help="Stop cleanly once this run has spent this much (exit 3; the same command continues)."),
        click.option("--transport", default="auto", show_default=True, type=click.Choice(["auto", "http", "litellm"]),
                     help="auto: direct HTTP for openai/* with --api-base, litellm otherwise."),
    ][0 if concurrency else 1:]
    for option in reversed(options):
        func = option(func)
    return func


def refuse_llm_options_offline(ctx: click.Context, *, also: Sequence[str] = ("api_base",),
                               what: str = "--model (e.g. --model openai/gpt-4o-mini)") -> None:
    """LLM options typed without a model are mistakes: say so in one line. (``--concurrency``
    is let through: harmless offline.)"""
    for name in (*also, *(o for o in LLM_OPTIONS if o != "concurrency")):
        if name not in ctx.params:
            continue
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            flag = "--" + name.replace("_", "-")
            raise OptionError(f"{flag} needs {what}; without it magnet runs offline")


def make_client(cls: type, model: str, *, options: dict[str, Any], api_base: str | None, seed: int | None,
                models: Sequence[str] = (), **kwargs: Any) -> Any:
    """A :class:`~magnet_graph.translate.transport.ChatClient` (or subclass ``cls``) set up from
    the parsed :func:`llm_options`. ``models``: every model it will ask (for the ``--max-cost``
    price check; default ``[model]``); ``kwargs`` go to ``cls``."""
    from ..cache import ResponseCache, default_cache_dir

    prices = None
    if options["price_in"] is not None or options["price_out"] is not None:
        prices = ((options["price_in"] or 0.0) / 1e6, (options["price_out"] or 0.0) / 1e6)
    cache = None if options["no_cache"] else ResponseCache(options["cache_dir"] or default_cache_dir())
    client = cls(model, api_base=api_base, seed=seed, concurrency=options.get("concurrency", 1), timeout=options["timeout"],
                 max_retries=options["retries"], backoff=options["backoff"], prices=prices, cache=cache,
                 max_cost=options["max_cost"], transport=options["transport"], **kwargs)  # fmt: skip
    if options["max_cost"] is not None:
        for name in models or (model,):
            if not client.is_priced(name):
                raise OptionError(
                    f"--max-cost: litellm has no price for {name}; give --price-in and --price-out (USD per million tokens)"
                )
    return client


def write_report(path: str | None, data: dict[str, Any]) -> None:
    """``--report FILE``: the run report as indented JSON (missing folders are created)."""
    if not path:
        return
    target = FsPath(path)
    if target.is_dir():
        raise OptionError(f"--report {path} is a folder; give a file name such as {target / 'report.json'}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def llm_rows(t: Table, stats: dict[str, Any], *, records: str = "") -> None:
    """The LLM rows of a summary table from a client's ``stats()`` (nothing when it made no request)."""
    if not (stats.get("calls") or stats.get("cache_hits") or stats.get("faults")):
        return
    tokens = int(stats["prompt_tokens"]) + int(stats["completion_tokens"])
    t.add_row("LLM requests", f"{stats['calls']} sent, {stats['cache_hits']} answered by the cache, {tokens} tokens, "
                              f"${stats['cost_usd']:.4f}"
                              + (f" (${stats['saved_usd']:.4f} saved by the cache)" if stats["saved_usd"] else ""))  # fmt: skip
    if records:
        t.add_row("per record", records)
    t.add_row("faults", escape(_counts(Counter(stats["faults"]))) or "none")
    c = stats.get("concurrency")
    if c:
        t.add_row("concurrency", f"max {c['maximum']}, lowest {c['lowest']} after {c['cuts']} cut(s) on 429, final {c['final']}")
