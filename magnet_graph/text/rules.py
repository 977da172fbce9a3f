"""Attaching the text's rules to the extracted tools.

* "You must be signed in" -> a precondition on every tool but ``sign_in`` (enforced).
* "up to 2500 dollars", "at least 8 characters", "between 5 and 30 degrees", "up to 3 times",
  "up to 5 tags", "up to 10 addresses" -> a limit on a parameter's value or length, on the
  number of items of an array parameter, or on the number of records or calls (enforced
  when the parameter or tool is found).
* The order of a machine's actions ("fill the tank" before "start") -> a precondition
  (enforced): an action run too early fails with a short error.
* Other preconditions, conditionals ("if ... then ...") and prohibitions ("you cannot ...")
  are attached to the tools they mention and stated in the tool descriptions and the system
  prompt (not enforced: no tool can check them).
"""

from __future__ import annotations

import re
from typing import Iterable

from .lexicon import singular
from .model import Rule, Step, ToolSpec
from .parse import RawRule

__all__ = ["attach_rules", "mentioned_tools"]

_CURRENCY = frozenset({"dollar", "dollars", "usd", "euro", "euros", "eur", "pound", "pounds", "gbp", "$"})
_CHARS = frozenset({"character", "characters", "char", "chars", "letter", "letters"})
_NUMERIC_UNITS = {
    "degree": ("temperature",), "minute": ("time", "limit", "duration", "minutes"), "hour": ("hours", "duration"),
    "second": ("seconds",), "step": ("goal", "steps"), "year": ("age",), "percent": ("percent",),
}
_UPDATE_VERBS = frozenset({"change", "edit", "update", "set", "modify", "adjust", "enter", "rename"})
_NOT_UNITS = frozenset({"to", "in", "on", "for", "per", "a", "an", "the", "and", "or", "of", "at", "before", "after",
                        "from", "with", "by", "each", "every"})
_WORD = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return set(words) | {singular(w) for w in words}


def mentioned_tools(text: str, tools: Iterable[ToolSpec]) -> list[ToolSpec]:
    """Tools whose verb or whose entity's words appear in ``text`` (writes first)."""
    toks = _tokens(text)
    hits = []
    for t in tools:
        if t.op == "sign_in":
            continue
        verbs = {t.verb} | (_UPDATE_VERBS if t.op == "update" else set())
        ent_words = set(t.entity.split("_")) if t.entity else set()
        if verbs & toks or (ent_words and ent_words <= toks):
            hits.append(t)
    hits.sort(key=lambda t: (t.op in ("get", "list", "search"), t.name))
    return hits


def _numeric(schema: dict) -> bool:
    return schema.get("type") in ("number", "integer")


def _limit_target(r: RawRule, tools: list[ToolSpec], step_tools: list[ToolSpec]
                  ) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(scope, param, tools) of a limit; scope ``None`` when nothing can check it."""
    unit = r.unit.strip(".,").lower()
    if unit in _NOT_UNITS:
        unit = ""
    near = mentioned_tools(r.text, tools) + step_tools
    toks = _tokens(r.text)

    def params(pred) -> list[tuple[ToolSpec, str]]:
        found: dict[tuple[str, str], tuple[ToolSpec, str]] = {}
        for t in near + tools:
            for p, sch in t.parameters.get("properties", {}).items():
                if p in t.fields and pred(p, sch):
                    found.setdefault((t.name, p), (t, p))
        return list(found.values())

    if unit in _CHARS:
        hits = params(lambda p, s: s.get("type") == "string" and bool(set(p.split("_")) & toks)) \
            or params(lambda p, s: s.get("type") == "string" and "enum" not in s)
        return ("length", hits[0][1], tuple(dict.fromkeys(t.name for t, p in hits if p == hits[0][1]))) if hits \
            else (None, None, ())
    if unit in _CURRENCY or "$" in r.text:
        hits = params(lambda p, s: _numeric(s) and p.split("_")[-1] in ("amount", "price", "cost", "total", "budget"))
        return ("value", hits[0][1], tuple(dict.fromkeys(t.name for t, p in hits if p == hits[0][1]))) if hits \
            else (None, None, ())
    if unit in ("time", "times"):
        writes = [t for t in near if t.op in ("update", "create", "submit", "delete", "action")]
        return ("count", None, (writes[0].name,)) if writes else (None, None, ())
    base = singular(unit)
    if base in _NUMERIC_UNITS or not unit:
        related = _NUMERIC_UNITS.get(base, ())
        hits = params(lambda p, s: _numeric(s) and (not related or p.split("_")[-1] in related or p in related))
        if not hits and not unit:
            return None, None, ()
        return ("value", hits[0][1], tuple(dict.fromkeys(t.name for t, p in hits if p == hits[0][1]))) if hits \
            else (None, None, ())
    if r.direction == "min":
        return None, None, ()
    arrays = params(lambda p, s: s.get("type") == "array" and (singular(p.split("_")[-1]) == base
                                                                or base == "person" and "email" in p))
    if arrays:
        t, p = arrays[0]
        return "count", p, (t.name,)
    creates = [t for t in tools if t.op == "create" and (t.entity == base or t.entity.endswith("_" + base))]
    if creates:
        return "count", None, (creates[0].name,)
    creates = [t for t in near if t.op == "create"]
    if creates:
        return "count", None, (creates[0].name,)
    return None, None, ()


def attach_rules(raw: list[RawRule], tools: tuple[ToolSpec, ...], steps: tuple[Step, ...]) -> tuple[Rule, ...]:
    """Turn the rules found in the text into :class:`Rule` objects attached to tools."""
    by_name = {t.name: t for t in tools}
    by_step = {s.index: [by_name[n] for n in s.tools if n in by_name] for s in steps}
    tool_list = list(tools)
    out: list[Rule] = []
    seen: set[tuple] = set()

    def add(rule: Rule) -> None:
        key = (rule.kind, rule.text, rule.bound, rule.direction, rule.requires)
        if key not in seen:
            seen.add(key)
            out.append(rule)

    for r in raw:
        rid = f"r{len(out) + 1}"
        step_tools = by_step.get(r.step, []) if r.step is not None else []
        if r.kind == "precondition" and r.unit == "signed_in" and "sign_in" in by_name:
            add(Rule(rid, "precondition", r.text, tuple(t.name for t in tools if t.op not in ("sign_in", "help")),
                     requires="sign_in", enforced=True))
        elif r.kind == "limit":
            scope, param, names = _limit_target(r, tool_list, step_tools)
            add(Rule(rid, "limit", r.text, names, bound=r.bound, direction=r.direction, scope=scope,  # type: ignore[arg-type]
                     param=param, unit=r.unit, enforced=scope is not None and bool(names)))
        else:
            names = tuple(t.name for t in (mentioned_tools(r.text, tool_list) or step_tools))
            add(Rule(rid, r.kind, r.text, names))  # type: ignore[arg-type]
    signer = next((t for t in tools if t.op == "sign_in"), None)
    if signer is not None and not any(r.requires == signer.name for r in out):
        first = min(signer.steps) if signer.steps else 0
        later = tuple(t.name for t in tools if t.op not in ("sign_in", "help") and (not t.steps or min(t.steps) > first))
        if later:
            out.append(Rule(f"r{len(out) + 1}", "precondition", "Sign in first: the later steps need a signed-in "
                            "session.", later, requires=signer.name, enforced=True))
    out.extend(_order_rules(tools, steps, start=len(out)))
    return tuple(out)


def _order_rules(tools: tuple[ToolSpec, ...], steps: tuple[Step, ...], *, start: int) -> list[Rule]:
    """A machine's actions run in the text's order: each action requires the one before it."""
    by_name = {t.name: t for t in tools}
    out: list[Rule] = []
    prev: tuple[str, Step] | None = None
    for s in steps:
        for name in s.tools:
            t = by_name.get(name)
            if t is None or t.op != "action" or s.optional:
                continue
            if prev is not None and prev[0] != name and not s.parallel:
                text = f"Do step {prev[1].index + 1} ({prev[1].text.rstrip('.')}) before step {s.index + 1} " \
                       f"({s.text.rstrip('.')})."
                out.append(Rule(f"r{start + len(out) + 1}", "precondition", text, (name,), requires=prev[0],
                                enforced=True))
            prev = (name, s)
    return out
