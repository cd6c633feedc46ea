"""Checks that need a whole environment: names that must refer to something that exists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from envgen.compose.images import has_tag
from envgen.model.environment import Environment
from envgen.model.facts import FACTS, FactUnavailable
from envgen.model.ports import PortMapping
from envgen.model.service import Service
from envgen.problems import did_you_mean
from envgen.reading.source import Path

Finding = tuple[Path, str, str]  # where, what, hint


def _unknown(kind: str, name: str, known: Iterable[str]) -> tuple[str, str]:
    known = sorted(known)
    hint = did_you_mean(name, known) or (f"known: {', '.join(known)}" if known else "")
    return f"unknown {kind} `{name}`", hint


def _fact_names(env: Environment) -> list[str]:
    """Every fact the environment can give, for hints: the fixed ones and those named
    after its own feature flags and integrations."""
    names = [*FACTS, *(f"features.{flag}" for flag in env.features)]
    for name, integration in env.integrations.items():
        at = f"integrations.{name}"
        names += [f"{at}.mode", f"{at}.identity"]
        names += [f"{at}.secrets.{key}" for key in integration.secrets]
    return names


def check_references(env: Environment) -> Iterator[Finding]:
    """Every problem of names and images in `env`, with the path it is at."""
    services = env.services
    if env.image_tag is not None and env.image_tag_required is not None:
        message = "`image_tag` gives IMAGE_TAG a default; `image_tag_required` says it has none"
        yield ("image_tag_required",), message, "keep one of them"
    database = env.database.service_name if env.database is not None else None
    if database is not None and database not in services:
        message, hint = _unknown("service", database, services)
        if env.database is not None and env.database.service is None:
            message = f"no service `{database}`, the {env.database.engine} engine's default"
            hint = f"name the one that runs it under `service`; services: {', '.join(services)}"
        yield ("database", "service"), message, hint
    proxy = env.proxy
    if proxy is not None and env.domain is not None:  # without a domain nothing is routed
        if proxy.network not in env.networks:
            yield (("proxy", "network"), *_unknown("network", proxy.network, env.networks))
        for _, target, _, route_at in proxy.routed():
            if target not in services:
                yield (route_at, *_unknown("service", target, services))
        first: dict[str, int] = {}
        for i, route in enumerate(proxy.routes):
            if route.path in first:
                yield (
                    ("proxy", "routes", i, "path"),
                    f"path `{route.path}` is routed twice "
                    f"(first at proxy.routes.{first[route.path]})",
                    "give each path one route",
                )
            first.setdefault(route.path, i)
    for name, service in services.items():
        at: Path = ("services", name)
        for dependency in service.depends_on:
            if dependency == name:
                yield (*at, "depends_on", dependency), "a service cannot depend on itself", ""
            elif dependency not in services:
                yield ((*at, "depends_on", dependency), *_unknown("service", dependency, services))
        for index, network in enumerate(service.networks):
            if network != "default" and network not in env.networks:
                known = ["default", *env.networks]
                yield ((*at, "networks", index), *_unknown("network", network, known))
        for index, mount in enumerate(service.volumes):
            if mount.volume_name is not None and mount.volume_name not in env.volumes:
                message, hint = _unknown("volume", mount.volume_name, env.volumes)
                hint = hint or "declare it under `volumes`, or write ./path for a bind mount"
                yield (*at, "volumes", index, "source"), message, hint
        for variable, fact in service.facts.items():
            if fact not in FACTS:
                yield ((*at, "facts", variable), *_unknown("fact", fact, _fact_names(env)))
                continue
            if variable in service.environment:
                yield (*at, "facts", variable), f"`{variable}` is also set in `environment`", ""
            try:
                FACTS[fact].value(env)
            except FactUnavailable as error:
                yield (*at, "facts", variable), f"fact `{fact}`: {error}", ""
        yield from _shorthand_conflicts(at, service)
        yield from _image(env, at, service)
    yield from _port_collisions(env)
    yield from _dependency_cycles(env)
    for name, service in services.items():
        yield from _shared_targets(("services", name), service)
        yield from _extends(env, ("services", name), service)


def _image(env: Environment, at: Path, service: Service) -> Iterator[Finding]:
    """What Compose needs to run the service, and what `image_tag` needs to deploy it:
    where it is set, a built image is pulled by its name, with the environment's tag."""
    if service.image is None:
        if service.build is None and "extends" not in service.passthrough:
            yield (*at, "image"), "a service needs `image` or `build`", ""
        elif service.build is not None and not env.builds_from_source:
            yield (
                (*at, "image"),
                "required where `image_tag` is set: the name deployed hosts pull it by",
                f"e.g. `ghcr.io/owner/{at[-1]}`",
            )
    elif service.is_app and not env.builds_from_source and has_tag(service.image):
        yield (
            (*at, "image"),
            "an image built from source takes its tag from `image_tag`",
            f"write `{service.image.rsplit(':', 1)[0].split('@', 1)[0]}`",
        )


def _dependency_cycles(env: Environment) -> Iterator[Finding]:
    """Services that wait for each other in a circle never start; Compose refuses them."""
    reported: set[frozenset[str]] = set()

    def visit(name: str, trail: list[str]) -> Iterator[Finding]:
        for dependency in env.services[name].depends_on:
            if dependency not in env.services or dependency == name:
                continue  # reported as unknown or as depending on itself
            if dependency in trail:
                cycle = [*trail[trail.index(dependency) :], dependency]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    where = ("services", name, "depends_on", dependency)
                    yield where, f"dependency cycle: {' -> '.join(cycle)}", ""
            elif len(trail) <= len(env.services):
                yield from visit(dependency, [*trail, dependency])

    for name in env.services:
        yield from visit(name, [name])


def _shared_targets(at: Path, service: Service) -> Iterator[Finding]:
    """Two mounts at one container path: Compose refuses the second."""
    seen: dict[str, str] = {}
    mounts = [(("volumes", i), m.target) for i, m in enumerate(service.volumes)]
    mounts += [(("tmpfs", i), t.target) for i, t in enumerate(service.tmpfs)]
    for (field, index), target in mounts:
        normal = target.rstrip("/") or "/"
        if normal in seen:
            message = f"`{target}` is already mounted by {seen[normal]}"
            yield (*at, field, index, "target"), message, ""
        seen.setdefault(normal, f"{field}[{index}]")


def _extends(env: Environment, at: Path, service: Service) -> Iterator[Finding]:
    """`extends` of a service of this environment that does not exist."""
    extends = service.passthrough.get("extends")
    if isinstance(extends, str):
        extends = {"service": extends}
    if not isinstance(extends, dict) or "file" in extends:
        return  # another file: Compose reads it, envgen does not
    target = str(extends.get("service", ""))
    if target not in env.services:
        yield ((*at, "extends"), *_unknown("service", target, env.services))


def _shorthand_conflicts(at: Path, service: Service) -> Iterator[Finding]:
    """A shorthand and the Compose key it stands for, both set: which one would win?"""
    deploy = service.passthrough.get("deploy") or {}
    limits = (deploy.get("resources") or {}).get("limits") or {}
    for shorthand in ("memory", "cpus"):
        if getattr(service, shorthand) is not None and shorthand in limits:
            compose_key = f"deploy.resources.limits.{shorthand}"
            yield (
                (*at, shorthand),
                f"`{shorthand}` is set twice",
                f"keep `{shorthand}` or `{compose_key}`",
            )
    if service.memory is not None and "mem_limit" in service.passthrough:
        yield (*at, "memory"), "`memory` is set twice", "keep `memory` or `mem_limit`"
    elif service.cpus is not None:
        # `cpus` writes deploy.resources.limits, which Compose then compares with
        # mem_limit and pids_limit, and refuses the file when they differ.
        for key in ("mem_limit", "pids_limit"):
            if key in service.passthrough:
                message = f"`cpus` writes deploy.resources.limits, which `{key}` contradicts"
                hint = f"write the limit in `deploy.resources.limits` instead of `{key}`"
                yield (*at, key), message, hint
    options = service.passthrough.get("security_opt") or []
    if service.no_new_privileges and any("no-new-privileges" in str(o) for o in options):
        hint = "keep `no_new_privileges` or the `security_opt` entry"
        yield (*at, "no_new_privileges"), "`no-new-privileges` is set twice", hint


def _port_collisions(env: Environment) -> Iterator[Finding]:
    """Two entries of one environment that Docker cannot both bind. A port is judged
    against the earlier ones of its protocol whose host ports overlap its own, by numbers
    read once (a port Docker picks collides with none), so that many services cost little."""
    earlier: dict[str, list[tuple[int, int, str, PortMapping]]] = {}
    for (_, name, index), port in env.published_ports():
        ports = port.host_ports
        if ports is None:
            continue
        same_protocol = earlier.setdefault(port.protocol.lower(), [])
        taken_by = next(
            (
                owner
                for start, stop, owner, seen in same_protocol
                if start < ports.stop and ports.start < stop and port.collides_with(seen)
            ),
            None,
        )
        if taken_by is not None:
            message = f"{port.described} is already published by `{taken_by}`"
            yield ("services", name, "ports", index), message, ""
        same_protocol.append((ports.start, ports.stop, name, port))
