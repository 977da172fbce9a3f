"""The offline backend: deterministic back-and-forth translation with no LLM.

It plans a turn's calls first (values from earlier outputs along the graph's ``feeds``, from
the toolkit state's candidates, or freshly generated), then writes the user request that
states every value it chose (or refers to earlier outputs indirectly), and finally "parses"
its own request back into the planned calls. Same seed, same conversation. It is the
default backend and the fake model in tests.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..graph.paths import values_at
from ..types import Call, Catalog, Tool
from . import phrases, values
from .base import Request, TurnContext

__all__ = ["OfflineBackend", "Ref", "field_values"]

# probability that an optional parameter is filled in
P_OPTIONAL = 0.25


@dataclass(frozen=True, slots=True)
class Ref:
    """An argument taken from the output of an earlier call in the same turn."""

    position: int  # index of the feeding call in the turn's plan
    field: str  # dotted output path, ``[]`` for array items


@dataclass
class _Planned:
    name: str
    args: dict[str, Any]  # values or Ref
    stated: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    implicit: bool = False  # a nested call the user never asks for


def field_values(output: Any, path: str) -> list[Any]:
    """Scalar values at a ``feeds`` path (``flights[].flight_id``) of an output; a list found
    at the end of the path gives its scalar items."""
    out: list[Any] = []
    for v in values_at(output, path):
        for x in v if isinstance(v, list) else (v,):
            if isinstance(x, (str, int, float)) and not isinstance(x, bool):
                out.append(x)
    return out


_PATTERNS: dict[str, re.Pattern[str]] = {}


_CHECKED = frozenset({"enum", "type", "pattern", "minLength", "maxLength", "minimum", "maximum",
                      "exclusiveMinimum", "exclusiveMaximum"})
_ACCEPTORS: dict[int, tuple[dict, Any]] = {}  # id(schema) -> (schema, check); the schema is kept alive


def _accepts(schema: dict, value: Any) -> bool:
    """A cheap check that a scalar fits a parameter schema (type, enum, pattern, bounds).

    The loop validates every call with the full schema anyway; this only keeps the planner
    from picking values that are bound to fail. The check is chosen once per schema: a plain
    string schema (the most common) only tests the type.
    """
    hit = _ACCEPTORS.get(id(schema))
    if hit is None or hit[0] is not schema:
        if len(_ACCEPTORS) >= 8192:  # schemas made on the fly (``{}`` defaults) must not pile up
            _ACCEPTORS.clear()
        used = _CHECKED.intersection(schema)
        if not used:
            check = _any_value
        elif used == {"type"} and schema["type"] == "string":
            check = _is_str
        else:
            check = None
        hit = _ACCEPTORS[id(schema)] = (schema, check)
    check = hit[1]
    return check(value) if check is not None else _accepts_full(schema, value)


def _any_value(value: Any) -> bool:
    return True


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _accepts_full(schema: dict, value: Any) -> bool:
    """:func:`_accepts` for a schema with an enum, a pattern, bounds or a non-string type."""
    if "enum" in schema and value not in schema["enum"]:
        return False
    t = schema.get("type")
    if t is not None:
        types = t if isinstance(t, list) else (t,)
        if isinstance(value, bool):
            ok = "boolean" in types
        elif isinstance(value, str):
            ok = "string" in types
        elif isinstance(value, int):
            ok = "integer" in types or "number" in types
        elif isinstance(value, float):
            ok = "number" in types or ("integer" in types and value.is_integer())
        else:
            ok = False
        if not ok:
            return False
    if isinstance(value, str):
        pat = schema.get("pattern")
        if pat:
            rx = _PATTERNS.get(pat)
            if rx is None:
                try:
                    rx = _PATTERNS[pat] = re.compile(pat)
                except re.error:
                    return True
            if not rx.search(value):
                return False
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 1 << 30):
            return False
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return False
        if "maximum" in schema and value > schema["maximum"]:
            return False
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            return False
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            return False
    return True


_ID_PARAM = re.compile(r"(^|_)ids?$")


def _fit(schema: dict, values_: list[Any], rng: random.Random) -> Any:
    """Pick a value (or, for an array parameter, a few items) from candidates that fit; else _SKIP.

    For an array parameter the candidates may also be whole lists (devices of one room): one
    list whose items all fit is then taken as it is."""
    if schema.get("type") == "array":
        items = schema.get("items", {}) if isinstance(schema.get("items"), dict) else {}
        if values_ and isinstance(values_[0], list):
            lo, hi = schema.get("minItems", 1), schema.get("maxItems", 1 << 30)
            whole = [v for v in values_ if isinstance(v, list) and lo <= len(v) <= hi and all(_accepts(items, x) for x in v)]
            return list(whole[rng.randrange(len(whole))]) if whole else _SKIP
        ok = [v for v in values_ if _accepts(items, v)]
        if not ok:
            return _SKIP
        lo = max(1, schema.get("minItems", 1))
        hi = min(len(ok), schema.get("maxItems", 3), 3)
        if hi < lo:
            return _SKIP
        return rng.sample(ok, rng.randint(lo, hi))
    ok = [v for v in values_ if _accepts(schema, v)]
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
        without the request's words (``text`` is empty): see :meth:`say`."""
        plan = self._plan(ctx, ctx.rng)
        missing = self._choose_missing(ctx, plan, ctx.rng) if ctx.kind == "miss_param" else None
        return Request(text="", plan=plan, missing=missing)

    def say(self, catalog: Catalog, request: Request, *, rng: random.Random) -> str:
        """The user request that asks for the planned calls of ``request``."""
        missing = request.missing
        clauses = []
        for p in request.plan:
            tool = catalog.tool(p.name)
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
            from ..errors import TranslationError

            raise TranslationError("miss_param_impossible", "no required value the user states in this turn")
        fn, param, value = options[rng.randrange(len(options))]
        return {"function": fn, "parameter": param, "value": value}

    def _plan(self, ctx: TurnContext, rng: random.Random) -> list[_Planned]:
        """The calls of this turn with their arguments, and how the user will give each one."""
        graph = ctx.graph
        plan: list[_Planned] = []
        turn_tags = ctx.path.turns[ctx.index + 1].tags if ctx.kind != "normal" else ctx.turn.tags
        nested_turn = "insert_nested" in turn_tags
        for pos, name in enumerate(ctx.funcs):
            tool = ctx.catalog.tool(name)
            implicit = nested_turn and pos == len(ctx.funcs) - 1 and pos > 0
            planned = _Planned(name=name, args={}, implicit=implicit)
            props = tool.properties
            required = set(tool.required)
            wanted = [(k, v) for k, v in props.items() if k in required or rng.random() < self.p_optional]
            sources: list[tuple[str, Any]] = []  # ("ref", position) or ("call", Call) that fed this call
            # pass 1: values that flow from earlier outputs (same turn first, then history)
            for pname, pschema in wanted:
                ref = self._same_turn(plan, pos, name, pname, pschema, graph)
                if ref is not None:
                    self._align_echo(ctx, plan[ref.position], ref.field, name, pname, rng)
                    planned.args[pname] = ref
                    sources.append(("ref", ref.position))
                    if not implicit:  # an explicit call names its same-turn source indirectly
                        planned.refs[pname] = self._phrase(ctx, ref.field, plan[ref.position].name, 0, rng)
                    continue
                # on a retry, not from history for the call that failed (its earlier value is
                # likely what failed), sometimes not for the others
                retry = ctx.feedback is not None and (name == ctx.failed_tool or rng.random() < 0.5)
                got = None if retry else self._from_history(ctx, name, pname, pschema, rng, _strict_ids(ctx, name, pname))
                if got is not None:
                    value, phrase, call = got
                    planned.args[pname] = value
                    sources.append(("call", call))
                    if not implicit:
                        planned.refs[pname] = phrase
            # pass 2: companions of a fed value from the same source (a value's unit or currency),
            # then the toolkit state's candidates, enums, or a fresh realistic value
            for pname, pschema in wanted:
                if pname in planned.args:
                    continue
                co = self._companion(ctx, plan, sources, pname, pschema, rng)
                if co is not None:
                    value, phrase = co
                    planned.args[pname] = value
                    if not implicit and phrase:
                        planned.refs[pname] = phrase
                    continue
                value = self._fresh(ctx, tool, pname, pschema, rng)
                if value is _SKIP:
                    continue
                planned.args[pname] = value
                planned.stated[pname] = value
            if implicit and planned.stated:
                # the user never asks for the nested call, but must still give its own values
                planned.implicit = False
            plan.append(planned)
        return plan

    @staticmethod
    def _same_turn(plan, pos, name, pname, pschema, graph) -> "Ref | None":
        if graph is None:
            return None
        for j in range(pos - 1, -1, -1):
            edge = graph.get_edge_data(plan[j].name, name)
            if edge:
                for out_field, param in edge.get("feeds", ()):
                    if param == pname and not _echo_misfits(plan[j], out_field, pschema):
                        return Ref(j, out_field)
        return None

    def _align_echo(self, ctx: TurnContext, source: "_Planned", out_field: str, name: str, pname: str,
                    rng: random.Random) -> None:
        """When ``source`` echoes one of its own stated arguments into ``out_field`` (the
        order it tracked is the order to cancel), choose that argument among the values the
        state accepts for ``name.pname`` too, so that the nested call can succeed."""
        key = out_field.rsplit(".", 1)[-1].replace("[]", "")
        value = source.stated.get(key)
        if value is None or isinstance(value, list):
            return
        strict = _strict_ids(ctx, name, pname)
        if strict is None or value in strict:
            return
        own = _strict_ids(ctx, source.name, key)
        both = [v for v in _flat(_safe_candidates(ctx, name, pname)) if own is None or v in own]
        if both:
            source.args[key] = source.stated[key] = both[rng.randrange(len(both))]

    def _companion(self, ctx, plan, sources, pname, pschema, rng):
        """A value for ``pname`` from the output that already feeds this call, when that output
        has a field of the same name (``unit`` beside ``value``, ``currency`` beside ``amount``)."""
        if not sources:
            return None
        keys = {pname}
        for prefix in ("from_", "source_", "input_", "original_"):
            if pname.startswith(prefix):
                keys.add(pname[len(prefix):])
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

    def _from_history(self, ctx: TurnContext, name: str, pname: str, pschema: dict, rng: random.Random,
                      strict: "set[Any] | None" = None):
        """``(value, phrase, call)`` from the output of an earlier turn that feeds ``pname``;
        with ``strict`` (the identifiers the state accepts now), only a value among them."""
        graph = ctx.graph
        if graph is None or not ctx.prior_calls:
            return None
        source = ctx.turn.source if ctx.kind == "normal" else None
        is_array = pschema.get("type") == "array"
        check = (pschema.get("items") if isinstance(pschema.get("items"), dict) else {}) if is_array else pschema
        best = None
        for turn_idx, call in reversed(ctx.prior_calls):
            edge = graph.get_edge_data(call.name, name)
            if not edge:
                continue
            for out_field, param in edge.get("feeds", ()):
                if param != pname:
                    continue
                found = field_values(call.output, out_field)
                if not found or not _accepts(check, found[0]):
                    continue  # only a list's first item: the phrase says "the first ..."
                if strict is not None and found[0] not in strict:
                    continue  # e.g. an order that was delivered cannot be cancelled
                cand = (turn_idx, call, out_field, found[0])
                if source is not None and turn_idx == source:
                    best = cand
                    break
                if best is None:
                    best = cand
            if best is not None and (source is None or best[0] == source):
                break
        if best is None:
            return None
        turn_idx, call, out_field, value = best
        phrase = self._phrase(ctx, out_field, call.name, max(0, ctx.index - turn_idx), rng)
        return ([value] if is_array else value), phrase, call

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
        if _ID_PARAM.search(pname) and ctx.env.is_executable(tool.name):
            return _SKIP
        for _ in range(3):
            value = values.generate_value(pname, pschema, rng=rng, tool=tool)
            if value != current:
                return value
        return _SKIP

    def _fresh(self, ctx: TurnContext, tool: Tool, pname: str, pschema: dict, rng: random.Random) -> Any:
        if "const" in pschema:
            return pschema["const"]
        cands = _safe_candidates(ctx, tool.name, pname)
        if not cands and pschema.get("type") == "array" and pname.endswith("s"):
            cands = _safe_candidates(ctx, tool.name, pname[:-1])  # ``device_ids`` -> ``device_id`` values
        if cands:
            picked = _fit(pschema, cands, rng)
            if picked is not _SKIP:
                return picked
        return values.generate_value(pname, pschema, rng=rng, tool=tool)

    # ------------------------------------------------------------------ forth
    async def forth(self, ctx: TurnContext, request: Request) -> list[Call]:
        plan: list[_Planned] = request.plan
        done = len(ctx.turn_calls)
        if done >= len(plan):
            return []
        batch: list[Call] = []
        for pos in range(done, len(plan)):
            p = plan[pos]
            deps = [v.position for v in p.args.values() if isinstance(v, Ref)]
            if any(d >= done for d in deps):
                break  # needs an output not produced yet: next batch
            args = {}
            for k, v in p.args.items():
                if isinstance(v, Ref):
                    schema = ctx.catalog.tool(p.name).properties.get(k, {})
                    check = schema.get("items", {}) if schema.get("type") == "array" else schema
                    found = field_values(ctx.turn_calls[v.position].output, v.field)
                    if schema.get("type") == "array":
                        found = [x for x in found if _accepts(check, x)]
                    elif found and not _accepts(check, found[0]):
                        found = []  # the request said "the first ...": no other item will do
                    if not found:
                        from ..errors import TranslationError

                        raise TranslationError("nested_output_missing", f"{p.name}.{k} needs {v.field} of an earlier call")
                    v = found[:3] if schema.get("type") == "array" else found[0]
                args[k] = v
            batch.append(Call(name=p.name, arguments=args))
        return batch

    # ------------------------------------------------------------------ assistant texts and follow-ups
    async def respond(self, ctx: TurnContext, kind: Literal["summary", "miss_func", "miss_param"]) -> str:
        rng = ctx.rng
        if kind == "summary":
            items = [(ctx.catalog.tool(c.name), c.arguments, c.output) for c in ctx.turn_calls]
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


def _strict_ids(ctx: TurnContext, tool: str, param: str) -> "set[Any] | None":
    """The identifiers an executable tool accepts for ``param`` in the current state (its
    toolkit's candidates), or ``None`` when that is unknown: not an identifier, a simulated
    tool, or no candidates. An id outside the set is bound to fail (unknown, or in the wrong
    status: a delivered order cannot be cancelled)."""
    if not _ID_PARAM.search(param):
        return None
    try:
        if not ctx.env.is_executable(tool):
            return None
    except Exception:
        return None
    found = set(_flat(_safe_candidates(ctx, tool, param)))
    return found or None


_SKIP = _Skip()


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
