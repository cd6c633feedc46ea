"""What runs: a Compose project's containers, and any other container on its networks,
as `docker inspect` reports them, through a `docker` command the caller runs."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from envgen.status.wanted import Mount, Port

# Runs `docker ARGS...`; its standard output, or None when the command failed.
Docker = Callable[[Sequence[str]], "str | None"]
PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"


@dataclass(frozen=True)
class Running:
    """One container, in the terms wanted.Wanted uses."""

    name: str  # the container's name
    service: str  # its Compose service, or "" for a container not of the project
    running: bool
    image: str
    environment: dict[str, str]
    image_names: frozenset[str]  # the variables its image sets (not the file's doing)
    memory: int
    nano_cpus: int
    ports: frozenset[Port]
    mounts: frozenset[Mount]


def _inspect(docker: Docker, kind: str, names: Sequence[str]) -> list[dict[str, Any]]:
    if not names:
        return []
    out = docker([kind, "inspect", *names])
    found: list[dict[str, Any]] = json.loads(out) if out else []
    return found


def _ports(host: dict[str, Any]) -> frozenset[Port]:
    return frozenset(
        (str(b.get("HostIp") or ""), str(b.get("HostPort") or ""), target)
        for target, bindings in (host.get("PortBindings") or {}).items()
        for b in bindings or []
    )


def _mounts(container: dict[str, Any]) -> frozenset[Mount]:
    found: set[Mount] = set()
    for mount in container.get("Mounts") or []:
        if mount["Type"] == "volume":
            found.add(("volume", mount["Name"], mount["Destination"]))
        elif mount["Type"] == "bind":
            found.add(("bind", mount["Source"], mount["Destination"]))
    host = container["HostConfig"]
    for mount in host.get("Mounts") or []:
        if mount["Type"] == "tmpfs":
            size = (mount.get("TmpfsOptions") or {}).get("SizeBytes")
            found.add(("tmpfs", str(size) if size else "", mount["Target"]))
    for target in host.get("Tmpfs") or {}:
        found.add(("tmpfs", "", target))
    return frozenset(found)


def _running(container: dict[str, Any], images: dict[str, dict[str, Any]]) -> Running:
    config = container["Config"]
    host = container["HostConfig"]
    image = images.get(container["Image"]) or {}
    return Running(
        name=container["Name"].lstrip("/"),
        service=(config.get("Labels") or {}).get(SERVICE, ""),
        running=bool(container["State"]["Running"]),
        image=config["Image"],
        environment=dict(item.split("=", 1) for item in config.get("Env") or [] if "=" in item),
        image_names=frozenset(
            item.split("=", 1)[0] for item in (image.get("Config") or {}).get("Env") or []
        ),
        memory=int(host.get("Memory") or 0),
        nano_cpus=int(host.get("NanoCpus") or 0),
        ports=_ports(host),
        mounts=_mounts(container),
    )


def running(project: str, networks: Sequence[str], docker: Docker) -> list[Running]:
    """The containers of `project` (Compose's label), and the containers on its own
    networks that are not (started by hand beside it)."""
    ids = set(
        (
            docker(["ps", "-aq", "--no-trunc", "--filter", f"label={PROJECT}={project}"]) or ""
        ).split()
    )
    for network in _inspect(docker, "network", [n for n in networks if _exists(docker, n)]):
        ids.update((network.get("Containers") or {}).keys())
    containers = _inspect(docker, "container", sorted(ids))
    images = {
        i["Id"]: i for i in _inspect(docker, "image", sorted({c["Image"] for c in containers}))
    }
    found = []
    for container in containers:
        seen = _running(container, images)
        labels = container["Config"].get("Labels") or {}
        if labels.get(PROJECT) != project:
            seen = replace(seen, service="")  # a service label of another project is not ours
        found.append(seen)
    return sorted(found, key=lambda r: (r.service, r.name))


def _exists(docker: Docker, network: str) -> bool:
    return docker(["network", "inspect", "--format", "{{.Name}}", network]) is not None
