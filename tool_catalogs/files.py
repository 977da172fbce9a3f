"""A virtual file system held entirely in memory (it never touches the host disk).

The state is ``{"home", "cwd", "dirs": [absolute paths], "files": {absolute path: text}}``.
Every tool that takes a file accepts a name in the current directory, a relative path or an
absolute path (``~`` is the home folder), so the paths one tool returns (``find``'s
``file_name``, ``create_file``'s ``path``) can be passed straight to the next one. Outputs
name files relative to the current directory when they are inside it, else absolutely.
"""

import random
from datetime import date
from fnmatch import fnmatchcase
from itertools import chain
from typing import Annotated, Any, Literal

from pydantic import Field
from typing_extensions import TypedDict

from magnet_graph.toolkit import Toolkit, World, draw_world

from . import _data_a as D
from ._util import drawer, iso_day, sample

__all__ = ["FileSystem"]

_MAX_CONTENT = 100_000
_BAD_CHARS = frozenset("\0\n\r\t")


# -- output schemas ------------------------------------------------------------------------
class DirectoryResult(TypedDict):
    current_directory: Annotated[str, Field(description="Absolute path of the current directory.")]


class FileEntry(TypedDict):
    file_name: Annotated[str, Field(description="The file, relative to the current directory when inside it (just its name when listing the current directory); pass it to the file tools.")]
    size_bytes: Annotated[int, Field(description="Size of the file in bytes.")]


class ListResult(TypedDict):
    directory: Annotated[str, Field(description="Absolute path of the listed directory.")]
    folders: Annotated[list[str], Field(description="Its sub-folders, relative to the current directory when inside it, sorted.")]
    files: Annotated[list[FileEntry], Field(description="Files in the directory, sorted by name.")]


class FolderResult(TypedDict):
    folder: Annotated[str, Field(description="Absolute path of the folder; go into it or list it with this.")]
    created: Annotated[bool, Field(description="False when the folder already existed (nothing was changed).")]


class FileWritten(TypedDict):
    file_name: Annotated[str, Field(description="The file, relative to the current directory when inside it; pass it to other file tools.")]
    path: Annotated[str, Field(description="Absolute path of the file.")]
    size_bytes: Annotated[int, Field(description="Size of the file after the change, in bytes.")]
    lines: Annotated[int, Field(description="Number of lines in the file after the change.")]
    created: Annotated[bool, Field(description="True when the file did not exist before.")]


class FileContent(TypedDict):
    file_name: Annotated[str, Field(description="The file that was read, as given.")]
    path: Annotated[str, Field(description="Absolute path of the file.")]
    content: Annotated[str, Field(description="The whole text of the file.")]
    lines: Annotated[int, Field(description="Number of lines in the file.")]


class CopyResult(TypedDict):
    source: Annotated[str, Field(description="Absolute path of the original file.")]
    path: Annotated[str, Field(description="Absolute path of the copy.")]
    file_name: Annotated[str, Field(description="The copy, relative to the current directory when inside it; pass it to other file tools.")]


class MoveResult(TypedDict):
    moved_from: Annotated[str, Field(description="Absolute path the file had before (it no longer exists there).")]
    path: Annotated[str, Field(description="Absolute path of the file now.")]
    file_name: Annotated[str, Field(description="The file's new location, relative to the current directory when inside it.")]


class RemoveResult(TypedDict):
    removed: Annotated[str, Field(description="Absolute path of what was removed.")]
    type: Annotated[str, Field(description="'file' or 'folder'.")]


class FoundFile(TypedDict):
    file_name: Annotated[str, Field(description="The matching file, relative to the current directory when inside it; pass it to the file tools.")]
    path: Annotated[str, Field(description="Absolute path of the matching file.")]


class FindResult(TypedDict):
    files: Annotated[list[FoundFile], Field(description="Files whose name matches, sorted by path.")]
    folders: Annotated[list[str], Field(description="Folders whose name matches, relative to the current directory when inside it.")]
    count: Annotated[int, Field(description="Number of matches (files and folders).")]


class GrepLine(TypedDict):
    line_number: Annotated[int, Field(description="1-based number of the matching line.")]
    line: Annotated[str, Field(description="Text of the matching line.")]


class GrepResult(TypedDict):
    file_name: Annotated[str, Field(description="The file that was searched, as given.")]
    pattern: Annotated[str, Field(description="The text that was searched for.")]
    matches: Annotated[list[GrepLine], Field(description="Lines containing the text, in file order.")]
    count: Annotated[int, Field(description="Number of matching lines.")]


class WordCountResult(TypedDict):
    file_name: Annotated[str, Field(description="The file that was counted, as given.")]
    lines: Annotated[int, Field(description="Number of lines.")]
    words: Annotated[int, Field(description="Number of whitespace-separated words.")]
    characters: Annotated[int, Field(description="Number of characters.")]


class FileInfo(TypedDict):
    file_name: Annotated[str, Field(description="The file or folder, as given.")]
    path: Annotated[str, Field(description="Absolute path.")]
    type: Annotated[str, Field(description="'file' or 'folder'.")]
    size_bytes: Annotated[int, Field(description="Size in bytes (for a folder: total size of the files in it).")]
    lines: Annotated[int, Field(description="Number of lines (0 for a folder).")]
    extension: Annotated[str, Field(description="File extension without the dot, or empty.")]
    items: Annotated[int, Field(description="Number of entries directly inside a folder (0 for a file).")]


# -- helpers -------------------------------------------------------------------------------
def _error(message: str) -> Any:
    return {"error": message}


def _parent(path: str) -> str:
    head = path.rsplit("/", 1)[0]
    return head or "/"


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _join(folder: str, name: str) -> str:
    return f"{folder.rstrip('/')}/{name}"


def _count_lines(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _under(path: str, folder: str) -> bool:
    return folder == "/" and path != "/" or path.startswith(folder + "/")


# generate_state: the other first names for each owner's first name, ports, spare folders
_OTHER_FIRST_NAMES = {first: [n for n in D.FIRST_NAMES if n != first] for first in D.FIRST_NAMES}
# the cities a trip can go to from a home city
_AWAY = {home: tuple(c[0] for c in D.CITIES if c[0] != home) for home in (c[0] for c in D.CITIES)}
_ALL_CITIES = tuple(c[0] for c in D.CITIES)
_PORTS = (3000, 5000, 8000, 8080, 8443)
_SPARE_DIRS = ("tmp", "old", "scratch")

# the parameters FileSystem.candidates answers from the file tree
_FS_PARAMS = frozenset({"file_name", "source", "destination", "path", "folder", "name_pattern", "pattern"})


class FileSystem(Toolkit):
    """A small Unix-like file system in memory: folders, text files and a current directory."""

    fresh_state = True  # generate_state builds new plain JSON data (see Toolkit.fresh_state)
    description = "A virtual file system: navigate folders, create, read, write, copy, move, search and remove files."

    hints = {
        "pwd": (
            "Which folder am I in right now?",
            "What's my current directory?",
            "Where am I in the file system?",
        ),
        "ls": (
            "What's inside {folder}?",
            "Show me the contents of {folder}.",
            "List everything in the current folder.",
            "Which files and folders are in {folder}?",
        ),
        "cd": (
            "Go into {folder}.",
            "Switch to the {folder} folder.",
            "Change the working directory to {folder}.",
        ),
        "mkdir": (
            "Make a new folder called {folder}.",
            "Create a directory named {folder}.",
            "I need a folder {folder} here.",
        ),
        "create_file": (
            "Create a file named {file_name}.",
            "Start a new file {file_name} containing \"{content}\".",
            "Make a file called {file_name}.",
        ),
        "write_file": (
            "Write \"{content}\" into {file_name}.",
            "Save \"{content}\" to {file_name} in {mode} mode.",
            "Put the text \"{content}\" in {file_name} ({mode}).",
        ),
        "read_file": (
            "Show me what's in {file_name}.",
            "Open {file_name} and print its contents.",
            "What does {file_name} say?",
        ),
        "copy_file": (
            "Make a copy of {source} at {destination}.",
            "Duplicate {source} into {destination}.",
            "Copy {source} over to {destination}.",
        ),
        "move_file": (
            "Move {source} to {destination}.",
            "Rename {source} to {destination}.",
            "Put {source} into {destination}.",
        ),
        "remove": (
            "Delete {path}.",
            "Get rid of {path}; I don't need it.",
            "Erase {path} from the disk.",
        ),
        "find": (
            "Search for files named {name_pattern}.",
            "Where are the {name_pattern} files?",
            "Look for anything matching {name_pattern} under {folder}.",
        ),
        "grep": (
            "Which lines of {file_name} mention \"{pattern}\"?",
            "Search {file_name} for \"{pattern}\".",
            "Show me every line containing \"{pattern}\" in {file_name}.",
        ),
        "word_count": (
            "How many words are in {file_name}?",
            "Count the lines and words of {file_name}.",
            "How long is {file_name}?",
        ),
        "file_info": (
            "How big is {file_name}?",
            "Give me the size and line count of {file_name}.",
            "What kind of file is {file_name} and how large is it?",
        ),
    }

    # -- state -------------------------------------------------------------------------
    @classmethod
    def default_state(cls) -> dict[str, Any]:
        """A home folder with a few documents, a project, a download, a hidden file and an empty folder."""
        home = "/home/alex"
        files = {
            f"{home}/.bashrc": "export EDITOR=vim\nalias ll='ls -la'\n",
            f"{home}/documents/notes.txt": "Call the dentist\nAtlas review on Friday\nBuy a birthday gift for Mei\n",
            f"{home}/documents/todo.txt": "[ ] Renew passport\n[x] Pay electricity bill (84.20 USD)\n[ ] Send Atlas slides to Priya\n",
            f"{home}/projects/atlas/README.md": "# Atlas\n\nInternal tool for forecasting demand.\nRun the server on port 8080\n",
            f"{home}/downloads/invoice_INV-2291.txt": "Invoice INV-2291\nVendor: Greenline Internet\nAmount due: 59.99 USD\nDue date: 2024-05-31\n",
        }
        dirs = ["/", "/home", home, f"{home}/documents", f"{home}/downloads", f"{home}/projects",
                f"{home}/projects/atlas", f"{home}/tmp"]
        return {"home": home, "cwd": home, "dirs": sorted(dirs), "files": files}

    @classmethod
    def generate_state(cls, rng: random.Random, world: World | None = None) -> dict[str, Any]:
        """The home folder of the world's user: 10-16 files (notes, budgets, invoices, code,
        logs...) with seeded contents written in the two months before the world's today
        (the world is drawn from ``rng`` when none is given)."""
        if world is None:
            world = draw_world(rng)
        below = drawer(rng)  # seq[below(len(seq))] is rng.choice(seq), a + below(b - a) rng.randrange(a, b)
        first, last = world.first_name, world.last_name
        user = first.lower()
        home = f"/home/{user}"
        colleagues = sample(rng, _OTHER_FIRST_NAMES.get(first, D.FIRST_NAMES), 3)
        project = D.PROJECTS[below(len(D.PROJECTS))]
        away = _AWAY.get(world.city, _ALL_CITIES)  # a trip goes elsewhere
        city = away[below(len(away))]
        day = date.fromisoformat(world.today).toordinal() - 1 - below(60)
        values = {
            "owner_first": first, "owner_last": last, "email": world.email,
            "first": colleagues[0], "first2": colleagues[1], "first3": colleagues[2],
            "project": project, "project_slug": project.lower(),
            "city": city, "city_slug": city.lower().replace(" ", "_"),
            "date": iso_day(day), "date2": iso_day(day + 2), "year": date.fromordinal(day).year,
            "amount": f"{20 + below(880)}.{below(100):02d}",
            "amount2": f"{20 + below(880)}.{below(100):02d}",
            "amount3": f"{1200 + below(2200)}.00",
            "invoice": f"INV-{1000 + below(8999)}", "vendor": D.VENDORS[below(len(D.VENDORS))],
            "n": 10 + below(50), "n2": 10 + below(50), "n3": 10 + below(50),
            "port": _PORTS[below(len(_PORTS))],
        }
        always, optional = D.FILE_TEMPLATES[:3], D.FILE_TEMPLATES[3:]
        chosen = list(always) + sample(rng, optional, 7 + below(5))
        prefix = home + "/"  # what _join(home, rel) puts in front
        files = {prefix + rel.format_map(values): text.format_map(values) for rel, text in chosen}
        for rel, text in D.HIDDEN_FILES:
            if rel == ".bashrc" or rng.random() < 0.6:
                files[prefix + rel] = text.format_map(values)
        dirs = {"/", "/home", home}
        for path in files:
            parent = _parent(path)
            while parent not in dirs:
                dirs.add(parent)
                parent = _parent(parent)
        if rng.random() < 0.6:
            dirs.add(prefix + _SPARE_DIRS[below(3)])
        cwd = home if rng.random() < 0.75 else prefix + "documents"
        return {"home": home, "cwd": cwd, "dirs": sorted(dirs), "files": dict(sorted(files.items()))}

    # -- paths ---------------------------------------------------------------------------
    def _abs(self, path: str) -> str | None:
        """Absolute, normalized form of ``path`` (``~``, ``.`` and ``..`` handled); None if invalid."""
        path = path.strip()
        if not path or not _BAD_CHARS.isdisjoint(path):
            return None
        if path == "~" or path.startswith("~/"):
            path = self.data["home"] + path[1:]
        elif not path.startswith("/"):
            path = _join(self.data["cwd"], path)
        parts: list[str] = []
        for seg in path.split("/"):
            if seg in ("", "."):
                continue
            if seg == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(seg)
        return "/" + "/".join(parts)

    def _show(self, path: str) -> str:
        """``path`` relative to the current directory when inside it, else absolute."""
        cwd = self.data["cwd"]
        if path == cwd:
            return "."
        if _under(path, cwd):
            return path[len(cwd.rstrip("/")) + 1:]
        return path

    def _is_dir(self, path: str) -> bool:
        return path in self.data["dirs"]

    def _children(self, folder: str) -> tuple[list[str], list[str]]:
        """(sub-folder paths, file paths) directly inside ``folder``."""
        # (_parent written out: this runs for every planned file parameter)
        subs = [d for d in self.data["dirs"] if d != folder and (d.rsplit("/", 1)[0] or "/") == folder]
        files = [f for f in self.data["files"] if (f.rsplit("/", 1)[0] or "/") == folder]
        return subs, files

    def _file(self, file_name: str) -> tuple[str | None, Any]:
        """(absolute path, None) for an existing file, else (None, error output)."""
        path = self._abs(file_name)
        if path is None:
            return None, _error(f"'{file_name}' is not a valid path.")
        if path in self.data["files"]:
            return path, None
        if self._is_dir(path):
            return None, _error(f"'{file_name}' is a folder, not a file.")
        return None, _error(f"No file named '{file_name}' in {_parent(path)}; list the folder or search by name to find it.")

    def _new_path(self, name: str) -> tuple[str | None, Any]:
        """(absolute path, None) for a path that does not exist yet in an existing folder."""
        path = self._abs(name)
        if path is None or path == "/":
            return None, _error(f"'{name}' is not a valid name.")
        if path in self.data["files"] or self._is_dir(path):
            return None, _error(f"'{name}' already exists in {_parent(path)}; choose another name or remove it first.")
        if not self._is_dir(_parent(path)):
            return None, _error(f"Folder {_parent(path)} does not exist; create it first.")
        return path, None

    def _add_dir(self, path: str) -> None:
        dirs = self.data["dirs"]
        dirs.append(path)
        dirs.sort()

    # -- tools ---------------------------------------------------------------------------
    def pwd(self) -> DirectoryResult:
        """Show the current directory.

        Returns:
            The absolute path of the current directory.
        """
        return {"current_directory": self.data["cwd"]}

    def ls(self, folder: str = ".", show_hidden: bool = False) -> ListResult:
        """List the folders and files in a directory.

        Args:
            folder: Folder to list (name, relative or absolute path); '.' is the current directory.
            show_hidden: Also list hidden entries (names starting with a dot).

        Returns:
            The listed directory, its sub-folder names and its files with their sizes.
        """
        path = self._abs(folder)
        if path is None or not self._is_dir(path):
            if path is not None and path in self.data["files"]:
                return _error(f"'{folder}' is a file; give a folder to list.")
            return _error(f"No folder named '{folder}'; list the current directory to see what exists.")
        subs, files = self._children(path)
        visible = (lambda name: show_hidden or not name.startswith("."))
        folders = sorted(self._show(d) for d in subs if visible(_base(d)))
        entries = [{"file_name": self._show(f), "size_bytes": len(self.data["files"][f].encode())}
                   for f in sorted(files) if visible(_base(f))]
        return {"directory": path, "folders": folders, "files": entries}  # type: ignore[typeddict-item]

    def cd(self, folder: str) -> DirectoryResult:
        """Change the current directory.

        Args:
            folder: Folder to go to: a sub-folder name, a relative path ('..' goes up) or an absolute path.

        Returns:
            The new current directory.
        """
        path = self._abs(folder)
        if path is None or not self._is_dir(path):
            if path is not None and path in self.data["files"]:
                return _error(f"'{folder}' is a file, not a folder.")
            return _error(f"No folder named '{folder}' in {self.data['cwd']}; list the directory to see its folders.")
        self.data["cwd"] = path
        return {"current_directory": path}

    def mkdir(self, folder: str) -> FolderResult:
        """Create a folder, and any missing parent folders, like `mkdir -p` (an existing folder is fine).

        Args:
            folder: Name or path of the folder.

        Returns:
            The folder's absolute path and whether it was created.
        """
        path = self._abs(folder)
        if path is None:
            return _error(f"'{folder}' is not a valid folder name.")
        if self._is_dir(path):
            return {"folder": path, "created": False}
        missing = []
        probe = path
        while not self._is_dir(probe):
            if probe in self.data["files"]:
                return _error(f"{probe} is a file; choose another folder name.")
            missing.append(probe)
            probe = _parent(probe)
        for p in reversed(missing):
            self._add_dir(p)
        return {"folder": path, "created": True}

    def create_file(self, file_name: str, content: str = "") -> FileWritten:
        """Create a new file, empty or with some text, like `touch` (an existing file is left as it is when no text is given).

        Args:
            file_name: Name or path of the new file, e.g. 'notes.txt'.
            content: Text to put in the file, optional.

        Returns:
            The file's name and absolute path, its size and line count, and whether it was newly created.
        """
        existing = self._abs(file_name)
        if existing is not None and existing in self.data["files"]:
            if content:
                return _error(f"'{file_name}' already exists; write to it instead, or pick a new name.")
            text = self.data["files"][existing]
            return {"file_name": self._show(existing), "path": existing, "size_bytes": len(text.encode()),
                    "lines": _count_lines(text), "created": False}
        path, err = self._new_path(file_name)
        if path is None:
            return err
        if len(content) > _MAX_CONTENT:
            return _error(f"Content is too long ({len(content)} characters); the limit is {_MAX_CONTENT}.")
        self.data["files"][path] = content
        return {"file_name": self._show(path), "path": path, "size_bytes": len(content.encode()),
                "lines": _count_lines(content), "created": True}

    def write_file(self, file_name: str, content: str,
                   mode: Literal["overwrite", "append"] = "overwrite") -> FileWritten:
        """Write text to a file, replacing its contents or appending on a new line; creates the file if needed.

        Args:
            file_name: Name or path of the file.
            content: Text to write.
            mode: 'overwrite' replaces the contents, 'append' adds the text at the end on a new line.

        Returns:
            The file's name and absolute path, its new size and line count, and whether it was created.
        """
        if mode not in ("overwrite", "append"):
            return _error(f"Unknown mode '{mode}'; use 'overwrite' or 'append'.")
        path = self._abs(file_name)
        if path is None:
            return _error(f"'{file_name}' is not a valid path.")
        if self._is_dir(path):
            return _error(f"'{file_name}' is a folder, not a file.")
        created = path not in self.data["files"]
        if created:
            path, err = self._new_path(file_name)
            if path is None:
                return err
            old = ""
        else:
            old = self.data["files"][path]
        if mode == "append" and old:
            text = old + ("" if old.endswith("\n") else "\n") + content
        else:
            text = content
        if len(text) > _MAX_CONTENT:
            return _error(f"The file would be too long ({len(text)} characters); the limit is {_MAX_CONTENT}.")
        self.data["files"][path] = text
        return {"file_name": self._show(path), "path": path, "size_bytes": len(text.encode()),
                "lines": _count_lines(text), "created": created}

    def read_file(self, file_name: str) -> FileContent:
        """Read the whole text of a file.

        Args:
            file_name: Name of a file in the current directory, or a relative or absolute path to it.

        Returns:
            The file's absolute path, its content and its number of lines.
        """
        path, err = self._file(file_name)
        if path is None:
            return err
        text = self.data["files"][path]
        return {"file_name": file_name, "path": path, "content": text, "lines": _count_lines(text)}

    def _copy_target(self, source: str, destination: str) -> tuple[str | None, str | None, Any]:
        src, err = self._file(source)
        if src is None:
            return None, None, err
        dest = self._abs(destination)
        if dest is None:
            return None, None, _error(f"'{destination}' is not a valid path.")
        if self._is_dir(dest):
            dest = _join(dest, _base(src))
            if dest in self.data["files"] or self._is_dir(dest):
                return None, None, _error(f"{dest} already exists; remove it first or choose another destination.")
            return src, dest, None
        dest, err = self._new_path(destination)
        if dest is None:
            return None, None, err
        return src, dest, None

    def copy_file(self, source: str, destination: str) -> CopyResult:
        """Copy a file to a new name or into a folder (keeping its name).

        Args:
            source: The file to copy (name or path).
            destination: A folder to copy into, or the new file's name or path.

        Returns:
            The absolute paths of the original and the copy, and the copy's name relative to the current directory.
        """
        src, dest, err = self._copy_target(source, destination)
        if src is None or dest is None:
            return err
        self.data["files"][dest] = self.data["files"][src]
        return {"source": src, "path": dest, "file_name": self._show(dest)}

    def move_file(self, source: str, destination: str) -> MoveResult:
        """Move a file into a folder, or rename it.

        Args:
            source: The file to move (name or path).
            destination: A folder to move it into, or its new name or path.

        Returns:
            The old and new absolute paths, and the new location relative to the current directory.
        """
        src, dest, err = self._copy_target(source, destination)
        if src is None or dest is None:
            return err
        self.data["files"][dest] = self.data["files"].pop(src)
        return {"moved_from": src, "path": dest, "file_name": self._show(dest)}

    def remove(self, path: str) -> RemoveResult:
        """Delete a file or an empty folder.

        Args:
            path: The file or folder to delete (name or path).

        Returns:
            The absolute path of what was deleted and whether it was a file or a folder.
        """
        target = self._abs(path)
        if target is None:
            return _error(f"'{path}' is not a valid path.")
        if target in self.data["files"]:
            del self.data["files"][target]
            return {"removed": target, "type": "file"}
        if not self._is_dir(target):
            return _error(f"Nothing named '{path}' in {_parent(target)}; list the folder to see what exists.")
        cwd = self.data["cwd"]
        if target == cwd or _under(cwd, target) or target == "/":
            return _error(f"Cannot remove {target}: it is the current directory or contains it; change directory first.")
        subs, files = self._children(target)
        if subs or files:
            return _error(f"Folder {target} is not empty ({len(subs) + len(files)} items); remove its contents first.")
        self.data["dirs"].remove(target)
        return {"removed": target, "type": "folder"}

    def find(self, name_pattern: str, folder: str = ".") -> FindResult:
        """Search a folder and all its sub-folders for files and folders by name.

        Args:
            name_pattern: Part of the name (e.g. 'invoice'), or a wildcard pattern such as '*.csv'; case-insensitive.
            folder: Folder to search in; '.' is the current directory.

        Returns:
            The matching files (relative and absolute paths) and folders.
        """
        pattern = name_pattern.strip().lower()
        if not pattern:
            return _error("Give part of a name or a pattern like '*.txt' to search for.")
        root = self._abs(folder)
        if root is None or not self._is_dir(root):
            return _error(f"No folder named '{folder}'; list the current directory to see what exists.")
        wildcard = any(ch in pattern for ch in "*?[")

        def hit(p: str) -> bool:
            name = _base(p).lower()
            return fnmatchcase(name, pattern) if wildcard else pattern in name

        folders = [self._show(p) for p in self.data["dirs"] if _under(p, root) and hit(p)]
        files = [{"file_name": self._show(p), "path": p} for p in sorted(self.data["files"]) if _under(p, root) and hit(p)]
        return {"files": files, "folders": folders, "count": len(files) + len(folders)}  # type: ignore[typeddict-item]

    def grep(self, file_name: str, pattern: str, ignore_case: bool = False) -> GrepResult:
        """Find the lines of a file that contain a piece of text (plain text, not a regular expression).

        Args:
            file_name: The file to search (name or path).
            pattern: The text to look for.
            ignore_case: Match regardless of upper/lower case.

        Returns:
            The matching lines with their line numbers, and how many there are.
        """
        if not pattern:
            return _error("The search text is empty; give a word or phrase to look for.")
        path, err = self._file(file_name)
        if path is None:
            return err
        needle = pattern.lower() if ignore_case else pattern
        rows = []
        for number, line in enumerate(self.data["files"][path].splitlines(), start=1):
            if needle in (line.lower() if ignore_case else line):
                rows.append({"line_number": number, "line": line})
        return {"file_name": file_name, "pattern": pattern, "matches": rows, "count": len(rows)}  # type: ignore[typeddict-item]

    def word_count(self, file_name: str) -> WordCountResult:
        """Count the lines, words and characters of a file.

        Args:
            file_name: The file to count (name or path).

        Returns:
            The numbers of lines, words and characters.
        """
        path, err = self._file(file_name)
        if path is None:
            return err
        text = self.data["files"][path]
        return {"file_name": file_name, "lines": _count_lines(text), "words": len(text.split()), "characters": len(text)}

    def file_info(self, file_name: str) -> FileInfo:
        """Show the size, line count, type and extension of a file (or the size and item count of a folder).

        Args:
            file_name: The file or folder to describe (name or path).

        Returns:
            Its absolute path, type, size in bytes, lines, extension and number of items.
        """
        path = self._abs(file_name)
        if path is None:
            return _error(f"'{file_name}' is not a valid path.")
        if path in self.data["files"]:
            text = self.data["files"][path]
            name = _base(path)
            ext = name.rsplit(".", 1)[1] if "." in name.lstrip(".") else ""
            return {"file_name": file_name, "path": path, "type": "file", "size_bytes": len(text.encode()),
                    "lines": _count_lines(text), "extension": ext, "items": 0}
        if self._is_dir(path):
            subs, files = self._children(path)
            size = sum(len(t.encode()) for p, t in self.data["files"].items() if _under(p, path))
            return {"file_name": file_name, "path": path, "type": "folder", "size_bytes": size, "lines": 0,
                    "extension": "", "items": len(subs) + len(files)}
        return _error(f"Nothing named '{file_name}' in {_parent(path)}; list the folder or search by name to find it.")

    # -- values for the offline translator ------------------------------------------------
    def candidates(self, tool: str, param: str) -> list[Any]:
        """Names that exist where they must (files to read, folders to enter) and fresh ones where they must not.

        A file to read is named from the current folder; when nothing is at or below it, by
        its path from home (``~/documents/notes.txt``)."""
        if param not in _FS_PARAMS:  # nothing of the state to offer: skip the listing below
            return [] if tool in self.hints else super().candidates(tool, param)
        cwd = self.data["cwd"]
        subs, files = self._children(cwd)
        # (the one-line helpers _base, _under, _parent and _show are written out below: this
        # runs for every planned file parameter)
        here_paths = [f for f in sorted(files) if not f.rsplit("/", 1)[-1].startswith(".")]
        here = [f.rsplit("/", 1)[-1] for f in here_paths]
        taken = {p.rsplit("/", 1)[-1] for p in subs + files}
        if (param == "file_name" and (tool == "create_file" or (tool == "write_file" and not here))
                or (tool == "mkdir" and param == "folder")):
            pool = D.NEW_FOLDER_NAMES if tool == "mkdir" else D.NEW_FILE_NAMES
            return [n for n in pool if n not in taken]
        folders = [b for b in (d.rsplit("/", 1)[-1] for d in sorted(subs)) if not b.startswith(".")]
        if param == "destination":
            stems = [f"{n.rsplit('.', 1)[0]}_copy.{n.rsplit('.', 1)[1]}" for n in here if "." in n]
            return folders + [s for s in stems if s not in taken]
        if param == "folder":
            return (["."] if tool in ("ls", "find") else []) + folders + ([".."] if cwd != "/" else [])
        root = cwd == "/"  # (_under(p, cwd) is ``root and p != "/" or p.startswith(cwd + "/")``)
        if param == "pattern":  # the first 12 distinct long words of the files here, then below
            words: dict[str, None] = {}
            texts = self.data["files"]
            deeper = (p for p in sorted(texts) if (root and p != "/" or p.startswith(cwd + "/")) and "/." not in p)
            for f in chain(here_paths, deeper):
                ws = texts[f].split()  # each word stripped of punctuation, the alphabetic ones (in C)
                for w in filter(str.isalpha, map(str.strip, ws, [".,:;()[]'\"#-"] * len(ws))):
                    if len(w) > 4:
                        words[w] = None
                        if len(words) == 12:
                            return list(words)
            return list(words)
        # _show(f) of a path below cwd (never cwd itself) is f[len(cwd.rstrip("/")) + 1:]
        below = [f[len(cwd.rstrip("/")) + 1:] for f in sorted(self.data["files"])
                 if (root and f != "/" or f.startswith(cwd + "/")) and (f.rsplit("/", 1)[0] or "/") != cwd
                 and "/." not in f[len(cwd):]]
        if param == "file_name" or param == "source":
            if here or below:
                return here + below
            # nothing at or below the current folder: files elsewhere, by their path from home
            home = self.data["home"]
            return [("~" + f[len(home):]) if f.startswith(home + "/") else f
                    for f in sorted(self.data["files"]) if "/." not in f]
        if param == "path":  # remove: files first, then empty folders
            empty = [_base(d) for d in sorted(subs) if not any(self._children(d))]
            return here + empty + below
        if param == "name_pattern":
            exts = sorted({"*." + n.rsplit(".", 1)[1] for n in here + below if "." in n})
            stems = [n.rsplit("/", 1)[-1].split(".")[0].split("_")[0] for n in here + below]
            return exts + list(dict.fromkeys(s for s in stems if len(s) > 3))
        if tool in self.hints:  # one of ours: free text or numbers the translator makes up
            return []
        return super().candidates(tool, param)
