"""Drift between the file and what runs: one line per difference, naming variables but
never their values."""

from __future__ import annotations

from collections.abc import Iterable

from envgen.compose.sizes import format_memory
from envgen.status.running import Running
from envgen.status.wanted import Mount, Port, Wanted, WantedProject


def _memory(size: int) -> str:
    return format_memory(size) if size else "none"


def _cpus(nano: int) -> str:
    return f"{nano / 1_000_000_000:g}" if nano else "none"


def _ports(ports: Iterable[Port]) -> str:
    shown = [f"{ip + ':' if ip else ''}{host}:{target}" for ip, host, target in sorted(ports)]
    return ", ".join(shown) or "none"


def _mount(mount: Mount) -> str:
    kind, source, target = mount
    if kind == "tmpfs":
        return f"tmpfs {target}" + (f" ({_memory(int(source))})" if source else "")
    return f"{kind} {source} on {target}"


def _image(reference: str) -> str:
    """An image reference as the engine means it: `docker.io/` and `library/` implied,
    `:latest` when no tag or digest is written."""
    name = reference.removeprefix("docker.io/").removeprefix("library/")
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else f"{name}:latest"


def _variables(service: str, wanted: Wanted, seen: Running) -> list[str]:
    lines = []
    for name, value in sorted(wanted.environment.items()):
        if name not in seen.environment:
            lines.append(f"{service}: variable {name}: in the file, not in the container")
        elif value is not None and seen.environment[name] != value:
            lines.append(f"{service}: variable {name}: its value differs from the file's")
    known = set(wanted.environment) | wanted.env_file_names | seen.image_names
    for name in sorted(set(seen.environment) - known):
        lines.append(f"{service}: variable {name}: in the container, not in the file")
    return lines


def _service(service: str, wanted: Wanted, seen: Running) -> list[str]:
    lines = []
    if not seen.running:
        lines.append(f"{service}: stopped (container {seen.name})")
    if _image(seen.image) != _image(wanted.image):
        lines.append(f"{service}: image: the file says {wanted.image}, running {seen.image}")
    lines += _variables(service, wanted, seen)
    if seen.memory != wanted.memory:
        lines.append(
            f"{service}: memory limit: the file says {_memory(wanted.memory)},"
            f" running {_memory(seen.memory)}"
        )
    if seen.nano_cpus != wanted.nano_cpus:
        lines.append(
            f"{service}: cpus: the file says {_cpus(wanted.nano_cpus)},"
            f" running {_cpus(seen.nano_cpus)}"
        )
    if seen.ports != wanted.ports:
        lines.append(
            f"{service}: ports: the file says {_ports(wanted.ports)}, running {_ports(seen.ports)}"
        )
    for mount in sorted(wanted.mounts - seen.mounts):
        lines.append(f"{service}: mount {_mount(mount)}: in the file, not in the container")
    for mount in sorted(seen.mounts - wanted.mounts):
        lines.append(f"{service}: mount {_mount(mount)}: in the container, not in the file")
    return lines


def compare(project: WantedProject, found: list[Running]) -> list[str]:
    """Every difference between the file's services and the project's containers."""
    lines = []
    by_service: dict[str, list[Running]] = {}
    for seen in found:
        if seen.service in project.services:
            by_service.setdefault(seen.service, []).append(seen)
        elif seen.service in project.on_demand:
            continue
        elif seen.service:
            lines.append(f"{seen.service}: running (container {seen.name}), not in the file")
        else:
            lines.append(f"{seen.name}: a container on the project's networks, not of the project")
    for service, wanted in sorted(project.services.items()):
        containers = by_service.get(service)
        if not containers:
            lines.append(f"{service}: in the file, no container")
            continue
        for seen in containers:
            lines += _service(service, wanted, seen)
    return lines
