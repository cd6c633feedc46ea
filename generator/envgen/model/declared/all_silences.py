"""Every silence of a project as one list: each environment's `silence` entries (for the
whole environment or for scopes of it) and the inline `# envgen: silence` comments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from envgen.model.declared.silences import SilenceScope
from envgen.model.environment import Environment
from envgen.problems import Position
from envgen.reading.inline_silences import InlineSilence
from envgen.reading.source import Document, field_path


@dataclass(frozen=True)
class Declared:
    """One silence as written: a rule, where it is, what it covers, why."""

    rule: str
    position: Position
    field: str  # `silence.PRD004`, `silence.PRD004.0`; empty for an inline silence
    reason: str
    environment: str | None = None  # None: an inline silence, matched by its line
    scope: SilenceScope | None = None  # None: the whole environment (or the line)
    inline: InlineSilence | None = None

    def covers(self, env: str, rule: str, path: str, where: Position) -> bool:
        if rule != self.rule:
            return False
        if self.inline is not None:
            return self.inline.covers(where)
        if env != self.environment:
            return False
        return self.scope is None or self.scope.matches(path)


def declared_silences(
    environments: Iterable[Environment],
    documents: Mapping[str, Document],
    inline: Iterable[InlineSilence],
) -> list[Declared]:
    """Every silence of the specs: the `silence` mapping of each environment, then each
    rule of each inline comment."""
    declared = []
    for env in environments:
        if not env.silence:
            continue  # a project made in memory may hold no document for it
        document = documents[env.name]
        for rule, silence in env.silence.items():
            if isinstance(silence, str):
                path: tuple[str | int, ...] = ("silence", rule)
                position = document.key_position_of(path)
                declared.append(Declared(rule, position, field_path(path), silence, env.name))
                continue
            for index, scope in enumerate(silence):
                path = ("silence", rule, index)
                position = document.position_of(path)
                declared.append(
                    Declared(rule, position, field_path(path), scope.reason, env.name, scope)
                )
    for comment in inline:
        for rule in comment.rules:
            declared.append(Declared(rule, comment.position, "", comment.reason, inline=comment))
    return declared
