"""Stage 3, trajectory grounding: a multi-turn conversation over the extracted tools.

A conversation is planned as a list of :class:`Intent` (what each turn is for) and rendered
by :func:`render` against the workflow's seeded database. The offline assistant follows
GEM's behaviour rules: it signs in before it acts, finds ids with the read tools instead of
inventing them, asks for a missing value, confirms before an irreversible delete, declines
what the rules forbid and says so when no tool can do what is asked. Every call is really
executed, so later reads see earlier writes.

:func:`plan` picks the turns: a goal (the procedure's main write, with multi-hop lookups and
one error-recovery path when the workflow allows one: not signed in, a step done out of
order, or a stale id from the user), a clarification before it, a follow-up read, a rule
conflict and a limitation question. Refinement (:mod:`.refine`) adds turns and switches on
the :class:`Style` flags.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from ..translate.values import format_value, humanize_param
from .convo import Conversation
from .model import Rule, ToolSpec, Workflow
from .schemas import plural_key
from .speech import (
    CAPABILITIES,
    clarify_question,
    decline,
    limitation_text,
    opener,
    record_ref,
    summarize,
    task_phrase,
    thanks,
    values_text,
)
from .toolkit import _value

__all__ = ["Intent", "Style", "plan", "render", "goal_tool"]


@dataclass(frozen=True)
class Intent:
    """One planned turn (or two, for a clarification). ``kind``: ``goal``, ``lookup``,
    ``rule_conflict``, ``limitation``, ``distractor``, ``multi_constraint``."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Style:
    """Rendering switches; complexity refinement turns them on."""

    schema_in_system: bool = False
    split_calls: bool = False
    extra_tools: bool = False
    verify_writes: bool = False
    correction: bool = False
    decoy: bool = False
    refined: bool = False


def goal_tool(workflow: Workflow) -> ToolSpec | None:
    """The procedure's main write: the last core write tool in step order."""
    writes = [t for t in workflow.tools if not t.extra and t.op in ("create", "update", "delete", "submit", "action",
                                                                    "export")]
    if not writes:
        return None
    return max(writes, key=lambda t: (bool(_user_fields(t)) or t.op != "action", max(t.steps) if t.steps else -1,
                                      t.op != "export"))


def _entity(workflow: Workflow, name: str):
    return next((e for e in workflow.entities if e.name == name), None)


def _prereqs(workflow: Workflow, tool: str, done: set[str]) -> list[str]:
    """Enforced non-sign-in preconditions of ``tool`` not yet done, in the order to run them."""
    out: list[str] = []

    def visit(name: str, depth: int) -> None:
        for r in workflow.rules:
            if r.enforced and r.kind == "precondition" and name in r.tools and r.requires and depth < 8:
                req = workflow.tool(r.requires)
                if req.op == "sign_in" or r.requires in done or r.requires in out:
                    continue
                visit(r.requires, depth + 1)
                out.append(r.requires)

    visit(tool, 0)
    return out


def _user_fields(spec: ToolSpec) -> list[str]:
    return [f for f in spec.fields if f in spec.parameters.get("properties", {})]


def _limit_ok(workflow: Workflow, spec: ToolSpec, name: str, value: Any) -> Any:
    """``value`` moved inside the enforced limits on ``spec``'s parameter ``name``; an enum
    parameter gets one of its options that keeps them."""
    options = spec.parameters.get("properties", {}).get(name, {}).get("enum")
    if options:
        ok = [o for o in options if _clamp(workflow, spec, name, o) == o]
        return value if value in ok or not ok else ok[0]
    return _clamp(workflow, spec, name, value)


def _clamp(workflow: Workflow, spec: ToolSpec, name: str, value: Any) -> Any:
    for r in workflow.rules:
        if not (r.enforced and r.kind == "limit" and r.param == name and spec.name in r.tools and r.bound is not None):
            continue
        if r.scope == "value" and isinstance(value, (int, float)) and not isinstance(value, bool):
            if r.direction == "max" and value > r.bound:
                value = type(value)(r.bound * 0.4) if isinstance(value, int) else round(r.bound * 0.4, 2)
            if r.direction == "min" and value < r.bound:
                value = type(value)(r.bound) if isinstance(value, int) else float(r.bound)
        if r.scope == "length" and isinstance(value, str):
            if r.direction == "max" and len(value) > r.bound:
                value = value[: int(r.bound)].rstrip()
            if r.direction == "min" and len(value) < r.bound:
                value = (value + "-" + "x7" * int(r.bound))[: int(r.bound) + 2]
        if r.scope == "count" and isinstance(value, list) and len(value) > r.bound:
            value = value[: max(1, int(r.bound))]
    return value


def _values(workflow: Workflow, spec: ToolSpec, rng: random.Random, current: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    props = spec.parameters.get("properties", {})
    out: dict[str, Any] = {}
    for f in _user_fields(spec):
        optional = f not in spec.required and (spec.op != "update" or props[f].get("type") == "boolean")
        if optional and rng.random() < 0.5:
            continue
        for _ in range(4):
            v = _limit_ok(workflow, spec, f, _value(f, props[f], rng))
            if current is None or current.get(f) != v:
                break
        out[f] = v
    return out


def _revertible(spec: ToolSpec) -> list[str]:
    props = spec.parameters.get("properties", {})
    return [f for f in _user_fields(spec) if props[f].get("type") in ("string", "integer", "number")]


def plan(workflow: Workflow, rng: random.Random) -> list[Intent]:
    """The unrefined turns of one conversation (see the module docstring)."""
    goal = goal_tool(workflow)
    if goal is None:
        return []
    intents = [Intent("goal", {"tool": goal.name, "clarify": True, "error": True})]
    e = _entity(workflow, goal.entity)
    if goal.op == "update" and e is not None and e.kind == "singleton" and _revertible(goal) and any(
            t.op == "get" and t.entity == goal.entity for t in workflow.tools):
        intents.append(Intent("revert", {"tool": goal.name}))
    if any(t.op in ("get", "list") for t in workflow.tools):
        intents.append(Intent("lookup"))
    tail = []
    if _conflict_rule(workflow) is not None:
        tail.append(Intent("rule_conflict"))
    tail.append(Intent("limitation"))
    rng.shuffle(tail)
    if rng.random() < 0.3:  # sometimes the user starts with the impossible request
        return [tail[-1]] + intents + tail[:-1]
    return intents + tail


# ------------------------------------------------------------------------------------------
# rendering
# ------------------------------------------------------------------------------------------
class _Ctx:
    def __init__(self, workflow: Workflow, conv: Conversation, rng: random.Random, style: Style):
        self.wf = workflow
        self.conv = conv
        self.rng = rng
        self.style = style
        self.told_credentials = False
        self.focus: tuple[str, str, str] | None = None  # (entity, id, label) the user talks about
        self.before: dict[str, Any] = {}  # a singleton's values read before the goal changed them

    @property
    def state(self) -> dict[str, Any]:
        """A copy of the database now."""
        return self.conv.env.snapshot()[self.wf.task]

    def done(self) -> set[str]:
        return set(self.state.get("done", []))

    def signed_in(self) -> bool:
        return bool(self.state.get("session", {}).get("signed_in"))

    def sign_in_tool(self) -> ToolSpec | None:
        return next((t for t in self.wf.tools if t.op == "sign_in"), None)

    def run(self, batch: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        if self.style.split_calls or len(batch) == 1:
            return [self.conv.call(n, a) for n, a in batch]
        return self.conv.calls(batch)

    def successes(self) -> list[tuple[ToolSpec, dict[str, Any], Any]]:
        out = []
        for c in self.conv.turn_calls():
            if not (isinstance(c["output"], dict) and "error" in c["output"]):
                out.append((self.wf.tool(c["name"]), c["arguments"], c["output"]))
        return out


def _credentials_text(ctx: _Ctx) -> str:
    acc = ctx.state.get("account", {})
    ctx.told_credentials = True
    return f"My username is {acc.get('username')} and my password is '{acc.get('password')}'."


def _find(ctx: _Ctx, entity: str, rid: str, label: str) -> str | None:
    """Look the record up with a search or list tool; returns the id found (multi-hop)."""
    wf = ctx.wf
    e = _entity(wf, entity)
    search = next((t for t in wf.tools if t.op == "search" and t.entity == entity
                   and "query" in t.parameters.get("properties", {}) and (ctx.style.extra_tools or not t.extra)), None)
    lister = next((t for t in wf.tools if t.op == "list" and t.entity == entity
                   and (ctx.style.extra_tools or not t.extra)), None)
    if search is not None:
        word = label.split()[0]
        out = ctx.run([(search.name, {"query": word})])[0].output
        items = out.get("results", []) if isinstance(out, dict) else []
    elif lister is not None:
        out = ctx.run([(lister.name, {})])[0].output
        items = out.get(plural_key(entity), []) if isinstance(out, dict) else []
    else:
        return None
    for it in items:
        if e is not None and it.get(e.label_field) == label:
            return it.get(e.id_field)
    return None


def _pick_record(ctx: _Ctx, entity: str) -> tuple[str, str] | None:
    e = _entity(ctx.wf, entity)
    rows = ctx.state["tables"].get(entity, {})
    live = [(rid, r) for rid, r in rows.items() if "(old)" not in str(r.get(e.label_field, ""))] if e else []
    if not live or e is None:
        return None
    rid, row = live[ctx.rng.randrange(len(live))]
    return rid, str(row.get(e.label_field))


def _goal(ctx: _Ctx, intent: Intent) -> None:
    wf, rng, conv = ctx.wf, ctx.rng, ctx.conv
    spec = wf.tool(intent.data["tool"])
    e = _entity(wf, spec.entity)
    needs_id = e is not None and e.kind == "collection" and e.id_field in spec.required
    target = _pick_record(ctx, spec.entity) if needs_id else None
    if needs_id and target is None:
        needs_id = False
    current = ctx.state["tables"].get(spec.entity) if e is not None and e.kind == "singleton" else None
    values = _values(wf, spec, rng, current)
    if not values and _user_fields(spec):  # the goal always changes something the user names
        f = _user_fields(spec)[0]
        values = {f: _value(f, spec.parameters["properties"][f], rng)}
    pre = _prereqs(wf, spec.name, ctx.done())
    pre_values = {p: _values(wf, wf.tool(p), rng) for p in pre}
    need_sign_in = wf.signed_in and not ctx.signed_in() and ctx.sign_in_tool() is not None
    modes = []
    if intent.data.get("error"):
        if need_sign_in and _sign_in_probe(wf, spec, target) is not None:
            modes.append("sign_in")
        if pre:
            modes.append("order")
        if needs_id and any(t.op == "get" and t.entity == spec.entity for t in wf.tools):
            modes.append("stale_id")
    mode = rng.choice(modes) if modes else None
    missing = None
    if intent.data.get("clarify"):
        options = [f for f in values if not isinstance(values[f], bool)] or list(values)
        if options:
            missing = rng.choice(options)
    # the user's words
    parts = [opener(rng) + f"I'd like to {task_phrase(wf)}."]
    if needs_id and target is not None:
        parts.append(f"It's about {record_ref(spec.entity, target[1])}.")
        if mode == "stale_id":
            wrong = f"{e.prefix}-{int(target[0].split('-')[-1]) + 4000}"
            parts.append(f"I think its ID is {wrong}, but I'm not sure.")
    stated = {k: v for k, v in values.items() if k != missing}
    for p in pre:
        stated.update(pre_values[p])
    schemas = spec.parameters.get("properties", {})
    conv_tags: list[str] = []
    corrected = _correction(ctx, stated, schemas) if ctx.style.correction else None
    if corrected is not None:  # pitfall: the user fixes a value in the same message
        parts.append(corrected[1])
        stated = {k: v for k, v in stated.items() if k != corrected[0]}
        conv_tags.append("pitfall")
    if stated:
        all_schemas = dict(schemas)
        for p in pre:
            all_schemas.update(wf.tool(p).parameters.get("properties", {}))
        sentence = values_text(stated, all_schemas, rng)
        parts.append(sentence[:1].upper() + sentence[1:] + ".")
    if need_sign_in:
        parts.append(_credentials_text(ctx))
    if missing is not None:
        conv.begin(tags=["miss_param", "clarification"], kind="miss_param",
                   missing={"function": spec.name, "parameter": missing, "value": values[missing]})
        conv.user(" ".join(parts))
        conv.say(clarify_question(missing, spec, rng))
        conv.begin(tags=conv_tags)
        if isinstance(values[missing], bool):
            conv.user(f"Please turn it {'on' if values[missing] else 'off'}.")
        else:
            conv.user(f"The {humanize_param(missing)} is "
                      f"{format_value(values[missing], schemas.get(missing), name=missing)}.")
    else:
        conv.begin(tags=conv_tags)
        conv.user(" ".join(parts))
    _execute_goal(ctx, spec, values, pre, pre_values, target, mode)


def _correction(ctx: _Ctx, stated: dict[str, Any], schemas: dict[str, Any]) -> tuple[str, str] | None:
    """``(field, sentence)``: the user first says a wrong value for ``field``, then the right one."""
    key = next((k for k, v in stated.items() if isinstance(v, str) and k in schemas and "enum" not in schemas[k]),
               None)
    if key is None:
        return None
    wrong = _value(key, schemas[key], ctx.rng)
    if wrong == stated[key]:
        return None
    return key, (f"Set the {humanize_param(key)} to {format_value(wrong, schemas[key], name=key)}, sorry, no: "
                 f"use {format_value(stated[key], schemas[key], name=key)} instead.")


def _needs_sign_in(wf: Workflow, name: str) -> bool:
    return any(r.enforced and r.kind == "precondition" and r.requires and name in r.tools
               and wf.tool(r.requires).op == "sign_in" for r in wf.rules)


def _sign_in_probe(wf: Workflow, spec: ToolSpec, target: tuple[str, str] | None) -> ToolSpec | None:
    """The tool the assistant tries before signing in (it must fail on the sign-in rule)."""
    if target is None and _needs_sign_in(wf, spec.name):
        return spec
    return next((t for t in wf.tools if t.op in ("list", "get") and not t.required and not t.extra
                 and _needs_sign_in(wf, t.name)), None)


def _execute_goal(ctx: _Ctx, spec: ToolSpec, values: dict[str, Any], pre: list[str],
                  pre_values: dict[str, dict[str, Any]], target: tuple[str, str] | None, mode: str | None) -> None:
    wf, conv = ctx.wf, ctx.conv
    e = _entity(wf, spec.entity)
    notes: list[str] = []
    signer = ctx.sign_in_tool()
    acc = ctx.state.get("account", {})
    creds = {"username": acc.get("username"), "password": acc.get("password")}
    if signer is not None and wf.signed_in and not ctx.signed_in():
        probe = _sign_in_probe(wf, spec, target) if mode == "sign_in" else None
        if probe is not None:  # act first, fail on the sign-in rule, sign in, try again
            first = (probe.name, dict(values) if probe is spec else {})
            out = conv.call(*first)
            notes.append(f"My first try failed ({out.error}), so I signed you in and tried again.")
            conv.tag("error_recovery")
            conv.call(signer.name, creds)
            if probe is spec:
                _finish_goal(ctx, spec, conv.call(spec.name, dict(values)), notes)
                return
            conv.call(*first)
        else:
            conv.call(signer.name, creds)
    args = dict(values)
    if target is not None and e is not None:
        rid, label = target
        if mode == "stale_id":
            getter = next(t for t in wf.tools if t.op == "get" and t.entity == spec.entity)
            wrong = f"{e.prefix}-{int(rid.split('-')[-1]) + 4000}"
            out = conv.call(getter.name, {e.id_field: wrong})
            if out.error is not None:
                conv.tag("error_recovery")
                notes.append(f"The ID you gave did not work ({out.error}), so I looked it up by name.")
        found = _find(ctx, spec.entity, rid, label)
        if found is None:
            found = rid if mode != "stale_id" else None
        if found is None:
            conv.say(f"I couldn't find {record_ref(spec.entity, label)}.")
            return
        args[e.id_field] = found
        ctx.focus = (spec.entity, found, label)
        conv.tag("multi_hop")
        if spec.op == "delete" and not ctx.style.refined or spec.op == "delete" and ctx.rng.random() < 0.7:
            conv.say(f"I found {record_ref(spec.entity, label)} ({found}). This cannot be undone: shall I "
                     f"{spec.verb} it?")
            conv.begin(tags=["confirmation"])
            conv.user("Yes, please go ahead.")
    if spec.op == "update" and e is not None and e.kind == "singleton":
        getter = next((t for t in wf.tools if t.op == "get" and t.entity == spec.entity and not t.required), None)
        if getter is not None:  # look at the current values first (and remember them)
            seen = conv.call(getter.name, {})
            if isinstance(seen.output, dict) and seen.error is None:
                ctx.before = dict(seen.output)
    if pre and mode == "order":
        out = conv.call(spec.name, args)
        if out.error is not None:
            conv.tag("error_recovery")
            notes.append(f"It could not run yet ({out.error}), so I did the earlier steps first.")
    for p in pre:
        conv.call(p, pre_values.get(p, {}))
    result = conv.call(spec.name, args)
    _finish_goal(ctx, spec, result, notes)


def _finish_goal(ctx: _Ctx, spec: ToolSpec, result: Any, notes: list[str]) -> None:
    conv = ctx.conv
    e = _entity(ctx.wf, spec.entity)
    if spec.op == "delete":
        ctx.focus = None
    if spec.op != "delete" and result.error is None and isinstance(result.output, dict) and e is not None and e.id_field:
        rid = result.output.get(e.id_field)
        if isinstance(rid, str):
            row = ctx.state["tables"].get(e.name, {}).get(rid, {})
            ctx.focus = (e.name, rid, str(row.get(e.label_field, rid)))
    if ctx.style.verify_writes and result.error is None and spec.op != "delete":
        getter = next((t for t in ctx.wf.tools if t.op == "get" and t.entity == spec.entity), None)
        if getter is not None:
            args = {e.id_field: ctx.focus[1]} if e is not None and e.kind == "collection" and ctx.focus else {}
            if not getter.required or args:
                conv.call(getter.name, args)
                conv.tag("verification")
    if result.error is not None:
        conv.say(f"I'm sorry, that did not work: {result.error}.")
        return
    conv.say(" ".join(notes + [summarize(ctx.successes(), ctx.wf)]))


def _revert(ctx: _Ctx, intent: Intent) -> None:
    """The user changes their mind: the old value comes from the read before the change."""
    wf, conv, rng = ctx.wf, ctx.conv, ctx.rng
    spec = wf.tool(intent.data["tool"])
    now = ctx.state["tables"].get(spec.entity, {})
    fields = [f for f in _revertible(spec) if f in ctx.before and ctx.before.get(f) != now.get(f)
              and _limit_ok(wf, spec, f, ctx.before[f]) == ctx.before[f]]
    if not fields:
        return
    f = fields[rng.randrange(len(fields))]
    conv.begin()
    conv.user(rng.choice((f"Hmm, on second thought, please put the {humanize_param(f)} back to what it was before.",
                          f"Actually, I changed my mind about the {humanize_param(f)}: can you restore the old one?")))
    conv.call(spec.name, {f: ctx.before[f]})
    conv.tag("multi_hop")
    conv.say(summarize(ctx.successes(), wf))


def _lookup(ctx: _Ctx, intent: Intent) -> None:
    wf, conv, rng = ctx.wf, ctx.conv, ctx.rng
    conv.begin()
    if ctx.focus is not None:
        ent, rid, label = ctx.focus
        getter = next((t for t in wf.tools if t.op == "get" and t.entity == ent), None)
        e = _entity(wf, ent)
        if getter is not None and e is not None and e.kind == "collection":
            conv.user(rng.choice((f"{thanks(rng)} Can you show me the details of that {humanize_param(ent)} now?",
                                  f"Could you pull up the {humanize_param(ent)} you just worked on?")))
            conv.call(getter.name, {e.id_field: rid})
            conv.tag("multi_hop")
            conv.say(summarize(ctx.successes(), wf))
            return
    reads = [t for t in wf.tools if t.op in ("get", "list") and not t.required and not t.extra]
    if not reads:
        conv.user("Thanks, that's all for now.")
        conv.say("You're welcome!")
        return
    picked = reads[: 2] if len(reads) > 1 and rng.random() < 0.6 else reads[:1]
    names = [humanize_param(t.entity if t.op == "get" else plural_key(t.entity)) for t in picked]
    conv.user(f"{thanks(rng)} What does my {' and my '.join(names)} look like now?")
    ctx.run([(t.name, {}) for t in picked])
    conv.say(summarize(ctx.successes(), wf))


def _conflict_rule(workflow: Workflow) -> Rule | None:
    for kind in ("limit", "prohibition", "precondition"):
        for r in workflow.rules:
            if r.kind != kind:
                continue
            if kind == "limit" and (r.direction != "max" or r.scope not in ("value", "count")):
                continue
            if kind == "precondition" and r.requires is not None:
                continue
            return r
    return None


def _rule_conflict(ctx: _Ctx, intent: Intent) -> None:
    import re

    rule = _conflict_rule(ctx.wf)
    conv = ctx.conv
    assert rule is not None
    conv.begin(tags=["rule_conflict"])
    text = rule.text.strip().rstrip(".")
    if rule.kind == "limit" and rule.scope == "value" and rule.param and rule.bound is not None:
        over = rule.bound * 2 if rule.bound >= 1 else rule.bound + 1
        shown = format_value(int(over) if float(over).is_integer() else over)
        spec = next((t for t in ctx.wf.tools if t.name in rule.tools), None)
        what = f" for the next {humanize_param(spec.entity)}" if spec is not None else ""
        conv.user(f"Can you set the {humanize_param(rule.param)} to {shown}{what}?")
    else:
        m = re.match(r"^(?:you|users?)\s+(?:can|may)\s+(.*?)\s+(?:up to|at most|no more than)\s+(\d[\d,]*)\s*(.*)$",
                     text, re.I)
        n = re.match(r"^(?:you|users?)\s+(?:cannot|can't|can not|may not|must not|are not allowed to)\s+(.*)$",
                     text, re.I)
        if m:
            more = int(m.group(2).replace(",", "")) + 1
            conv.user(f"Could you {m.group(1)} {more} {m.group(3)} for me?".replace("your", "my"))
        elif n:
            conv.user(f"Could you {n.group(1)} for me?".replace("your", "my"))
        else:
            conv.user(f"I know the rules say \"{text}\", but could you make an exception for me this time?")
    conv.say(decline(rule))


def _limitation(ctx: _Ctx, intent: Intent) -> None:
    conv, wf = ctx.conv, ctx.wf
    words = {w for t in wf.tools for w in t.name.split("_")} | {t.verb for t in wf.tools}
    options = [c for c in CAPABILITIES if c[0] not in words]
    verb, request, short = options[ctx.rng.randrange(len(options))] if options else CAPABILITIES[0]
    conv.begin(tags=["limitation"])
    conv.user(f"{opener(ctx.rng)}Could you also {request}?")
    core = [t for t in wf.tools if not t.extra and t.op in ("create", "update", "submit", "delete", "action")]
    conv.say(limitation_text(short, core or list(wf.tools)))


def render(workflow: Workflow, conv: Conversation, intents: list[Intent], *, rng: random.Random,
           style: Style, system: str) -> None:
    """Play ``intents`` into ``conv`` (see the module docstring)."""
    conv.system(system)
    ctx = _Ctx(workflow, conv, rng, style)
    from . import refine

    handlers = {"goal": _goal, "revert": _revert, "lookup": _lookup, "rule_conflict": _rule_conflict, "limitation": _limitation,
                "distractor": refine.distractor_turn, "multi_constraint": refine.multi_constraint_turn}
    for intent in intents:
        handlers[intent.kind](ctx, intent)

