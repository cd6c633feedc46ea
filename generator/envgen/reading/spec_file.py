"""Reads one spec file safely: a regular file inside the project, small, UTF-8.

Whatever stands where a spec belongs is either read or named in a problem: a dangling
symbolic link, a folder, a pipe (which would hang the read) or a link to a file outside
the project (whose lines must never be quoted) is an error, never silently skipped.
"""

from __future__ import annotations

import stat
from pathlib import Path, PurePosixPath

from envgen.problems import Position, Problem
from envgen.reading.limits import MAX_BYTES

_TOO_LARGE = (f"the file is larger than {MAX_BYTES // 1024} KiB", "a spec is a few KiB")


def is_spec_name(name: str) -> bool:
    """A spec file's name: visible (editors' lock and swap files start with a dot) and
    ending in .yaml or .yml."""
    return not name.startswith(".") and name.endswith((".yaml", ".yml"))


def read_spec(root: Path, relative: PurePosixPath) -> tuple[str | None, list[Problem]]:
    """The text of `root`/`relative`, or the problem that stops it from being read."""
    where = Position(str(relative))

    def refused(message: str, hint: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(where, "", message, hint)]

    path = root / relative
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            return refused("a symbolic link to nothing", "point it at a spec, or remove it")
        return refused("missing")
    except (OSError, RuntimeError):  # a loop of links
        return refused("a symbolic link that leads nowhere (a loop)")
    if not real.is_relative_to(root.resolve()):
        return refused(
            "a symbolic link to a file outside the project",
            "envgen reads specs only from inside the project; copy the file in",
        )
    try:
        info = real.stat()
        if stat.S_ISDIR(info.st_mode):
            return refused("a folder where a spec file belongs")
        if not stat.S_ISREG(info.st_mode):
            return refused("not a regular file (a pipe, socket or device)")
        if info.st_size > MAX_BYTES:
            return refused(
                f"the file is larger than {MAX_BYTES // 1024} KiB", "a spec is a few KiB"
            )
        with real.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        return refused(f"unreadable: {error.strerror}")
    if len(data) > MAX_BYTES:  # grew since it was measured
        return refused(*_TOO_LARGE)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        message = f"not UTF-8 text: byte 0x{data[error.start]:02x} is not a character"
        return None, [Problem(Position(str(relative), line, column), "", message)]
