"""A cache of rendered output, so that `check` and `render` on unchanged inputs skip the
specs, the models and Jinja altogether.

An entry is keyed on everything the output depends on: envgen's version and its own source
files, the versions of its dependencies, Python's version, the settings, the requested
environments, and every file of the specs and template folders. It also records the other
project paths that loading consulted (an `env_file` that must exist, a build context), and
is used only while each of them is still as it was. Any doubt is a miss: an unreadable,
corrupt or foreign entry, a changed input, an unknown path. Entries live in the user's cache
folder (`$XDG_CACHE_HOME/envgen`), never in the project.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from envgen.problems import Position, Problem
from envgen.settings import Settings
from envgen.version import __version__

# Files larger than this are judged by size and time instead of content (a spec is refused
# far below it; hashing must stay fast on any input).
_LARGEST_HASHED = 8 * 1024 * 1024
# Bumped whenever an entry's layout changes, so old entries can never be misread.
ENTRY_FORMAT = 1
PACKAGE = Path(__file__).resolve().parent
# The distributions whose code can change what envgen renders or reports.
DEPENDENCIES = (
    "click",
    "deepdiff",
    "jinja2",
    "jsonschema",
    "markupsafe",
    "pydantic",
    "pydantic_core",
    "pyyaml",
)


def cache_folder(environ: Mapping[str, str]) -> Path | None:
    """Where entries live, or None when the cache is turned off (ENVGEN_NO_CACHE=1)."""
    if environ.get("ENVGEN_NO_CACHE", "") not in ("", "0"):
        return None
    base = environ.get("XDG_CACHE_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".cache"
    )
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        return None
    return Path(base) / "envgen"


@dataclass(frozen=True)
class Rendered:
    """What a render produced: the files, the warnings to show, the folders where stale
    generated files are looked for, and the project paths loading consulted."""

    files: dict[PurePosixPath, str]
    warnings: list[Problem] = field(default_factory=list)
    stale_folders: set[PurePosixPath] = field(default_factory=set)
    consulted: frozenset[PurePosixPath] = frozenset()


def _digest(path: Path) -> str:
    """A path's state: missing, a folder, a regular file's content hash, or (for anything
    else: a pipe, a device, a file too large to hash quickly) its kind, size and time.
    Nothing but a regular file is ever opened, so a fifo cannot stall the lookup."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return "folder"
        if not stat.S_ISREG(info.st_mode) or info.st_size > _LARGEST_HASHED:
            return f"other:{stat.S_IFMT(info.st_mode)}:{info.st_size}:{info.st_mtime_ns}"
        with path.open("rb") as stream:
            return "file:" + hashlib.sha256(stream.read()).hexdigest()
    except OSError:
        return "missing"


def _walk(folder: Path) -> Iterable[Path]:
    """Every file under `folder`, in a stable order; nothing when it does not exist."""
    for current, folders, files in os.walk(folder):
        folders.sort()
        folders[:] = [name for name in folders if name != "__pycache__"]
        for name in sorted(files):
            yield Path(current) / name


def _tool_fingerprint() -> list[str]:
    """envgen itself: version, source files (by size and modification time, as Python
    judges its own bytecode), Python, and the installed versions of the dependencies."""
    parts = [f"envgen {__version__}", f"format {ENTRY_FORMAT}", sys.version, sys.platform]
    for path in _walk(PACKAGE):
        info = path.stat()
        parts.append(f"{path.relative_to(PACKAGE)} {info.st_size} {info.st_mtime_ns}")
    wanted = {name.lower() for name in DEPENDENCIES}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in sorted(names):
            if name.endswith((".dist-info", ".egg-info")):
                project = name.split("-", 1)[0].lower().replace(".", "_")
                if project in wanted:
                    parts.append(f"{entry} {name}")
    return parts


def _project_fingerprint(settings: Settings) -> list[str]:
    """The settings and every file of the specs and template folders, by content."""
    root: Path = settings.root
    shown = {k: v for k, v in vars(settings).items() if k not in ("root", "consulted")}
    parts = [repr(sorted((key, str(value)) for key, value in shown.items()))]
    for name in ("pyproject.toml", ".gitignore"):
        parts.append(f"{name} {_digest(root / name)}")
    for folder in (settings.environments, settings.templates):
        for path in _walk(root / folder):
            parts.append(f"{path.relative_to(root).as_posix()} {_digest(path)}")
    return parts


def _states(settings: Settings, paths: Iterable[PurePosixPath]) -> dict[str, str]:
    """The state of each consulted project path, as an entry records it."""
    return {str(path): _digest(settings.root / path) for path in sorted(paths)}


def _unchanged(settings: Settings, states: dict[str, str]) -> bool:
    """Whether every consulted path is still as the entry recorded it."""
    return all(_digest(settings.root / path) == state for path, state in states.items())


def entry_key(settings: Settings, names: Iterable[str]) -> str:
    """The name of the entry for these settings and requested environments."""
    digest = hashlib.sha256()
    for part in [*_tool_fingerprint(), *_project_fingerprint(settings), *sorted(names)]:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def lookup(folder: Path | None, settings: Settings, names: Iterable[str]) -> Rendered | None:
    """The cached render for these inputs, or None on any doubt."""
    if folder is None:
        return None
    try:
        data = json.loads((folder / f"{entry_key(settings, names)}.json").read_text("utf-8"))
        if data["format"] != ENTRY_FORMAT:
            return None
        consulted = data["consulted"]
        if not _unchanged(settings, consulted):
            return None
        return Rendered(
            files={PurePosixPath(path): text for path, text in data["files"].items()},
            warnings=[problem(item) for item in data["warnings"]],
            stale_folders={PurePosixPath(path) for path in data["stale_folders"]},
            consulted=frozenset(PurePosixPath(path) for path in consulted),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(
    folder: Path | None, settings: Settings, names: Iterable[str], rendered: Rendered
) -> None:
    """Keep `rendered` for the next run with the same inputs; a cache that cannot be
    written is no error (it is only an optimization)."""
    if folder is None:
        return
    names = list(names)
    data = {
        "format": ENTRY_FORMAT,
        "files": {str(path): text for path, text in sorted(rendered.files.items())},
        "warnings": [record(found) for found in rendered.warnings],
        "stale_folders": sorted(str(path) for path in rendered.stale_folders),
        "consulted": _states(settings, rendered.consulted),
    }
    _write(folder, folder / f"{entry_key(settings, names)}.json", data)


def remembered(
    folder: Path | None, settings: Settings, question: list[str], answer: Callable[[], Any]
) -> Any:
    """The answer to a read-only question about the project (`list`, `validate`, `show`),
    kept like a render: from its entry while every input is as it was, else computed by
    `answer()` and kept. The answer is JSON data, and comes back as JSON reads it."""
    if folder is None:
        return json.loads(json.dumps(answer()))
    entry = folder / f"{entry_key(settings, [json.dumps(question)])}.json"
    try:
        data = json.loads(entry.read_text("utf-8"))
        if data["format"] == ENTRY_FORMAT and _unchanged(settings, data["consulted"]):
            return data["answer"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    result = json.loads(json.dumps(answer()))
    _write(
        folder,
        entry,
        {
            "format": ENTRY_FORMAT,
            "answer": result,
            "consulted": _states(settings, settings.consulted),
        },
    )
    return result


def _write(folder: Path, entry: Path, data: dict[str, Any]) -> None:
    """Write an entry whole (or not at all); a cache that cannot be written is no error."""
    import tempfile  # noqa: PLC0415 (a cache hit writes nothing and does not load it)

    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".entry.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream)
        os.replace(temporary, entry)
    except OSError:  # a full disk: no half-written file is left behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def record(problem: Problem) -> dict[str, Any]:
    position = problem.position
    return {
        "position": [position.path, position.line, position.column],
        "field": problem.field,
        "message": problem.message,
        "hint": problem.hint,
        "severity": problem.severity,
        "rule": problem.rule,
        "environment": problem.environment,
    }


def problem(data: dict[str, Any]) -> Problem:
    path, line, column = data["position"]
    return Problem(
        Position(path, line, column),
        data["field"],
        data["message"],
        data["hint"],
        data["severity"],
        data["rule"],
        data["environment"],
    )
