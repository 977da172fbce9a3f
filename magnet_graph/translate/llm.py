"""The LLM backend of ``magnet sample``: the translation prompts asked of any model.

:class:`LiteLLMBackend` implements the :class:`~magnet_graph.translate.base.Backend`
protocol with the prompts of :mod:`.prompts` and the parsers of :mod:`.parse`, on top of
:class:`~magnet_graph.translate.transport.ChatClient` (any provider through litellm, or
straight HTTP to an OpenAI-compatible server; the limiter, the answer cache, transport
retries with ``Retry-After``, tokens and cost, ``max_cost``, key scrubbing: see that module).

Reply retries: a reply that does not parse, names an unknown tool, has bad JSON arguments or
breaks a prompt rule is sent back with the error and asked again. Giving up raises
:class:`~magnet_graph.errors.BackendError` (the loop counts it as a drop reason).

The API key (given, or found in the environment) never appears in an exception, a counter,
a cache entry or a report: :func:`scrub` removes it from every message built here.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Callable, Literal, TypeVar

from ..cache import ResponseCache
from ..errors import BackendError
from ..types import Call, Tool
from .base import Request, TurnContext
from .parse import ReplyError, message_field, parse_json_reply, parse_tool_calls
from .prompts import (
    back_messages,
    follow_up_messages,
    forth_messages,
    miss_messages,
    summary_messages,
    value_sources,
)
from .transport import AdaptiveLimiter, ChatClient, Messages, TransportName, scrub

__all__ = ["AdaptiveLimiter", "ChatClient", "LiteLLMBackend", "scrub"]

T = TypeVar("T")
Transport = TransportName  # the name this module used before the transport moved out
_IDENTIFIER = re.compile(r"_|\d|[a-z][A-Z]")
_sleep = asyncio.sleep  # the backoff wait of LiteLLMBackend (tests replace it to record the waits)


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




class LiteLLMBackend(ChatClient):
    """A translation backend that asks an LLM (any provider through litellm; see the module doc).

    The transport, its counters (``calls``, ``prompt_tokens``, ``completion_tokens``,
    ``cost_usd``, ``cache_hits``, ``cached_tokens``, ``saved_usd``, ``faults``) and its options
    (``prices``, ``backoff``, ``concurrency``, ``cache``, ``max_cost``, ``transport`` ...) are
    those of :class:`~magnet_graph.translate.transport.ChatClient`; ``faults`` also counts the
    rejected replies (``empty``, ``bad_json``, ``unknown_tool``, ``bad_arguments``,
    ``invalid``). ``hint`` puts the reference functions in the assistant's system prompt
    (METHOD.md A5).
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
        super().__init__(
            model, api_base=api_base, api_key=api_key, temperature=temperature, timeout=timeout,
            max_retries=max_retries, seed=seed, extra=extra, prices=prices, backoff=backoff, max_backoff=max_backoff,
            concurrency=concurrency, cache=cache, max_cost=max_cost, transport=transport,
        )  # fmt: skip
        self.hint = hint

    async def _pause(self, seconds: float) -> None:
        await _sleep(seconds)

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
