"""Prompts of the LLM backend: pure functions of a :class:`TurnContext` -> chat messages.

Same inputs, same messages (no randomness, no clock), so prompts can key a cache and be
tested as data. The rules follow METHOD.md A4: the user role never names functions, states
every required value or refers to earlier outputs indirectly, never repeats a request, and
sounds natural; the assistant role calls exactly what the request needs, takes values from
the user or from earlier outputs, and calls dependent functions after the outputs they need.

``PROMPT_VERSION`` is re-exported for provenance only; it never appears in a prompt.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from .. import PROMPT_VERSION
from ..toolkit import norm_name
from ..types import Call, Tool
from .base import Request, TurnContext

__all__ = [
    "PROMPT_VERSION",
    "back_messages",
    "forth_messages",
    "summary_messages",
    "miss_messages",
    "follow_up_messages",
    "value_sources",
]

Messages = list[dict[str, Any]]

_RESULT_CHARS = 240  # an earlier output shown to the user role is cut to this
_SUMMARY_CHARS = 600  # an output shown to the summarizer is cut to this
_CANDIDATES = 5  # existing values offered per parameter
_GENERIC_KEYS = frozenset({"id", "name", "type", "status", "value", "data", "result"})

BACK_SYSTEM = """You play the user of an AI assistant that acts through functions. Write the user's next message.
Rules:
- The message must need exactly the listed functions, but never name them or use identifiers like snake_case names; describe the goal in everyday words.
- State every value marked "state it" concretely (exact spelling, numbers, dates). For a value marked "earlier result", refer to it indirectly ("the file you just found", "that booking") instead of repeating it. Never state a value marked "from this request".
- Do not repeat or rephrase an earlier request. One or two sentences, natural tone, no greetings.
Reply with only a JSON object: {"request": "<the message>"}; when told to leave a value out, also add "value": <the value you will give later>.
Examples (function names are for you only):
- get_distance(origin, destination), then convert_unit(value from this request): {"request": "How many kilometres is it from San Francisco to San Mateo?"}
- cancel_booking(booking_id: earlier result): {"request": "Please cancel the reservation you just made."}
- book_table(restaurant, time, party_size), leave out party_size: {"request": "Could you book a table at Luigi's for 7 pm tonight?", "value": 4}"""

FORTH_SYSTEM = """You are a careful assistant that acts through function calls.
- Call exactly the functions the user's latest request needs: no more, no fewer, including any step it implies.
- Take every argument from the user's words or from earlier function results (copy values exactly); never invent a value.
- If a function needs another's output, call that one first and the dependent one only after its result has arrived.
- Independent calls can go together (at most 3 calls of the same function).
- When every needed call has been made, reply briefly without calling a function."""

SUMMARY_SYSTEM = """You are the assistant. Reply to the user's latest request using the function results given.
Use only facts from the results, keep ids, names and numbers exact; if a result is an error, say what went wrong. 1-3 sentences, plain text, no function names, no JSON."""

MISS_FUNC_SYSTEM = """You are the assistant. None of your available tools can do what the user asked; the missing capability is described below.
In 1-2 plain sentences, say that you cannot do this with the tools you have and name the missing capability in everyday words. Do not call functions, name functions, or pretend to have done it."""

MISS_PARAM_SYSTEM = """You are the assistant. The user's request lacks a value you need; it is described below.
Ask for exactly that value in one short, friendly question. Do not guess it, do not call functions, do not name functions."""

FOLLOW_UP_SYSTEM = """You play the user of an AI assistant. Write the user's next message: short, natural, no greetings, never name functions.
Reply with only a JSON object: {"text": "<the message>"}"""


# -- small helpers ---------------------------------------------------------------------


def _dumps(value: Any) -> str:
    """Compact, deterministic JSON for prompt text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _brief(tool: Tool) -> dict[str, Any]:
    """A tool's name, description and parameters, without schema noise (titles etc.)."""
    props: dict[str, Any] = {}
    for pname, spec in tool.properties.items():
        if isinstance(spec, dict):
            props[pname] = {k: spec[k] for k in ("type", "description", "enum", "format", "items") if k in spec}
        else:
            props[pname] = spec
    out: dict[str, Any] = {"name": tool.name, "description": tool.description, "parameters": props}
    if tool.required:
        out["required"] = list(tool.required)
    return out


def _tool(ctx: TurnContext, name: str) -> Tool | None:
    return ctx.catalog.by_name.get(name)


def _keys_match(key: str, param: str) -> bool:
    """Does an output field ``key`` look like the value of parameter ``param`` (normalized)?"""
    if key == param:
        return True
    if key in _GENERIC_KEYS:
        return False
    return param.endswith("_" + key) or key.endswith("_" + param)


def _output_keys(value: Any, out: set[str], depth: int = 0) -> None:
    if depth > 4:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(norm_name(str(k)))
            _output_keys(v, out, depth + 1)
    elif isinstance(value, list):
        for item in value[:20]:
            _output_keys(item, out, depth + 1)


def _schema_keys(schema: Any, out: set[str], depth: int = 0) -> None:
    if depth > 4 or not isinstance(schema, dict):
        return
    for k, v in (schema.get("properties") or {}).items():
        out.add(norm_name(str(k)))
        _schema_keys(v, out, depth + 1)
    _schema_keys(schema.get("items"), out, depth + 1)


def value_sources(ctx: TurnContext) -> dict[tuple[str, str], str]:
    """Where each required value of this turn's functions comes from.

    Maps ``(function, parameter)`` to ``"turn"`` (an earlier function of this same turn
    returns it: the user must not state it), ``"earlier"`` (an earlier turn's output has it:
    refer to it indirectly) or ``"user"`` (the user states it).
    """
    earlier: set[str] = set()
    for _, call in ctx.prior_calls:
        _output_keys(call.output, earlier)
    produced: set[str] = set()
    sources: dict[tuple[str, str], str] = {}
    for fname in ctx.funcs:
        tool = _tool(ctx, fname)
        if tool is None:
            continue
        for param in tool.required:
            p = norm_name(param)
            if any(_keys_match(k, p) for k in produced):
                sources[(fname, param)] = "turn"
            elif any(_keys_match(k, p) for k in earlier):
                sources[(fname, param)] = "earlier"
            else:
                sources[(fname, param)] = "user"
        _schema_keys(tool.returns, produced)
    return sources


def _candidates(ctx: TurnContext, fname: str, param: str) -> list[Any]:
    """Up to a few values of ``param`` that exist in the environment's state."""
    finder = getattr(ctx.env, "candidates", None)
    if not callable(finder):
        return []
    try:
        values = finder(fname, param)
    except (LookupError, TypeError, ValueError):
        return []
    return [v for v in list(values or ())[:_CANDIDATES] if isinstance(v, (str, int, float))]


def _current_request(ctx: TurnContext) -> str:
    """The latest user message of the conversation (or the latest request written)."""
    for message in reversed(ctx.messages):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            return message["content"]
    return ctx.requests[-1] if ctx.requests else ""


def _last_assistant_text(ctx: TurnContext) -> str:
    for message in reversed(ctx.messages):
        if message.get("role") == "assistant" and isinstance(message.get("content"), str) and message["content"]:
            return message["content"]
    return ""


def _result_line(turn: int | None, call: Call, limit: int) -> str:
    where = f"turn {turn}: " if turn is not None else ""
    body = _dumps(call.output) if call.error is None else _dumps({"error": call.error})
    return f"- {where}{call.name}({_dumps(call.arguments)}) -> {_clip(body, limit)}"


def _feedback(ctx: TurnContext) -> str:
    return f"\nYour previous attempt failed: {ctx.feedback}. Fix that." if ctx.feedback else ""


# -- user side -------------------------------------------------------------------------


def back_messages(ctx: TurnContext, *, missing: dict[str, Any] | None = None) -> Messages:
    """Messages asking the model, as the user, for this turn's request.

    ``missing`` (``{"function", "parameter"}``) names the value to leave out in a
    ``miss_param`` turn; the model then also proposes the value the user will give later.
    The reply is a JSON object ``{"request": ..., "value": ...}``.
    """
    tools = [t for t in (_tool(ctx, f) for f in ctx.funcs) if t is not None]
    sources = value_sources(ctx)
    lines = ["Functions this message needs, in order (never name them):", _dumps([_brief(t) for t in tools])]
    if sources:
        lines.append("Required values:")
    left_out = (missing["function"], missing["parameter"]) if missing else None
    for (fname, param), where in sources.items():
        if where == "turn" and (fname, param) != left_out:
            lines.append(f"- {fname}.{param}: from this request (another listed function returns it)")
        elif where == "earlier" and (fname, param) != left_out:
            lines.append(f"- {fname}.{param}: earlier result; refer to it indirectly")
        else:
            known = _candidates(ctx, fname, param)
            hint = f" (existing: {_dumps(known)})" if known else ""
            if (fname, param) == left_out:
                lines.append(f"- {fname}.{param}: leave it out (the user gives it later); put it in \"value\"{hint}")
            else:
                lines.append(f"- {fname}.{param}: state it{hint}")
    if ctx.requests:
        lines.append("Earlier requests (do not repeat):")
        lines.extend(f"- {_clip(r, 160)}" for r in ctx.requests)
    if ctx.prior_calls:
        lines.append("Earlier results:")
        lines.extend(_result_line(turn, call, _RESULT_CHARS) for turn, call in ctx.prior_calls)
    last = _last_assistant_text(ctx)
    if last:
        lines.append(f"Assistant's last reply: {_clip(last, 200)}")
    return [
        {"role": "system", "content": BACK_SYSTEM},
        {"role": "user", "content": "\n".join(lines) + _feedback(ctx)},
    ]


def follow_up_messages(
    ctx: TurnContext, kind: Literal["miss_func", "miss_param"], missing: dict[str, Any]
) -> Messages:
    """Messages asking the model, as the user, for the message after a miss turn.

    ``miss_func``: the missing capability is now available, go ahead. ``miss_param``: give the
    missing value, written exactly. The reply is a JSON object ``{"text": ...}``.
    """
    tool = _tool(ctx, str(missing.get("function", "")))
    purpose = tool.description if tool is not None and tool.description else str(missing.get("function", ""))
    lines = [f"Your earlier request: {_clip(_current_request(ctx), 300)}"]
    last = _last_assistant_text(ctx)
    if last:
        lines.append(f"The assistant replied: {_clip(last, 300)}")
    if kind == "miss_func":
        lines.append(
            f"That capability ({_clip(purpose, 160)}) is now available. "
            "Tell the assistant it can do it now and ask it to go ahead with your request."
        )
    else:
        param = str(missing.get("parameter", ""))
        spec = tool.properties.get(param, {}) if tool is not None else {}
        about = spec.get("description", "") if isinstance(spec, dict) else ""
        lines.append(
            f"Give the value it asked for ({param}{': ' + _clip(about, 120) if about else ''}), "
            f"written exactly as {_dumps(missing.get('value'))}, in a short natural reply."
        )
    return [
        {"role": "system", "content": FOLLOW_UP_SYSTEM},
        {"role": "user", "content": "\n".join(lines) + _feedback(ctx)},
    ]


# -- assistant side --------------------------------------------------------------------


def _conversation(ctx: TurnContext, request: Request) -> tuple[str, Messages]:
    """(system text carried by the conversation, the non-system messages) with this turn's
    request and executed calls appended when the loop has not added them yet."""
    system = ""
    messages: Messages = []
    for message in ctx.messages:
        if message.get("role") == "system" and not messages:
            system = str(message.get("content") or "")
        else:
            messages.append(message)
    if not any(m.get("role") == "user" and m.get("content") == request.text for m in messages):
        messages.append({"role": "user", "content": request.text})
    answered = {m.get("tool_call_id") for m in messages if m.get("role") == "tool"}
    pending = [(k, c) for k, c in enumerate(ctx.turn_calls) if not (c.id and c.id in answered)]
    if pending:
        ids = [c.id or f"call_{ctx.index}_{k}" for k, c in pending]
        messages.append(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": i, "type": "function", "function": {"name": c.name, "arguments": _dumps(c.arguments)}}
                    for i, (_, c) in zip(ids, pending)
                ],
            }
        )
        for i, (_, c) in zip(ids, pending):
            content = _dumps(c.output) if c.error is None else _dumps({"error": c.error})
            messages.append({"role": "tool", "tool_call_id": i, "name": c.name, "content": content})
    return system, messages


def forth_messages(ctx: TurnContext, request: Request, *, hint: bool = True) -> tuple[Messages, list[dict[str, Any]]]:
    """Messages and OpenAI ``tools`` asking the model, as the assistant, for its next calls.

    The conversation so far is sent in native chat form, with this turn's request and the
    calls already executed this turn. ``hint`` adds the reference functions as a hidden
    ``[Hint]`` in the system prompt (context distillation, METHOD.md A5); it never reaches
    the stored conversation.
    """
    carried, messages = _conversation(ctx, request)
    system = (carried + "\n\n" if carried else "") + FORTH_SYSTEM
    if hint and ctx.funcs:
        system += f"\n[Hint] The latest request needs, in order: {', '.join(ctx.funcs)}."
    if ctx.feedback:
        system += f"\nYour previous attempt at this request was rejected: {ctx.feedback}. Correct it."
    tools = [t.openai_schema() for t in ctx.tools]
    return [{"role": "system", "content": system}, *messages], tools


def summary_messages(ctx: TurnContext) -> Messages:
    """Messages asking for the assistant text that ends a turn: a truthful summary of the
    outputs in ``ctx.turn_calls``."""
    lines = [f"User request: {_clip(_current_request(ctx), 400)}", "Function results:"]
    lines.extend(_result_line(None, call, _SUMMARY_CHARS) for call in ctx.turn_calls)
    return [
        {"role": "system", "content": SUMMARY_SYSTEM},
        {"role": "user", "content": "\n".join(lines) + _feedback(ctx)},
    ]


def miss_messages(
    ctx: TurnContext, kind: Literal["miss_func", "miss_param"], *, missing: dict[str, Any] | None = None
) -> Messages:
    """Messages asking for the assistant text of a miss turn.

    ``miss_func``: say the capability (the functions of ``ctx.funcs`` that are not offered,
    or ``missing["function"]``) is missing. ``miss_param``: ask for ``missing["parameter"]``;
    without ``missing`` the model is shown the functions and asked for the absent value.
    """
    lines = [f"User request: {_clip(_current_request(ctx), 400)}"]
    if kind == "miss_func":
        offered = {t.name for t in ctx.tools}
        names = [missing["function"]] if missing and missing.get("function") else [f for f in ctx.funcs if f not in offered]
        for name in names:
            tool = _tool(ctx, name)
            lines.append(f"Missing capability: {tool.description if tool is not None and tool.description else name}")
        system = MISS_FUNC_SYSTEM
    else:
        tool = _tool(ctx, str(missing.get("function", ""))) if missing else None
        if missing and tool is not None:
            param = str(missing.get("parameter", ""))
            spec = tool.properties.get(param, {})
            about = spec.get("description", "") if isinstance(spec, dict) else ""
            lines.append(f"Missing value: {param}{' (' + about + ')' if about else ''}, needed to: {tool.description or tool.name}")
        else:
            tools = [t for t in (_tool(ctx, f) for f in ctx.funcs) if t is not None]
            lines.append("It is one of the required values of: " + _dumps([_brief(t) for t in tools]))
        system = MISS_PARAM_SYSTEM
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": "\n".join(lines) + _feedback(ctx)},
    ]
