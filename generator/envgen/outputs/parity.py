"""Builds the parity table of docs/ENVIRONMENTS.md: plain rows of markdown cells.

Every cell is already escaped for markdown, so the template only loops. Secrets appear as
variable names only: the table reads the spec's `*_variable` fields and the `${VAR}`
references of the compose document, never a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from envgen.compose.interpolation import InterpolationError, parse, unparse
from envgen.compose.sizes import format_memory
from envgen.model.declared.all_silences import Declared, declared_silences
from envgen.model.environment import Environment
from envgen.model.own_images import builder_of
from envgen.model.secret_places import secret_references
from envgen.model.service import Service
from envgen.outputs.compose import (
    COMPOSE,
    compose_of,
    network_alias,
    referenced_variables,
    start_command,
)
from envgen.outputs.kubernetes.manifests import folder as kubernetes_folder
from envgen.outputs.languages.markdown import code, flag, paragraph, text
from envgen.outputs.output import Output
from envgen.outputs.parity_operations import operations_rows
from envgen.policies.meaning.images import runs_released_image
from envgen.policies.meaning.resources import memory_limit
from envgen.policies.resolved import resolved
from envgen.project.load import BASE, Project
from envgen.settings import Settings

# compose.py spells app images `image:${IMAGE_TAG:-<tag>}`; the tag has its own row.
IMAGE_TAG_VARIABLE = "IMAGE_TAG"

# tmpfs mounts at these paths are scratch space, not where a service keeps its data.
SCRATCH = ("/tmp", "/var/tmp", "/run", "/var/run")

ABSENT = "—"  # the service does not run in this environment (the doc's legend says so)
UNSTATED = "not stated"  # an optional free-text field the spec leaves empty

ACCESS = {
    "localhost": "localhost only",
    "basic_auth": "basic auth",
    "public": "public",
}


@dataclass(frozen=True)
class Row:
    """One aspect: a label and one markdown cell per environment, in column order."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Notes:
    """The free-text notes of one environment, one escaped, wrapped paragraph per item."""

    environment: str
    paragraphs: tuple[str, ...]


def _listing(items: list[str], empty: str = "none") -> str:
    return ", ".join(items) if items else empty


def _host(env: Environment) -> str:
    memory = env.host.memory
    return code(env.host.name) + (f" ({format_memory(memory)} for its stacks)" if memory else "")


def _services(env: Environment) -> str:
    names = []
    for name, service in env.services.items():
        profiles = ", ".join(code(profile) for profile in service.profiles)
        names.append(f"{code(name)} (profile {profiles})" if profiles else code(name))
    return ", ".join(names)


def _image(env: Environment, service: Service) -> str:
    service = builder_of(env, service) or service  # the image of the service that builds it
    if not service.is_app:
        return code(service.image) if service.image is not None else "from `extends`"
    if not runs_released_image(env, service):
        return f"built from {code(service.build.context if service.build else '')}"
    if env.builds_from_source:  # the released image the spec names, tag and all
        return code(_released(service.image or ""))
    return code(f"{service.image}:{env.image_tag or '${' + IMAGE_TAG_VARIABLE + '}'}")


def _released(image: str) -> str:
    """An image the spec names with its tag, as the row of `image_tag` spells the same
    meaning: a default as the tag it gives, a required variable as `${NAME}` (its message
    is no part of the image)."""
    try:
        parts = parse(image)
    except InterpolationError:
        return image
    shown = []
    for part in parts:
        if isinstance(part, str):
            shown.append(part)
        elif part.operator in (":-", "-") and resolved(unparse(part.word or ())):
            shown.append(resolved(unparse(part.word or ())))
        else:
            shown.append("${" + part.name + "}")
    return "".join(shown)


def _image_tag(env: Environment) -> str:
    if env.image_tag_required is not None:
        return f"{code(IMAGE_TAG_VARIABLE)}, required"
    if env.image_tag is None:
        apps = [service for service in env.services.values() if service.build is not None]
        if apps and all(runs_released_image(env, service) for service in apps):
            return "none: each app image names its own tag"
        return "none: app images are built from source"
    return f"{code(env.image_tag)}, or {code(IMAGE_TAG_VARIABLE)} when set (e.g. a rollback tag)"


def _is_scratch(target: str) -> bool:
    return any(target == path or target.startswith(f"{path}/") for path in SCRATCH)


def _storage(env: Environment, service: Service) -> str:
    kept = [
        f"volume {code(env.volume_name(key))}"
        + (" (external)" if env.volumes[key].external else "")
        for key in (mount.volume_name for mount in service.volumes)
        if key is not None
    ]
    lost = [
        "RAM disk (tmpfs" + (f", {format_memory(size)}" if size else "") + "), lost on stop"
        for _, target, size in service.ram_disks()
        if not _is_scratch(target)
    ]
    return _listing(kept + lost)


def _stores_data(service: Service) -> bool:
    return any(mount.volume_name for mount in service.volumes) or any(
        not _is_scratch(disk.target) for disk in service.ram_disks()
    )


def _database(env: Environment) -> str:
    db = env.database
    if db is None:
        return "none"
    if not db.runs_in_stack:
        return f"external, at the URL in {code(db.url_variable or '')}"
    where = f"service {code(db.service_name or '')}"
    return f"{db.kind.label} {code(db.name or '')}, user {code(db.user or '')}, {where}"


def _integration(name: str) -> Callable[[Environment], str]:
    def cell(env: Environment) -> str:
        integration = env.integrations.get(name)
        if integration is None:
            return "none"
        if integration.mode == "real" and integration.identity is not None:
            # In a code span, so that GitHub does not link an `@name` to one of its users.
            return f"real, as {code(integration.identity)}"
        return integration.mode

    return cell


def _declared(envs: tuple[Environment, ...], field: str) -> list[tuple[str, str]]:
    """Each name under `integrations` or `features` in any environment, first written
    first, with its label."""
    labels: dict[str, str] = {}
    for env in envs:
        for name, item in getattr(env, field).items():
            labels.setdefault(name, item.label(name))
    return list(labels.items())


def _secret_names(env: Environment, compose: dict[str, Any], declared: set[str]) -> list[str]:
    """The secrets the environment needs, by name: the spec's first, then any other
    `${VAR}` its compose file reads as a secret (envgen.model.secret_places) or that a
    spec declares as one (a proxy that checks another environment's credentials)."""
    names = list(dict.fromkeys(name for name, _ in env.secret_variables()))
    secret = secret_references(compose) | declared
    return names + [
        name for name in referenced_variables(compose) if name in secret and name not in names
    ]


def _other_variables(env: Environment, compose: dict[str, Any], declared: set[str]) -> str:
    """Every other `${VAR}` the compose file reads, by name (the image tag has a row of
    its own)."""
    secrets = _secret_names(env, compose, declared)
    return _listing(
        [
            code(name)
            for name in referenced_variables(compose)
            if name not in secrets and name != IMAGE_TAG_VARIABLE
        ]
    )


def _secrets(env: Environment, compose: dict[str, Any], declared: set[str]) -> str:
    """The secrets the environment needs, by name, with where each goes."""
    db = env.database
    names = _secret_names(env, compose, declared)
    notes = {name: " (in Caddy's environment)" for name, path in env.secret_variables()
             if path[0] == "proxy"}  # fmt: skip
    if db and db.password_variable is not None and db.password_default is not None:
        # Only the fact that a throw-away default exists; the default itself is never shown.
        notes[db.password_variable] = " (has a laptop default)"
    return _listing([code(name) + notes.get(name, "") for name in names])


def _flag(name: str) -> Callable[[Environment], str]:
    return lambda env: flag(env.flags[name]) if name in env.flags else UNSTATED


def _url(env: Environment) -> str:
    return f"<https://{env.domain}>" if env.domain else "none"


def _ports(env: Environment) -> str:
    ports = []
    for name, service in env.services.items():
        for port in service.ports:
            protocol = "" if port.protocol == "tcp" else f"/{port.protocol}"
            host = code(f"{port.host_side}{protocol}")
            ports.append(f"{host} → {code(f'{name}:{port.target}')}")
    return _listing(ports)


def _memory(service: Service) -> str:
    """The limit Compose sets, under whichever key the spec writes it."""
    limit = memory_limit(service)
    if limit is None:
        return "no limit"
    if limit.bytes is None:
        return f"{code(limit.text)} (from a variable)"
    return format_memory(limit.bytes)


def _per_service(
    project: Project, label: str, cell: Callable[[Environment, Service], str], names: list[str]
) -> list[Row]:
    return [
        Row(
            f"{label}: {code(name)}",
            tuple(
                cell(env, env.services[name]) if name in env.services else ABSENT
                for env in project.environments
            ),
        )
        for name in names
    ]


def _routed(env: Environment) -> bool:
    return env.proxy is not None and env.domain is not None


def _proxy_route(env: Environment) -> str:
    """`backend:8001` as the alias the proxy names, on the environment's own network."""
    if env.proxy is None or env.domain is None:
        return "none"
    network = env.network_name(env.proxy.network)
    routes = [
        (code(path) if path is not None else "the rest", code(f"{network_alias(env, name)}:{port}"))
        for path, name, port, _ in env.proxy.routed()
    ]
    if len(routes) == 1:
        return f"{routes[0][1]} on network {code(network)}"
    listed = _listing([f"{path} → {upstream}" for path, upstream in routes])
    return f"{listed} on network {code(network)}"


def _compose_file(settings: Settings, env: Environment) -> str:
    if "compose" not in env.targets:
        return "none"
    return code(str(COMPOSE.destination(settings, env)))


def _manifests(settings: Settings, env: Environment) -> str:
    if "kubernetes" not in env.targets:
        return "none"
    return f"{code(f'{kubernetes_folder(settings) / env.name}/')} (namespace {code(env.namespace)})"


def _start(settings: Settings, env: Environment) -> str:
    """How a person starts it: with Compose where it has that target, else with kubectl."""
    if "compose" in env.targets:
        return code(start_command(settings, env))
    return code(f"kubectl apply -k {kubernetes_folder(settings) / env.name}")


def parity_rows(project: Project) -> list[Row]:
    """Every row of the table, one cell per environment in project order."""
    envs = project.environments
    settings = project.settings
    composes = {env.name: compose_of(project, env)[0] for env in envs}
    declared = {name for env in envs for name, _ in env.secret_variables()}
    # Services in the order they are first written, base.yaml's services first.
    services = list(dict.fromkeys(name for env in envs for name in env.services))
    stateful = [
        name
        for name in services
        if any(name in env.services and _stores_data(env.services[name]) for env in envs)
    ]

    def row(label: str, cell: Callable[[Environment], str]) -> Row:
        return Row(label, tuple(cell(env) for env in envs))

    def when(declared: bool, only: Row) -> list[Row]:
        """A row about something a project may not have at all, only when it does."""
        return [only] if declared else []

    return [
        row("Purpose", lambda env: text(env.description) if env.description else UNSTATED),
        row("Tier", lambda env: env.tier.value),
        row("Runs on", _host),
        # A project on Compose alone declares no target: the rows are for one that does.
        *when(
            any(env.targets != ("compose",) for env in envs),
            row("Target", lambda env: _listing([code(target) for target in env.targets])),
        ),
        row("Compose file", lambda env: _compose_file(settings, env)),
        *when(
            any("kubernetes" in env.targets for env in envs),
            row("Manifests", lambda env: _manifests(settings, env)),
        ),
        row("Start command", lambda env: _start(settings, env)),
        row("Compose project", lambda env: code(env.project_name)),
        row("Services", _services),
        *_per_service(project, "Image", _image, services),
        row("Image tag", _image_tag),
        row("Deploy method", lambda env: text(env.deploy) if env.deploy else UNSTATED),
        *(row(label, cell) for label, cell in operations_rows(project)),
        *when(any(env.database for env in envs), row("Database", _database)),
        *_per_service(project, "Storage", _storage, stateful),
        *(row(text(label), _integration(name)) for name, label in _declared(envs, "integrations")),
        row("Secrets (variable names)", lambda env: _secrets(env, composes[env.name], declared)),
        *when(
            any(_other_variables(env, composes[env.name], declared) != "none" for env in envs),
            row("Other variables", lambda env: _other_variables(env, composes[env.name], declared)),
        ),
        row(
            "Variables file",
            lambda env: code(env.variables_file) if env.variables_file else "none",
        ),
        *(row(text(label), _flag(name)) for name, label in _declared(envs, "features")),
        row("URL", _url),
        row("Access", lambda env: ACCESS[env.access]),
        *when(any(_routed(env) for env in envs), row("Proxy route", _proxy_route)),
        row("Host ports", _ports),
        *when(
            any(env.cors_origins for env in envs),
            row("CORS origins", lambda env: _listing([code(o) for o in env.cors_origins])),
        ),
        row("Log format", lambda env: env.logs),
        *_per_service(project, "Memory limit", lambda env, s: _memory(s), services),
    ]


def parity_notes(project: Project) -> list[Notes]:
    """The notes of each environment that has some, a paragraph per blank-line block."""
    notes = []
    for env in project.environments:
        paragraphs = tuple(paragraph(block) for block in env.notes.split("\n\n") if block.strip())
        if paragraphs:
            notes.append(Notes(env.name, paragraphs))
    return notes


def intended_differences(project: Project) -> list[list[str]]:
    """The declared intended differences between environments (`intended_differences` in
    a spec, as `envgen diff` reads them): one table row of escaped cells each."""
    rows = []
    for env in project.environments:
        for declared in env.intended_differences:
            other = project.get(declared.against).name
            paths = ", ".join(code(path) for path in declared.paths)
            rows.append([text(env.name), text(other), paths, text(declared.reason)])
    return rows


def _silenced_where(silence: Declared) -> str:
    if silence.inline is not None:
        return "the line " + code(f"{silence.position.path}:{silence.position.line}")
    scope = silence.scope
    if scope is None:
        return "the whole environment"
    parts = [f"service {code(scope.service)}"] if scope.service is not None else []
    parts += [f"path {code(scope.path)}"] if scope.path is not None else []
    return ", ".join(parts) or "the whole environment"


def silences(project: Project) -> list[list[str]]:
    """Every silence of the specs, once, with its scope and reason: one table row of
    escaped cells each (an inline silence in base.yaml holds for every environment that
    inherits its line)."""
    rows = []
    base = str(project.settings.environments / BASE)
    owners = {
        path: env.name for env in project.environments for path in project.sources[env.name][1:]
    }
    declared = declared_silences(project.environments, project.documents, project.inline_silences)
    for silence in declared:
        if silence.environment is not None:
            env = silence.environment
        elif silence.position.path == base:
            env = "every environment (base.yaml)"
        else:
            env = owners.get(silence.position.path, silence.position.path)
        rows.append([text(env), code(silence.rule), _silenced_where(silence), text(silence.reason)])
    return rows


def parity_context(project: Project) -> dict[str, Any]:
    """What templates/ENVIRONMENTS.md.j2 needs."""
    return {
        "sources": [f"{project.settings.environments}/"],
        "environments": [env.name for env in project.environments],
        "specs": f"{project.settings.environments}/",
        "rows": parity_rows(project),
        "notes": parity_notes(project),
        "intended_differences": intended_differences(project),
        "silences": silences(project),
    }


DOCS = Output(
    "docs",
    "ENVIRONMENTS.md.j2",
    comment="html",
    folder=lambda settings: settings.docs.parent,
    filename=lambda settings, _: settings.docs.name,
    project_context=parity_context,
)
