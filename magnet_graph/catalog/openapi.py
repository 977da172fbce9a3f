"""OpenAPI 3 documents: every operation becomes one tool.

* name: ``operationId``, else ``<method>_<path slug>``; toolkit: the slug of ``info.title``;
* arguments: path, query and request-body parameters merged into one object schema. Path
  parameters are always required. A JSON object body contributes its properties (a name that
  clashes with a path/query parameter gets a ``body_`` prefix; ``readOnly`` ones are left out);
  any other body (array, binary, free-form) becomes one ``body`` argument. Header and cookie
  parameters are left out (they are transport, usually credentials); a required one is reported
  as a warning.
* the body schema is the JSON one; without JSON, a form, XML or other media type with a schema
  is used and a warning says so;
* ``returns``: the schema of the first 2xx response with content (JSON preferred);
* every ``$ref`` (schemas, parameters, request bodies, responses) is resolved against the spec.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .dialects import finish_tool
from .report import Entry, Notes
from .schema import MISSING, SchemaConverter, check_schema, resolve_pointer, returns_schema

__all__ = ["is_openapi", "entries_from_openapi"]

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_SLUG = re.compile(r"[^a-z0-9]+")


def is_openapi(doc: Any) -> bool:
    """True for an OpenAPI (or Swagger) document."""
    return isinstance(doc, dict) and ("openapi" in doc or "swagger" in doc) and isinstance(doc.get("paths", {}), dict)


def slug(text: str) -> str:
    """``Swagger Petstore - OpenAPI 3.0`` -> ``swagger_petstore_openapi_3_0``."""
    return _SLUG.sub("_", text.lower()).strip("_")


def entries_from_openapi(doc: dict[str, Any], *, source: str, path: Path) -> tuple[list[Entry], Notes]:
    """Convert every operation of an OpenAPI 3 document; file-level problems in the Notes."""
    file_notes = Notes(source)
    if "swagger" in doc and "openapi" not in doc:
        file_notes.error(f"Swagger {doc.get('swagger')} is not supported", field="swagger",
                         fix="convert the spec to OpenAPI 3 (e.g. with swagger2openapi)")
        return [], file_notes
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    title = info.get("title") if isinstance(info.get("title"), str) else ""
    toolkit = slug(title) or path.stem
    conv = SchemaConverter(doc, dialect="openapi")
    entries: list[Entry] = []
    paths = doc.get("paths") or {}
    for route, item in paths.items():
        item = _deref(doc, item)
        if not isinstance(item, dict):
            file_notes.error("path item is not an object", field=f"paths/{route}", fix="fix the spec")
            continue
        shared = item.get("parameters") or []
        for method in _METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                entries.append(_operation(doc, conv, op, method=method, route=str(route), shared=shared,
                                          toolkit=toolkit, source=source))
    if not entries and not file_notes.problems:
        file_notes.error("the OpenAPI document has no operations", field="paths", fix="add paths with operations")
    return entries, file_notes


def _operation(doc: dict[str, Any], conv: SchemaConverter, op: dict[str, Any], *, method: str, route: str,
               shared: list[Any], toolkit: str, source: str) -> Entry:
    name = op.get("operationId")
    if not isinstance(name, str) or not name.strip():
        name = f"{method}_{slug(route)}"[:64].rstrip("_") or method
    notes = Notes(source, name)
    at = f"paths/{route.replace('~', '~0').replace('/', '~1')}/{method}"
    props: dict[str, Any] = {}
    required: list[str] = []
    params = _merged_parameters(doc, shared, op.get("parameters") or [], notes, at)
    for i, p in params:
        where = p.get("in")
        pname = p.get("name")
        field = f"{at}/parameters/{i}"
        if not isinstance(pname, str) or where not in ("path", "query", "header", "cookie"):
            notes.error("parameter without a name or a valid 'in'", field=field, fix="give name and in")
            continue
        if where in ("header", "cookie"):
            if p.get("required"):
                notes.warn(f"required {where} parameter {pname!r} is left out of the arguments", field=field,
                           fix="an executor must supply it")
            continue
        schema = p.get("schema")
        if schema is None and isinstance(p.get("content"), dict) and p["content"]:
            schema = next(iter(p["content"].values())).get("schema")
        prop = conv.convert(schema if schema is not None else {}, notes=notes, field=f"{field}/schema")
        if isinstance(prop, dict) and isinstance(p.get("description"), str) and p["description"]:
            prop = {**prop, "description": prop.get("description") or p["description"]}
        key = pname if pname not in props else f"{where}_{pname}"
        props[key] = prop
        if where == "path" or p.get("required"):
            required.append(key)
    body = _deref(doc, op.get("requestBody"))
    if isinstance(body, dict):
        _merge_body(conv, body, props, required, notes, f"{at}/requestBody")
    parameters: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        parameters["required"] = required
    if not check_schema(parameters, notes=notes, field=f"{at}"):
        parameters = None  # type: ignore[assignment]
    returns = _returns(doc, conv, op.get("responses"), notes, f"{at}/responses")
    description = _describe(op)
    tool = finish_tool(notes, name=name, description=description, parameters=parameters, returns=returns,
                       toolkit=toolkit, dialect="openapi", source=source, field=f"{at}/summary")
    return Entry(name, toolkit, source, tool, notes.problems)


def _merged_parameters(doc: dict[str, Any], shared: list[Any], own: list[Any], notes: Notes,
                       at: str) -> list[tuple[int, dict[str, Any]]]:
    merged: dict[tuple[Any, Any], tuple[int, dict[str, Any]]] = {}
    for group in (shared, own):
        for i, raw in enumerate(group if isinstance(group, list) else []):
            p = _deref(doc, raw)
            if not isinstance(p, dict):
                notes.error("unresolvable parameter", field=f"{at}/parameters/{i}", fix="fix the $ref or the object")
                continue
            merged[(p.get("name"), p.get("in"))] = (i, p)
    return list(merged.values())


def _merge_body(conv: SchemaConverter, body: dict[str, Any], props: dict[str, Any], required: list[str],
                notes: Notes, at: str) -> None:
    content = body.get("content") if isinstance(body.get("content"), dict) else {}
    media, schema = _pick_media(content)
    if schema is None:
        if content:
            notes.warn(f"request body ({', '.join(content)}) has no schema; it is left out", field=f"{at}/content")
        return
    if not _is_json(media):
        notes.warn(f"request body has no JSON content; used the {media!r} schema", field=f"{at}/content")
    body_required = bool(body.get("required"))
    converted = conv.convert(schema, notes=notes, field=f"{at}/content/{media.replace('/', '~1')}/schema")
    inner = converted.get("properties") if isinstance(converted, dict) else None
    if isinstance(converted, dict) and converted.get("type") in ("object", None) and isinstance(inner, dict) and inner:
        body_req = converted.get("required") if isinstance(converted.get("required"), list) else []
        for pname, pschema in inner.items():
            if isinstance(pschema, dict) and pschema.get("readOnly") is True:
                continue  # sent by the server only
            key = pname if pname not in props else f"body_{pname}"
            props[key] = pschema
            if body_required and pname in body_req:
                required.append(key)
        return
    key = "body" if "body" not in props else "request_body"
    if isinstance(converted, dict) and isinstance(body.get("description"), str) and "description" not in converted:
        converted = {**converted, "description": body["description"]}
    props[key] = converted
    if body_required:
        required.append(key)


def _returns(doc: dict[str, Any], conv: SchemaConverter, responses: Any, notes: Notes,
             at: str) -> dict[str, Any] | None:
    if not isinstance(responses, dict):
        return None
    codes = sorted(str(c) for c in responses if str(c).startswith("2"))
    for code in codes:
        resp = _deref(doc, responses.get(code, responses.get(int(code)) if code.isdigit() else None))
        if not isinstance(resp, dict) or not isinstance(resp.get("content"), dict):
            continue
        media, schema = _pick_media(resp["content"])
        if schema is None:
            continue
        if not _is_json(media):
            notes.warn(f"the {code} response has no JSON content; used the {media!r} schema", field=f"{at}/{code}")
        return returns_schema(schema, conv, notes=notes, field=f"{at}/{code}/content/{media.replace('/', '~1')}/schema")
    return None


def _pick_media(content: dict[str, Any]) -> tuple[str, Any]:
    """The best media type with a schema: JSON, then form, then anything else."""
    ranked = sorted(content.items(), key=lambda kv: (0 if _is_json(kv[0]) else 1 if "form" in kv[0] else 2))
    for media, obj in ranked:
        if isinstance(obj, dict) and obj.get("schema") is not None:
            return media, obj["schema"]
    return "", None


def _is_json(media: str) -> bool:
    m = media.split(";")[0].strip().lower()
    return m == "application/json" or m.endswith("+json") or m == "*/*"


def _describe(op: dict[str, Any]) -> str:
    summary = op.get("summary") if isinstance(op.get("summary"), str) else ""
    desc = op.get("description") if isinstance(op.get("description"), str) else ""
    summary, desc = summary.strip(), desc.strip()
    if summary and desc and desc.rstrip(".").lower() != summary.rstrip(".").lower():
        return f"{summary} {desc}"
    return summary or desc


def _deref(doc: dict[str, Any], obj: Any, depth: int = 0) -> Any:
    """Follow a ``$ref`` on a non-schema object (parameter, body, response, path item)."""
    while isinstance(obj, dict) and isinstance(obj.get("$ref"), str) and depth < 16:
        target = resolve_pointer(doc, obj["$ref"]) if obj["$ref"].startswith("#") else MISSING
        if target is MISSING:
            return None
        obj, depth = target, depth + 1
    return obj
