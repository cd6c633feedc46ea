"""Rules that keep secret values out of specs and rendered files: only variable names go in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envgen.policies.rule import Rule, deployed, everywhere, per_environment
from envgen.spec.environment import Environment
from envgen.spec.facts import FACTS
from envgen.spec.interpolation import REFERENCE
from envgen.spec.secrecy import is_secret_name
from envgen.spec.source import Path

# user:password@ inside a URL, where the password is not a ${...} reference.
_URL_PASSWORD = re.compile(r"://[^/:@\s]+:(?P<password>[^@\s]+)@")


def _literal(value: str, deployed_tier: bool) -> str | None:
    """Why `value` is not a reference for a secret, or None when it is one."""
    if value == "":
        return None
    match = REFERENCE.fullmatch(value)
    if match is None:
        return "is a literal value"
    body = value[2:-1]
    default = re.match(r"[A-Za-z0-9_]+:?-(?P<default>.*)", body)
    if deployed_tier and default and default["default"]:
        return "has a literal default"
    return None


def literal_secrets(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        at: Path = ("services", name)
        for variable, value in service.environment.items():
            if is_secret_name(variable):
                why = _literal(value, env.tier.deployed)
                if why:
                    yield (
                        (*at, "environment", variable),
                        f"`{variable}` {why}; write a ${{VARIABLE}} reference",
                    )
            url = _URL_PASSWORD.search(value.replace("$$", ""))
            if url and not REFERENCE.fullmatch(url["password"]):
                yield (
                    (*at, "environment", variable),
                    f"`{variable}` holds a URL with a literal password",
                )
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
        "secret-carrying variables are ${VAR} references, never literal values",
        "A literal token, key or password in a spec is committed to git and copied into "
        "every rendered file.",
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
