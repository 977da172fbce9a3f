"""Catalog specs: what ``--catalog`` accepts, resolved to a :class:`~magnet_graph.types.Catalog`.

A spec is tried, in order, as: ``builtin``; the name of an entry point of the
``magnet_graph.catalogs`` group or of a built-in catalog; an existing file or folder (``./name``
forces a path); ``module:Class`` (or ``module:attr``); a dotted module path. See docs/catalogs.md.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, replace
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, Mapping, Sequence

import orjson

from ..types import Catalog, Tool
from .files import CATALOG_SUFFIXES, load_path
from .python import binding_for, class_entries, import_object, module_classes, public_methods, toolkit_name
from ..errors import catalog_error
from .report import CheckReport, CheckRow, Entry, Loaded, Notes, Problem
from .schema import check_schema

__all__ = ["GROUP", "resolve_catalog", "load_catalogs", "check_catalog", "list_catalogs", "CatalogListing",
           "builtin_names"]

GROUP = "magnet_graph.catalogs"


# -- public API -----------------------------------------------------------------------------
def resolve_catalog(spec: str, *, impl: str | None = None, state: str | None = None) -> Catalog:
    """Load one catalog spec; raises :class:`CatalogError` with the first problem found."""
    return load_catalogs([spec], impl=impl, state=state)


def load_catalogs(specs: Sequence[str], *, impl: str | None = None, state: str | None = None) -> Catalog:
    """Load and merge several specs (``builtin`` when empty); duplicate tool names are errors.

    The merged catalog's id joins the ids of its parts with ``+``.
    """
    loaded = _load_all(specs or ["builtin"], impl=impl, state=state)
    for one in loaded:
        first = one.first_error()
        if first is not None:
            raise first.as_error()
    tools = tuple(e.tool for one in loaded for e in one.entries if e.tool is not None)
    bindings = {k: b for one in loaded for k, b in one.bindings.items()}
    return Catalog(id="+".join(one.id for one in loaded), tools=tools, bindings=bindings)


def check_catalog(specs: Sequence[str], *, impl: str | None = None, state: str | None = None) -> CheckReport:
    """Load every spec and report every tool with all its problems (nothing raised)."""
    loaded = _load_all(specs or ["builtin"], impl=impl, state=state)
    bound = {name for one in loaded for name in one.bindings}
    rows: list[CheckRow] = []
    for one in loaded:
        rows.extend(CheckRow("", "", 0, False, (p,), p.source) for p in one.problems)
        for e in one.entries:
            t = e.tool
            problems = list(e.problems)
            if t is not None and t.returns is None and t.toolkit not in bound:
                problems.append(Problem("warning", catalog_error(
                    "no returns schema: simulated calls answer only {\"status\": \"ok\"} plus the arguments, "
                    "and the graph links this tool by names only", source=e.source, tool=t.name, field="returns",
                    fix="add a returns schema (OpenAPI: a 2xx JSON response) so later calls can use its output",
                ).args[0], e.source, t.name, "returns"))
            rows.append(CheckRow(e.label, t.toolkit if t else e.toolkit, len(t.properties) if t else 0,
                                 bool(t and t.returns is not None), tuple(problems), e.source))
    return CheckReport(specs=tuple(specs or ["builtin"]), rows=tuple(rows))


def builtin_names() -> dict[str, str]:
    """Built-in catalog names -> ``module:Class`` (from ``tool_catalogs.BUILTINS``)."""
    try:
        import tool_catalogs
    except ImportError:  # pragma: no cover - the package ships with magnet
        return {}
    found = getattr(tool_catalogs, "BUILTINS", None)
    return dict(found or {})


@dataclass(frozen=True, slots=True)
class CatalogListing:
    """One row of ``magnet catalog list``."""

    name: str
    source: str  # the entry point value, plus its distribution
    tools: int
    toolkits: tuple[str, ...]
    description: str
    error: str


def list_catalogs() -> list[CatalogListing]:
    """Every available catalog (entry points, then built-ins not installed as entry points).

    A catalog that fails to load gets its error in ``error`` instead of raising.
    """
    rows = []
    eps = _entry_points()
    table = builtin_names()
    for name in list(eps) + [n for n in table if n not in eps]:
        ep = eps.get(name)
        dist = getattr(getattr(ep, "dist", None), "name", "") if ep else ""
        where = f"{ep.value} ({dist})" if ep and dist else ep.value if ep else f"{table[name]} (built-in)"
        loaded = _load_one(name, impl=None)
        first = loaded.first_error()
        kits = tuple(dict.fromkeys(e.tool.toolkit for e in loaded.entries if e.tool is not None))
        desc = ""
        for b in loaded.bindings.values():
            desc = desc or str(getattr(b.cls, "description", "") or "").strip()
        rows.append(CatalogListing(name, where, sum(e.tool is not None for e in loaded.entries), kits,
                                   desc, first.message if first else ""))
    return rows


# -- loading ---------------------------------------------------------------------------------
def _load_all(specs: Sequence[str], *, impl: str | None, state: str | None) -> list[Loaded]:
    loaded = [_load_one(s, impl=impl) for s in specs]
    if state:
        _apply_state(loaded, state)
    _mark_duplicates(loaded)
    return loaded


def _apply_state(loaded: list[Loaded], state: str) -> None:
    """Give the bound classes the ``--state`` file: the entry keyed by their toolkit name
    (a BFCL-style ``initial_config``), or the whole file when exactly one class is bound."""
    notes = Notes(state, problems=loaded[0].problems)
    doc = _read_state(state, notes)
    if doc is None:
        return
    bound = [(one, kit) for one in loaded for kit in one.bindings]
    if not bound:
        notes.warn("--state is ignored: no catalog here is executable", fix="give --impl or a class catalog")
        return
    keyed = [(one, kit) for one, kit in bound if isinstance(doc.get(kit), dict)]
    if keyed:
        for one, kit in keyed:
            one.bindings[kit] = replace(one.bindings[kit], default_state=dict(doc[kit]), state_factory=None)
    elif len(bound) == 1:
        one, kit = bound[0]
        one.bindings[kit] = replace(one.bindings[kit], default_state=dict(doc), state_factory=None)
    else:
        notes.warn(f"--state has no entry for any of the toolkits {', '.join(k for _, k in bound)}",
                   fix='key it by toolkit name: {"Toolkit": {...}}')


def _load_one(spec: str, *, impl: str | None) -> Loaded:
    eps = _entry_points()
    if spec == "builtin":
        parts = [_load_one(n, impl=None) for n in _builtin_spec_names(eps)]
        return _combine("builtin", parts)
    path = Path(spec).expanduser()
    bare_name = spec in eps or spec in builtin_names()  # "./name" forces a local path
    if path.exists() and not bare_name:
        loaded = load_path(path, spec=spec)
        if impl:
            _bind_impl(loaded, impl)
        return loaded
    notes = Notes(spec)
    out = Loaded(id="", source=spec, problems=notes.problems)
    if impl:
        notes.warn("--impl applies to doc files only; ignored here")
    if spec in eps:
        out.id = f"ep:{spec}"
        try:
            obj = eps[spec].load()
        except Exception as exc:  # third-party code: report it, never a traceback
            notes.error(f"entry point {eps[spec].value!r} failed to load: {type(exc).__name__}: {exc}",
                        fix="install the package that provides it, or fix its module")
            return out
        return _from_object(obj, out)
    if spec in builtin_names():
        out.id = f"ep:{spec}"
        obj = import_object(builtin_names()[spec], notes=notes)
        return out if obj is None else _from_object(obj, out)
    if path.suffix.lower() in CATALOG_SUFFIXES or os.sep in spec or "/" in spec:
        notes.error("file not found", fix="check the path")
    elif ":" in spec or ("." in spec and _is_dotted(spec)) or (_is_dotted(spec) and _module_exists(spec)):
        out.id = f"py:{spec}"
        obj = import_object(spec, notes=notes)
        return out if obj is None else _from_object(obj, out)
    else:
        known = ", ".join(["builtin", *_builtin_spec_names(eps)])
        notes.error("unknown catalog: not a file, folder, entry point or module",
                    fix=f"use a path, module:Class, or one of: {known}")
    return out


def _builtin_spec_names(eps: Mapping[str, EntryPoint]) -> list[str]:
    names = list(builtin_names())
    return names + [n for n, ep in eps.items() if n not in names and ep.value.startswith("tool_catalogs.")]


def _from_object(obj: Any, out: Loaded) -> Loaded:
    """Fill ``out`` from what a spec names: class, module, Catalog, tools, callable or path."""
    notes = Notes(out.source, problems=out.problems)
    if isinstance(obj, Catalog):
        out.entries = [_checked_entry(t, out.source) for t in obj.tools]
        out.bindings = dict(obj.bindings)
    elif inspect.isclass(obj):
        _add_class(out, obj, notes)
    elif inspect.ismodule(obj):
        classes = module_classes(obj)
        if not classes:
            notes.error(f"module {obj.__name__!r} defines no class", fix="name a module with Toolkit subclasses")
        for cls in classes:
            _add_class(out, cls, notes)
    elif isinstance(obj, (str, os.PathLike)):
        loaded = load_path(Path(obj), spec=str(obj))
        out.entries = loaded.entries
        out.problems.extend(loaded.problems)
    elif callable(obj):
        try:
            made = obj()
        except Exception as exc:  # third-party code
            notes.error(f"calling {getattr(obj, '__qualname__', obj)!r} failed: {type(exc).__name__}: {exc}",
                        fix="fix the catalog factory")
            return out
        if isinstance(made, Catalog) or (isinstance(made, (list, tuple)) and all(isinstance(t, Tool) for t in made)):
            return _from_object(made if isinstance(made, Catalog) else Catalog(out.id, tuple(made)), out)
        notes.error(f"the factory returned {type(made).__name__}", fix="return a Catalog or a list of Tools")
    else:
        notes.error(f"names a {type(obj).__name__}, not a catalog",
                    fix="point at a Toolkit class, a class, a Catalog, a factory or a catalog file path")
    return out


def _add_class(out: Loaded, cls: type, notes: Notes) -> None:
    source = f"py:{cls.__module__}:{cls.__qualname__}"
    entries, problems = class_entries(cls, source=source)
    out.entries.extend(entries)
    out.problems.extend(problems)
    binding = binding_for(cls, source=source, notes=notes)
    if binding is not None:
        out.bindings[binding.toolkit] = binding


def _bind_impl(loaded: Loaded, impl: str) -> None:
    """Bind the tools of doc files to the methods of the ``--impl`` class(es) of the same names."""
    notes = Notes(impl, problems=loaded.problems)
    obj = import_object(impl, notes=notes)
    if obj is None:
        return
    classes = [obj] if inspect.isclass(obj) else module_classes(obj) if inspect.ismodule(obj) else []
    if not classes:
        notes.error(f"--impl names a {type(obj).__name__}, not a class or module", fix="give module:Class")
        return
    by_kit = {toolkit_name(c): c for c in classes} | {c.__name__: c for c in classes}
    methods = {c: public_methods(c) for c in classes}
    used: dict[type, set[str]] = {}
    for e in loaded.entries:
        if e.tool is None:
            continue
        cls = classes[0] if len(classes) == 1 else by_kit.get(e.tool.toolkit)
        tnotes = Notes(e.source, e.label, e.problems)
        if cls is None:
            tnotes.warn(f"no class for toolkit {e.tool.toolkit!r} in {impl}; the tool is not executable")
            continue
        kit = toolkit_name(cls)
        fn = methods[cls].get(e.tool.name)
        if fn is None:
            tnotes.warn(f"{cls.__qualname__} has no method {e.tool.name!r}; the tool is not executable",
                        fix="add the method or rename the tool")
            e.tool = e.tool.model_copy(update={"toolkit": kit})
            continue
        extra = _unaccepted(fn, e.tool)
        if extra:
            tnotes.warn(f"{cls.__qualname__}.{e.tool.name} does not accept {extra}", field="parameters",
                        fix="make the doc and the method agree")
        hints = getattr(cls, "hints", {}) or {}
        e.tool = e.tool.model_copy(update={"toolkit": kit, "binding": e.tool.name,
                                           "hints": tuple(hints.get(e.tool.name, ()))})
        e.toolkit = kit
        used.setdefault(cls, set()).add(e.tool.name)
    if not used:
        notes.error(f"no tool of the doc matches a public method of {impl}",
                    fix="check --impl: tools bind to methods of the same name")
        return
    for cls, names in used.items():
        missing = [m for m in methods[cls] if m not in names]
        if missing:
            notes.warn(f"public methods of {cls.__qualname__} with no doc entry: {', '.join(missing)}",
                       fix="they are not offered as tools; add them to the doc if they should be")
        binding = binding_for(cls, source=f"py:{cls.__module__}:{cls.__qualname__}", notes=notes)
        if binding is not None:
            loaded.bindings[binding.toolkit] = binding


def _unaccepted(fn: Any, tool: Tool) -> list[str]:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return []
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return []
    return [n for n in tool.properties if n not in params]


def _checked_entry(tool: Tool, source: str) -> Entry:
    notes = Notes(source, tool.name)
    if tool.parameters.get("type") != "object":
        notes.error("parameters must have type 'object'", field="parameters/type", fix="wrap the arguments")
    else:
        check_schema(tool.parameters, notes=notes, field="parameters")
    if tool.returns is not None:
        check_schema(tool.returns, notes=notes, field="returns")
    return Entry(tool.name, tool.toolkit, source, None if notes.failed else tool, notes.problems)


def _combine(spec: str, parts: list[Loaded]) -> Loaded:
    out = Loaded(id="+".join(p.id for p in parts), source=spec)
    for p in parts:
        out.entries.extend(p.entries)
        out.problems.extend(p.problems)
        out.bindings.update(p.bindings)
    return out


def _mark_duplicates(loaded: list[Loaded]) -> None:
    """Duplicate tool names (within and across specs) and toolkits bound twice are errors."""
    seen: dict[str, str] = {}
    kits: dict[str, tuple[type, str]] = {}
    for one in loaded:
        for e in one.entries:
            if e.tool is None:
                continue
            name = e.tool.name
            if name in seen:
                Notes(e.source, e.label, e.problems).error(
                    f"duplicate tool name {name!r} (first at {seen[name]})", field="name",
                    fix="rename one of them, or load only one of the catalogs")
            else:
                seen[name] = e.where()
        for kit, b in one.bindings.items():
            if kit in kits and kits[kit][0] is not b.cls:
                Notes(one.source, problems=one.problems).error(
                    f"toolkit {kit!r} is bound to two classes ({kits[kit][1]} and {b.source})",
                    fix="give the classes different toolkit names")
            kits.setdefault(kit, (b.cls, b.source))


def _read_state(state: str, notes: Notes) -> dict[str, Any] | None:
    try:
        doc = orjson.loads(Path(state).read_bytes())
    except OSError as exc:
        notes.error(f"cannot read the state file ({exc.strerror or exc})", fix="check the --state path")
        return None
    except orjson.JSONDecodeError as exc:
        notes.error(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", fix="fix the syntax there")
        return None
    if not isinstance(doc, dict):
        notes.error(f"the state must be a JSON object, found {type(doc).__name__}", fix="write {...}")
        return None
    return doc


def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep)
    return found


def _module_exists(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _is_dotted(spec: str) -> bool:
    return all(part.isidentifier() for part in spec.split("."))
