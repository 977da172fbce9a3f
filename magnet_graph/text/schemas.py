"""Output schemas and descriptions of extracted tools, by operation.

Every read output carries the ids of the records it shows (``order_id``), and every write
output echoes what it changed, so the dependency graph built from the schemas links a list
or search tool to the tools that take the id (GEM's workflows become graph edges).
"""

from __future__ import annotations

from typing import Any

from ..translate.values import humanize_param, join_words
from .lexicon import past_tense
from .model import Entity, ToolSpec

__all__ = ["returns_schema", "describe", "summary_fields"]


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required if required is not None else props)}


def summary_fields(entity: Entity) -> dict[str, Any]:
    """The fields a list or search result shows for one record."""
    out: dict[str, Any] = {entity.id_field: {"type": "string", "description": f"The {humanize_param(entity.name)} ID."}}
    if entity.label_field:
        out[entity.label_field] = entity.fields.get(entity.label_field, {"type": "string"})
    out["status"] = {"type": "string"}
    return out


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """A field schema for an output (no defaults)."""
    return {k: v for k, v in schema.items() if k != "default"}


def returns_schema(op: str, entity: Entity | None, fields: tuple[str, ...], *, verb: str) -> dict[str, Any]:
    """The JSON Schema of a tool's output (see the module docstring)."""
    status = {"type": "string", "description": "What happened."}
    if op == "sign_in":
        return _obj({"signed_in": {"type": "boolean"}, "username": {"type": "string"}})
    if op == "help":
        return _obj({"topic": {"type": "string"}, "article": {"type": "string"}})
    if entity is None:
        return _obj({"status": status})
    idf = {entity.id_field: {"type": "string"}} if entity.id_field else {}
    all_fields = {k: _plain(v) for k, v in entity.fields.items()}
    mine = {k: _plain(entity.fields[k]) for k in fields if k in entity.fields}
    if op == "get":
        return _obj(idf | all_fields)
    if op in ("list", "search"):
        key = "results" if op == "search" else plural_key(entity.name)
        item = _obj(summary_fields(entity)) if entity.id_field else _obj(all_fields)
        return _obj({key: {"type": "array", "items": item}, "count": {"type": "integer", "minimum": 0}})
    if op == "create":
        return _obj(idf | {"status": {"type": "string", "const": past_tense(verb)}} | mine)
    if op == "update":
        return _obj(idf | {"status": {"type": "string", "const": "updated"},
                           "updated": {"type": "array", "items": {"type": "string"}}} | mine)
    if op in ("delete", "submit"):
        return _obj(idf | {"status": {"type": "string", "const": past_tense(verb)}})
    if op == "export":
        return _obj(idf | {"file_name": {"type": "string"}, "format": {"type": "string"}})
    if op == "action":
        return _obj({"status": {"type": "string", "const": past_tense(verb)}, "action": {"type": "string"}} | mine)
    return _obj({"status": status})


def plural_key(entity: str) -> str:
    from .build import plural_of

    return plural_of(entity)


def describe(spec: ToolSpec, entity: Entity | None) -> str:
    """A self-explanatory description of what the tool does (rules are appended later)."""
    ent = humanize_param(spec.entity) if spec.entity else "record"
    fields = join_words([humanize_param(f) for f in spec.fields])
    verb = spec.verb.capitalize() if spec.verb else ""
    if spec.op == "sign_in":
        return "Sign in with a username and password; the other tools need a signed-in session."
    if spec.op == "get":
        if entity is not None and entity.kind == "collection":
            return f"Get one {ent} by its ID, with all its details."
        shown = join_words([humanize_param(f) for f in (entity.fields if entity else {})])
        return f"Get the current {ent} details" + (f" ({shown})." if shown else ".")
    if spec.op == "list":
        return f"List the {ent} records with their IDs, names and status."
    if spec.op == "search":
        return f"Search the {ent} records by words in their details; returns the matches with their IDs."
    if spec.op == "create":
        tail = f" with the given {fields}" if fields else ""
        return f"{verb} a new {ent}{tail}; returns the new {ent}'s ID."
    if spec.op == "update":
        which = "the " + ent + (" given its ID" if entity is not None and entity.kind == "collection" else "")
        return f"Update {which}: set {fields or 'its details'}. Only the values given change."
    if spec.op == "delete":
        return f"{verb} a {ent} by its ID. This cannot be undone."
    if spec.op == "submit":
        return f"{verb} an existing {ent}, given its ID."
    if spec.op == "export":
        return f"{verb} the {ent} as a file and return the file name."
    if spec.op == "action":
        target = spec.name.split("_", 1)[1].replace("_", " ") if "_" in spec.name else ent
        tail = f", with the chosen {fields}" if fields else ""
        return f"{verb} the {target}{tail} (an action on the {ent})."
    if spec.op == "help":
        return "Get the help article about a topic."
    return f"{verb} the {ent}."
