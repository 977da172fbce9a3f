"""Offline negatives: the verified conversation, perturbed at one turn into each error type.

Every builder takes a :class:`Site` context (one verified record, its catalog, a seeded rng)
and returns a :class:`Negative` (the rejected trajectory: the record up to and including the
perturbed turn) or a skip reason (a short code, counted by the caller). Calls that change are
re-executed from the record's ``initial_state`` (the earlier turns replayed first), so every
tool output on the rejected side is real; later calls of the same turn that used an output
that changed take the new output's value at the same place.

The text that ends a rejected turn is the chosen text with exactly the changed values
replaced (:func:`derive_summary`): the same opener and connectors, a left-out call's sentence
dropped, a failing call's sentence replaced by its failure; so a pair differs in the error,
not in filler, and the rejected text is true of the rejected outputs (only ``wrong_summary``
states a false value, on purpose). A text that cannot be derived (a question, a call where
the chosen side declines) is generated with an rng seeded from the chosen text.

The five error types (METHOD.md A5):

1. ``nested_call_missed``: a call whose output feeds a later call of the same turn is left
   out, and the value it would have given is invented.
2. ``same_turn_output_misused``: a value taken from a same-turn output is replaced by another
   value of that output (a wrong field or another entry).
3. ``long_dependency_missed``: a value taken from an earlier turn's output is asked for again
   or invented.
4. ``wrong_summary``: the calls are right but the turn-ending text states a wrong value.
5. ``call_vs_ask``: the nearest tool is called when the function is missing (``miss_func``),
   a missing parameter is invented (``miss_param``), or a value the user gave is asked for.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Callable, Mapping

import orjson

from ..errors import MagnetError
from ..execute import Environment, content_id, output_error, validate_arguments
from ..seeding import derive_seed
from ..simulate import simulate_output
from ..translate import phrases
from ..translate import vocab as W
from ..translate.values import format_number
from ..types import Catalog, Tool
from .trace import Origin, Sources, arg_origins, find_bounded, get_at, invent, leaves, schema_at, set_at

__all__ = ["ERROR_TYPES", "Negative", "Site", "BUILDERS", "build_negative", "derive_summary", "retarget"]

#: The five error types, in the paper's order (``--types 1,2,3,4,5`` picks them by number).
ERROR_TYPES = (
    "nested_call_missed",
    "same_turn_output_misused",
    "long_dependency_missed",
    "wrong_summary",
    "call_vs_ask",
)


@dataclass
class Negative:
    """A rejected trajectory: ``record`` holds the turns up to and including ``turn``."""

    error_type: str
    turn: int
    record: dict[str, Any]
    detail: str


@dataclass
class Step:
    """One call to make: from the positive's call ``orig`` (``None``: a new call), with the
    argument leaves in ``pinned`` set by the perturbation (never re-mapped)."""

    name: str
    arguments: dict[str, Any]
    orig: int | None = None
    pinned: set = field(default_factory=set)


class Site:
    """One record being perturbed: its catalog, a seeded rng and cached look-ups."""

    def __init__(self, record: dict[str, Any], catalog: Catalog, rng: random.Random, error_type: str):
        self.record = record
        self.catalog = catalog
        self.rng = rng
        self.error_type = error_type
        self.params = {t["name"]: t.get("parameters") or {} for t in record["tools"]}
        self._sources: Sources | None = None
        self._origins: dict[int, list[Origin]] = {}

    @property
    def sources(self) -> Sources:
        if self._sources is None:
            self._sources = Sources(self.record)
        return self._sources

    def origins(self, t: int) -> list[Origin]:
        if t not in self._origins:
            self._origins[t] = arg_origins(self.record, t, self.params)
        return self._origins[t]

    def turns(self, kind: str = "normal") -> list[int]:
        return [t["index"] for t in self.record["turns"] if t.get("kind", "normal") == kind and (kind != "normal" or t.get("calls"))]

    def valid(self, name: str, args: dict[str, Any], path: tuple, value: Any) -> bool:
        try:
            return not validate_arguments(self.catalog, name, set_at(args, path, value))
        except MagnetError:
            return False

    def invent_for(self, name: str, args: dict[str, Any], path: tuple, value: Any) -> Any:
        schema = schema_at(self.params.get(name, {}), path)
        return invent(value, rng=self.rng, schema=schema, known=self.sources,
                      valid=lambda v: self.valid(name, args, path, v))

    def env_at(self, t: int) -> Environment:
        """The environment with every call of the turns before ``t`` replayed."""
        rec = self.record
        env = Environment(self.catalog, rec["toolkits"], seed=rec["seed"], initial_state=rec["initial_state"])
        for turn in rec["turns"][:t]:
            for call in turn.get("calls", []):
                env.execute(call["name"], call["arguments"])
        return env


# ----------------------------------------------------------------------------------------
# Executing a perturbed turn and assembling the rejected record
# ----------------------------------------------------------------------------------------


def _execute(site: Site, t: int, steps: list[Step], *, origin_turn: int | None = None) -> list[dict[str, Any]]:
    """Run ``steps`` at turn ``t``; re-map same-turn values whose source output changed.

    Stops after a call whose output is an error (the assistant would report it, not go on).
    """
    src_turn = t if origin_turn is None else origin_turn
    positive = site.record["turns"][src_turn].get("calls", [])
    by_call: dict[int, list[Origin]] = {}
    for o in site.origins(src_turn):
        by_call.setdefault(o.call, []).append(o)
    env = site.env_at(t)
    new_outputs: dict[int, Any] = {}
    calls: list[dict[str, Any]] = []
    for step in steps:
        args = step.arguments
        for o in by_call.get(step.orig, []) if step.orig is not None else ():
            if o.kind != "same_turn" or o.path in step.pinned or o.source is None:
                continue
            _, k, opath = o.source
            if k in new_outputs and new_outputs[k] != positive[k].get("output"):
                try:
                    args = set_at(args, o.path, get_at(new_outputs[k], opath))
                except KeyError:
                    pass
        result = env.execute(step.name, args)
        cid = "call_" + format(derive_seed(site.record["seed"], "negative", site.error_type, t, len(calls)) & 0xFFFFFFFFFFFF, "012x")
        call = {"id": cid, "name": step.name, "arguments": args, "output": result.output}
        if result.simulated:
            call["simulated"] = True
        calls.append(call)
        if step.orig is not None:
            new_outputs[step.orig] = result.output
        if output_error(result.output) is not None:
            break
    return calls


def _tool(site: Site, name: str) -> Tool:
    return site.catalog.tool(name)


def _chosen_text(site: Site, t: int) -> str:
    """The text that ends turn ``t`` of the verified conversation (``""`` when none)."""
    end = site.record["turns"][t]["messages"][1]
    last = site.record["messages"][end - 1]
    content = last.get("content")
    return content if last["role"] == "assistant" and not last.get("tool_calls") and isinstance(content, str) else ""


def _text_rng(site: Site, t: int, purpose: str) -> random.Random:
    """The rng of a text that cannot be derived from the chosen text: seeded from that text,
    so the same chosen text always gets the same template choices."""
    return random.Random(derive_seed(site.record["seed"], "rejected-text", purpose, _chosen_text(site, t)))


def _reply(site: Site, t: int, calls: list[dict[str, Any]], origs: list[int | None], *, tail: str = "") -> str:
    """The rejected side's text after ``calls`` (then ``tail``, e.g. a question).

    ``origs[i]`` is the index of the chosen call that rejected call ``i`` stands for (``None``:
    a call the chosen side does not make). Derived from the chosen text of turn ``t`` (see
    :func:`derive_summary`) so the filler is the chosen's; generated only when it cannot be.
    """
    chosen_calls = site.record["turns"][t].get("calls", [])
    chosen_items = [(_tool(site, c["name"]), c["arguments"], c.get("output")) for c in chosen_calls]
    items = [(_tool(site, c["name"]), c["arguments"], c["output"]) for c in calls]
    text = derive_summary(_chosen_text(site, t), chosen_items, items, origs,
                          seed=derive_seed(site.record["seed"], "rejected-text", t)) if calls else ""
    return f"{text} {tail}" if text and tail else (text or tail)


def _call_messages(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in calls:
        out.append({
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": c["id"], "type": "function",
                            "function": {"name": c["name"], "arguments": orjson.dumps(c["arguments"]).decode()}}],
        })
        out.append({"role": "tool", "tool_call_id": c["id"], "name": c["name"],
                    "content": orjson.dumps(c["output"], option=orjson.OPT_NON_STR_KEYS).decode()})
    return out


def user_end(record: Mapping[str, Any], t: int) -> int:
    """Index of the first message of turn ``t`` after its user message(s)."""
    start, end = record["turns"][t]["messages"]
    i = start
    while i < end and record["messages"][i]["role"] == "user":
        i += 1
    return i


def assemble(record: Mapping[str, Any], t: int, calls: list[dict[str, Any]], action: list[dict[str, Any]],
             end_state: dict[str, Any]) -> dict[str, Any]:
    """The record of turns ``0..t`` whose turn ``t`` makes ``calls`` with messages ``action``."""
    cut = user_end(record, t)
    messages = record["messages"][:cut] + action
    turn = dict(record["turns"][t])
    turn["calls"] = calls
    turn["messages"] = [turn["messages"][0], len(messages)]
    out = {k: v for k, v in record.items() if k not in ("id",)}
    out.update(
        turns=list(record["turns"][:t]) + [turn],
        path=list(record["path"][: t + 1]),
        messages=messages,
        end_state=end_state,
        verification={"passed": False, "checks": [], "failures": []},
    )
    out = {"schema_version": out.pop("schema_version", 1), "id": "", **out}
    out["id"] = content_id(out)
    return out


def _finish(site: Site, t: int, calls: list[dict[str, Any]], detail: str, *, origs: list[int | None],
            tail: str = "") -> Negative:
    """Execute nothing more; write the turn's messages (the calls, then :func:`_reply`) and
    snapshot the state."""
    action = _call_messages(calls)
    action.append({"role": "assistant", "content": _reply(site, t, calls, origs, tail=tail)})
    env = site.env_at(t)
    for c in calls:
        env.execute(c["name"], c["arguments"])
    return Negative(site.error_type, t, assemble(site.record, t, calls, action, env.snapshot()), detail)


def _steps(site: Site, t: int) -> list[Step]:
    return [Step(c["name"], c["arguments"], k) for k, c in enumerate(site.record["turns"][t]["calls"])]


# ----------------------------------------------------------------------------------------
# The five builders
# ----------------------------------------------------------------------------------------


def nested_call_missed(site: Site) -> Negative | str:
    """Leave out a call whose output feeds a later call of its turn; invent that value."""
    sites = sorted({(t, o.source[1]) for t in site.turns() for o in site.origins(t) if o.kind == "same_turn" and o.source})
    if not sites:
        return "no_nested_call"
    t, provider = site.rng.choice(sites)
    fed = [o for o in site.origins(t) if o.kind == "same_turn" and o.source and o.source[1] == provider]
    steps = [s for s in _steps(site, t) if s.orig != provider]
    invented = []
    for step in steps:
        for o in fed:
            if o.call == step.orig:
                new = site.invent_for(step.name, step.arguments, o.path, o.value)
                step.arguments = set_at(step.arguments, o.path, new)
                step.pinned.add(o.path)
                invented.append(f"{step.name}.{_dotted(o.path)}={new!r}")
    left_out = site.record["turns"][t]["calls"][provider]["name"]
    calls = _execute(site, t, steps)
    return _finish(site, t, calls, f"left out {left_out}; invented {', '.join(invented)}", origs=[s.orig for s in steps])


def same_turn_output_misused(site: Site) -> Negative | str:
    """Take another value of a same-turn output than the one the call needs."""
    found = [(t, o) for t in site.turns() for o in site.origins(t) if o.kind == "same_turn" and o.source]
    if not found:
        return "no_same_turn_dependency"
    site.rng.shuffle(found)
    for t, o in found:
        step = _steps(site, t)[o.call]
        output = site.record["turns"][t]["calls"][o.source[1]].get("output")
        others = {repr(v): (p, v) for p, v in leaves(output) if _same_kind(v, o.value) and v != o.value}
        if not others:
            continue
        valid = [pv for pv in others.values() if site.valid(step.name, step.arguments, o.path, pv[1])]
        pool = valid or list(others.values())
        near = _words_of(o.path) | _words_of(o.source[2])
        best = max(len(_words_of(p) & near) for p, _ in pool)
        value = site.rng.choice([v for p, v in pool if len(_words_of(p) & near) == best])
        steps = _steps(site, t)
        steps[o.call].arguments = set_at(step.arguments, o.path, value)
        steps[o.call].pinned.add(o.path)
        calls = _execute(site, t, steps)
        return _finish(site, t, calls, f"{step.name}.{_dotted(o.path)}={value!r} instead of {o.value!r}",
                       origs=[s.orig for s in steps])
    return "no_alternative_value"


def long_dependency_missed(site: Site) -> Negative | str:
    """Ask again for, or invent, a value that an earlier turn's output gave."""
    found = [(t, o) for t in site.turns() for o in site.origins(t) if o.kind == "history" and o.source]
    if not found:
        return "no_long_dependency"
    far = [(t, o) for t, o in found if t - o.source[0] >= 2 or "insert_long" in site.record["turns"][t].get("tags", [])]
    t, o = site.rng.choice(far or found)
    steps = _steps(site, t)
    step = steps[o.call]
    param = next((p for p in o.path if isinstance(p, str)), None)
    ask = param is not None and site.rng.random() < 0.5
    calls = _execute(site, t, steps[: o.call]) if ask and o.call else []
    if ask and not (calls and output_error(calls[-1]["output"]) is not None):
        text = phrases.ask_parameter_text(_tool(site, step.name), param, rng=_text_rng(site, t, "ask"))
        return _finish(site, t, calls, f"asked for {step.name}.{param} (given in turn {o.source[0]})",
                       origs=list(range(len(calls))), tail=text)
    new = site.invent_for(step.name, step.arguments, o.path, o.value)
    step.arguments = set_at(step.arguments, o.path, new)
    step.pinned.add(o.path)
    calls = _execute(site, t, steps)
    return _finish(site, t, calls, f"invented {step.name}.{_dotted(o.path)}={new!r} instead of {o.value!r} from turn {o.source[0]}",
                   origs=[s.orig for s in steps])


def wrong_summary(site: Site) -> Negative | str:
    """Keep the calls; state a wrong value in the text that ends the turn."""
    rec = site.record
    options: list[tuple[int, int, str, Any]] = []
    for t in site.turns():
        start, end = rec["turns"][t]["messages"]
        text = rec["messages"][end - 1].get("content")
        if not isinstance(text, str) or rec["messages"][end - 1].get("tool_calls"):
            continue
        for call in rec["turns"][t]["calls"]:
            for _, v in leaves(call.get("output")):
                shown = _shown(v)
                if shown is None:
                    continue
                pos = _stated_at(text, shown)
                if pos != -1:
                    options.append((t, pos, shown, v))
    if not options:
        return "no_value_in_summary"
    t, pos, shown, value = site.rng.choice(sorted(set(options), key=repr))
    new = invent(value, rng=site.rng, known=site.sources)
    new_text = _shown(new)
    if new_text is None or new_text == shown:
        return "no_value_in_summary"
    start, end = rec["turns"][t]["messages"]
    old = rec["messages"][end - 1]["content"]
    text = old[:pos] + new_text + old[pos + len(shown):]
    action = [dict(m) for m in rec["messages"][user_end(rec, t): end - 1]] + [{"role": "assistant", "content": text}]
    env = site.env_at(t + 1)
    calls = [dict(c) for c in rec["turns"][t]["calls"]]
    neg = assemble(rec, t, calls, action, env.snapshot())
    return Negative(site.error_type, t, neg, f"states {new_text!r} instead of {shown!r}")


def call_vs_ask(site: Site) -> Negative | str:
    """Call where one should ask or decline; or ask for what the user already gave."""
    kinds: dict[str, list[Any]] = {
        "miss_func": site.turns("miss_func"),
        "miss_param": site.turns("miss_param"),
        "ask": [(t, o) for t in site.turns() for o in site.origins(t)
                if o.kind == "user" and len(o.path) == 1 and o.path[0] in _required(site, site.record["turns"][t]["calls"][o.call]["name"])],
    }
    present = [k for k, v in kinds.items() if v]
    if not present:
        return "no_call_or_ask_site"
    kind = site.rng.choice(present)
    if kind == "miss_func":
        return _call_nearest(site, site.rng.choice(kinds[kind]))
    if kind == "miss_param":
        return _invent_missing(site, site.rng.choice(kinds[kind]))
    t, o = site.rng.choice(kinds["ask"])
    steps = _steps(site, t)
    calls = _execute(site, t, steps[: o.call]) if o.call else []
    name = steps[o.call].name
    text = phrases.ask_parameter_text(_tool(site, name), o.path[0], rng=_text_rng(site, t, "ask"))
    return _finish(site, t, calls, f"asked for {name}.{o.path[0]}, which the user gave", origs=list(range(len(calls))), tail=text)


def _call_nearest(site: Site, t: int) -> Negative | str:
    rec = site.record
    withheld = rec["turns"][t]["missing"]["function"]
    offered = [n for n in rec["turns"][t]["tools"] if n != withheld and n in site.catalog]
    if not offered:
        return "no_call_or_ask_site"
    target = _tool(site, withheld)
    nearest = max(offered, key=lambda n: (_similarity(target, _tool(site, n)), n))
    tool = _tool(site, nearest)
    given = next((c["arguments"] for c in rec["turns"][t + 1]["calls"] if c["name"] == withheld), {})
    made = simulate_output(tool.parameters, seed=derive_seed(rec["seed"], "nearest", t), tool=nearest, arguments=given)
    props = tool.properties
    args = {k: v for k, v in (made if isinstance(made, dict) else {}).items() if k in props and (k in tool.required or k in given)}
    for k in tool.required:
        if k in given:
            args[k] = given[k]
    calls = _execute(site, t, [Step(nearest, args)])
    return _finish(site, t, calls, f"called {nearest} although {withheld} is not available", origs=[None])


def _invent_missing(site: Site, t: int) -> Negative | str:
    rec = site.record
    missing = rec["turns"][t]["missing"]
    func, param = missing["function"], missing.get("parameter")
    nxt = rec["turns"][t + 1]["calls"]
    k = next((i for i, c in enumerate(nxt) if c["name"] == func), None)
    if k is None or param is None or param not in nxt[k]["arguments"]:
        return "no_call_or_ask_site"
    steps = [Step(c["name"], c["arguments"], i) for i, c in enumerate(nxt[: k + 1])]
    new = site.invent_for(func, steps[k].arguments, (param,), missing.get("value", nxt[k]["arguments"][param]))
    steps[k].arguments = set_at(steps[k].arguments, (param,), new)
    steps[k].pinned.add((param,))
    calls = _execute(site, t, steps, origin_turn=t + 1)
    return _finish(site, t, calls, f"invented {func}.{param}={new!r} instead of asking", origs=[None] * len(calls))


BUILDERS: dict[str, Callable[[Site], Negative | str]] = {
    "nested_call_missed": nested_call_missed,
    "same_turn_output_misused": same_turn_output_misused,
    "long_dependency_missed": long_dependency_missed,
    "wrong_summary": wrong_summary,
    "call_vs_ask": call_vs_ask,
}


def build_negative(record: dict[str, Any], error_type: str, *, catalog: Catalog, seed: int) -> Negative | str:
    """The rejected trajectory of ``error_type`` for a verified ``record``, or a skip reason.

    Deterministic in ``seed`` and the record. Raises ``KeyError`` for an unknown type.
    """
    builder = BUILDERS[error_type]
    rng = random.Random(derive_seed(seed, "negative", record.get("id", ""), error_type))
    try:
        return builder(Site(record, catalog, rng, error_type))
    except MagnetError as exc:
        return f"cannot_execute: {exc}"


# ----------------------------------------------------------------------------------------
# Rejected texts derived from the chosen text
# ----------------------------------------------------------------------------------------

_OPENERS = tuple(sorted({o for o in W.SUMMARY_OPENERS if o}, key=len, reverse=True))
_CONNECTORS = tuple(W.NEXT)

Item = tuple[Tool, Any, Any]


def derive_summary(chosen: str, chosen_items: list[Item], items: list[Item], origs: list[int | None], *, seed: int) -> str:
    """The text ending a rejected turn that makes ``items`` (``(tool, arguments, output)``),
    written as the chosen text ``chosen`` (which summarizes ``chosen_items``) with only the
    changed values replaced.

    ``origs[i]`` is the index in ``chosen_items`` of the call that ``items[i]`` stands for
    (``None``: a call the chosen side does not make). The chosen text is split into its
    opener and one sentence per call; a call whose output or summary does not change keeps
    its sentence verbatim, a call whose values changed gets its sentence with exactly those values replaced
    (:func:`retarget`), and a left-out call loses its sentence. Only a sentence that cannot be
    edited that way (another structure: a failure, an unrelated call, a text not written by
    the summarizer) is generated, with an rng seeded from ``chosen`` and ``seed``. Every value
    stated is one of ``items``' (the text is truthful about the rejected side).
    """
    rng = random.Random(derive_seed(seed, "summary", chosen))
    parsed = _split_summary(chosen, len(chosen_items)) if chosen_items and any(o is not None for o in origs) else None
    if parsed is None:
        return phrases.summary_text(items, rng=rng)
    opener, sentences = parsed
    parts: list[str] = []
    for i, (item, orig) in enumerate(zip(items, origs)):
        k = derive_seed(seed, "render", i)
        new = _sentence(item, k)
        if orig is None:
            connector, body = rng.choice(_CONNECTORS), new
        else:
            connector, body = sentences[orig]
            if output_error(item[2]) is not None and output_error(chosen_items[orig][2]) is None:
                body = new  # a failure: another sentence altogether
            elif not _still_true(body, chosen_items[orig][2], item[2]):
                old = _sentence(chosen_items[orig], k)
                if old != new:
                    body = retarget(body, old, new) or new
        if parts:
            parts.append(f"{connector or rng.choice(_CONNECTORS)} {body}.")
        else:
            parts.append(f"{body[:1].upper()}{body[1:]}.")
    text = " ".join(parts)
    return f"{opener} {text}" if opener else text


def _still_true(body: str, old: Any, new: Any) -> bool:
    """Whether a sentence about output ``old`` is true of output ``new``: the same shape, and
    no value that changed is stated in it (a changed boolean or list length always counts)."""
    if old == new:
        return True
    before, after = dict(leaves(old)), dict(leaves(new))
    if before.keys() != after.keys():
        return False
    for path, value in before.items():
        if after[path] == value:
            continue
        if value is None or isinstance(value, bool) or isinstance(after[path], bool):
            return False
        if isinstance(value, (int, float)):
            if _stated_at(body, format_number(value)) != -1:
                return False
            continue
        line = str(value).split("\n", 1)[0].strip()
        if not line or (line[:40] in body if len(line) > 100 else find_bounded(body, line, before="/_.-", after="/_-") != -1):
            return False
    return True


def _split_summary(text: str, n: int) -> tuple[str, list[tuple[str, str]]] | None:
    """A summary text cut into its opener and ``n`` sentences ``(connector, body)`` (the first
    without a connector; bodies without the final period and, unless a value, lowercase
    first); ``None`` when the text is not ``n`` such sentences."""
    opener = next((o for o in _OPENERS if text.startswith(o + " ")), "")
    rest = text[len(opener) + 1:] if opener else text
    if not rest.endswith("."):
        return None
    cuts: list[tuple[int, str]] = []
    for connector in _CONNECTORS:
        mark = ". " + connector + " "
        pos = rest.find(mark)
        while pos != -1:
            cuts.append((pos, connector))
            pos = rest.find(mark, pos + 1)
    if len(cuts) != n - 1:
        return None
    cuts.sort()
    sentences: list[tuple[str, str]] = []
    start, connector = 0, ""
    for pos, nxt in cuts + [(len(rest) - 1, "")]:
        body = rest[start + (len(connector) + 1 if connector else 0): pos]
        sentences.append((connector, _uncap(body)))
        start, connector = pos + 2, nxt
    return opener, sentences


def _sentence(item: Item, seed: int) -> str:
    """The summarizer's sentence for one call (no opener, no final period, lowercase first
    unless a value), with template choices fixed by ``seed``."""
    text = phrases.summary_text([item], rng=random.Random(seed))
    opener = next((o for o in _OPENERS if text.startswith(o + " ")), "")
    if opener:
        text = text[len(opener) + 1:]
    return _uncap(text[:-1] if text.endswith(".") else text)


def _uncap(text: str) -> str:
    """``"The total is 3"`` -> ``"the total is 3"``; a first word that is not a plain
    capitalized word (``"I"``, ``"ACC-1"``, ``"CDG"``) is left alone."""
    word = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if len(word) > 1 and word.isalpha() and word[1:].islower() else text


def retarget(text: str, before: str, after: str) -> str | None:
    """``text`` with what differs between ``before`` and ``after`` replaced as ``after`` has it.

    ``before`` and ``after`` are renderings of the same template with different values;
    ``text`` states the same values as ``before`` in other words. Each changed span (whole
    words, trimmed of shared punctuation) is found in ``text`` by its occurrence number
    among the whole-word occurrences of that span in ``before``, so an unchanged equal
    value elsewhere is not touched. ``None`` when ``text`` does not state a changed span
    as often as ``before`` does, or when the edit would not turn ``before`` into ``after``.
    """
    edits = _edits(before, after)
    if edits is None:
        return None
    if _apply(before, before, edits) != after:
        return None
    return _apply(text, before, edits)


def _edits(before: str, after: str) -> list[tuple[int, str, str]] | None:
    """``(position in before, old span, new span)`` for every changed span, in order."""
    a, b = before.split(" "), after.split(" ")
    starts_a = [0]
    for tok in a:
        starts_a.append(starts_a[-1] + len(tok) + 1)
    out: list[tuple[int, str, str]] = []
    last_end = -1
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2 or j1 == j2:  # a pure insertion or deletion: anchor it on a neighbouring word
            if i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            elif i2 < len(a) and j2 < len(b):
                i2, j2 = i2 + 1, j2 + 1
            else:
                return None
        old, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        lead = 0
        while lead < min(len(old), len(new)) and old[lead] == new[lead] and not old[lead].isalnum():
            lead += 1
        trail = 0
        while trail < min(len(old), len(new)) - lead and old[-1 - trail] == new[-1 - trail] and not old[-1 - trail].isalnum():
            trail += 1
        pos = starts_a[i1] + lead
        old, new = old[lead: len(old) - trail], new[lead: len(new) - trail]
        if not old or pos < last_end:
            return None
        out.append((pos, old, new))
        last_end = pos + len(old)
    return out


def _occurrences(text: str, span: str) -> list[int]:
    out, pos = [], find_bounded(text, span)
    while pos != -1:
        out.append(pos)
        pos = find_bounded(text, span, start=pos + 1)
    return out


def _apply(text: str, before: str, edits: list[tuple[int, str, str]]) -> str | None:
    """``text`` with each edit made at the occurrence matching its occurrence in ``before``."""
    out, cursor = [], 0
    for pos, old, new in edits:
        in_before, in_text = _occurrences(before, old), _occurrences(text, old)
        if len(in_before) != len(in_text) or pos not in in_before:
            return None
        at = in_text[in_before.index(pos)]
        if at < cursor:
            return None
        out.append(text[cursor:at])
        out.append(new)
        cursor = at + len(old)
    out.append(text[cursor:])
    return "".join(out)


# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _stated_at(text: str, shown: str) -> int:
    """Where ``text`` states ``shown`` as a whole value (not inside a longer id, name or
    number: ``12`` is not found in ``12.5`` nor in ``CT-12``); ``-1`` when it does not."""
    pos = find_bounded(text, shown, before="_.-", after="_-")
    while pos != -1:
        end = pos + len(shown)
        if not (text[end:end + 1] == "." and text[end + 1:end + 2].isdigit()):
            return pos
        pos = find_bounded(text, shown, before="_.-", after="_-", start=pos + 1)
    return -1


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    return isinstance(a, str) and isinstance(b, str)


def _required(site: Site, name: str) -> tuple[str, ...]:
    return tuple(site.params.get(name, {}).get("required", ()))


def _shown(value: Any) -> str | None:
    """How a summary writes a value that carries digits (``None``: not checkable)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, str) and any(c.isdigit() for c in value) and "\n" not in value and len(value) <= 100:
        return value
    return None


_WORD = re.compile(r"[a-z]+")


def _words_of(path: tuple) -> set[str]:
    """The words of the keys of an argument or output path (``("to_email",)`` -> to, email)."""
    return {w for p in path if isinstance(p, str) for w in _WORD.findall(p.lower().replace("_", " "))}


def _words(tool: Tool) -> set[str]:
    return set(_WORD.findall(re.sub(r"([a-z])([A-Z])", r"\1 \2", tool.name).lower().replace("_", " ")))


def _similarity(a: Tool, b: Tool) -> float:
    """How close two tools are: shared name words first, then shared description words."""
    na, nb = _words(a), _words(b)
    da, db = set(_WORD.findall(a.description.lower())), set(_WORD.findall(b.description.lower()))
    name = len(na & nb) / max(1, len(na | nb))
    desc = len(da & db) / max(1, len(da | db))
    return 2 * name + desc + (0.5 if a.toolkit == b.toolkit else 0.0)
