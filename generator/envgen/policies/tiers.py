"""Rules for what the test and staging tiers are for: throw-away test data, a guarded staging."""

from __future__ import annotations

from collections.abc import Iterator

from envgen.policies.production import data_mount
from envgen.policies.rule import Finding, Rule, Scope, per_environment
from envgen.spec.environment import Environment, Tier
from envgen.spec.source import Path


def tmpfs_database(env: Environment) -> Iterator[tuple[Path, str]]:
    found = data_mount(env)
    if found is None:
        return
    kind, name, path = found
    places = {"volume": "a volume", "bind": "a bind mount", "container": "the container's layer"}
    if kind != "tmpfs":
        yield path, f"`{name}` keeps the test database on {places[kind]}, not on tmpfs"


def mocked_bot(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.bot.mode != "mocked":
        yield ("bot", "mode"), "tests talk to a real Telegram bot"


def mocked_claude(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.claude.mode != "mocked":
        yield ("claude", "mode"), "tests call the real Claude API"


def ports_apart(scope: Scope) -> Iterator[Finding]:
    """Test's host ports against local's, on any host: a laptop runs both."""
    local = [
        (env, port.host, port.protocol, ("services", name, "ports", index))
        for env in scope.of_tier(Tier.LOCAL)
        for name, service in env.services.items()
        for index, port in enumerate(service.ports)
    ]
    for env in scope.of_tier(Tier.TEST):
        for name, service in env.services.items():
            for index, port in enumerate(service.ports):
                for other, number, protocol, path in local:
                    if (number, protocol) == (port.host, port.protocol):
                        yield Finding(
                            env.name,
                            ("services", name, "ports", index),
                            f"host port {port.host} is also {other.name}'s "
                            f"({scope.where(other, path)})",
                            "pick a host port that local does not publish",
                        )
                        break


def basic_auth(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.access != "basic_auth":
        yield ("access",), f"staging is reachable as `{env.access}`, not behind basic auth"


def own_bot(scope: Scope) -> Iterator[Finding]:
    for env in scope.of_tier(Tier.STAGING):
        if env.bot.mode != "real":
            yield Finding(env.name, ("bot", "mode"), "staging needs a real bot of its own")
            continue
        for production in scope.of_tier(Tier.PRODUCTION):
            for field in ("username", "token_variable"):
                mine, theirs = getattr(env.bot, field), getattr(production.bot, field)
                if mine is not None and theirs is not None and mine.lower() == theirs.lower():
                    where = scope.where(production, ("bot", field))
                    what = field.replace("_", " ")
                    yield Finding(
                        env.name,
                        ("bot", field),
                        f"staging uses {production.name}'s bot {what} `{mine}` ({where})",
                        "create a staging bot with @BotFather",
                    )


RULES = [
    Rule(
        "TST001",
        "test keeps database data on tmpfs",
        "Test data is thrown away after each run, and a RAM disk is fast and cannot fill "
        "the laptop's disk.",
        {Tier.TEST: "error"},
        per_environment(tmpfs_database),
    ),
    Rule(
        "TST002",
        "test mocks the Telegram bot",
        "A test run must not send messages to real people.",
        {Tier.TEST: "error"},
        per_environment(mocked_bot),
    ),
    Rule(
        "TST003",
        "test mocks the Claude API",
        "A test run must not spend API credit or depend on the network.",
        {Tier.TEST: "error"},
        per_environment(mocked_claude),
    ),
    Rule(
        "TST004",
        "test uses other host ports than local",
        "A developer runs the test stack beside the local one; equal ports collide, or a "
        "test connects to the developer's database.",
        {Tier.TEST: "error"},
        ports_apart,
    ),
    Rule(
        "STG001",
        "staging behind basic auth",
        "Staging runs unreleased code on real infrastructure; strangers and search "
        "engines must not reach it.",
        {Tier.STAGING: "error"},
        per_environment(basic_auth),
    ),
    Rule(
        "STG002",
        "staging has its own real bot",
        "Staging answering as the production bot talks to production's users with unreleased code.",
        {Tier.STAGING: "error"},
        own_bot,
    ),
]
