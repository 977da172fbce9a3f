"""The LLM backend: any provider through litellm, or straight HTTP to an OpenAI-compatible server.

:class:`LiteLLMBackend` implements the :class:`~magnet_graph.translate.base.Backend`
protocol with the prompts of :mod:`.prompts` and the parsers of :mod:`.parse`.

Transport. ``openai/<model>`` with an ``api_base`` (vLLM, llama.cpp, Ollama, LM Studio, TGI,
a proxy ...) is posted directly to ``<api_base>/chat/completions`` with aiohttp: litellm
spends 4-7 ms of CPU per call, which caps a run at ~250 calls/s on a core, while the direct
path spends ~0.1 ms (benchmarks/bench_llm.py). Every other model goes through
``litellm.acompletion``. ``transport="litellm"`` forces litellm.

Around every network call:

* a shared :class:`AdaptiveLimiter` bounds the requests in flight (``concurrency``); a 429
  halves the limit, successes raise it again by one per window (AIMD);
* a content-addressed :class:`~magnet_graph.cache.ResponseCache` (when given) answers any
  request already asked: a rerun of a finished job makes no call at all;
* transport failures (HTTP 429, 5xx, a body that is not JSON, timeouts, connection errors)
  are retried with exponential backoff and seeded jitter; a 429's ``Retry-After`` (or
  ``retry-after-ms``) is honoured. 401/403 stop the backend for good (:attr:`stop_reason`);
  other HTTP errors fail the request at once;
* ``max_cost`` (USD) stops the backend before the call that would start past the budget.

Reply retries: a reply that does not parse, names an unknown tool, has bad JSON arguments or
breaks a prompt rule is sent back with the error and asked again. Giving up raises
:class:`~magnet_graph.errors.BackendError` (the loop counts it as a drop reason).

The API key (given, or found in the environment) never appears in an exception, a counter,
a cache entry or a report: :func:`scrub` removes it from every message built here.

litellm is imported lazily, after ``LITELLM_LOCAL_MODEL_COST_MAP=True`` is set, with its
debug prints off and no callbacks, so nothing reaches the network but the model's API.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import email.utils
import os
import random
import re
import time
from collections import Counter
from typing import Any, AsyncIterator, Callable, Literal, Mapping, TypeVar

import orjson

from .. import PROMPT_VERSION
from ..cache import ResponseCache, cache_key
from ..errors import BackendError
from ..types import Call, Tool
from .base import Request, TurnContext
from .parse import ReplyError, message_field, parse_json_reply, parse_tool_calls, snippet
from .prompts import (
    back_messages,
    follow_up_messages,
    forth_messages,
    miss_messages,
    summary_messages,
    value_sources,
)

__all__ = ["AdaptiveLimiter", "LiteLLMBackend", "scrub"]

T = TypeVar("T")
Messages = list[dict[str, Any]]
Transport = Literal["auto", "http", "litellm"]

_SECRET = re.compile(
    r"sk-[A-Za-z0-9_\-]{6,}"
    r"|(?i:bearer)\s+[A-Za-z0-9_\-.=:/+]{6,}"
    r"|(?i:api[_-]?key|authorization|x-api-key)[\"']?\s*[:=]\s*[\"']?[^\s\"',}]+"
)
_SECRET_ENV = re.compile(r"(API_KEY|_KEY|_TOKEN|_SECRET|PASSWORD)$")
_IDENTIFIER = re.compile(r"_|\d|[a-z][A-Z]")
_LITELLM: Any = None
_sleep = asyncio.sleep  # the backoff wait (tests replace it to record the waits)
_USAGE: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("magnet_llm_usage", default=None)
# cache key -> times asked in this conversation: a repeated identical request (a retry) is a new sample
_ASKED: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar("magnet_llm_asked", default=None)
# faults after which the backend stops for good (every later request would fail the same way)
FATAL = frozenset({"auth"})


def _litellm() -> Any:
    """Import litellm once, offline-safe: local cost map, no debug prints, no telemetry."""
    global _LITELLM
    if _LITELLM is None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import litellm

        litellm.suppress_debug_info = True
        if hasattr(litellm, "telemetry"):
            litellm.telemetry = False
        _LITELLM = litellm
    return _LITELLM


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with the given secrets and anything shaped like an API key replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _SECRET.sub("***", text)


def _env_secrets() -> tuple[str, ...]:
    """Values of environment variables named like credentials (``*_API_KEY``, ``*_TOKEN`` ...)."""
    return tuple(
        sorted({v for k, v in os.environ.items() if _SECRET_ENV.search(k.upper()) and len(v) >= 8}, key=len, reverse=True)
    )


def _retry_after_headers(headers: Any) -> float | None:
    """Seconds a ``Retry-After`` / ``retry-after-ms`` header asks for, or ``None``."""
    if not headers:
        return None
    try:
        ms = headers.get("retry-after-ms")
        raw = headers.get("retry-after") or headers.get("Retry-After")
    except (AttributeError, TypeError):
        return None
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:  # an HTTP date
        when = email.utils.parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait, read from a litellm/openai exception.

    litellm keeps the provider's headers on ``exc.litellm_response_headers``; its own
    ``exc.response`` and ``exc.headers`` are checked too.
    """
    for headers in (
        getattr(exc, "litellm_response_headers", None),
        getattr(getattr(exc, "response", None), "headers", None),
        getattr(exc, "headers", None),
    ):
        after = _retry_after_headers(headers)
        if after is not None:
            return after
    return None


def _names_tool(text: str, names: set[str]) -> str | None:
    """The first identifier-like tool name (``_``, digits or inner capitals) written in ``text``."""
    for name in sorted(names):
        if _IDENTIFIER.search(name) and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text, re.IGNORECASE):
            return name
    return None


def _mentions(text: str, value: Any) -> bool:
    """Is ``value`` written in ``text`` (case-insensitive, whole token)?"""
    if isinstance(value, bool):
        return True
    forms = {str(value)}
    if isinstance(value, float) and value.is_integer():
        forms.add(str(int(value)))
    return any(re.search(rf"(?<![\w.]){re.escape(f)}(?![\w])", text, re.IGNORECASE) for f in forms if f)


def _fit_value(value: Any, spec: Any, param: str) -> Any:
    """``value`` proposed for a left-out parameter, checked (and lightly coerced) to ``spec``."""
    if value is None or value == "" or isinstance(value, (dict, list)):
        raise ReplyError(f'give "value": the single value of {param} the user will provide later', kind="invalid")
    spec = spec if isinstance(spec, dict) else {}
    kind = spec.get("type")
    if kind in ("integer", "number") and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise ReplyError(f'"value" for {param} must be a number, got {value!r}', kind="invalid") from None
        value = int(number) if kind == "integer" and number.is_integer() else number
    if "enum" in spec and value not in spec["enum"]:
        raise ReplyError(f'"value" for {param} must be one of {spec["enum"]}, got {value!r}', kind="invalid")
    return value


def _plain_message(message: Any) -> dict[str, Any] | None:
    """An assistant message (litellm object or mapping) as plain JSON data: role, content, tool calls."""
    if message is None:
        return None
    out: dict[str, Any] = {"role": "assistant", "content": message_field(message, "content")}
    calls = message_field(message, "tool_calls")
    if calls:
        items = []
        for c in calls:
            fn = message_field(c, "function")
            items.append({
                "id": message_field(c, "id"),
                "type": "function",
                "function": {"name": message_field(fn, "name"), "arguments": message_field(fn, "arguments")}
                if fn is not None else None,
            })  # fmt: skip
        out["tool_calls"] = items
    return out


_PRICE_TABLE: dict[str, Any] | None = None


def _table_prices(model: str) -> tuple[float, float] | None:
    """USD per (input, output) token of ``model`` in litellm's price table, else ``None``.

    The table is litellm's own JSON file (what ``litellm.cost_per_token`` reads with
    ``LITELLM_LOCAL_MODEL_COST_MAP=True``), read without importing litellm (3-4 s). A
    ``provider/name`` model is looked up as is, then as ``name`` listed for that provider.
    """
    global _PRICE_TABLE
    if _PRICE_TABLE is None:
        import importlib.util
        from pathlib import Path

        spec = importlib.util.find_spec("litellm")
        path = Path(spec.origin).parent / "model_prices_and_context_window_backup.json" if spec and spec.origin else None
        try:
            _PRICE_TABLE = orjson.loads(path.read_bytes()) if path else {}
        except (OSError, orjson.JSONDecodeError):
            _PRICE_TABLE = {}
    provider, _, name = model.partition("/")
    for key, want in ((model, None), (name, provider)):
        entry = _PRICE_TABLE.get(key) if key else None
        if not isinstance(entry, dict) or (want and entry.get("litellm_provider") != want):
            continue
        try:
            return float(entry["input_cost_per_token"]), float(entry["output_cost_per_token"])
        except (KeyError, TypeError, ValueError):
            continue
    return None


class _Fault(Exception):
    """One failed transport attempt: its fault kind, whether to retry, the server's wait."""

    def __init__(self, kind: str, detail: str, *, retry: bool, after: float | None = None):
        super().__init__(detail)
        self.kind = kind
        self.retry = retry
        self.after = after


class AdaptiveLimiter:
    """How many requests may be in flight: an AIMD limit shared by all conversations.

    The limit starts at ``maximum``. :meth:`throttled` (a 429) halves it, at most once per
    *generation*: a 429 for a request sent before the last cut does not cut again, so a
    burst of 429s from one overload costs one halving. :meth:`succeeded` adds ``1/limit``
    (one per window of successes) up to ``maximum``. ``lowest`` and ``cuts`` are kept for
    the run report. Single event loop; no locks needed.
    """

    __slots__ = ("maximum", "limit", "in_flight", "generation", "cuts", "lowest", "_waiters")

    def __init__(self, maximum: int):
        if maximum < 1:
            raise ValueError(f"the concurrency limit must be >= 1, got {maximum}")
        self.maximum = int(maximum)
        self.limit = float(maximum)
        self.in_flight = 0
        self.generation = 0
        self.cuts = 0
        self.lowest = int(maximum)
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def current(self) -> int:
        """The whole number of requests allowed in flight now."""
        return max(1, int(self.limit))

    async def acquire(self) -> int:
        """Wait for room; returns the generation the request is sent in (give it to :meth:`throttled`)."""
        if self.in_flight < self.current and not self._waiters:
            self.in_flight += 1
            return self.generation
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # room was given, then we were cancelled
                self.release()
            else:
                self._waiters.remove(waiter)
            raise
        return self.generation

    def release(self) -> None:
        """A request finished (whatever its outcome)."""
        self.in_flight -= 1
        self._wake()

    def succeeded(self) -> None:
        """Additive increase: one more request per window of successes, up to ``maximum``."""
        if self.limit < self.maximum:
            self.limit = min(float(self.maximum), self.limit + 1.0 / self.limit)
            self._wake()

    def throttled(self, generation: int) -> None:
        """Multiplicative decrease after a 429 on a request sent in ``generation``."""
        if generation != self.generation:
            return
        self.limit = max(1.0, self.limit / 2)
        self.generation += 1
        self.cuts += 1
        self.lowest = min(self.lowest, self.current)

    def _wake(self) -> None:
        while self._waiters and self.in_flight < self.current:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                waiter.set_result(None)

    def stats(self) -> dict[str, int]:
        """``{"maximum", "lowest", "final", "cuts"}``: for the run report."""
        return {"maximum": self.maximum, "lowest": self.lowest, "final": self.current, "cuts": self.cuts}


async def _close_at_loop_end(session: Any) -> AsyncIterator[None]:
    """Closes ``session`` when its event loop shuts its async generators down (``asyncio.run``)."""
    try:
        yield
    finally:
        if not session.closed:
            await session.close()


class LiteLLMBackend:
    """A translation backend that asks an LLM (any provider through litellm; see the module doc).

    Counters of the network calls this backend made: ``calls`` (completions received),
    ``prompt_tokens``, ``completion_tokens``, ``cost_usd`` and ``faults`` (a ``Counter`` by
    kind: ``rate_limit``, ``server_error``, ``timeout``, ``connection``, ``auth``,
    ``api_error``, ``empty``, ``bad_json``, ``unknown_tool``, ``bad_arguments``, ``invalid``).
    Answers from the cache are counted apart (``cache_hits``, ``cached_tokens``,
    ``saved_usd``). :meth:`track_usage` gives per-conversation figures while conversations
    run concurrently; those count cached answers too, as what the conversation took to make,
    so a record's provenance does not depend on what was cached when it was made.

    ``prices=(input_per_token, output_per_token)`` sets the cost per token (it wins over
    litellm's price table); without it the cost comes from litellm's table when the model
    is in it, else it is 0 (:attr:`priced` tells). ``hint`` puts the reference functions in
    the assistant's system prompt (METHOD.md A5). ``backoff`` and ``max_backoff`` (seconds)
    shape the transport retries; ``seed`` seeds the jitter and is passed to providers that
    accept one. ``concurrency`` is the most requests in flight (:class:`AdaptiveLimiter`),
    ``cache`` a :class:`~magnet_graph.cache.ResponseCache` (``None``: no cache),
    ``max_cost`` a budget in USD for this backend's network calls.
    """

    name = "litellm"
    is_async = True  # the run engine drives it in an event loop (it awaits the network)

    def __init__(
        self,
        model: str,
        *,
        api_base: str | None = None,
        api_key: str | None = None,
        temperature: float = 0.7,
        timeout: float = 60,
        max_retries: int = 3,
        seed: int | None = None,
        extra: dict | None = None,
        prices: tuple[float, float] | None = None,
        hint: bool = True,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        concurrency: int = 8,
        cache: ResponseCache | None = None,
        max_cost: float | None = None,
        transport: Transport = "auto",
    ):
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        if transport not in ("auto", "http", "litellm"):
            raise ValueError(f"transport must be auto, http or litellm, got {transport!r}")
        self.model = model
        self.api_base = api_base
        self._api_key = api_key
        self.temperature = temperature
        self.timeout = timeout
        self.max_retries = max_retries
        self.seed = seed
        self.extra = dict(extra or {})
        self.prices = prices
        self.hint = hint
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.cache = cache
        self.max_cost = max_cost
        self.limiter = AdaptiveLimiter(concurrency)
        self.transport = "http" if transport == "http" or (transport == "auto" and api_base and model.startswith("openai/")) else "litellm"
        self._secrets = tuple(s for s in (api_key,) if s) + _env_secrets()
        self._jitter = random.Random(seed if seed is not None else 0)
        self._unit_prices: tuple[float, float] | None = None  # from litellm's table, looked up once
        self._priced: bool | None = None  # does litellm know this model's price?
        self._http: Any = None  # aiohttp session of the current event loop
        self._http_loop: Any = None
        self._closer: Any = None
        self._target: tuple[str, dict[str, str], str, str | None] | None = None
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost_usd = 0.0
        self.cache_hits = 0
        self.cached_tokens = 0
        self.saved_usd = 0.0
        self.faults: Counter[str] = Counter()
        self.stop_reason = ""  # set when the backend stops for good: "max_cost" or a FATAL fault
        self.stop_detail = ""

    def __repr__(self) -> str:
        return f"LiteLLMBackend(model={self.model!r}, api_base={self.api_base!r})"

    def __getstate__(self) -> dict[str, Any]:  # never pickle a live session or a key
        raise TypeError("LiteLLMBackend cannot be pickled; build one per process")

    def track_usage(self) -> dict[str, Any]:
        """Count this asyncio task's usage from now on, apart from other tasks'.

        Returns a dict ``{"calls", "tokens", "cost_usd"}`` that every later completion made in
        the current task (and in tasks it starts) adds to, cached answers included; call it
        at the start of each conversation (each run slot is its own task) and copy it into
        the provenance.
        """
        usage: dict[str, Any] = {"calls": 0, "tokens": 0, "cost_usd": 0.0}
        _USAGE.set(usage)
        _ASKED.set({})
        return usage

    def counters(self) -> dict[str, Any]:
        """A snapshot of the network counters as plain data."""
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": self.cost_usd,
            "faults": dict(self.faults),
        }

    def stats(self) -> dict[str, Any]:
        """Everything the run report shows: network counters, cache, limiter, stop reason."""
        return {
            **self.counters(),
            "cache_hits": self.cache_hits,
            "cached_tokens": self.cached_tokens,
            "saved_usd": self.saved_usd,
            "concurrency": self.limiter.stats(),
            "transport": self.transport,
            "stop_reason": self.stop_reason,
            "stop_detail": self.stop_detail,
        }

    @property
    def priced(self) -> bool:
        """Is the cost known: ``prices`` given, or the model in litellm's price table?"""
        return self.prices is not None or self._lookup_prices() is not None

    def scrub(self, text: str) -> str:
        """``text`` without this backend's key, credentials from the environment, or key shapes."""
        return scrub(text, *self._secrets)

    async def aclose(self) -> None:
        """Close the HTTP session (the run engine calls it; ``asyncio.run`` would too)."""
        closer, self._closer, self._http, self._http_loop = self._closer, None, None, None
        if closer is not None:
            await closer.aclose()

    # -- transport -------------------------------------------------------------------
    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {**self.extra, "temperature": self.temperature}
        if self.seed is not None:
            params["seed"] = self.seed
        return params

    def _key(self, messages: Messages, tools: list[dict[str, Any]] | None) -> str:
        """The cache key: model, messages, tools, sampling parameters, prompt version.

        Within a conversation (:meth:`track_usage`), asking the same thing again (a retry
        after a rejected answer) gets a key of its own, so it is a fresh sample from the
        model the first time and the same answer again on a rerun."""
        return cache_key({
            "model": self.model, "messages": messages, "tools": tools or None,
            "params": self._params(), "prompt_version": PROMPT_VERSION,
        })  # fmt: skip

    def _kwargs(self, messages: Messages, tools: list[dict[str, Any]] | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            **self._params(),
            "model": self.model,
            "messages": messages,
            "timeout": self.timeout,
            "max_retries": 0,  # retries are ours (backoff, Retry-After, counters)
            "drop_params": True,
        }
        if self.api_base:
            kwargs["api_base"] = self.api_base
        if self._api_key:
            kwargs["api_key"] = self._api_key
        if tools:
            kwargs["tools"] = tools
            # litellm 1.106 imports its MCP gateway (needs the optional ``mcp`` package)
            # whenever tools are passed; plain function tools never need it.
            kwargs["_skip_mcp_handler"] = True
        return kwargs

    def _wait(self, attempt: int, after: float | None) -> float:
        """Seconds before retry ``attempt + 1``: the server's ``Retry-After``, else backoff with jitter."""
        if after is not None:
            return min(after, self.max_backoff)
        wait = min(self.max_backoff, self.backoff * 2**attempt)
        return wait / 2 + self._jitter.uniform(0, wait / 2)

    def _stop(self, reason: str, detail: str) -> None:
        if not self.stop_reason:
            self.stop_reason, self.stop_detail = reason, detail

    def _refuse(self) -> BackendError | None:
        """The error to raise instead of calling, once the backend has stopped or is over budget."""
        if not self.stop_reason and self.max_cost is not None and self.cost_usd >= self.max_cost:
            self._stop("max_cost", f"cost limit ${self.max_cost:g} reached (${self.cost_usd:.4f} spent)")
        if self.stop_reason:
            return BackendError(f"{self.model}: stopped: {self.stop_detail}")
        return None

    async def _complete(self, messages: Messages, tools: list[dict[str, Any]] | None) -> dict[str, Any]:
        """One completion ``{"message", "prompt_tokens", "completion_tokens"}``: from the
        cache, else from the network with transport retries; raises BackendError when giving up."""
        key = self._key(messages, tools) if self.cache is not None else ""
        asked = _ASKED.get()
        if key and asked is not None:  # the n-th identical request of a conversation has its own entry
            repeat = asked.get(key, 0)
            asked[key] = repeat + 1
            if repeat:
                key = cache_key({"request": key, "repeat": repeat})
        if key:
            entry = self.cache.get(key)  # type: ignore[union-attr]
            if entry is not None:
                self._account(entry, cached=True)
                return entry
        kind, detail, attempt = "api_error", "", 0
        for attempt in range(self.max_retries + 1):
            refused = self._refuse()
            if refused is not None:
                raise refused
            generation = await self.limiter.acquire()
            try:
                refused = self._refuse()  # the backend may have stopped while we waited for room
                if refused is not None:
                    raise refused
                if self.transport == "http":
                    entry = await self._send_http(messages, tools)
                else:
                    entry = await self._send_litellm(messages, tools)
            except _Fault as fault:
                kind, retry, after, detail = fault.kind, fault.retry, fault.after, self.scrub(str(fault))
            else:
                self.limiter.succeeded()
                self._account(entry, cached=False)
                if key:
                    self.cache.put(key, entry)  # type: ignore[union-attr]
                return entry
            finally:
                self.limiter.release()
            self.faults[kind] += 1
            if kind == "rate_limit":
                self.limiter.throttled(generation)
            if kind in FATAL:
                self._stop(kind, f"{kind}: {snippet(detail, 200)}")
            if not retry or attempt == self.max_retries:
                break
            await _sleep(self._wait(attempt, after))
        # raised outside any ``except`` block: no chained exception can carry the key
        raise BackendError(f"{self.model}: {kind} after {attempt + 1} attempt(s): {snippet(detail, 300)}")

    async def _send_litellm(self, messages: Messages, tools: list[dict[str, Any]] | None) -> dict[str, Any]:
        import openai

        try:
            response = await _litellm().acompletion(**self._kwargs(messages, tools))
        except (openai.OpenAIError, asyncio.TimeoutError) as exc:
            kind, retry = self._classify(exc)
            raise _Fault(kind, f"{type(exc).__name__}: {exc}", retry=retry, after=_retry_after(exc) if kind == "rate_limit" else None) from None
        choices = getattr(response, "choices", None) or []
        usage = getattr(response, "usage", None)
        return {
            "message": _plain_message(message_field(choices[0], "message")) if choices else None,
            "prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
            "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
        }

    @staticmethod
    def _classify(exc: BaseException) -> tuple[str, bool]:
        """(fault kind, retry?) for an exception from ``litellm.acompletion``."""
        import openai

        status = getattr(exc, "status_code", None)
        if isinstance(exc, (openai.APITimeoutError, asyncio.TimeoutError)):
            return "timeout", True
        if status == 429 or isinstance(exc, openai.RateLimitError):
            return "rate_limit", True
        if isinstance(exc, openai.APIConnectionError):
            return "connection", True
        if isinstance(status, int) and status >= 500:
            return "server_error", True
        if status in (401, 403):
            return "auth", False
        return "api_error", False

    async def _session(self) -> Any:
        """The aiohttp session of the running event loop (a new loop gets a new session)."""
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is not loop or self._http.closed:
            import aiohttp

            # trust_env=False: with it aiohttp looks up netrc and the proxy in a thread on every
            # request (2 thread hops, ~0.5 ms); the proxy is looked up once in _http_target.
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, ttl_dns_cache=300), trust_env=False,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            )  # fmt: skip
            self._http_loop = loop
            self._closer = _close_at_loop_end(self._http)
            await self._closer.__anext__()
        return self._http

    def _http_target(self) -> tuple[str, dict[str, str], str, str | None]:
        """(URL, headers, model name, proxy) of the direct transport; worked out once."""
        if self._target is None:
            from aiohttp.helpers import get_env_proxy_for_url
            from yarl import URL

            base = self.api_base or os.environ.get("OPENAI_API_BASE") or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
            url = base.rstrip("/") + "/chat/completions"
            headers = {"Content-Type": "application/json"}
            key = self._api_key or os.environ.get("OPENAI_API_KEY")
            if key:
                headers["Authorization"] = f"Bearer {key}"
            model = self.model.split("/", 1)[1] if self.model.startswith("openai/") else self.model
            try:  # HTTP(S)_PROXY / NO_PROXY, as trust_env would read them
                proxy = str(get_env_proxy_for_url(URL(url))[0])
            except LookupError:
                proxy = None
            self._target = (url, headers, model, proxy)
        return self._target

    async def _send_http(self, messages: Messages, tools: list[dict[str, Any]] | None) -> dict[str, Any]:
        """POST one chat completion to an OpenAI-compatible server."""
        import aiohttp

        url, headers, model, proxy = self._http_target()
        body: dict[str, Any] = {**self._params(), "model": model, "messages": messages}
        if tools:
            body["tools"] = tools
        session = await self._session()
        try:
            async with session.post(url, data=orjson.dumps(body), headers=headers, proxy=proxy) as response:
                raw = await response.read()
                status, reply_headers = response.status, response.headers
        except asyncio.TimeoutError:
            raise _Fault("timeout", f"no reply within {self.timeout:g} s", retry=True) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise _Fault("connection", f"{type(exc).__name__}: {exc}", retry=True) from None
        if status == 200:
            try:
                data = orjson.loads(raw)
                choices = data.get("choices") or []
                usage = data.get("usage") or {}
                message = choices[0].get("message") if choices else None
            except (orjson.JSONDecodeError, AttributeError, TypeError):
                raise _Fault("server_error", f"HTTP 200 with a body that is not a chat completion: {snippet(raw.decode('utf-8', 'replace'))}", retry=True) from None
            return {
                "message": _plain_message(message),
                "prompt_tokens": int(usage.get("prompt_tokens") or 0),
                "completion_tokens": int(usage.get("completion_tokens") or 0),
            }
        detail = f"HTTP {status}: {_error_message(raw)}"
        if status == 429:
            raise _Fault("rate_limit", detail, retry=True, after=_retry_after_headers(reply_headers))
        if status == 408:
            raise _Fault("timeout", detail, retry=True)
        if status >= 500:
            raise _Fault("server_error", detail, retry=True)
        if status in (401, 403):
            raise _Fault("auth", detail, retry=False)
        raise _Fault("api_error", detail, retry=False)

    def _account(self, entry: Mapping[str, Any], *, cached: bool) -> None:
        prompt = int(entry.get("prompt_tokens") or 0)
        completion = int(entry.get("completion_tokens") or 0)
        cost = self._cost(prompt, completion)
        if cached:
            self.cache_hits += 1
            self.cached_tokens += prompt + completion
            self.saved_usd += cost
        else:
            self.calls += 1
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.cost_usd += cost
        mine = _USAGE.get()
        if mine is not None:
            mine["calls"] += 1
            mine["tokens"] += prompt + completion
            mine["cost_usd"] += cost

    def _lookup_prices(self) -> tuple[float, float] | None:
        """USD per (input, output) token from litellm's table, or ``None`` for an unlisted model."""
        if self._priced is None:
            self._unit_prices = _table_prices(self.model)
            self._priced = self._unit_prices is not None
        return self._unit_prices

    def _cost(self, prompt: int, completion: int) -> float:
        prices = self.prices if self.prices is not None else self._lookup_prices()
        return prompt * prices[0] + completion * prices[1] if prices else 0.0

    # -- replies ---------------------------------------------------------------------
    async def _ask(
        self,
        ctx: TurnContext,
        messages: Messages,
        parse: Callable[[Any], T],
        *,
        tools: list[dict[str, Any]] | None = None,
        what: str,
    ) -> T:
        """Ask until ``parse`` accepts the reply message; each rejection is sent back."""
        convo = list(messages)
        problem = ""
        for _ in range(self.max_retries + 1):
            message = (await self._complete(convo, tools))["message"]
            try:
                if message is None:
                    raise ReplyError("the reply has no message", kind="empty")
                return parse(message)
            except ReplyError as exc:
                self.faults[exc.kind] += 1
                problem = str(exc)
            content = message_field(message, "content") if message is not None else None
            if isinstance(content, str) and content.strip() and not message_field(message, "tool_calls"):
                convo.append({"role": "assistant", "content": content})
            convo.append({"role": "user", "content": f"[Correction] Your last reply was rejected: {problem}. Reply again."})
        raise BackendError(f"{self.model}: {what}: no usable reply after {self.max_retries + 1} attempt(s): {self.scrub(problem)}")

    @staticmethod
    def _text(message: Any) -> str:
        content = message_field(message, "content")
        text = content.strip().strip('"').strip() if isinstance(content, str) else ""
        if not text:
            raise ReplyError("the reply is empty; reply with plain text", kind="empty")
        return text

    def _user_text(self, ctx: TurnContext, message: Any, key: str) -> tuple[str, dict[str, Any]]:
        """The user-side text under ``key`` of a JSON reply, checked against the request rules."""
        data = parse_json_reply(message_field(message, "content"))
        text = data.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ReplyError(f'the JSON object needs a non-empty string "{key}"', kind="invalid")
        text = text.strip()
        names = {t.name for t in ctx.tools} | set(ctx.funcs)
        named = _names_tool(text, names)
        if named:
            raise ReplyError(f"the message names the function {named}; describe the goal in everyday words", kind="invalid")
        flat = " ".join(text.lower().split())
        if any(flat == " ".join(r.lower().split()) for r in ctx.requests):
            raise ReplyError("the message repeats an earlier request; ask for something new", kind="invalid")
        return text, data

    def _choose_missing(self, ctx: TurnContext) -> dict[str, Any]:
        """The (function, parameter) a ``miss_param`` request leaves out: ``ctx.extra["missing"]``
        when the loop chose it, else a required value the user would state, drawn from ``ctx.rng``."""
        given = ctx.extra.get("missing")
        if isinstance(given, dict) and given.get("function") and given.get("parameter"):
            return {"function": given["function"], "parameter": given["parameter"]}
        sources = value_sources(ctx)
        options = [k for k, where in sources.items() if where == "user"] or list(sources)
        if not options:
            raise BackendError(f"miss_param turn {ctx.index}: {', '.join(ctx.funcs) or 'no function'} has no required value to leave out")
        function, parameter = ctx.rng.choice(options)
        return {"function": function, "parameter": parameter}

    # -- the Backend protocol --------------------------------------------------------
    async def back(self, ctx: TurnContext) -> Request:
        """The user request for ``ctx.funcs`` (in a ``miss_param`` turn, without one value)."""
        missing = self._choose_missing(ctx) if ctx.kind == "miss_param" else None

        def parse(message: Any) -> Request:
            text, data = self._user_text(ctx, message, "request")
            if missing is None:
                return Request(text)
            tool: Tool | None = ctx.catalog.by_name.get(missing["function"])
            spec = tool.properties.get(missing["parameter"]) if tool is not None else None
            value = _fit_value(data.get("value"), spec, missing["parameter"])
            if _mentions(text, value):
                raise ReplyError(f"the request states {value!r}; leave the {missing['parameter']} out", kind="invalid")
            return Request(text, missing={**missing, "value": value})

        return await self._ask(ctx, back_messages(ctx, missing=missing), parse, what=f"turn {ctx.index} request")

    async def forth(self, ctx: TurnContext, request: Request) -> list[Call]:
        """The next batch of calls for ``request`` (``[]`` when the turn is done)."""
        messages, tools = forth_messages(ctx, request, hint=self.hint)
        allowed = frozenset(t.name for t in ctx.tools)
        return await self._ask(
            ctx, messages, lambda m: parse_tool_calls(m, allowed=allowed), tools=tools, what=f"turn {ctx.index} calls"
        )

    async def respond(self, ctx: TurnContext, kind: Literal["summary", "miss_func", "miss_param"]) -> str:
        """The assistant text that ends the turn (summary, missing capability, or a question)."""
        if kind == "summary":
            messages = summary_messages(ctx)
        else:
            missing = ctx.extra.get("missing")
            messages = miss_messages(ctx, kind, missing=missing if isinstance(missing, dict) else None)
        return await self._ask(ctx, messages, self._text, what=f"turn {ctx.index} {kind} reply")

    async def follow_up(self, ctx: TurnContext, kind: Literal["miss_func", "miss_param"], missing: dict[str, Any]) -> str:
        """The user message after a miss turn: the tool is available now / the missing value."""

        def parse(message: Any) -> str:
            text, _ = self._user_text(ctx, message, "text")
            if kind == "miss_param" and not _mentions(text, missing.get("value")):
                raise ReplyError(f"the message must state the value {missing.get('value')!r} exactly", kind="invalid")
            return text

        return await self._ask(ctx, follow_up_messages(ctx, kind, missing), parse, what=f"turn {ctx.index} follow-up")


def _error_message(raw: bytes) -> str:
    """The ``error.message`` of an OpenAI-style error body, else the start of the body."""
    try:
        data = orjson.loads(raw)
        message = data["error"]["message"] if isinstance(data.get("error"), dict) else data.get("error") or data
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
        message = raw.decode("utf-8", "replace")
    return snippet(str(message), 200)
