"""What the simulated user and the offline assistant say.

Values are written with :func:`~magnet_graph.translate.values.format_value`, so the
verifier finds every argument value in the user's words again; assistant summaries state
output values as ``the <field> is <value>``, which the contradiction check (R3) reads back.
"""

from __future__ import annotations

import random
import re
from typing import Any, Mapping, Sequence

from ..translate.values import format_value, humanize_param, join_words
from .model import Rule, ToolSpec, Workflow
from .schemas import plural_key

__all__ = ["task_phrase", "values_text", "tool_phrase", "summarize", "decline", "limitation_text",
           "CAPABILITIES", "record_ref", "clarify_question"]

# Things users ask for that tools rarely do: (verb, request, short name)
CAPABILITIES = (
    ("print", "print a paper copy of it and mail it to me", "print and mail paper copies"),
    ("call", "call me on the phone to talk it through", "make phone calls"),
    ("fax", "fax the details to my office", "send faxes"),
    ("translate", "translate everything into Japanese", "translate text"),
    ("visit", "send a technician to my home", "arrange home visits"),
    ("refund", "refund last year's subscription fee", "issue refunds"),
)
_OPENERS = ("Hi!", "Hello.", "Hey there.", "Good morning.", "")
_THANKS = ("Thanks!", "Thank you.", "Great, thanks.", "Perfect.")


def task_phrase(workflow: Workflow) -> str:
    """``"How to change your email address in the Lumo app"`` -> ``change my email address in the Lumo app``."""
    from .filter import gerund_to_verb

    title = workflow.title.strip().rstrip(".") or workflow.task.replace("_", " ")
    words = title.split()
    if len(words) > 2 and words[0].lower() == "how" and words[1].lower() == "to":
        words = words[2:]
    if words:
        first = gerund_to_verb(words[0])
        words[0] = first if first != words[0].lower() else words[0][:1].lower() + words[0][1:]
    text = " ".join(words)
    return re.sub(r"\byour\b", "my", text)


def values_text(values: Mapping[str, Any], schemas: Mapping[str, Any], rng: random.Random) -> str:
    """``the email address is x@y.com and the amount is 250`` (order kept)."""
    parts = []
    for k, v in values.items():
        shown = "on" if v is True else "off" if v is False else format_value(v, schemas.get(k), name=k)
        label = humanize_param(k[:-8] if k.endswith("_enabled") else k)
        parts.append(rng.choice((f"the {label} is {shown}", f"{label}: {shown}", f"the {label} should be {shown}"))
                     if not isinstance(v, bool) else f"{label} should be {shown}")
    return join_words(parts)


def record_ref(entity: str, label: str) -> str:
    """How a user names a record: ``the 'Weekend playlist'``, ``the payee Grace Khan``."""
    noun = humanize_param(entity)
    if label.lower().endswith(noun.lower()):
        return f"the '{label}'"
    return f"the {noun} '{label}'"


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def tool_phrase(spec: ToolSpec) -> str:
    """``send a transfer``, ``update the account``, ``cancel the reservation``."""
    ent = humanize_param(spec.entity)
    if spec.op == "create":
        return f"{spec.verb} a new {ent}" if spec.verb in ("create", "add") else f"{spec.verb} {_a(ent)}"
    if spec.op == "update":
        return f"update the {ent}"
    if spec.op == "action":
        return spec.name.replace("_", " ")
    if spec.op in ("get", "list", "search"):
        return f"look up the {ent}"
    return f"{spec.verb} the {ent}"


def clarify_question(param: str, spec: ToolSpec, rng: random.Random) -> str:
    if param.endswith("_enabled"):
        return f"Sure. Should {humanize_param(param[:-8])} be on or off?"
    label = humanize_param(param)
    options = spec.parameters["properties"].get(param, {}).get("enum")
    tail = f" The options are {join_words([str(o) for o in options], last=' or ')}." if options else ""
    return rng.choice((f"Sure, I can help with that. What {label} would you like to use?",
                       f"Happy to help. Which {label} should I use?",
                       f"I can do that, but I need the {label} first. What should it be?")) + tail


def _fields_sentence(output: Mapping[str, Any], keys: Sequence[str], limit: int = 4) -> str:
    parts = []
    for k in keys[:limit]:
        v = output.get(k)
        if v is None or isinstance(v, (dict, list)):
            continue
        shown = "on" if v is True else "off" if v is False else format_value(v, None, name=k)
        parts.append(f"the {humanize_param(k)} is {shown}")
    return join_words(parts, sep="; ", last="; ")


def summarize(calls: Sequence[tuple[ToolSpec, dict[str, Any], Any]], workflow: Workflow) -> str:
    """A truthful summary of a turn's successful calls (newest fact last)."""
    lines: list[str] = []
    writes = [c for c in calls if c[0].op not in ("get", "list", "search", "help")]
    last_status: dict[str, int] = {}  # record id -> index of the last call that set its status
    for i, (spec, args, out) in enumerate(calls):
        if isinstance(out, dict) and spec.op in ("create", "delete", "submit"):
            for k, v in out.items():
                if k.endswith("_id") and isinstance(v, str):
                    last_status[v] = i
    for i, (spec, args, out) in enumerate(calls):
        if not isinstance(out, dict):
            continue
        if spec.op in ("create", "delete", "submit") and any(
                k.endswith("_id") and isinstance(v, str) and last_status.get(v, i) != i for k, v in out.items()):
            continue
        ent = humanize_param(spec.entity) if spec.entity else ""
        e = next((x for x in workflow.entities if x.name == spec.entity), None)
        rid = out.get(e.id_field) if e is not None and e.id_field else None
        if spec.op == "sign_in":
            lines.append(f"You're signed in as {out.get('username')}.")
        elif spec.op == "get":
            keys = [k for k in out if k not in ("status",) and (e is None or k != e.id_field)]
            facts = _fields_sentence(out, keys + ["status"])
            head = f"The {ent} {rid}" if rid else f"Your {ent}"
            lines.append(f"{head}: {facts}." if facts else f"{head} has no details to show.")
        elif spec.op in ("list", "search"):
            if writes and spec.op in ("list", "search"):
                continue
            items = out.get("results") if spec.op == "search" else out.get(plural_key(spec.entity))
            items = items if isinstance(items, list) else []
            if not items:
                lines.append(f"I found no matching {ent} records.")
                continue
            label = e.label_field if e is not None else ""
            shown = [f"{it.get(label)} ({it.get(e.id_field)})" if e and label else str(it.get(e.id_field) if e else it)
                     for it in items[:5]]
            lines.append(f"I found {len(items)} {ent} record{'s' if len(items) != 1 else ''}: {join_words(shown)}.")
        elif spec.op == "create":
            facts = _fields_sentence(out, list(spec.fields))
            lines.append(f"Done: the {ent} {rid} is {out.get('status')}" + (f"; {facts}." if facts else "."))
        elif spec.op == "update":
            facts = _fields_sentence(out, list(spec.fields))
            target = f"the {ent} {rid}" if rid else f"your {ent}"
            lines.append(f"I've updated {target}" + (f": {facts}." if facts else "."))
        elif spec.op in ("delete", "submit"):
            lines.append(f"Done: the {ent} {rid} is {out.get('status')}.")
        elif spec.op == "export":
            lines.append(f"The file {out.get('file_name')} is ready.")
        elif spec.op == "action":
            facts = _fields_sentence(out, list(spec.fields))
            lines.append(f"Done: {spec.name.replace('_', ' ')} is {out.get('status')}" + (f"; {facts}." if facts else "."))
        elif spec.op == "help":
            lines.append(f"Here is the help article: {out.get('article')}")
    return " ".join(dict.fromkeys(lines)) or "That's all done."


def decline(rule: Rule) -> str:
    """The assistant's refusal of a request the rules forbid."""
    text = rule.text.strip().rstrip(".")
    return f"I'm sorry, I can't do that. The rules say: \"{text}.\" I won't go ahead with it, but I can help within that limit."


def limitation_text(capability: str, tools: Sequence[ToolSpec]) -> str:
    """The statement of a missing capability, and what the assistant can do instead."""
    can = [tool_phrase(t) for t in tools if t.op not in ("sign_in", "help")][:3]
    alt = f" I can {join_words(can, last=' or ')} for you instead." if can else ""
    return f"I'm sorry, I'm not able to {capability}: none of my tools supports that.{alt}"


def opener(rng: random.Random) -> str:
    o = rng.choice(_OPENERS)
    return o + " " if o else ""


def thanks(rng: random.Random) -> str:
    return rng.choice(_THANKS)


__all__ += ["opener", "thanks"]
