"""Rules for what production must have and must never run; staging is held to most of them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from envgen.compose.images import has_tag
from envgen.model.own_images import image_builders
from envgen.model.tiers import Tier
from envgen.policies.meaning import modes
from envgen.policies.meaning.edge import EDGE_PORTS
from envgen.policies.meaning.images import BUILDING_POLICIES, runs_released_image
from envgen.policies.meaning.jobs import is_job
from envgen.policies.meaning.mounts import binds, build_contexts, is_source
from envgen.policies.meaning.resources import health_check, memory_limit, restart_policy
from envgen.policies.resolved import resolved
from envgen.policies.rule import Finding, Rule, Scope, deployed, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.ports import PortMapping
    from envgen.model.service import Service
    from envgen.reading.source import Path


def long_running(service: Service) -> bool:
    """Every service but a one-shot job (declared, or in a profile with no restart)."""
    return not is_job(service)


def _long_running(env: Environment) -> Iterator[tuple[str, Service]]:
    return ((name, s) for name, s in env.services.items() if long_running(s))


def memory(env: Environment) -> Iterator[tuple[Path, str]]:
    # Jobs too: a migration or a seed takes the host's memory while it runs.
    for name, service in env.services.items():
        if memory_limit(service) is None:
            yield (
                ("services", name),
                f"`{name}` runs without a memory limit (`memory`, `mem_limit` or "
                "`deploy.resources.limits.memory`)",
            )


def restart(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in _long_running(env):
        policy = restart_policy(service)
        if policy is None or not policy.restarts:
            what = "no restart policy" if policy is None else f"`{policy.written}`"
            path = ("restart",) if policy is None else policy.path
            yield ("services", name, *path), f"`{name}` has {what}; it stays down after a crash"


def healthcheck(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in _long_running(env):
        if not health_check(service):
            yield ("services", name, "healthcheck"), f"`{name}` has no health check"


def _edge_port(service: Service, port: PortMapping) -> bool:
    hosts = port.host_ports
    return service.is_edge_proxy and hosts is not None and set(hosts) <= set(EDGE_PORTS)


def loopback_ports(env: Environment) -> Iterator[tuple[Path, str]]:
    # A service the proxy routes to is its target, never the edge proxy itself.
    routed = {target for _, target, _, _ in env.proxy.routed()} if env.proxy else set()
    for name, service in env.services.items():
        for index, port in enumerate(service.ports):
            if port.is_loopback or _edge_port(service, port):
                continue
            if service.is_edge_proxy:
                advice = "an edge proxy faces the internet on 80 and 443 only"
            elif name not in routed and set(port.host_ports or ()) & set(EDGE_PORTS):
                # The web's ports: most likely the proxy itself, which only the role allows.
                advice = (
                    f"if `{name}` is the edge proxy, declare it `role: edge-proxy` (it may "
                    "publish 80 and 443); otherwise publish on 127.0.0.1 and let the proxy "
                    "in front"
                )
            else:
                advice = "publish on 127.0.0.1 and let the proxy in front"
            yield (
                ("services", name, "ports", index),
                f"{port.described} is published on {port.address}; {advice}",
            )


def source_mounts(env: Environment) -> Iterator[tuple[Path, str]]:
    contexts = build_contexts(env)
    for name, service in env.services.items():
        for bind in binds(env, service):
            if is_source(bind, contexts, service.working_dir):
                yield (
                    ("services", name, *bind.path),
                    f"`{name}` bind-mounts source code `{bind.written}`; run the image as built",
                )


def reload(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        for found in modes.in_commands(service):
            if found.mode == "reload":
                yield ("services", name, *found.path), f"`{name}` runs {found.message}"


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
    return resolved(value).strip().strip("'\"").lower() in modes.TRUE


def _development_variables(envs: Iterable[Environment]) -> dict[str, str]:
    """Variables that carry a development-only feature, by the facts that fill them
    (`API_EXPLORER: features.api_explorer`), in any environment of the project: a spec
    that removes the fact and sets the variable by hand bypasses the flag, so a variable
    is judged as its feature in every environment and service, whatever sets it."""
    envs = list(envs)
    development = {
        name for env in envs for name, feature in env.features.items() if feature.development_only
    }
    carried: dict[str, str] = {}
    for env in envs:
        for service in env.services.values():
            for variable, fact in sorted(service.facts.items()):
                feature = fact.removeprefix("features.")
                if fact.startswith("features.") and feature in development:
                    carried.setdefault(variable, feature)
    return carried


def debug_everywhere(scope: Scope) -> Iterator[Finding]:
    carried = _development_variables(scope.environments)
    for env in scope.environments:
        for path, message, hint in debug(env, carried):
            yield Finding(env.name, path, message, hint)


# Each hint names what was found: the convention's own value that turns the mode off.
_SWITCH_HINT = "turn it off here (e.g. `{variable}: {off}`), or set it only in lower tiers"
_FEATURE_HINT = (
    "let the flag set it (`{variable}: features.{feature}` under `facts`, off in this tier), "
    "or set it only in lower tiers"
)
_COMMAND_HINT = "drop the flag from the command here, or use it only in lower tiers"


def debug(env: Environment, carried: Mapping[str, str]) -> Iterator[tuple[Path, str, str]]:
    for name, service in env.services.items():
        switched = dict(modes.in_variables(service))
        for variable, value in service.environment.items():
            feature = carried.get(variable)
            through = variable
            if variable in switched:
                switch = switched[variable]
                what = switch.what
                if what != "debug mode":  # the value says which mode
                    through = f"{variable}={resolved(value)}"
                hint = _SWITCH_HINT.format(variable=variable, off=switch.off_value())
            elif feature is not None and is_on(value):
                what = f"`{feature}` (for developers only)"
                hint = _FEATURE_HINT.format(variable=variable, feature=feature)
            else:
                continue
            yield (
                ("services", name, "environment", variable),
                f"`{name}` turns on {what} through `{through}`",
                hint,
            )
        for found in modes.in_commands(service):
            if found.mode == "debug":
                yield (
                    ("services", name, *found.path),
                    f"`{name}` runs {found.message}",
                    _COMMAND_HINT,
                )


def built_images(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.tier is not Tier.PRODUCTION:
        return
    for name, service in env.services.items():
        if runs_released_image(env, service):
            continue
        if service.passthrough.get("pull_policy") in BUILDING_POLICIES:
            yield (
                ("services", name, "pull_policy"),
                f"`{name}` is built from the source on the host, since its `pull_policy` "
                "is `build`",
            )
        else:
            yield (
                ("services", name, "build"),
                f"`{name}` is built from the source on the host, since no `image_tag` is set "
                "and its `image` names no tag",
            )


def pinned_images(env: Environment) -> Iterator[tuple[Path, str]]:
    # An image the environment builds (by this service or another) takes `image_tag`'s
    # tag; PRD010 speaks for production.
    builders = image_builders(env)
    for name, service in env.services.items():
        if name in builders or service.image is None or has_tag(service.image):
            continue
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
        "a memory limit on every service, jobs included",
        "Without a limit one leaking service takes the host's memory from every other stack "
        "on it; a one-shot job takes it too while it runs.",
        deployed("error", "warning"),
        per_environment(memory),
        hint="set `memory: 512m` (or `mem_limit`, or `deploy.resources.limits.memory`)",
        reads=("memory limit",),
    ),
    Rule(
        "PRD002",
        "a restart policy on every long-running service",
        "A crash or a host reboot must not leave the service down until someone notices. "
        "A one-shot job (`job:`, `seed: true`, or a service in a compose profile with "
        '`restart: "no"`) ends by design: the job rules hold it instead.',
        deployed("error", "warning"),
        per_environment(restart),
        hint="set `restart: unless-stopped`",
        reads=("restart policy", "no restart policy"),
    ),
    Rule(
        "PRD003",
        "a health check on every long-running service",
        "Dependants wait for `service_healthy`, and a hung process looks alive without one. "
        "A one-shot job is waited on with `service_completed_successfully` instead.",
        deployed("error", "warning"),
        per_environment(healthcheck),
        hint="add a `healthcheck` with a `test` that checks the service",
        reads=("health check", "health check turned off"),
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
        hint="write the address, as in `127.0.0.1:8001:8001`, or drop the port",
        reads=("published port",),
    ),
    Rule(
        "PRD005",
        "no bind mount of source code",
        "A deployed environment runs the image that was tested, not whatever files sit "
        "on the host.",
        deployed("error", "error"),
        per_environment(source_mounts),
        hint="remove the bind mount and run the code the image was built with",
        reads=("bind mount",),
    ),
    Rule(
        "PRD006",
        "no reload command",
        "A file watcher restarts the service on any change and costs memory and CPU.",
        deployed("error", "error"),
        per_environment(reload),
        hint="run the image's production server, without a reloader or a development server",
        reads=("command", "development command"),
    ),
    Rule(
        "PRD007",
        "development-only features off",
        "A flag marked `development_only` (an API explorer, a debug page, code reload) "
        "shows internals or costs resources that a deployed environment must not spend.",
        deployed("error", "warning"),
        per_environment(development_features),
        hint="set `enabled: false` under the feature in this environment's spec",
    ),
    Rule(
        "PRD008",
        "no debug mode or development-only feature turned on by hand",
        "Debug mode shows tracebacks and internals to whoever triggers an error. A "
        "variable named for debug (`DEBUG`, `APP_DEBUG`) with a true value (`1`, `y`, "
        "`true`...), a `--debug` flag, or a variable that carries a development-only "
        "feature, set in `environment` instead of through the flag, all turn it on. A "
        "variable that carries the feature in any environment carries it in all: a spec "
        "that removes the fact and sets the variable by hand turns the feature on.",
        deployed("error", "warning"),
        debug_everywhere,
        hint="turn it off here (e.g. `NODE_ENV: production`), or set it only in lower tiers",
        reads=("environment variable", "development switch", "command", "development command"),
    ),
    Rule(
        "PRD009",
        "database data on a volume, never on tmpfs or in the container",
        "tmpfs and the container's own layer vanish with the container, and the data with them.",
        deployed("error", "warning"),
        per_environment(durable_database),
        hint="mount a named volume on the database's data folder",
        reads=("volume mount", "RAM disk"),
    ),
    Rule(
        "PRD010",
        "production runs built images, never builds from source",
        "Without `image_tag`, or an `image` that names a tag beside it, a service with "
        "`build` is built on the production host from whatever source sits there: not the "
        "image that was tested, and not one that a rollback can return to.",
        {Tier.PRODUCTION: "error"},
        per_environment(built_images),
        hint="set `image_tag` (or `image_tag_required`), or give `image` a tag, and no "
        "`pull_policy: build`, so that production runs a released image",
    ),
    Rule(
        "PRD011",
        "third-party images pinned to a tag",
        "An image without a tag is `latest`: a different program on each host that pulls it, "
        "and none that a rollback can return to. Fine on a laptop.",
        {Tier.TEST: "warning", Tier.STAGING: "warning", Tier.PRODUCTION: "error"},
        per_environment(pinned_images),
        hint="pin the image to a tag, e.g. `postgres:16`",
    ),
]
