"""Catalogs: every dialect converted to :class:`~magnet_graph.types.Tool` at load time.

Public API (the only names other stages should import):

* :func:`resolve_catalog` / :func:`load_catalogs`: a ``--catalog`` spec (file, folder,
  ``module:Class``, module, entry point, ``builtin``) -> :class:`~magnet_graph.types.Catalog`;
  raise :class:`~magnet_graph.errors.CatalogError` with the first problem.
* :func:`check_catalog`: the same loading, every problem collected in a :class:`CheckReport`.
* :func:`tools_from_callable`, :func:`tools_from_class`: tools from Python code.
* :func:`list_catalogs`: the catalogs installed as entry points and the built-ins.
* :func:`init_mode`: how an executor builds an instance of a bound class from a state dict.

Dialect quirks stay in this package; see docs/catalogs.md.
"""

from __future__ import annotations

from .python import init_mode, tools_from_callable, tools_from_class
from .report import CheckReport, CheckRow, Problem
from .resolve import GROUP, CatalogListing, builtin_names, check_catalog, list_catalogs, load_catalogs, resolve_catalog

__all__ = [
    "GROUP",
    "CatalogListing",
    "CheckReport",
    "CheckRow",
    "Problem",
    "builtin_names",
    "check_catalog",
    "init_mode",
    "list_catalogs",
    "load_catalogs",
    "resolve_catalog",
    "tools_from_callable",
    "tools_from_class",
]
