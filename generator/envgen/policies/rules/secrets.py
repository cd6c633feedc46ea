"""Rules that keep secret values out of specs and rendered files: only variable names go in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.compose.command_line import command_texts
from envgen.model.facts import FACTS
from envgen.model.secrecy import (
    credentials,
    is_reference,
    is_secret_name,
    looks_like_secret_value,
)
from envgen.model.tiers import Tier
from envgen.policies.rule import COMPOSE_ONLY, Rule, deployed, everywhere, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path

# The operator and value of a reference: `${NAME:-default}` -> (":-", "default").
_MODIFIER = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?P<operator>:?[-+?])?(?P<value>[^}]*)\}")
# The pieces of a notice's URL or field between separators and `{placeholders}`: a token
# pasted there instead of its placeholder (`/bot123456:AAH.../sendMessage`) is one piece.
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NOTICE_PIECES = re.compile(r"[/?&=#@\s]+|\{[a-z][a-z0-9_]*\}")


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
        if service.build is not None:
            args = {
                key: str(value) for key, value in service.build.args.items() if value is not None
            }
            yield from _named(args, (*at, "build", "args"), "build argument", deployed_tier)
        extensions = {k: v for k, v in service.passthrough.items() if k.startswith("x-")}
        strings = {k: v for k, v in extensions.items() if isinstance(v, str)}
        yield from _named(strings, at, "extension", deployed_tier)
        for variable, fact in service.facts.items():
            if is_secret_name(variable) and fact in FACTS and not FACTS[fact].secret:
                yield (
                    (*at, "facts", variable),
                    f"`{variable}` looks secret but fact `{fact}` is a plain value",
                )


def _free_text(env: Environment) -> Iterator[tuple[Path, str]]:
    """Descriptions, notes and inline config contents are copied into rendered files as
    they are written (comments, the parity table, the compose file): a credential in them
    is written down, whatever the tier."""
    texts: list[tuple[Path, str]] = [(("description",), env.description), (("notes",), env.notes)]
    texts += [(("services", n, "description"), s.description) for n, s in env.services.items()]
    texts += [
        (("configs", name, "content"), config["content"])
        for name, config in env.configs.items()
        if isinstance(config.get("content"), str)
    ]
    for path, text in texts:
        for _, why in _in_text(text, deployed_tier=True):
            yield path, f"free text holds {why}"
            break


def _docker_secrets(env: Environment) -> Iterator[tuple[Path, str]]:
    """A Docker secret read from a variable names that variable; anything else there is
    likely its value, which the compose file would hold."""
    for name, secret in env.secrets.items():
        variable = secret.get("environment")
        if isinstance(variable, str) and not _VARIABLE_NAME.fullmatch(variable):
            yield (
                ("secrets", name, "environment"),
                "is not a variable name: write the name of the variable that holds the "
                "secret, never its value",
            )


def _delivery(env: Environment) -> Iterator[tuple[Path, str]]:
    """What a rendered workflow runs or sends: the test command, and a notice's URL and
    fields, whose secrets belong in `{placeholders}` filled from GitHub secrets."""
    delivery = env.delivery
    if delivery is None:
        return
    command = list(delivery.test_command or [])
    for index, why in _arguments(command, deployed_tier=True):
        yield ("delivery", "test_command", index), f"the test command passes {why}"
    if delivery.notice is None:
        return
    texts: list[tuple[Path, str]] = [(("delivery", "notice", "url"), delivery.notice.url)]
    texts += [(("delivery", "notice", "fields", k), v) for k, v in delivery.notice.fields.items()]
    for path, text in texts:
        if any(looks_like_secret_value(piece) for piece in _NOTICE_PIECES.split(text)):
            yield (
                path,
                (
                    "holds what looks like a credential; write a `{placeholder}` named in the "
                    "notice's `secrets` or its integration's, which GitHub fills from its secrets"
                ),
            )


def written_down(env: Environment) -> Iterator[tuple[Path, str]]:
    """SEC001: every place of a spec that reaches a rendered file as it is written."""
    yield from literal_secrets(env)
    yield from _free_text(env)
    yield from _docker_secrets(env)
    yield from _delivery(env)


def throwaway_defaults(env: Environment) -> Iterator[tuple[Path, str]]:
    """A laptop's defaults are written into its committed compose file: the database's
    `password_default`, and the default of a secret variable (`${API_KEY:-value}`)."""
    default = env.database.password_default if env.database is not None else None
    if default is not None and looks_like_secret_value(default):
        yield (
            ("database", "password_default"),
            "`password_default` looks like a real credential, and the committed compose "
            "file holds it (use a throw-away value such as `dev`)",
        )
    for name, service in env.services.items():
        for variable, value in service.environment.items():
            if not is_secret_name(variable) or not isinstance(value, str):
                continue
            for match in _MODIFIER.finditer(value):
                operator = match["operator"] or ""
                if operator.endswith("-") and looks_like_secret_value(match["value"]):
                    yield (
                        ("services", name, "environment", variable),
                        f"`{variable}`'s default looks like a real credential, and the "
                        "committed compose file holds it (use a throw-away value)",
                    )
                    break


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
        per_environment(written_down),
        hint="never write the value itself in a spec",
    ),
    Rule(
        "SEC002",
        "no default database password",
        "A default password is a known password: fine on a laptop, a hole on a server.",
        deployed("error", "error"),
        per_environment(no_default_password),
        hint="remove `database.password_default`; the variables file gives the password",
    ),
    Rule(
        "SEC003",
        "a variables file for the secrets",
        "The secrets of a deployed environment come from its own file, not from whatever "
        "the deploying shell has exported.",
        deployed("error", "error"),
        per_environment(variables_file),
        hint="set `variables_file`, e.g. `.env.<environment>`, and git-ignore it",
        targets=COMPOSE_ONLY,  # on a cluster the secrets come from the namespace's Secret
    ),
    Rule(
        "SEC004",
        "a laptop's defaults are throw-away values",
        "A laptop tier's `password_default` and the defaults of its secret variables are "
        "written into its compose file, which is committed: one that looks like a real "
        "credential (a known key prefix, a bot token, 16 characters or more mixing letters "
        "and digits) would be published. The test tier's own check is VAR002.",
        {Tier.LOCAL: "error"},
        per_environment(throwaway_defaults),
        hint="use a throw-away value such as `dev`",
    ),
]
