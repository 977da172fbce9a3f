"""Building one conversation record: turns of user text, executed calls and assistant text.

:class:`Conversation` runs every call in a real :class:`~magnet_graph.execute.Environment`
(the workflow's toolkit, so writes change later reads) and writes the messages, the
per-turn ground-truth calls and the path in the record format of ``docs/record.md``.
GEM's interaction patterns are turn tags (``clarification``, ``error_recovery``,
``rule_conflict``, ``multi_hop``, ``limitation``; refinement adds ``distractor``,
``multi_constraint``, ``verification``, ``pitfall``).
"""

from __future__ import annotations

from typing import Any, Sequence

import orjson

from ..execute import Environment, Outcome
from ..types import Catalog

__all__ = ["Conversation", "PATTERNS"]

#: The interaction patterns of GEM stage 3 (a conversation needs at least three).
PATTERNS = ("clarification", "error_recovery", "rule_conflict", "multi_hop", "limitation")


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class Conversation:
    """A conversation being built over ``catalog`` with the toolkit ``toolkit``'s state."""

    def __init__(self, catalog: Catalog, toolkit: str, *, seed: int, state: dict[str, Any], offered: Sequence[str]):
        self.catalog = catalog
        self.toolkit = toolkit
        self.seed = seed
        self.env = Environment(catalog, [toolkit], seed=seed, initial_state={toolkit: state})
        self.offered = list(offered)
        self.messages: list[dict[str, Any]] = []
        self.turns: list[dict[str, Any]] = []
        self.path: list[dict[str, Any]] = []
        self.outputs: list[tuple[int, str, dict[str, Any], Any]] = []  # (turn, tool, args, output) of successes
        self._turn: dict[str, Any] | None = None
        self._start = 0

    # -- building ---------------------------------------------------------------------------
    def system(self, text: str) -> None:
        """Set the system message (the first message)."""
        if self.messages and self.messages[0]["role"] == "system":
            self.messages[0]["content"] = text
        else:
            self.messages.insert(0, {"role": "system", "content": text})

    def begin(self, *, tags: Sequence[str] = (), kind: str = "normal", missing: dict[str, Any] | None = None) -> None:
        """Start a turn (the previous one must have ended)."""
        if self._turn is not None:
            raise RuntimeError("begin: the previous turn has not ended")
        index = len(self.turns)
        self._start = len(self.messages)
        self._turn = {"index": index, "kind": kind, "tags": list(tags), "source": None, "tools": list(self.offered),
                      "calls": [], "missing": missing, "messages": [self._start, self._start]}

    def tag(self, *tags: str) -> None:
        """Add tags to the current turn."""
        assert self._turn is not None
        for t in tags:
            if t not in self._turn["tags"]:
                self._turn["tags"].append(t)

    def user(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})

    def calls(self, batch: Sequence[tuple[str, dict[str, Any]]]) -> list[Outcome]:
        """One assistant message issuing ``batch`` (independent calls), then their tool messages."""
        assert self._turn is not None
        t = self._turn["index"]
        tool_calls, answers, results = [], [], []
        for name, args in batch:
            cid = f"call_{t}_{len(self._turn['calls'])}"
            outcome = self.env.execute(name, args)
            self._turn["calls"].append({"id": cid, "name": name, "arguments": args, "output": outcome.output,
                                        "simulated": outcome.simulated})
            tool_calls.append({"id": cid, "type": "function",
                               "function": {"name": name, "arguments": _dumps(args)}})
            answers.append({"role": "tool", "tool_call_id": cid, "name": name, "content": _dumps(outcome.output)})
            if outcome.error is None:
                self.outputs.append((t, name, args, outcome.output))
            results.append(outcome)
        self.messages.append({"role": "assistant", "content": None, "tool_calls": tool_calls})
        self.messages.extend(answers)
        return results

    def call(self, name: str, args: dict[str, Any]) -> Outcome:
        """One call in its own assistant message."""
        return self.calls([(name, args)])[0]

    def say(self, text: str) -> None:
        """The assistant text that ends the turn."""
        assert self._turn is not None
        self.messages.append({"role": "assistant", "content": text})
        self._turn["messages"] = [self._start, len(self.messages)]
        funcs = [c["name"] for c in self._turn["calls"]]
        tags = self._turn["tags"]
        self.path.append({"funcs": funcs, "tags": tags, "source": None})
        self.turns.append(self._turn)
        self._turn = None

    @property
    def turn_index(self) -> int:
        return len(self.turns)

    def turn_calls(self) -> list[dict[str, Any]]:
        return [] if self._turn is None else self._turn["calls"]

    # -- the record ---------------------------------------------------------------------------
    def record(self, *, slot: int, catalog_ids: list[str], tools: list[dict[str, Any]], backend: str,
               model: str | None, prompt_version: str, magnet_version: str) -> dict[str, Any]:
        """The record (without ``id`` and ``verification``; see ``docs/record.md``)."""
        if self._turn is not None:
            raise RuntimeError("record: the last turn has not ended")
        return {
            "schema_version": 1,
            "seed": self.seed,
            "slot": slot,
            "catalogs": catalog_ids,
            "toolkits": [self.toolkit],
            "initial_state": self.env.initial_state,
            "end_state": self.env.snapshot(),
            "tools": tools,
            "path": self.path,
            "turns": self.turns,
            "messages": self.messages,
            "provenance": {"backend": backend, "model": model, "prompt_version": prompt_version,
                           "magnet_version": magnet_version, "llm_calls": 0, "tokens": 0, "cost_usd": 0.0},
        }
