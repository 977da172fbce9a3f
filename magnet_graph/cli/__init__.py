"""The ``magnet`` command: thin click commands, one module per command.

Each module in ``_COMMANDS`` exposes ``command`` (a click command or group). Errors that
magnet raises on purpose (:class:`MagnetError`) print as one line and exit 2; no traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from ..errors import MagnetError

_COMMANDS = ("catalog", "graph", "sample", "verify", "distill", "export", "stats", "audit", "extract")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="magnet")
def cli() -> None:
    """magnet: synthesize verified multi-turn tool-use training data.

    \b
    Quick start (offline, built-in catalogs):
      magnet sample --ops insert,merge,split -n 1000 -o data.jsonl
      magnet verify data.jsonl
    """


def _broken(name: str, problem: str) -> click.Command:
    """A stand-in for a command whose module failed to load: the others keep working."""

    @click.command(name, help=f"(unavailable: {problem})", context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def stub(args):
        raise MagnetError(f"magnet {name} is unavailable: {problem}; reinstall magnet (pip install -e .)")

    return stub


for _name in _COMMANDS:
    try:
        _mod = importlib.import_module(f"{__name__}.{_name}")
        cli.add_command(_mod.command)
    except Exception as _exc:  # one broken command module must not take down the others
        cli.add_command(_broken(_name, f"{type(_exc).__name__}: {_exc}"))


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI, turning MagnetError into one clear line."""
    try:
        rv = cli.main(args=argv, prog_name="magnet", standalone_mode=False)
    except MagnetError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    if isinstance(rv, int) and rv:
        sys.exit(rv)


if __name__ == "__main__":  # pragma: no cover
    main()
