"""Fields: what a tool gives (output fields) and takes (parameters), read from its schemas.

:func:`output_fields` walks a tool's ``returns`` schema recursively (objects, arrays and their
items, local ``$ref``, ``anyOf``/``oneOf``) and names each field by its *path*: dotted keys,
``[]`` for the items of an array, the empty string for the whole output. So
``flights[].flight_id`` is the ``flight_id`` of each element of ``flights``.
:func:`input_fields` lists a tool's parameters and, one level down, the fields of object and
array-of-object parameters (``passengers[].first_name``: a *part* of a parameter).

Types are normalized to ``string | integer | number | boolean | object | array | any``
(BFCL's ``dict``/``float``/``tuple`` included), so the builder never sees dialect quirks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .names import infer_format, key_of, key_words, key_tokens, parse_tool_name, specificity, text_tokens

__all__ = ["FieldInfo", "output_fields", "input_fields", "norm_type", "QUALIFY"]

_TYPE_ALIASES = {
    "string": "string", "str": "string", "text": "string",
    "integer": "integer", "int": "integer", "long": "integer",
    "number": "number", "float": "number", "double": "number", "decimal": "number",
    "boolean": "boolean", "bool": "boolean",
    "object": "object", "dict": "object", "map": "object",
    "array": "array", "list": "array", "tuple": "array", "set": "array",
    "any": "any", "null": "null",
}  # fmt: skip
SCALARS = frozenset({"string", "integer", "number"})
# Field names that mean little alone and are qualified by their owner: ``id`` of a booking -> booking_id.
QUALIFY = frozenset({"id", "name", "title", "number", "code", "key", "url", "email", "date"})
# Container names that do not name an entity (``booking_history.booking_id`` is about a booking).
_CONTAINER_WORDS = frozenset(
    {"history", "list", "info", "detail", "data", "result", "record", "item", "entry", "summary",
     "response", "collection", "page", "output", "content", "match", "matching", "all", "current"}
)  # fmt: skip
_MAX_DEPTH = 6
_MAX_FIELDS = 256


@dataclass(slots=True)
class FieldInfo:
    """One output field or parameter (part) of one tool, as the builder compares them.

    ``path``: output path (``flights[].flight_id``) or parameter path (``booking_id``,
    ``flights[].flight_number``); ``param``: the top-level parameter (inputs only);
    ``fields``: for objects and arrays of objects, the keys an output has or a parameter needs;
    ``key``: the matching key of the leaf name; ``aliases``: other keys it answers to
    (``booking_id`` for the ``id`` of a booking); ``many``: an output path that yields several
    values (it has ``[]``) or an array parameter; ``top``: a whole top-level parameter.
    """

    tool: int
    path: str
    param: str
    key: str
    aliases: tuple[str, ...]
    type: str
    item: str
    many: bool
    fmt: str
    enum: frozenset[str] | None
    desc: frozenset[str]
    required: bool
    top: bool
    fields: frozenset[str] = frozenset()  # keys of an object (or of array items): outputs all, inputs required

    @property
    def toks(self) -> list[str]:
        """The tokens of :attr:`key`."""
        return self.key.split("_")


def norm_type(schema: Any, root: Any = None) -> tuple[str, dict[str, Any]]:
    """``(type, resolved schema)``: resolves ``$ref``, ``anyOf``/``oneOf``/``allOf`` and type lists."""
    s = _resolve(schema, root)
    for _ in range(_MAX_DEPTH):
        if not isinstance(s, dict):
            return "any", {}
        if "type" in s:
            break
        alts = s.get("anyOf") or s.get("oneOf") or s.get("allOf")
        if not isinstance(alts, list) or not alts:
            break
        picked = None
        for alt in alts:
            alt = _resolve(alt, root)
            if isinstance(alt, dict) and _TYPE_ALIASES.get(str(alt.get("type", "")).lower()) != "null":
                picked = alt
                break
        if picked is None:
            return "null", s
        s = picked
    if not isinstance(s, dict):
        return "any", {}
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if _TYPE_ALIASES.get(str(x).lower()) != "null"), "null")
    if t is None:
        if "properties" in s:
            return "object", s
        if "items" in s:
            return "array", s
        if "enum" in s:
            return "string", s
        return "any", s
    return _TYPE_ALIASES.get(str(t).lower(), "any"), s


def _resolve(schema: Any, root: Any) -> Any:
    seen = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < _MAX_DEPTH:
        ref = schema["$ref"]
        seen += 1
        if not ref.startswith("#/") or not isinstance(root, dict):
            return {k: v for k, v in schema.items() if k != "$ref"}
        node: Any = root
        for part in ref[2:].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return {k: v for k, v in schema.items() if k != "$ref"}
        schema = node
    return schema


def _enum(s: dict[str, Any]) -> frozenset[str] | None:
    e = s.get("enum")
    if isinstance(e, list) and e:
        return frozenset(str(v).lower() for v in e if v is not None)
    return None


def _entity(key: str) -> str:
    """The entity a container key names (``user_tweets`` -> ``tweet``), or ''."""
    if not key or specificity(key) == "noise":
        return ""
    for tok in reversed(key.split("_")):
        if tok not in _CONTAINER_WORDS and specificity(tok) != "noise":
            return tok
    return ""


def _aliases(key: str, owner: str) -> tuple[str, ...]:
    if owner and key in QUALIFY and not key.startswith(owner):
        return (f"{owner}_{key}",)
    return ()


def output_fields(tool_index: int, name: str, returns: Any) -> list[FieldInfo]:
    """The output fields of a tool's ``returns`` schema (empty when there is none)."""
    if not isinstance(returns, dict) or not returns:
        return []
    out: list[FieldInfo] = []
    _verb, entity, compound = parse_tool_name(name)
    t, s = norm_type(returns, returns)
    if t == "object" and isinstance(s.get("properties"), dict):
        _walk_props(out, tool_index, s["properties"], "", entity, returns, 0)
    elif t in ("null", "any") and not s:
        return []
    else:
        _emit(out, tool_index, compound or "result", s, "", entity, returns, 0, root_key=True)
    return out


def _walk_props(out: list[FieldInfo], ti: int, props: dict[str, Any], prefix: str, owner: str, root: Any, depth: int) -> None:
    for k, sub in props.items():
        if len(out) >= _MAX_FIELDS:
            return
        path = f"{prefix}.{k}" if prefix else str(k)
        _emit(out, ti, str(k), sub, path, owner, root, depth)


def _emit(out: list[FieldInfo], ti: int, name: str, schema: Any, path: str, owner: str, root: Any, depth: int,
          *, root_key: bool = False) -> None:  # fmt: skip
    if depth > _MAX_DEPTH:
        return
    t, s = norm_type(schema, root)
    if t == "null":
        return
    key = key_of(name) if not root_key else name
    _, plural = key_tokens(name)
    desc = text_tokens(str(s.get("description", "") or "")) | key_words(key)
    many = "[]" in path
    fmt = infer_format(s.get("format") if isinstance(s.get("format"), str) else None, key)
    aliases = _aliases(key, owner)
    if t == "array":
        it, items = norm_type(s.get("items", {}), root)
        out.append(FieldInfo(ti, path, "", key, aliases, "array", it, True, fmt, None, desc, False, False,
                             _keys(items, root, required_only=False)))
        item_path = f"{path}[]"
        if it in SCALARS or it == "any":
            idesc = desc | text_tokens(str(items.get("description", "") or ""))
            ifmt = infer_format(items.get("format") if isinstance(items.get("format"), str) else None, key)
            out.append(FieldInfo(ti, item_path, "", key, aliases, it, "", True, ifmt, _enum(items), idesc, False, False))
        elif it == "object" and isinstance(items.get("properties"), dict):
            _walk_props(out, ti, items["properties"], item_path, _entity(key) or owner, root, depth + 1)
        return
    if t == "object":
        out.append(FieldInfo(ti, path, "", key, aliases, "object", "", many or plural, fmt, None, desc, False, False,
                             _keys(s, root, required_only=False)))
        props = s.get("properties")
        if isinstance(props, dict):
            _walk_props(out, ti, props, path, _entity(key) or owner, root, depth + 1)
        return
    out.append(FieldInfo(ti, path, "", key, aliases, t, "", many, fmt, _enum(s), desc, False, False))


def _keys(schema: Any, root: Any, *, required_only: bool) -> frozenset[str]:
    """Keys of an object schema: all of them, or the required ones (all when none is required)."""
    t, s = norm_type(schema, root)
    props = s.get("properties") if t == "object" else None
    if not isinstance(props, dict):
        return frozenset()
    if required_only and isinstance(s.get("required"), list) and s["required"]:
        return frozenset(str(k) for k in s["required"])
    return frozenset(str(k) for k in props)


def input_fields(tool_index: int, name: str, parameters: Any) -> list[FieldInfo]:
    """The parameters of a tool, and one level of parts of object / array-of-object parameters."""
    if not isinstance(parameters, dict):
        return []
    props = parameters.get("properties")
    if not isinstance(props, dict):
        return []
    required = set(parameters.get("required") or ())
    _verb, entity, _compound = parse_tool_name(name)
    out: list[FieldInfo] = []
    for pname, sub in props.items():
        if len(out) >= _MAX_FIELDS:
            break
        pname = str(pname)
        t, s = norm_type(sub, parameters)
        key = key_of(pname)
        desc = text_tokens(str(s.get("description", "") or "")) | key_words(key)
        fmt = infer_format(s.get("format") if isinstance(s.get("format"), str) else None, key)
        item, items = ("", {})
        if t == "array":
            item, items = norm_type(s.get("items", {}), parameters)
        enum = _enum(s) if t != "array" else _enum(items)
        out.append(
            FieldInfo(tool_index, pname, pname, key, _aliases(key, entity), t, item, t == "array", fmt, enum, desc,
                      pname in required, True, _keys(items if t == "array" else s, parameters, required_only=True))  # fmt: skip
        )
        # parts: fields of an object parameter or of the items of an array parameter
        part_props, prefix = None, ""
        if t == "object" and isinstance(s.get("properties"), dict):
            part_props, prefix = s["properties"], pname + "."
        elif t == "array" and item == "object" and isinstance(items.get("properties"), dict):
            part_props, prefix = items["properties"], pname + "[]."
        if part_props:
            owner = _entity(key) or entity
            for k, psub in part_props.items():
                pt, ps = norm_type(psub, parameters)
                if pt not in SCALARS:
                    continue
                pk = key_of(str(k))
                pdesc = text_tokens(str(ps.get("description", "") or "")) | key_words(pk)
                pfmt = infer_format(ps.get("format") if isinstance(ps.get("format"), str) else None, pk)
                out.append(
                    FieldInfo(tool_index, prefix + str(k), pname, pk, _aliases(pk, owner), pt, "", False, pfmt,
                              _enum(ps), pdesc, False, False)  # fmt: skip
                )
    return out
