"""Rules for how services reach the database: its password in a URL must survive being one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.compose.interpolation import InterpolationError, Reference, parse
from envgen.policies.meaning.databases import database_name
from envgen.policies.rule import Finding, Rule, Scope, everywhere

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path

# A URL's user information, `scheme://user:password@`; the password is group `password`.
_USERINFO = re.compile(r"://[^/@\s:]*:(?P<password>[^/@\s]*)@")
# Compose fills a reference in as it is: these characters end or bend the password.
_BREAKING = "@ : / ? # % or a space"


def _password_references(text: str) -> list[str]:
    """The variables written where a URL's password goes, in `text` as Compose reads it."""
    try:
        parts = parse(text)
    except InterpolationError:
        return []  # refused before any rule runs
    names = [part.name for part in parts if isinstance(part, Reference)]
    # Each reference as a marker that no literal holds, so that the URL's shape shows.
    skeleton = "".join(
        f"\0{names.index(part.name)}\0" if isinstance(part, Reference) else part for part in parts
    )
    found = []
    for match in _USERINFO.finditer(skeleton):
        found += [names[int(index)] for index in re.findall(r"\0(\d+)\0", match["password"])]
    return found


def _url_passwords(env: Environment) -> Iterator[tuple[Path, str, str]]:
    """Where the database's password, not declared URL-safe, goes into a URL: the fact
    `database.url`, or a URL a service's variable spells out by hand."""
    db = env.database
    if db is None or db.password_variable is None or db.password_url_safe:
        return
    password = db.password_variable
    message = f"puts {password} into a URL as it is; a password holding {_BREAKING} breaks it"
    hint = (
        "generate it from A-Z a-z 0-9 - . _ ~ and say so with "
        "`database.password_url_safe: true`, or pass `database.url_without_password` and "
        "the password apart"
    )
    for name, service in env.services.items():
        for variable, fact in service.facts.items():
            if fact == "database.url":
                yield ("services", name, "facts", variable), f"`{variable}` {message}", hint
        for variable, value in service.environment.items():
            if password in _password_references(value):
                yield ("services", name, "environment", variable), f"`{variable}` {message}", hint


def url_passwords(scope: Scope) -> Iterator[Finding]:
    for env in scope.environments:
        for path, message, hint in _url_passwords(env):
            yield Finding(env.name, path, message, hint)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def unjudged_names(scope: Scope) -> Iterator[Finding]:
    """A database named by a variable without a default, beside another environment's
    database: SEG005 compares the variable and its file, not the name it will hold."""
    names = {env.name: database_name(env) for env in scope.environments}
    for env in scope.environments:
        name = names[env.name]
        if name is None or name.unjudged is None:
            continue
        others = [other for other, found in names.items() if other != env.name and found]
        if not others:
            continue  # no other database to tell it from
        yield Finding(
            env.name,
            ("database", "name"),
            f"`{name.unjudged}` without a default decides the database's name, so SEG005 "
            f"cannot compare it with the database names of {_listed(others)} (it compares "
            "the variable and the file it is read from)",
        )


RULES = [
    Rule(
        "DBS001",
        "a password interpolated into a URL is URL-safe",
        "Compose inserts a variable's value into `scheme://user:${PASSWORD}@host` without "
        "encoding it, so a password holding @, :, / or % makes another URL, or none.",
        everywhere("warning"),
        url_passwords,
        hint=(
            "declare `database.password_url_safe: true` for a URL-safe password, or pass the "
            "password apart"
        ),
    ),
    Rule(
        "DBS002",
        "every database name can be judged",
        "A database name from a variable is judged by its default; with none, SEG005 sees "
        "only the variable, and two environments could still be given one name.",
        everywhere("warning"),
        unjudged_names,
        hint="give it a default, such as `${DB_NAME:-<app>_<environment>}`, which SEG005 judges",
    ),
]
