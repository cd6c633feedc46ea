"""A service's memory and CPU limits, restart policy and health check, as Compose runs
them whichever key the spec writes them under."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from envgen.compose.sizes import format_memory, parse_ram
from envgen.policies.meaning.spelling import Concept, Spelling, at
from envgen.policies.resolved import resolved

if TYPE_CHECKING:
    from envgen.model.service import Service
    from envgen.reading.source import Path

MEMORY_LIMIT = Concept(
    "memory limit",
    (
        Spelling(
            "memory", "envgen's shorthand, written as deploy.resources.limits", {"memory": "5g"}
        ),
        Spelling("mem_limit", "Compose's service key", {"mem_limit": "5g"}),
        Spelling(
            "deploy.resources.limits.memory",
            "Compose's deploy key",
            {"deploy": {"resources": {"limits": {"memory": "5g"}}}},
        ),
    ),
    "Compose refuses a file whose `mem_limit` and `deploy.resources.limits.memory` differ, "
    "so the two name one limit. A limit from a variable without a default (`${MEM}`) is a "
    "limit whose size is unknown: it satisfies PRD001, and BUD002 says it cannot be counted.",
)
MEMORY_RESERVATION = Concept(
    "memory reservation",
    (
        Spelling("mem_reservation", "Compose's service key", {"mem_reservation": "5g"}),
        Spelling(
            "deploy.resources.reservations.memory",
            "Compose's deploy key",
            {"deploy": {"resources": {"reservations": {"memory": "5g"}}}},
        ),
    ),
    "The budget counts the larger of a service's limit and its reservation.",
)
CPU_LIMIT = Concept(
    "CPU limit",
    (
        Spelling("cpus", "envgen's shorthand and Compose's service key", {"cpus": 0.5}),
        Spelling(
            "deploy.resources.limits.cpus",
            "Compose's deploy key",
            {"deploy": {"resources": {"limits": {"cpus": "0.5"}}}},
        ),
    ),
    "Compose refuses a file whose two spellings differ.",
)
RESTART = Concept(
    "restart policy",
    (
        Spelling("restart", "always, unless-stopped, on-failure[:N]", {"restart": "always"}),
        Spelling(
            "deploy.restart_policy.condition",
            "any (always), on-failure; it overrides `restart`, as `docker compose up` reads it",
            {"deploy": {"restart_policy": {"condition": "any"}}},
        ),
    ),
)
NO_RESTART = Concept(
    "no restart policy",
    (
        Spelling("restart", "`no`, or no key at all", {"restart": "no"}),
        Spelling(
            "deploy.restart_policy.condition",
            "none, or a `restart_policy` without a condition (the engine's empty policy)",
            {"deploy": {"restart_policy": {"condition": "none"}}},
        ),
    ),
)
HEALTHCHECK = Concept(
    "health check",
    (
        Spelling(
            "healthcheck.test",
            "a list: [CMD, ...] or [CMD-SHELL, ...]",
            {"healthcheck": {"test": ["CMD", "check"]}},
        ),
        Spelling(
            "healthcheck.test", "a string: a shell command", {"healthcheck": {"test": "check"}}
        ),
    ),
    "A `healthcheck` without `test` keeps the image's own, which the spec cannot show: it "
    "counts as none.",
)
NO_HEALTHCHECK = Concept(
    "health check turned off",
    (
        Spelling("healthcheck.disable", "true", {"healthcheck": {"disable": True}}),
        Spelling("healthcheck.test", "[NONE]", {"healthcheck": {"test": ["NONE"]}}),
    ),
)

# `deploy.restart_policy.condition` as the engine's restart modes (compose's
# mapRestartPolicyCondition); an empty condition is the engine's empty policy: no restart.
_CONDITIONS = {"none": "no", "no": "no", "any": "always", "always": "always", "": "no"}


@dataclass(frozen=True)
class Limit:
    """A size limit as written: the key under the service that sets it, its text, and
    its bytes (None when a variable decides it)."""

    path: Path
    text: str
    bytes: int | None


def _size(value: Any) -> int | None:
    """Bytes of a size Compose reads (`512m`, `1g`, bytes), defaults expanded; None when
    a variable without a default decides it, or when it does not read as a size."""
    text = resolved(str(value)).strip()
    try:
        return parse_ram(text) if text else None
    except ValueError:
        return None


def _limit(service: Service, paths: tuple[tuple[str, ...], ...]) -> Limit | None:
    for path in paths:
        value = at(service.passthrough, *path)
        if value is not None and not isinstance(value, dict | list | bool):
            return Limit(path, str(value), _size(value))
    return None


def memory_limit(service: Service) -> Limit | None:
    """The service's memory limit, under whichever key the spec writes it."""
    if service.memory is not None:
        return Limit(("memory",), format_memory(service.memory), service.memory)
    return _limit(service, (("mem_limit",), ("deploy", "resources", "limits", "memory")))


def memory_reservation(service: Service) -> Limit | None:
    """The memory the service reserves, under whichever key the spec writes it."""
    keys = (("mem_reservation",), ("deploy", "resources", "reservations", "memory"))
    return _limit(service, keys)


def cpu_limit(service: Service) -> float | None:
    """The CPUs the service may use; None without a limit or when a variable decides it."""
    value = service.cpus
    if value is None:
        value = at(service.passthrough, "cpus")
    if value is None:
        value = at(service.passthrough, "deploy", "resources", "limits", "cpus")
    try:
        return float(resolved(str(value))) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class RestartPolicy:
    """What the engine does when the container stops: `no`, `always`, `on-failure` or
    `unless-stopped`; where the spec says it, and how it says it."""

    mode: str
    path: Path
    written: str

    @property
    def restarts(self) -> bool:
        return self.mode != "no"


def restart_policy(service: Service) -> RestartPolicy | None:
    """The engine's restart policy: `deploy.restart_policy` overrides `restart`, as
    `docker compose up` reads them; None when neither is written."""
    policy = at(service.passthrough, "deploy", "restart_policy")
    if isinstance(policy, dict):
        condition = resolved(str(policy.get("condition") or "")).strip()
        mode = _CONDITIONS.get(condition, condition)
        path: Path = ("deploy", "restart_policy")
        if "condition" in policy:
            written = f"deploy.restart_policy.condition: {condition}"
            return RestartPolicy(mode, (*path, "condition"), written)
        return RestartPolicy(mode, path, "a `deploy.restart_policy` without a condition")
    if service.restart is not None:
        mode = service.restart.partition(":")[0]
        return RestartPolicy(mode, ("restart",), f"restart: {service.restart}")
    return None


def health_check(service: Service) -> bool:
    """A health check that runs: a `test` written, not turned off by `disable: true` or
    `test: [NONE]`."""
    check = service.healthcheck
    return not (check is None or check.disable or not check.test or check.test[0] == "NONE")
