"""Catalogs plugged in through the ``magnet_graph.catalogs`` entry-point group and ``builtin``."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from magnet_graph.catalog import list_catalogs, load_catalogs, resolve_catalog
from magnet_graph.catalog import resolve as resolve_mod
from magnet_graph.cli import cli
from magnet_graph.errors import CatalogError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogs"

PLUGIN = '''
from magnet_graph.toolkit import Toolkit
from magnet_graph.types import Catalog, Tool


class Lights(Toolkit):
    toolkit_name = "lights"
    description = "Switch lights on and off."

    def switch(self, room: str, on: bool) -> dict:
        """Switch the light of a room."""
        return {"room": room, "on": on}


class Plain:
    def beep(self) -> str:
        """Beep."""
        return "beep"


def make_catalog():
    return Catalog("made", (Tool(name="made_tool", description="From a factory."),))


def make_tools():
    return [Tool(name="listed_tool", description="From a list.")]


def make_bad():
    return 42


def make_invalid():
    return [Tool(name="bad_schema", description="x", parameters={"type": "object", "properties": {"a": {"type": 5}}})]


DOC_PATH = {doc!r}
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A test-installed distribution whose entry points name a temporary module."""
    site = tmp_path / "site"
    site.mkdir()
    mod = f"mgplugin_{tmp_path.name}".replace("-", "_")
    doc = tmp_path / "weather_doc.json"
    shutil.copy(FIXTURES / "openai_wrapped.json", doc)
    (site / f"{mod}.py").write_text(textwrap.dedent(PLUGIN).replace("{doc!r}", repr(str(doc))))
    dist = site / "mg_test_plugin-0.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mg-test-plugin\nVersion: 0.0.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent(f"""\
        [magnet_graph.catalogs]
        lights = {mod}:Lights
        plainclass = {mod}:Plain
        factory = {mod}:make_catalog
        toollist = {mod}:make_tools
        docfile = {mod}:DOC_PATH
        badfactory = {mod}:make_bad
        invalid = {mod}:make_invalid
        missing = {mod}_nope:Thing
        """))
    monkeypatch.syspath_prepend(str(site))
    yield mod
    sys.modules.pop(mod, None)


def test_entry_point_toolkit_class(plugin):
    cat = resolve_catalog("lights")
    assert cat.id == "ep:lights"
    assert [t.name for t in cat.tools] == ["switch"] and cat.is_executable("switch")
    assert cat.bindings["lights"].cls.__module__ == plugin


def test_entry_point_other_kinds(plugin):
    assert resolve_catalog("plainclass").bindings["Plain"].default_state is None
    assert [t.name for t in resolve_catalog("factory").tools] == ["made_tool"]
    assert resolve_catalog("factory").id == "ep:factory"
    assert [t.name for t in resolve_catalog("toollist").tools] == ["listed_tool"]
    doc = resolve_catalog("docfile")
    assert doc.id == "ep:docfile" and {t.name for t in doc.tools} == {"get_weather", "list_cities"}


def test_broken_entry_points_raise_clear_errors(plugin):
    with pytest.raises(CatalogError, match="badfactory: the factory returned int; return a Catalog"):
        resolve_catalog("badfactory")
    with pytest.raises(CatalogError, match=r"missing: entry point .* failed to load: ModuleNotFoundError"):
        resolve_catalog("missing")
    with pytest.raises(CatalogError) as info:
        resolve_catalog("invalid")  # tools from code are checked too
    assert info.value.tool == "bad_schema" and info.value.field == "parameters/properties/a/type"


def test_list_catalogs_shows_entry_points_and_errors(plugin):
    rows = {r.name: r for r in list_catalogs()}
    assert rows["lights"].tools == 1 and rows["lights"].toolkits == ("lights",)
    assert rows["lights"].description == "Switch lights on and off."
    assert "mg-test-plugin" in rows["lights"].source and rows["lights"].error == ""
    assert rows["missing"].error and rows["missing"].tools == 0
    assert rows["badfactory"].error.endswith("return a Catalog or a list of Tools")


def test_cli_list_does_not_crash_on_broken_catalogs(plugin):
    result = CliRunner().invoke(cli, ["catalog", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 2}
    assert "lights" in lines and "Switch lights on and off." in lines["lights"]
    assert "error:" in lines["missing"] and "ModuleNotFoundError" in lines["missing"]


def test_builtin_falls_back_to_the_builtins_table(plugin, monkeypatch):
    table = {"lamp": f"{plugin}:Lights", "beeper": f"{plugin}:Plain"}
    monkeypatch.setattr(resolve_mod, "builtin_names", lambda: dict(table))
    monkeypatch.setattr(resolve_mod, "_entry_points", lambda: {})  # as when magnet is not installed
    cat = resolve_catalog("builtin")
    assert cat.id == "ep:lamp+ep:beeper"
    assert [t.name for t in cat.tools] == ["switch", "beep"]
    assert set(cat.bindings) == {"lights", "Plain"}
    assert load_catalogs([]).id == cat.id  # builtin is the default
    assert resolve_catalog("lamp").id == "ep:lamp"
    rows = {r.name: r for r in list_catalogs()}
    assert rows["lamp"].source == f"{plugin}:Lights (built-in)" and rows["lamp"].tools == 1


def test_unwritten_builtin_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(resolve_mod, "builtin_names", lambda: {"ghost": "tool_catalogs.ghost_town:Ghost"})
    monkeypatch.setattr(resolve_mod, "_entry_points", lambda: {})
    with pytest.raises(CatalogError) as info:
        resolve_catalog("builtin")
    assert str(info.value).startswith("ghost: cannot import module 'tool_catalogs.ghost_town'")


def test_names_win_over_same_named_folders(plugin, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lights").mkdir()
    assert resolve_catalog("lights").id == "ep:lights"
    with pytest.raises(CatalogError, match="folder has no catalog files"):
        resolve_catalog("./lights")
