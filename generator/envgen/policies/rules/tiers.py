"""Rules for what the test and staging tiers are for: throw-away test data, a guarded staging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.compose.interpolation import referenced
from envgen.model.tiers import Tier
from envgen.policies.rule import Finding, Rule, Scope, per_environment
from envgen.policies.rules.production import data_mount

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path


def tmpfs_database(env: Environment) -> Iterator[tuple[Path, str]]:
    found = data_mount(env)
    if found is None:
        return
    kind, name, path = found
    places = {"volume": "a volume", "bind": "a bind mount", "container": "the container's layer"}
    if kind != "tmpfs":
        yield path, f"`{name}` keeps the test database on {places[kind]}, not on tmpfs"


def mocked_integrations(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, integration in env.integrations.items():
        if integration.mode == "real":
            yield (
                ("integrations", name, "mode"),
                f"tests use the real {integration.description or f'`{name}`'}; "
                "mock it or turn it off",
            )


def _secret_variables_of(scope: Scope, integration: str) -> set[str]:
    """Every variable that holds the integration's secrets somewhere in the project: the
    ones its facts fill (ANTHROPIC_API_KEY), and the ones each environment names."""
    fact = f"integrations.{integration}.secrets."
    found = {
        variable
        for env in scope.environments
        for service in env.services.values()
        for variable, name in service.facts.items()
        if name.startswith(fact)
    }
    for env in scope.environments:
        settings = env.integrations.get(integration)
        if settings is not None:
            found |= set(settings.secrets.values())
    return found


def secrets_of_mocked(scope: Scope) -> Iterator[Finding]:
    """A mocked integration whose real secret still reaches a service by `environment`:
    the mode says mocked, the container talks to the real service."""
    known: dict[str, set[str]] = {}  # found once per integration, not once per environment
    for env in scope.of_tier(Tier.TEST):
        for integration, settings in env.integrations.items():
            if settings.mode == "real":
                continue  # mocked_integrations speaks for it
            if integration not in known:
                known[integration] = _secret_variables_of(scope, integration)
            variables = known[integration]
            for name, service in env.services.items():
                for variable, value in service.environment.items():
                    given = variable in variables and value != ""
                    if given or variables & set(referenced(value)):
                        yield Finding(
                            env.name,
                            ("services", name, "environment", variable),
                            f"`{name}` gets a secret of `{integration}` through `{variable}`, "
                            f"but `{integration}` is {settings.mode} here",
                            "remove the variable; a mock needs no secret",
                        )


def mocked_everywhere(scope: Scope) -> Iterator[Finding]:
    yield from per_environment(mocked_integrations)(scope)
    yield from secrets_of_mocked(scope)


def ports_apart(scope: Scope) -> Iterator[Finding]:
    """Test's host ports against local's, on any host: a laptop runs both. Local's ports
    are indexed by number and protocol (a range under each of its numbers), each key
    remembering the first local port that holds it, so each test port is looked up, not
    compared with every local port: linear in the ports, not in their product."""
    local = [
        (env, theirs, ("services", name, "ports", index))
        for env in scope.of_tier(Tier.LOCAL)
        for name, service in env.services.items()
        for index, theirs in enumerate(service.ports)
    ]
    first_holder: dict[tuple[int, str], int] = {}
    for order, (_, theirs, _) in enumerate(local):
        for number in theirs.host_ports or ():
            first_holder.setdefault((number, theirs.protocol.lower()), order)
    for env in scope.of_tier(Tier.TEST):
        for name, service in env.services.items():
            for index, port in enumerate(service.ports):
                protocol = port.protocol.lower()
                held = [
                    first_holder[(number, protocol)]
                    for number in port.host_ports or ()
                    if (number, protocol) in first_holder
                ]
                if not held:
                    continue
                other, _, path = local[min(held)]  # the first in project order, as ever
                yield Finding(
                    env.name,
                    ("services", name, "ports", index),
                    f"{port.described} is also {other.name}'s ({scope.where(other, path)})",
                    "pick a host port that local does not publish",
                )


def basic_auth(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.access != "basic_auth":
        yield ("access",), f"staging is reachable as `{env.access}`, not behind basic auth"


def own_identities(scope: Scope) -> Iterator[Finding]:
    """Each real integration of staging names an identity, and not production's."""
    for env in scope.of_tier(Tier.STAGING):
        for name, mine in env.integrations.items():
            if mine.mode != "real":
                continue
            for production in scope.of_tier(Tier.PRODUCTION):
                theirs = production.integrations.get(name)
                if theirs is None or theirs.mode != "real" or theirs.identity is None:
                    continue
                where = scope.where(production, ("integrations", name, "identity"))
                if mine.identity is None:
                    yield Finding(
                        env.name,
                        ("integrations", name),
                        f"staging's `{name}` names no `identity`; {production.name}'s is "
                        f"`{theirs.identity}` ({where})",
                        "give staging an account of its own and name it under `identity`",
                    )
                elif mine.identity.lower() == theirs.identity.lower():
                    yield Finding(
                        env.name,
                        ("integrations", name, "identity"),
                        f"staging uses {production.name}'s `{name}` identity "
                        f"`{mine.identity}` ({where})",
                        "give staging an account of its own",
                    )


RULES = [
    Rule(
        "TST001",
        "test keeps database data on tmpfs",
        "Test data is thrown away after each run, and a RAM disk is fast and cannot fill "
        "the laptop's disk.",
        {Tier.TEST: "error"},
        per_environment(tmpfs_database),
        hint="mount a tmpfs on the database's data folder (`tmpfs: [{target: ..., size: 256m}]`)",
        reads=("volume mount", "RAM disk"),
    ),
    Rule(
        "TST002",
        "test mocks every integration",
        "A test run must not message real people, spend an account's credit or depend on "
        "an outside service; each integration is mocked or off in the test tier, and no "
        "service receives a mocked integration's real secret through `environment`.",
        {Tier.TEST: "error"},
        mocked_everywhere,
        hint="set the integration's `mode` to mocked or off in the test spec",
    ),
    Rule(
        "TST004",
        "test uses other host ports than local",
        "A developer runs the test stack beside the local one; equal ports collide, or a "
        "test connects to the developer's database. Ranges count each port in them.",
        {Tier.TEST: "error"},
        ports_apart,
        hint="pick a host port that local does not publish",
        reads=("published port",),
    ),
    Rule(
        "STG001",
        "staging behind basic auth",
        "Staging runs unreleased code on real infrastructure; strangers and search "
        "engines must not reach it.",
        {Tier.STAGING: "error"},
        per_environment(basic_auth),
        hint="set `access: basic_auth`, with `proxy.basic_auth`",
    ),
    Rule(
        "STG002",
        "staging's real integrations use identities of their own",
        "Staging acting as production's account (its bot, its project) reaches "
        "production's users and data with unreleased code.",
        {Tier.STAGING: "error"},
        own_identities,
        hint="give staging an account of its own",
    ),
]
