"""What a compose document means to Compose, and the one rule that writes that meaning.

The compose output is built as a *meaning*: every string leaf is a `Meaning`, the literal
pieces and references Compose will make of it. `written()` turns a meaning into Compose
text through `interpolation.unparse`, the only place a `$` is escaped; `meaning_of()` reads
a parsed file back with Compose's grammar, so a rendered file is kept only when Compose
would make of it exactly what the specs mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from envgen.compose.interpolation import Text, literal, parse, unparse


@dataclass(frozen=True)
class Meaning:
    """A string of the document, by what Compose makes of it."""

    parts: Text

    def __repr__(self) -> str:
        return repr(unparse(self.parts))  # how problems show it: as Compose text


@dataclass(frozen=True)
class Literal:
    """A string envgen made (a path, an alias) that means exactly itself, `$` included."""

    text: str


def meaning(value: Any) -> Any:
    """The meaning of built data: plain strings are Compose text (as every spec string
    is), `Literal` strings mean themselves."""
    if isinstance(value, Literal):
        return Meaning(literal(value.text))
    if isinstance(value, str):
        return Meaning(parse(value))
    if isinstance(value, dict):
        return {key: meaning(item) for key, item in value.items()}
    if isinstance(value, list):
        return [meaning(item) for item in value]
    return value


def written(value: Any) -> Any:
    """The Compose text of a meaning: the one escaping rule, applied to every string."""
    if isinstance(value, Meaning):
        return unparse(value.parts)
    if isinstance(value, dict):
        return {key: written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [written(item) for item in value]
    return value


def meaning_of(parsed: Any) -> Any:
    """What Compose makes of a parsed YAML file: every string read with its grammar."""
    if isinstance(parsed, str):
        return Meaning(parse(parsed))
    if isinstance(parsed, dict):
        return {key: meaning_of(item) for key, item in parsed.items()}
    if isinstance(parsed, list):
        return [meaning_of(item) for item in parsed]
    return parsed
