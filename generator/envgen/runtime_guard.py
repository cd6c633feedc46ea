"""The runtime guard: does a process environment point at another environment's
resources? Judged from the specs' own segregation facts, never from a value's look:

- a secret variable that only another environment uses (`PROD_POSTGRES_PASSWORD` in a
  test run), or the value of one under another name;
- a URL whose database name, or whose host and port, belong to another environment
  (`DATABASE_URL=...@127.0.0.1:5432/coupette_dev` while the test stack publishes 15432);
- another environment's database name or user in a variable that carries that fact, its
  domain anywhere in a value, the identity of one of its integrations (a bot's username),
  or its compose project name in COMPOSE_PROJECT_NAME.

A process may be one of the guarded environment's own containers: what its spec gives that
container is its own (staging's backend receives its key as `ANTHROPIC_API_KEY`, the name
local's host uses), and a loopback address there is the container itself, not the host.
Messages name the variable and what it points at, never its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from envgen.compose.interpolation import InterpolationError, interpolate, parse, referenced
from envgen.model.environment import Environment
from envgen.model.facts import FACTS, FactUnavailable
from envgen.project.load import Project

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


@dataclass(frozen=True, order=True)
class Trespass:
    """A variable of the process that belongs to, or points at, another environment."""

    variable: str
    owner: str  # the other environment
    what: str  # `points at {owner}'s database`: {owner} is filled in

    def __str__(self) -> str:
        return f"{self.variable} " + self.what.format(owner=f"{self.owner}'s")


def _secret_names(env: Environment) -> dict[str, str]:
    return {name: ".".join(path) for name, path in env.secret_variables()}


@dataclass(frozen=True)
class _Container:
    """What one service of an environment runs with, from its spec: the variables with a
    plain value (which tell that a process is this container) and those that carry one of
    the environment's secrets."""

    plain: dict[str, str]
    secret: frozenset[str]


def _text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _containers(env: Environment) -> Iterator[_Container]:
    secret_names = set(_secret_names(env))
    for service in env.services.values():
        values = {name: _text(value) for name, value in service.environment.items()}
        for name, fact in service.facts.items():
            try:
                values[name] = FACTS[fact].value(env)
            except (KeyError, FactUnavailable):
                continue  # the spec checks refuse it elsewhere
        plain: dict[str, str] = {}
        secret: set[str] = set()
        for name, text in values.items():
            names = referenced(text)
            if names.keys() & secret_names:
                secret.add(name)
            elif not names:
                try:
                    plain[name] = interpolate(parse(text), {})  # `$$` is one `$`
                except InterpolationError:
                    continue
        yield _Container(plain, frozenset(secret))


def _inside(own: Environment, environ: Mapping[str, str]) -> list[_Container]:
    """The containers of `own` that the process is: each of its plain variables set to its
    spec's value. A container with none cannot be told from a host shell."""
    return [
        container
        for container in _containers(own)
        if container.plain
        and all(environ.get(name) == value for name, value in container.plain.items())
    ]


def _fact_variables(project: Project, facts: set[str]) -> set[str]:
    """The container variables that carry one of `facts` in some environment."""
    return {
        variable
        for env in project.environments
        for service in env.services.values()
        for variable, fact in service.facts.items()
        if fact in facts
    }


def _host_ports(env: Environment) -> set[int]:
    return {number for _, port in env.published_ports() for number in port.host_ports or ()}


def _mentions(text: str, domain: str) -> bool:
    """`domain` as a whole host name in `text`: not `staging-wine.example` for `wine.example`."""
    return re.search(rf"(?<![A-Za-z0-9.-]){re.escape(domain)}(?![A-Za-z0-9-])", text) is not None


def _url_trespasses(
    variable: str, value: str, own: Environment, other: Environment, *, in_container: bool
) -> Iterator[Trespass]:
    try:
        url = urlsplit(value)
        port = url.port
    except ValueError:
        return
    if not url.scheme or not url.netloc:
        return
    name = url.path.lstrip("/")
    ours = own.database.name if own.database else None
    if other.database is not None and name and name == other.database.name != ours:
        yield Trespass(variable, other.name, f"points at {{owner}} database `{name}`")
    theirs = _host_ports(other) - _host_ports(own)
    # In a container a loopback address is the container itself, never the host's ports.
    if not in_container and url.hostname in LOCAL_HOSTS and port in theirs:
        yield Trespass(variable, other.name, f"points at {{owner}} port {port} on this host")


def _trespasses_of(
    project: Project, own: Environment, other: Environment, environ: Mapping[str, str]
) -> Iterator[Trespass]:
    ours = _secret_names(own)
    inside = _inside(own, environ)
    carried = {name for container in inside for name in container.secret}
    secrets: dict[str, tuple[str, str]] = {}  # the value of each of their secrets set here
    for variable, field in _secret_names(other).items():
        # Not when it is the name one of own's containers, the process, receives its own by.
        if variable in ours or variable in carried or not environ.get(variable):
            continue
        secrets.setdefault(environ[variable], (variable, field))
        yield Trespass(variable, other.name, f"is set, and it is {{owner}} `{field}`")
    # Another environment's secret variable set here is named as such, not for its value.
    named = {n for e in project.environments if e.name != own.name for n in _secret_names(e)}
    named -= ours.keys() | carried
    name_variables = _fact_variables(project, {"database.name", "database.user"})
    for variable, value in environ.items():
        if not value:
            continue
        held = secrets.get(value)
        if held is not None and variable not in named:
            yield Trespass(
                variable, other.name, f"holds the value of {held[0]}, {{owner}} `{held[1]}`"
            )
        yield from _url_trespasses(variable, value, own, other, in_container=bool(inside))
        if other.database is not None and own.database is not None and variable in name_variables:
            theirs = {other.database.name, other.database.user}
            if value in theirs - {own.database.name, own.database.user}:
                yield Trespass(variable, other.name, f"names {{owner}} database `{value}`")
        if other.domain and other.domain != own.domain and _mentions(value, other.domain):
            yield Trespass(variable, other.name, f"names {{owner}} domain `{other.domain}`")
        for key, integration in other.integrations.items():
            mine = own.integrations.get(key)
            identity = integration.identity
            if identity and value == identity and (mine is None or mine.identity != identity):
                yield Trespass(variable, other.name, f"is {{owner}} {key} identity `{identity}`")
        if variable == "COMPOSE_PROJECT_NAME" and value == other.project_name:
            yield Trespass(variable, other.name, f"names {{owner}} compose project `{value}`")


def trespasses(project: Project, name: str, environ: Mapping[str, str]) -> list[Trespass]:
    """Everything in `environ` that points at an environment other than `name`, sorted,
    each once."""
    own = project.get(name)
    found = {
        trespass
        for other in project.environments
        if other.name != own.name
        for trespass in _trespasses_of(project, own, other, environ)
    }
    return sorted(found)
