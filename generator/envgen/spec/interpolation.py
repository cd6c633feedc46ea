"""Compose's interpolation grammar: which `$` starts a reference, and how to escape the rest.

The one home of the `${VAR}` grammar: specs, policies, outputs and diff all read it here.
"""

from __future__ import annotations

import re

# What Compose treats as an intended reference: ${VAR}, ${VAR:-default}, ${VAR?message}, ...
REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+][^}$]*)?\}")


def variable_of(reference: str) -> str:
    """The variable a reference names: `${NAME:-default}` -> `NAME`."""
    return re.split(r"[:?+-]", reference[2:-1], maxsplit=1)[0]


def is_required(reference: str) -> bool:
    """Whether Compose stops when the variable is unset: `${NAME:?message}`, `${NAME?}`;
    a `?` inside a default (`${URL:-http://x?y=1}`) does not count."""
    operator = reference[2 + len(variable_of(reference)) :][:2]
    return operator.startswith("?") or operator == ":?"


def escape_dollars(text: str) -> str:
    """Double every `$` except those that start an intended reference."""
    pieces = []
    position = 0
    for match in REFERENCE.finditer(text):
        pieces.append(text[position : match.start()].replace("$", "$$"))
        pieces.append(match.group())
        position = match.end()
    pieces.append(text[position:].replace("$", "$$"))
    return "".join(pieces)


def unescape_dollars(text: str) -> str:
    """What Compose makes of an escaped string when it does not interpolate."""
    return text.replace("$$", "$")
