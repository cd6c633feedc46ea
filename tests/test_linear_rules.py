"""SEG012 and TST004 look values up in an index instead of comparing every pair of
environments: their findings are exactly those of the comparisons they replace (kept
below as the reference), on texts and ports drawn to sit at every boundary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from envgen.model.environment import Environment
from envgen.model.tiers import Tier
from envgen.policies.resolved import decoded
from envgen.policies.rule import Finding, Scope
from envgen.policies.rules.segregation import _free_text, production_values
from envgen.policies.rules.tiers import ports_apart
from envgen.reading.source import Document
from hypothesis import given, settings
from hypothesis import strategies as st

# Production's values, and pieces of text around them that sit on each side of a
# word boundary (`.`, `-`, `_`, `/`, `:`), in either case.
DOMAIN, IDENTITY, VARIABLE, DATABASE = "shop.example.org", "ShopBot", "PROD_TOKEN", "shop_db"
PIECES = [
    DOMAIN,
    DOMAIN.upper(),
    IDENTITY,
    IDENTITY.lower(),
    "${" + VARIABLE + "}",
    "${" + VARIABLE.lower() + ":-x}",
    "${" + VARIABLE + "X}",
    DATABASE,
    "postgres://u:p@h:5432/" + DATABASE,
    "://x://y/" + DATABASE,
    "?dbname=" + DATABASE,
    "&DB=" + DATABASE.upper(),
    "%73hop_db",
    "api.",
    ".",
    "-",
    "_",
    "/",
    ":",
    " ",
    "\n",
    "x",
    "1",
]


def _environment(name: str, tier: str, texts: dict[str, str]) -> Environment:
    deployed = tier == "production"
    return Environment.model_validate(
        {
            "name": name,
            "tier": tier,
            "app": "shop",
            "host": {"name": "h"},
            "access": "public" if deployed else "localhost",
            "domain": DOMAIN if deployed else None,
            "integrations": {
                "chat": {"mode": "real", "identity": IDENTITY, "secrets": {"token": VARIABLE}}
                if deployed
                else {"mode": "mocked"}
            },
            "database": {"name": DATABASE, "user": "u", "password_variable": "PW"}
            if deployed
            else {"name": f"{name}_db", "user": "u", "password_variable": f"{name.upper()}_PW"},
            "services": {"app": {"image": "nginx", "environment": texts}},
        }
    )


def _reference_production_values(scope: Scope) -> Iterator[Finding]:
    """SEG012 as it was: every production's patterns over every other environment's texts."""
    for production in scope.of_tier(Tier.PRODUCTION):
        spotted = _patterns(production)
        for env in scope.environments:
            if env.tier is Tier.PRODUCTION:
                continue
            for text, path in _free_text(env):
                forms = (text, decoded(text))
                for value, pattern, their_path in spotted:
                    if any(pattern.search(form) for form in forms):
                        where = scope.where(production, their_path)
                        yield Finding(
                            env.name, path, f"`{value}` belongs to {production.name} ({where})"
                        )


def _patterns(env: Environment) -> list[tuple[str, re.Pattern[str], Any]]:
    found: list[tuple[str, re.Pattern[str], Any]] = []

    def word(value: str, path: Any, pattern: str | None = None) -> None:
        regex = pattern or rf"(?<![A-Za-z0-9_.-]){re.escape(value)}(?![A-Za-z0-9_-])"
        found.append((value, re.compile(regex, re.IGNORECASE), path))

    if env.domain is not None:
        word(env.domain, ("domain",))
    for name, integration in env.integrations.items():
        if integration.mode == "real" and integration.identity is not None:
            word(integration.identity, ("integrations", name, "identity"))
    for variable, path in env.secret_variables():
        word(variable, path, rf"\$\{{{re.escape(variable)}(?![A-Za-z0-9_])")
    if env.database is not None and env.database.name is not None:
        name = re.escape(env.database.name)
        named = rf"^{name}$|://[^/\s]*/{name}(?![\w-])|[?&](?:dbname|database|db)={name}(?![\w-])"
        word(env.database.name, ("database", "name"), named)
    return found


def _scope(envs: list[Environment]) -> Scope:
    return Scope(tuple(envs), {env.name: Document(None) for env in envs})


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join),
        min_size=1,
        max_size=4,
    ),
    st.integers(1, 2),
)
def test_seg012_finds_what_every_pattern_over_every_text_found(
    texts: list[str], productions: int
) -> None:
    envs = [_environment("local", "local", {f"V{i}": t for i, t in enumerate(texts)})]
    envs += [_environment(f"prod{n}", "production", {}) for n in range(productions)]
    scope = _scope(envs)
    assert sorted(map(repr, production_values(scope))) == sorted(
        map(repr, _reference_production_values(scope))
    )


def test_seg012_spots_each_kind_of_value_and_not_a_longer_word() -> None:
    texts = {
        "A": f"https://{DOMAIN}/api",
        "B": f"https://api.{DOMAIN}",  # a subdomain: another host, not production's
        "C": "${PROD_TOKEN}",
        "D": "${PROD_TOKENS}",
        "E": f"postgresql://u@db/{DATABASE}",
        "F": f"{DATABASE}_copy",
        "G": "shopbot",
    }
    envs = [_environment("local", "local", texts), _environment("prod", "production", {})]
    found = sorted(
        (f.path[-1], f.message.split(" belongs")[0]) for f in production_values(_scope(envs))
    )
    assert found == [
        ("A", f"`{DOMAIN}`"),
        ("C", f"`{VARIABLE}`"),
        ("E", f"`{DATABASE}`"),
        ("G", f"`{IDENTITY}`"),
    ]


def _with_ports(name: str, tier: str, ports: list[str]) -> Environment:
    return Environment.model_validate(
        {
            "name": name,
            "tier": tier,
            "app": "shop",
            "host": {"name": "laptop"},
            "access": "localhost",
            "services": {"app": {"image": "nginx", "ports": ports}},
        }
    )


def _reference_ports_apart(scope: Scope) -> Iterator[Finding]:
    """TST004 as it was: every test port against every local port."""
    local = [
        (env, theirs, ("services", name, "ports", index))
        for env in scope.of_tier(Tier.LOCAL)
        for name, service in env.services.items()
        for index, theirs in enumerate(service.ports)
    ]
    for env in scope.of_tier(Tier.TEST):
        for name, service in env.services.items():
            for index, port in enumerate(service.ports):
                for other, theirs, path in local:
                    if port.shares_host_port(theirs):
                        yield Finding(
                            env.name,
                            ("services", name, "ports", index),
                            f"{port.described} is also {other.name}'s ({scope.where(other, path)})",
                            "pick a host port that local does not publish",
                        )
                        break


PORTS = st.sampled_from(
    ["80:80", "127.0.0.1:80:80", "81:80/udp", "79-81:79-81", "80-80:80-80", "3000", "0:80", "82:82"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PORTS, max_size=3), min_size=2, max_size=4), st.data())
def test_tst004_finds_what_every_pair_of_ports_found(
    published: list[list[str]], data: st.DataObject
) -> None:
    tiers = [data.draw(st.sampled_from(["local", "test"])) for _ in published]
    envs = [
        _with_ports(f"e{i}", tier, ports)
        for i, (tier, ports) in enumerate(zip(tiers, published, strict=True))
    ]
    envs.sort(key=lambda env: env.tier.rank)
    scope = _scope(envs)
    assert list(ports_apart(scope)) == list(_reference_ports_apart(scope))
