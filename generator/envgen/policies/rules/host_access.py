"""Rules on what a deployed container may take from its host."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.policies.meaning.mounts import binds
from envgen.policies.rule import Rule, deployed, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path

DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")


def host_privileges(env: Environment) -> Iterator[tuple[Path, str]]:
    """Keys that hand a container the host: privileged mode, the host's process or network
    namespace, SYS_ADMIN, the Docker socket (root on the host to whoever holds it)."""
    for name, service in env.services.items():
        at: Path = ("services", name)
        extra = service.passthrough
        if extra.get("privileged") is True:
            yield (*at, "privileged"), "runs privileged: root on the host"
        for key in ("pid", "network_mode", "ipc", "userns_mode"):
            if extra.get(key) == "host":
                yield (*at, key), f"`{key}: host` shares the host's namespace"
        if "SYS_ADMIN" in service.cap_add:
            index = service.cap_add.index("SYS_ADMIN")
            yield (*at, "cap_add", index), "adds SYS_ADMIN, close to root on the host"
        for bind in binds(env, service):
            if bind.host in DOCKER_SOCKETS:
                yield (*at, *bind.path), "mounts the Docker socket: root on the host"


RULES = [
    Rule(
        "HST001",
        "deployed containers take nothing of the host",
        "privileged, pid/network_mode/ipc/userns_mode: host, SYS_ADMIN or the Docker socket "
        "make a container's compromise the host's, and every environment's on it.",
        deployed("error", "error"),
        per_environment(host_privileges),
        hint="remove it: a container that needs the host does not belong in a deployed stack",
    ),
]
