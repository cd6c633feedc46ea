"""Spells values as POSIX shell words, for the scripts, recipes and workflow steps
envgen writes: bare where no shell reads anything into them, else single-quoted."""

from __future__ import annotations

import re
import shlex

# Characters no POSIX shell expands, splits or globs when written bare.
_BARE = re.compile(r"^[A-Za-z0-9_./:@%+=,-]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def shell_word(value: object) -> str:
    """`value` as one shell word that the shell reads back unchanged. Control characters
    (a newline would end the command inside a make recipe) are refused."""
    text = str(value)
    if _CONTROL.search(text):
        raise ValueError(f"cannot write {text!r} safely as a shell word")
    if _BARE.fullmatch(text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


def shell_words(argv: list[str]) -> str:
    """A command line: each argument one shell word."""
    return " ".join(shell_word(arg) for arg in argv)


def read_words(line: str) -> list[str]:
    """What a shell makes of a command line without expansions, for read-backs."""
    return shlex.split(line, comments=False, posix=True)
