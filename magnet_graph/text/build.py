"""Stage 2, tool extraction: from a procedure's actions to tools over a small database.

The design rules of GEM: paired read/write tools over a small database (``get_x`` beside
``update_x``), one job per tool, typed self-explanatory parameters, required parameters that
reflect real preconditions (a record's id), and the text's rules attached to the tools.

The actions of a procedure are read in order, with a *context* (the thing last opened) and a
*form* (values being entered). Opening a page gives a read tool (``get_account``, or
``list_orders`` for a plural); entering values fills the form; "Save" turns the form into
``update_<thing>``; "Send", "Place Order", "Book" turn it into ``<verb>_<thing>``, which
creates a record; "Cancel Reservation" gives ``cancel_reservation(reservation_id)``; a
machine's "Press Start" gives ``start_<machine>`` taking the settings chosen before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..translate.values import humanize_param
from .lexicon import GENERIC_PLACES, singular
from .model import Entity, Step, ToolSpec
from .parse import Action, RawStep

__all__ = ["build_tools", "field_schema", "BuiltTools"]

# Record nouns: a page about one of these is one record of a collection.
RECORD_NOUNS = frozenset(
    "order item reservation booking trip flight hotel card payee address contact file note event photo song message "
    "email filter user goal playlist album period appointment question post chart range signature transfer payment "
    "statement ticket device network car seat passenger guest document dish restaurant limit invoice bill "
    "subscription account_holder folder task reminder alarm recipe".split()
)
_NAV_STOP = frozenset("plus gear arrow search review select data browser menu more dots sidebar icon back home "
                      "free_up_space list options result results keypad".split())
_CREATING_VERBS = frozenset({"place", "book", "order", "reserve", "post", "send", "schedule", "pay", "transfer",
                             "submit", "request", "report", "publish"})
_FORMAT_WORDS = frozenset("pdf csv file copy document excel xlsx".split())
_APPLIANCE_NOUN = re.compile(r"\b(washing machine|coffee machine|washer|dryer|oven|thermostat|printer|router|"
                             r"dishwasher|microwave|tv|television|fridge|vacuum|laptop|headphones)\b", re.I)


@dataclass
class _Draft:
    name: str
    op: str
    entity: str
    verb: str = ""
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    needs_id: bool = False


@dataclass
class _Form:
    entity: str
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    op: str | None = None
    verb: str = ""


@dataclass(frozen=True)
class BuiltTools:
    """What :func:`build_tools` returns: tool specs, entities, steps (with their tools) and
    whether the procedure signs in."""

    tools: tuple[ToolSpec, ...]
    entities: tuple[Entity, ...]
    steps: tuple[Step, ...]
    signed_in: bool
    device: str


def field_schema(name: str, *, options: tuple[str, ...] = (), step_text: str = "") -> dict[str, Any]:
    """A typed JSON Schema for a data field, from its name and the options the text lists.

    >>> field_schema("email_address")["format"], field_schema("amount")["type"], field_schema("tags")["type"]
    ('email', 'number', 'array')
    """
    label = humanize_param(name)
    desc = f"The {label}."
    toks = name.split("_")
    last = toks[-1]
    if options:
        nums = [re.match(r"^\d+", o) for o in options]
        if all(nums):
            unit = options[-1][nums[-1].end():].strip()  # type: ignore[union-attr]
            values = [int(m.group(0)) for m in nums if m]
            return {"type": "integer", "enum": values,
                    "description": f"The {label}{' in ' + unit if unit else ''}: one of {', '.join(map(str, values))}."}
        return {"type": "string", "enum": list(options), "description": f"The {label}: one of {', '.join(options)}."}
    if last == "enabled":
        return {"type": "boolean", "description": f"Whether {humanize_param('_'.join(toks[:-1]))} is on."}
    if "email" in toks and last in ("addresses", "emails"):
        return {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 1,
                "description": f"The {label}, one email address per item."}
    if "email" in toks or last == "email":
        return {"type": "string", "format": "email", "description": f"The {label} (name@example.com)."}
    if last in ("date", "day", "birthday") or name in ("date", "month"):
        if name == "month":
            months = [f"2025-{m:02d}" for m in range(1, 13)]
            return {"type": "string", "enum": months, "description": "The month, as YYYY-MM."}
        return {"type": "string", "format": "date", "description": f"The {label}, as YYYY-MM-DD."}
    if last == "time" and not name.endswith("limit_time"):
        return {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "description": f"The {label}, as HH:MM (24-hour)."}
    if last in ("amount", "price", "cost", "fee", "balance", "total", "budget"):
        return {"type": "number", "minimum": 0, "description": f"The {label}, in the account's currency."}
    if last in ("temperature",):
        return {"type": "number", "description": f"The {label} in degrees."}
    if last in ("goal", "steps", "count", "quantity", "minutes", "hours", "seconds", "guests", "limit", "duration") \
            or name in ("time",):
        unit = "minutes" if last in ("limit", "duration") or name == "time" else ""
        return {"type": "integer", "minimum": 0,
                "description": f"The {label}{' in ' + unit if unit else ''}."}
    if last in ("names", "tags", "addresses", "items", "members", "recipients", "ids", "extras", "photos", "files"):
        return {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": f"The {label}, one per item."}
    if last == "password":
        return {"type": "string", "description": f"The {label}."}
    return {"type": "string", "description": desc}


class _Builder:
    def __init__(self, *, default_entity: str, device: str, product: str):
        self.default = default_entity
        self.device = device
        self.product_words = {w for w in re.findall(r"[a-z0-9]+", product.lower())}
        self.tools: dict[str, _Draft] = {}
        self.kinds: dict[str, set[str]] = {}
        self.step_tools: dict[int, list[str]] = {}
        self.context: str | None = None
        self.form: _Form | None = None
        self.last_write: str | None = None
        self.signed_in = False

    # -- helpers ----------------------------------------------------------------------
    def _vote(self, entity: str, kind: str) -> None:
        self.kinds.setdefault(entity, set()).add(kind)

    def _tool(self, name: str, op: str, entity: str, step: int, *, verb: str = "") -> _Draft:
        draft = self.tools.get(name)
        if draft is None:
            draft = self.tools[name] = _Draft(name, op, entity, verb)
        if step not in draft.steps:
            draft.steps.append(step)
        tools = self.step_tools.setdefault(step, [])
        if name not in tools:
            tools.append(name)
        return draft

    def _is_place(self, obj: str) -> bool:
        words = set(obj.split("_"))
        return not obj or obj in GENERIC_PLACES or obj in _NAV_STOP or words <= (self.product_words | GENERIC_PLACES)

    def _entity_of(self, obj: str | None) -> str:
        if obj and not self._is_place(obj):
            return singular_phrase(obj)
        if self.form is not None:
            return self.form.entity
        return self.context or self.default

    def _field_name(self, entity: str, name: str) -> str:
        prefix = entity + "_"
        return name[len(prefix):] if name.startswith(prefix) and len(name) > len(prefix) else name

    def _flush(self) -> None:
        """Turn an open form into an update (or the create it started)."""
        form, self.form = self.form, None
        if form is None or (not form.fields and form.op is None):
            return
        if form.op is None:
            self._emit(form, "update", "update")
        else:
            self._emit(form, form.op, form.verb)

    def _emit(self, form: _Form, op: str, verb: str) -> str:
        name = f"{verb}_{form.entity}" if op != "update" else f"update_{form.entity}"
        if op == "create":
            self._vote(form.entity, "collection")
        draft = self._tool(name, op, form.entity, form.steps[0] if form.steps else 0, verb=verb)
        for s in form.steps[1:]:
            self._tool(name, op, form.entity, s, verb=verb)
        for k, v in form.fields.items():
            draft.fields.setdefault(k, v)
        for k in form.required:
            if k not in draft.required:
                draft.required.append(k)
        self.last_write = name
        return name

    def _form(self, entity: str) -> _Form:
        if self.form is None or self.form.entity != entity:
            self._flush()
            self.form = _Form(entity)
        return self.form

    # -- actions ----------------------------------------------------------------------
    def feed(self, a: Action) -> None:
        handler = getattr(self, "_on_" + a.cls, None)
        if handler is not None:
            handler(a)

    def _on_sign_in(self, a: Action) -> None:
        self.signed_in = True
        self._tool("sign_in", "sign_in", "session", a.step, verb="sign in")

    def _on_nav(self, a: Action) -> None:
        obj = a.objects[0] if a.objects else ""
        if self._is_place(obj):
            return
        self._flush()
        ent = singular_phrase(obj)
        plural = ent != obj
        if plural:
            self._vote(ent, "collection")
            self._tool(f"list_{obj}", "list", ent, a.step)
        else:
            if ent.split("_")[-1] in RECORD_NOUNS:
                self._vote(ent, "collection")
            self._tool(f"get_{ent}", "get", ent, a.step)
        self.context = ent

    def _on_search(self, a: Action) -> None:
        form = self.form if self.form is not None and self.form.op is None else None
        if form is not None:  # "enter the city and the date, then click Search": the search's filters
            self.form = None
        self._flush()
        ent = self._entity_of(a.objects[0] if a.objects else None)
        self._vote(ent, "collection")
        d = self._tool(f"search_{plural_of(ent)}", "search", ent, a.step, verb="search")
        if form is not None:
            for s in form.steps:
                self._tool(d.name, "search", ent, s, verb="search")
            for k, v in form.fields.items():
                d.fields.setdefault(self._field_name(ent, k), v)
            d.required.extend(k for k in form.required if k not in d.required)
        self.context = ent

    def _add_fields(self, a: Action, names: list[str], schemas: list[dict[str, Any]]) -> None:
        ent = self.form.entity if self.form is not None else self.context or self.default
        form = self._form(ent)
        for n, sch in zip(names, schemas):
            n = self._field_name(ent, n)
            if n in ("name", "id") and ent in n:
                continue
            form.fields.setdefault(n, sch)
            if not a.optional and n not in form.required:
                form.required.append(n)
        if a.step not in form.steps:
            form.steps.append(a.step)

    def _on_field(self, a: Action) -> None:
        names = list(a.objects) or (["option"] if a.options else [])
        self._add_fields(a, names, [field_schema(n, options=a.options) for n in names])

    def _on_toggle_on(self, a: Action) -> None:
        obj = a.objects[0] if a.objects else "feature"
        name = f"{obj}_enabled"
        self._add_fields(a, [name], [field_schema(name)])

    _on_toggle_off = _on_toggle_on

    def _on_create(self, a: Action) -> None:
        obj = a.objects[0] if a.objects else None
        ent = self._entity_of(obj)
        if (a.parallel or a.optional) and self.form is not None and self.form.entity != ent:
            # "meanwhile, add a note": its own record, the form being filled stays open
            self._vote(ent, "collection")
            self._emit(_Form(ent, steps=[a.step]), "create", a.verb if a.verb != "new" else "create")
            return
        if self.form is not None and self.form.op is None and self.form.entity == ent and not self.form.fields:
            self.form = None
        self._flush()
        self.form = _Form(ent, op="create", verb=a.verb if a.verb != "new" else "create", steps=[a.step])
        self._vote(ent, "collection")
        self.context = ent

    def _on_create_button(self, a: Action) -> None:
        if self.form is not None:
            if self.form.op is None:
                self.form.op, self.form.verb = "create", a.verb
            if a.step not in self.form.steps:
                self.form.steps.append(a.step)
            self._flush()
            return
        ent = self.context or self.default
        self._vote(ent, "collection")
        if any(d.entity == ent and d.op in ("search", "get", "list") for d in self.tools.values()):
            # "search for a song and tap Add": acts on the record found, given its id
            draft = self._tool(f"{a.verb}_{ent}", "submit", ent, a.step, verb=a.verb)
            draft.needs_id = True
            self.last_write = draft.name
            return
        self._emit(_Form(ent, steps=[a.step]), "create", a.verb)

    def _on_commit(self, a: Action) -> None:
        if self.form is not None:
            self.form.steps.append(a.step)
            self._flush()
        elif self.last_write is not None:
            d = self.tools[self.last_write]
            self._tool(d.name, d.op, d.entity, a.step, verb=d.verb)

    def _on_submit(self, a: Action) -> None:
        obj = a.objects[0] if a.objects and not self._is_place(a.objects[0]) else None
        form = self.form
        if form is not None and (obj is None or singular_phrase(obj) == form.entity or form.op == "create"):
            form.op, form.verb = "create", a.verb
            form.steps.append(a.step)
            self.form = None
            self._vote(form.entity, "collection")
            self._emit(form, "create", a.verb)
            return
        self._flush()
        ent = self._entity_of(obj)
        self._vote(ent, "collection")
        name = f"{a.verb.replace(' ', '_')}_{ent}"
        if a.verb in _CREATING_VERBS and not any(d.entity == ent for d in self.tools.values()):
            self._emit(_Form(ent, steps=[a.step]), "create", a.verb)  # "Place Order": makes the order
            return
        draft = self._tool(name, "submit", ent, a.step, verb=a.verb)
        draft.needs_id = True
        self.last_write = draft.name

    def _on_delete(self, a: Action) -> None:
        self._flush()
        ent = self._entity_of(a.objects[0] if a.objects else None)
        self._vote(ent, "collection")
        d = self._tool(f"{a.verb}_{ent}", "delete", ent, a.step, verb=a.verb)
        self.last_write = d.name

    def _on_export(self, a: Action) -> None:
        obj = a.objects[0] if a.objects else ""
        self._flush()
        ent = self.context or self.default if (not obj or obj in _FORMAT_WORDS) else singular_phrase(obj)
        verb = a.verb.replace(" ", "_")
        d = self._tool(f"{verb}_{ent}", "export", ent, a.step, verb=a.verb)
        if obj in _FORMAT_WORDS:
            d.fields.setdefault("format", {"type": "string", "enum": [obj.upper()], "default": obj.upper(),
                                           "description": "The file format."})

    def _on_device(self, a: Action) -> None:
        obj = a.objects[0] if a.objects else ""
        ent = self.device or self.default
        target = obj if obj and obj != ent and (not self._is_place(obj) or obj in ("app", "device", "computer")) else ent
        name = f"{a.verb.replace(' ', '_')}_{target}"
        if self.form is not None and not self.device:  # an app's settings are saved, not consumed by the action
            self._flush()
        form = self.form
        self.form = None
        d = self._tool(name, "action", ent, a.step, verb=a.verb)
        if form is not None:
            for s in form.steps:
                self._tool(name, "action", ent, s, verb=a.verb)
            for k, v in form.fields.items():
                d.fields.setdefault(k, v)
            d.required.extend(k for k in form.required if k not in d.required)
        self.last_write = name


def singular_phrase(obj: str) -> str:
    """Singular of the last word of a ``snake_case`` phrase (``gift_cards`` -> ``gift_card``)."""
    words = obj.split("_")
    words[-1] = singular(words[-1])
    return "_".join(words)


def plural_of(entity: str) -> str:
    """``address`` -> ``addresses``, ``reply`` -> ``replies``, ``song`` -> ``songs``."""
    if entity.endswith(("s", "x", "ch", "sh")):
        return entity + "es" if not entity.endswith("settings") else entity
    if entity.endswith("y") and entity[-2:-1] not in ("a", "e", "i", "o", "u"):
        return entity[:-1] + "ies"
    return entity + "s"


def device_noun(text: str) -> str:
    """The machine a procedure operates (``coffee_machine``), or ``""``."""
    m = _APPLIANCE_NOUN.search(text)
    return m.group(1).lower().replace(" ", "_") if m else ""


def build_tools(steps: list[RawStep], *, task: str, product: str, text: str) -> BuiltTools:
    """Turn parsed steps into tool specs and entities (see the module docstring)."""
    device = device_noun(text)
    obj = task.split("_", 1)[1] if "_" in task else task
    default = device or singular_phrase(obj) or "item"
    b = _Builder(default_entity=default, device=device, product=product)
    for step in steps:
        for a in step.actions:
            b.feed(a)
    b._flush()
    return _finish(b, steps)


def _finish(b: _Builder, steps: list[RawStep]) -> BuiltTools:
    """Decide entity kinds, add id parameters and the paired read tools, write the schemas."""
    entities: dict[str, Entity] = {}
    for d in b.tools.values():
        if d.op == "sign_in" or d.entity in entities:
            continue
        kind = "collection" if "collection" in b.kinds.get(d.entity, set()) else "singleton"
        fields: dict[str, dict[str, Any]] = {}
        for t in b.tools.values():
            if t.entity == d.entity:
                for k, v in t.fields.items():
                    fields.setdefault(k, v)
        label = next((f for f in ("name", "title", "subject") if f in fields), "name" if kind == "collection" else "")
        if kind == "collection" and label not in fields:
            fields = {label: {"type": "string", "description": f"The {humanize_param(d.entity)} name."}} | fields
        fields.setdefault("status", {"type": "string", "description": f"The {humanize_param(d.entity)} status."})
        id_field = f"{d.entity}_id" if kind == "collection" else ""
        prefix = re.sub(r"[^A-Z]", "", d.entity.upper())[:3] or "REC"
        entities[d.entity] = Entity(d.entity, kind, fields, id_field, label, prefix)
    drafts = list(b.tools.values())
    names = {d.name for d in drafts}
    for ent in list(entities.values()):
        has_write = any(d.entity == ent.name and d.op not in ("get", "list", "search") for d in drafts)
        reads = {d.op for d in drafts if d.entity == ent.name}
        if ent.kind == "collection":
            query_search = any(d.entity == ent.name and d.op == "search" and not d.fields for d in drafts)
            if "list" not in reads and not query_search and f"list_{plural_of(ent.name)}" not in names:
                drafts.append(_Draft(f"list_{plural_of(ent.name)}", "list", ent.name))
            if "get" not in reads and f"get_{ent.name}" not in names:
                drafts.append(_Draft(f"get_{ent.name}", "get", ent.name))
        elif has_write and "get" not in reads and f"get_{ent.name}" not in names:
            drafts.append(_Draft(f"get_{ent.name}", "get", ent.name))
        names = {d.name for d in drafts}
    specs = tuple(_spec(d, entities) for d in drafts)
    out_steps = tuple(Step(s.index, s.text, tuple(b.step_tools.get(s.index, ())), s.parallel, s.optional)
                      for s in steps)
    return BuiltTools(specs, tuple(entities.values()), out_steps, b.signed_in, b.device)


def _spec(d: _Draft, entities: dict[str, Entity]) -> ToolSpec:
    from .schemas import describe, returns_schema

    ent = entities.get(d.entity)
    props: dict[str, Any] = {}
    required: list[str] = []
    if d.op == "sign_in":
        props = {"username": {"type": "string", "description": "The account's username."},
                 "password": {"type": "string", "description": "The account's password."}}
        required = ["username", "password"]
    elif ent is not None and ent.kind == "collection" and (
            d.op in ("get", "update", "delete", "export") or (d.op == "submit" and d.needs_id)):
        props[ent.id_field] = {"type": "string", "description": f"The ID of the {humanize_param(ent.name)}, "
                                                               f"as returned by the list or search tools."}
        required.append(ent.id_field)
    if d.op == "search" and not d.fields:
        props["query"] = {"type": "string", "minLength": 1,
                          "description": f"Words to look for in the {humanize_param(plural_of(d.entity))}."}
        required.append("query")
    for k, v in d.fields.items():
        props[k] = v
    if d.op != "update":  # an update changes only the values given
        required.extend(k for k in d.required if k in props and k not in required)
    params: dict[str, Any] = {"type": "object", "properties": props, "required": required,
                              "additionalProperties": False}
    verb = d.verb or {"get": "get", "list": "list", "search": "search", "update": "update"}.get(d.op, d.op)
    spec = ToolSpec(d.name, d.op, d.entity, "", params, returns_schema(d.op, ent, tuple(d.fields), verb=verb),
                    verb, tuple(k for k in d.fields), tuple(sorted(d.steps)))
    return ToolSpec(spec.name, spec.op, spec.entity, describe(spec, ent), spec.parameters, spec.returns, spec.verb,
                    spec.fields, spec.steps)


__all__ += ["singular_phrase", "plural_of", "device_noun"]
