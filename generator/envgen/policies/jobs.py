"""Rules on seed jobs: one-shot services that load sample or subset data into an
environment's stores. A service is a seed job because its spec says so (`seed: true`),
never because of its name or its profile's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.model.tiers import Tier
from envgen.policies.meaning.resources import restart_policy
from envgen.policies.rule import Rule, everywhere, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path


def seed_in_production(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        if service.seed:
            yield (
                ("services", name, "seed"),
                f"`{name}` is a seed job: one run would load its data over production's",
            )


def seed_not_on_demand(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        if not service.seed:
            continue
        if not service.profiles:
            yield (
                ("services", name, "seed"),
                f"`{name}` is a seed job in no profile: every `docker compose up` would "
                "run it again over the environment's data (give it a profile, e.g. "
                "`profiles: [seed]`)",
            )
        policy = restart_policy(service)
        if policy is not None and policy.restarts:
            yield (
                ("services", name, *policy.path),
                f"`{name}` is a seed job with `{policy.written}`: Docker would run it "
                'again after it ends (use `restart: "no"`)',
            )


RULES = [
    Rule(
        "JOB001",
        "no seed job in production",
        "A seed job (a service with `seed: true`) fills an environment's stores with a "
        "subset or with fixtures; one `docker compose run` in production would write them "
        "over real data.",
        {Tier.PRODUCTION: "error"},
        per_environment(seed_in_production),
        hint="remove the seed job from production's spec (`<name>: !remove`)",
    ),
    Rule(
        "JOB002",
        "a seed job runs on demand only",
        "A seed job outside a compose profile starts with every `docker compose up`, and a "
        "restart policy starts it again when it ends: each deploy or restart would load its "
        "data again over what the environment holds.",
        everywhere("error"),
        per_environment(seed_not_on_demand),
        hint="run it with `docker compose run` when it is needed",
        reads=("restart policy",),
    ),
]
