"""A local fake of the OpenAI chat-completions API, for tests that must never leave 127.0.0.1.

A real HTTP server (stdlib ``ThreadingHTTPServer`` in a background thread, on a free port
of 127.0.0.1) answers ``POST /v1/chat/completions`` and ``POST /chat/completions``:

* replies queued with :meth:`FakeOpenAI.script` are served first, in order: plain text,
  tool calls, a malformed body, an HTTP error (429 with ``Retry-After``, 500 ...), any of
  them after a delay;
* when the queue is empty a default "smart" responder answers plausibly from the request
  (see :func:`smart_reply`), or ``responder`` when one is given.

Every request body is recorded in ``.requests`` (and its headers in ``.request_headers``),
every reply body sent in ``.replies``; ``.max_in_flight`` is the most requests answered at once.
:func:`faulty` makes a responder failing a share of requests (429, 500, hangs, malformed
bodies, bad contents) and :func:`capacity` one that answers 429 above a concurrency.

Use the ``fake_openai`` fixture (``from fake_openai import fake_openai``) or make one with
another scope via :func:`make_fixture`::

    def test_x(fake_openai):
        fake_openai.script([text("hi"), error(429, retry_after=0)])
        ... litellm.acompletion(model="openai/m", api_base=fake_openai.base_url, ...)
        assert len(fake_openai.requests) == 2
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Iterator

import pytest

__all__ = [
    "Reply",
    "FakeOpenAI",
    "text",
    "tool_calls",
    "error",
    "malformed",
    "delayed",
    "smart_reply",
    "faulty",
    "capacity",
    "make_fixture",
    "fake_openai",
]

PATHS = ("/v1/chat/completions", "/chat/completions")


@dataclass
class Reply:
    """One scripted HTTP reply: a JSON ``body`` or ``raw`` bytes, a status and headers,
    sent after ``delay`` seconds. A body without ``usage`` gets one computed from sizes."""

    status: int = 200
    body: dict[str, Any] | None = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def _message_reply(message: dict[str, Any], finish: str) -> Reply:
    return Reply(body={"choices": [{"index": 0, "message": message, "finish_reason": finish}]})


def text(content: str) -> Reply:
    """A reply whose assistant message is ``content`` (no tool calls)."""
    return _message_reply({"role": "assistant", "content": content}, "stop")


def tool_calls(*calls: tuple[str, dict[str, Any] | str], content: str | None = None) -> Reply:
    """A reply with native tool calls ``(name, arguments)``; arguments given as a string are
    sent verbatim (so a test can send invalid JSON)."""
    items = []
    for k, (name, args) in enumerate(calls):
        raw = args if isinstance(args, str) else json.dumps(args)
        items.append({"id": f"call_fake_{k}", "type": "function", "function": {"name": name, "arguments": raw}})
    return _message_reply({"role": "assistant", "content": content, "tool_calls": items}, "tool_calls")


def error(status: int, *, retry_after: float | str | None = None, message: str = "scripted failure") -> Reply:
    """An HTTP error in OpenAI's error shape; ``retry_after`` sets the ``Retry-After`` header."""
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    kind = "rate_limit_exceeded" if status == 429 else "server_error"
    return Reply(status=status, body={"error": {"message": message, "type": kind, "code": kind}}, headers=headers)


def malformed() -> Reply:
    """HTTP 200 whose body is not valid JSON."""
    return Reply(raw=b'{"id": "chatcmpl-broken", "choices": [ {"message": ')


def delayed(reply: Reply, seconds: float) -> Reply:
    """``reply`` sent after ``seconds``."""
    return Reply(reply.status, reply.body, reply.raw, dict(reply.headers), seconds)


# -- the smart default responder -------------------------------------------------------
#
# It reads the prompts of magnet_graph.translate.prompts (the lines "- f.p: state it
# (existing: [...])", "written exactly as V") and, for anything else, answers generically.

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
_QUOTED = re.compile(r'"([^"\n]{1,80})"')
_VALUE_LINE = re.compile(r"^- (\w+)\.(\w+): (state it|leave it out)(.*)$", re.MULTILINE)
_EXISTING = re.compile(r"\(existing: (.*)\)$")


def _texts(messages: list[dict[str, Any]], role: str) -> list[str]:
    return [m["content"] for m in messages if m.get("role") == role and isinstance(m.get("content"), str)]


def _find_key(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        if key in value and not isinstance(value[key], (dict, list)):
            return value[key]
        for v in value.values():
            found = _find_key(v, key)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _find_key(item, key)
            if found is not None:
                return found
    return None


def _coerce(raw: str, spec: dict[str, Any]) -> Any:
    kind = spec.get("type")
    try:
        if kind == "integer":
            return int(float(raw))
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean":
        return raw.strip().lower() in ("true", "yes", "1")
    return raw


def _arguments_for(schema: dict[str, Any], messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Arguments for the schema's required properties, from the conversation: a value the
    user wrote as ``<param> "value"``, else an earlier tool output with the same key, else an
    enum value mentioned, else the user's quoted strings and numbers in order, else a
    placeholder."""
    users = _texts(messages, "user")
    text = " ".join(users)
    outputs = []
    for m in messages:
        if m.get("role") == "tool":
            try:
                outputs.append(json.loads(m.get("content") or "null"))
            except ValueError:
                pass
    quoted = _QUOTED.findall(text)
    numbers = _NUMBER.findall(_QUOTED.sub(" ", text))
    props = schema.get("properties", {})
    args: dict[str, Any] = {}
    for name in schema.get("required", []):
        spec = props.get(name, {}) if isinstance(props.get(name), dict) else {}
        kind = spec.get("type", "string")
        said = [m.group(1) for u in users for m in re.finditer(rf"\b{re.escape(name)}\b[^\"\n]{{0,6}}\"([^\"\n]*)\"", u)]
        earlier = next((v for v in (_find_key(o, name) for o in reversed(outputs)) if v is not None), None)
        if said:
            args[name] = _coerce(said[-1], spec)
        elif earlier is not None:
            args[name] = earlier
        elif "enum" in spec:
            args[name] = next((e for e in spec["enum"] if str(e).lower() in text.lower()), spec["enum"][0])
        elif kind in ("integer", "number"):
            args[name] = _coerce(numbers.pop(0) if numbers else "1", spec)
        elif kind == "boolean":
            args[name] = True
        elif kind == "array":
            args[name] = [quoted.pop(0)] if quoted else []
        elif kind == "object":
            args[name] = {}
        else:
            args[name] = quoted.pop(0) if quoted else f"example {name}"
    return args


def _next_tool(tools: list[dict[str, Any]], messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The tool to call next: the offered tools named in the system prompt, in the order they
    are named, one per reply; without such names, the first offered tool once."""
    last_user = max((k for k, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    called = [
        c.get("function", {}).get("name")
        for m in messages[last_user + 1 :]
        if m.get("role") == "assistant"
        for c in m.get("tool_calls") or []
    ]
    system = "\n".join(_texts(messages, "system"))
    offered = {t["function"]["name"]: t["function"] for t in tools}
    named = sorted(
        (pos, name)
        for name in offered
        for pos in [m.start() for m in re.finditer(rf"(?<![\w]){re.escape(name)}(?![\w])", system)][:1]
    )
    plan = [name for _, name in named] or [tools[0]["function"]["name"]]
    for name in plan:
        if name in called:
            called.remove(name)
        else:
            return offered[name]
    return None


def _schemas_in(prompt: str) -> dict[str, dict[str, Any]]:
    """Tool briefs listed as a JSON array on one line of a back-translation prompt."""
    for line in prompt.splitlines():
        if line.startswith("[{") and '"name"' in line:
            try:
                return {t["name"]: t for t in json.loads(line) if isinstance(t, dict) and "name" in t}
            except (ValueError, TypeError):
                continue
    return {}


def _plausible(func: str, param: str, rest: str, schemas: dict[str, dict[str, Any]]) -> Any:
    existing = _EXISTING.search(rest.strip())
    if existing:
        try:
            values = json.loads(existing.group(1))
        except ValueError:
            values = []
        if values:
            return values[0]
    spec = schemas.get(func, {}).get("parameters", {}).get(param, {})
    if "enum" in spec:
        return spec["enum"][0]
    return {"integer": 2, "number": 2.5, "boolean": True}.get(spec.get("type"), f"sample {param.replace('_', ' ')}")


def _back_reply(prompt: str) -> dict[str, Any]:
    schemas = _schemas_in(prompt)
    stated, reply = [], {}
    for func, param, what, rest in _VALUE_LINE.findall(prompt):
        value = _plausible(func, param, rest, schemas)
        if what == "leave it out":
            reply["value"] = value
        else:
            stated.append(f'{param} "{value}"')
    earlier = prompt.split("Earlier requests (do not repeat):", 1)
    step = 1 + (earlier[1].split("\nEarlier results:", 1)[0].count("\n- ") if len(earlier) > 1 else 0)
    ask = f"Step {step}: please take care of this with " + ", ".join(stated) + "." if stated else f"Step {step}: please go ahead with the next step."
    reply["request"] = ask
    if "leave it out" in prompt and "value" not in reply:
        reply["value"] = 4
    return {"request": reply["request"], **({"value": reply["value"]} if "value" in reply else {})}


def _follow_up_reply(prompt: str) -> dict[str, Any]:
    exact = re.search(r"Give the value it asked for \((\w+).*?written exactly as (.+), in a short natural reply", prompt)
    if exact:
        try:
            value = json.loads(exact.group(2))
        except ValueError:
            value = exact.group(2)
        return {"text": f'Sure, the {exact.group(1)} is "{value}".'}
    return {"text": "You can do that now, please go ahead."}


def smart_reply(body: dict[str, Any]) -> Reply:
    """A plausible reply to any chat-completions request.

    * With ``tools``: call the next tool (:func:`_next_tool`) with arguments taken from the
      conversation (:func:`_arguments_for`), one call per reply; when there is none left,
      answer with text (the turn is done).
    * Without tools, when the prompt asks for ``{"request": ...}``: a request stating every
      value marked "state it" as ``param "value"`` (an existing value when the prompt lists
      some), with a ``"value"`` for the one to leave out; for ``{"text": ...}``: the value
      the prompt says to give, or "go ahead".
    * Otherwise a short sentence.
    """
    messages = body.get("messages", [])
    tools = body.get("tools") or []
    if tools:
        tool = _next_tool(tools, messages)
        if tool is None:
            return text("All done: the results are above.")
        return tool_calls((tool["name"], _arguments_for(tool.get("parameters", {}), messages)))
    prompt = "\n".join(_texts(messages, "system") + _texts(messages, "user"))
    if '{"request"' in prompt:
        return text(json.dumps(_back_reply(prompt)))
    if '{"text"' in prompt:
        return text(json.dumps(_follow_up_reply(prompt)))
    return text("Here is what I found: everything went through.")


FAULT_KINDS = ("rate_limit", "server_error", "hang", "malformed", "content")


def faulty(
    rate: float,
    *,
    seed: int,
    kinds: tuple[str, ...] = FAULT_KINDS,
    hang: float = 2.0,
    retry_after: float = 0.05,
    inner: Callable[[dict[str, Any]], Reply] = smart_reply,
) -> Callable[[dict[str, Any]], Reply]:
    """A responder that fails a ``rate`` share of requests (seeded per request body and
    repeat, so independent of arrival order), else answers with ``inner``.

    A failure is one of ``kinds``, drawn uniformly: ``rate_limit`` (429 with ``Retry-After``),
    ``server_error`` (500), ``hang`` (the reply comes after ``hang`` seconds: past a short
    client timeout), ``malformed`` (HTTP 200, body not JSON) or ``content`` (a well-formed
    reply with a bad content: a call of an unknown tool when tools were offered, else text
    with broken JSON). ``responder.injected`` counts the failures sent, by kind.
    """
    lock = threading.Lock()
    injected: dict[str, int] = {}
    seen: dict[str, int] = {}  # request body -> times received

    def respond(body: dict[str, Any]) -> Reply:
        # The draw depends on the request (its body and how many times it came), not on the
        # order concurrent requests arrive in: the same requests get the same faults on every
        # run, however the threads interleave (a retried request draws again).
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with lock:
            nth = seen[key] = seen.get(key, 0) + 1
        rng = random.Random(f"{seed}:{key}:{nth}")
        kind = rng.choice(kinds) if rng.random() < rate else ""
        if kind:
            with lock:
                injected[kind] = injected.get(kind, 0) + 1
        if kind == "rate_limit":
            return error(429, retry_after=retry_after, message="slow down")
        if kind == "server_error":
            return error(500, message="upstream exploded")
        if kind == "hang":
            return delayed(inner(body), hang)
        if kind == "malformed":
            return malformed()
        if kind == "content":
            if body.get("tools"):
                return tool_calls(("no_such_tool_anywhere", {"x": 1}))
            return text('{"request": "broken json, sorry')
        return inner(body)

    respond.injected = injected  # type: ignore[attr-defined]
    return respond


def capacity(limit: int, *, delay: float = 0.05, inner: Callable[[dict[str, Any]], Reply] = smart_reply) -> Callable[["FakeOpenAI", dict[str, Any]], Reply]:
    """A responder for a server that takes at most ``limit`` requests at once: one more gets a
    429 (``Retry-After: 0``); accepted requests take ``delay`` seconds. Give it to
    :class:`FakeOpenAI` as ``responder`` (it reads the server's ``in_flight``)."""

    def respond(fake: "FakeOpenAI", body: dict[str, Any]) -> Reply:
        if fake.in_flight > limit:
            return error(429, retry_after=0, message="too many requests at once")
        return delayed(inner(body), delay)

    respond.wants_server = True  # type: ignore[attr-defined]
    return respond


# -- the server ------------------------------------------------------------------------


class FakeOpenAI:
    """A fake OpenAI chat-completions server on 127.0.0.1 (see the module docstring)."""

    def __init__(self, *, responder: Callable[..., Reply] | None = None):
        self.responder = responder or smart_reply
        self.requests: list[dict[str, Any]] = []
        self.request_headers: list[dict[str, str]] = []
        self.replies: list[dict[str, Any]] = []
        self._queue: list[Reply] = []
        self._lock = threading.Lock()
        self._counter = 0
        self.in_flight = 0  # requests being answered now
        self.max_in_flight = 0  # the most at once so far
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting -----------------------------------------------------------------
    def script(self, replies: Iterable[Reply | str]) -> "FakeOpenAI":
        """Queue replies (a ``str`` is a text reply); they are served before the default."""
        with self._lock:
            self._queue.extend(text(r) if isinstance(r, str) else r for r in replies)
        return self

    @property
    def pending(self) -> int:
        """How many scripted replies have not been served yet."""
        with self._lock:
            return len(self._queue)

    def usage(self) -> tuple[int, int]:
        """(prompt_tokens, completion_tokens) summed over the successful replies sent."""
        with self._lock:
            ok = [r["usage"] for r in self.replies if isinstance(r.get("usage"), dict)]
        return sum(u["prompt_tokens"] for u in ok), sum(u["completion_tokens"] for u in ok)

    # -- lifecycle -----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> "FakeOpenAI":
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving -------------------------------------------------------------------
    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.request_headers.append(headers)
            scripted = self._queue.pop(0) if self._queue else None
        if scripted is not None:
            return scripted
        if getattr(self.responder, "wants_server", False):
            return self.responder(self, body)  # type: ignore[call-arg]
        return self.responder(body)

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _complete(self, reply: Reply, body: dict[str, Any]) -> bytes:
        """The bytes to send for ``reply``: fills id, model and usage of a 200 body."""
        if reply.raw is not None:
            return reply.raw
        out = dict(reply.body or {})
        if reply.status == 200:
            with self._lock:
                self._counter += 1
                n = self._counter
            out.setdefault("id", f"chatcmpl-fake-{n}")
            out.setdefault("object", "chat.completion")
            out.setdefault("created", 1_700_000_000)
            out.setdefault("model", body.get("model", "fake"))
            if "usage" not in out:
                sent = json.dumps(out.get("choices", []))
                prompt = max(1, len(json.dumps(body.get("messages", []))) // 4)
                completion = max(1, len(sent) // 8)
                out["usage"] = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
        with self._lock:
            self.replies.append(out)
        return json.dumps(out).encode("utf-8")


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr
            return

        def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path.split("?")[0].rstrip("/") not in PATHS:
                self._send(404, b'{"error": {"message": "not found"}}', {})
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._send(400, b'{"error": {"message": "request body is not JSON"}}', {})
                return
            fake._enter()
            try:
                reply = fake._next(body, {k.lower(): v for k, v in self.headers.items()})
                if reply.delay:
                    time.sleep(reply.delay)
                self._send(reply.status, fake._complete(reply, body), reply.headers)
            finally:
                fake._leave()

        def do_GET(self) -> None:
            self._send(404, b'{"error": {"message": "not found"}}', {})

    return Handler


def make_fixture(name: str = "fake_openai", *, scope: str = "function") -> Any:
    """A pytest fixture called ``name`` yielding a started :class:`FakeOpenAI` (stopped at
    teardown). Bind it in a test module or conftest under the same name."""

    @pytest.fixture(scope=scope, name=name)  # type: ignore[call-overload]
    def _fake() -> Iterator[FakeOpenAI]:
        with FakeOpenAI() as server:
            yield server

    return _fake


fake_openai = make_fixture()
