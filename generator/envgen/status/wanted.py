"""What a rendered compose file asks the engine to run, per service, in the terms the
engine reports (`docker inspect`): image, variables, limits, ports, mounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from envgen.compose.interpolation import InterpolationError, MissingVariable, interpolate, parse
from envgen.compose.sizes import parse_memory
from envgen.model.mounts import parse_short as parse_mount
from envgen.model.ports import parse_short as parse_port

Port = tuple[str, str, str]  # (host address, host port, `target/protocol`)
Mount = tuple[str, str, str]  # (type, source or size, target)


@dataclass(frozen=True)
class Wanted:
    """One service as the file describes it, its values resolved as Compose resolves them.
    A variable whose value cannot be resolved here (a required one unset) is `None`: only
    its name is compared."""

    image: str
    environment: dict[str, str | None]
    memory: int
    nano_cpus: int
    ports: frozenset[Port]
    mounts: frozenset[Mount]
    env_file_names: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class WantedProject:
    """The file's project name, the services `up` starts, the networks it creates."""

    name: str
    services: dict[str, Wanted]
    networks: tuple[str, ...]
    # Services behind a profile (one-shot jobs, started on demand): a container of one
    # may run or have exited; neither is drift.
    on_demand: frozenset[str] = frozenset()


def _resolve(value: Any, variables: Mapping[str, str]) -> str | None:
    try:
        return interpolate(parse(str(value)), variables)
    except (MissingVariable, InterpolationError):
        return None


def _environment(service: Mapping[str, Any], variables: Mapping[str, str]) -> dict[str, str | None]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, None) for item in raw)
    found: dict[str, str | None] = {}
    for name, value in raw.items():
        # `NAME` without a value takes the variable of Compose's own environment.
        found[str(name)] = variables.get(str(name)) if value is None else _resolve(value, variables)
    return found


def _env_file_names(service: Mapping[str, Any], folder: Path) -> frozenset[str]:
    """Names an env_file gives (read from disk when it is there; values never kept)."""
    names: set[str] = set()
    entries = service.get("env_file") or []
    for entry in [entries] if isinstance(entries, str) else entries:
        path = folder / (entry["path"] if isinstance(entry, dict) else entry)
        if not path.is_file():
            continue
        for raw in path.read_text(errors="replace").splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                names.add(line.removeprefix("export ").split("=", 1)[0].strip())
    return frozenset(names)


def _ports(service: Mapping[str, Any], variables: Mapping[str, str]) -> frozenset[Port]:
    found: set[Port] = set()
    for entry in service.get("ports") or []:
        form = (
            parse_port(_resolve(entry, variables) or "") if isinstance(entry, str | int) else entry
        )
        if "published" not in form:
            continue  # the engine picks a host port: nothing to compare
        target = f"{form['target']}/{form.get('protocol', 'tcp')}"
        found.add((str(form.get("host_ip", "")), str(form["published"]), target))
    return frozenset(found)


def _mounts(
    service: Mapping[str, Any], volumes: Mapping[str, Any], project: str, folder: Path
) -> frozenset[Mount]:
    found: set[Mount] = set()
    for entry in service.get("volumes") or []:
        form = parse_mount(entry) if isinstance(entry, str) else entry
        kind = form.get("type") or _short_kind(str(form.get("source", "")))
        target = str(form["target"])
        if kind == "tmpfs":
            size = (form.get("tmpfs") or {}).get("size")
            found.add(("tmpfs", str(parse_memory(size)) if size else "", target))
        elif kind == "volume":
            source = str(form.get("source") or "")
            declared = volumes.get(source) or {}
            name = declared.get("name") or (
                source if declared.get("external") else f"{project}_{source}"
            )
            found.add(("volume", str(name), target))
        elif kind == "bind":
            found.add(("bind", str((folder / str(form["source"])).resolve()), target))
    return frozenset(found)


def _short_kind(source: str) -> str:
    return "bind" if source.startswith((".", "/", "~")) else "volume"


def _limits(service: Mapping[str, Any]) -> tuple[int, int]:
    limits = ((service.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    memory = limits.get("memory") or service.get("mem_limit")
    cpus = limits.get("cpus") or service.get("cpus") or 0
    return (parse_memory(memory) if memory else 0), round(float(cpus) * 1_000_000_000)


def wanted(document: Mapping[str, Any], file: Path, variables: Mapping[str, str]) -> WantedProject:
    """The running state `docker compose -f FILE up` asks for: the services of no profile
    (one-shot jobs behind a profile are not expected to run)."""
    project = str(_resolve(document.get("name", ""), variables) or "")
    folder = file.parent
    volumes = document.get("volumes") or {}
    services = {}
    for name, service in (document.get("services") or {}).items():
        if service.get("profiles"):
            continue
        memory, cpus = _limits(service)
        services[str(name)] = Wanted(
            image=_resolve(service.get("image", ""), variables) or "",
            environment=_environment(service, variables),
            memory=memory,
            nano_cpus=cpus,
            ports=_ports(service, variables),
            mounts=_mounts(service, volumes, project, folder),
            env_file_names=_env_file_names(service, folder),
        )
    networks = tuple(
        sorted(
            str(body.get("name") or f"{project}_{key}")
            for key, body in {"default": {}, **(document.get("networks") or {})}.items()
            if not (body or {}).get("external")
        )
    )
    on_demand = frozenset(
        str(n) for n, s in (document.get("services") or {}).items() if s.get("profiles")
    )
    return WantedProject(project, services, networks, on_demand)


def rendered_file(root: Path, rendered: PurePosixPath, suffix: str) -> Path:
    return root / rendered / f"docker-compose.{suffix}.yml"
