"""Probes run inside live containers with busybox: who answers at a name and port
(each stand-in serves its `project/service` at /identity), and what a name resolves to."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tests.live.stacks import Engine, Stack, containers

# Each probe runs in the background, bounded by `timeout` (a dropped packet would
# otherwise wait for TCP's own give-up), and prints `label answer`.
WAIT = 2


@dataclass(frozen=True)
class Target:
    """One running service of a stack, and every way another container might reach it."""

    stack: str
    service: str
    identity: str
    container: str  # its container name
    names: tuple[str, ...]  # service name, container name, aliases
    addresses: tuple[str, ...]  # its IP address on each network
    ports: tuple[int, ...]  # container ports it serves
    published: tuple[tuple[str, int], ...]  # (host address, host port)
    gateways: tuple[str, ...]  # the host, as each of its networks reaches it
    env: tuple[tuple[str, str], ...]  # its variables, as the engine gave them


def targets(engine: Engine, stack: Stack) -> list[Target]:
    found = []
    for service, container in sorted(containers(engine, stack).items()):
        if not container["State"]["Running"]:
            continue
        env = dict(item.split("=", 1) for item in container["Config"]["Env"])
        networks = container["NetworkSettings"]["Networks"]
        aliases = {a for n in networks.values() for a in n.get("Aliases") or []}
        name = container["Name"].lstrip("/")
        published = {
            (binding["HostIp"], int(binding["HostPort"]))
            for bindings in (container["NetworkSettings"]["Ports"] or {}).values()
            for binding in bindings or []
        }
        found.append(
            Target(
                stack=stack.key,
                service=service,
                identity=f"{stack.project}/{service}",
                container=name,
                # short container ids the engine adds as aliases are no way anyone names it
                names=tuple(sorted({service, name, *aliases} - {container["Id"][:12]})),
                addresses=tuple(
                    sorted(n["IPAddress"] for n in networks.values() if n["IPAddress"])
                ),
                ports=tuple(int(p) for p in env.get("STANDIN_PORTS", "").split()),
                published=tuple(sorted(published)),
                gateways=tuple(sorted({n["Gateway"] for n in networks.values() if n["Gateway"]})),
                env=tuple(sorted(env.items())),
            )
        )
    return found


def answers(
    engine: Engine, container: str, probes: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], str]:
    """Who answers at each (host, port), from inside `container`: the identity read, or ""."""
    probes = sorted(set(probes))
    lines = [
        f"(printf '%s %s %s\\n' {host} {port} \"$(timeout {WAIT} wget -q -O - "
        f'http://{host}:{port}/cgi-bin/identity 2>/dev/null | head -1)") &'
        for host, port in probes
    ]
    out = engine.run("exec", container, "sh", "-c", "\n".join([*lines, "wait"]), timeout=60)
    found: dict[tuple[str, int], str] = dict.fromkeys(probes, "")
    for line in out.splitlines():
        host, port, *rest = line.split(" ", 2)
        found[(host, int(port))] = rest[0].strip() if rest else ""
    return found


def resolves(engine: Engine, container: str, names: Iterable[str]) -> dict[str, set[str]]:
    """The IPv4 addresses each name resolves to from inside `container` (busybox nslookup
    asks the engine's resolver at 127.0.0.11, as every program in the container does)."""
    names = sorted(set(names))
    lines = [
        f"(printf '%s %s\\n' {name} \"$(nslookup -type=a {name} 2>/dev/null | sed -n "
        f"'/^Name:/,$ s/^Address: *//p' | tr '\\n' ' ')\") &"
        for name in names
    ]
    out = engine.run("exec", container, "sh", "-c", "\n".join([*lines, "wait"]), timeout=60)
    found: dict[str, set[str]] = {name: set() for name in names}
    for line in out.splitlines():
        name, *rest = line.split(" ", 1)
        found[name] = set(rest[0].split()) if rest else set()
    return found


def in_parallel(jobs: dict[str, Any]) -> dict[str, Any]:
    """Runs each zero-argument callable of `jobs` in a thread; their results by key."""
    with ThreadPoolExecutor(4) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}
