"""Compose text as Kubernetes reads it: a secret `${VAR}` becomes `$(VAR)` fed by the
Secret, a default stands for a variable no cluster has, and every other `$` is escaped
from the kubelet's own `$(...)` expansion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from envgen.compose.command_line import split_command_line
from envgen.compose.interpolation import Reference, Text, parse
from envgen.model.secrecy import is_secret_name

if TYPE_CHECKING:
    from envgen.model.environment import Environment


class Refusal(ValueError):
    """A value that has no meaning on a cluster; its message says why."""


def secret_names(env: Environment) -> frozenset[str]:
    """The variables that carry the environment's secrets: each is a key of its Secret."""
    return frozenset(name for name, _ in env.secret_variables())


@dataclass
class Translated:
    """A value for a container: `text` as the kubelet expands it (`$` escaped, secrets as
    `$(VAR)`), the secrets it needs, and what it means when it needs none (`literal`)."""

    text: str
    secrets: list[str] = field(default_factory=list)
    literal: str = ""

    @property
    def plain(self) -> bool:
        return not self.secrets


def _is_secret(name: str, secrets: frozenset[str]) -> bool:
    return name in secrets or is_secret_name(name)


def _parts(parts: Text, secrets: frozenset[str], found: list[str], escape: bool) -> str:
    written: list[str] = []
    for part in parts:
        if isinstance(part, str):
            written.append(part.replace("$", "$$") if escape else part)
            continue
        written.append(_reference(part, secrets, found, escape))
    return "".join(written)


def _reference(part: Reference, secrets: frozenset[str], found: list[str], escape: bool) -> str:
    if _is_secret(part.name, secrets):
        if part.name not in found:
            found.append(part.name)
        return f"$({part.name})"
    if part.operator in (":-", "-") and part.word is not None:
        return _parts(part.word, secrets, found, escape)
    if part.operator in (":+", "+"):
        raise Refusal(
            f"`${{{part.name}{part.operator}...}}` depends on a variable no cluster sets "
            "(write the value it stands for)"
        )
    raise Refusal(
        f"`${{{part.name}}}` has no value on a cluster: Kubernetes reads no variables file "
        "(write a default, `${" + part.name + ":-value}`, or name it as a secret)"
    )


def translate(text: str, secrets: frozenset[str]) -> Translated:
    """A container variable or argument: secrets as `$(VAR)`, `$` escaped as `$$`."""
    found: list[str] = []
    written = _parts(parse(text), secrets, found, escape=True)
    if found:
        return Translated(written, found)
    # No expansion is asked for: the literal text is also what a ConfigMap holds.
    return Translated(written, literal=_parts(parse(text), secrets, [], escape=False))


def whole_secret(text: str, secrets: frozenset[str]) -> str | None:
    """The secret variable a value is exactly (`${TOKEN}`, `${TOKEN:?set it}`), if it is."""
    parts = parse(text)
    if len(parts) == 1 and isinstance(parts[0], Reference) and _is_secret(parts[0].name, secrets):
        return parts[0].name
    return None


def command_words(command: list[str] | str, secrets: frozenset[str]) -> list[Translated]:
    """A command as Kubernetes' list of arguments; a string Compose splits, after
    interpolation, so it may not hold a reference here."""
    if isinstance(command, str):
        if any(isinstance(part, Reference) for part in parse(command)):
            raise Refusal("a command string with `${...}` in it: write the command as a list")
        words = split_command_line(command.replace("$$", "$"))
        return [Translated(word.replace("$", "$$"), literal=word) for word in words]
    return [translate(word, secrets) for word in command]
