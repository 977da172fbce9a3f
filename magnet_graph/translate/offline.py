"""The offline backend: deterministic back-and-forth translation with no LLM.

It plans a turn's calls first (values from earlier outputs along the graph's ``feeds``, from
the toolkit state's candidates, or freshly generated), then writes the user request that
states every value it chose (or refers to earlier outputs indirectly), and finally "parses"
its own request back into the planned calls. Same seed, same conversation. It is the
default backend and the fake model in tests.

A toolkit may declare some candidates exact (:func:`exact_params`): every value that can
succeed now. The planner then takes no other value for them, not even from an earlier
output; a required one with no candidate ends the attempt at once (``precondition``: no
retry can change the state) unless an earlier call of the same turn and toolkit may make
one, in which case it is picked when that call has run. A value fed by an earlier call of
the turn is the first item of the output that fits (the request names the item's place:
"the second ..."); when none fits, an explicit request states a candidate instead.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, Mapping

from ..errors import TranslationError
from ..graph.paths import split_path, values_at
from ..types import Call, Catalog, Tool
from . import phrases, values
from .accepts import NO_SCHEMA as _NO_SCHEMA
from .accepts import accepts as _accepts
from .accepts import any_value as _any_value
from .accepts import checker as _checker
from .accepts import is_str as _is_str
from .base import Request, TurnContext

__all__ = ["OfflineBackend", "Ref", "exact_params", "field_values"]

# probability that an optional parameter is filled in
P_OPTIONAL = 0.25


@dataclass(frozen=True, slots=True)
class Ref:
    """An argument taken from the output of an earlier call in the same turn."""

    position: int  # index of the feeding call in the turn's plan
    field: str  # dotted output path, ``[]`` for array items


@dataclass(slots=True)
class _Planned:
    name: str
    args: dict[str, Any]  # values or Ref
    stated: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    implicit: bool = False  # a nested call the user never asks for
    waits: bool = True  # False: no argument is a Ref or _LATER (set by the planner; forth skips the scan)


def field_values(output: Any, path: str) -> list[Any]:
    """Scalar values at a ``feeds`` path (``flights[].flight_id``) of an output; a list found
    at the end of the path gives its scalar items."""
    out: list[Any] = []
    for v in values_at(output, path):
        for x in v if isinstance(v, list) else (v,):
            if isinstance(x, (str, int, float)) and not isinstance(x, bool):
                out.append(x)
    return out


class _Nothing:
    pass


_NOTHING = _Nothing()  # no value found


def _first_value(output: Any, path: str) -> Any:
    """``field_values(output, path)[0]``, or ``_NOTHING`` when that list is empty, found
    without building the list (the first leaf of the same depth-first order)."""
    hit = _PATH_STEPS.get(path)
    steps, step = hit if hit is not None else _path_steps(path)
    if step is not None and isinstance(output, dict):  # a top-level field (the common case)
        if step not in output:
            return _NOTHING
        node = output[step]
        if type(node) is str:
            return node
        return _first_at(node, steps, 1)
    return _first_at(output, steps, 0)


_PATH_STEPS: dict[str, tuple[tuple[str, ...], "str | None"]] = {}  # path -> (steps, top-level field or None); bounded


def _path_steps(path: str) -> tuple[tuple[str, ...], "str | None"]:
    """``split_path(path)``, and its one step when that is a top-level field (else ``None``),
    made once per path (feeds paths come from the graph: few)."""
    steps = split_path(path)
    if len(_PATH_STEPS) >= 4096:
        _PATH_STEPS.clear()
    found = _PATH_STEPS[path] = (steps, steps[0] if len(steps) == 1 and steps[0] != "[]" else None)
    return found


def _first_at(node: Any, steps: tuple[str, ...], i: int) -> Any:
    n = len(steps)
    while i < n:
        step = steps[i]
        if step == "[]":
            if isinstance(node, list):
                for item in node:
                    got = _first_at(item, steps, i + 1)
                    if got is not _NOTHING:
                        return got
            return _NOTHING
        if not (isinstance(node, dict) and step in node):
            return _NOTHING
        node = node[step]
        i += 1
    for x in node if isinstance(node, list) else (node,):
        if isinstance(x, (str, int, float)) and not isinstance(x, bool):
            return x
    return _NOTHING


_NO_EDGES: dict[str, Any] = {}  # no edge into a tool (read only)


_ID_PARAM = re.compile(r"(^|_)ids?$")
_ID_NAMES: dict[str, bool] = {}  # parameter name -> whether _ID_PARAM finds it (bounded)


def _is_id_name(param: str) -> bool:
    """Whether ``param`` names identifiers (``order_id``, ``device_ids``, ``id``)."""
    hit = _ID_NAMES.get(param)
    if hit is None:
        if len(_ID_NAMES) >= 4096:
            _ID_NAMES.clear()
        hit = _ID_NAMES[param] = _ID_PARAM.search(param) is not None
    return hit


def _fit(schema: dict, values_: list[Any], rng: random.Random) -> Any:
    """Pick a value (or, for an array parameter, a few items) from candidates that fit; else _SKIP.

    For an array parameter the candidates may also be whole lists (devices of one room): one
    list whose items all fit is then taken as it is."""
    if schema.get("type") == "array":
        items = schema.get("items")
        check = _checker(items if isinstance(items, dict) else _NO_SCHEMA)
        if values_ and isinstance(values_[0], list):
            lo, hi = schema.get("minItems", 1), schema.get("maxItems", 1 << 30)
            whole = [v for v in values_ if isinstance(v, list) and lo <= len(v) <= hi and all(map(check, v))]
            return list(whole[rng.randrange(len(whole))]) if whole else _SKIP
        ok = [v for v in values_ if check(v)]
        if not ok:
            return _SKIP
        lo = max(1, schema.get("minItems", 1))
        hi = min(len(ok), schema.get("maxItems", 3), 3)
        if hi < lo:
            return _SKIP
        return rng.sample(ok, rng.randint(lo, hi))
    if not values_:
        return _SKIP
    check = _checker(schema)
    if check is _any_value or (check is _is_str and _all_str(values_)):
        ok = values_  # every value fits (the common case: strings for a string parameter)
    elif check is _is_str:
        ok = [v for v in values_ if isinstance(v, str)]
    else:
        ok = [v for v in values_ if check(v)]
    if not ok:
        return _SKIP
    return ok[rng.randrange(len(ok))] if len(ok) > 1 else ok[0]


class OfflineBackend:
    """Templates, utterance hints and realistic values; no LLM, deterministic per seed."""

    name = "offline"
    model: str | None = None
    replan_on_failure = True  # a failed turn is planned again (new values), not only re-called
    defers_text = True  # plan_turn() + say(): the loop writes the texts once every turn has succeeded

    def __init__(self, *, p_optional: float = P_OPTIONAL):
        self.p_optional = p_optional
        self.calls = 0  # it makes no LLM calls; kept for the report's uniformity

    # ------------------------------------------------------------------ back
    async def back(self, ctx: TurnContext) -> Request:
        request = self.plan_turn(ctx)
        request.text = self.say(ctx.catalog, request, rng=ctx.rng)
        return request

    def plan_turn(self, ctx: TurnContext) -> Request:
        """The turn's calls and arguments (and, in a miss_param turn, the value left out),
        without the request's words (``text`` is empty): see :meth:`say`. Raises
        :class:`~magnet_graph.errors.TranslationError` (``precondition``) when a required
        exact parameter has no value that can succeed in the current state."""
        plan = self._plan(ctx, ctx.rng)
        missing = self._choose_missing(ctx, plan, ctx.rng) if ctx.kind == "miss_param" else None
        return Request(text="", plan=plan, missing=missing)

    def say(self, catalog: Catalog, request: Request, *, rng: random.Random) -> str:
        """The user request that asks for the planned calls of ``request``."""
        missing = request.missing
        clauses = []
        tools = catalog.by_name  # (what catalog.tool(name) reads)
        for p in request.plan:
            tool = tools[p.name]
            if p.implicit:  # the nested call's goal is said; its input (the output before it) is not
                clauses.append(phrases.implicit_clause(tool, rng=rng) or phrases.request_for_call(tool, stated={}, refs={}, rng=rng))
                continue
            stated = p.stated
            if missing and missing["function"] == p.name:
                stated = {k: v for k, v in stated.items() if k != missing["parameter"]}
            clauses.append(phrases.request_for_call(tool, stated=stated, refs=p.refs, rng=rng))
        return phrases.compose_request(clauses, rng=rng)

    def _choose_missing(self, ctx: TurnContext, plan: list[_Planned], rng: random.Random) -> dict[str, Any]:
        options = []
        for p in plan:
            if p.implicit:
                continue
            tool = ctx.catalog.tool(p.name)
            for name in tool.required:
                if name in p.stated and not _is_fixed(tool.properties.get(name, {})):
                    options.append((p.name, name, p.stated[name]))
        if not options:
            # every required value comes from earlier outputs: let the user mean another one
            # (a fresh value from the state), which the assistant cannot know and must ask for
            for p in plan:
                if p.implicit:
                    continue
                tool = ctx.catalog.tool(p.name)
                for name in tool.required:
                    schema = tool.properties.get(name, {})
                    if name in p.refs and not _is_fixed(schema):
                        value = self._other_value(ctx, tool, name, schema, p.args.get(name), rng)
                        if value is _SKIP:
                            continue
                        del p.refs[name]
                        p.args[name] = p.stated[name] = value
                        options.append((p.name, name, value))
                        break
                if options:
                    break
        if not options:
            raise TranslationError("miss_param_impossible", "no required value the user states in this turn")
        fn, param, value = options[rng.randrange(len(options))]
        return {"function": fn, "parameter": param, "value": value}

    def _plan(self, ctx: TurnContext, rng: random.Random) -> list[_Planned]:
        """The calls of this turn with their arguments, and how the user will give each one."""
        graph = ctx.graph
        plan: list[_Planned] = []
        kind, turns, index = ctx.kind, ctx.path.turns, ctx.index
        turn_tags = turns[index + 1].tags if kind != "normal" else turns[index].tags
        nested_turn = "insert_nested" in turn_tags
        strict_memo: dict[tuple[str, str], "set[Any] | None"] = {}  # the state does not change while planning
        p_optional = self.p_optional
        rnd = rng.random
        funcs = ctx.funcs
        tools = ctx.catalog.by_name  # (what catalog.tool(name) reads)
        prior = ctx.prior_calls
        feedback, failed_tool = ctx.feedback, ctx.failed_tool
        pred = None if graph is None else _predecessors(graph)
        table = _feeds_table(graph, pred)  # the graph's kept _feeds_into answers (None: none kept)
        source = turns[index].source if kind == "normal" else None  # the turn whose outputs this one's request names
        for pos, name in enumerate(funcs):
            tool = tools[name]
            implicit = nested_turn and pos == len(funcs) - 1 and pos > 0
            args: dict[str, Any] = {}
            refs: dict[str, str] = {}
            planned = _Planned(name, args, {}, refs, implicit)
            tp = _TOOL_PLANS.get(id(tool))
            if tp is None or tp.tool is not tool:
                tp = _tool_plan(tool)
            # the required parameters, and each optional one with probability p_optional (a draw each)
            wanted = tp.pairs if tp.all_required else [(k, v) for k, v, req in tp.params if req or rnd() < p_optional]
            # param -> {source tool -> its output fields feeding param} (None: no graph)
            if graph is None:
                feeds = None
            else:
                feeds = table.get(name) if table is not None else None
                if feeds is None:
                    feeds = _feeds_into(graph, pred, name)
            sources: list[tuple[str, Any]] = []  # ("ref", position) or ("call", Call) that fed this call
            same_turn = pos and feeds  # an earlier call of this turn may feed this one
            # pass 1: values that flow from earlier outputs (same turn first, then history)
            for pname, pschema in wanted:
                by_source = feeds.get(pname) if feeds else None  # (nothing feeds most parameters)
                ref = self._same_turn(plan, pos, pschema, by_source) if same_turn and by_source else None
                if ref is not None:
                    self._align_echo(ctx, plan[ref.position], ref.field, name, pname, rng, strict_memo)
                    args[pname] = ref
                    sources.append(("ref", ref.position))
                    if not implicit:  # an explicit call names its same-turn source indirectly
                        refs[pname] = self._phrase(ctx, ref.field, plan[ref.position].name, 0, rng)
                    continue
                # on a retry, not from history for the call that failed (its earlier value is
                # likely what failed), sometimes not for the others
                retry = feedback is not None and (name == failed_tool or rnd() < 0.5)
                if retry or not by_source or not prior:
                    continue
                got = self._from_history(ctx, by_source, name, pname, pschema, rng, strict_memo, source)
                if got is not None:
                    value, phrase, call = got
                    args[pname] = value
                    sources.append(("call", call))
                    if not implicit:
                        refs[pname] = phrase
            # pass 2: companions of a fed value from the same source (a value's unit or currency),
            # then the toolkit state's candidates, enums, or a fresh realistic value
            for pname, pschema in wanted:
                if pname in args:
                    continue
                co = self._companion(ctx, plan, sources, name, pname, pschema, rng, strict_memo) if sources else None
                if co is not None:
                    value, phrase = co
                    args[pname] = value
                    if not implicit and phrase:
                        refs[pname] = phrase
                    continue
                value = self._fresh(ctx, tool, pname, pschema, rng)
                if value is _SKIP:
                    if pname in tp.required and pname in exact_params(ctx.catalog, tool):
                        # no value can succeed now: an earlier call of this turn to the same
                        # toolkit may make one (forth picks it then), else the turn cannot succeed
                        if not any(tools[f].toolkit == tool.toolkit for f in funcs[:pos]):
                            raise TranslationError("precondition", f"{name}.{pname}: no value can succeed now")
                        args[pname] = _LATER
                    continue
                args[pname] = value
                planned.stated[pname] = value
            if implicit and planned.stated:
                # the user never asks for the nested call, but must still give its own values
                planned.implicit = False
            # whether a value waits for an output of this turn (later steps only replace those)
            planned.waits = any(type(v) is Ref or v is _LATER for v in args.values())
            plan.append(planned)
        return plan

    @staticmethod
    def _same_turn(plan, pos, pschema, by_source) -> "Ref | None":
        """The nearest earlier call of this turn whose output feeds the parameter (``by_source``:
        source tool -> its output fields that feed it, see :func:`_feeds_into`)."""
        for j in range(pos - 1, -1, -1):
            fields = by_source.get(plan[j].name)
            if fields:
                for out_field in fields:
                    if not _echo_misfits(plan[j], out_field, pschema):
                        return Ref(j, out_field)
        return None

    def _align_echo(self, ctx: TurnContext, source: "_Planned", out_field: str, name: str, pname: str,
                    rng: random.Random, strict_memo: "dict | None" = None) -> None:
        """When ``source`` echoes one of its own arguments (stated, or taken from an earlier
        output) into ``out_field`` (the order it tracked is the order to cancel), choose that
        argument among the values the state accepts for ``name.pname`` too, so that the
        nested call can succeed; the user then states it."""
        key = out_field.rsplit(".", 1)[-1].replace("[]", "")
        value = source.stated.get(key)
        if value is None and key in source.refs:  # taken from an earlier output
            value = source.args.get(key)
        if value is None or isinstance(value, (list, Ref)):
            return
        strict = _strict_ids(ctx, name, pname, strict_memo)
        if strict is None or value in strict:
            return
        own = _strict_ids(ctx, source.name, key, strict_memo)
        both = [v for v in _flat(_safe_candidates(ctx, name, pname)) if own is None or v in own]
        if both:  # the user states it instead
            source.args[key] = source.stated[key] = both[rng.randrange(len(both))]
            source.refs.pop(key, None)

    def _companion(self, ctx, plan, sources, name, pname, pschema, rng, strict_memo=None):
        """A value for ``pname`` of ``name`` from the output that already feeds this call, when
        that output has a field of the same name (``unit`` beside ``value``, ``currency`` beside
        ``amount``); a value from an earlier turn must be one the state accepts now."""
        if not sources:
            return None
        keys = _companion_keys(pname)
        for kind, src in sources:
            if kind == "ref":
                returns = ctx.catalog.tool(plan[src].name).returns or {}
                props = returns.get("properties", {}) if isinstance(returns, dict) else {}
                for key in keys:
                    if key in props:
                        return Ref(src, key), self._phrase(ctx, key, plan[src].name, 0, rng)
            else:
                out = src.output
                if isinstance(out, dict):
                    for key in keys:
                        v = out.get(key)
                        if v is not None and not isinstance(v, (dict, list)) and _accepts(pschema, v):
                            strict = _strict_ids(ctx, name, pname, strict_memo)
                            if strict is not None and v not in strict:
                                continue
                            turn_idx = next((t for t, c in ctx.prior_calls if c is src), ctx.index)
                            return v, self._phrase(ctx, key, src.name, max(0, ctx.index - turn_idx), rng)
        return None

    @staticmethod
    def _phrase(ctx, out_field: str, source_name: str, turns_ago: int, rng) -> str:
        """An indirect reference to an earlier output field; list items are named as the first one."""
        field = out_field.split(".")[-1].replace("[]", "")
        if "[]" in out_field:  # a list: say which element (the planner always takes the first)
            if field.endswith("s") and not field.endswith("ss"):
                field = field[:-1]  # an item of ``device_ids`` is a device ID
            noun = values.param_label(field)
            when = "just now" if turns_ago == 0 else "earlier"
            return rng.choice((f"the first {noun} in that list", f"the first {noun} you listed {when}",
                               f"the top {noun} from that list"))
        return phrases.reference_phrase(field, source_tool=ctx.catalog.tool(source_name), turns_ago=turns_ago, rng=rng)

    def _from_history(self, ctx: TurnContext, by_source: Mapping[str, Any], name: str, pname: str,
                      pschema: dict, rng: random.Random, strict_memo: "dict | None", source: "int | None"):
        """``(value, phrase, call)`` from the output of an earlier turn that feeds ``pname``
        (``by_source``: source tool -> its output fields that feed ``pname``, see
        :func:`_feeds_into`); for an identifier, only a
        value among those the state accepts now (:func:`_strict_ids`). The call of the turn
        ``source`` (the one this turn's request names, if any) wins; else the latest one."""
        is_array = pschema.get("type") == "array"
        check = (pschema.get("items") if isinstance(pschema.get("items"), dict) else _NO_SCHEMA) if is_array else pschema
        if not by_source:
            return None
        accepts = None
        strict: Any = _NOTHING  # looked up when a value needs it
        best = None
        for turn_idx, call in reversed(ctx.prior_calls):
            fields = by_source.get(call.name)
            if not fields:
                continue
            for out_field in fields:
                first = _first_value(call.output, out_field)
                if first is _NOTHING:
                    continue
                if accepts is None:
                    accepts = _checker(check)
                if strict is _NOTHING:
                    strict = _strict_ids(ctx, name, pname, strict_memo)
                index = 0
                if not accepts(first) or (strict is not None and first not in strict):
                    # e.g. an order that was delivered cannot be cancelled; a later item of a
                    # list may do (the phrase then names its place: "the second ...")
                    if "[]" not in out_field:
                        continue
                    index, first = next(((i, x) for i, x in enumerate(field_values(call.output, out_field))
                                         if accepts(x) and (strict is None or x in strict)), (0, _NOTHING))
                    if first is _NOTHING:
                        continue
                if source is not None and turn_idx == source:
                    best = (turn_idx, call, out_field, first, index)
                    break
                if best is None:
                    best = (turn_idx, call, out_field, first, index)
            if best is not None and (source is None or best[0] == source):
                break
        if best is None:
            return None
        turn_idx, call, out_field, value, index = best
        phrase = self._phrase(ctx, out_field, call.name, max(0, ctx.index - turn_idx), rng)
        return ([value] if is_array else value), (_nth(phrase, index) if index else phrase), call

    def _other_value(self, ctx: TurnContext, tool: Tool, pname: str, pschema: dict, current: Any,
                     rng: random.Random) -> Any:
        """A value for ``pname`` other than ``current``: another candidate of the state, else
        (not for an identifier, which must exist) a fresh realistic one; ``_SKIP`` if none."""
        value = self._fresh(ctx, tool, pname, pschema, rng)
        if value is not _SKIP and value != current:
            return value
        if pschema.get("type") != "array":
            others = [v for v in _flat(_safe_candidates(ctx, tool.name, pname)) if v != current and _accepts(pschema, v)]
            if others:
                return others[rng.randrange(len(others))]
        if (_ID_PARAM.search(pname) or pname in exact_params(ctx.catalog, tool)) and ctx.env.is_executable(tool.name):
            return _SKIP
        for _ in range(3):
            value = values.generate_value(pname, pschema, rng=rng, tool=tool)
            if value != current:
                return value
        return _SKIP

    def _fresh(self, ctx: TurnContext, tool: Tool, pname: str, pschema: dict, rng: random.Random) -> Any:
        if "const" in pschema:
            return pschema["const"]
        try:  # (_safe_candidates, written out: this runs for most parameters)
            cands = ctx.env.candidates(tool.name, pname)
        except Exception:  # a user toolkit's candidates() must not stop the run
            cands = []
        if not cands and pschema.get("type") == "array" and pname.endswith("s"):
            cands = _safe_candidates(ctx, tool.name, pname[:-1])  # ``device_ids`` -> ``device_id`` values
        if cands:
            picked = _fit(pschema, cands, rng)
            if picked is not _SKIP:
                return picked
        if pname in exact_params(ctx.catalog, tool):
            return _SKIP  # any other value is bound to fail
        return values.generate_value(pname, pschema, rng=rng, tool=tool)

    # ------------------------------------------------------------------ forth
    async def forth(self, ctx: TurnContext, request: Request) -> list[Call]:
        """The next batch of the planned calls: those whose values are all known now (a value
        fed by an earlier call of the turn, or left for later, waits for that call's output)."""
        plan: list[_Planned] = request.plan
        done = len(ctx.turn_calls)
        n = len(plan)
        if done >= n:
            return []
        batch: list[Call] = []
        for pos in range(done, n):
            p = plan[pos]
            fed = [(k, v) for k, v in p.args.items() if type(v) is Ref or v is _LATER] if p.waits else None
            if not fed:  # every value is known already
                batch.append(Call(p.name, dict(p.args)))
                continue
            if any(pos > done if v is _LATER else v.position >= done for _, v in fed):
                break  # needs an output not produced yet: next batch
            tools = ctx.catalog.by_name
            tool = tools[p.name]
            # the state's candidates hold for this call unless a call of its toolkit in this batch runs first
            settled = all(tools[c.name].toolkit != tool.toolkit for c in batch)
            args = dict(p.args)
            for k, v in fed:
                args[k] = self._resolve(ctx, p, tool, k, v, settled)
            batch.append(Call(p.name, args))
        return batch

    def _resolve(self, ctx: TurnContext, p: "_Planned", tool: Tool, k: str, v: Any, settled: bool) -> Any:
        """The value of argument ``k`` of the planned call ``p`` that waited for earlier calls
        of the turn: an item of a feeding output (a list's first item that fits the parameter
        and, for an exact one, the state; the request then names that item's place), or a
        candidate of the state for a value left for later."""
        schema = tool.properties.get(k, _NO_SCHEMA)
        if v is _LATER:  # (only exact parameters wait, and only for the calls before them: all ran)
            picked = _fit(schema, _safe_candidates(ctx, p.name, k), ctx.rng)
            if picked is _SKIP:
                raise TranslationError("precondition", f"{p.name}.{k}: no value can succeed now")
            p.args[k] = p.stated[k] = picked
            p.implicit = False  # the user states it
            return picked
        allowed = _strict_ids(ctx, p.name, k) if settled and k in exact_params(ctx.catalog, tool) else None
        is_array = schema.get("type") == "array"
        check = _checker(schema.get("items", _NO_SCHEMA) if is_array else schema)
        output = ctx.turn_calls[v.position].output
        if is_array:
            items = [x for x in field_values(output, v.field) if check(x) and (allowed is None or x in allowed)]
            if items:
                return items[:3]
        elif "[]" in v.field:  # the request names the item by its place ("the first ...")
            for i, x in enumerate(field_values(output, v.field)):
                if check(x) and (allowed is None or x in allowed):
                    if i and k in p.refs:
                        p.refs[k] = _nth(p.refs[k], i)
                    return x
        else:
            value = _first_value(output, v.field)
            if value is not _NOTHING and check(value) and (allowed is None or value in allowed):
                return value
        # the output gives nothing that can succeed: an explicit request states a value of the
        # state instead (the user asks for two things), an implicit call cannot
        missing = ctx.extra.get("missing")
        if not p.implicit and not (missing and missing.get("function") == p.name and missing.get("parameter") == k):
            value = self._fresh(ctx, tool, k, schema, ctx.rng)
            if value is not _SKIP and (allowed is None or is_array or value in allowed):
                p.refs.pop(k, None)
                p.args[k] = p.stated[k] = value
                return value
        raise TranslationError("nested_output_missing", f"{p.name}.{k} needs {v.field} of an earlier call")

    # ------------------------------------------------------------------ assistant texts and follow-ups
    async def respond(self, ctx: TurnContext, kind: Literal["summary", "miss_func", "miss_param"]) -> str:
        rng = ctx.rng
        if kind == "summary":
            tools = ctx.catalog.by_name
            items = [(tools[c.name], c.arguments, c.output) for c in ctx.turn_calls]
            return phrases.summary_text(items, rng=rng)
        missing = ctx.extra["missing"]
        tool = ctx.catalog.tool(missing["function"])
        if kind == "miss_func":
            return phrases.missing_function_text(tool, rng=rng)
        return phrases.ask_parameter_text(tool, missing["parameter"], rng=rng)

    async def follow_up(self, ctx: TurnContext, kind: Literal["miss_func", "miss_param"], missing: dict[str, Any]) -> str:
        if kind == "miss_func":
            return phrases.tool_available_text(rng=ctx.rng)
        tool = ctx.catalog.tool(missing["function"])
        schema = tool.properties.get(missing["parameter"], {})
        return phrases.give_parameter_text(missing["parameter"], missing["value"], schema, rng=ctx.rng)


class _Skip:
    pass


class _ToolPlan:
    """What the planner reads of one tool on every turn, made once per tool object (tools are
    frozen; ``Tool.properties`` and ``Tool.required`` are computed on each read)."""

    __slots__ = ("tool", "params", "required", "pairs", "all_required")

    def __init__(self, tool: Tool):
        self.tool = tool
        self.required = required = set(tool.required)
        # (name, schema, required?) in the order of the tool's properties
        self.params = tuple((k, v, k in required) for k, v in tool.properties.items())
        self.pairs = tuple((k, v) for k, v, _ in self.params)  # (name, schema) of every parameter
        self.all_required = all(req for _, _, req in self.params)  # (most tools: no draws for optional ones)


_TOOL_PLANS: dict[int, _ToolPlan] = {}  # id(tool) -> its plan (which keeps the tool alive); bounded


def _tool_plan(tool: Tool) -> _ToolPlan:  # (_plan reads the table itself first)
    """The :class:`_ToolPlan` of ``tool``, made once per tool object."""
    tp = _TOOL_PLANS.get(id(tool))
    if tp is None or tp.tool is not tool:
        if len(_TOOL_PLANS) >= 4096:
            _TOOL_PLANS.clear()
        tp = _TOOL_PLANS[id(tool)] = _ToolPlan(tool)
    return tp


_EXACT: dict[int, tuple[Tool, frozenset[str]]] = {}  # id(tool) -> (tool, its exact parameters); bounded


def exact_params(catalog: Catalog, tool: Tool) -> frozenset[str]:
    """The parameters of ``tool`` whose candidates its toolkit declares exact.

    A toolkit class declares them in ``exact_candidates`` (method name -> parameter names):
    for those, ``candidates(tool, param)`` lists every value a call can succeed with in the
    current state, so the planner never uses another value (not even one from an earlier
    output), and an empty list means that no call of the tool can succeed now. Made once
    per tool object; empty for tools without a bound class or declaration.
    """
    hit = _EXACT.get(id(tool))
    if hit is not None and hit[0] is tool:
        return hit[1]
    found: frozenset[str] = frozenset()
    binding = catalog.bindings.get(tool.toolkit) if tool.binding else None
    declared = getattr(getattr(binding, "cls", None), "exact_candidates", None)
    if isinstance(declared, Mapping):
        names = declared.get(tool.binding, ())
        if isinstance(names, (tuple, list, set, frozenset)):
            found = frozenset(n for n in names if isinstance(n, str) and n in tool.properties)
    if len(_EXACT) >= 4096:
        _EXACT.clear()
    _EXACT[id(tool)] = (tool, found)
    return found


_COMPANION_KEYS: dict[str, tuple[str, ...]] = {}  # parameter name -> its companion keys (bounded)


def _companion_keys(pname: str) -> tuple[str, ...]:
    """The output fields that may hold ``pname``'s value: the name itself and the name
    without a ``from_``/``source_``/``input_``/``original_`` prefix, in the order a set of
    them iterates (the order :meth:`OfflineBackend._companion` has always tried them)."""
    keys = _COMPANION_KEYS.get(pname)
    if keys is None:
        found = {pname}
        for prefix in ("from_", "source_", "input_", "original_"):
            if pname.startswith(prefix):
                found.add(pname[len(prefix):])
        if len(_COMPANION_KEYS) >= 4096:
            _COMPANION_KEYS.clear()
        keys = _COMPANION_KEYS[pname] = tuple(found)
    return keys


def _predecessors(graph: Any) -> "Mapping[str, Mapping[str, Any]] | None":
    """The predecessor adjacency of a networkx directed graph: ``pred[name].get(source)`` is
    what ``graph.get_edge_data(source, name)`` gives (``_pred[v][u]`` and ``_succ[u][v]`` are
    the same dict), read without a method call (and a KeyError) per source. ``None`` for any
    other graph (an undirected one, or not networkx's): its edges are then asked one by one
    (see :class:`_EdgeLookup`)."""
    pred = getattr(graph, "_pred", None)
    if type(pred) is dict or (pred is not None and isinstance(pred, Mapping)):  # (an ABC check is slow)
        return pred
    return None


class _EdgeLookup:
    """The edges into one tool of a graph that is not a networkx graph: asks it edge by edge."""

    __slots__ = ("graph", "name")

    def __init__(self, graph: Any, name: str):
        self.graph, self.name = graph, name

    def get(self, source: str) -> Any:
        return self.graph.get_edge_data(source, self.name)


_FEEDS_KEY = "magnet_graph.offline.feeds"  # the per-graph table of _feeds_into in __networkx_cache__


def _feeds_into(graph: Any, pred: "Mapping | None", name: str) -> Mapping[str, Mapping[str, Any]]:
    """The ``feeds`` of the graph's edges into tool ``name``, by parameter: ``param ->
    {source tool -> its output fields that feed param, in the edge's order}`` (what the
    planner used to find by reading every edge's feeds for every parameter).

    For a networkx graph it is built once per tool and kept in ``graph.__networkx_cache__``,
    which networkx clears whenever the graph changes through its methods (as
    :func:`~magnet_graph.walk.adjacency` relies on; an edge's attribute dict changed in place
    is not seen). Any other graph, or feeds that are not ``[field, param]`` pairs of strings,
    gets a view that reads the edges when asked (:class:`_FeedsView`)."""
    cache = getattr(graph, "__networkx_cache__", None) if pred is not None else None
    if type(cache) is not dict:
        return _FeedsView(pred.get(name) or _NO_EDGES if pred is not None else _EdgeLookup(graph, name))
    table = cache.get(_FEEDS_KEY)
    if table is None:
        table = cache[_FEEDS_KEY] = {}
    found = table.get(name)
    if found is None:
        edges = pred.get(name) or _NO_EDGES
        index = _index_feeds(edges)
        found = table[name] = index if index is not None else _FeedsView(edges)
    return found


def _feeds_table(graph: Any, pred: "Mapping | None") -> "dict[str, Any] | None":
    """The table :func:`_feeds_into` keeps in a networkx graph's cache (tool -> its answer),
    or ``None`` when there is none yet; read once per planned turn (networkx clears the cache
    dict when the graph changes, so the table is not kept across turns)."""
    cache = getattr(graph, "__networkx_cache__", None) if pred is not None else None
    return cache.get(_FEEDS_KEY) if type(cache) is dict else None


def _index_feeds(edges: Mapping[str, Any]) -> "dict[str, dict[str, tuple[str, ...]]] | None":
    """:func:`_feeds_into`'s table from the edges into one tool (source -> edge data); ``None``
    when a ``feeds`` entry is not a pair of strings (the view then reads them as they are)."""
    index: dict[str, dict[str, list[str]]] = {}
    for source, edge in edges.items():
        if not edge:
            continue
        feeds = edge.get("feeds", ())
        if not isinstance(feeds, (list, tuple)):
            return None
        for pair in feeds:
            if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and isinstance(pair[0], str)
                    and isinstance(pair[1], str)):
                return None
            index.setdefault(pair[1], {}).setdefault(source, []).append(pair[0])
    return {param: {src: tuple(fields) for src, fields in by.items()} for param, by in index.items()}


class _FeedsView:
    """:func:`_feeds_into` for edges read when asked (``edges.get(source)`` -> edge data)."""

    __slots__ = ("edges",)

    def __init__(self, edges: Any):
        self.edges = edges

    def __bool__(self) -> bool:
        return bool(self.edges)

    def get(self, param: str) -> "_ParamFeedsView":
        return _ParamFeedsView(self.edges, param)


class _ParamFeedsView:
    """One parameter's part of a :class:`_FeedsView`: ``get(source)`` -> the source's output
    fields that feed the parameter, in the edge's order (``None`` without an edge), read
    lazily as the planner always read them (an odd entry fails where it always failed)."""

    __slots__ = ("edges", "param")

    def __init__(self, edges: Any, param: str):
        self.edges, self.param = edges, param

    def __bool__(self) -> bool:
        return bool(self.edges)

    def get(self, source: str) -> "Iterator[str] | None":
        edge = self.edges.get(source)
        if not edge:
            return None
        return (out_field for out_field, param in edge.get("feeds", ()) if param == self.param)


def _safe_candidates(ctx: TurnContext, tool: str, param: str) -> list[Any]:
    try:
        return ctx.env.candidates(tool, param)
    except Exception:  # a user toolkit's candidates() must not stop the run
        return []


def _flat(values_: list[Any]) -> list[Any]:
    """Scalar candidates, lists of candidates opened one level."""
    out: list[Any] = []
    for v in values_:
        if isinstance(v, list):
            out.extend(x for x in v if isinstance(x, (str, int, float)))
        elif isinstance(v, (str, int, float)):
            out.append(v)
    return out


def _strict_ids(ctx: TurnContext, tool: str, param: str, memo: "dict | None" = None) -> "set[Any] | None":
    """The values an executable tool accepts for ``param`` in the current state (its
    toolkit's candidates), or ``None`` when that is unknown: a simulated tool, a parameter
    that is neither exact (see :func:`exact_params`) nor an identifier, or an identifier
    with no candidates. A value outside the set is bound to fail (unknown, or in the wrong
    status: a delivered order cannot be cancelled); an exact parameter's set may be empty
    (no call can succeed now). ``memo`` keeps the answers while the state stays the same
    (one turn's planning)."""
    if memo is not None:  # (it also keeps the None of a parameter that is not strict)
        found = memo.get((tool, param), _NOTHING)
        if found is not _NOTHING:
            return found
    exact = param in exact_params(ctx.catalog, ctx.catalog.by_name[tool])
    if not exact and not _is_id_name(param):
        if memo is not None:
            memo[(tool, param)] = None
        return None
    try:
        executable = ctx.env.is_executable(tool)
    except Exception:
        executable = False
    if not executable:
        found = None
    elif exact:
        found = _flat_set(_safe_candidates(ctx, tool, param))
    else:
        found = _flat_set(_safe_candidates(ctx, tool, param)) or None
    if memo is not None:
        memo[(tool, param)] = found
    return found


def _all_str(values_: list[Any]) -> bool:
    """True when every value is exactly a ``str`` (checked without a Python loop)."""
    return set(map(type, values_)) == _STR_TYPE


_STR_TYPE = {str}
_SCALAR_TYPES = frozenset({str, int, float})


def _flat_set(values_: list[Any]) -> set[Any]:
    """``set(_flat(values_))`` without the list in between."""
    if set(map(type, values_)) <= _SCALAR_TYPES:  # plain scalars only (the common case)
        return set(values_)
    out = {v for v in values_ if isinstance(v, (str, int, float))}
    if len(out) < len(values_):  # lists among them (or repeats, or other values)
        for v in values_:
            if isinstance(v, list):
                out.update(x for x in v if isinstance(x, (str, int, float)))
    return out


_SKIP = _Skip()


class _Later:
    """The value of an exact parameter that no candidate fits while planning; an earlier call
    of the same turn may make one, so :meth:`OfflineBackend.forth` picks it once those ran."""

    def __repr__(self) -> str:
        return "_LATER"


_LATER = _Later()
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _nth(phrase: str, index: int) -> str:
    """A list reference (``the first X in that list``, ``the top X ...``) moved to item
    ``index`` (0-based): ``the third X in that list``."""
    if index < len(_ORDINALS):
        word = _ORDINALS[index]
    else:
        n = index + 1
        word = f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    for head in ("the first ", "the top "):
        if phrase.startswith(head):
            return f"the {word} {phrase[len(head):]}"
    return phrase


def _echo_misfits(source: "_Planned", out_field: str, schema: dict) -> bool:
    """True when the feeding call will echo one of its own arguments into ``out_field`` and
    that argument does not fit the parameter (``turn_on(light.x)`` cannot feed ``lock_door``)."""
    key = out_field.rsplit(".", 1)[-1].replace("[]", "")
    value = source.args.get(key)
    if value is None or isinstance(value, Ref):
        return False
    check = schema.get("items", {}) if schema.get("type") == "array" else schema
    if isinstance(value, list):
        return not all(_accepts(check, v) for v in value)
    return not _accepts(check, value)


def _is_fixed(schema: dict) -> bool:
    """Values the user need not state (enum/const/boolean) make poor missing parameters."""
    return "const" in schema or schema.get("type") == "boolean"
