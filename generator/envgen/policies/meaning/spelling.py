"""A concept the rules read (a memory limit, a restart policy) and the Compose keys that
spell it, each with an example that the documentation shows and the tests plant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Spelling:
    """One way Compose takes a concept: its key under the service (or the project), what
    it means, and a service fragment that writes it."""

    key: str
    meaning: str
    example: Mapping[str, Any]


@dataclass(frozen=True)
class Concept:
    """Something rules judge, with every spelling Compose resolves to it."""

    name: str
    spellings: tuple[Spelling, ...]
    note: str = ""


def at(data: Mapping[str, Any], *keys: str) -> Any:
    """The value under `keys` in nested mappings, or None when a step is missing or is
    not a mapping."""
    value: Any = data
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
