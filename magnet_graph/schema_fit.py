"""Whether a value fits a JSON Schema: a small, conservative checker used on hot paths.

``fits`` says True only when it is sure the value is valid (the callers fall back to
jsonschema otherwise); ``fits_checker`` compiles the same test once per schema;
``json_equal`` compares JSON values the way JSON Schema does (1 == 1.0, True != 1).
"""

from __future__ import annotations

import math
import operator
import re
from typing import Any, Callable


_TYPE_ALIASES = {
    "dict": "object",
    "float": "number",
    "int": "integer",
    "str": "string",
    "bool": "boolean",
    "list": "array",
    "tuple": "array",
    "any": None,
}


_MAX_DEPTH = 12


def resolve_ref(root: Any, ref: Any) -> Any:
    """Follow a local ``#/...`` JSON pointer inside ``root`` (``None`` when it cannot)."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    node = root
    for part in ref[1:].split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _multiple_ok(value: float, step: float) -> bool:
    """The multipleOf test as jsonschema applies it (float quotient must be integral)."""
    if isinstance(step, float) or isinstance(value, float):
        q = value / step
        return math.isfinite(q) and int(q) == q
    return value % step == 0


_UNFIT_KEYS = frozenset(
    "patternProperties propertyNames dependentRequired dependentSchemas dependencies if then else "
    "contains minContains maxContains unevaluatedProperties unevaluatedItems $dynamicRef "
    "$recursiveRef additionalItems".split()
)


_FORMATS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}\Z"),
    "date-time": re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"),
    "email": re.compile(r"[^@\s]+@[^@\s]+\Z"),
    "uuid": re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"),
    "ipv4": re.compile(r"((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\Z"),
}


def json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b or _is_num(a) and _is_num(b) and a == b


def _is_type(v: Any, t: Any) -> bool:
    t = _TYPE_ALIASES.get(t, t) if isinstance(t, str) else t
    if t is None:
        return True
    if t == "string":
        return isinstance(v, str)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer()
    if t == "number":
        return _is_num(v)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "null":
        return v is None
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, (list, tuple))
    return False


def fits(value: Any, schema: Any, root: Any, depth: int = 0) -> bool:
    """Whether ``value`` surely validates against ``schema`` (False when unsure)."""
    if schema is True or schema == {}:
        return True
    if schema is False or not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return False
    if not _UNFIT_KEYS.isdisjoint(schema):
        return False
    if "$ref" in schema:
        target = resolve_ref(root, schema["$ref"])
        if target is None or not fits(value, target, root, depth + 1):
            return False
    if "const" in schema and not json_equal(value, schema["const"]):
        return False
    if "enum" in schema and not any(json_equal(value, e) for e in schema["enum"]):
        return False
    t = schema.get("type")
    if t is not None and not any(_is_type(value, x) for x in (t if isinstance(t, list) else [t])):
        return False
    if "anyOf" in schema and not any(fits(value, s, root, depth + 1) for s in schema["anyOf"]):
        return False
    if "oneOf" in schema and sum(fits(value, s, root, depth + 1) for s in schema["oneOf"]) != 1:
        return False
    if "allOf" in schema and not all(fits(value, s, root, depth + 1) for s in schema["allOf"]):
        return False
    if "not" in schema:  # cannot prove a negative cheaply
        return False
    if isinstance(value, str):
        return _fits_string(value, schema)
    if _is_num(value):
        return _fits_number(value, schema)
    if isinstance(value, (list, tuple)):
        return _fits_array(value, schema, root, depth)
    if isinstance(value, dict):
        return _fits_object(value, schema, root, depth)
    return True


def _fits_string(value: str, schema: dict) -> bool:
    if len(value) < schema.get("minLength", 0):
        return False
    hi = schema.get("maxLength")
    if hi is not None and len(value) > hi:
        return False
    pattern = schema.get("pattern")
    if pattern is not None:
        try:
            if re.search(pattern, value) is None:
                return False
        except re.error:
            return False
    check = _FORMATS.get(schema.get("format", ""))
    return check is None or check.match(value) is not None


def _fits_number(value: float, schema: dict) -> bool:
    for key, ok in (
        ("minimum", lambda b: value >= b),
        ("maximum", lambda b: value <= b),
        ("exclusiveMinimum", lambda b: value > b),
        ("exclusiveMaximum", lambda b: value < b),
    ):
        bound = schema.get(key)
        if _is_num(bound) and not ok(bound):
            return False
        if bound is True:  # draft 4 boolean form
            return False
    step = schema.get("multipleOf")
    return step is None or _is_num(step) and step > 0 and _multiple_ok(value, step)


def _fits_array(value: Any, schema: dict, root: Any, depth: int) -> bool:
    if len(value) < schema.get("minItems", 0):
        return False
    hi = schema.get("maxItems")
    if hi is not None and len(value) > hi:
        return False
    prefix = schema.get("prefixItems") or []
    items = schema.get("items", True)
    for i, item in enumerate(value):
        sub = prefix[i] if i < len(prefix) else items
        if not fits(item, sub, root, depth + 1):
            return False
    if schema.get("uniqueItems"):  # JSON equality: 1 == 1.0, but True != 1
        for i in range(1, len(value)):
            if any(json_equal(value[i], value[j]) for j in range(i)):
                return False
    return True


def _fits_object(value: dict, schema: dict, root: Any, depth: int) -> bool:
    if any(k not in value for k in schema.get("required", ())):
        return False
    if len(value) < schema.get("minProperties", 0):
        return False
    hi = schema.get("maxProperties")
    if hi is not None and len(value) > hi:
        return False
    props = schema.get("properties") or {}
    extra = schema.get("additionalProperties", True)
    for k, v in value.items():
        sub = props.get(k, extra)
        if not fits(v, sub, root, depth + 1):
            return False
    return True


# ----------------------------------------------------------------------------------------
# fits() compiled once per schema (argument validation runs it for every call)
# ----------------------------------------------------------------------------------------
#
# The compiled tests evaluate the same conditions as fits(), in the same order (so a value
# that makes fits() raise makes them raise too), but each schema's keywords are read and
# specialised once: a "type" keyword becomes one predicate, a test with nothing to check is
# left out, and the common single-type schemas get one closure that tests the type and the
# keywords of that type together. Predicates that are bound C methods (``str.__instancecheck__``
# is ``isinstance(v, str)``) cost no Python frame per value.

_COMPOSED_KEYS = frozenset({"$ref", "anyOf", "oneOf", "allOf", "not"})
_KNOWN_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "object", "array"})
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# the bound keywords as comparisons: the value passes when ``op(value, bound)`` is true
_BOUND_OPS = {"minimum": operator.ge, "maximum": operator.le, "exclusiveMinimum": operator.gt, "exclusiveMaximum": operator.lt}


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def fits_checker(schema: Any, root: Any, depth: int = 0) -> Callable[[Any], bool]:
    """A function ``value -> fits(value, schema, root, depth)``, with the schema's keywords
    read once instead of at every call.

    Schemas with composition (``$ref``, ``anyOf`` ...) or unusual keyword values keep the
    generic :func:`fits` for their part, so the answer is always the same as ``fits``'.
    """
    if schema is True or schema == {}:
        return _always
    if schema is False or not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return _never
    if not _UNFIT_KEYS.isdisjoint(schema):
        return _never
    if not _COMPOSED_KEYS.isdisjoint(schema):
        return _compile_composed(schema, root, depth)
    try:
        return _compile_simple(schema, root, depth)
    except _NotSimple:
        return lambda value: fits(value, schema, root, depth)


class _NotSimple(Exception):
    """A schema :func:`_compile_simple` leaves to the generic :func:`fits`."""


def _compile_composed(schema: dict, root: Any, depth: int) -> Callable[[Any], bool]:
    """:func:`fits` for a schema with ``anyOf``, ``oneOf`` or ``allOf`` lists: each branch
    compiled, then the schema's own keywords. ``$ref`` and ``not`` stay with the generic
    :func:`fits`, and so does anything that cannot be compiled.
    """

    def generic(value: Any) -> bool:
        return fits(value, schema, root, depth)

    if "$ref" in schema or "not" in schema:
        return generic
    try:
        branches: dict[str, tuple[Callable[[Any], bool], ...]] = {}
        for key in ("anyOf", "oneOf", "allOf"):
            if key in schema:
                subs = schema[key]
                if type(subs) is not list:
                    raise _NotSimple
                branches[key] = tuple(fits_checker(s, root, depth + 1) for s in subs)
        return _compile_simple(schema, root, depth, branches)
    except Exception:  # _NotSimple, or a keyword value (a pattern re cannot compile) that fits()
        return generic  # only meets, and raises on, when a value reaches it


def _plain_number(v: Any) -> bool:
    return type(v) is int or type(v) is float


def _compile_simple(
    schema: dict, root: Any, depth: int, branches: dict[str, tuple[Callable[[Any], bool], ...]] | None = None
) -> Callable[[Any], bool]:
    """:func:`fits` for a schema whose keywords are all simple (raises :class:`_NotSimple`
    otherwise); ``branches`` holds the compiled ``anyOf``/``oneOf``/``allOf`` lists."""
    const = schema.get("const", _NO_VALUE)
    enum = schema.get("enum", _NO_VALUE)
    if enum is not _NO_VALUE and type(enum) is not list:
        raise _NotSimple
    names = _type_names(schema.get("type"))
    # built in this order (as before): a keyword that is not simple is found in the same place
    on_string = _string_test(schema)
    on_number = _number_test(schema)
    on_array = _array_test(schema, root, depth)
    plain = const is _NO_VALUE and enum is _NO_VALUE and not branches
    single = names[0] if plain and names is not None and len(names) == 1 else None
    on_object = _object_test(schema, root, depth, typed=single == "object")
    if single is not None:
        return _typed_check(single, on_string, on_number, on_array, on_object)
    type_ok = None if names is None else _type_predicate(names)
    # a string is JSON-equal to a constant or enum member only when that is a str equal to it
    const_is_str = type(const) is str
    enum_strs = frozenset(e for e in enum if type(e) is str) if enum is not _NO_VALUE else frozenset()
    any_of, one_of, all_of = (branches.get(key) if branches else None for key in ("anyOf", "oneOf", "allOf"))

    def check(value: Any) -> bool:
        if const is not _NO_VALUE:
            if type(value) is str:
                if not (const_is_str and value == const):
                    return False
            elif not json_equal(value, const):
                return False
        if enum is not _NO_VALUE:
            if type(value) is str:
                if value not in enum_strs:
                    return False
            elif not any(json_equal(value, e) for e in enum):
                return False
        if type_ok is not None and not type_ok(value):
            return False
        if any_of is not None and not any(test(value) for test in any_of):
            return False
        if one_of is not None and sum(test(value) for test in one_of) != 1:
            return False
        if all_of is not None and not all(test(value) for test in all_of):
            return False
        if isinstance(value, str):
            return on_string(value) if on_string is not None else True
        if _is_num(value):
            return on_number(value)
        if isinstance(value, (list, tuple)):
            return on_array(value)
        if isinstance(value, dict):
            return on_object(value)
        return True

    return check


_NO_VALUE = object()


def _type_names(t: Any) -> tuple[str, ...] | None:
    """The ``type`` keyword as known type names (aliases resolved); ``None`` when every
    value passes it (no keyword, or an ``any`` among the names)."""
    if t is None:
        return None
    names = []
    for x in t if isinstance(t, list) else [t]:
        x = _TYPE_ALIASES.get(x, x) if isinstance(x, str) else x
        if x is None:
            return None
        if not isinstance(x, str) or x not in _KNOWN_TYPES:
            raise _NotSimple
        names.append(x)
    return tuple(names)


def _is_integer(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer()


def _is_array(v: Any) -> bool:
    return isinstance(v, (list, tuple))


def _is_null(v: Any) -> bool:
    return v is None


# one predicate per type name: what _is_type(v, name) answers
_TYPE_PREDICATES: dict[str, Callable[[Any], bool]] = {
    "string": str.__instancecheck__,
    "integer": _is_integer,
    "number": _is_num,
    "boolean": bool.__instancecheck__,
    "null": _is_null,
    "object": dict.__instancecheck__,
    "array": _is_array,
}


def _type_predicate(names: tuple[str, ...]) -> Callable[[Any], bool]:
    """Whether a value has one of the types ``names`` (``any(_is_type(v, n) for n in names)``)."""
    if len(names) == 1:
        return _TYPE_PREDICATES[names[0]]
    tests = tuple(_TYPE_PREDICATES[n] for n in names)

    def test(value: Any) -> bool:
        for one in tests:
            if one(value):
                return True
        return False

    return test


def _typed_check(
    name: str,
    on_string: Callable[[str], bool] | None,
    on_number: Callable[[Any], bool],
    on_array: Callable[[Any], bool],
    on_object: Callable[[dict], bool],
) -> Callable[[Any], bool]:
    """The check of a schema whose ``type`` is the one type ``name`` and that has no
    ``const``, ``enum`` or composition: the type test, then the keywords of that type.

    A value of one type is never of another kind that fits() dispatches on (no class is
    both a str and a dict, say), so only that type's keywords can apply to it.
    """
    if name == "string":
        if on_string is None:
            return str.__instancecheck__

        def string_check(value: Any) -> bool:
            return on_string(value) if isinstance(value, str) else False

        return string_check
    if name == "boolean":
        return bool.__instancecheck__
    if name == "null":
        return _is_null
    if name == "object":
        return on_object  # made with typed=True: it tests isinstance(value, dict) itself
    if name == "array":

        def array_check(value: Any) -> bool:
            return on_array(value) if isinstance(value, (list, tuple)) else False

        return array_check
    is_type = _is_integer if name == "integer" else _is_num
    if on_number is _always:
        return is_type

    def number_check(value: Any) -> bool:
        return on_number(value) if is_type(value) else False

    return number_check


def _string_test(schema: dict) -> Callable[[str], bool] | None:
    """The string keywords as one test; ``None`` when every string passes them."""
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    if not _plain_number(lo) or hi is not None and not _plain_number(hi):
        raise _NotSimple
    pattern, fmt = schema.get("pattern"), schema.get("format", "")
    if pattern is not None and not isinstance(pattern, str) or not isinstance(fmt, str):
        raise _NotSimple
    try:
        rx = re.compile(pattern) if pattern is not None else None
    except re.error:  # fits() cannot prove such a string valid
        return _never
    check = _FORMATS.get(fmt)
    if lo <= 0:
        lo = None  # len(value) < lo cannot be true
    if lo is None and hi is None and rx is None and check is None:
        return None

    def test(value: str) -> bool:
        if lo is not None and len(value) < lo or hi is not None and len(value) > hi:
            return False
        if rx is not None and rx.search(value) is None:
            return False
        return check is None or check.match(value) is not None

    return test


def _number_test(schema: dict) -> Callable[[Any], bool]:
    if any(schema.get(key) is True for key in _BOUNDS):  # draft 4 boolean form: fits() says no
        return _never
    bounds = tuple((_BOUND_OPS[key], schema[key]) for key in _BOUNDS if _is_num(schema.get(key)))
    step = schema.get("multipleOf")
    if not bounds and step is None:
        return _always
    if step is not None and not (_is_num(step) and step > 0):
        return _never

    def test(value: Any) -> bool:
        for passes, bound in bounds:
            if not passes(value, bound):
                return False
        return step is None or _multiple_ok(value, step)

    return test


def _array_test(schema: dict, root: Any, depth: int) -> Callable[[Any], bool]:
    lo, hi = schema.get("minItems", 0), schema.get("maxItems")
    if not _plain_number(lo) or hi is not None and not _plain_number(hi):
        raise _NotSimple
    prefix = schema.get("prefixItems") or []
    if not isinstance(prefix, list):
        raise _NotSimple
    prefix_tests = [fits_checker(s, root, depth + 1) for s in prefix]
    item_test = fits_checker(schema.get("items", True), root, depth + 1)
    unique = bool(schema.get("uniqueItems"))

    def test(value: Any) -> bool:
        n = len(value)
        if n < lo or hi is not None and n > hi:
            return False
        if prefix_tests:
            for i, item in enumerate(value):
                if not (prefix_tests[i] if i < len(prefix_tests) else item_test)(item):
                    return False
        elif item_test is not _always:
            for item in value:
                if not item_test(item):
                    return False
        if unique:
            for i in range(1, n):
                if any(json_equal(value[i], value[j]) for j in range(i)):
                    return False
        return True

    return test


def _object_test(schema: dict, root: Any, depth: int, *, typed: bool = False) -> Callable[[Any], bool]:
    """The object keywords as one test; with ``typed``, a value that is not a dict fails it
    (the check of a schema of type object and nothing else, in one closure)."""
    required = schema.get("required", ())
    lo, hi = schema.get("minProperties", 0), schema.get("maxProperties")
    props = schema.get("properties") or {}
    if not isinstance(required, (list, tuple)) or not isinstance(props, dict):
        raise _NotSimple
    if not _plain_number(lo) or hi is not None and not _plain_number(hi):
        raise _NotSimple
    prop_tests = {k: fits_checker(s, root, depth + 1) for k, s in props.items()}
    extra_test = fits_checker(schema.get("additionalProperties", True), root, depth + 1)
    required = tuple(required)
    sized = not lo <= 0 or hi is not None  # else no length can fail the size keywords

    def test(value: Any) -> bool:
        if typed and not isinstance(value, dict):
            return False
        for k in required:
            if k not in value:
                return False
        if sized and (len(value) < lo or hi is not None and len(value) > hi):
            return False
        for k, v in value.items():
            if not prop_tests.get(k, extra_test)(v):
                return False
        return True

    return test
