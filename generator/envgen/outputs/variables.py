"""Variables files: `.env.example`, which names every variable the environments read, and
the committed variables file of each test-tier environment, complete with throw-away
values.

Both are made from the rendered compose documents (what Compose will actually ask for)
and from the proxy's routes (what Caddy's own environment must set); never from a value
a person keeps secret: `.env.example` holds no value at all, and a test stack's file
holds only the defaults that its compose file already spells out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from envgen.compose.interpolation import REFERENCE, is_required, variable_of
from envgen.model.environment import Environment
from envgen.model.secrecy import is_secret_name
from envgen.model.variables_file import is_generated_variables_file
from envgen.outputs.caddy import caddy_sites
from envgen.outputs.compose import COMPOSE, compose_of
from envgen.outputs.languages.dotenv_text import (
    dotenv_comment,
    dotenv_name,
    dotenv_value,
    read_dotenv,
)
from envgen.outputs.output import Output
from envgen.project.load import Project
from envgen.settings import Settings

# `${NAME:?NAME must hold the database password}`: the message facts.required() writes.
_MUST_HOLD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]* must hold (?P<what>.+)$")


@dataclass(frozen=True)
class Reference:
    """How one environment's compose file refers to a variable."""

    required: bool
    default: str | None  # `${NAME:-default}`: what Compose uses when it is unset
    message: str | None  # `${NAME:?message}`: what Compose says when it is unset


def references(doc: Any) -> dict[str, Reference]:
    """Every variable a compose document refers to, by name, in name order."""
    found: dict[str, Reference] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict | list):
            for item in value.values() if isinstance(value, dict) else value:
                walk(item)
        elif isinstance(value, str):
            for match in REFERENCE.finditer(value.replace("$$", "")):
                reference = match.group()
                name = variable_of(reference)
                rest = reference[2 + len(name) : -1].removeprefix(":")
                default = rest[1:] if rest.startswith("-") else None
                message = rest[1:] if rest.startswith("?") and rest[1:] else None
                found.setdefault(name, Reference(is_required(reference), default, message))

    walk(doc)
    # A top-level secret or config read from a variable names it bare, not as `${...}`;
    # Compose's `config --variables` does not list it, but the stack needs its value.
    for section in ("secrets", "configs"):
        entries = doc.get(section) if isinstance(doc, dict) else None
        for key, entry in (entries or {}).items():
            name = entry.get("environment") if isinstance(entry, dict) else None
            if isinstance(name, str):
                what = f"the content of the {section[:-1]} `{key}`"
                found.setdefault(name, Reference(required=True, default=None, message=what))
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Variable:
    """One line of `.env.example`: a name, what it is for, and whether Compose needs it."""

    name: str
    purpose: str


@dataclass(frozen=True)
class Group:
    """The variables that the same environments read, with where their values belong."""

    title: str
    where: str
    variables: tuple[Variable, ...]


def _purpose(name: str, readers: list[tuple[Environment, Reference]]) -> str:
    """`the database password; required`, or `optional; default staging in staging, ...`.
    A default is shown only under a name that does not look secret."""
    messages = [r.message for _, r in readers if r.message]
    said = _MUST_HOLD.fullmatch(messages[0]) if messages else None
    what = said["what"] if said else (messages[0] if messages else _named_by(name, readers))
    if all(r.required for _, r in readers):
        return f"{what}; required" if what else "required"
    defaults = {env.name: r.default for env, r in readers if r.default is not None}
    if defaults and not is_secret_name(name):
        values = set(defaults.values())
        if len(values) == 1 and len(defaults) == len(readers):
            shown = f"default {values.pop()}"
        else:
            shown = "default " + ", ".join(f"{v} in {e}" for e, v in defaults.items())
    else:
        shown = "has a default" if defaults else "empty when unset"
    return "; ".join(part for part in (what, f"optional, {shown}") if part)


def _named_by(name: str, readers: list[tuple[Environment, Reference]]) -> str:
    """The spec field that names a secret variable, for one without a message."""
    for env, _ in readers:
        for variable, path in env.secret_variables():
            if variable == name:
                return "named by " + ".".join(path)
    return ""


def _where(envs: list[Environment], settings: Settings) -> str:
    parts = []
    for env in envs:
        compose = COMPOSE.destination(settings, env)
        kept = (
            f"{env.variables_file} (generated, committed)"
            if is_generated_variables_file(env)
            else f"{env.variables_file} (kept out of git)"
            if env.variables_file
            else "the shell's environment"
        )
        parts.append(
            f"{compose} with {kept}" if len(envs) == 1 else f"{env.name}: {compose} with {kept}"
        )
    return "; ".join(parts)


def _compose_groups(project: Project) -> list[Group]:
    readers: dict[str, list[tuple[Environment, Reference]]] = {}
    for env in project.environments:
        for name, reference in references(compose_of(project, env)[0]).items():
            readers.setdefault(name, []).append((env, reference))
    by_readers: dict[tuple[str, ...], list[Variable]] = {}
    for name, found in readers.items():
        key = tuple(env.name for env, _ in found)
        by_readers.setdefault(key, []).append(Variable(name, _purpose(name, found)))
    order = {env.name: index for index, env in enumerate(project.environments)}
    groups = []
    for key in sorted(by_readers, key=lambda names: [order[n] for n in names]):
        envs = [project.get(name) for name in key]
        title = "read by " + " and ".join(key)
        groups.append(Group(title, _where(envs, project.settings), tuple(by_readers[key])))
    return groups


def _proxy_group(project: Project, listed: set[str]) -> list[Group]:
    """The proxy's own variables; one a compose file reads too is listed there, once (a
    variables file holds a name once)."""
    variables = []
    for site in caddy_sites(project):
        if site.basic_auth is not None:
            user, password_hash = site.basic_auth
            variables.append(Variable(user, f"basic-auth user name for {site.domain}; required"))
            variables.append(
                Variable(
                    password_hash,
                    f"bcrypt hash of its password (caddy hash-password) for {site.domain}; "
                    "required",
                )
            )
    variables = [variable for variable in variables if variable.name not in listed]
    if not variables:
        return []
    where = f"{project.settings.caddyfile}, from the proxy's own environment, not Compose's"
    return [Group("read by the reverse proxy", where, tuple(variables))]


def example_context(project: Project) -> dict[str, Any] | None:
    """What templates/env.example.j2 needs: every variable once, grouped by its readers;
    None when no environment reads any variable."""
    compose_groups = _compose_groups(project)
    listed = {variable.name for group in compose_groups for variable in group.variables}
    groups = [*compose_groups, *_proxy_group(project, listed)]
    if not groups:
        return None
    sources = dict.fromkeys(
        path for env in project.environments for path in project.sources[env.name]
    )
    return {
        "sources": list(sources),
        "groups": groups,
        "expected": {variable.name: "" for group in groups for variable in group.variables},
    }


def test_values(project: Project, env: Environment) -> dict[str, str]:
    """Every variable the environment's compose file reads, with its throw-away default."""
    values = {}
    for name, reference in references(compose_of(project, env)[0]).items():
        if reference.default is None:
            where = project.spec_references(env.name, name) or _naming_field(env, name)
            raise project.spec_error(
                env.name,
                where,
                f"`{name}` has no default, so {env.variables_file}, committed, cannot hold "
                "a throw-away value for it",
                "give it one, such as ${NAME:-value}, or `password_default` for the database",
            )
        values[name] = reference.default
    return values


def _naming_field(env: Environment, name: str) -> tuple[str | int, ...]:
    """The spec field that names a variable the environment's facts read, else the
    variables file's own field."""
    for variable, path in env.secret_variables():
        if variable == name:
            return path
    return ("variables_file",)


def variables_context(project: Project, env: Environment) -> dict[str, Any] | None:
    """What templates/env.variables.j2 needs, for a test-tier environment only."""
    if not is_generated_variables_file(env):
        return None
    values = test_values(project, env)
    return {
        "sources": project.sources[env.name],
        "env": env,
        "compose_file": str(COMPOSE.destination(project.settings, env)),
        "values": values,
        "expected": values,
    }


def verify_variables(text: str, context: dict[str, Any]) -> str | None:
    """A variables file is kept only if it sets exactly the intended values, and nothing
    else is on its lines."""
    found, wrong = read_dotenv(text)
    if wrong:
        return "not a variable assignment: " + "; ".join(wrong)
    if found != context["expected"]:
        return f"expected {context['expected']!r}, rendered {found!r}"
    return None


def _variables_file(_: Settings, env: Environment | None) -> str:
    assert env is not None, "a variables file belongs to one environment"
    assert env.variables_file is not None, "only an environment with one gets a file"
    return str(PurePosixPath(env.variables_file))


FILTERS = {
    "dotenv_name": dotenv_name,
    "dotenv_value": dotenv_value,
    "dotenv_comment": dotenv_comment,
}

VARIABLES_EXAMPLE = Output(
    "variables-example",
    "env.example.j2",
    comment="#",
    folder=lambda settings: settings.variables_example.parent,
    filename=lambda settings, _: settings.variables_example.name,
    project_context=example_context,
    verify=verify_variables,
    filters=FILTERS,
)

VARIABLES_FILE = Output(
    "variables-file",
    "env.variables.j2",
    comment="#",
    folder=lambda _: PurePosixPath("."),
    filename=_variables_file,
    environment_context=variables_context,
    verify=verify_variables,
    filters=FILTERS,
)
