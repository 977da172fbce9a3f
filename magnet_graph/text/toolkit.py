"""The simulated environment of an extracted workflow: a small database and its tools.

:func:`toolkit_class` makes a :class:`~magnet_graph.toolkit.Toolkit` subclass whose methods
are the workflow's tools; :func:`initial_state` seeds its database (a few records per
collection, values chosen by field name); :func:`workflow_catalog` binds both into a
:class:`~magnet_graph.types.Catalog`, so the ordinary :class:`~magnet_graph.execute.Environment`
runs the calls and :func:`~magnet_graph.verify.verify_record` replays them.

The state is plain JSON: ``tables`` (a singleton's fields, or ``{id: record}`` for a
collection), ``next_id`` per collection, ``done`` (tools that succeeded), ``calls`` (successful
calls per tool) and, when the procedure signs in, ``account`` and ``session``. Writes change
what later reads return; enforced rules answer a violating call with a short
``{"error": ...}`` and change nothing.
"""

from __future__ import annotations

import functools
import random
from typing import Any, ClassVar

from ..toolkit import Toolkit
from ..translate.values import format_value, generate_value, humanize_param
from ..types import Binding, Catalog
from .lexicon import past_tense
from .model import Entity, Rule, ToolSpec, Workflow
from .schemas import plural_key

__all__ = ["ExtractedToolkit", "toolkit_class", "initial_state", "workflow_catalog", "record_label"]

_PERSON_ENTITIES = frozenset("payee user contact guest passenger doctor driver recipient member friend person "
                             "account_holder".split())
_LABEL_WORDS = ("Summer", "Weekend", "Morning", "Family", "Office", "Travel", "Evening", "Garden", "City", "Spring",
                "Project", "Holiday", "Home", "Studio", "North", "Lakeside")


def record_label(entity: str, rng: random.Random) -> str:
    """A realistic name for a record: a person's name for people, else ``"Weekend playlist"``."""
    last = entity.split("_")[-1]
    if last in _PERSON_ENTITIES:
        return str(generate_value("full_name", {"type": "string"}, rng=rng, default_p=0))
    return f"{rng.choice(_LABEL_WORDS)} {humanize_param(entity)}"


def _value(name: str, schema: dict[str, Any], rng: random.Random) -> Any:
    if "enum" in schema:
        return rng.choice(schema["enum"])
    if schema.get("type") == "boolean":
        return rng.random() < 0.5
    return generate_value(name, schema, rng=rng, default_p=0)


def initial_state(workflow: Workflow, rng: random.Random, *, records: int = 3) -> dict[str, Any]:
    """A seeded database for ``workflow`` (``records`` records per collection)."""
    tables: dict[str, Any] = {}
    next_id: dict[str, int] = {}
    caps: dict[str, int] = {}
    for r in workflow.rules:  # leave room under "up to N <records>" for the conversation's own writes
        if r.enforced and r.kind == "limit" and r.scope == "count" and r.bound is not None and not r.param:
            for name in r.tools:
                spec = next((t for t in workflow.tools if t.name == name), None)
                if spec is not None and spec.op == "create":
                    caps[spec.entity] = min(caps.get(spec.entity, records), max(0, int(r.bound) - 3))
    for e in workflow.entities:
        if e.kind == "singleton":
            tables[e.name] = {k: _value(k, v, rng) for k, v in e.fields.items() if k != "status"} | {"status": "active"}
            continue
        rows: dict[str, Any] = {}
        start = rng.randrange(1000, 9000)
        labels: set[str] = set()
        for i in range(caps.get(e.name, records)):
            rid = f"{e.prefix}-{start + i}"
            row = {}
            for k, v in e.fields.items():
                if k == e.label_field:
                    label = record_label(e.name, rng)
                    while label in labels:
                        label = record_label(e.name, rng)
                    labels.add(label)
                    row[k] = label
                elif k == "status":
                    row[k] = "active"
                else:
                    row[k] = _value(k, v, rng)
            rows[rid] = row
        tables[e.name] = rows
        next_id[e.name] = start + caps.get(e.name, records)
    state: dict[str, Any] = {"tables": tables, "next_id": next_id, "done": [], "calls": {}}
    if workflow.signed_in:
        state["account"] = {"username": generate_value("username", {"type": "string"}, rng=rng, default_p=0),
                            "password": generate_value("password", {"type": "string"}, rng=rng, default_p=0)}
        state["session"] = {"signed_in": False}
    return state


class ExtractedToolkit(Toolkit):
    """Base of the generated toolkits: ``specs`` (tool name -> spec), ``entities`` and ``rules``."""

    specs: ClassVar[dict[str, ToolSpec]] = {}
    entity_table: ClassVar[dict[str, Entity]] = {}
    rule_table: ClassVar[dict[str, Rule]] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in type(self).specs:
            raise AttributeError(name)
        return functools.partial(self.run_tool, name)

    # -- the one entry point ------------------------------------------------------------
    def run_tool(self, name: str, /, **args: Any) -> dict[str, Any]:
        """Run tool ``name``: check its enforced rules, then do its operation."""
        spec = type(self).specs[name]
        problem = self._check_rules(spec, args)
        if problem is not None:
            return {"error": problem}
        out = getattr(self, "_op_" + spec.op)(spec, args)
        if "error" not in out:
            done = self.data.setdefault("done", [])
            if name not in done:
                done.append(name)
            calls = self.data.setdefault("calls", {})
            calls[name] = calls.get(name, 0) + 1
        return out

    # -- rules --------------------------------------------------------------------------
    def _check_rules(self, spec: ToolSpec, args: dict[str, Any]) -> str | None:
        for rid in spec.rules:
            rule = type(self).rule_table.get(rid)
            if rule is None or not rule.enforced:
                continue
            problem = self._violation(rule, spec, args)
            if problem is not None:
                return problem
        return None

    def _violation(self, rule: Rule, spec: ToolSpec, args: dict[str, Any]) -> str | None:
        if rule.kind == "precondition" and rule.requires:
            req = type(self).specs.get(rule.requires)
            if req is not None and req.op == "sign_in":
                if not self.data.get("session", {}).get("signed_in"):
                    return "not signed in: sign in first"
            elif rule.requires not in self.data.get("done", []):
                return f"not ready: {rule.requires.replace('_', ' ')} has to be done first ({rule.text.rstrip('.')})"
            return None
        if rule.kind != "limit" or rule.bound is None:
            return None
        bound = rule.bound
        if rule.scope in ("value", "length") and rule.param in args:
            value = args[rule.param]
            if rule.scope == "length":
                size = len(value) if isinstance(value, str) else None
                if size is not None and (size > bound if rule.direction == "max" else size < bound):
                    word = "longer" if rule.direction == "max" else "shorter"
                    return f"{humanize_param(rule.param)} is {word} than allowed ({rule.text.rstrip('.')})"
                return None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if value > bound if rule.direction == "max" else value < bound:
                    side = "over" if rule.direction == "max" else "under"
                    return (f"{humanize_param(rule.param)} {format_value(value)} is {side} the limit of "
                            f"{format_value(bound)} ({rule.text.rstrip('.')})")
            return None
        if rule.scope == "count" and rule.direction == "max":
            if rule.param:
                value = args.get(rule.param)
                if isinstance(value, list) and len(value) > bound:
                    return f"too many {humanize_param(rule.param)}: {len(value)} ({rule.text.rstrip('.')})"
                return None
            if spec.op == "create" and spec.entity in self.data["tables"]:
                used = len(self.data["tables"][spec.entity])
            else:
                used = self.data.get("calls", {}).get(spec.name, 0)
            if used >= bound:
                return f"limit reached ({rule.text.rstrip('.')})"
        return None

    # -- operations ---------------------------------------------------------------------
    def _entity(self, spec: ToolSpec) -> Entity:
        return type(self).entity_table[spec.entity]

    def _row(self, spec: ToolSpec, args: dict[str, Any]) -> tuple[str, dict[str, Any]] | str:
        e = self._entity(spec)
        rid = args.get(e.id_field)
        rows = self.data["tables"][e.name]
        if not isinstance(rid, str) or rid not in rows:
            return f"no {humanize_param(e.name)} with ID {rid}"
        return rid, rows[rid]

    def _fields(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        return {k: args[k] for k in spec.fields if k in args}

    def _op_sign_in(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        account = self.data.get("account", {})
        if args.get("username") != account.get("username") or args.get("password") != account.get("password"):
            return {"error": "wrong username or password"}
        self.data.setdefault("session", {})["signed_in"] = True
        return {"signed_in": True, "username": args["username"]}

    def _op_get(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        if e.kind == "singleton":
            return dict(self.data["tables"][e.name])
        found = self._row(spec, args)
        if isinstance(found, str):
            return {"error": found}
        return {e.id_field: found[0]} | found[1]

    def _summary(self, e: Entity, rid: str, row: dict[str, Any]) -> dict[str, Any]:
        out = {e.id_field: rid}
        if e.label_field:
            out[e.label_field] = row.get(e.label_field)
        out["status"] = row.get("status")
        return out

    def _op_list(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        items = [self._summary(e, rid, row) for rid, row in self.data["tables"][e.name].items()]
        return {plural_key(e.name): items, "count": len(items)}

    def _op_search(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        hits = []
        for rid, row in self.data["tables"][e.name].items():
            if "query" in args:
                q = str(args["query"]).lower()
                ok = any(q in str(v).lower() for v in row.values() if isinstance(v, str))
            else:
                ok = all(_matches(row.get(k), v) for k, v in self._fields(spec, args).items())
            if ok:
                hits.append(self._summary(e, rid, row))
        return {"results": hits, "count": len(hits)}

    def _op_create(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        n = self.data["next_id"].get(e.name, 1000)
        self.data["next_id"][e.name] = n + 1
        rid = f"{e.prefix}-{n}"
        status = past_tense(spec.verb or "create")
        fields = self._fields(spec, args)
        row = {k: None for k in e.fields} | fields | {"status": status}
        if e.label_field and row.get(e.label_field) is None:
            row[e.label_field] = f"{humanize_param(e.name).capitalize()} {rid}"
        self.data["tables"][e.name][rid] = row
        return {e.id_field: rid, "status": status} | fields

    def _op_update(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        fields = self._fields(spec, args)
        if e.kind == "singleton":
            self.data["tables"][e.name].update(fields)
            return {"status": "updated", "updated": sorted(fields)} | fields
        found = self._row(spec, args)
        if isinstance(found, str):
            return {"error": found}
        found[1].update(fields)
        return {e.id_field: found[0], "status": "updated", "updated": sorted(fields)} | fields

    def _op_delete(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        found = self._row(spec, args)
        if isinstance(found, str):
            return {"error": found}
        del self.data["tables"][e.name][found[0]]
        return {e.id_field: found[0], "status": past_tense(spec.verb or "delete")}

    def _op_submit(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        found = self._row(spec, args)
        if isinstance(found, str):
            return {"error": found}
        status = past_tense(spec.verb or "submit")
        found[1]["status"] = status
        return {e.id_field: found[0], "status": status}

    def _op_export(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        fmt = str(args.get("format", "PDF"))
        if e.kind == "collection":
            found = self._row(spec, args)
            if isinstance(found, str):
                return {"error": found}
            return {e.id_field: found[0], "file_name": f"{e.name}-{found[0]}.{fmt.lower()}", "format": fmt}
        return {"file_name": f"{e.name}.{fmt.lower()}", "format": fmt}

    def _op_action(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        e = self._entity(spec)
        status = past_tense(spec.verb or "run")
        fields = self._fields(spec, args)
        if e.kind == "singleton":
            table = self.data["tables"].setdefault(e.name, {})
        else:  # a machine that is also a record type keeps its running state apart from the records
            table = self.data.setdefault("machines", {}).setdefault(e.name, {})
        table.update(fields)
        table["status"] = status
        return {"status": status, "action": spec.name.replace("_", " ")} | fields

    def _op_help(self, spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
        topic = str(args.get("topic", "")).strip()
        return {"topic": topic, "article": f"Help for '{topic}': follow the steps shown in the app, one at a time."}


def _matches(have: Any, want: Any) -> bool:
    if isinstance(have, str) and isinstance(want, str):
        return want.lower() in have.lower()
    if isinstance(have, list) and not isinstance(want, list):
        return want in have
    return have == want


def toolkit_class(workflow: Workflow) -> type[ExtractedToolkit]:
    """A toolkit class for ``workflow`` (its tools, entities and rules as class data)."""
    attrs = {
        "toolkit_name": workflow.task,
        "description": f"Tools mined from: {workflow.title or workflow.task}",
        "specs": {t.name: t for t in workflow.tools},
        "entity_table": {e.name: e for e in workflow.entities},
        "rule_table": {r.id: r for r in workflow.rules},
    }
    return type(f"Extracted_{workflow.task}", (ExtractedToolkit,), attrs)


def workflow_catalog(workflow: Workflow, *, catalog_id: str) -> Catalog:
    """The executable catalog of ``workflow``: its tools bound to :func:`toolkit_class`."""
    cls = toolkit_class(workflow)
    tools = tuple(t.tool(workflow.task, source=f"text:{workflow.segment_id}") for t in workflow.tools)
    return Catalog(id=catalog_id, tools=tools, bindings={workflow.task: Binding(workflow.task, cls, source=catalog_id)})
