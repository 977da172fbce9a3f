"""The LLM transport: one chat-completions client shared by every command that asks a model.

:class:`ChatClient` sends chat completions to any provider through litellm, or straight over
HTTP to an OpenAI-compatible server, and does everything around the call that a long run
needs. :class:`~magnet_graph.translate.llm.LiteLLMBackend` (``magnet sample``), the LLM pair
maker of ``magnet distill`` and the LLM stages of ``magnet extract`` all use it.

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
  ``retry-after-ms``) is honoured. 401/403 stop the client for good (:attr:`stop_reason`);
  other HTTP errors fail the request at once;
* tokens and cost are counted (litellm's price table, or ``prices``); ``max_cost`` (USD)
  stops the client before the call that would start past the budget.

One client may ask several models (``complete(..., model=...)``: the student, teacher and
judge of ``magnet distill``): they share the limiter, the cache, the counters and the budget.

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
from typing import Any, AsyncIterator, Literal, Mapping

import orjson

from .. import PROMPT_VERSION
from ..cache import ResponseCache, cache_key
from ..errors import BackendError
from .parse import message_field, snippet

__all__ = ["AdaptiveLimiter", "ChatClient", "FATAL", "Messages", "TransportName", "scrub"]

Messages = list[dict[str, Any]]
TransportName = Literal["auto", "http", "litellm"]

_SECRET = re.compile(
    r"sk-[A-Za-z0-9_\-]{6,}"
    r"|(?i:bearer)\s+[A-Za-z0-9_\-.=:/+]{6,}"
    r"|(?i:api[_-]?key|authorization|x-api-key)[\"']?\s*[:=]\s*[\"']?[^\s\"',}]+"
)
_SECRET_ENV = re.compile(r"(API_KEY|_KEY|_TOKEN|_SECRET|PASSWORD)$")
_LITELLM: Any = None
_sleep = asyncio.sleep  # the backoff wait (ChatClient._pause; tests replace it to record the waits)
_USAGE: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("magnet_llm_usage", default=None)
# cache key -> times asked in this conversation: a repeated identical request (a retry) is a new sample
_ASKED: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar("magnet_llm_asked", default=None)
# faults after which the client stops for good (every later request would fail the same way)
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


class ChatClient:
    """Chat completions with a limiter, a cache, retries, counters and a budget (see the module doc).

    Counters of the network calls this client made: ``calls`` (completions received),
    ``prompt_tokens``, ``completion_tokens``, ``cost_usd`` and ``faults`` (a ``Counter`` by
    kind: ``rate_limit``, ``server_error``, ``timeout``, ``connection``, ``auth``,
    ``api_error``; subclasses add reply faults). Answers from the cache are counted apart
    (``cache_hits``, ``cached_tokens``, ``saved_usd``). :meth:`track_usage` gives per-task
    figures while tasks run concurrently; those count cached answers too, as what the task
    took to make, so a record's provenance does not depend on what was cached when it was made.

    ``prices=(input_per_token, output_per_token)`` sets the cost per token of every model
    (it wins over litellm's price table); without it the cost comes from litellm's table when
    the model is in it, else it is 0 (:attr:`priced` tells). ``backoff`` and ``max_backoff``
    (seconds) shape the transport retries; ``seed`` seeds the jitter and is passed to
    providers that accept one. ``concurrency`` is the most requests in flight
    (:class:`AdaptiveLimiter`), ``cache`` a :class:`~magnet_graph.cache.ResponseCache`
    (``None``: no cache), ``max_cost`` a budget in USD for this client's network calls.
    ``prompt_version`` goes into every cache key (bump it when the prompts change).
    """

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
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        concurrency: int = 8,
        cache: ResponseCache | None = None,
        max_cost: float | None = None,
        transport: TransportName = "auto",
        prompt_version: str = PROMPT_VERSION,
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
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.cache = cache
        self.max_cost = max_cost
        self.prompt_version = prompt_version
        self.limiter = AdaptiveLimiter(concurrency)
        self._transport_choice = transport
        self.transport = self._transport_for(model)
        self._secrets = tuple(s for s in (api_key,) if s) + _env_secrets()
        self._jitter = random.Random(seed if seed is not None else 0)
        self._unit_prices: dict[str, tuple[float, float] | None] = {}  # model -> litellm's prices, looked up once
        self._http: Any = None  # aiohttp session of the current event loop
        self._http_loop: Any = None
        self._closer: Any = None
        self._target: tuple[str, dict[str, str], str | None] | None = None
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost_usd = 0.0
        self.cache_hits = 0
        self.cached_tokens = 0
        self.saved_usd = 0.0
        self.faults: Counter[str] = Counter()
        self.stop_reason = ""  # set when the client stops for good: "max_cost" or a FATAL fault
        self.stop_detail = ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, api_base={self.api_base!r})"

    def __getstate__(self) -> dict[str, Any]:  # never pickle a live session or a key
        raise TypeError(f"{type(self).__name__} cannot be pickled; build one per process")

    def track_usage(self) -> dict[str, Any]:
        """Count this asyncio task's usage from now on, apart from other tasks'.

        Returns a dict ``{"calls", "tokens", "cost_usd"}`` that every later completion made in
        the current task (and in tasks it starts) adds to, cached answers included; call it
        at the start of each conversation (each run slot is its own task) and copy it into
        the provenance. Within the task, asking exactly the same thing again gets a cache
        entry of its own (a fresh sample the first time, the same answer on a rerun).
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
        """Everything a run report shows: network counters, cache, limiter, stop reason."""
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
        """Is the cost of the main model known: ``prices`` given, or the model in litellm's table?"""
        return self.prices is not None or self._lookup_prices(self.model) is not None

    def is_priced(self, model: str) -> bool:
        """Is the cost of ``model`` known (``prices`` given, or the model in litellm's table)?"""
        return self.prices is not None or self._lookup_prices(model) is not None

    def scrub(self, text: str) -> str:
        """``text`` without this client's key, credentials from the environment, or key shapes."""
        return scrub(text, *self._secrets)

    async def aclose(self) -> None:
        """Close the HTTP session (the run engine calls it; ``asyncio.run`` would too)."""
        closer, self._closer, self._http, self._http_loop = self._closer, None, None, None
        if closer is not None:
            await closer.aclose()

    async def complete(
        self, messages: Messages, tools: list[dict[str, Any]] | None = None, *, model: str | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """One completion ``{"message", "prompt_tokens", "completion_tokens"}`` of ``model``
        (default: the client's): from the cache, else from the network with transport
        retries. ``seed`` replaces the client's seed for this request. Raises
        :class:`~magnet_graph.errors.BackendError` when giving up or stopped."""
        return await self._complete(messages, tools, model=model, seed=seed)

    # -- transport -------------------------------------------------------------------
    def _transport_for(self, model: str) -> str:
        choice = self._transport_choice
        return "http" if choice == "http" or (choice == "auto" and self.api_base and model.startswith("openai/")) else "litellm"

    def _params(self, seed: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {**self.extra, "temperature": self.temperature}
        seed = self.seed if seed is None else seed
        if seed is not None:
            params["seed"] = seed
        return params

    def _key(self, messages: Messages, tools: list[dict[str, Any]] | None, model: str | None = None,
             seed: int | None = None) -> str:
        """The cache key: model, messages, tools, sampling parameters, prompt version.

        Within a conversation (:meth:`track_usage`), asking the same thing again (a retry
        after a rejected answer) gets a key of its own, so it is a fresh sample from the
        model the first time and the same answer again on a rerun."""
        return cache_key({
            "model": model or self.model, "messages": messages, "tools": tools or None,
            "params": self._params(seed), "prompt_version": self.prompt_version,
        })  # fmt: skip

    def _kwargs(self, messages: Messages, tools: list[dict[str, Any]] | None, model: str | None = None,
                seed: int | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            **self._params(seed),
            "model": model or self.model,
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

    async def _pause(self, seconds: float) -> None:
        """The wait between transport retries."""
        await _sleep(seconds)

    def _stop(self, reason: str, detail: str) -> None:
        if not self.stop_reason:
            self.stop_reason, self.stop_detail = reason, detail

    def _refuse(self, model: str) -> BackendError | None:
        """The error to raise instead of calling, once the client has stopped or is over budget."""
        if not self.stop_reason and self.max_cost is not None and self.cost_usd >= self.max_cost:
            self._stop("max_cost", f"cost limit ${self.max_cost:g} reached (${self.cost_usd:.4f} spent)")
        if self.stop_reason:
            return BackendError(f"{model}: stopped: {self.stop_detail}")
        return None

    async def _complete(self, messages: Messages, tools: list[dict[str, Any]] | None, *, model: str | None = None,
                        seed: int | None = None) -> dict[str, Any]:
        """See :meth:`complete`."""
        model = model or self.model
        key = self._key(messages, tools, model, seed) if self.cache is not None else ""
        asked = _ASKED.get()
        if key and asked is not None:  # the n-th identical request of a conversation has its own entry
            repeat = asked.get(key, 0)
            asked[key] = repeat + 1
            if repeat:
                key = cache_key({"request": key, "repeat": repeat})
        if key:
            entry = self.cache.get(key)  # type: ignore[union-attr]
            if entry is not None:
                self._account(entry, model, cached=True)
                return entry
        transport = self.transport if model == self.model else self._transport_for(model)
        kind, detail, attempt = "api_error", "", 0
        for attempt in range(self.max_retries + 1):
            refused = self._refuse(model)
            if refused is not None:
                raise refused
            generation = await self.limiter.acquire()
            try:
                refused = self._refuse(model)  # the client may have stopped while we waited for room
                if refused is not None:
                    raise refused
                if transport == "http":
                    entry = await self._send_http(messages, tools, model, seed)
                else:
                    entry = await self._send_litellm(messages, tools, model, seed)
            except _Fault as fault:
                kind, retry, after, detail = fault.kind, fault.retry, fault.after, self.scrub(str(fault))
            else:
                self.limiter.succeeded()
                self._account(entry, model, cached=False)
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
            await self._pause(self._wait(attempt, after))
        # raised outside any ``except`` block: no chained exception can carry the key
        raise BackendError(f"{model}: {kind} after {attempt + 1} attempt(s): {snippet(detail, 300)}")

    async def _send_litellm(self, messages: Messages, tools: list[dict[str, Any]] | None, model: str,
                            seed: int | None = None) -> dict[str, Any]:
        import openai

        try:
            response = await _litellm().acompletion(**self._kwargs(messages, tools, model, seed))
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

    def _http_target(self) -> tuple[str, dict[str, str], str | None]:
        """(URL, headers, proxy) of the direct transport; worked out once."""
        if self._target is None:
            from aiohttp.helpers import get_env_proxy_for_url
            from yarl import URL

            base = self.api_base or os.environ.get("OPENAI_API_BASE") or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
            url = base.rstrip("/") + "/chat/completions"
            headers = {"Content-Type": "application/json"}
            key = self._api_key or os.environ.get("OPENAI_API_KEY")
            if key:
                headers["Authorization"] = f"Bearer {key}"
            try:  # HTTP(S)_PROXY / NO_PROXY, as trust_env would read them
                proxy = str(get_env_proxy_for_url(URL(url))[0])
            except LookupError:
                proxy = None
            self._target = (url, headers, proxy)
        return self._target

    async def _send_http(self, messages: Messages, tools: list[dict[str, Any]] | None, model: str,
                         seed: int | None = None) -> dict[str, Any]:
        """POST one chat completion to an OpenAI-compatible server."""
        import aiohttp

        url, headers, proxy = self._http_target()
        name = model.split("/", 1)[1] if model.startswith("openai/") else model
        body: dict[str, Any] = {**self._params(seed), "model": name, "messages": messages}
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

    def _account(self, entry: Mapping[str, Any], model: str, *, cached: bool) -> None:
        prompt = int(entry.get("prompt_tokens") or 0)
        completion = int(entry.get("completion_tokens") or 0)
        cost = self._cost(prompt, completion, model)
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

    def _lookup_prices(self, model: str) -> tuple[float, float] | None:
        """USD per (input, output) token of ``model`` from litellm's table, or ``None`` when unlisted."""
        if model not in self._unit_prices:
            self._unit_prices[model] = _table_prices(model)
        return self._unit_prices[model]

    def _cost(self, prompt: int, completion: int, model: str) -> float:
        prices = self.prices if self.prices is not None else self._lookup_prices(model)
        return prompt * prices[0] + completion * prices[1] if prices else 0.0


def _error_message(raw: bytes) -> str:
    """The ``error.message`` of an OpenAI-style error body, else the start of the body."""
    try:
        data = orjson.loads(raw)
        message = data["error"]["message"] if isinstance(data.get("error"), dict) else data.get("error") or data
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
        message = raw.decode("utf-8", "replace")
    return snippet(str(message), 200)
