"""Rules that keep secret values out of specs and rendered files: only variable names go in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.policies.rule import Rule, deployed, everywhere, per_environment
from envgen.spec.command_line import command_texts
from envgen.spec.facts import FACTS
from envgen.spec.secrecy import credentials, is_reference, is_secret_name

if TYPE_CHECKING:
    from envgen.spec.environment import Environment
    from envgen.spec.source import Path

# The operator and value of a reference: `${NAME:-default}` -> (":-", "default").
_MODIFIER = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?P<operator>:?[-+?])?(?P<value>[^}]*)\}")


def _literal(text: str, deployed_tier: bool) -> str | None:
    """Why the text of a secret writes the secret down, or None when it only refers to a
    value held elsewhere. An alternate value (`${T:+value}`) is what Compose uses whenever
    T is set, so it is a literal anywhere; a default only matters where it could be used."""
    if text == "":
        return None
    if not is_reference(text):
        return "is a literal value"
    for match in _MODIFIER.finditer(text):
        operator, value = match["operator"] or "", match["value"]
        if operator.endswith("+") and value:
            return "has a literal alternate value"
        if deployed_tier and operator.endswith("-") and value:
            return "has a literal default"
    return None


def _in_text(text: str, deployed_tier: bool) -> Iterator[tuple[int, str]]:
    """(offset, what is wrong) for each credential written down inside free text."""
    for found in credentials(text):
        why = _literal(text[found.start : found.end], deployed_tier)
        if why:
            yield found.start, f"a {found.what} that {why}"


def _arguments(args: list[str], deployed_tier: bool) -> Iterator[tuple[int, str]]:
    """(index of the argument, what is wrong) for credentials on a command line, read
    across arguments so that `--requirepass`, `hunter2` counts as one option."""
    line = " ".join(args)
    starts = [sum(len(arg) + 1 for arg in args[:index]) for index in range(len(args))]
    for offset, why in _in_text(line, deployed_tier):
        yield max(i for i, start in enumerate(starts) if start <= offset), why


def _named(
    values: dict[str, str], at: Path, what: str, deployed_tier: bool
) -> Iterator[tuple[Path, str]]:
    """Variables or labels: a secret name must refer to its value; any other value may
    not write a credential down inside it."""
    for name, value in values.items():
        if is_secret_name(name):
            why = _literal(value, deployed_tier)
            if why:
                yield (*at, name), f"`{name}` {why}; write a ${{VARIABLE}} reference"
            continue
        for _, why in _in_text(value, deployed_tier):
            yield (*at, name), f"{what} `{name}` holds {why}"
            break


def literal_secrets(env: Environment) -> Iterator[tuple[Path, str]]:
    deployed_tier = env.tier.deployed
    for name, service in env.services.items():
        at: Path = ("services", name)
        yield from _named(service.environment, (*at, "environment"), "variable", deployed_tier)
        yield from _named(service.labels, (*at, "labels"), "label", deployed_tier)
        commands = {"command": service.command, "entrypoint": service.entrypoint}
        if service.healthcheck is not None:
            commands["healthcheck"] = service.healthcheck.test
        for field, command in commands.items():
            where = (*at, field, "test") if field == "healthcheck" else (*at, field)
            texts = command_texts(command)
            for index, why in _arguments([text for _, text in texts], deployed_tier):
                yield (*where, *texts[index][0]), f"`{name}` {field} passes {why}"
        for variable, fact in service.facts.items():
            if is_secret_name(variable) and fact in FACTS and not FACTS[fact].secret:
                yield (
                    (*at, "facts", variable),
                    f"`{variable}` looks secret but fact `{fact}` is a plain value",
                )


def no_default_password(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.database is not None and env.database.password_default is not None:
        yield (
            ("database", "password_default"),
            "a default password is for laptop tiers; it would be the password whenever "
            f"{env.database.password_variable} is unset",
        )


def variables_file(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.variables_file is None:
        yield (
            ("variables_file",),
            "no `variables_file`: secrets would come from the shell of whoever deploys",
        )


RULES = [
    Rule(
        "SEC001",
        "secrets are ${VAR} references, never literal values",
        "A literal token, key or password in a spec (a variable or label named as a secret, "
        "a URL's password or key, a bearer token, a password on a command line or in a "
        "health check) is committed to git and copied into every rendered file; a "
        "`${VAR:+value}` writes its value down too, and a default does in a deployed tier.",
        everywhere("error"),
        per_environment(literal_secrets),
    ),
    Rule(
        "SEC002",
        "no default database password",
        "A default password is a known password: fine on a laptop, a hole on a server.",
        deployed("error", "error"),
        per_environment(no_default_password),
    ),
    Rule(
        "SEC003",
        "a variables file for the secrets",
        "The secrets of a deployed environment come from its own file, not from whatever "
        "the deploying shell has exported.",
        deployed("error", "error"),
        per_environment(variables_file),
    ),
]
