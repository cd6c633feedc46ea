"""The only module that writes: compares generated text with disk and writes atomically."""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from envgen.outputs.output import is_generated

State = Literal["unchanged", "changed", "missing", "stale"]

# Files that may carry the marker: envgen writes YAML, markdown, Caddyfiles, variables
# files, Makefile fragments, shell scripts and JSON.
_MARKED_SUFFIXES = (".yml", ".yaml", ".md", ".caddyfile", ".mk", ".sh", ".json")


def _may_be_generated(path: Path) -> bool:
    return path.suffix in _MARKED_SUFFIXES or path.name.startswith(("Caddyfile", ".env"))


def _mode(text: str) -> int:
    """A new file's permissions: a script (it starts with `#!`) is executable."""
    return 0o755 if text.startswith("#!") else 0o644


@dataclass(frozen=True)
class FileStatus:
    """How one generated file on disk compares with a fresh render."""

    path: PurePosixPath
    state: State
    diff: str = ""


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _head(path: Path) -> str:
    """The first 400 characters, where the header is; nothing for a file that is not text."""
    try:
        with path.open(encoding="utf-8") as stream:
            return stream.read(400)
    except UnicodeDecodeError:
        return ""


def unified(path: PurePosixPath, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path} (on disk)",
        tofile=f"b/{path} (rendered)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def stale_files(
    root: Path, folders: set[PurePosixPath], expected: set[PurePosixPath]
) -> list[PurePosixPath]:
    """Files envgen generated earlier (they start with its header) that it would no longer make,
    such as the compose file of a removed environment."""
    stale = []
    for folder in sorted(folders):
        directory = root / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            relative = folder / path.name
            if relative in expected or not path.is_file():
                continue
            if _may_be_generated(path) and is_generated(_head(path)):
                stale.append(relative)
    return stale


def compare(
    root: Path, files: dict[PurePosixPath, str], stale_folders: set[PurePosixPath]
) -> list[FileStatus]:
    """The state of every generated file, in path order."""
    statuses = []
    for path, text in sorted(files.items()):
        current = _read(root / path)
        if current is None:
            statuses.append(FileStatus(path, "missing"))
        elif current != text:
            statuses.append(FileStatus(path, "changed", unified(path, current, text)))
        else:
            statuses.append(FileStatus(path, "unchanged"))
    for path in stale_files(root, stale_folders, set(files)):
        statuses.append(FileStatus(path, "stale", unified(path, _read(root / path) or "", "")))
    return statuses


def write_all(root: Path, files: dict[PurePosixPath, str], remove: list[PurePosixPath]) -> None:
    """Write every file, or none: all are staged beside their targets first, then moved
    into place, so a failure while staging leaves the tree as it was."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in sorted(files.items()):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            if target.exists():
                os.chmod(temporary, target.stat().st_mode & 0o777 | _mode(text) & 0o111)
            else:
                os.chmod(temporary, _mode(text))
            staged.append((temporary, target))
    except BaseException:
        for temporary, _ in staged:
            os.unlink(temporary)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    for path in remove:
        (root / path).unlink()
