"""Schema-shaped simulated outputs for tools that have no implementation.

:func:`simulate_output` turns a tool's ``returns`` JSON Schema into a realistic value:
objects get all their properties, arrays 1-3 items, strings a value chosen by field name
and format (``booking-4821`` for ids, emails, ISO dates, urls, names ...), numbers a
value within their bounds, enums one of their values. The value is deterministic in
``(seed, tool, canonical JSON of the arguments)`` and validates against the schema for the
keywords listed in :func:`simulate_output`.

Echoes, by meaning. An output property echoes the call's argument of the same name, or of
the same normalized name (``orderId`` = ``order_id``), when the value fits the property's
schema, so ids flow through a conversation the way a real API's would. A bare id (``id``,
``uuid``) is read as the id *of the object's entity*: the tool's entity (its name without
the verb and the ``...By...`` tail, ``getOrderById`` -> ``order``) for the top-level object,
wrapper objects (``data``, ``result`` ...) and array items, else the singular of the
property holding the object (``category``, ``tags`` -> ``tag``). So ``getOrderById(orderId=5)``
answers ``{"id": 5, ...}``, while a nested ``category.id`` is not the order's id.

Entities persist within a conversation. Given a :class:`SimMemory` (one per
:class:`~magnet_graph.execute.Environment`), every simulated call records the entities it
shows: the arguments (an entity of the tool's kind) and each object of the output, keyed by
their identity fields (the entity's own id, or a name-like key: ``username``, ``login``,
``handle``, ``email``). When a later output holds an object of the same kind whose identity
value was seen before, its other properties are filled from what was recorded (latest
value wins; values that do not fit the property's schema are left as generated; echoed
arguments always win). ``createUser(username="hiro42", ...)`` then
``getUserByName(username="hiro42")`` returns that same user. The outputs then depend on the
earlier calls of the conversation, in order: replaying the recorded calls in order from a
fresh environment (same seed) reproduces them exactly.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Mapping

import orjson

from .schema_fit import (  # noqa: F401  (re-exported: fits, fits_checker, json_equal, resolve_ref)
    _MAX_DEPTH, _TYPE_ALIASES, _is_num, _multiple_ok, fits, fits_checker, json_equal, resolve_ref,
)
from .seeding import derive_seed, seeded_random
from .toolkit import copy_state, norm_name

__all__ = ["SimMemory", "simulate_output", "tool_entity", "fits", "fits_checker", "json_equal", "resolve_ref"]

# Type names of looser dialects (BFCL) that the catalog loader normally converts.
_FULL_DEPTH = 4  # below this depth objects keep only required properties, arrays min items


def simulate_output(
    schema: dict | None,
    *,
    seed: int,
    tool: str,
    arguments: dict,
    memory: "SimMemory | None" = None,
    description: str = "",
) -> Any:
    """A deterministic, schema-shaped output of ``tool`` called with ``arguments``.

    ``schema`` is the tool's ``returns`` JSON Schema; ``None`` gives ``{"status": "ok"}``
    plus the arguments echoed. Supported keywords: ``type`` (also a list), ``properties``,
    ``required``, ``additionalProperties``, ``items``, ``prefixItems``, ``minItems``,
    ``maxItems``, ``uniqueItems``, ``enum``, ``const``, ``anyOf``/``oneOf`` (the first
    non-null branch), ``allOf`` (merged), ``minimum``/``maximum`` (and exclusive forms),
    ``multipleOf``, ``minLength``/``maxLength``, ``format`` and local ``$ref``. ``pattern``
    is not generated from; an optional property named ``error`` is left out (it would make
    the call look failed).

    ``memory`` (the conversation's :class:`SimMemory`) fills known entities' properties and
    records what this call shows; without it the output depends only on
    ``(seed, tool, arguments)``. ``description`` (the tool's) names the tool's entity when
    its name does not (``fetch(order_id)`` described as "Find an order").

    >>> out = simulate_output({"type": "object", "properties": {"order_id": {"type": "string"},
    ...     "qty": {"type": "integer", "minimum": 1, "maximum": 3}}},
    ...     seed=1, tool="get_order", arguments={"order_id": "order-7"})
    >>> out["order_id"], 1 <= out["qty"] <= 3
    ('order-7', True)
    """
    key = orjson.dumps(arguments, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()
    rng = seeded_random(derive_seed(seed, "simulate", tool, key))
    entity = tool_entity(tool, arguments, description=description)
    if schema is None:
        out: dict[str, Any] = {"status": "ok"}
        out.update(_echo(arguments))
        if memory is not None:
            memory.observe(entity, arguments, None)
        return out
    gen = _Generator(rng, arguments, schema, tool, entity, memory)
    value = gen.value(schema, gen.root_name, 0)
    if memory is not None:
        memory.observe(entity, arguments, value)
    return value


def _echo(value: Any) -> Any:
    return copy_state(value) if isinstance(value, (dict, list)) else value


def _noun(tool: str) -> str:
    """``get_booking_details`` -> ``booking_details``: the thing a tool is about."""
    words = norm_name(tool).split("_")
    if len(words) > 1 and words[0] in _VERBS:
        words = words[1:]
    return "_".join(words) or "result"


# -- entities: what an object is about, for id echoes and the memory ----------------------

_BARE_IDS = frozenset(("id", "uid", "uuid", "guid"))
_NAME_KEYS = frozenset(("username", "user_name", "login", "handle", "email", "email_address"))
# words that end the entity part of a tool name (getUserByName), or say nothing about it
_CUT_WORDS = frozenset("by with for from in of to using via".split())
_GENERIC_WORDS = frozenset("details detail info information data input list all status result results id ids".split())
# objects under these keys are the entity itself, wrapped ({"data": {...}}, {"results": [...]})
_WRAPPERS = frozenset("data result response payload item record entry value object body content".split())


@lru_cache(maxsize=8192)
def _name_nouns(tool: str) -> tuple[str, ...]:
    """The entity words of a tool name: ``findPetsByStatus`` -> ``("pet",)``."""
    words = norm_name(tool).split("_")
    for i, w in enumerate(words):
        if i and w in _CUT_WORDS:
            words = words[:i]
            break
    while words and words[0] in _VERBS:
        words = words[1:]
    return tuple(_singular(w) for w in words if w and w not in _GENERIC_WORDS and not w.isdigit())


def tool_entity(tool: str, arguments: Mapping[str, Any], *, description: str = "") -> str:
    """The kind of thing ``tool`` is about: ``getOrderById`` -> ``order``.

    Among the entity words of the name, the one an ``<word>_id`` argument names, else the
    last (the head noun: ``search_direct_flight`` -> ``flight``). A name with no such word
    uses the ``<word>_id`` argument whose word the description mentions, else the whole
    normalized name.
    """
    nouns = _name_nouns(tool)
    prefixes = [n[:-3] for n in map(norm_name, arguments) if n.endswith("_id") and len(n) > 3]
    if nouns:
        return next((p for p in prefixes if p in nouns), nouns[-1])
    if prefixes and description:
        words = set(norm_name(description).split("_"))
        for p in prefixes:
            if p in words:
                return p
    return norm_name(tool) or "result"


@lru_cache(maxsize=65536)
def _qualified(key: str, noun: str) -> str:
    """A property's normalized name, a bare id qualified by its entity (``id`` -> ``order_id``)."""
    nk = norm_name(key)
    return f"{noun}_{nk}" if nk in _BARE_IDS else nk


@lru_cache(maxsize=65536)
def _identity(key: str, noun: str) -> str | None:
    """The qualified name of ``key`` when it identifies an entity of kind ``noun``: its own
    id (``id``, ``<noun>_id`` ...) or a name-like key (``username``, ``email`` ...)."""
    q = _qualified(key, noun)
    own = noun + "_"
    return q if q in _NAME_KEYS or q.startswith(own) and q[len(own):] in _BARE_IDS else None


def _child_noun(key: str, entity: str) -> str:
    """The entity of an object found under ``key`` (array items: the key's singular)."""
    word = _singular(norm_name(key))
    return entity if word in _WRAPPERS or not word else word


class SimMemory:
    """The entities that the simulated tools of one conversation have shown, by identity.

    An entity is a dict ``{qualified property name: (original name, value)}`` (the latest
    value wins), reachable from each of its identity keys ``(kind, qualified name, value)``.
    Used by :func:`simulate_output`; an :class:`~magnet_graph.execute.Environment` keeps one.
    """

    __slots__ = ("_by_key",)

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, Any], dict[str, tuple[str, Any]]] = {}

    def __len__(self) -> int:
        """The number of identity keys known."""
        return len(self._by_key)

    @staticmethod
    def _keys(noun: str, obj: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
        """The identity keys of ``obj`` as an entity of kind ``noun``."""
        keys = []
        for k, v in obj.items():
            t = type(v)
            if (t is str or t is int) and type(k) is str:
                q = _identity(k, noun)
                if q is not None:
                    keys.append((noun, q, v))
        return keys

    def lookup(self, noun: str, obj: Mapping[str, Any]) -> dict[str, tuple[str, Any]] | None:
        """The recorded entity that ``obj`` (of kind ``noun``) is, or ``None``."""
        for key in self._keys(noun, obj):
            found = self._by_key.get(key)
            if found is not None:
                return found
        return None

    def remember(self, noun: str, obj: Mapping[str, Any], *, copy: bool = True) -> None:
        """Record ``obj`` as an entity of kind ``noun`` (merged into the known one, if any).

        ``copy=False`` keeps references to nested lists and dicts (for fresh outputs that
        nobody changes; :meth:`fill` always copies them out)."""
        keys = self._keys(noun, obj)
        if not keys:
            return
        record = next((r for r in map(self._by_key.get, keys) if r is not None), None)
        if record is None:
            record = {}
        for k, v in obj.items():
            if type(k) is str:
                record[_qualified(k, noun)] = (k, _echo(v) if copy else v)
        for key in keys:
            self._by_key[key] = record

    def observe(self, entity: str, arguments: Mapping[str, Any], output: Any) -> None:
        """Record the entities of one call: its arguments, then every object of its output."""
        if arguments:
            self.remember(entity, arguments)
        if output is not None:
            self._walk(output, entity, entity)

    def _walk(self, node: Any, noun: str, entity: str) -> None:
        if type(node) is dict:
            self.remember(noun, node, copy=False)
            for k, v in node.items():
                if type(v) is dict or type(v) is list:
                    self._walk(v, _child_noun(k, entity), entity)
        elif type(node) is list:
            for item in node:
                if type(item) is dict or type(item) is list:
                    self._walk(item, noun, entity)

    def fill(self, noun: str, out: dict[str, Any], props: Mapping[str, Any], keep: set[str], root: Any) -> None:
        """Overwrite the properties of ``out`` (kind ``noun``) that a known entity has,
        except ``keep`` and values that do not fit their schema in ``props``."""
        record = self.lookup(noun, out)
        if record is None:
            return
        for k, sub in props.items():
            if k in keep or k not in out or type(k) is not str:
                continue
            hit = record.get(_qualified(k, noun))
            if hit is not None and fits(hit[1], sub, root):
                out[k] = _echo(hit[1])


_VERBS = frozenset(
    "get list find search create add update set delete remove cancel book send post fetch check "
    "make open close read write compute calculate convert show view retrieve lookup query place upload "
    "login logout register reserve submit".split()
)

_FIRST = ("Ann", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam")
_LAST = ("Lee", "Novak", "Okafor", "Garcia", "Smith", "Tanaka", "Muller", "Rossi", "Khan", "Silva")
_CITIES = ("Lisbon", "Osaka", "Denver", "Nairobi", "Oslo", "Austin", "Lyon", "Seoul", "Perth", "Quito")
_COUNTRIES = ("Portugal", "Japan", "Kenya", "Norway", "Canada", "France", "Chile", "India")
_STREETS = ("Market Street", "Oak Avenue", "Harbor Road", "Elm Lane", "Station Square")
_SENTENCES = (
    "All set as requested.",
    "The request was processed successfully.",
    "Everything looks good.",
    "Updated a moment ago.",
    "No further action is needed.",
)
_WORDS = ("alpha", "harbor", "summit", "maple", "orbit", "lumen", "cedar", "delta")
_STATUSES = ("active", "confirmed", "completed", "pending")
_TEXT_FIELDS = frozenset(
    "message content text description comment body note notes summary output result".split()
)


class _Generator:
    """One output's generation: the rng, the call arguments, the root schema for $ref, the
    tool's entity and the conversation's memory (or ``None``)."""

    __slots__ = ("rng", "args", "root", "tool", "entity", "memory", "norm_args", "root_name", "item_name")

    def __init__(self, rng: random.Random, args: Mapping[str, Any], root: Any, tool: str,
                 entity: str = "", memory: SimMemory | None = None):
        self.rng = rng
        self.args = args
        self.root = root
        self.tool = tool
        self.entity = entity or norm_name(tool)
        self.memory = memory
        self.norm_args: dict[str, str] = {}
        for k in args:
            self.norm_args.setdefault(norm_name(k), k)
        self.root_name = _noun(tool)
        self.item_name = _singular(self.root_name)

    def value(self, schema: Any, name: str, depth: int) -> Any:
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return self.string({}, name)
        if "$ref" in schema:
            target = resolve_ref(self.root, schema["$ref"])
            if target is None:
                return self.string({}, name)
            return self.value(target, name, depth + 1)
        if "const" in schema:
            return _echo(schema["const"])
        if "enum" in schema and schema["enum"]:
            choices = [e for e in schema["enum"] if e is not None] or list(schema["enum"])
            return _echo(self.rng.choice(choices))
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if branches:
                outer = {k: v for k, v in schema.items() if k != key}
                outer["allOf"] = [*schema.get("allOf", ()), _first_non_null(branches)]
                return self.value(outer, name, depth + 1)
        if schema.get("allOf"):
            return self.value(_merge_all(schema), name, depth + 1)
        kind = _type_of(schema)
        if kind == "object":
            return self.obj(schema, name, depth)
        if kind == "array":
            return self.array(schema, name, depth)
        if kind == "integer":
            return self.integer(schema, name)
        if kind == "number":
            return self.number(schema, name)
        if kind == "boolean":
            return self.boolean(name)
        if kind == "null":
            return None
        return self.string(schema, name)

    # -- containers ----------------------------------------------------------------------
    def _arg_for(self, key: str, noun: str) -> str | None:
        """The argument a property of an object of kind ``noun`` echoes, if any: the same
        name, the same normalized name, or for a bare id the argument naming that kind's id."""
        nk = norm_name(key)
        if nk in _BARE_IDS:  # the call's own (bare) id is not the id of a nested, other entity
            arg = self.norm_args.get(f"{noun}_{nk}")
            if arg is None and noun == self.entity:
                arg = key if key in self.args else self.norm_args.get(nk)
            return arg
        if key in self.args:
            return key
        arg = self.norm_args.get(nk)
        if arg is None and noun == self.entity and nk.startswith(noun + "_") and nk[len(noun) + 1:] in _BARE_IDS:
            arg = self.norm_args.get(nk[len(noun) + 1:])  # order_id <- the order tool's bare id
        return arg

    def obj(self, schema: dict, name: str, depth: int) -> dict[str, Any]:
        props = schema.get("properties") or {}
        required = schema.get("required") or ()
        deep = depth > _FULL_DEPTH  # deep inside (recursive schemas): required properties only
        if name == self.root_name or name == self.item_name:
            noun = self.entity
        else:
            noun = _child_noun(name, self.entity)
        echoed: set[str] = set()
        out: dict[str, Any] = {}
        for key, sub in props.items():
            if (key == "error" or deep) and key not in required:
                continue
            arg = self._arg_for(key, noun)
            if arg is not None and fits(self.args[arg], sub, self.root):
                out[key] = _echo(self.args[arg])
                echoed.add(key)
            else:
                out[key] = self.value(sub, key, depth + 1)
        extra = schema.get("additionalProperties", True)
        if extra is not False:
            extra_schema = extra if isinstance(extra, dict) else {}
            for key in required:
                if key not in out:
                    out[key] = self.value(extra_schema, key, depth + 1)
            want = schema.get("minProperties", 0)
            while len(out) < want:
                out[f"extra_{len(out) + 1}"] = self.value(extra_schema, "extra", depth + 1)
        if self.memory is not None and props:
            self.memory.fill(noun, out, props, echoed, self.root)
        return out

    def array(self, schema: dict, name: str, depth: int) -> list[Any]:
        lo = int(schema.get("minItems", 0))
        hi = schema.get("maxItems")
        n = max(self.rng.randint(1, 3) if depth <= _FULL_DEPTH else 0, lo)
        if hi is not None:
            n = min(n, int(hi))
        prefix = schema.get("prefixItems") or []
        items = schema.get("items", {})
        if items is False:
            n = min(n, len(prefix))
        item_name = _singular(name)
        out: list[Any] = []
        unique = bool(schema.get("uniqueItems"))
        seen: set[bytes] = set()
        attempts = 0
        while len(out) < n and attempts < 4 * n + 4:
            attempts += 1
            sub = prefix[len(out)] if len(out) < len(prefix) else items
            value = self.value(sub, item_name, depth + 1)
            if unique:
                mark = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
                if mark in seen:
                    continue
                seen.add(mark)
            out.append(value)
        return out

    # -- scalars -------------------------------------------------------------------------
    def integer(self, schema: dict, name: str) -> int:
        low, high = _bounds(schema, name, integer=True)
        lo, hi = math.ceil(low), math.floor(high)
        if _excl(schema, "min") and lo == low:
            lo += 1
        if _excl(schema, "max") and hi == high:
            hi -= 1
        if lo > hi:
            hi = lo
        step = schema.get("multipleOf")
        if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
            k_lo, k_hi = math.ceil(lo / step), math.floor(hi / step)
            if k_lo <= k_hi:
                for _ in range(8):
                    v = self.rng.randint(k_lo, k_hi) * step
                    if float(v).is_integer():
                        return int(v)
        return self.rng.randint(lo, hi)

    def number(self, schema: dict, name: str) -> float:
        low, high = _bounds(schema, name, integer=False)
        x_lo, x_hi = _excl(schema, "min"), _excl(schema, "max")
        step = schema.get("multipleOf")
        if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
            k_lo, k_hi = math.ceil(low / step), math.floor(high / step)
            if x_lo and k_lo * step <= low:
                k_lo += 1
            if x_hi and k_hi * step >= high:
                k_hi -= 1
            if k_lo <= k_hi:
                for _ in range(8):
                    v = self.rng.randint(k_lo, k_hi) * step
                    if _multiple_ok(v, step):
                        return v
        for digits in (2, 6, None):
            raw = self.rng.uniform(low, high)
            v = round(raw, digits) if digits is not None else raw
            if (v > low if x_lo else v >= low) and (v < high if x_hi else v <= high):
                return float(v)
        return float((low + high) / 2)

    def boolean(self, name: str) -> bool:
        words = set(norm_name(name).split("_"))
        if words & {"status", "success", "ok", "valid", "available", "enabled", "active", "exists"}:
            return True
        return self.rng.random() < 0.5

    def string(self, schema: dict, name: str) -> str:
        s = self._string_by_kind(schema.get("format"), name)
        lo = schema.get("minLength")
        hi = schema.get("maxLength")
        if isinstance(lo, int) and len(s) < lo:
            s = s + "x" * (lo - len(s))
        if isinstance(hi, int) and len(s) > hi:
            s = s[:hi]
        return s

    def _string_by_kind(self, fmt: Any, name: str) -> str:
        r = self.rng
        norm = norm_name(name) or "value"
        words = norm.split("_")
        last = words[-1]
        kind = _FORMAT_KINDS.get(fmt) if isinstance(fmt, str) else None
        if kind is None and fmt is None:
            kind = _name_kind(norm, words, last)
        if kind is not None:
            return self._formatted(kind, words[0])
        if last in ("id", "uid", "guid"):
            prefix = "-".join(w for w in words[:-1] if w) or _noun(self.tool).split("_")[0]
            return f"{prefix}-{r.randint(1000, 9999)}"
        if "phone" in words or "mobile" in words:
            return f"+1-555-{r.randint(100, 999):03d}-{r.randint(1000, 9999)}"
        if "first" in words and "name" in words:
            return r.choice(_FIRST)
        if ("last" in words or "surname" in words) and ("name" in words or "surname" in words):
            return r.choice(_LAST)
        if last in ("username", "handle", "login") or norm == "user_name":
            return f"{r.choice(_FIRST).lower()}{r.randint(10, 99)}"
        if "file" in words or last in ("filename", "file"):
            return f"{r.choice(_WORDS)}_{r.randint(1, 99)}.txt"
        if last in ("path", "directory", "dir", "folder"):
            return f"/home/user/{r.choice(_WORDS)}"
        if "city" in words or last in ("location", "destination", "origin", "from", "to"):
            return r.choice(_CITIES)
        if "country" in words:
            return r.choice(_COUNTRIES)
        if "address" in words:
            return f"{r.randint(1, 250)} {r.choice(_STREETS)}"
        if last in ("zip", "zipcode", "postcode") or "postal" in words:
            return f"{r.randint(10000, 99999)}"
        if "currency" in words:
            return r.choice(("USD", "EUR", "GBP", "JPY"))
        if last in ("status", "state"):
            return r.choice(_STATUSES)
        if last == "name" or norm == "owner" or last in ("author", "sender", "recipient", "receiver"):
            return f"{r.choice(_FIRST)} {r.choice(_LAST)}"
        if last in _TEXT_FIELDS:
            return r.choice(_SENTENCES)
        if last in ("title", "subject"):
            return f"{r.choice(_WORDS).title()} {r.choice(('update', 'report', 'plan', 'notes'))}"
        if last in ("token", "key", "secret", "password", "hash", "signature"):
            return f"{r.getrandbits(64):016x}"
        if last in ("code", "symbol", "ticker"):
            return "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3 + r.randint(0, 1)))
        if last in ("type", "category", "kind", "class", "level", "tier", "mode"):
            return r.choice(("standard", "basic", "premium"))
        if last in ("language", "lang", "locale"):
            return r.choice(("en", "fr", "de", "es"))
        return f"{norm.replace('_', ' ')} {r.randint(1, 999)}"

    def _formatted(self, kind: str, word: str) -> str:
        """A string of a JSON Schema format kind (see ``_FORMAT_KINDS``)."""
        r = self.rng
        if kind == "date":
            return (date(2024, 1, 1) + timedelta(days=r.randint(0, 730))).isoformat()
        if kind == "date-time":
            d = date(2024, 1, 1) + timedelta(days=r.randint(0, 730))
            return f"{d.isoformat()}T{r.randint(7, 20):02d}:{r.choice((0, 15, 30, 45)):02d}:00Z"
        if kind == "time":
            return f"{r.randint(7, 20):02d}:{r.choice((0, 15, 30, 45)):02d}:00Z"
        if kind == "email":
            return f"{r.choice(_FIRST).lower()}.{r.choice(_LAST).lower()}@example.com"
        if kind == "url":
            return f"https://example.com/{word}/{r.randint(1000, 9999)}"
        if kind == "uuid":
            h = f"{r.getrandbits(128):032x}"
            return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
        if kind == "ipv4":
            return f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        return f"{r.choice(_WORDS)}.example.com"  # host


_FORMAT_KINDS = {
    "date": "date",
    "date-time": "date-time",
    "time": "time",
    "email": "email",
    "idn-email": "email",
    "uri": "url",
    "url": "url",
    "iri": "url",
    "uri-reference": "url",
    "uuid": "uuid",
    "ipv4": "ipv4",
    "hostname": "host",
    "idn-hostname": "host",
}


def _name_kind(norm: str, words: list[str], last: str) -> str | None:
    """The format a field name implies (``departure_date`` -> date), if any."""
    if last in ("date", "birthday", "day") or norm == "dob":
        return "date"
    if last in ("timestamp", "datetime", "at"):
        return "date-time"
    if last == "time":
        return "time"
    if "email" in words:
        return "email"
    if last in ("url", "uri", "link", "website"):
        return "url"
    if last == "uuid":
        return "uuid"
    if norm in ("ip", "ip_address"):
        return "ipv4"
    if last in ("host", "hostname", "domain"):
        return "host"
    return None


# ----------------------------------------------------------------------------------------
# Schema helpers
# ----------------------------------------------------------------------------------------


def _type_of(schema: dict) -> str | None:
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), t[0] if t else None)
    if isinstance(t, str):
        t = _TYPE_ALIASES.get(t, t)
    if t is None:
        if "properties" in schema or "required" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        if "minimum" in schema or "maximum" in schema:
            return "number"
        return None
    return t


def _first_non_null(branches: list[Any]) -> Any:
    for branch in branches:
        if isinstance(branch, dict) and branch.get("type") != "null" and branch.get("const", 0) is not None:
            return branch
    return branches[0]


def _merge_all(schema: dict) -> dict:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema.get("allOf") or ():
        if not isinstance(part, dict):
            continue
        for k, v in part.items():
            if k == "properties":
                merged["properties"] = {**merged.get("properties", {}), **v}
            elif k == "required":
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *v]))
            elif k in _TIGHTER and k in merged and _is_num(v) and _is_num(merged[k]):
                merged[k] = _TIGHTER[k](merged[k], v)
            else:
                merged.setdefault(k, v)
    return merged


_TIGHTER = {
    "minimum": max, "exclusiveMinimum": max, "minLength": max, "minItems": max, "minProperties": max,
    "maximum": min, "exclusiveMaximum": min, "maxLength": min, "maxItems": min, "maxProperties": min,
}




def _excl(schema: dict, side: str) -> bool:
    """Whether the lower (``min``) or upper (``max``) bound is exclusive (draft 4 or 6+ form)."""
    key = "exclusiveMinimum" if side == "min" else "exclusiveMaximum"
    value = schema.get(key)
    return value is True or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _bounds(schema: dict, name: str, *, integer: bool) -> tuple[float, float]:
    """The inclusive-or-exclusive range ``[low, high]`` a number is drawn from."""
    lows = [v for v in (schema.get("minimum"), schema.get("exclusiveMinimum")) if _is_num(v)]
    highs = [v for v in (schema.get("maximum"), schema.get("exclusiveMaximum")) if _is_num(v)]
    dlo, dhi = _default_range(name, integer=integer)
    low = max(lows) if lows else None
    high = min(highs) if highs else None
    if low is None and high is None:
        return dlo, dhi
    if low is None:
        low = min(dlo, high - (dhi - dlo))
    if high is None:
        high = max(dhi, low + (dhi - dlo))
    return float(low), float(high)


def _default_range(name: str, *, integer: bool) -> tuple[float, float]:
    words = set(norm_name(name).split("_"))
    if words & {"price", "amount", "cost", "balance", "total", "fee", "salary", "budget", "payment"}:
        return (5.0, 500.0)
    if words & {"count", "quantity", "qty", "num", "number", "items", "size"}:
        return (1.0, 10.0)
    if "age" in words:
        return (18.0, 80.0)
    if "year" in words:
        return (2000.0, 2030.0)
    if words & {"percent", "percentage", "rate", "ratio", "score"}:
        return (0.0, 100.0)
    if words & {"lat", "latitude"}:
        return (-90.0, 90.0)
    if words & {"lon", "lng", "longitude"}:
        return (-180.0, 180.0)
    if words & {"temperature", "temp"}:
        return (-10.0, 35.0)
    return (1.0, 100.0) if integer else (1.0, 1000.0)






def _singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 3:
        return name[:-3] + "y"
    if name.endswith("ses") or name.endswith("xes"):
        return name[:-2]
    if name.endswith("s") and not name.endswith(("ss", "us", "is")) and len(name) > 1:
        return name[:-1]
    return name


# ----------------------------------------------------------------------------------------
# Does a value fit a schema? (echoes must keep the output valid; conservative)
# ----------------------------------------------------------------------------------------

# Validation keywords fits() does not evaluate: a schema using one never gets an echo.
