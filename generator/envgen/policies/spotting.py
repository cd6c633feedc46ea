"""An index of what identifies production (domain, identities, secret variables, database
name), so that a text is searched for all of them at once: each text is cut into the few
places where such a value could start, and each place is looked up, instead of running
every production value's pattern over every text of every other environment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from envgen.policies.resolved import resolved

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path

# A word value (a domain, an identity) stands alone: not preceded by a letter, digit or
# one of `_.-`, not followed by a letter, digit or one of `_-`.
_AFTER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_START = re.compile(r"(?<![A-Za-z0-9_.-])")
# `${NAME`, where a variable is referenced (the name runs to its last name character).
_REFERENCE = re.compile(r"\$\{([A-Za-z0-9_]*)")
# Where a database is named: after a URL's authority, or as a dbname= parameter; each a
# lookahead, so that every `://` and every `?`/`&` is a place of its own.
_IN_URL = re.compile(r"(?=://[^/\s]*/([\w-]*))")
_IN_PARAMETER = re.compile(r"(?=[?&](?:dbname|database|db)=([\w-]*))")


@dataclass(frozen=True)
class Spotted:
    """One production value: the environment, the value as written, and its path."""

    production: Environment
    value: str
    path: Path


@dataclass
class ProductionIndex:
    """Production values by how they are found: words by length and lower-case text,
    variables and database names by lower-case name."""

    words: dict[int, dict[str, list[Spotted]]] = field(default_factory=dict)
    variables: dict[str, list[Spotted]] = field(default_factory=dict)
    databases: dict[str, list[Spotted]] = field(default_factory=dict)

    def add_word(self, spotted: Spotted) -> None:
        by_text = self.words.setdefault(len(spotted.value), {})
        by_text.setdefault(spotted.value.lower(), []).append(spotted)

    def found_in(self, text: str) -> Iterator[Spotted]:
        """Every production value that `text` holds, each once, in no promised order."""
        seen: set[int] = set()
        for spotted in self._candidates(text):
            if id(spotted) not in seen:
                seen.add(id(spotted))
                yield spotted

    def _candidates(self, text: str) -> Iterator[Spotted]:
        if self.words:
            length = len(text)
            for match in _START.finditer(text):
                start = match.start()
                for size, by_text in self.words.items():
                    end = start + size
                    if end > length or (end < length and text[end] in _AFTER):
                        continue
                    yield from by_text.get(text[start:end].lower(), ())
        lowered = text.lower()
        if self.variables:
            for match in _REFERENCE.finditer(lowered):
                yield from self.variables.get(match[1], ())
        if self.databases:
            # `^name$`: the whole text, or all of it but a final line break.
            whole = {lowered, lowered[:-1] if lowered.endswith("\n") else lowered}
            for name in whole:
                yield from self.databases.get(name, ())
            for pattern in (_IN_URL, _IN_PARAMETER):
                for match in pattern.finditer(lowered):
                    yield from self.databases.get(match[1], ())


def production_index(productions: list[Environment]) -> ProductionIndex:
    """What identifies each production environment, indexed."""
    index = ProductionIndex()
    for env in productions:
        if env.domain is not None:
            index.add_word(Spotted(env, env.domain, ("domain",)))
        for name, integration in env.integrations.items():
            if integration.mode == "real" and integration.identity is not None:
                at = ("integrations", name, "identity")
                index.add_word(Spotted(env, integration.identity, at))
        for variable, path in env.secret_variables():
            spotted = Spotted(env, variable, path)
            index.variables.setdefault(variable.lower(), []).append(spotted)
        # A name from a variable is spotted by its default; with none, there is no name.
        name = resolved(env.database.name) if env.database and env.database.name else ""
        if name:
            spotted = Spotted(env, name, ("database", "name"))
            index.databases.setdefault(name.lower(), []).append(spotted)
    return index
