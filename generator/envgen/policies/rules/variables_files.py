"""Rules on variables files: a person's values stay out of git, and the files envgen
commits hold nothing that looks like a real secret. Judged against the project's
.gitignore (envgen.gitignore); a project without one is not judged."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.compose.interpolation import REFERENCE, variable_of
from envgen.model.facts import FACTS, FactUnavailable
from envgen.model.secrecy import looks_like_secret_value
from envgen.model.tiers import Tier
from envgen.model.variables_file import is_generated_variables_file
from envgen.policies.rule import Finding, Rule, Scope

if TYPE_CHECKING:
    from envgen.reading.source import Path

_DEFAULT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:?-(?P<default>.*)$")


def kept_out_of_git(scope: Scope) -> Iterator[Finding]:
    if scope.gitignore is None:
        return
    for env in scope.environments:
        path = env.variables_file
        if path is None or is_generated_variables_file(env):
            continue
        if not scope.gitignore.ignores(path.removeprefix("./")):
            yield Finding(
                env.name,
                ("variables_file",),
                f"`{path}` holds this environment's secrets but .gitignore does not ignore it",
                f"add `{path.removeprefix('./')}` to .gitignore",
            )


def generated_file_committed(scope: Scope) -> Iterator[Finding]:
    if scope.gitignore is None:
        return
    for env in scope.environments:
        path = env.variables_file
        if path is None or not is_generated_variables_file(env):
            continue
        others = [e for e in scope.environments if e is not env]
        if any(other.variables_file == path for other in others):
            continue  # a file two environments share is SEG013's finding
        if scope.gitignore.ignores(path.removeprefix("./")):
            yield Finding(
                env.name,
                ("variables_file",),
                f"envgen writes `{path}` to be committed, but .gitignore ignores it, "
                "so a fresh clone would lack it",
                f"add `!{path.removeprefix('./')}` to .gitignore",
            )


def _defaults(text: str) -> Iterator[tuple[str, str]]:
    for match in REFERENCE.finditer(text.replace("$$", "")):
        default = _DEFAULT.fullmatch(match.group()[2:-1])
        if default is not None and default["default"]:
            yield variable_of(match.group()), default["default"]


def committed_values(scope: Scope) -> Iterator[Finding]:
    """The values envgen writes into a committed variables file are the defaults of the
    compose file's references: none may look like a real credential. Secret facts take
    their default from `database.password_default`, judged once."""
    for env in scope.environments:
        if not is_generated_variables_file(env):
            continue
        written: list[tuple[Path, str]] = []
        if env.database is not None and env.database.password_default is not None:
            written.append((("database", "password_default"), env.database.password_default))
        for name, service in env.services.items():
            for variable, value in service.environment.items():
                written.append((("services", name, "environment", variable), str(value)))
            for variable, fact in service.facts.items():
                if fact not in FACTS or FACTS[fact].secret:
                    continue
                try:
                    value = FACTS[fact].value(env)
                except FactUnavailable:
                    continue
                written.append((("services", name, "facts", variable), value))
        for path, text in written:
            candidates = [(path[-1], text)] if path[-1] == "password_default" else _defaults(text)
            for variable, value in candidates:
                if looks_like_secret_value(value):
                    yield Finding(
                        env.name,
                        path,
                        f"`{variable}`'s default would be committed in `{env.variables_file}` "
                        "and looks like a real secret",
                        "use a throw-away value such as `test`",
                    )


RULES = [
    Rule(
        "VAR001",
        "a variables file with a person's values is git-ignored",
        "Staging's and production's variables files hold real secrets; one `git add .` "
        "would publish them if .gitignore does not leave them out.",
        {Tier.LOCAL: "warning", Tier.STAGING: "error", Tier.PRODUCTION: "error"},
        kept_out_of_git,
        hint="add the file to .gitignore",
    ),
    Rule(
        "VAR002",
        "a committed variables file holds only throw-away values",
        "envgen commits the test stack's variables file; a default that looks like a real "
        "credential would be published with it.",
        {Tier.TEST: "error"},
        committed_values,
        hint="use a throw-away value such as `test`",
    ),
    Rule(
        "VAR003",
        "a variables file envgen writes is not git-ignored",
        "The test stack's variables file is generated to be committed; if git ignores it, "
        "a fresh clone cannot start the test stack and `envgen check` fails there.",
        {Tier.TEST: "error"},
        generated_file_committed,
        hint="un-ignore the file in .gitignore (`!<path>`)",
    ),
]
