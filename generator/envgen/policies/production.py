"""Rules for what production must have and must never run; staging is held to most of them."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.compose.command_line import command_texts
from envgen.compose.images import has_tag
from envgen.model.secrecy import words
from envgen.model.tiers import Tier
from envgen.policies.resolved import resolved, resolved_path, shell_words
from envgen.policies.rule import Rule, deployed, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.ports import PortMapping
    from envgen.model.service import Service
    from envgen.reading.source import Path

# Values that turn a setting on, as the common config readers take them (YAML 1.1's y,
# Python's distutils strtobool, Django's and Flask's "1"), case aside.
_TRUE = {"1", "true", "yes", "y", "on", "t", "enable", "enabled"}


def long_running(service: Service) -> bool:
    """Services in a compose profile are jobs started on demand (migrations, scrapers)."""
    return not service.profiles


def _long_running(env: Environment) -> Iterator[tuple[str, Service]]:
    return ((name, s) for name, s in env.services.items() if long_running(s))


def memory(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in _long_running(env):
        if service.memory is None:
            yield ("services", name), f"`{name}` runs without a memory limit (`memory`)"


def restart(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in _long_running(env):
        if service.restart in (None, "no"):
            policy = "no restart policy" if service.restart is None else "`restart: no`"
            yield (
                ("services", name, "restart"),
                f"`{name}` has {policy}; it stays down after a crash",
            )


def healthcheck(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in _long_running(env):
        check = service.healthcheck
        if check is None or check.disable or not check.test or check.test[0] == "NONE":
            yield ("services", name, "healthcheck"), f"`{name}` has no health check"


# The ports an edge proxy (`role: edge-proxy`) serves the web on: HTTP, and HTTPS (whose
# HTTP/3 runs over UDP on the same port).
EDGE_PORTS = (80, 443)


def _edge_port(service: Service, port: PortMapping) -> bool:
    hosts = port.host_ports
    return service.is_edge_proxy and hosts is not None and set(hosts) <= set(EDGE_PORTS)


def loopback_ports(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        for index, port in enumerate(service.ports):
            if port.is_loopback or _edge_port(service, port):
                continue
            if service.is_edge_proxy:
                advice = "an edge proxy faces the internet on 80 and 443 only"
            else:
                advice = "publish on 127.0.0.1 and let the proxy in front"
            yield (
                ("services", name, "ports", index),
                f"{port.described} is published on {port.address}; {advice}",
            )


def _contexts(env: Environment) -> set[str]:
    return {posixpath.normpath(s.build.context) for s in env.services.values() if s.build}


def _is_source(source: str, contexts: set[str]) -> bool:
    """A path inside a build context; or, outside the project (absolute, or `../`), a
    checkout of one (`/srv/app/backend`, `../main/backend/src` for context `backend`)."""
    if source in contexts or any(source.startswith(f"{c}/") for c in contexts):
        return True
    if not source.startswith(("/", "../")) and source != "..":
        return False
    steps = [step for step in source.split("/") if step not in ("", "..")]
    for context in contexts - {"."}:
        wanted = context.split("/")
        if any(steps[i : i + len(wanted)] == wanted for i in range(len(steps))):
            return True
    return False


def source_mounts(env: Environment) -> Iterator[tuple[Path, str]]:
    contexts = _contexts(env) | {"."}
    for name, service in env.services.items():
        for index, mount in enumerate(service.volumes):
            if mount.bind_source is None:
                continue
            if _is_source(resolved_path(mount.bind_source), contexts):
                yield (
                    ("services", name, "volumes", index),
                    f"`{name}` bind-mounts source code `{mount.source}`; run the image as built",
                )


def _flags(service: Service, flag: str) -> Iterator[tuple[Path, str]]:
    """(path of the argument, the flag) wherever a command runs with `--flag`, also
    inside a shell string (`sh -c "uvicorn app --reload"`)."""
    for field in ("command", "entrypoint"):
        for steps, text in command_texts(getattr(service, field)):
            for word in shell_words([text]):
                if word == flag or word.startswith((f"{flag}=", f"{flag}-")):
                    yield (field, *steps), word
                    break


def reload(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        for path, word in _flags(service, "--reload"):
            yield (
                ("services", name, *path),
                f"`{name}` runs with `{word}`, which watches files and restarts",
            )


def development_features(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, feature in env.features.items():
        if feature.development_only and feature.on_in(env.tier):
            # At `enabled` when the spec sets it, else where the flag is declared.
            path: Path = ("features", name, "enabled")
            if feature.enabled is None:
                path = ("features", name, "default_on")
            what = feature.description or f"`{name}`"
            yield path, f"{what} is on, and it is for developers only"


def is_on(value: str) -> bool:
    """A setting's value that turns it on, as Compose resolves it (`${X:-1}` is `1`)."""
    return resolved(value).strip().strip("'\"").lower() in _TRUE


def _development_variables(env: Environment) -> dict[str, str]:
    """Variables that carry a development-only feature, by the facts that fill them
    (`API_EXPLORER: features.api_explorer`): set by hand, they bypass the flag."""
    return {
        variable: fact.removeprefix("features.")
        for service in env.services.values()
        for variable, fact in service.facts.items()
        if fact.startswith("features.")
        and (feature := env.features.get(fact.removeprefix("features."))) is not None
        and feature.development_only
    }


def debug(env: Environment) -> Iterator[tuple[Path, str]]:
    carried = _development_variables(env)
    for name, service in env.services.items():
        for variable, value in service.environment.items():
            feature = carried.get(variable)
            if not is_on(value):
                continue
            if "DEBUG" in words(variable):
                what = "debug mode"
            elif feature is not None:
                what = f"`{feature}` (for developers only)"
            else:
                continue
            yield (
                ("services", name, "environment", variable),
                f"`{name}` turns on {what} through `{variable}`",
            )
        for path, word in _flags(service, "--debug"):
            yield ("services", name, *path), f"`{name}` runs with `{word}`"


def built_images(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.tier is not Tier.PRODUCTION or not env.builds_from_source:
        return
    for name, service in env.services.items():
        if service.build is not None:
            yield (
                ("services", name, "build"),
                f"`{name}` is built from the source on the host, since no `image_tag` is set",
            )


def pinned_images(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        if service.is_app or service.image is None or has_tag(service.image):
            continue  # a built image's tag is `image_tag`'s; PRD010 speaks for production
        yield (
            ("services", name, "image"),
            f"`{name}` runs `{service.image}` without a tag: whatever `latest` is when the "
            "host pulls it",
        )


def data_mount(env: Environment) -> tuple[str, str, Path] | None:
    """The kind of storage under the database's data folder (`volume`, `bind`, `tmpfs`,
    or `container` when nothing is mounted), the service, and the path that decides it;
    None when the stack runs no database. The data folder is the engine's, or where the
    engine's variable moves it (PGDATA). (Its service exists: the reference checks refuse
    a database service that does not, before any rule runs.)"""
    db = env.database
    name = db.service_name if db is not None else None
    if db is None or name is None or db.kind.data_dir is None:
        return None
    service = env.services[name]
    moved = db.kind.data_dir_variable
    data = service.environment.get(moved, db.kind.data_dir) if moved else db.kind.data_dir
    best: tuple[int, str, Path] = (-1, "container", ("services", name))

    def consider(target: str, kind: str, path: Path) -> None:
        nonlocal best
        covers = data == target or data.startswith(target.rstrip("/") + "/")
        if covers and len(target) > best[0]:
            best = (len(target), kind, path)

    for index, mount in enumerate(service.volumes):
        consider(mount.target, mount.kind, ("services", name, "volumes", index))
    for index, tmpfs in enumerate(service.tmpfs):
        consider(tmpfs.target, "tmpfs", ("services", name, "tmpfs", index))
    return best[1], name, best[2]


def durable_database(env: Environment) -> Iterator[tuple[Path, str]]:
    found = data_mount(env)
    if found is None:
        return
    kind, name, path = found
    if kind == "tmpfs":
        yield path, f"`{name}` keeps the database on tmpfs; it is lost when the container stops"
    elif kind == "container":
        yield path, f"`{name}` keeps the database in the container; mount a volume on it"


RULES = [
    Rule(
        "PRD001",
        "a memory limit on every long-running service",
        "Without a limit one leaking service takes the host's memory from every other stack on it.",
        deployed("error", "warning"),
        per_environment(memory),
    ),
    Rule(
        "PRD002",
        "a restart policy on every long-running service",
        "A crash or a host reboot must not leave the service down until someone notices.",
        deployed("error", "warning"),
        per_environment(restart),
    ),
    Rule(
        "PRD003",
        "a health check on every long-running service",
        "Dependants wait for `service_healthy`, and a hung process looks alive without one.",
        deployed("error", "warning"),
        per_environment(healthcheck),
    ),
    Rule(
        "PRD004",
        "no port published beyond loopback (127.0.0.1, ::1)",
        "On a public host only the proxy faces the internet; a port on every interface "
        "bypasses it (and Docker bypasses the firewall). A port without an address "
        "(`8001:8001`), on 0.0.0.0 or ::, or with a host port Docker picks (`3000`) is on "
        "every interface, as Compose binds it. A service declared `role: edge-proxy` (the "
        "reverse proxy inside the stack) may publish 80 and 443 on any address, and only "
        "those.",
        deployed("error", "error"),
        per_environment(loopback_ports),
    ),
    Rule(
        "PRD005",
        "no bind mount of source code",
        "A deployed environment runs the image that was tested, not whatever files sit "
        "on the host.",
        deployed("error", "error"),
        per_environment(source_mounts),
    ),
    Rule(
        "PRD006",
        "no reload command",
        "A file watcher restarts the service on any change and costs memory and CPU.",
        deployed("error", "error"),
        per_environment(reload),
    ),
    Rule(
        "PRD007",
        "development-only features off",
        "A flag marked `development_only` (an API explorer, a debug page, code reload) "
        "shows internals or costs resources that a deployed environment must not spend.",
        deployed("error", "warning"),
        per_environment(development_features),
    ),
    Rule(
        "PRD008",
        "no debug mode or development-only feature turned on by hand",
        "Debug mode shows tracebacks and internals to whoever triggers an error. A "
        "variable named for debug (`DEBUG`, `APP_DEBUG`) with a true value (`1`, `y`, "
        "`true`...), a `--debug` flag, or a variable that carries a development-only "
        "feature, set in `environment` instead of through the flag, all turn it on.",
        deployed("error", "warning"),
        per_environment(debug),
    ),
    Rule(
        "PRD009",
        "database data on a volume, never on tmpfs or in the container",
        "tmpfs and the container's own layer vanish with the container, and the data with them.",
        deployed("error", "warning"),
        per_environment(durable_database),
    ),
    Rule(
        "PRD010",
        "production runs built images, never builds from source",
        "Without `image_tag`, a service with `build` is built on the production host from "
        "whatever source sits there: not the image that was tested, and not one that a "
        "rollback can return to.",
        {Tier.PRODUCTION: "error"},
        per_environment(built_images),
    ),
    Rule(
        "PRD011",
        "third-party images pinned to a tag",
        "An image without a tag is `latest`: a different program on each host that pulls it, "
        "and none that a rollback can return to. Fine on a laptop.",
        {Tier.TEST: "warning", Tier.STAGING: "warning", Tier.PRODUCTION: "error"},
        per_environment(pinned_images),
    ),
]
