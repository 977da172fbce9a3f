"""Stage 4, complexity refinement (GEM: 30 -> 46 messages, 5 -> 8.6 tools, 7.8 -> 16.3 calls).

:func:`refine_plan` rewrites a conversation plan: the system message gains the database
schema and a list of pitfalls; the companion tools (help articles, support tickets, extra
search and list tools: :func:`companion_tools`) are offered beside the procedure's own;
a long-context distractor turn and a multi-constraint turn are added; writes are checked
with a read afterwards; a near-duplicate record and a user who corrects a value mid-sentence
are pitfalls to get right; and calls go one per assistant message.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from ..translate.values import format_value, humanize_param
from .model import Entity, ToolSpec, Workflow
from .schemas import describe, plural_key, returns_schema
from .speech import opener, record_ref, summarize, task_phrase, values_text

if TYPE_CHECKING:  # pragma: no cover
    from .ground import Intent, Style, _Ctx

__all__ = ["refine_plan", "companion_tools", "system_message", "add_decoys", "distractor_turn",
           "multi_constraint_turn"]

_FILLERS = (
    "My sister is visiting next week and we are planning a day trip to the coast.",
    "I spent most of the morning sorting 14 boxes of old books in the garage.",
    "Our team meeting moved to the afternoon, which gave me time for a long walk.",
    "The neighbours finally finished their kitchen renovation after 6 weeks of noise.",
    "I have been trying to drink more water, and the new bottle I bought holds 750 ml.",
    "Last night we watched a documentary about lighthouses on the Scottish coast.",
    "My phone battery has been draining fast since the weekend, so I keep a charger nearby.",
    "We adopted a cat called Pepper in March and she already rules the house.",
)
_SUPPORT = "support_ticket"


def companion_tools(workflow: Workflow, *, taken: set[str]) -> tuple[list[ToolSpec], list[Entity]]:
    """Extra, executable tools of the same service (the refinement's distractor tools)."""
    from .extract import _unique

    prod = workflow.product or workflow.task
    out: list[ToolSpec] = []
    entities: list[Entity] = []

    def add(name: str, op: str, entity: str, params: dict[str, Any], required: list[str], ent: Entity | None,
            fields: tuple[str, ...] = (), verb: str = "") -> None:
        unique = _unique(name, prod, taken)
        taken.add(unique)
        schema = {"type": "object", "properties": params, "required": required, "additionalProperties": False}
        spec = ToolSpec(unique, op, entity, "", schema, returns_schema(op, ent, fields, verb=verb or op), verb or op,
                        fields, (), (), True)
        out.append(ToolSpec(spec.name, op, entity, describe(spec, ent), schema, spec.returns, spec.verb, fields, (),
                            (), True))

    add("get_help_article", "help", "", {"topic": {"type": "string", "minLength": 1,
                                                   "description": "What the user needs help with."}}, ["topic"], None)
    ticket = Entity(_SUPPORT, "collection", {"subject": {"type": "string", "description": "The ticket subject."},
                                             "message": {"type": "string", "description": "What went wrong."},
                                             "status": {"type": "string"}}, f"{_SUPPORT}_id", "subject", "TKT")
    entities.append(ticket)
    add("contact_support", "create", _SUPPORT, {k: v for k, v in ticket.fields.items() if k != "status"},
        ["subject", "message"], ticket, ("subject", "message"), "open")
    for e in workflow.entities:
        if e.kind != "collection":
            continue
        ops = {t.op for t in workflow.tools if t.entity == e.name and "query" in t.parameters.get("properties", {})}
        if "search" not in ops:
            add(f"search_{plural_key(e.name)}", "search", e.name,
                {"query": {"type": "string", "minLength": 1,
                           "description": f"Words to look for in the {humanize_param(plural_key(e.name))}."}},
                ["query"], e, (), "search")
        if not any(t.op == "list" and t.entity == e.name for t in workflow.tools):
            add(f"list_{plural_key(e.name)}", "list", e.name, {}, [], e, (), "list")
    return out, entities


def system_message(workflow: Workflow, *, schema: bool) -> str:
    """The system message: the service, the task, the text's rules and the behaviour rules;
    with ``schema``, the database schema and the pitfalls too."""
    who = workflow.product or "the service"
    lines = [f"You are the assistant of {who} ({workflow.domain}). You help the user {task_phrase(workflow)}.",
             "Rules:"]
    texts = [r.text.strip() for r in workflow.rules if r.kind != "precondition" or r.requires is None
             or workflow.tool(r.requires).op == "sign_in"]
    lines += [f"- {t}" for t in dict.fromkeys(texts)]
    lines += ["- Never invent IDs or values: look them up with the tools or ask the user.",
              "- Confirm before anything that cannot be undone.",
              "- If no tool can do what is asked, say so."]
    if schema:
        lines.append("Database schema:")
        for e in workflow.entities:
            cols = ", ".join(f"{k} {v.get('type', 'string')}" for k, v in e.fields.items())
            head = f"{e.name} (table, key {e.id_field})" if e.kind == "collection" else f"{e.name} (one record)"
            lines.append(f"- {head}: {cols}")
        lines += ["Pitfalls:",
                  "- Several records can have similar names: act only on the exact one the user names.",
                  "- A user may remember an ID wrongly: look it up by name when an ID does not work.",
                  "- A user may correct a value in the same message: use the corrected value.",
                  "- Ignore details in a message that have nothing to do with the request."]
    return "\n".join(lines)


def add_decoys(workflow: Workflow, state: dict[str, Any], rng: random.Random) -> None:
    """Pitfall: a near-duplicate, archived record next to one record of each collection."""
    for e in workflow.entities:
        rows = state["tables"].get(e.name)
        if e.kind != "collection" or not rows or not e.label_field:
            continue
        rid, row = sorted(rows.items())[rng.randrange(len(rows))]
        n = state["next_id"].get(e.name, 1000)
        state["next_id"][e.name] = n + 1
        rows[f"{e.prefix}-{n}"] = dict(row) | {e.label_field: f"{row.get(e.label_field)} (old)", "status": "archived"}


def refine_plan(intents: list["Intent"], workflow: Workflow, rng: random.Random) -> tuple[list["Intent"], "Style"]:
    """The refined plan and the style that goes with it (see the module docstring)."""
    from .ground import Intent, Style

    out = list(intents)
    goal_at = next((i for i, x in enumerate(out) if x.kind == "goal"), 0)
    out.insert(goal_at + 1, Intent("multi_constraint"))
    pos = goal_at + 2 + rng.randrange(max(1, len(out) - goal_at - 1))  # after the goal: the user is signed in
    out.insert(min(pos, len(out)), Intent("distractor"))
    style = Style(schema_in_system=True, split_calls=True, extra_tools=True, verify_writes=True,
                  correction=rng.random() < 0.6, decoy=True, refined=True)
    return out, style


def distractor_turn(ctx: "_Ctx", intent: "Intent") -> None:
    """A long message full of irrelevant details around one simple read request."""
    wf, conv, rng = ctx.wf, ctx.conv, ctx.rng
    reads = [t for t in wf.tools if t.op in ("list", "get") and not t.required and t.entity != _SUPPORT]
    if not reads:
        reads = [t for t in wf.tools if t.op == "help"]
    spec = reads[rng.randrange(len(reads))]
    filler = " ".join(rng.sample(_FILLERS, 3))
    if spec.op == "help":
        args: dict[str, Any] = {"topic": task_phrase(wf)}
        ask = f"Anyway, is there a help article about how to {task_phrase(wf)}?"
    else:
        args = {}
        noun = humanize_param(plural_key(spec.entity) if spec.op == "list" else spec.entity)
        ask = f"Anyway, the reason I'm writing: could you show me my {noun}?"
    conv.begin(tags=["distractor"])
    conv.user(f"{opener(rng)}{filler} {ask}")
    conv.call(spec.name, args)
    conv.say(summarize(ctx.successes(), wf))


def multi_constraint_turn(ctx: "_Ctx", intent: "Intent") -> None:
    """Several requests with a condition in one message; one call per assistant message."""
    wf, conv, rng = ctx.wf, ctx.conv, ctx.rng
    focus = ctx.focus
    counter = next((t for t in wf.tools if t.op == "list"), None)
    parts: list[str] = []
    plan: list[tuple[str, dict[str, Any]]] = []
    cond: tuple[str, str, str] | None = None  # (field, expected, pretty)
    then: tuple[ToolSpec, dict[str, Any]] | None = None
    if focus is not None:
        ent, rid, label = focus
        e = next(x for x in wf.entities if x.name == ent)
        getter = next((t for t in wf.tools if t.op == "get" and t.entity == ent), None)
        writes = [t for t in wf.tools if t.entity == ent and t.op in ("update", "submit") and e.id_field in t.required]
        if getter is not None and e.kind == "collection":
            plan.append((getter.name, {e.id_field: rid}))
            status = ctx.state["tables"][ent].get(rid, {}).get("status", "active")
            expected = status if rng.random() < 0.7 or not writes else "archived"
            cond = ("status", expected, f"its status is {expected}")
            parts.append(f"Please check {record_ref(ent, label)} again.")
            if writes:
                w = writes[rng.randrange(len(writes))]
                from .ground import _values

                vals = _values(wf, w, rng, None)
                then = (w, {e.id_field: rid} | vals)
                what = f"{w.verb} it" if w.op == "submit" else "update it"
                extra = f" with {values_text(vals, w.parameters['properties'], rng)}" if vals else ""
                parts.append(f"If {cond[2]}, {what}{extra}; otherwise leave it alone.")
    if not plan:
        single = next((t for t in wf.tools if t.op == "get" and not t.required and not t.extra), None)
        upd = next((t for t in wf.tools if single and t.op == "update" and t.entity == single.entity), None)
        if single is not None:
            plan.append((single.name, {}))
            parts.append(f"Please check my {humanize_param(single.entity)}.")
            row = ctx.state["tables"].get(single.entity, {})
            if upd is not None:
                from .ground import _values

                vals = _values(wf, upd, rng, row)
                keys = [k for k in vals if k in row and not isinstance(row[k], (dict, list))]
                if keys:
                    k = keys[0]
                    cond = (k, row[k], f"the {humanize_param(k)} is {format_value(row[k], None, name=k)}")
                    then = (upd, {k: vals[k]})
                    parts.append(f"If {cond[2]}, change it to {format_value(vals[k], upd.parameters['properties'][k], name=k)}.")
    helper = next((t for t in wf.tools if t.op == "help"), None)
    if counter is not None:
        parts.append(f"Also, how many {humanize_param(plural_key(counter.entity))} do I have?")
    elif helper is not None:
        parts.append(f"Also, is there a help article about how to {task_phrase(wf)}?")
    conv.begin(tags=["multi_constraint"])
    conv.user(" ".join(parts) if parts else f"Can you remind me how to {task_phrase(wf)}?")
    notes: list[str] = []
    for name, args in plan:
        out = conv.call(name, args)
        if cond is not None and then is not None and isinstance(out.output, dict):
            actual = out.output.get(cond[0])
            if actual == cond[1]:
                conv.call(then[0].name, then[1])
            else:
                shown = format_value(actual, None, name=cond[0]) if actual is not None else "not set"
                notes.append(f"The {humanize_param(cond[0])} is {shown}, so I left it unchanged.")
    if counter is not None:
        out = conv.call(counter.name, {})
        if isinstance(out.output, dict):
            n = out.output.get("count")
            notes.append(f"You have {n} {humanize_param(plural_key(counter.entity))} in total.")
    elif helper is not None:
        conv.call(helper.name, {"topic": task_phrase(wf)})
    if not conv.turn_calls():
        conv.say(f"To {task_phrase(wf)}, follow the steps of the procedure one at a time.")
        return
    conv.say(" ".join([summarize(ctx.successes(), wf)] + notes))
