"""Every spec string that reaches Compose is Compose text: it must parse with Compose's
interpolation grammar, or it is refused where it is written, before Compose refuses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from envgen.compose.interpolation import InterpolationError, parse
from envgen.problems import Problem
from envgen.reading.source import Document, Path, field_path

# Top-level keys whose values reach the compose files; `x-*` extensions do too.
COMPOSE_SECTIONS = ("services", "volumes", "networks", "secrets", "configs", "models")
# envgen's own words inside those sections, which never reach Compose as text.
ENVGEN_ONLY = frozenset({"description", "facts"})


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if len(path) in (2, 3) and key in ENVGEN_ONLY:
                continue  # services.NAME.description, volumes.NAME.description
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def compose_strings(data: Any) -> Iterator[tuple[Path, str]]:
    """Every string of a merged spec that a compose file will carry, with its path."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if key in COMPOSE_SECTIONS or key.startswith("x-"):
            yield from _strings(value, (key,))


def check_interpolation(document: Document) -> list[Problem]:
    """A problem for each string that Compose's interpolation grammar refuses."""
    problems = []
    for path, text in compose_strings(document.data):
        try:
            parse(text)
        except InterpolationError as error:
            message = f"{error} (at character {error.offset + 1})"
            hint = "write $$ for a literal $"
            problems.append(Problem(document.position_of(path), field_path(path), message, hint))
    return problems
