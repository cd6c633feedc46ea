"""Rules on one-shot jobs (migrations, seeds, tasks): they end, and Docker leaves them
ended. A seed job loads sample or subset data into an environment's stores; a service is
one because its spec says so (`seed: true` or `job: seed`), never because of its name or
its profile's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.model.tiers import Tier
from envgen.policies.meaning.jobs import is_job
from envgen.policies.meaning.resources import restart_policy
from envgen.policies.rule import Rule, everywhere, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service
    from envgen.reading.source import Path


def _kind_path(service: Service) -> str:
    """The key that declares the job: `seed` when `seed: true` says it, else `job`."""
    return "seed" if service.seed else "job"


def seed_in_production(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        if service.job_kind == "seed":
            yield (
                ("services", name, _kind_path(service)),
                f"`{name}` is a seed job: one run would load its data over production's",
            )


def seed_not_on_demand(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        if service.job_kind != "seed":
            continue
        if not service.profiles:
            yield (
                ("services", name, _kind_path(service)),
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


def job_restarts(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        # A seed job is held to `restart: "no"` alone, by JOB002.
        if not is_job(service) or service.job_kind == "seed":
            continue
        policy = restart_policy(service)
        if policy is not None and policy.mode not in ("no", "on-failure"):
            yield (
                ("services", name, *policy.path),
                f"`{name}` is a one-shot job with `{policy.written}`: Docker would start it "
                "again each time it ends, and with every start of the engine",
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
    Rule(
        "JOB003",
        "a job ends and stays ended",
        "A one-shot job (`job: migration`, `job: task`) runs and exits. Under `always` or "
        "`unless-stopped` (`deploy.restart_policy.condition: any`) Docker runs it again "
        "after every exit and every reboot: a migration or a scraper in a loop. `no` and "
        "`on-failure` (a retry after a crash) let it end.",
        everywhere("error"),
        per_environment(job_restarts),
        hint='use `restart: "no"`, or `on-failure` to retry a failed run',
        reads=("restart policy",),
    ),
]
