"""One root error; each subclass also inherits the builtin it refines.

Messages are one line that names the file, the tool and the field, and says what to do.
The CLI prints ``str(error)`` and exits non-zero; it never shows a traceback for these.
"""

from __future__ import annotations


class MagnetError(Exception):
    """Root of every error magnet raises on purpose."""


class CatalogError(MagnetError, ValueError):
    """A catalog file, module or spec cannot be loaded or converted.

    Build it with :func:`catalog_error` so the message always has the same shape:
    ``<file>: tool <name or #index>: field <field>: <problem>; <what to do>``.
    """

    def __init__(self, message: str, *, source: str = "", tool: str = "", field: str = ""):
        super().__init__(message)
        self.source = source
        self.tool = tool
        self.field = field


def catalog_error(problem: str, *, source: str = "", tool: str = "", field: str = "", fix: str = "") -> CatalogError:
    """Return a :class:`CatalogError` whose message names file, tool and field."""
    parts = [p for p in (source, f"tool {tool}" if tool else "", f"field {field}" if field else "") if p]
    msg = ": ".join(parts + [problem]) if parts else problem
    if fix:
        msg += f"; {fix}"
    return CatalogError(msg, source=source, tool=tool, field=field)


class GraphError(MagnetError, ValueError):
    """A graph cannot be built, read or written (bad format, unknown node)."""


class PathError(MagnetError, ValueError):
    """A function signature path or an operator argument is invalid."""


class ExecutionError(MagnetError, RuntimeError):
    """A call cannot be executed at all (unknown tool, no binding); tool-level errors are outputs."""


class TranslationError(MagnetError, RuntimeError):
    """A path could not be translated into a verified conversation. ``reason`` is the drop reason."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @classmethod
    def from_problem(cls, problem: str, default: str = "failed") -> "TranslationError":
        """The error for a problem worded ``"<reason>: <detail>"`` (the checks' form): its
        reason and detail, not the reason twice (``default`` when there is no reason)."""
        reason, sep, detail = problem.partition(": ")
        if not sep or not reason or " " in reason:
            return cls(default, problem)
        return cls(reason, detail)


class BackendError(MagnetError, RuntimeError):
    """An LLM backend failed for good (after its retries) or replied with something unusable."""


class RecordError(MagnetError, ValueError):
    """A record in a JSONL file is malformed or fails verification."""


class OptionError(MagnetError, ValueError):
    """A command-line option has a bad value. The message names the option and says what to do."""
