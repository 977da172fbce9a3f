"""Replay: re-execute a record's calls from its recorded initial state and compare the
outputs, the simulated flags and the end state with the recorded ones (the ``replay`` check of
:func:`magnet_graph.verify.verify_record`; see docs/record.md).

Also the plain-JSON comparison the checks share: orjson's text of a value that is JSON data
stands for the value, so equal texts mean equal values without canonical serialization.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

import orjson

from .errors import MagnetError
from .execute import Environment, _detach, canonical_json
from .short_json import short_json
from .types import Catalog

__all__ = ["StateTexts", "check_replay"]

# Comparing JSON values: the checks compare canonical JSON (sorted keys), which costs a parse
# and two sorted serializations per value. When a message holds exactly the text orjson writes
# for the recorded value (the translation loop writes messages so), the two are equal without
# that work. With the options below, orjson refuses (raises for) dataclasses, dates and
# subclasses of str, int, dict and list instead of writing them, so a value it writes is JSON
# data, and JSON data with the same text has the same canonical JSON. (orjson.Fragment, raw
# JSON text put in as is, would slip through; no record read from JSON can hold one.)
_PLAIN = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def _plain_json(value: Any) -> bytes | None:
    """orjson's text of a value that is JSON data; ``None`` for any other value."""
    try:
        return orjson.dumps(value, option=_PLAIN)
    except TypeError:  # not (only) JSON data: the caller compares the canonical way
        return None


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    """JSON pointer of the first place where ``a`` and ``b`` differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return f"{where}/{k}"
            if canonical_json(a[k]) != canonical_json(b[k]):
                return _first_difference(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if canonical_json(x) != canonical_json(y):
                return _first_difference(x, y, f"{where}/{i}")
        if len(a) != len(b):
            return f"{where}/{min(len(a), len(b))}"
    return where or "/"


class StateTexts(NamedTuple):
    """The JSON texts a record's states were parsed from (any toolkit may be left out):
    ``initial`` (toolkit -> a text whose ``orjson.loads`` is ``record["initial_state"][toolkit]``)
    and ``end`` (toolkit -> the ``orjson.dumps(state, option=OPT_NON_STR_KEYS)`` text parsed into
    ``record["end_state"][toolkit]``, as ``Environment.snapshot_texts`` gives). The replay parses
    the initial states from them (parsing a text or its parse re-serialized gives the same
    data); an end state whose replayed plain JSON text equals its text is that state."""

    initial: Mapping[str, bytes]
    end: Mapping[str, bytes]


# immutable JSON scalars: a call whose argument values are all of these gets nothing of the record it could change
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _same_output(replayed: Any, recorded: Any, recorded_plain: bytes | None) -> bool:
    """``canonical_json(replayed) == canonical_json(recorded)``, without sorting when the
    plain JSON texts are equal (``recorded_plain``: that of ``recorded``, if known)."""
    text = _plain_json(replayed)
    if text is not None and text == (recorded_plain if recorded_plain is not None else _plain_json(recorded)):
        return True
    return canonical_json(replayed) == canonical_json(recorded)


def check_replay(record: dict, catalog: Catalog, plain: dict | None = None,
                  texts: StateTexts | None = None) -> list[str]:
    """Re-execute every call from the recorded initial state; compare outputs, the simulated
    flags and the end state. ``plain`` (from :func:`magnet_graph.verify._quick_checks`) holds the plain JSON of
    recorded outputs; it is used only while no replayed call has received a list or object
    argument (through which tool code could change a recorded value). ``texts``: see
    :func:`magnet_graph.verify.verify_record`."""
    out: list[str] = []
    initial = record["initial_state"]
    try:
        env = Environment(catalog, record["toolkits"], seed=record["seed"], initial_state=initial,
                          initial_texts=texts.initial if texts is not None else None)
    except MagnetError as exc:
        return [f"replay: cannot set up the environment: {exc}"]
    for name in sorted(set(env.executable) - set(initial)):
        out.append(f"replay: initial_state has no entry for executable toolkit {name}")
    known = plain or {}
    by_name = catalog.by_name  # `name in catalog` is `name in catalog.by_name`
    run = env.run_raw
    for turn in record["turns"]:
        for call in turn.get("calls", []):
            name = call["name"]
            if name not in by_name:
                continue  # reported by the calls check
            arguments = call["arguments"]
            if known and not (type(arguments) is dict and _SCALARS.issuperset(map(type, arguments.values()))):
                known = {}  # the call's code receives a list or object of the record: forget the texts
            try:
                output, simulated = run(name, arguments)
            except MagnetError as exc:
                out.append(f"replay: turn {turn['index']} call {name} ({call['id']}) cannot run: {exc}")
                continue
            recorded, text = call.get("output"), known.get(id(call))
            # The output as the tool gave it, read before the next call runs: if orjson writes it
            # (JSON data), execute's copy has the same text. Otherwise compare execute's copy.
            if text is None or text != _plain_json(output):
                if not simulated:
                    output = _detach(output)
                if (text is None or text != _plain_json(output)) and not _same_output(output, recorded, text):
                    out.append(
                        f"replay: turn {turn['index']} call {name} ({call['id']}) output differs at "
                        f"{_first_difference(recorded, output)}: "
                        f"recorded {short_json(recorded)}, replayed {short_json(output)}"
                    )
            flag = call.get("simulated", False)
            if bool(flag) != simulated:
                state = "simulated" if simulated else "executable"
                out.append(
                    f"replay: turn {turn['index']} call {name} ({call['id']}) is {state} but recorded simulated={flag}"
                )
    # each replayed end state's plain JSON text, else its canonical JSON (raises, as state_json does)
    end: dict[str, tuple[bytes | None, Any]] = {}
    for name in env.executable:
        state = env.state_of(name)
        text = _plain_json(state)
        end[name] = (text, state) if text is not None else (None, canonical_json(state))
    recorded_end = record["end_state"]
    known_end = texts.end if texts is not None else {}
    for name in sorted(set(end) | set(recorded_end)):
        if name not in recorded_end:
            out.append(f"replay: end_state has no entry for executable toolkit {name}")
        elif name not in end:
            out.append(f"replay: end_state has toolkit {name}, which is not executable in catalog {catalog.id}")
        else:
            text, state = end[name]
            recorded = recorded_end[name]
            if text is not None:  # equal plain texts: the same JSON, so the same canonical JSON (see _PLAIN)
                if text == (known_end.get(name) or _plain_json(recorded)):
                    continue
                state = canonical_json(state)
            if state != canonical_json(recorded):
                where = _first_difference(recorded, env.snapshot()[name])
                out.append(f"replay: end_state of {name} differs from the replayed state at {where}")
    return out
