"""Facts: the environment-level values a service can receive as container variables.

base.yaml says which variable carries which fact (`facts: {LOG_FORMAT: log_format}`), so
the spec states a fact once (an integration, the database, the flags) and every service that
needs it receives the same value. Secrets appear only as `${VARIABLE}` references.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from envgen.model.environment import Database, Environment, Integration


KEY_NAME = re.compile(r"[a-z][a-z0-9_-]*")


class FactUnavailable(ValueError):
    """The environment does not define what the fact is made of."""


def _flag(value: bool) -> str:
    return "true" if value else "false"


def required(variable: str, what: str) -> str:
    """A reference that makes Compose stop with a clear message when it is unset."""
    return f"${{{variable}:?{variable} must hold the {what}}}"


def _database(env: Environment) -> Database:
    if env.database is None:
        raise FactUnavailable("the environment has no `database`")
    return env.database


def _part(env: Environment, part: str) -> str:
    """One part of a database the stack runs: host, port, name, user or password."""
    db = _database(env)
    if not db.runs_in_stack:
        raise FactUnavailable(
            f"an external database has no `{part}` here; read `database.url`, which refers "
            f"to {db.url_variable}"
        )
    value = {
        "host": db.service_name,
        "port": str(db.port_number),
        "name": db.name,
        "user": db.user,
        "password": _password_reference(db),
    }[part]
    assert value is not None  # the model demands each part of a database the stack runs
    return value


def _password_reference(db: Database) -> str | None:
    if db.password_variable is None:
        return None
    if db.password_default is not None:
        return f"${{{db.password_variable}:-{db.password_default}}}"
    return required(db.password_variable, "database password")


def _public_url(env: Environment) -> str:
    if env.domain is None:
        raise FactUnavailable("the environment has no `domain`")
    return f"https://{env.domain}"


def _database_url(env: Environment, with_password: bool = True) -> str:
    """`scheme://user:password@host:port/name`, the password a `${...}` reference that
    Compose fills in as it is (rule DBS001 asks for URL-safe passwords); an external
    database's URL is its variable."""
    db = _database(env)
    if not db.runs_in_stack:
        if not with_password:
            raise FactUnavailable("an external database's URL is one variable, password and all")
        assert db.url_variable is not None  # the model demands it of an external database
        return required(db.url_variable, "database URL")
    credentials = _part(env, "user") + (f":{_part(env, 'password')}" if with_password else "")
    host = f"{_part(env, 'host')}:{_part(env, 'port')}"
    return f"{db.scheme}://{credentials}@{host}/{_part(env, 'name')}"


@dataclass(frozen=True)
class Fact:
    description: str
    value: Callable[[Environment], str]
    secret: bool = False


def _feature(name: str) -> Fact:
    def value(env: Environment) -> str:
        if name not in env.features:
            raise FactUnavailable(f"the environment defines no feature `{name}`")
        return _flag(env.flags[name])

    return Fact("true or false", value)


def _integration_fact(name: str, part: str) -> Fact | None:
    """`mode`, `identity` or `secrets.<key>` of the integration `name`."""

    def integration(env: Environment) -> Integration:
        if name not in env.integrations:
            raise FactUnavailable(f"the environment has no integration `{name}`")
        return env.integrations[name]

    def identity(env: Environment) -> str:
        found = integration(env).identity
        if found is None:
            raise FactUnavailable(f"integration `{name}` has no `identity`")
        return found

    def secret(key: str) -> Callable[[Environment], str]:
        def value(env: Environment) -> str:
            found = integration(env)
            if key not in found.secrets:
                state = "" if found.mode == "real" else f" (it is {found.mode})"
                raise FactUnavailable(f"integration `{name}` has no secret `{key}`{state}")
            # The words end up inside `${VAR:?...}`, where `$`, `{` and `}` would not be text.
            what = re.sub(r"[${}]", "", f"{found.label(name)} {key.replace('_', ' ')}")
            return required(found.secrets[key], what)

        return value

    if part == "mode":
        return Fact("real, mocked or off", lambda env: integration(env).mode)
    if part == "identity":
        return Fact("the integration's identity", identity)
    key = part.removeprefix("secrets.")
    if key != part and KEY_NAME.fullmatch(key):
        return Fact("reference to the variable of that secret", secret(key), secret=True)
    return None


# The fixed facts; a project's declarations add the families of FAMILIES.
_FIXED: dict[str, Fact] = {
    "environment": Fact("the environment's name", lambda env: env.name),
    "tier": Fact("local, test, staging or production", lambda env: env.tier.value),
    "log_format": Fact("human or json", lambda env: env.logs),
    # Sorted: their order means nothing, so reordering a spec changes no file.
    "cors_origins": Fact(
        "allowed origins, comma-separated", lambda env: ",".join(sorted(env.cors_origins))
    ),
    "public_url": Fact("https:// and the domain", _public_url),
    "database.host": Fact("the service that runs the database", lambda env: _part(env, "host")),
    "database.port": Fact("its port inside the network", lambda env: _part(env, "port")),
    "database.name": Fact("database name", lambda env: _part(env, "name")),
    "database.user": Fact("database user", lambda env: _part(env, "user")),
    "database.password": Fact(
        "reference to the password variable", lambda env: _part(env, "password"), secret=True
    ),
    "database.url": Fact(
        "`url_scheme`://user:password@host:port/name, the password by reference; an "
        "external database's `url_variable`",
        _database_url,
        secret=True,
    ),
    "database.url_without_password": Fact(
        "the same URL without the password, for a client that takes it apart",
        lambda env: _database_url(env, with_password=False),
    ),
}

# Facts named after what a project declares, for the reference pages and for hints.
FAMILIES: dict[str, str] = {
    "features.<flag>": "true or false: the flag `<flag>` of `features`",
    "integrations.<name>.mode": "real, mocked or off",
    "integrations.<name>.identity": "the integration's `identity`",
    "integrations.<name>.secrets.<key>": "reference to the variable of that secret",
}


class FactCatalogue(Mapping[str, Fact]):
    """Every fact by name: the fixed ones, and those named after a project's feature flags
    and integrations (`features.debug`, `integrations.mail.secrets.token`). Iterating gives
    the fixed names only; a declared name is looked up by parsing it."""

    def __getitem__(self, name: str) -> Fact:
        if name in _FIXED:
            return _FIXED[name]
        found: Fact | None = None
        head, _, rest = name.partition(".")
        if head == "features" and KEY_NAME.fullmatch(rest):
            found = _feature(rest)
        elif head == "integrations":
            integration, _, part = rest.partition(".")
            if KEY_NAME.fullmatch(integration):
                found = _integration_fact(integration, part)
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(_FIXED)

    def __len__(self) -> int:
        return len(_FIXED)


FACTS = FactCatalogue()
