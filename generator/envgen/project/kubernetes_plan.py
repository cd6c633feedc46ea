"""How an environment lays out on Kubernetes: each service's workload kind, the ports it
listens on, and who reaches whom (the edges the NetworkPolicies allow, nothing more)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from envgen.compose.command_line import command_texts
from envgen.model.facts import FACTS

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.mounts import Mount
    from envgen.model.service import Healthcheck, Service
    from envgen.reading.source import Path

Kind = Literal["Deployment", "StatefulSet", "Job"]

# A URL or `host:port` naming a service: `http://backend:8001/x`, `@postgres:5432/db`.
_HOST = r"(?:^|//|@)(?P<host>[a-z][a-z0-9_-]*)(?::(?P<port>\d{1,5}))?(?=[/?#]|$)"
# A health check that is plainly an HTTP GET of the container itself.
_HTTP = re.compile(
    r"https?://(?:localhost|127\.0\.0\.1)(?::(?P<port>\d{1,5}))?(?P<path>/[^\s'\"]*)?"
)
_HTTP_PROGRAMS = re.compile(r"\b(?:curl|wget|urlopen|httpx\.get|requests\.get)\b")
# `:> /dev/tcp/127.0.0.1/8000`, `nc -z localhost 8000`: plainly a TCP connection.
_TCP = re.compile(
    r"/dev/tcp/(?:localhost|127\.0\.0\.1)/(?P<port>\d{1,5})"
    r"|\bnc\s+-z\s+(?:localhost|127\.0\.0\.1)\s+(?P<nc>\d{1,5})"
)


@dataclass(frozen=True)
class Probe:
    """A health check as Kubernetes can ask it: `exec` (the command), `http` or `tcp`."""

    kind: Literal["exec", "http", "tcp"]
    command: tuple[str, ...] = ()
    port: int = 0
    path: str = "/"


def probe_of(check: Healthcheck | None) -> Probe | None:
    """The probe a health check stands for; None when there is none or it is disabled."""
    if check is None or check.disable or not check.test or check.test[0] == "NONE":
        return None
    words = [word.replace("$$", "$") for word in check.test[1:]]
    text = " ".join(words)
    http = _HTTP.search(text)
    if http is not None and _HTTP_PROGRAMS.search(text) and len(_HTTP.findall(text)) == 1:
        return Probe("http", port=int(http["port"] or 80), path=http["path"] or "/")
    tcp = _TCP.search(text)
    if tcp is not None:
        return Probe("tcp", port=int(tcp["port"] or tcp["nc"]))
    if check.test[0] == "CMD-SHELL":
        return Probe("exec", command=("/bin/sh", "-c", words[0]))
    return Probe("exec", command=tuple(words))


def is_job(service: Service) -> bool:
    """A one-shot service: Compose does not start it again (`restart: "no"`, on-failure),
    or a seed job."""
    restart = service.restart or ""
    return service.seed or restart == "no" or restart.startswith("on-failure")


def variables(env: Environment, service: Service) -> dict[str, str]:
    """The container's variables as Compose text, facts filled in."""
    values = dict(service.environment)
    values.update({name: FACTS[fact].value(env) for name, fact in service.facts.items()})
    return {name: values[name] for name in sorted(values)}


@dataclass(frozen=True)
class Edge:
    """`client` reaches `server`, as the spec says at `path`."""

    client: str
    server: str
    path: Path


@dataclass(frozen=True)
class Plan:
    """An environment's layout on a cluster."""

    kinds: dict[str, Kind]
    ports: dict[str, tuple[int, ...]]
    edges: tuple[Edge, ...]
    # Services that talk to an outside API (a real integration's secret reaches them).
    outside: frozenset[str]

    def reached(self) -> list[str]:
        """The services that get a Service: reached by another, routed to, or listening on
        a port the spec names."""
        servers = {edge.server for edge in self.edges}
        return [name for name, ports in self.ports.items() if ports or name in servers]


def _named_hosts(
    env: Environment, name: str, service: Service
) -> list[tuple[str, int | None, Path]]:
    """Every other service a service's variables or command name as a host."""
    found: list[tuple[str, int | None, Path]] = []
    texts: list[tuple[str, Path]] = [
        (value, ("services", name, "facts" if key in service.facts else "environment", key))
        for key, value in variables(env, service).items()
    ]
    for field in ("command", "entrypoint"):
        texts += [
            (text, ("services", name, field, *steps))
            for steps, text in command_texts(getattr(service, field))
        ]
    for text, path in texts:
        if text in env.services and text != name:
            found.append((text, None, path))
            continue
        for match in re.finditer(_HOST, text):
            host = match["host"]
            if host in env.services and host != name:
                port = int(match["port"]) if match["port"] else None
                found.append((host, port, path))
    return found


def plan(env: Environment) -> Plan:
    """Kinds, ports and edges of every service of `env`."""
    volume_users: dict[str, list[str]] = {}
    for name, service in env.services.items():
        for mount in service.volumes:
            if mount.volume_name is not None:
                volume_users.setdefault(mount.volume_name, []).append(name)
    database = env.database.service_name if env.database is not None else None
    kinds: dict[str, Kind] = {}
    ports: dict[str, set[int]] = {name: set() for name in env.services}
    for name, service in env.services.items():
        if is_job(service):
            kinds[name] = "Job"
        elif service.data or name == database or any(_claimed(env, m) for m in service.volumes):
            kinds[name] = "StatefulSet"
        else:
            kinds[name] = "Deployment"
        for port in service.ports:
            low, _, high = port.target.partition("-")
            ports[name].update(range(int(low), int(high or low) + 1))
        for exposed in service.passthrough.get("expose") or []:
            low, _, high = str(exposed).partition("/")[0].partition("-")
            ports[name].update(range(int(low), int(high or low) + 1))
        probe = probe_of(service.healthcheck)
        if probe is not None and probe.kind != "exec":
            ports[name].add(probe.port)
        ports[name].update(env.kubernetes.ports.get(name, []))
    if env.proxy is not None and env.domain is not None:
        # Each service the domain routes to listens on the port its route names.
        for _, target, routed_port, _ in env.proxy.routed():
            if target in ports:
                ports[target].add(routed_port)
    if database in ports and env.database is not None and env.database.port_number:
        ports[database].add(env.database.port_number)
    edges: list[Edge] = []
    for name, service in env.services.items():
        for dependency in service.depends_on:
            if dependency in env.services and kinds[dependency] != "Job":
                edges.append(Edge(name, dependency, ("services", name, "depends_on", dependency)))
        for host, number, path in _named_hosts(env, name, service):
            if kinds[host] != "Job":
                edges.append(Edge(name, host, path))
                if number is not None:
                    ports[host].add(number)
    unique: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        unique.setdefault((edge.client, edge.server), edge)
    return Plan(
        kinds=kinds,
        ports={name: tuple(sorted(found)) for name, found in ports.items()},
        edges=tuple(unique[key] for key in sorted(unique)),
        outside=frozenset(_outside(env)),
    )


def _claimed(env: Environment, mount: Mount) -> bool:
    """A named volume the stack creates: a claim of its own (an external one exists)."""
    volume = env.volumes.get(mount.volume_name or "")
    return volume is not None and not volume.external


def _outside(env: Environment) -> set[str]:
    """Services given a real integration's secret: they call that service's API."""
    found = set()
    for name, service in env.services.items():
        for fact in service.facts.values():
            parts = fact.split(".")
            if parts[0] == "integrations" and len(parts) > 1:
                integration = env.integrations.get(parts[1])
                if integration is not None and integration.mode == "real":
                    found.add(name)
    return found
