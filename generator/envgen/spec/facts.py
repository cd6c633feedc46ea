"""Facts: the environment-level values a service can receive as container variables.

base.yaml says which variable carries which fact (`facts: {LOG_FORMAT: log_format}`), so
the spec states a fact once (the bot, the database, the flags) and every service that
needs it receives the same value. Secrets appear only as `${VARIABLE}` references.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from envgen.spec.environment import Database, Environment


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


def _password(env: Environment) -> str:
    db = _database(env)
    if db.password_default is not None:
        return f"${{{db.password_variable}:-{db.password_default}}}"
    return required(db.password_variable, "database password")


def _bot_token(env: Environment) -> str:
    if env.bot.token_variable is None:
        raise FactUnavailable("the bot is mocked and has no token")
    return required(env.bot.token_variable, "Telegram bot token")


def _claude_key(env: Environment) -> str:
    if env.claude.key_variable is None:
        raise FactUnavailable("the Claude API is mocked and has no key")
    return required(env.claude.key_variable, "Claude API key")


def _public_url(env: Environment) -> str:
    if env.domain is None:
        raise FactUnavailable("the environment has no `domain`")
    return f"https://{env.domain}"


def _database_url(env: Environment) -> str:
    db = _database(env)
    return f"postgresql://{db.user}:{_password(env)}@{db.service}:{db.port}/{db.name}"


@dataclass(frozen=True)
class Fact:
    description: str
    value: Callable[[Environment], str]
    secret: bool = False


FACTS: dict[str, Fact] = {
    "environment": Fact("the environment's name", lambda env: env.name),
    "tier": Fact("local, test, staging or production", lambda env: env.tier.value),
    "log_format": Fact("human or json", lambda env: env.logs),
    # Sorted: their order means nothing, so reordering a spec changes no file.
    "cors_origins": Fact(
        "allowed origins, comma-separated", lambda env: ",".join(sorted(env.cors_origins))
    ),
    "public_url": Fact("https:// and the domain", _public_url),
    "features.swagger_ui": Fact("true or false", lambda env: _flag(env.swagger_ui)),
    "features.hot_reload": Fact("true or false", lambda env: _flag(env.hot_reload)),
    "features.debug": Fact("true or false", lambda env: _flag(env.debug)),
    "bot.mode": Fact("real or mocked", lambda env: env.bot.mode),
    "bot.username": Fact("the bot's username", lambda env: env.bot.username or ""),
    "bot.token": Fact("reference to the bot token variable", _bot_token, secret=True),
    "claude.mode": Fact("real or mocked", lambda env: env.claude.mode),
    "claude.api_key": Fact("reference to the API key variable", _claude_key, secret=True),
    "database.name": Fact("database name", lambda env: _database(env).name),
    "database.user": Fact("database user", lambda env: _database(env).user),
    "database.password": Fact("reference to the password variable", _password, secret=True),
    "database.url": Fact("postgresql:// URL, password by reference", _database_url, secret=True),
}
