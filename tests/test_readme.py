"""The README's two commands are the project's contract with a new user and with CI."""

from __future__ import annotations

import re

from conftest import REPO


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text()
    setup = [b for b in _bash_blocks(readme) if b.startswith("python3 -m venv")]
    assert len(setup) == 2, setup
    main_cmd, test_cmd = setup
    assert "magnet sample" in main_cmd and "pip install" in main_cmd
    assert "pytest" in test_cmd and "pip install" in test_cmd
    ci = (REPO / ".ci" / "run").read_text()
    assert test_cmd in ci.splitlines(), "the .ci/run script must run the README's test command verbatim"


def test_pyproject_declares_console_script_and_builtin_entry_points():
    text = (REPO / "pyproject.toml").read_text()
    assert 'magnet = "magnet_graph.cli:main"' in text
    from tool_catalogs import BUILTINS

    for name, target in BUILTINS.items():
        assert f'{name} = "{target}"' in text
