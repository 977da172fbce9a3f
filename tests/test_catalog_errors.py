"""Bad input gives one clear line naming the file, the tool and the field (never a traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from magnet_graph.catalog import check_catalog, load_catalogs, resolve_catalog
from magnet_graph.errors import CatalogError

BAD = Path(__file__).parent / "fixtures" / "catalogs" / "bad"

# file, tool ("" = file-level), field, words the message must contain
CASES = [
    ("not_json.json", "", "", ["not valid JSON", "line 3", "column 36"]),
    ("bad_lines.jsonl", "", "", ["not valid JSON Lines", "line 2"]),
    ("not_yaml.yaml", "", "", ["not valid YAML", "line 4"]),
    ("missing_name.json", "#1", "name", ["name missing"]),
    ("duplicate_names.json", "twice", "name", ["duplicate tool name 'twice'", "duplicate_names.json #0"]),
    ("invalid_schema.json", "set_limit", "parameters/properties/limit/minimum", ["invalid JSON Schema", "'five'"]),
    ("unknown_type.json", "greet", "parameters/properties/who/type", ["unknown type 'strng'", "did you mean 'string'"]),
    ("params_not_object.json", "as_array", "parameters/type", ["must have type 'object'", "'array'"]),
    ("unknown_dialect.json", "", "", ["unknown catalog dialect", "catalog_version"]),
    ("unknown_entry.json", "#0", "", ["unknown tool dialect"]),
    ("recursive_ref.json", "add_node", "parameters/properties/node/properties/children/items/$ref",
     ["recursive $ref '#/$defs/Node'"]),
    ("dangling_ref.json", "use_thing", "parameters/properties/thing/$ref", ["points at nothing"]),
    ("swagger2.yaml", "", "swagger", ["Swagger 2.0 is not supported"]),
]


@pytest.mark.parametrize(("name", "tool", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_tool_field(name, tool, field, words):
    spec = str(BAD / name)
    report = check_catalog([spec])
    assert not report.ok
    errors = [p for p in report.problems if p.severity == "error"]
    first = errors[0]
    assert first.source.startswith(spec) and first.tool == tool and first.field == field
    assert len(first.message.splitlines()) == 1
    for w in words:
        assert w in first.message
    # the same first error is raised by the loaders, with the same one-line message
    with pytest.raises(CatalogError) as info:
        resolve_catalog(spec)
    assert str(info.value) == first.message
    assert info.value.source == first.source and info.value.tool == tool and info.value.field == field
    parts = (first.source, f"tool {tool}" if tool else "", f"field {field}" if field else "")
    prefix = ": ".join(x for x in parts if x)
    assert str(info.value).startswith(prefix + ": ")
    assert "; " in str(info.value)  # says what to do


def test_unknown_type_reported_once():
    report = check_catalog([str(BAD / "unknown_type.json")])
    assert report.errors == 1


def test_check_collects_every_problem_but_load_raises_the_first():
    specs = [str(BAD / "params_not_object.json"), str(BAD / "missing_name.json")]
    report = check_catalog(specs)
    assert report.errors == 3  # two tools of the first file, one of the second
    assert [r.tool for r in report.rows if not r.ok] == ["as_array", "as_text", "#1"]
    assert [r.tool for r in report.rows if r.ok] == ["fine"]
    with pytest.raises(CatalogError, match="tool as_array"):
        load_catalogs(specs)


def test_parameters_given_as_text(tmp_path):
    report = check_catalog([str(BAD / "params_not_object.json")])
    row = next(r for r in report.rows if r.tool == "as_text")
    assert "found str" in row.problems[0].message and row.problems[0].field == "parameters"


def test_unreadable_and_missing_files(tmp_path):
    binary = tmp_path / "blob.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CatalogError, match=r"blob\.json: not UTF-8 text"):
        resolve_catalog(str(binary))
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    with pytest.raises(CatalogError, match=r"empty\.json: the file is empty"):
        resolve_catalog(str(empty))
    with pytest.raises(CatalogError, match=r"nowhere\.json: file not found; check the path"):
        resolve_catalog(str(tmp_path / "nowhere.json"))
    (tmp_path / "sub").mkdir()
    with pytest.raises(CatalogError, match=r"sub: folder has no catalog files"):
        resolve_catalog(str(tmp_path / "sub"))


def test_unknown_spec_lists_what_is_available():
    with pytest.raises(CatalogError) as info:
        resolve_catalog("no_such_catalog_anywhere")
    assert "unknown catalog" in str(info.value) and "builtin" in str(info.value)


def test_bad_output_schema_names_the_response_field(tmp_path):
    f = tmp_path / "bfcl_like.json"
    f.write_text('{"name": "f", "description": "d", "parameters": {"type": "dict", "properties": {}}, '
                 '"response": {"type": "dict", "properties": {"n": {"type": "integr"}}}}\n')
    with pytest.raises(CatalogError) as info:
        resolve_catalog(str(f))
    assert info.value.tool == "f" and info.value.field == "response/properties/n/type"
    assert "did you mean 'integer'" in str(info.value)


def test_jsonl_errors_name_the_line(tmp_path):
    f = tmp_path / "tools.jsonl"
    f.write_text('{"name": "a", "description": "x", "parameters": {"type": "object", "properties": {}}}\n'
                 '{"name": "b", "description": "y", "parameters": {"type": "object", '
                 '"properties": {"q": {"type": "strin"}}}}\n')
    with pytest.raises(CatalogError) as info:
        resolve_catalog(str(f))
    assert info.value.source == f"{f}:2" and info.value.tool == "b"


def test_warnings_do_not_fail(tmp_path):
    f = tmp_path / "quiet.json"
    f.write_text('[{"name": "has space", "parameters": {"type": "object", "properties": {}}}]')
    report = check_catalog([str(f)])
    # no description; not an OpenAI function name; no returns schema
    assert report.ok and report.warnings == 3
    assert sorted(p.field for p in report.problems) == ["description", "name", "returns"]
    assert resolve_catalog(str(f)).tool("has space").description == ""
