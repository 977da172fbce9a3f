"""The translation loop: one function signature path -> one verified conversation record.

For each turn (METHOD A4): *back* (the backend writes the user request), *forth* (the
backend proposes calls, batch by batch, nested calls after the outputs they need), then each
call is validated against its schema and executed; outputs feed later turns. Miss turns
withhold a tool or a value first. A turn that fails a check is retried with the reason as
feedback (bounded); a path that still fails raises :class:`TranslationError` whose
``reason`` is counted by the run. Finished records pass :func:`verify_record` before they
are returned.
"""

from __future__ import annotations

import random
from typing import Any, Iterable, Sequence

import orjson

from .. import PROMPT_VERSION, __version__
from ..errors import BackendError, ExecutionError, TranslationError
from ..execute import Environment, _json_text, canonical_json, content_id
from ..seeding import SeedPrefix, derive_seed, seeded_random as _seeded
from ..types import Call, Catalog, Path, Tool
from ..verify import NameFinder, StateTexts, catalog_name_finder, verify_record
from .base import Backend, Request, TurnContext

__all__ = ["translate_path", "offered_tools", "record_line", "MAX_TOOLS_PER_TOOLKIT"]

MAX_TOOLS_PER_TOOLKIT = 24  # distractors offered beside the path's own tools, per toolkit
MAX_BATCHES = 8  # forth() rounds in one turn


def offered_tools(catalog: Catalog, funcs: Sequence[str], *, rng: random.Random) -> list[Tool]:
    """The tools offered in every turn: the path's toolkits, capped per toolkit.

    Small toolkits are offered whole (as BFCL offers every function of an involved class);
    a large toolkit offers the path's functions plus seeded distractors up to the cap.
    """
    by_name = catalog.by_name
    return [by_name[n] for n in _offered_names(catalog, funcs, rng=rng)]


def _offered_names(catalog: Catalog, funcs: Sequence[str], *, rng: "random.Random | None" = None,
                   seed: int = 0) -> list[str]:
    """The names of :func:`offered_tools`, in catalog order. Without ``rng``, the
    distractors are drawn from ``random.Random(derive_seed(seed, "tools"))``, made only when a
    toolkit is over the cap (in most catalogs none is: no seeding then)."""
    by_name = catalog.by_name
    needed = dict.fromkeys(funcs)
    kits = dict.fromkeys(by_name[f].toolkit for f in needed)
    names: set[str] = set(needed)
    for kit in kits:
        members = catalog.toolkits[kit]
        if len(members) <= MAX_TOOLS_PER_TOOLKIT:
            names.update(members)
        else:
            others = [m for m in members if m not in needed]
            if rng is None:
                rng = _seeded(derive_seed(seed, "tools"))
            room = max(0, MAX_TOOLS_PER_TOOLKIT - sum(1 for f in needed if by_name[f].toolkit == kit))
            names.update(rng.sample(others, min(room, len(others))))
    position = _positions(catalog)
    return sorted(names, key=position.__getitem__)  # in catalog order



def _positions(catalog: Catalog) -> dict[str, int]:
    """Tool name -> its index in the catalog (kept on the catalog)."""
    table = catalog.__dict__.get("_magnet_positions")
    if table is None:
        table = catalog.__dict__["_magnet_positions"] = {t.name: i for i, t in enumerate(catalog.tools)}
    return table


def _request_problem(text: str, requests: Sequence[str], ident_names: "NameFinder | None") -> str | None:
    if not text or not text.strip():
        return "requests: empty user request"
    hit = ident_names.search(text) if ident_names is not None else None
    if hit is not None:
        return f"requests: the request names the tool {hit.group(0)!r}; describe the need instead"
    if text in requests:
        return "requests: the request repeats an earlier one; ask for something new"
    return None


def _call_id(calls: SeedPrefix, h: int, k: int) -> str:
    """The id of call ``k`` of turn ``h``, from ``derive_seed(seed, "call", h, k)``."""
    return "call_" + format(calls.derive(h, k) & 0xFFFFFFFFFFFF, "012x")


def _assistant_calls(calls: Sequence[Call]) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": orjson.dumps(c.arguments).decode()},
            }
            for c in calls
        ],
    }


def _tool_message(c: Call) -> dict[str, Any]:
    return {
        "role": "tool",
        "tool_call_id": c.id,
        "name": c.name,
        "content": _json_text(c.output).decode(),  # orjson.dumps(output, option=OPT_NON_STR_KEYS)
    }


class _Conversation:
    """Mutable state of one translation; kept out of the backends' reach."""

    def __init__(self, catalog: Catalog, toolkits: list[str], seed: int, state_seed: int | None,
                 state_cache: dict[str, bytes] | None):
        self.catalog = catalog
        self.toolkits = toolkits
        self.seed = seed
        # derive_seed(seed, "turn", h) and derive_seed(seed, "call", h, k), the prefixes hashed once
        self.turn_seeds, self.call_seeds = SeedPrefix(seed, "turn"), SeedPrefix(seed, "call")
        self.env = Environment(catalog, toolkits, seed=seed, state_seed=state_seed, state_cache=state_cache)
        self.messages: list[dict[str, Any]] = []
        self.prior: list[tuple[int, Call]] = []
        self.requests: list[str] = []

    def rollback(self) -> None:
        """Rebuild the environment and replay the calls kept so far (after a failed batch);
        their outputs are already recorded, so none is copied again (``run_raw``)."""
        env = self.env.restart()
        run = env.run_raw
        for _, c in self.prior:
            run(c.name, c.arguments)
        self.env = env


class _Later:
    """The texts of a conversation whose backend plans turns without writing them
    (``defers_text``): each user or assistant message is added empty and written, in
    conversation order, by :meth:`fill`, from one seeded random stream."""

    def __init__(self, backend: Any, seed: int, ident_names: Any, max_attempts: int):
        self.backend, self.seed, self.ident_names, self.max_attempts = backend, seed, ident_names, max_attempts
        self.jobs: list[tuple[dict[str, Any], tuple]] = []

    def add(self, conv: _Conversation, role: str, job: tuple) -> None:
        msg: dict[str, Any] = {"role": role, "content": None}
        conv.messages.append(msg)
        self.jobs.append((msg, job))

    async def fill(self, conv: _Conversation) -> None:
        backend = self.backend
        rng = _seeded(derive_seed(self.seed, "text"))  # one stream for the texts, in order
        for msg, job in self.jobs:
            what, ctx = job[0], job[1]
            if what == "respond":
                ctx.rng = rng
                msg["content"] = await _text(backend.respond(ctx, job[2]))
                continue
            if what == "follow_up":
                ctx.rng = rng
                pending = job[2]
                text = await _text(backend.follow_up(ctx, pending["kind"], pending["missing"]))
                problem = _request_problem(text, conv.requests, self.ident_names)
                if problem:
                    raise TranslationError.from_problem(problem, "requests")
            else:  # a user request: written again (new words) while it breaks a request rule
                problem = None
                for _ in range(self.max_attempts):  # each try draws new words from the stream
                    text = backend.say(ctx.catalog, job[2], rng=rng)
                    problem = _request_problem(text, conv.requests, self.ident_names)
                    if problem is None:
                        break
                if problem is not None:
                    raise TranslationError.from_problem(problem)
            msg["content"] = text
            conv.requests.append(text)


async def translate_path(
    path: Path,
    *,
    catalog: Catalog,
    graph: Any,
    backend: Backend,
    seed: int,
    slot: int = 0,
    catalog_ids: Sequence[str] = (),
    max_attempts: int = 3,
    verify: bool = True,
    state_seed: int | None = None,
    state_cache: dict[str, bytes] | None = None,
) -> dict[str, Any]:
    """Translate ``path`` into one verified record (see docs/record.md).

    The initial states are generated from ``state_seed`` (default ``seed``); the run passes
    the slot's seed and one ``state_cache`` per slot, so a slot's attempts share their states
    (see :class:`~magnet_graph.execute.Environment`).

    Raises :class:`TranslationError` with a drop reason when the path cannot be translated
    within ``max_attempts`` per turn, or the finished record fails verification.
    """
    funcs = path.functions()
    if not funcs:
        raise TranslationError("empty_path")
    for f in funcs:
        if f not in catalog:
            raise TranslationError("unknown_function", f)
    toolkits = list(dict.fromkeys(catalog.tool(f).toolkit for f in funcs))
    conv = _Conversation(catalog, toolkits, seed, state_seed, state_cache)  # replay rebuilds the environment from the record seed
    base_names = _offered_names(catalog, funcs, seed=seed)
    base_tools = list(map(catalog.by_name.__getitem__, base_names))  # offered_tools
    base_offered = frozenset(base_names)
    # the pattern verify uses: every identifier-like tool name of the catalog (one per catalog)
    if len(catalog) <= 2000:
        ident_names = catalog_name_finder(catalog)
    else:
        ident_names = NameFinder(tuple(sorted(base_names)))
    turns_out: list[dict[str, Any]] = []
    pending: dict[str, Any] | None = None  # (kind, request, missing) of the miss turn before this one
    # a backend that plans without writing (the offline one) has its texts written once every
    # turn has succeeded: an attempt that fails on a call costs no phrasing
    later = _Later(backend, seed, ident_names, max_attempts) if getattr(backend, "defers_text", False) else None

    for h, turn in enumerate(path.turns):
        start = len(conv.messages)
        if turn.is_miss:
            if h + 1 >= len(path.turns) or not path.turns[h + 1].funcs:
                raise TranslationError("bad_path", f"miss turn {h} is not followed by a turn with functions")
            kind = "miss_func" if "miss_func" in turn.tags else "miss_param"
            target = path.turns[h + 1].funcs
            withheld = target[0] if kind == "miss_func" else None
            if withheld is None:  # (nothing is withheld: copies)
                tools, names = list(base_tools), list(base_names)
            else:
                kept = [i for i, n in enumerate(base_names) if n != withheld]
                tools, names = [base_tools[i] for i in kept], [base_names[i] for i in kept]
            ctx = _context(conv, catalog, graph, path, h, kind, target, tools)
            if later is not None:
                request = backend.plan_turn(ctx)
            else:
                request = await _back(backend, ctx, conv, ident_names, max_attempts)
            missing = {"function": withheld} if kind == "miss_func" else request.missing
            if not missing or "function" not in missing:
                raise TranslationError("miss_param_impossible", "the backend gave no missing value")
            ctx.extra["missing"] = missing
            if later is not None:
                later.add(conv, "user", ("request", ctx, request))
                later.add(conv, "assistant", ("respond", ctx, kind))
            else:
                conv.messages.append({"role": "user", "content": request.text})
                conv.requests.append(request.text)
                reply = await _text(backend.respond(ctx, kind))
                conv.messages.append({"role": "assistant", "content": reply})
            pending = {"kind": kind, "request": request, "missing": missing}
            turns_out.append(
                _turn_json(h, kind, turn, names, [], missing, start, len(conv.messages))
            )
            continue

        tools = base_tools
        ctx = _context(conv, catalog, graph, path, h, "normal", turn.funcs, tools)
        if pending is not None:
            ctx.after_miss = pending["missing"]
            ctx.extra["missing"] = pending["missing"]
            if later is None:
                user_text = await _text(backend.follow_up(ctx, pending["kind"], pending["missing"]))
                problem = _request_problem(user_text, conv.requests, ident_names)
                if problem:
                    raise TranslationError.from_problem(problem, "requests")
            request = pending["request"]
        else:
            request = None
        replan = request is None and getattr(backend, "replan_on_failure", False)
        problem = ""
        for attempt in range(max_attempts):
            if attempt:
                ctx.feedback = problem
                ctx.rng = _seeded(derive_seed(seed, "retry", h, attempt))
            if request is None or (attempt and replan):
                if later is not None:
                    request = backend.plan_turn(ctx)
                else:
                    request = await _back(backend, ctx, conv, ident_names, max_attempts)
            calls, batches, problem = await _forth_once(backend, ctx, request, conv, turn.funcs, h, base_offered)
            if not problem:
                break
            # some calls of this turn changed the state: undo them (a failing call does not),
            # unless this was the last attempt (the path is given up: nothing runs after it)
            if calls and attempt + 1 < max_attempts:
                conv.rollback()
                ctx.env = conv.env  # the retry is planned on the rolled-back state, not the failed one
        else:
            raise TranslationError.from_problem(problem, "forth_failed")
        ctx.feedback = ctx.failed_tool = None
        if later is not None:
            job = ("request", ctx, request) if pending is None else ("follow_up", ctx, pending)
            later.add(conv, "user", job)
        else:
            if pending is None:
                user_text = request.text
            conv.messages.append({"role": "user", "content": user_text})
            conv.requests.append(user_text)
        pending = None
        for batch in batches:
            conv.messages.append(_assistant_calls(batch))
            conv.messages += [_tool_message(c) for c in batch]
        ctx.turn_calls = calls
        if later is not None:
            later.add(conv, "assistant", ("respond", ctx, "summary"))
        else:
            conv.messages.append({"role": "assistant", "content": await _text(backend.respond(ctx, "summary"))})
        conv.prior += [(h, c) for c in calls]
        turns_out.append(_turn_json(h, "normal", turn, list(base_names), calls, None, start, len(conv.messages)))

    if later is not None:
        await later.fill(conv)
    end_state, end_texts = conv.env.snapshot_texts()
    record = {
        "schema_version": 1,
        "seed": seed,
        "slot": slot,
        "catalogs": list(catalog_ids),
        "toolkits": toolkits,
        "initial_state": conv.env.initial_state,
        "end_state": end_state,
        "tools": _record_tools(catalog, tuple(base_names)),
        "path": path.to_json(),
        "turns": turns_out,
        "messages": conv.messages,
        "provenance": {
            "backend": backend.name,
            "model": backend.model,
            "prompt_version": PROMPT_VERSION,
            "magnet_version": __version__,
            "llm_calls": 0,
            "tokens": 0,
            "cost_usd": 0.0,
        },
        "verification": {"passed": True, "checks": list(CHECKS), "failures": []},
    }
    if verify:
        # before the id is set: the id check is skipped. The states were just parsed from
        # these texts and nothing has changed them since.
        texts = StateTexts(conv.env.initial_texts, end_texts)
        failures = verify_record(record, catalog, texts=texts)
        if failures:
            raise TranslationError.from_problem(failures[0], "verification")
    rid = content_id(record, tools_json=record["tools"].canonical)
    # the id after schema_version (record's own schema_version, the same 1, keeps the first place)
    return {"schema_version": 1, "id": rid, **record}


CHECKS = ("calls", "schema", "execution", "grounding", "requests", "replay")


def _tool_jsons(catalog: Catalog) -> dict[str, tuple[dict[str, Any], bytes, bytes]]:
    """Each tool's record entry, its canonical JSON and its JSON as written (keys in entry
    order), made once per catalog (records share the entries: they are never changed)."""
    table = catalog.__dict__.get("_magnet_tool_json")
    if table is None:
        table = catalog.__dict__["_magnet_tool_json"] = {
            t.name: (entry := _tool_json(t), canonical_json(entry), orjson.dumps(entry)) for t in catalog.tools
        }
    return table


class _ToolList(list):
    """A record's ``tools``: the entries, with their JSON kept for the id (``canonical``)
    and for the written line (:func:`record_line`), so neither serializes the tools again."""

    __slots__ = ("canonical", "written")

    def __init__(self, entries: Iterable[dict[str, Any]], canonical: bytes, written: bytes):
        super().__init__(entries)
        self.canonical = canonical
        self.written = written


_TOOL_SETS = 128  # tool sets whose record entries and bytes a catalog keeps (records repeat them)


def _record_tools(catalog: Catalog, names: tuple[str, ...]) -> _ToolList:
    """A new record ``tools`` list of the tools ``names``. Its entries and bytes are made once
    per tool set (kept on the catalog, at most :data:`_TOOL_SETS` sets at a time)."""
    kept = catalog.__dict__.get("_magnet_tool_sets")
    if kept is None:
        kept = catalog.__dict__["_magnet_tool_sets"] = {}
    found = kept.get(names)
    if found is None:
        table = _tool_jsons(catalog)
        rows = [table[n] for n in names]
        found = (
            tuple(row[0] for row in rows),
            b"[" + b",".join(row[1] for row in rows) + b"]",
            b"[" + b",".join(row[2] for row in rows) + b"]",
        )
        if len(kept) >= _TOOL_SETS:
            kept.clear()
        kept[names] = found
    return _ToolList(*found)


def record_line(record: dict[str, Any]) -> bytes:
    """The JSON line of a record (what ``orjson.dumps(record) + b"\n"`` gives); the tools of
    a record made here are spliced in from their kept bytes."""
    tools = record.get("tools")
    if type(tools) is _ToolList:
        record = {**record, "tools": orjson.Fragment(tools.written)}
    return orjson.dumps(record) + b"\n"


def _tool_json(t: Tool) -> dict[str, Any]:
    return {
        "name": t.name,
        "description": t.description,
        "parameters": t.parameters,
        "returns": t.returns,
        "toolkit": t.toolkit,
    }


def _turn_json(h, kind, turn, names, calls, missing, start, end) -> dict[str, Any]:
    return {
        "index": h,
        "kind": kind,
        "tags": list(turn.tags),
        "source": turn.source,
        "tools": names,
        "calls": [c.to_json() for c in calls],
        "missing": missing,
        "messages": [start, end],
    }


def _context(conv, catalog, graph, path, h, kind, funcs, tools) -> TurnContext:
    return TurnContext(
        catalog=catalog,
        graph=graph,
        path=path,
        index=h,
        kind=kind,
        funcs=tuple(funcs),
        tools=tools,
        messages=conv.messages,
        prior_calls=conv.prior,
        turn_calls=[],
        requests=conv.requests,
        env=conv.env,
        rng=_seeded(conv.turn_seeds.derive(h)),  # derive_seed(seed, "turn", h)
    )


async def _text(awaitable) -> str:
    try:
        text = await awaitable
    except BackendError as exc:
        raise TranslationError("backend_error", str(exc)) from None
    if not isinstance(text, str) or not text.strip():
        raise TranslationError("empty_reply", "the backend returned no text")
    return text


async def _back(backend: Backend, ctx: TurnContext, conv: _Conversation, ident_names, max_attempts: int) -> Request:
    problem = None
    for attempt in range(max_attempts):
        if attempt:
            ctx.rng = random.Random(derive_seed(conv.seed, "back", ctx.index, attempt, ctx.rng.getrandbits(32)))
            ctx.feedback = problem
        try:
            request = await backend.back(ctx)
        except BackendError as exc:
            problem = f"backend_error: {exc}"
            continue
        problem = _request_problem(request.text, conv.requests, ident_names)
        if problem is None:
            ctx.feedback = None
            return request
    raise TranslationError.from_problem(problem, "back_failed") if problem else TranslationError("back_failed")


async def _forth_once(backend, ctx: TurnContext, request: Request, conv: _Conversation, funcs, h, offered):
    """Ask for calls batch by batch; validate and execute them. Returns (calls, batches, problem).
    ``offered``: the names of ``ctx.tools``."""
    want = set(funcs)
    calls: list[Call] = []
    batches: list[list[Call]] = []
    ctx.turn_calls = calls
    env = ctx.env = conv.env  # (the same environment for the whole attempt)
    problem = ""
    for _ in range(MAX_BATCHES):
        try:
            batch = await backend.forth(ctx, request)
        except BackendError as exc:
            return calls, batches, f"backend_error: {exc}"
        except TranslationError as exc:
            return calls, batches, f"{exc.reason}: {exc.detail}"
        if not batch:
            break
        for c in batch:
            if c.name not in offered:
                problem = f"calls: {c.name!r} is not an offered tool"
            elif c.name not in want:
                problem = f"calls: {c.name!r} is not needed in this turn (needed: {', '.join(funcs)})"
            else:
                errs = env.validate(c.name, c.arguments)
                if errs:
                    problem = f"schema: {c.name}: {errs[0]}"
            if problem:
                return calls, batches, problem
        for c in batch:
            try:
                res = env.execute(c.name, c.arguments)  # an Outcome, or an object with its three fields
                if not isinstance(res, tuple):
                    res = (res.output, res.error, res.simulated)
                c.output, c.error, c.simulated = res
            except ExecutionError as exc:
                c.error = str(exc)
            if c.error is not None:
                ctx.failed_tool = c.name
                return calls, batches, f"execution: {c.name} returned an error: {c.error}"
            c.id = _call_id(conv.call_seeds, h, len(calls))
            calls.append(c)
        batches.append(batch)
    names = [c.name for c in calls]
    missing = want.difference(names)
    if missing:
        return calls, batches, f"calls: turn {h} left out {', '.join(sorted(missing))}"
    if len(names) > 3 and any(names.count(n) > 3 for n in want):  # (three calls cannot break it)
        return calls, batches, f"calls: turn {h} calls one function more than 3 times"
    return calls, batches, ""
