"""The LLM backend: any provider through ``litellm.acompletion``.

:class:`LiteLLMBackend` implements the :class:`~magnet_graph.translate.base.Backend`
protocol with the prompts of :mod:`.prompts` and the parsers of :mod:`.parse`.

Two kinds of retries, each bounded by ``max_retries``:

* transport: HTTP 429, 5xx, timeouts and connection errors are retried with exponential
  backoff and seeded jitter; a 429's ``Retry-After`` (or ``retry-after-ms``) is honoured.
  Other HTTP errors (401, 400 ...) fail at once.
* reply: a reply that does not parse, names an unknown tool, has bad JSON arguments or
  breaks a prompt rule is sent back with the error and asked again.

Either way, giving up raises :class:`~magnet_graph.errors.BackendError` (the loop counts it
as a drop reason). The API key never appears in an exception, a log line or a counter.

litellm is imported lazily, after ``LITELLM_LOCAL_MODEL_COST_MAP=True`` is set, with its
debug prints off and no callbacks, so nothing reaches the network but the model's API.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import os
import random
import re
import time
from collections import Counter
from typing import Any, Callable, Literal, TypeVar

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

__all__ = ["LiteLLMBackend", "scrub"]

T = TypeVar("T")
Messages = list[dict[str, Any]]

_SECRET = re.compile(
    r"sk-[A-Za-z0-9_\-]{6,}"
    r"|(?i:bearer)\s+[A-Za-z0-9_\-.=:/+]{6,}"
    r"|(?i:api[_-]?key|authorization|x-api-key)[\"']?\s*[:=]\s*[\"']?[^\s\"',}]+"
)
_IDENTIFIER = re.compile(r"_|\d|[a-z][A-Z]")
_LITELLM: Any = None
_sleep = asyncio.sleep  # the backoff wait (tests replace it to record the waits)
_USAGE: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("magnet_llm_usage", default=None)


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


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (``Retry-After``/``retry-after-ms``), if it did.

    litellm keeps the provider's headers on ``exc.litellm_response_headers``; its own
    ``exc.response`` and ``exc.headers`` are checked too.
    """
    sources = (
        getattr(exc, "litellm_response_headers", None),
        getattr(getattr(exc, "response", None), "headers", None),
        getattr(exc, "headers", None),
    )
    for headers in sources:
        if not headers:
            continue
        try:
            ms = headers.get("retry-after-ms")
            raw = headers.get("retry-after") or headers.get("Retry-After")
        except (AttributeError, TypeError):
            continue
        if ms is not None:
            try:
                return max(0.0, float(ms) / 1000)
            except ValueError:
                pass
        if raw is None:
            continue
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
        try:  # an HTTP date
            when = email.utils.parsedate_to_datetime(str(raw))
        except (TypeError, ValueError):
            continue
        return max(0.0, when.timestamp() - time.time())
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


class LiteLLMBackend:
    """A translation backend that asks an LLM through litellm (any provider).

    Counters (read them for provenance): ``calls`` (completions received),
    ``prompt_tokens``, ``completion_tokens``, ``cost_usd`` and ``faults`` (a ``Counter`` by
    kind: ``rate_limit``, ``server_error``, ``timeout``, ``connection``, ``auth``,
    ``api_error``, ``empty``, ``bad_json``, ``unknown_tool``, ``bad_arguments``, ``invalid``).
    :meth:`track_usage` gives per-conversation figures while conversations run
    concurrently (the counters are shared by all of them).

    ``prices=(input_per_token, output_per_token)`` sets the cost per token (it wins over
    litellm's price table); without it the cost comes from ``litellm.completion_cost``
    when the model is in litellm's table, else it is 0. ``hint`` puts the reference
    functions in the assistant's system prompt (METHOD.md A5). ``backoff`` and
    ``max_backoff`` (seconds) shape the transport retries; ``seed`` seeds the jitter and is
    passed to providers that accept one.
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
    ):
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
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
        self._jitter = random.Random(seed if seed is not None else 0)
        self._priced: bool | None = None  # does litellm know this model's price?
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost_usd = 0.0
        self.faults: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"LiteLLMBackend(model={self.model!r}, api_base={self.api_base!r})"

    def track_usage(self) -> dict[str, Any]:
        """Count this asyncio task's usage from now on, apart from other tasks'.

        Returns a dict ``{"calls", "tokens", "cost_usd"}`` that every later completion made in
        the current task (and in tasks it starts) adds to; call it at the start of each
        conversation (each run slot is its own task) and copy it into the provenance.
        """
        usage: dict[str, Any] = {"calls": 0, "tokens": 0, "cost_usd": 0.0}
        _USAGE.set(usage)
        return usage

    def counters(self) -> dict[str, Any]:
        """A snapshot of the counters as plain data."""
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": self.cost_usd,
            "faults": dict(self.faults),
        }

    # -- transport -------------------------------------------------------------------
    def _kwargs(self, messages: Messages, tools: list[dict[str, Any]] | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            **self.extra,
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "timeout": self.timeout,
            "max_retries": 0,  # retries are ours (backoff, Retry-After, counters)
            "drop_params": True,
        }
        if self.api_base:
            kwargs["api_base"] = self.api_base
        if self._api_key:
            kwargs["api_key"] = self._api_key
        if self.seed is not None:
            kwargs["seed"] = self.seed
        if tools:
            kwargs["tools"] = tools
            # litellm 1.106 imports its MCP gateway (needs the optional ``mcp`` package)
            # whenever tools are passed; plain function tools never need it.
            kwargs["_skip_mcp_handler"] = True
        return kwargs

    def _classify(self, exc: BaseException, attempt: int) -> tuple[str, bool, float]:
        """(fault kind, retry?, seconds to wait first) for an exception from acompletion."""
        import openai

        status = getattr(exc, "status_code", None)
        wait = min(self.max_backoff, self.backoff * 2**attempt)
        wait = wait / 2 + self._jitter.uniform(0, wait / 2)
        if isinstance(exc, (openai.APITimeoutError, asyncio.TimeoutError)):
            return "timeout", True, wait
        if status == 429 or isinstance(exc, openai.RateLimitError):
            after = _retry_after(exc)
            return "rate_limit", True, wait if after is None else min(after, self.max_backoff)
        if isinstance(exc, openai.APIConnectionError):
            return "connection", True, wait
        if isinstance(status, int) and status >= 500:
            return "server_error", True, wait
        if status in (401, 403):
            return "auth", False, 0.0
        return "api_error", False, 0.0

    async def _complete(self, messages: Messages, tools: list[dict[str, Any]] | None) -> Any:
        """One completion, retrying transport failures; raises BackendError when giving up."""
        import openai

        litellm = _litellm()
        kwargs = self._kwargs(messages, tools)
        kind, detail, attempt = "api_error", "", 0
        for attempt in range(self.max_retries + 1):
            try:
                response = await litellm.acompletion(**kwargs)
            except (openai.OpenAIError, asyncio.TimeoutError) as exc:
                kind, retry, wait = self._classify(exc, attempt)
                detail = scrub(f"{type(exc).__name__}: {exc}", self._api_key)
            else:
                self._account(response)
                return response
            self.faults[kind] += 1
            if not retry or attempt == self.max_retries:
                break
            await _sleep(wait)
        # raised outside the ``except`` block: no chained exception can carry the key
        raise BackendError(f"{self.model}: {kind} after {attempt + 1} attempt(s): {snippet(detail, 300)}")

    def _account(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = self._cost(response, prompt, completion)
        self.calls += 1
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.cost_usd += cost
        mine = _USAGE.get()
        if mine is not None:
            mine["calls"] += 1
            mine["tokens"] += prompt + completion
            mine["cost_usd"] += cost

    def _cost(self, response: Any, prompt: int, completion: int) -> float:
        if self.prices is not None:
            return prompt * self.prices[0] + completion * self.prices[1]
        if self._priced is False:
            return 0.0
        try:
            cost = float(_litellm().completion_cost(completion_response=response) or 0.0)
        except Exception:  # litellm raises several unrelated types for an unknown model
            self._priced = False
            return 0.0
        self._priced = True
        return cost

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
            response = await self._complete(convo, tools)
            choices = getattr(response, "choices", None) or []
            message = message_field(choices[0], "message") if choices else None
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
        raise BackendError(f"{self.model}: {what}: no usable reply after {self.max_retries + 1} attempt(s): {problem}")

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
