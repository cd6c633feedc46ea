"""What Compose resolves a spec value to, in the form rules compare: a sneak that only
looks different (`${VOLUME:-prod_data}`, `db$SUFFIX`, `././.env.production`, `/%63oupette`)
is judged as what it becomes."""

from __future__ import annotations

import posixpath
import shlex
from urllib.parse import unquote

from envgen.compose.interpolation import InterpolationError, Text, parse


def _unset(parts: Text) -> str:
    pieces = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
        elif part.operator in (":-", "-"):
            pieces.append(_unset(part.word or ()))
        # A bare or required reference is whatever the variable holds: unknown, so empty;
        # an alternate value (`:+`) is used only when the variable is set.
    return "".join(pieces)


def resolved(text: str) -> str:
    """`text` as Compose reads it with no variable set: `${X:-v}` counts as `v`, `$X` as
    nothing, `$$` as `$`."""
    try:
        return _unset(parse(text))
    except InterpolationError:
        return text  # refused by the spec checks; compare it as written


def resolved_path(path: str) -> str:
    """A project path as the file it names: defaults expanded, `./` and `a/..` folded."""
    return posixpath.normpath(resolved(path))


def decoded(text: str) -> str:
    """Text as a program reading a URL sees it: resolved, then percent-decoded."""
    return unquote(resolved(text))


def shell_words(args: list[str]) -> list[str]:
    """Every word of a command, those inside `sh -c "..."` strings included."""
    words: list[str] = []
    for arg in args:
        words.append(arg)
        if any(space in arg for space in " \t\n"):
            try:
                words += shlex.split(arg)
            except ValueError:
                words += arg.split()
    return words
