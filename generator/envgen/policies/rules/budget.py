"""Rules on a host's memory: what the environments on one machine may take together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.compose.sizes import format_memory
from envgen.policies.meaning.resources import memory_limit, memory_reservation
from envgen.policies.rule import Finding, Rule, Scope, everywhere

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service


def _hosts(scope: Scope) -> dict[str, list[Environment]]:
    """Environments by host, for hosts whose size some environment declares."""
    hosts: dict[str, list[Environment]] = {}
    for env in scope.environments:
        hosts.setdefault(env.host.name, []).append(env)
    return {
        host: envs for host, envs in hosts.items() if any(e.host.memory is not None for e in envs)
    }


def _bytes(service: Service) -> int:
    """The larger of the service's memory limit and reservation, in whichever spelling;
    0 for one that is not set or that a variable decides."""
    limit, reservation = memory_limit(service), memory_reservation(service)
    return max(limit.bytes or 0 if limit else 0, reservation.bytes or 0 if reservation else 0)


def replicas(service: Service) -> int:
    count = (service.passthrough.get("deploy") or {}).get("replicas", 1)
    return count if isinstance(count, int) and count >= 0 else 1


def usage(env: Environment) -> int:
    """Bytes the environment's services may hold: per container the larger of its memory
    limit and reservation, times its replicas, plus tmpfs sizes."""
    return sum(
        replicas(service) * (_bytes(service) + sum(disk.size or 0 for disk in service.ram_disks()))
        for service in env.services.values()
    )


def over_budget(scope: Scope) -> Iterator[Finding]:
    for host, envs in _hosts(scope).items():
        sized = [e for e in envs if e.host.memory is not None]
        last = sized[-1]
        size = min(e.host.memory or 0 for e in sized)
        total = sum(usage(e) for e in envs)
        if total > size:
            parts = ", ".join(f"{e.name} {format_memory(usage(e))}" for e in envs)
            yield Finding(
                last.name,
                ("host", "memory"),
                f"the environments on host `{host}` may use {format_memory(total)} ({parts}), "
                f"more than its {format_memory(size)}",
            )


def unbudgeted(scope: Scope) -> Iterator[Finding]:
    for host, envs in _hosts(scope).items():
        for env in envs:
            for name, service in env.services.items():
                limit = memory_limit(service)
                if limit is None:
                    yield Finding(
                        env.name,
                        ("services", name),
                        f"`{name}` has no memory limit, so host `{host}`'s budget cannot count it",
                    )
                elif limit.bytes is None:
                    yield Finding(
                        env.name,
                        ("services", name, *limit.path),
                        f"`{name}`'s memory limit `{limit.text}` is decided by a variable, so "
                        f"host `{host}`'s budget cannot count it",
                    )
                for disk in service.ram_disks():
                    if disk.size is None:
                        yield Finding(
                            env.name,
                            ("services", name, *disk.path),
                            f"tmpfs `{disk.target}` has no size, so host `{host}`'s budget "
                            "cannot count it",
                        )


def one_size(scope: Scope) -> Iterator[Finding]:
    for host, envs in _hosts(scope).items():
        sized = [e for e in envs if e.host.memory is not None]
        first = sized[0]
        for env in sized[1:]:
            if env.host.memory != first.host.memory:
                yield Finding(
                    env.name,
                    ("host", "memory"),
                    f"host `{host}` is {format_memory(env.host.memory or 0)} here but "
                    f"{format_memory(first.host.memory or 0)} in {first.name} "
                    f"({scope.where(first, ('host', 'memory'))})",
                )


RULES = [
    Rule(
        "BUD001",
        "the environments on one host fit in its memory",
        "Memory limits and tmpfs sizes are promises; when their sum exceeds the machine, "
        "the kernel's OOM killer picks a victim, maybe in production.",
        everywhere("warning"),
        over_budget,
        hint="lower memory limits or tmpfs sizes, or move an environment to another host",
        reads=("memory limit", "memory reservation", "RAM disk"),
    ),
    Rule(
        "BUD002",
        "every service and tmpfs on a sized host has a size",
        "A service without a memory limit or a tmpfs without a size cannot be counted "
        "against the host's memory.",
        everywhere("warning"),
        unbudgeted,
        hint="give the service a memory limit and each tmpfs a size",
        reads=("memory limit", "RAM disk"),
    ),
    Rule(
        "BUD003",
        "environments agree on their host's size",
        "One machine has one size; two figures mean one of them is wrong.",
        everywhere("warning"),
        one_size,
        hint="write one `host.memory` for the host, in base.yaml or in each spec alike",
    ),
]
