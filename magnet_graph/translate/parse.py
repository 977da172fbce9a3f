"""Parse model replies into data. Nothing here evaluates model output.

* :func:`parse_json_reply` reads a JSON object out of a text reply (bare, inside a
  ```json fence, or after a line of prose).
* :func:`parse_tool_calls` reads the calls of an assistant message: native ``tool_calls``
  first, else calls written as JSON in the content (``{"calls": [{"name", "arguments"}]}``).

Every failure is a :class:`~magnet_graph.errors.BackendError` whose message is one line
that a retry prompt can show the model as-is ("what was wrong; what to send instead").
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from ..errors import BackendError
from ..types import Call

__all__ = ["ReplyError", "parse_json_reply", "parse_tool_calls", "message_field", "snippet"]

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n?(.*?)```", re.DOTALL)
_DECODER = json.JSONDecoder()


class ReplyError(BackendError):
    """A model reply that cannot be used (the backend sends it back with this message).

    ``kind`` names the fault for counters: ``empty``, ``bad_json``, ``unknown_tool``,
    ``bad_arguments`` or ``invalid`` (parsed, but breaks a rule of the prompt).
    """

    def __init__(self, message: str, *, kind: str = "invalid"):
        super().__init__(message)
        self.kind = kind


def snippet(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters (for error messages)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def message_field(message: Any, key: str) -> Any:
    """Read ``key`` from a chat message given as a mapping or as an object (litellm's)."""
    if isinstance(message, Mapping):
        return message.get(key)
    return getattr(message, key, None)


def _first_object(text: str) -> dict[str, Any] | None:
    """The first JSON object that decodes starting at some ``{`` in ``text``, else ``None``."""
    start = text.find("{")
    while start != -1:
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    return None


def parse_json_reply(text: str | None) -> dict[str, Any]:
    """Return the JSON object in a model's text reply.

    Accepts a bare object, an object inside a Markdown code fence (```json or plain ```),
    or an object after (or before) some prose. Raises :class:`BackendError` when there is no
    JSON object in the reply.

    >>> parse_json_reply('Sure! ```json\\n{"request": "hi"}\\n```')
    {'request': 'hi'}
    """
    if text is None or not str(text).strip():
        raise ReplyError("the reply is empty; reply with only a JSON object", kind="empty")
    raw = str(text).strip()
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    else:
        if isinstance(value, dict):
            return value
        raise ReplyError(
            f"the reply is JSON but not an object (got {type(value).__name__}); reply with only a JSON object",
            kind="bad_json",
        )
    for match in _FENCE.finditer(raw):
        body = match.group(2).strip()
        try:
            value = json.loads(body)
        except ValueError:
            value = _first_object(body)
        if isinstance(value, dict):
            return value
    found = _first_object(raw)
    if found is not None:
        return found
    if "{" in raw:
        raise ReplyError(
            f"the reply has malformed JSON ({snippet(raw)!r}); reply with only one valid JSON object", kind="bad_json"
        )
    raise ReplyError(f"the reply has no JSON object ({snippet(raw)!r}); reply with only a JSON object", kind="bad_json")


def _arguments(raw: Any, name: str) -> dict[str, Any]:
    """Decode one call's arguments (a JSON string, a dict, or empty) into a dict."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if isinstance(raw, Mapping):
        return dict(raw)
    if not isinstance(raw, str):
        raise ReplyError(f"call {name}: arguments must be a JSON object, got {type(raw).__name__}", kind="bad_arguments")
    try:
        value = json.loads(raw)
    except ValueError:
        raise ReplyError(
            f"call {name}: arguments are not valid JSON ({snippet(raw)!r}); send them as one JSON object",
            kind="bad_arguments",
        ) from None
    if not isinstance(value, dict):
        raise ReplyError(f"call {name}: arguments must be a JSON object, got {type(value).__name__}", kind="bad_arguments")
    return value


def _check_name(name: Any, allowed: set[str] | frozenset[str]) -> str:
    if not isinstance(name, str) or not name:
        raise ReplyError("a call has no function name; give each call a name from the offered tools", kind="unknown_tool")
    if name not in allowed:
        offered = ", ".join(sorted(allowed)) or "none"
        raise ReplyError(f"unknown function {name!r}; call only the offered functions: {offered}", kind="unknown_tool")
    return name


def _native_calls(tool_calls: Any, allowed: set[str] | frozenset[str]) -> list[Call]:
    calls: list[Call] = []
    for item in tool_calls:
        function = message_field(item, "function")
        if function is None:
            raise ReplyError("a tool call has no function; send calls as function tool calls", kind="bad_arguments")
        name = _check_name(message_field(function, "name"), allowed)
        args = _arguments(message_field(function, "arguments"), name)
        call_id = message_field(item, "id")
        calls.append(Call(name, args, id=str(call_id) if call_id else ""))
    return calls


def _content_calls(content: str, allowed: set[str] | frozenset[str]) -> list[Call] | None:
    """Calls written as ``{"calls": [...]}`` in the text; ``None`` when the text has none."""
    if '"calls"' not in content and "'calls'" not in content:
        return None
    data = parse_json_reply(content)
    items = data.get("calls")
    if not isinstance(items, list):
        raise ReplyError('"calls" must be a list of {"name": ..., "arguments": {...}} objects', kind="bad_json")
    calls: list[Call] = []
    for item in items:
        if not isinstance(item, dict):
            raise ReplyError('each entry of "calls" must be an object {"name": ..., "arguments": {...}}', kind="bad_json")
        name = _check_name(item.get("name"), allowed)
        calls.append(Call(name, _arguments(item.get("arguments"), name)))
    return calls


def parse_tool_calls(message: Any, *, allowed: set[str] | frozenset[str]) -> list[Call]:
    """Return the calls of an assistant ``message`` (a mapping or litellm's ``Message``).

    Native ``tool_calls`` are read first (their ``arguments`` are JSON strings). When there
    are none, calls written in the content as ``{"calls": [{"name", "arguments"}]}`` are read.
    Plain text with neither means the assistant is done: ``[]``.
    Raises :class:`BackendError` for a name not in ``allowed`` or arguments that are not a
    JSON object.
    """
    tool_calls = message_field(message, "tool_calls")
    if tool_calls:
        return _native_calls(tool_calls, allowed)
    content = message_field(message, "content")
    if not content:
        return []
    found = _content_calls(str(content), allowed)
    return [] if found is None else found
