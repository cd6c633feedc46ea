"""The only module that writes: compares generated text with disk, and writes every file
or none, only inside the project.

Each file is staged as a temporary file beside its target
(`.envgen-<name>.<pid>-<random>.tmp`), then moved into place, the file it replaces kept as a
backup (`.envgen-<name>.<pid>-<random>.bak`) until every move has succeeded. When one
fails, what was replaced is put back and every temporary file removed. A run killed
halfway leaves files of those names: `check` reports them and the next `render` removes
them, but only those of a process that is gone (the pid in the name says whose), never
the files a render still running is staging. Two renders of one project take turns: each
holds a lock on the project's folder while it compares and writes.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Literal

from envgen.errors import FileError
from envgen.outputs.output import is_generated

State = Literal["unchanged", "changed", "missing", "stale", "leftover"]

# The names of the files a render stages and keeps while it runs, and only those.
_PREFIX = ".envgen-"
TEMPORARY = re.compile(r"\.envgen-.+\.(?:tmp|bak)")
# The process that made a temporary file, from its name (names without one are older).
_OWNER = re.compile(r"\.(\d+)-[0-9a-z_]+\.(?:tmp|bak)\Z")

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


def _inside(root: Path, relative: PurePosixPath) -> Path:
    """Where `relative` is, refusing a place outside the project: a `..`, or a folder or
    file that is a symbolic link leading out. The file itself is not followed when it is
    replaced (a link is replaced by a file), only when it is read."""
    real_root = root.resolve()
    target = root / relative
    if not target.parent.resolve().is_relative_to(real_root):
        raise FileError(
            f"{relative}: its folder leads outside the project; envgen reads and writes "
            "only inside it"
        )
    if target.is_symlink() and not target.resolve().is_relative_to(real_root):
        raise FileError(
            f"{relative}: a symbolic link leading outside the project; envgen reads and "
            "writes only inside it"
        )
    return target


def _read(root: Path, relative: PurePosixPath) -> bytes | None:
    """A generated file's bytes as they are on disk; None when there is none. Bytes, not
    text: a CRLF line ending or a byte order mark is drift (a script with CRLF endings
    does not run), and reading text would translate them away."""
    path = _inside(root, relative)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise FileError(f"{relative}: a folder where envgen writes a file") from None
    except OSError as error:
        raise FileError(f"{relative}: cannot read: {error.strerror}") from None


def _head(path: Path) -> str:
    """The first 400 characters, where the header is; nothing for a file that is not text."""
    try:
        with path.open(encoding="utf-8") as stream:
            return stream.read(400)
    except (UnicodeDecodeError, OSError):
        return ""


def _drift(path: PurePosixPath, old: bytes, new: str) -> str:
    """What differs, for a person: a unified diff, or a sentence where the difference is
    one a diff cannot show (line endings, a byte order mark)."""
    text = old.decode("utf-8", errors="replace")
    if text.replace("\r\n", "\n") == new:
        return f"{path}: only the line endings differ: envgen writes LF (\\n), the file has CRLF\n"
    if text.removeprefix("\ufeff") == new:
        return f"{path}: only a byte order mark at the start differs: envgen writes none\n"
    return unified(path, text, new)


def unified(path: PurePosixPath, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path} (on disk)",
        tofile=f"b/{path} (rendered)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _entries(root: Path, folders: set[PurePosixPath]) -> Iterator[tuple[PurePosixPath, Path]]:
    """The regular files directly inside `folders` (links are not followed), when the
    folder is inside the project."""
    real_root = root.resolve()
    for folder in sorted(folders):
        directory = root / folder
        if not directory.is_dir() or not directory.resolve().is_relative_to(real_root):
            continue
        for path in sorted(directory.iterdir()):
            if path.is_file() and not path.is_symlink():
                yield folder / path.name, path


def stale_files(
    root: Path, folders: set[PurePosixPath], expected: set[PurePosixPath]
) -> list[PurePosixPath]:
    """Files envgen generated earlier (they start with its header) that it would no longer make,
    such as the compose file of a removed environment."""
    return [
        relative
        for relative, path in _entries(root, folders)
        if relative not in expected
        and not TEMPORARY.fullmatch(path.name)
        and _may_be_generated(path)
        and is_generated(_head(path))
    ]


def _owner_is_running(name: str) -> bool:
    """Whether the process named in a temporary file's name still runs (a render that is
    staging it now); False for a name without one, or when that process is gone."""
    owner = _OWNER.search(name)
    if owner is None:
        return False
    pid = int(owner.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, as another user's process
    return True


def leftovers(root: Path, folders: set[PurePosixPath]) -> list[PurePosixPath]:
    """Temporary files and backups that a killed render left beside its targets (not
    those of a render still running)."""
    return [
        relative
        for relative, path in _entries(root, folders)
        if TEMPORARY.fullmatch(path.name) and not _owner_is_running(path.name)
    ]


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's folder locked (an advisory lock on the folder itself, so no lock
    file is left in the project): a second render waits for the first, then finds its
    files written. Where the platform has no such lock, renders are not serialised."""
    try:
        import fcntl  # noqa: PLC0415 (POSIX only)
    except ImportError:  # pragma: no cover (Windows)
        yield
        return
    try:
        handle = os.open(root, os.O_RDONLY)
    except OSError:
        yield  # an unreadable root fails with a clear message at its first read
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def compare(
    root: Path, files: dict[PurePosixPath, str], stale_folders: set[PurePosixPath]
) -> list[FileStatus]:
    """The state of every generated file, in path order, then the stale files and the
    leftovers of an interrupted render."""
    statuses = []
    for path, text in sorted(files.items()):
        current = _read(root, path)
        if current is None:
            statuses.append(FileStatus(path, "missing"))
        elif current != text.encode("utf-8"):
            statuses.append(FileStatus(path, "changed", _drift(path, current, text)))
        else:
            statuses.append(FileStatus(path, "unchanged"))
    for path in stale_files(root, stale_folders, set(files)):
        stale = (_read(root, path) or b"").decode("utf-8", errors="replace")
        statuses.append(FileStatus(path, "stale", unified(path, stale, "")))
    folders = stale_folders | {path.parent for path in files}
    statuses += [FileStatus(path, "leftover") for path in leftovers(root, folders)]
    return statuses


def _unlink_if_present(path: Path) -> None:
    if os.path.lexists(path):
        os.unlink(path)


class _Transaction:
    """The steps of one write_all, so that each can be undone."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: list[Path] = []  # created, to remove again
        self.staged: dict[Path, Path] = {}  # target -> temporary file
        self.kept: list[Path] = []  # every backup made
        self.replaced: list[tuple[Path, Path]] = []  # (backup, target) of files replaced
        self.created: list[Path] = []  # targets that did not exist

    def make_folders(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and not folder.is_symlink():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self.folders.append(path)

    def stage(self, target: Path, text: str) -> None:
        import tempfile  # noqa: PLC0415 (only a run that writes needs it: check stays lean)

        self.make_folders(target.parent)
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=f"{_PREFIX}{target.name}.{os.getpid()}-", suffix=".tmp"
        )
        self.staged[target] = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        if target.is_file() and not target.is_symlink():
            os.chmod(name, target.stat().st_mode & 0o777 | _mode(text) & 0o111)
        else:
            os.chmod(name, _mode(text))

    def _keep(self, target: Path) -> Path:
        """A backup of `target` beside it: a hard link, or a copy where links fail."""
        backup = target.with_name(
            f"{_PREFIX}{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.bak"
        )
        try:
            os.link(target, backup, follow_symlinks=False)
        except OSError:
            import shutil  # noqa: PLC0415 (only where links fail)

            shutil.copy2(target, backup, follow_symlinks=False)
        self.kept.append(backup)
        return backup

    def replace(self, target: Path) -> None:
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(errno.EISDIR, "a folder stands where the file goes")
        backup = self._keep(target) if os.path.lexists(target) else None
        os.replace(self.staged[target], target)
        del self.staged[target]
        if backup is None:
            self.created.append(target)
        else:
            self.replaced.append((backup, target))

    def remove(self, target: Path) -> None:
        if os.path.lexists(target):
            backup = self._keep(target)
            os.unlink(target)
            self.replaced.append((backup, target))

    def undo(self) -> None:
        """Put back what was replaced and removed, remove what was created; best effort,
        every step tried."""
        steps: list[Callable[[], None]] = [
            *(partial(os.unlink, temporary) for temporary in self.staged.values()),
            *(partial(os.unlink, target) for target in self.created),
            *(partial(os.replace, backup, target) for backup, target in reversed(self.replaced)),
            # Backups of files not replaced (a backup is a hard link: renaming it over its
            # own target would do nothing, so it is removed instead).
            *(partial(_unlink_if_present, b) for b in self.kept),
            *(partial(os.rmdir, folder) for folder in reversed(self.folders)),
        ]
        for step in steps:
            try:
                step()
            except OSError:
                continue

    def finish(self) -> None:
        for backup in self.kept:
            try:
                os.unlink(backup)
            except OSError:
                continue  # a backup left is reported by `check`, cleaned by `render`


def write_all(root: Path, files: dict[PurePosixPath, str], remove: list[PurePosixPath]) -> None:
    """Write every file and remove every one of `remove`, or change nothing: a failure
    at any step puts back what was replaced and leaves no temporary file."""
    targets = {path: _inside(root, path) for path in [*files, *remove]}
    transaction = _Transaction(root)
    step = PurePosixPath()
    try:
        for step, text in sorted(files.items()):
            transaction.stage(targets[step], text)
        for step in sorted(files):
            transaction.replace(targets[step])
        for step in remove:
            transaction.remove(targets[step])
    except BaseException as error:
        transaction.undo()
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            raise FileError(f"{step}: cannot write: {reason}; nothing was changed") from None
        raise
    transaction.finish()
