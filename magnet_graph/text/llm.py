"""The LLM mode of ``magnet extract`` (``--model``; any litellm provider, ``--api-base``).

Prompts are pure functions and replies are parsed (never evaluated):

* :meth:`TextLLM.relevance`: the model judges whether a segment is a multi-step procedure of
  an app, website, computer or machine and labels it; the offline score is kept beside it.
* :meth:`TextLLM.extract`: the model rewrites the procedure as one-action imperative steps
  (marking parallel and optional ones) and lists its rules; the same tool builder as the
  offline mode turns them into executable tools, so the simulated database and every check
  still apply.
* :meth:`TextLLM.judge`: a hallucination judge (R1, R2, R3) gives a verdict on each
  conversation after the rule-based checks.

A reply that cannot be used falls back to the offline result for that stage and is counted
(``fallbacks``); transport failures are retried by the client, then counted as well. Every
request goes through a :class:`~magnet_graph.translate.transport.ChatClient` (answer cache,
adaptive limiter, retries with ``Retry-After``, cost, ``max_cost``, key scrubbing). A client
that stops for good (budget reached, key rejected) raises :class:`LLMStopped`, which no stage
turns into a fallback: the job ends after its last whole segment.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from ..errors import BackendError, MagnetError
from ..translate.parse import message_field, parse_json_reply
from .extract import ExtractError, workflow_from_steps
from .filter import Relevance, score_segment
from .inputs import Segment
from .model import Workflow
from .parse import parse_procedure

__all__ = ["TextLLM", "LLMStopped", "relevance_messages", "extract_messages", "judge_messages"]


class LLMStopped(MagnetError):
    """The client stopped for good (``reason``: ``max_cost`` or a fatal fault such as ``auth``)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason

_SYSTEM = "You analyse how-to texts for a tool-use data pipeline. Reply with one JSON object and nothing else."


def relevance_messages(segment: Segment) -> list[dict[str, str]]:
    """The filter prompt: is this a multi-step operation of an app, website, computer or machine?"""
    return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": (
        "Does the text below describe a multi-step operation of an app, a website, a computer or a machine "
        "(steps a person performs in order)? News, opinions, descriptions, stories, reviews, FAQs and cooking "
        "recipes are not.\nReply as {\"relevant\": true|false, \"domain\": \"...\", \"platform\": \"...\", "
        "\"task\": \"short verb phrase\", \"product\": \"app/site/device name or empty\"}.\n\nTEXT:\n"
        + segment.text[:4000])}]


def extract_messages(segment: Segment) -> list[dict[str, str]]:
    """The extraction prompt: imperative one-action steps, parallel/optional marks, and rules."""
    return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": (
        "Rewrite the procedure below as steps, one user action per step, each an imperative sentence that names "
        "the button, page or value involved (\"Tap Transfers.\", \"Enter the amount.\", \"Tap Send.\"). "
        "Mark a step \"parallel\": true when the text says it can happen at the same time as the previous one, "
        "and \"optional\": true when the text makes it conditional. List the text's rules (preconditions, limits "
        "with their numbers, if-then conditions, prohibitions) as sentences.\nReply as {\"title\": \"...\", "
        "\"steps\": [{\"text\": \"...\", \"parallel\": false, \"optional\": false}], \"rules\": [\"...\"]}.\n\n"
        "TEXT:\n" + (segment.title + "\n" if segment.title else "") + segment.text[:6000])}]


def judge_messages(record: dict[str, Any]) -> list[dict[str, str]]:
    """The hallucination-judge prompt over a compact rendering of the conversation."""
    lines = []
    for m in record["messages"]:
        if m["role"] == "assistant" and m.get("tool_calls"):
            for c in m["tool_calls"]:
                lines.append(f"ASSISTANT CALLS {c['function']['name']}({c['function']['arguments']})")
        elif m["role"] == "tool":
            lines.append(f"TOOL {m.get('name')}: {m.get('content')}")
        else:
            lines.append(f"{m['role'].upper()}: {m.get('content')}")
    return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": (
        "Check this tool-use conversation for hallucinations:\nR1 invented arguments: a call argument value that "
        "the user never stated and no earlier tool output contains.\nR2 false capability claims: the assistant says "
        "it did something no successful call did, or offers something no tool can do.\nR3 contradictions: the "
        "assistant states a value that contradicts a tool output.\nReply as {\"verdict\": \"pass\"|\"fail\", "
        "\"rule\": \"R1\"|\"R2\"|\"R3\"|\"\", \"reason\": \"...\"}.\n\nCONVERSATION:\n" + "\n".join(lines)[:12000])}]


def _reply_message(response: Any) -> Any:
    """The assistant message of a backend completion: ``{"message": ...}`` or a chat-completions
    response with ``choices``."""
    message = message_field(response, "message")
    if message is not None:
        return message
    choices = message_field(response, "choices") or []
    return message_field(choices[0], "message") if choices else None


class TextLLM:
    """The model used by every LLM stage; :meth:`usage` sums its use for ``report.json``.

    ``backend``: the :class:`~magnet_graph.translate.transport.ChatClient` to ask through
    (default: one for ``model`` without a cache, at temperature 0).
    """

    def __init__(self, model: str, *, api_base: str | None = None, seed: int = 0, backend: Any = None):
        if backend is None:
            from ..translate.transport import ChatClient

            from .pipeline import PROMPT_VERSION

            backend = ChatClient(model, api_base=api_base, seed=seed, temperature=0.0, max_retries=2,
                                 backoff=0.05, max_backoff=1.0, prompt_version=PROMPT_VERSION)
        self.backend = backend
        self.model = model
        self.fallbacks: Counter[str] = Counter()
        self.verdicts: Counter[str] = Counter()
        self._event_loop: asyncio.AbstractEventLoop | None = None

    # -- transport --------------------------------------------------------------------
    def _loop(self) -> asyncio.AbstractEventLoop:
        if self._event_loop is None or self._event_loop.is_closed():
            self._event_loop = asyncio.new_event_loop()
        return self._event_loop

    def ask_text(self, messages: list[dict[str, Any]]) -> str:
        """One completion's text (``""`` when the reply has none); raises BackendError, or
        :class:`LLMStopped` once the client has stopped for good."""
        complete = getattr(self.backend, "complete", None) or self.backend._complete
        try:
            response = self._loop().run_until_complete(complete(messages, None))
        except BackendError:
            reason = getattr(self.backend, "stop_reason", "")
            if reason:
                raise LLMStopped(reason, str(getattr(self.backend, "stop_detail", "") or reason)) from None
            raise
        message = _reply_message(response)
        content = message_field(message, "content") if message is not None else None
        return content if isinstance(content, str) else ""

    def ask(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """One completion, parsed as a JSON object (raises BackendError when unusable)."""
        return parse_json_reply(self.ask_text(messages))

    def close(self) -> None:
        """Close the backend's connections and the event loop of this run."""
        loop = self._event_loop
        if loop is None or loop.is_closed():
            return
        closer = getattr(self.backend, "aclose", None)
        if closer is not None:
            loop.run_until_complete(closer())
        loop.close()

    @property
    def calls(self) -> int:
        """Completions received from the network."""
        return int(getattr(self.backend, "calls", 0))

    @property
    def answered(self) -> int:
        """Completions received, from the network or the cache (what a record's provenance counts:
        the same whether or not the answers were cached)."""
        return self.calls + int(getattr(self.backend, "cache_hits", 0))

    def usage(self) -> dict[str, Any]:
        """Cumulative use as plain data: network calls, cache hits, tokens, cost, faults by
        kind, fallbacks by stage, judge verdicts."""
        b = self.backend
        return {"calls": self.calls, "cache_hits": int(getattr(b, "cache_hits", 0)),
                "prompt_tokens": int(getattr(b, "prompt_tokens", 0)),
                "completion_tokens": int(getattr(b, "completion_tokens", 0)),
                "cost_usd": float(getattr(b, "cost_usd", 0.0)), "faults": dict(getattr(b, "faults", {})),
                "fallbacks": dict(self.fallbacks), "judge_verdicts": dict(self.verdicts)}

    def counters(self) -> dict[str, Any]:
        """:meth:`usage` with the model's name (``report.json``'s ``llm``)."""
        usage = self.usage()
        return {"model": self.model, **usage, "fallbacks": dict(sorted(usage["fallbacks"].items())),
                "judge_verdicts": dict(sorted(usage["judge_verdicts"].items()))}

    # -- stages -----------------------------------------------------------------------
    def relevance(self, segment: Segment, *, threshold: float) -> Relevance:
        """The model's verdict and labels (the offline score is kept in ``score``)."""
        offline = score_segment(segment, threshold=threshold)
        try:
            reply = self.ask(relevance_messages(segment))
        except BackendError:
            self.fallbacks["filter"] += 1
            return offline
        relevant = reply.get("relevant")
        if not isinstance(relevant, bool):
            self.fallbacks["filter"] += 1
            return offline

        def label(key: str, default: str) -> str:
            value = reply.get(key)
            return value.strip()[:60] if isinstance(value, str) and value.strip() else default

        from .filter import task_slug

        task = task_slug(label("task", ""), offline.task) if reply.get("task") else offline.task
        return Relevance(offline.score, relevant, label("domain", offline.domain), label("platform", offline.platform),
                         task, label("product", offline.product), offline.features, by="llm")

    def extract(self, segment: Segment, relevance: Relevance, *, taken_tools: set[str],
                taken_tasks: set[str]) -> Workflow:
        """Steps and rules from the model, tools from the offline builder (see the module docstring)."""
        try:
            reply = self.ask(extract_messages(segment))
            steps = reply.get("steps")
            if not isinstance(steps, list) or not steps:
                raise BackendError("no steps")
            lines = []
            for s in steps:
                text = s.get("text") if isinstance(s, dict) else s
                if not isinstance(text, str) or not text.strip():
                    continue
                lead = "Meanwhile, " if isinstance(s, dict) and s.get("parallel") else ""
                if isinstance(s, dict) and s.get("optional") and not text.lower().startswith("if "):
                    lead = "Optionally, "
                lines.append(f"{len(lines) + 1}. {lead}{text.strip()}")
            rules = [r for r in reply.get("rules", []) if isinstance(r, str)]
            title = reply.get("title") if isinstance(reply.get("title"), str) else segment.title
            body = "\n".join(lines) + ("\n\n" + " ".join(r.strip().rstrip(".") + "." for r in rules) if rules else "")
            _, raw_steps, raw_rules = parse_procedure(body, title=title or "x")
            return workflow_from_steps(segment, relevance, title or "", raw_steps, raw_rules,
                                       taken_tools=taken_tools, taken_tasks=taken_tasks, by="llm")
        except (BackendError, ExtractError, AttributeError, TypeError):
            self.fallbacks["extract"] += 1
        from .extract import extract_workflow

        return extract_workflow(segment, relevance, taken_tools=taken_tools, taken_tasks=taken_tasks)

    def judge(self, record: dict[str, Any]) -> str:
        """``""`` when the judge passes the conversation, else ``"judge_R2: reason"``."""
        try:
            reply = self.ask(judge_messages(record))
        except BackendError:
            self.fallbacks["judge"] += 1
            self.verdicts["unjudged"] += 1
            return ""
        verdict = str(reply.get("verdict", "")).lower()
        if verdict not in ("pass", "fail"):
            self.fallbacks["judge"] += 1
            self.verdicts["unjudged"] += 1
            return ""
        self.verdicts[verdict] += 1
        if verdict == "pass":
            return ""
        rule = str(reply.get("rule") or "hallucination").strip() or "hallucination"
        return f"judge_{rule}: {str(reply.get('reason', ''))[:200]}"

