"""The execution environment of one conversation: validate, run or simulate tool calls.

An :class:`Environment` holds one instance of every involved *executable* toolkit (a
:class:`~magnet_graph.types.Binding` in the catalog), loaded with a recorded or seeded
initial state, and runs calls against it. Tools without an implementation get
schema-shaped simulated outputs (:mod:`magnet_graph.simulate`), deterministic in the
environment's seed, the tool name, the arguments and the earlier simulated calls of the
environment (an entity shown once, say a user by its username, keeps its fields in later
outputs: the environment's :class:`~magnet_graph.simulate.SimMemory`). Replaying the recorded calls from
``initial_state`` with the same seed reproduces every output and the end state; that is
what :func:`magnet_graph.verify.verify_record` checks.

Tool-level failures are outputs, not exceptions: a method that returns ``{"error": ...}``
or raises gives an error string; only a call that cannot be run at all (unknown tool,
toolkit not involved) raises :class:`~magnet_graph.errors.ExecutionError`.
"""

from __future__ import annotations

import hashlib
import inspect
import weakref
from collections import abc as _abc
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Mapping, NamedTuple

import orjson
from jsonschema import exceptions as _js_exceptions
from jsonschema import validators as _js_validators

from .errors import ExecutionError, catalog_error
from .seeding import derive_seed, seeded_random
from .schema_fit import fits_checker
from .simulate import SimMemory, simulate_output
from .toolkit import Toolkit, World, draw_world
from .types import Binding, Catalog

__all__ = [
    "Environment",
    "Outcome",
    "canonical_json",
    "content_id",
    "output_error",
    "to_jsonable",
    "validate_arguments",
]

_SORTED = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON bytes of ``obj`` (sorted keys, compact): the input of every content hash.

    >>> canonical_json({"b": 1, "a": [True, None]})
    b'{"a":[true,null],"b":1}'
    """
    try:  # orjson is slower with OPT_NON_STR_KEYS even when every key is a string
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # a non-string key (or data orjson refuses: raised again below)
        return orjson.dumps(obj, option=_SORTED)


def _json_text(obj: Any) -> bytes:
    """``orjson.dumps(obj, option=OPT_NON_STR_KEYS)``: the same bytes, without the option
    (which costs orjson time even when every key is a string) unless a key is not a str."""
    try:
        return orjson.dumps(obj)
    except TypeError:  # a non-string key (or data orjson refuses: raised again below)
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)


def content_id(record: Mapping[str, Any], *, tools_json: bytes | None = None) -> str:
    """The record id: first 24 hex digits of SHA-256 over the canonical JSON of ``record``
    without its ``id`` and ``provenance`` fields (see ``docs/record.md``).

    ``tools_json``, when given, must be the canonical JSON of ``record["tools"]`` (the
    translator keeps each tool's bytes, the largest part of a record, from one record to
    the next); the id is the same as without it.
    """
    body = dict(record)  # key order does not matter: the canonical JSON sorts the keys
    body.pop("id", None)
    body.pop("provenance", None)
    if tools_json is not None and "tools" in body:
        body["tools"] = _TOOLS_MARK
        text = canonical_json(body)
        at = text.find(_TOOLS_MARK_JSON)
        if at >= 0 and text.find(_TOOLS_MARK_JSON, at + 1) < 0:  # the mark occurs exactly once
            # hash the text with the tools' bytes in place of the mark, without building it
            view = memoryview(text)
            digest = hashlib.sha256(view[:at])
            digest.update(tools_json)
            digest.update(view[at + len(_TOOLS_MARK_JSON):])
            return digest.hexdigest()[:24]
        body["tools"] = record["tools"]
    return hashlib.sha256(canonical_json(body)).hexdigest()[:24]


_TOOLS_MARK = "\x00magnet:tools\x00"  # stands for the tools' bytes while the rest is serialized
_TOOLS_MARK_JSON = orjson.dumps(_TOOLS_MARK)


def output_error(output: Any) -> str | None:
    """The error message of a tool output, or ``None`` when the output is not an error.

    An output is an error when it is a dict with a top-level ``"error"`` key whose value is
    not ``None``.
    """
    if type(output) is dict:
        err = output.get("error")
        if err is not None:
            return err if isinstance(err, str) else orjson.dumps(err, default=str).decode()
    return None


# ----------------------------------------------------------------------------------------
# JSON-able conversion of outputs and of plain-class state
# ----------------------------------------------------------------------------------------


def _public_attrs(obj: Any) -> dict[str, Any]:
    """Public (non-underscore), non-callable instance attributes of ``obj``."""
    attrs = getattr(obj, "__dict__", None)
    if attrs is None:
        return {}
    return {k: v for k, v in attrs.items() if not k.startswith("_") and not callable(v)}


def to_jsonable(value: Any) -> Any:
    """A fresh plain-JSON copy of ``value``.

    Dicts, lists, tuples and sets become dicts and lists (sets sorted by their JSON text);
    objects become their public, non-callable attributes; a reference back to an object
    that contains it (a parent pointer) is dropped; anything else becomes ``str(value)``.
    """
    return _jsonable(value, set())


def _jsonable(value: Any, stack: set[int]) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    key = id(value)
    if key in stack:
        return _CYCLE
    stack.add(key)
    try:
        if isinstance(value, _abc.Mapping):
            out: dict[str, Any] = {}
            for k, v in value.items():
                item = _jsonable(v, stack)
                if item is not _CYCLE:
                    out[k if isinstance(k, str) else str(k)] = item
            return out
        if isinstance(value, (list, tuple)):
            return [x for x in (_jsonable(v, stack) for v in value) if x is not _CYCLE]
        if isinstance(value, (set, frozenset)):
            items = [x for x in (_jsonable(v, stack) for v in value) if x is not _CYCLE]
            return sorted(items, key=lambda x: orjson.dumps(x, option=_SORTED))
        isoformat = getattr(value, "isoformat", None)
        if callable(isoformat):
            return isoformat()
        if hasattr(value, "__dict__"):
            return _jsonable(_public_attrs(value), stack)
        return str(value)
    finally:
        stack.discard(key)


_CYCLE = object()
_UNRESOLVED = object()  # validate_arguments: no checker looked up yet (None: there is none)
_SIMULATED = "\x00simulated"  # Environment._cands: the group of the simulated tools


def _detach(output: Any) -> Any:
    """A plain-JSON copy of a tool output, so later state changes cannot alter it."""
    t = type(output)
    if t is dict:
        for k, v in output.items():
            t = type(v)
            if (t is str or t is int or t is bool or v is None or t is float and v - v == 0.0) and type(k) is str:
                continue
            break
        else:  # str keys and scalar values only (floats finite): the JSON round trip is a shallow copy
            return dict(output)
    elif output is None or isinstance(output, (str, bool, int, float)):
        return output
    try:
        return orjson.loads(_json_text(output))
    except TypeError:  # sets, objects, cycles: the careful (slower) conversion
        return to_jsonable(output)


# ----------------------------------------------------------------------------------------
# Argument validation: one compiled validator per (catalog, tool)
# ----------------------------------------------------------------------------------------

# id(catalog) -> (weak reference to the catalog, {tool name: validator}); an entry is
# removed when its catalog is garbage collected, so a reused id never hits a stale entry.
_VALIDATORS: dict[int, tuple[weakref.ref, dict[str, Any]]] = {}
# the same for the compiled fits() fast path: {tool name: arguments -> bool}
_CHECKERS: dict[int, tuple[weakref.ref, dict[str, Callable[[Any], bool]]]] = {}


def _per_catalog(registry: dict[int, tuple[weakref.ref, dict]], catalog: Catalog) -> dict:
    """The table of ``catalog`` in ``registry`` (made empty on first use)."""
    key = id(catalog)
    entry = registry.get(key)
    if entry is not None and entry[0]() is catalog:
        return entry[1]
    table: dict = {}
    ref = weakref.ref(catalog, lambda _r, key=key: registry.pop(key, None))
    registry[key] = (ref, table)
    return table


def _compile(catalog: Catalog, name: str) -> Any:
    tool = catalog.by_name[name]
    schema = tool.parameters
    cls = _js_validators.validator_for(schema, default=_js_validators.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except _js_exceptions.SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        raise catalog_error(
            f"invalid JSON Schema at {where}: {exc.message}",
            source=tool.source or catalog.id,
            tool=name,
            field="parameters",
            fix="fix the schema or reload the catalog with `magnet catalog check`",
        ) from None
    return cls(schema)


def _pointer(path: Iterable[Any]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts)


def validate_arguments(catalog: Catalog, name: str, arguments: Any) -> list[str]:
    """JSON Schema errors of ``arguments`` for tool ``name`` (``[]`` when valid).

    Each error is ``"<JSON pointer>: <message>"`` (the root is ``/``), shallowest first.
    Raises :class:`ExecutionError` for an unknown tool and
    :class:`~magnet_graph.errors.CatalogError` when the tool's schema itself is invalid.

    Fast path: :func:`~magnet_graph.simulate.fits` is a small conservative checker (True
    only when the arguments surely validate), compiled once per tool and catalog
    (:func:`~magnet_graph.simulate.fits_checker`). jsonschema runs only when it is unsure and
    to word the errors; its validator (Draft 2020-12 unless ``$schema`` says otherwise) is
    checked and compiled once per tool and catalog, on first need. Draft 4/3 schemas
    differ (``1.0`` is no integer there), so they always take the full path.
    """
    entry = _CHECKERS.get(id(catalog))  # _per_catalog, inline for the common case
    checkers = entry[1] if entry is not None and entry[0]() is catalog else _per_catalog(_CHECKERS, catalog)
    check = checkers.get(name, _UNRESOLVED)
    if check is _UNRESOLVED:  # first call for this tool: only known tools get an entry
        tool = catalog.by_name.get(name)
        if tool is None:
            raise ExecutionError(f"unknown tool {name!r}: it is not in catalog {catalog.id!r}")
        schema = tool.parameters
        check = checkers[name] = fits_checker(schema, schema) if "$schema" not in schema else None
    if check is not None and check(arguments):
        return []
    table = _per_catalog(_VALIDATORS, catalog)
    validator = table.get(name)
    if validator is None:
        validator = table[name] = _compile(catalog, name)
    errors = list(validator.iter_errors(arguments))
    if not errors:
        return []
    errors.sort(key=lambda e: (len(e.absolute_path), _pointer(e.absolute_path), e.message))
    return [f"{_pointer(e.absolute_path)}: {e.message}" for e in errors]


# ----------------------------------------------------------------------------------------
# The environment
# ----------------------------------------------------------------------------------------

# What running a tool reads of it, as plain values (a pydantic field read costs more than a
# tuple's): (binding, or None when the tool is simulated in this catalog; toolkit; returns
# schema; description). One table per catalog, kept on it, filled as tools are met.
_ToolRow = tuple[str | None, str, Any, str]


def _tool_rows(catalog: Catalog) -> dict[str, _ToolRow]:
    """The catalog's table of :data:`_ToolRow` by tool name (made empty on first use)."""
    rows = catalog.__dict__.get("_magnet_exec_rows")
    if rows is None:
        rows = catalog.__dict__["_magnet_exec_rows"] = {}
    return rows


def _tool_row(catalog: Catalog, tool: Any) -> _ToolRow:
    """The row of ``tool`` (a tool of ``catalog``), added to the catalog's table."""
    executable = tool.binding is not None and tool.toolkit in catalog.bindings
    row = (tool.binding if executable else None, tool.toolkit, tool.returns, tool.description)
    _tool_rows(catalog)[tool.name] = row
    return row


class Outcome(NamedTuple):
    """The result of one call: ``output`` (plain JSON), ``error`` (message or ``None``) and
    ``simulated`` (True when the output was synthesized from the tool's returns schema).
    A tuple, so ``output, error, simulated = env.execute(...)`` works."""

    output: Any
    error: str | None
    simulated: bool


@lru_cache(maxsize=None)
def _init_mode(cls: type) -> str:
    """How to build ``cls`` from a state dict, as the catalog loader decides it
    (:func:`magnet_graph.catalog.init_mode`): ``toolkit``, ``load_scenario``,
    ``init_state`` or ``attributes``; cached per class."""
    from .catalog import init_mode  # the one rule shared with `magnet catalog check`

    return init_mode(cls)


def _keeps_generated(binding: Binding) -> bool:
    """Whether an instance of ``binding.cls`` may take the state its ``state_factory`` just
    made as its own, instead of a copy parsed from the serialized state (the same data).

    True for a :class:`~magnet_graph.toolkit.Toolkit` with the base ``__init__`` that declares
    ``fresh_state`` (its ``generate_state`` returns new plain JSON data, shared with nothing),
    when the factory is that ``generate_state``.
    """
    cls = binding.cls
    return _fresh_state_class(cls) and binding.state_factory == cls.generate_state  # type: ignore[attr-defined]


def _takes_world(factory: Callable[..., Any]) -> bool:
    """Whether the state factory ``factory`` has a parameter named ``world`` (positional or
    keyword) and so is called ``factory(rng, world=...)``; decided once per function (the
    ``generate_state`` of a class), not per call."""
    func = getattr(factory, "__func__", factory)  # a bound classmethod: its class's function
    try:
        return _has_world_param(func)
    except TypeError:  # an unhashable callable: not cached
        return _has_world_param.__wrapped__(func)


@lru_cache(maxsize=1024)
def _has_world_param(func: Callable[..., Any]) -> bool:
    try:
        param = inspect.signature(func).parameters.get("world")
    except (TypeError, ValueError):  # no signature (some builtins): called with rng alone
        return False
    return param is not None and param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY)


@lru_cache(maxsize=None)
def _fresh_state_class(cls: type) -> bool:
    return (
        isinstance(cls, type) and issubclass(cls, Toolkit) and cls.__dict__.get("fresh_state", False) is True
        and cls.__init__ is Toolkit.__init__ and cls.from_json.__func__ is Toolkit.from_json.__func__  # type: ignore[attr-defined]
        and _init_mode(cls) == "toolkit"
    )


class Environment:
    """The tools of one conversation, with their state.

    ``Environment(catalog, toolkits, *, seed, initial_state=None)``: for each toolkit in
    ``toolkits`` that has a binding in ``catalog.bindings``, the initial state is
    ``initial_state[toolkit]`` if given, else the binding's ``state_factory`` called with
    ``random.Random(derive_seed(state_seed, "state", toolkit))`` (``state_seed`` defaults
    to ``seed``), and with ``world=`` :attr:`world` when it has a parameter named ``world``,
    else its ``default_state`` (or ``{}``). ``self.initial_state`` keeps a
    copy of what was loaded. ``state_cache`` (toolkit -> serialized state) lets several
    environments with the same ``state_seed`` generate each toolkit's state once: the
    attempts of one record slot start from the same states. ``initial_texts`` (toolkit ->
    JSON text of ``initial_state[toolkit]``, e.g. another environment's
    :attr:`initial_texts`) spares serializing given states again; the caller vouches that
    each text holds exactly that state. Toolkits without
    a binding are simulated; their outputs agree with the earlier simulated outputs and
    arguments of this environment (see :mod:`magnet_graph.simulate`), so calls must be
    replayed in their recorded order.

    Each initial state is serialized once; the toolkit instance parses its own copy from
    those bytes (a toolkit that declares ``fresh_state`` keeps the state it has just
    generated instead: the same data), ``initial_state`` is parsed on first access, and
    :meth:`restart` builds a fresh environment from them without serializing again.

    >>> from magnet_graph.types import Catalog, Tool
    >>> cat = Catalog("demo", (Tool(name="get_time", returns={"type": "object",
    ...     "properties": {"city": {"type": "string"}}}),))
    >>> env = Environment(cat, [""], seed=1)
    >>> env.execute("get_time", {"city": "Oslo"})
    Outcome(output={'city': 'Oslo'}, error=None, simulated=True)
    """

    def __init__(
        self,
        catalog: Catalog,
        toolkits: Iterable[str],
        *,
        seed: int,
        initial_state: Mapping[str, dict] | None = None,
        state_seed: int | None = None,
        state_cache: dict[str, bytes] | None = None,
        initial_texts: Mapping[str, bytes] | None = None,
    ):
        self.catalog = catalog
        self.toolkits: tuple[str, ...] = tuple(dict.fromkeys(toolkits))
        self.seed = int(seed)
        self._blobs: dict[str, bytes] = {}  # toolkit -> its initial state as JSON
        self._initial: dict[str, Any] | None = None
        self._instances: dict[str, Any] = {}
        self._calls: dict[str, tuple[Callable[..., Any] | None, str, Any, str]] = {}  # see _resolve
        self._simulated: list[Any] = []  # outputs of simulated calls, for candidates()
        self._memory = SimMemory()  # entities the simulated calls have shown so far
        # candidates() per toolkit (_SIMULATED: simulated tools) since a call of that toolkit ran
        self._cands: dict[str, dict[tuple[str, str], list[Any]]] = {}
        self._state_seed = self.seed if state_seed is None else int(state_seed)
        self._world: World | None = None  # drawn on first need (see the world property)
        given = initial_state or {}
        bindings = catalog.bindings
        for name in self.toolkits:
            binding = bindings.get(name)
            if binding is None:
                continue
            blob = state_cache.get(name) if state_cache is not None and name not in given else None
            fresh = None
            if blob is None and initial_texts is not None and name in given and name in initial_texts:
                self._load_state(name, binding, given)  # its checks
                blob = initial_texts[name]  # the caller's text of given[name]: not serialized again
            if blob is None:
                state = self._load_state(name, binding, given)
                try:
                    blob = _json_text(state if type(state) is dict else dict(state))
                except TypeError as exc:
                    raise ExecutionError(f"toolkit {name!r}: the initial state is not plain JSON data: {exc}") from exc
                if name not in given:
                    if state_cache is not None:
                        state_cache[name] = blob
                    if binding.state_factory is not None and _keeps_generated(binding):
                        fresh = state  # newly generated plain JSON: the instance may own it (no parse)
            self._blobs[name] = blob
            if fresh is None:
                self._instances[name] = self._instantiate(name, binding.cls, blob)
            else:
                obj = binding.cls.__new__(binding.cls)
                obj.data = fresh
                self._instances[name] = obj

    @property
    def initial_state(self) -> dict[str, Any]:
        """A copy of the initial state of every executable toolkit (toolkit -> state)."""
        if self._initial is None:
            self._initial = {name: orjson.loads(blob) for name, blob in self._blobs.items()}
        return self._initial

    @property
    def executable(self) -> tuple[str, ...]:
        """The involved toolkits that run real code (the others are simulated)."""
        return tuple(self._instances)

    def restart(self) -> "Environment":
        """A new environment in this one's initial state: same catalog, toolkits and seed,
        no calls made (what ``Environment(..., initial_state=self.initial_state)`` gives)."""
        env = Environment.__new__(Environment)
        env.catalog, env.toolkits, env.seed, env._state_seed = self.catalog, self.toolkits, self.seed, self._state_seed
        env._world = self._world
        env._blobs, env._initial = self._blobs, None  # the bytes are never changed: shared
        env._calls, env._simulated, env._memory, env._cands = {}, [], SimMemory(), {}
        env._instances = {
            name: self._instantiate(name, self.catalog.bindings[name].cls, blob) for name, blob in self._blobs.items()
        }
        return env

    @property
    def world(self) -> World:
        """The conversation's :class:`~magnet_graph.toolkit.World` (today, the user ...), given
        to every state factory that takes one: ``draw_world`` on
        ``random.Random(derive_seed(state_seed, "world"))``, so the same for every environment
        with this ``state_seed`` (every attempt at one record slot)."""
        if self._world is None:
            self._world = draw_world(seeded_random(derive_seed(self._state_seed, "world")))
        return self._world

    def _load_state(self, name: str, binding: Binding, given: Mapping[str, Any]) -> Mapping[str, Any]:
        """The initial state of toolkit ``name``: given, else seeded factory (given the
        :attr:`world` when it takes one), else default."""
        if name in given:
            state = given[name]
        elif binding.state_factory is not None:
            factory = binding.state_factory
            try:
                rng = seeded_random(derive_seed(self._state_seed, "state", name))
                state = factory(rng, world=self.world) if _takes_world(factory) else factory(rng)
            except Exception as exc:  # user code
                problem = f"{type(exc).__name__}: {exc}"
                raise ExecutionError(f"toolkit {name!r}: its state_factory failed: {problem}") from exc
        else:
            state = binding.default_state or {}
        if type(state) is not dict and not isinstance(state, _abc.Mapping):
            raise ExecutionError(f"toolkit {name!r}: the initial state must be an object, got {type(state).__name__}")
        return state

    @staticmethod
    def _instantiate(name: str, cls: type, blob: bytes) -> Any:
        """One instance of ``cls`` holding its own copy of the state serialized in ``blob``."""
        try:
            mode = _init_mode(cls)
            if mode == "toolkit":
                return cls.from_json(blob)
            state = orjson.loads(blob)
            if mode == "load_scenario":
                obj = cls()
                obj._load_scenario(state)
                return obj
            if mode == "init_state":
                return cls(state)
            obj = cls()
            for key, value in state.items():
                setattr(obj, key, value)
            return obj
        except Exception as exc:  # user code: report which toolkit could not start
            raise ExecutionError(
                f"toolkit {name!r} ({getattr(cls, '__qualname__', cls)}) could not be loaded "
                f"with its initial state: {type(exc).__name__}: {exc}"
            ) from exc

    # -- calls --------------------------------------------------------------------------
    def _resolve(self, name: str) -> tuple[Callable[..., Any] | None, str, Any, str]:
        """This environment's entry for tool ``name``, made on first use and kept:
        (bound method, or ``None`` for a simulated tool; the tool's group, what its calls can
        change (its toolkit, or ``_SIMULATED``); its returns schema; its description)."""
        row = _tool_rows(self.catalog).get(name)
        if row is None:
            tool = self.catalog.by_name.get(name)
            if tool is None:
                raise ExecutionError(f"unknown tool {name!r}: it is not in catalog {self.catalog.id!r}")
            row = _tool_row(self.catalog, tool)
        binding, toolkit, returns, description = row
        if binding is None:
            entry: tuple[Callable[..., Any] | None, str, Any, str] = (None, _SIMULATED, returns, description)
        else:
            obj = self._instances.get(toolkit)
            if obj is None:
                raise ExecutionError(
                    f"tool {name!r} belongs to toolkit {toolkit!r}, which is not involved in this "
                    f"environment (toolkits: {list(self.toolkits)}); add it to the toolkits"
                )
            method = getattr(obj, binding, None)
            if not callable(method):
                raise ExecutionError(f"tool {name!r}: toolkit {toolkit!r} has no method {binding!r}; fix the binding")
            entry = (method, toolkit, returns, description)
        self._calls[name] = entry
        return entry

    def _method(self, name: str) -> Callable[..., Any] | None:
        """The bound method of an executable tool, ``None`` for a simulated one."""
        entry = self._calls.get(name)
        return (entry or self._resolve(name))[0]

    def execute(self, name: str, arguments: Mapping[str, Any]) -> Outcome:
        """Run (or simulate) one call and return its :class:`Outcome`.

        The output is a detached plain-JSON copy. An output dict with a top-level
        ``"error"`` key, or an exception raised by the tool's code (reported as
        ``"ExceptionType: message"`` and output ``{"error": ...}``), gives ``error``.
        Raises :class:`ExecutionError` only when the call cannot be run at all.
        """
        output, simulated = self.run_raw(name, arguments)
        if not simulated:
            output = _detach(output)  # the tool's output may share data with its state
        return Outcome(output, output_error(output), simulated)

    def run_raw(self, name: str, arguments: Mapping[str, Any]) -> tuple[Any, bool]:
        """Run (or simulate) one call, with every effect on the environment, and return
        (output as the tool gave it, simulated): what :meth:`execute` makes its
        :class:`Outcome` from, without the detached copy and the error message. The output
        may share data with the toolkit's state: read it before the next call changes that.
        For callers that compare an output at once (replay) or drop it (rollback)."""
        entry = self._calls.get(name)
        if entry is None:
            entry = self._resolve(name)
        method = entry[0]
        if self._cands:  # a call may change its own toolkit's state (or the simulated outputs)
            self._cands.pop(entry[1], None)
        if method is None:
            output = simulate_output(entry[2], seed=self.seed, tool=name, arguments=dict(arguments),
                                     memory=self._memory, description=entry[3])
            self._simulated.append(output)
            return output, True
        try:
            return method(**arguments), False
        except Exception as exc:  # the tool's own failure is an output, never propagated
            return {"error": f"{type(exc).__name__}: {exc}"}, False

    def is_executable(self, name: str) -> bool:
        """True when tool ``name`` runs real code here (False: its outputs are simulated)."""
        return self._method(name) is not None

    def validate(self, name: str, arguments: Any) -> list[str]:
        """JSON Schema errors of ``arguments`` for tool ``name`` (see :func:`validate_arguments`)."""
        return validate_arguments(self.catalog, name, arguments)

    # -- state --------------------------------------------------------------------------
    def candidates(self, tool: str, param: str) -> list[Any]:
        """Values of ``param`` that make sense now: existing ids, names ... in the state of
        the tool's toolkit, or for a simulated tool, values of fields of that name in earlier
        simulated outputs. ``[]`` when nothing matches. The list is remembered until the next
        call runs (the planner asks about one parameter more than once): do not change it."""
        entry = self._calls.get(tool)
        if entry is None:
            entry = self._resolve(tool)
        memo = self._cands.get(entry[1])
        if memo is None:
            memo = self._cands[entry[1]] = {}
        key = (tool, param)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._candidates(tool, param, entry)
        return found

    def _candidates(self, tool: str, param: str, entry: tuple) -> list[Any]:
        if entry[0] is None:
            if not self._simulated:
                return []
            return Toolkit.candidates(SimpleNamespace(data=self._simulated), tool, param)  # type: ignore[arg-type]
        obj = self._instances[entry[1]]
        if isinstance(obj, Toolkit):
            return obj.candidates(tool, param)
        proxy = SimpleNamespace(data=to_jsonable(_public_attrs(obj)))
        return Toolkit.candidates(proxy, tool, param)  # type: ignore[arg-type]

    def snapshot(self) -> dict[str, Any]:
        """A plain-JSON copy of the state of every involved executable toolkit.

        A :class:`~magnet_graph.toolkit.Toolkit` gives ``state()``; a plain class its public,
        non-callable attributes (what BFCL's checker compares).
        """
        return self.snapshot_texts()[0]

    def snapshot_texts(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        """:meth:`snapshot` and the JSON text each :class:`~magnet_graph.toolkit.Toolkit`'s
        copy was parsed from (toolkit -> ``orjson.dumps(state, option=OPT_NON_STR_KEYS)``,
        as :func:`~magnet_graph.toolkit.copy_state` makes it); plain classes have no text."""
        out: dict[str, Any] = {}
        texts: dict[str, bytes] = {}
        for name, obj in self._instances.items():
            if isinstance(obj, Toolkit):
                text = texts[name] = _json_text(obj.state())
                out[name] = orjson.loads(text)  # copy_state, keeping the text
            else:
                out[name] = to_jsonable(_public_attrs(obj))
        return out, texts

    def state_of(self, toolkit: str) -> Any:
        """The current state of executable ``toolkit``: ``state()`` of a
        :class:`~magnet_graph.toolkit.Toolkit` (not a copy: read it, do not change it), the
        public attributes of a plain class as JSON (a copy). ``KeyError`` for a toolkit that
        is not executable here."""
        obj = self._instances[toolkit]
        return obj.state() if isinstance(obj, Toolkit) else to_jsonable(_public_attrs(obj))

    def state_json(self) -> dict[str, bytes]:
        """The canonical JSON of each involved executable toolkit's current state (what
        ``canonical_json(self.snapshot()[name])`` gives, without copying the state first)."""
        return {name: canonical_json(self.state_of(name)) for name in self._instances}

    @property
    def initial_texts(self) -> dict[str, bytes]:
        """The JSON text each executable toolkit's initial state was loaded from
        (:attr:`initial_state` parses them). Do not change it."""
        return self._blobs

    def __repr__(self) -> str:
        executable = list(self._instances)
        return (
            f"Environment(catalog={self.catalog.id!r}, toolkits={list(self.toolkits)}, "
            f"executable={executable}, seed={self.seed})"
        )
