"""The backend interface of the translation loop.

The loop (``loop.py``) owns the conversation, execution and verification; a backend only
writes text and proposes calls:

* ``back(ctx)``: the user request for this turn's functions (or, in a miss turn, for the
  next turn's functions), never naming them.
* ``forth(ctx, request)``: the next batch of calls the assistant makes; ``[]`` when the turn's
  calls are done. Called repeatedly, each time with the outputs of the batches before it in
  ``ctx.turn_calls``, so nested calls can use same-turn outputs.
* ``respond(ctx, kind)``: the assistant text that ends a turn: ``"summary"`` of the outputs,
  ``"miss_func"`` (state the missing capability) or ``"miss_param"`` (ask for the value).
* ``follow_up(ctx, kind, missing)``: the user message after a miss turn (the tool is now
  available / here is the missing value).

A backend that can plan a turn without wording it sets ``defers_text = True`` and offers
``plan_turn(ctx) -> Request`` (empty ``text``) and ``say(catalog, request, *, rng) -> str``;
the loop then writes every text (requests, follow-ups, assistant replies) only once all
turns have succeeded, so an attempt dropped on a failing call costs no phrasing. The
offline backend does this; the LLM backend cannot (its calls come from the words).

Methods are ``async`` so the LLM backend can run many conversations concurrently; the
offline backend never awaits anything and the loop drives it without an event loop
(see :func:`run_sync`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Literal, Protocol, TypeVar

from ..types import Call, Catalog, Path, Tool, Turn

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from ..execute import Environment

TurnKind = Literal["normal", "miss_func", "miss_param"]
T = TypeVar("T")


@dataclass
class Request:
    """A user request written by ``back``.

    ``plan`` is private to the backend that wrote it (the offline backend keeps the calls it
    had in mind); the loop never reads it. ``missing`` is set in a ``miss_param`` turn:
    ``{"function": name, "parameter": p, "value": v}`` (the value the user will give next).
    """

    text: str
    plan: Any = None
    missing: dict[str, Any] | None = None


@dataclass
class TurnContext:
    """Everything a backend may look at when it writes or acts in one turn."""

    catalog: Catalog
    graph: "nx.DiGraph"
    path: Path
    index: int  # turn index in the path
    kind: TurnKind
    funcs: tuple[str, ...]  # functions this turn's request is about (the next turn's for a miss turn)
    tools: list[Tool]  # tools offered in this turn
    messages: list[dict[str, Any]]  # the conversation so far, OpenAI chat form
    prior_calls: list[tuple[int, Call]]  # (turn index, call) of every executed call before this turn
    turn_calls: list[Call]  # calls executed so far in this turn
    requests: list[str]  # user requests written so far in this conversation
    env: "Environment"
    rng: random.Random
    feedback: str | None = None  # why the previous attempt at this turn failed
    failed_tool: str | None = None  # the tool whose call failed in that attempt (execution errors)
    after_miss: dict[str, Any] | None = None  # set on the turn right after a miss turn
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def turn(self) -> Turn:
        return self.path.turns[self.index]


class Backend(Protocol):
    """What the translation loop needs from a backend."""

    name: str
    model: str | None

    async def back(self, ctx: TurnContext) -> Request: ...

    async def forth(self, ctx: TurnContext, request: Request) -> list[Call]: ...

    async def respond(self, ctx: TurnContext, kind: Literal["summary", "miss_func", "miss_param"]) -> str: ...

    async def follow_up(self, ctx: TurnContext, kind: Literal["miss_func", "miss_param"], missing: dict[str, Any]) -> str: ...


def run_sync(awaitable: Awaitable[T]) -> T:
    """Run a coroutine that never suspends (the offline backend's) without an event loop.

    Raises ``RuntimeError`` if the coroutine tries to wait for something: use asyncio then.
    """
    coro = awaitable.__await__()
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("run_sync: the coroutine suspended; run it in an event loop instead")
