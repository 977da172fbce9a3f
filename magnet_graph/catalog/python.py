"""Tools from Python: callables, classes (``Toolkit`` subclasses or plain classes) and modules.

Each public method is a tool: its parameters come from the type hints (through pydantic's
``TypeAdapter``: ``Literal`` -> ``enum``, ``Optional``, ``list[...]``, ``dict``, ``TypedDict``,
pydantic models, defaults), the descriptions from the docstring (Google, numpy or reST, read by
docstring_parser), and ``returns`` from the return annotation. A parameter without a hint takes
its type from its default, else it has no type constraint (and a warning says so).
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import sys
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import docstring_parser
import orjson
import typing_extensions
from pydantic import TypeAdapter

from ..toolkit import Toolkit
from ..types import Binding, Tool
from .dialects import finish_tool
from .report import Entry, Notes, Problem
from .schema import SchemaConverter, check_schema

__all__ = ["tools_from_callable", "tools_from_class", "class_entries", "binding_for", "init_mode",
           "public_methods", "import_object", "module_classes", "toolkit_name"]

_TOOLKIT_ATTRS = frozenset(dir(Toolkit))
_DEFAULT_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
                  tuple: "array", dict: "object"}


# -- public API -----------------------------------------------------------------------------
def tools_from_callable(*fns: Callable[..., Any], toolkit: str = "") -> list[Tool]:
    """Tools from plain functions (one per function); raises CatalogError on the first error.

    ``toolkit`` defaults to the last part of each function's module name.
    """
    tools = []
    for fn in fns:
        kit = toolkit or getattr(fn, "__module__", "").rsplit(".", 1)[-1]
        entry = callable_entry(fn, name=getattr(fn, "__name__", "tool"), toolkit=kit,
                               source=_qualname(fn), skip_first=False)
        _raise_first(entry.problems)
        assert entry.tool is not None
        tools.append(entry.tool)
    return tools


def tools_from_class(cls: type) -> list[Tool]:
    """Tools from the public methods of ``cls``; raises CatalogError on the first error."""
    entries, problems = class_entries(cls, source=f"py:{cls.__module__}:{cls.__qualname__}")
    _raise_first(problems)
    for e in entries:
        _raise_first(e.problems)
    return [e.tool for e in entries if e.tool is not None]


# -- classes --------------------------------------------------------------------------------
def toolkit_name(cls: type) -> str:
    """``cls.name()`` for a Toolkit subclass, else the class name."""
    if issubclass(cls, Toolkit):
        return cls.name()
    return cls.__name__


def public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    """Public methods of ``cls`` (and its bases, except ``object`` and ``Toolkit``), in order.

    Methods of the subclass come first, in definition order; properties, classmethods and
    Toolkit's own API (``name``, ``default_state``, ``candidates`` ...) are not tools.
    """
    found: dict[str, Callable[..., Any]] = {}
    seen: set[str] = set()  # a name defined lower in the MRO hides the bases' one, method or not
    toolkit = issubclass(cls, Toolkit)
    for klass in cls.__mro__:
        if klass is object or klass is Toolkit:
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_") or name in seen or (toolkit and name in _TOOLKIT_ATTRS):
                continue
            seen.add(name)
            if isinstance(attr, staticmethod):
                found[name] = attr.__func__
            elif inspect.isfunction(attr):
                found[name] = attr
    return found


def class_entries(cls: type, *, source: str) -> tuple[list[Entry], list[Problem]]:
    """One entry per public method of ``cls`` (problems kept per tool) and class-level problems."""
    kit = toolkit_name(cls)
    hints = getattr(cls, "hints", {}) or {}
    class_notes = Notes(source)
    methods = public_methods(cls)
    if not methods:
        class_notes.error(f"class {cls.__qualname__} has no public methods",
                          fix="tools are the public methods (names not starting with '_')")
    entries = []
    for name, fn in methods.items():
        static = isinstance(inspect.getattr_static(cls, name, None), staticmethod)
        tool_hints = tuple(hints.get(name, ())) if isinstance(hints, Mapping) else ()
        entries.append(callable_entry(fn, name=name, toolkit=kit, source=source, skip_first=not static,
                                      binding=name, hints=tool_hints))
    return entries, class_notes.problems


def init_mode(cls: type) -> str:
    """How an executor makes an instance of ``cls`` from a state dict.

    ``toolkit``: ``cls(state)`` (a :class:`Toolkit`); ``load_scenario``: ``cls()`` then
    ``obj._load_scenario(state)`` (BFCL's classes); ``init_state``: ``cls(state)`` (its
    ``__init__`` takes one argument); ``attributes``: ``cls()`` then ``setattr`` per key.
    """
    if issubclass(cls, Toolkit):
        return "toolkit"
    if callable(getattr(cls, "_load_scenario", None)):
        return "load_scenario"
    try:
        params = [p for p in inspect.signature(cls).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return "attributes"
    if len(params) >= 1 and all(p.default is not p.empty for p in params[1:]):
        return "init_state"
    return "attributes"


def binding_for(cls: type, *, source: str, notes: Notes) -> Binding | None:
    """The :class:`Binding` of a class (``None``, with an error noted, if it cannot have one).

    For a :class:`Toolkit`: its ``generate_state``/``default_state``. A plain class has no state
    of its own (``--state`` gives one); the executor builds it as :func:`init_mode` says.
    """
    kit = toolkit_name(cls)
    if issubclass(cls, Toolkit):
        try:
            default = cls.default_state()
            orjson.dumps(default)
        except Exception as exc:  # user code: report, never a traceback
            notes.error(f"{cls.__qualname__}.default_state() failed: {type(exc).__name__}: {exc}",
                        field="default_state", fix="return plain JSON data")
            return None
        return Binding(toolkit=kit, cls=cls, state_factory=cls.generate_state, default_state=default, source=source)
    return Binding(toolkit=kit, cls=cls, state_factory=None, default_state=None, source=source)


# -- modules --------------------------------------------------------------------------------
def import_object(spec: str, *, notes: Notes) -> Any:
    """Import ``module`` or ``module:attr.path``; ``None`` (with an error noted) on failure."""
    module_name, _, attr = spec.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        notes.error(f"cannot import module {module_name!r} ({exc})",
                    fix="check the name and that its folder is on PYTHONPATH")
        return None
    except Exception as exc:  # user code: report, never a traceback
        notes.error(f"importing {module_name!r} failed: {type(exc).__name__}: {exc}", fix="fix the module")
        return None
    for part in [p for p in attr.split(".") if p]:
        if not hasattr(obj, part):
            notes.error(f"module {module_name!r} has no attribute {attr!r}", fix="check the spelling (module:Class)")
            return None
        obj = getattr(obj, part)
    return obj


def module_classes(module: Any) -> list[type]:
    """Toolkit subclasses defined in ``module``; if there are none, its public classes."""
    own = [c for n, c in vars(module).items() if inspect.isclass(c) and not n.startswith("_")
           and c.__module__ == module.__name__]
    kits = [c for c in own if issubclass(c, Toolkit) and c is not Toolkit]
    return kits or [c for c in own if not issubclass(c, (BaseException, enum.Enum)) and not _is_typing_helper(c)]


def _is_typing_helper(cls: type) -> bool:
    return typing.is_typeddict(cls) or getattr(cls, "_is_protocol", False) or hasattr(cls, "model_fields")


# -- one callable ----------------------------------------------------------------------------
@dataclass(slots=True)
class _Param:
    name: str
    schema: dict[str, Any]
    required: bool


def callable_entry(fn: Callable[..., Any], *, name: str, toolkit: str, source: str, skip_first: bool,
                   binding: str | None = None, hints: tuple[str, ...] = ()) -> Entry:
    """Convert one function or method to an :class:`Entry`."""
    notes = Notes(source, name)
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        notes.error(f"no readable signature ({exc})", fix="use a plain def")
        return Entry(name, toolkit, source, None, notes.problems)
    try:
        annotations = typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:  # unresolvable forward references in user code
        notes.error(f"type hints cannot be resolved ({type(exc).__name__}: {exc})", field="annotations",
                    fix="import every name the hints use")
        return Entry(name, toolkit, source, None, notes.problems)
    doc = docstring_parser.parse(inspect.getdoc(fn) or "")
    param_docs = {p.arg_name: (p.description or "").strip() for p in doc.params}
    params = list(sig.parameters.values())
    if skip_first and params:
        params = params[1:]
    props: dict[str, Any] = {}
    required: list[str] = []
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            notes.warn(f"*{p.name} / **{p.name} cannot be described; ignored", field=f"parameters/{p.name}")
            continue
        one = _param_schema(p, annotations, notes)
        if one is None:
            continue
        if param_docs.get(p.name) and "description" not in one.schema:
            one.schema["description"] = param_docs[p.name]
        props[p.name] = one.schema
        if one.required:
            required.append(p.name)
    parameters: dict[str, Any] | None = {"type": "object", "properties": props}
    if required:
        parameters["required"] = required  # type: ignore[index]
    if not check_schema(parameters, notes=notes, field="parameters"):
        parameters = None
    returns = _returns(annotations.get("return", inspect.Signature.empty),
                       (doc.returns.description or "").strip() if doc.returns else "", notes)
    description = "\n\n".join(x for x in (doc.short_description, doc.long_description) if x)
    tool = finish_tool(notes, name=name, description=description, parameters=parameters, returns=returns,
                       toolkit=toolkit, dialect="python", source=source, field="docstring", binding=binding,
                       hints=tuple(str(h) for h in hints))
    return Entry(name, toolkit, source, tool, notes.problems)


def _param_schema(p: inspect.Parameter, annotations: dict[str, Any], notes: Notes) -> _Param | None:
    field = f"parameters/{p.name}"
    has_default = p.default is not p.empty
    if p.name in annotations:
        schema = _type_schema(annotations[p.name], notes, field)
        if schema is None:
            return None
    elif has_default and type(p.default) in _DEFAULT_TYPES:
        schema = {"type": _DEFAULT_TYPES[type(p.default)]}
    else:
        schema = {}
        notes.warn(f"parameter {p.name!r} has no type hint; any value is accepted", field=field,
                   fix="add a type hint")
    if has_default:
        try:
            orjson.dumps(p.default)
        except TypeError:
            notes.warn(f"the default of {p.name!r} is not JSON; left out of the schema", field=field)
        else:
            schema["default"] = list(p.default) if isinstance(p.default, tuple) else p.default
    return _Param(p.name, schema, required=not has_default)


@functools.lru_cache(maxsize=4096)
def _cached_json_schema(annotation: Any) -> bytes:
    return orjson.dumps(TypeAdapter(_compat(annotation, {})).json_schema())


def _json_schema(annotation: Any) -> dict[str, Any]:
    """pydantic's JSON Schema of a type hint (cached: building a TypeAdapter costs ~1 ms)."""
    try:
        hash(annotation)
    except TypeError:
        return TypeAdapter(_compat(annotation, {})).json_schema()
    return orjson.loads(_cached_json_schema(annotation))  # a fresh copy: callers add keys


def _type_schema(annotation: Any, notes: Notes, field: str) -> dict[str, Any] | None:
    try:
        raw = _json_schema(annotation)
    except Exception as exc:  # pydantic raises several kinds for unsupported types
        why = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        notes.error(f"type hint {_show(annotation)} has no JSON Schema ({why})", field=field,
                    fix="use JSON types, Literal, list/dict, TypedDict or a pydantic model")
        return None
    out = SchemaConverter(raw, dialect="python").convert(raw, notes=notes, field=field)
    return out if isinstance(out, dict) else {}


def _compat(tp: Any, memo: dict[Any, Any]) -> Any:
    """Rewrite ``typing.TypedDict`` classes (anywhere inside ``tp``) as ``typing_extensions``
    ones: pydantic refuses the former before Python 3.12."""
    if typing.is_typeddict(tp) and type(tp).__module__ == "typing" and sys.version_info < (3, 12):
        if tp in memo:
            return memo[tp]
        memo[tp] = tp  # a recursive TypedDict falls back to itself (and pydantic names the problem)
        hints = typing.get_type_hints(tp, include_extras=True)
        fields = {k: (typing_extensions.Required if k in tp.__required_keys__ else typing_extensions.NotRequired)[
            _compat(v, memo)] for k, v in hints.items()}
        new = typing_extensions.TypedDict(tp.__name__, fields)  # type: ignore[operator]
        new.__doc__, new.__module__ = tp.__doc__, tp.__module__
        memo[tp] = new
        return new
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if not args or origin is None or origin is typing.Literal:
        return tp
    new_args = tuple(_compat(a, memo) for a in args)
    if all(a is b for a, b in zip(new_args, args)):
        return tp
    if origin is typing.Annotated:
        return typing.Annotated[(new_args[0], *tp.__metadata__)]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[new_args]
    try:
        return tp.copy_with(new_args)  # typing.List[...] and friends
    except AttributeError:
        return origin[new_args if len(new_args) > 1 else new_args[0]]


def _returns(annotation: Any, description: str, notes: Notes) -> dict[str, Any] | None:
    if annotation is inspect.Signature.empty or annotation is None or annotation is type(None) or annotation is Any:
        return None
    schema = _type_schema(annotation, notes, "returns")
    if schema is None:
        return None
    if description and "description" not in schema:
        schema["description"] = description
    return schema if check_schema(schema, notes=notes, field="returns") else None


def _show(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or repr(annotation)


def _qualname(fn: Any) -> str:
    return f"py:{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', getattr(fn, '__name__', '?'))}"


def _raise_first(problems: list[Problem]) -> None:
    for p in problems:
        if p.severity == "error":
            raise p.as_error()
