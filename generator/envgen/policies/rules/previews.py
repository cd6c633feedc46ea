"""Rules for a preview template, proved once for every preview it makes: each preview's
identifying values are its own (they hold its id), none can be another environment's,
and nothing is shared by construction (a host port, an external network or volume)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.model.previews.names import family, has_token, spelled
from envgen.policies.meaning.storage import network_spans_hosts, volume_storage
from envgen.policies.rule import Finding, Rule, Scope, everywhere

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path

# What tells one environment from another, by kind, each with how a template spells its
# token there: the values SEG001-SEG009 and SEG013 compare.
Held = tuple[str, str, "Path", str]  # kind, value, path, form


def held(env: Environment) -> Iterator[Held]:
    """Every identifying value of an environment, with its kind, path and form."""
    yield "compose project", env.project_name, ("compose_project",), "plain"
    if env.domain is not None:
        yield "domain", env.domain, ("domain",), "plain"
    if env.variables_file is not None:
        yield "variables file", env.variables_file, ("variables_file",), "plain"
    if env.database is not None:
        for field in ("name", "user"):
            value = getattr(env.database, field)
            if value is not None:
                yield f"database {field}", value, ("database", field), "underscore"
    for variable, path in env.secret_variables():
        if path[0] != "proxy":  # the proxy's credentials are the proxy's, one login for all
            yield "secret variable", variable, path, "upper"
    for name, integration in env.integrations.items():
        if integration.mode == "real" and integration.identity is not None:
            path = ("integrations", name, "identity")
            yield f"`{name}` identity", integration.identity, path, "identity"
    for key, volume in env.volumes.items():
        if not volume.external:
            yield "volume", env.volume_name(key), ("volumes", key), "plain"
    for key, network in env.networks.items():
        if not network.external:
            yield "network", env.network_name(key), ("networks", key), "plain"
    for name, service in env.services.items():
        if service.container_name is not None:
            at = ("services", name, "container_name")
            yield "container name", service.container_name, at, "plain"


def _one_hosts(env: Environment, kind: str, path: Path) -> bool:
    """Whether a held value is one Docker engine's (a project, a container, a volume or a
    network of one host), as SEG001-SEG004 compare them; the rest is everyone's."""
    if kind == "volume":
        return not any(storage.shared for storage in volume_storage(env, str(path[1])))
    if kind == "network":
        return not network_spans_hosts(env, str(path[1]))
    return kind in ("compose project", "container name")


def _templates(scope: Scope) -> list[Environment]:
    return [env for env in scope.environments if env.preview is not None]


def own_values(scope: Scope) -> Iterator[Finding]:
    for env in _templates(scope):
        for kind, value, path, form in held(env):
            if not has_token(value, env.name, form):
                yield Finding(
                    env.name,
                    path,
                    f"{kind} `{value}` holds no `{spelled(env.name, form)}`, so every "
                    "preview would share it",
                    f"write `{spelled(env.name, form)}` in it, for each preview's id to replace",
                )


def nothing_shared(scope: Scope) -> Iterator[Finding]:
    for env in _templates(scope):
        for (_, name, index), port in env.published_ports():
            if port.host_ports is not None:
                yield Finding(
                    env.name,
                    ("services", name, "ports", index),
                    f"{port.described} would be published by every preview on host "
                    f"`{env.host.name}`",
                    "the proxy routes each preview by its domain: remove the host port",
                )
        for section, entries in (("volumes", env.volumes), ("networks", env.networks)):
            for key, entry in entries.items():
                if entry.external:
                    yield Finding(
                        env.name,
                        (section, key, "external"),
                        f"external {section[:-1]} `{key}` would be shared by every preview",
                        "let Compose create it, named after each preview's project",
                    )
        for key in env.volumes:
            # A preview's volume is named after it, but the share it mounts is the
            # template's `driver_opts`, which no preview's id replaces.
            for storage in volume_storage(env, key):
                if storage.key[0] == "share":
                    yield Finding(
                        env.name,
                        ("volumes", key, "driver_opts"),
                        f"volume `{key}` mounts {storage.detail}, which every preview would share",
                        "keep the preview's data in a volume Docker creates for each preview",
                    )
        if env.database is not None and not env.database.runs_in_stack:
            yield Finding(
                env.name,
                ("database", "engine"),
                "an external database would be every preview's",
                "run the database in the stack, so that each preview has its own",
            )


def out_of_reach(scope: Scope) -> Iterator[Finding]:
    """No other environment holds a value that some preview would take: each template
    value is matched as a pattern (any id in the token's place) against every other
    environment's values of its kind, once, whatever the number of previews. Previews
    run on the template's host: what one Docker engine names is compared only with the
    environments on that host, as SEG001-SEG004 compare it."""
    for env in _templates(scope):
        patterns = []
        for kind, value, path, form in held(env):
            pattern = family(value, env.name, form)
            if pattern is not None:
                patterns.append((kind, value, path, pattern))
        for other in scope.environments:
            if other is env:
                continue
            elsewhere = other.host.name != env.host.name
            theirs = [(kind, value, path) for kind, value, path, _ in held(other)]
            for kind, value, path, pattern in patterns:
                for their_kind, their_value, their_path in theirs:
                    if their_kind != kind or not pattern.fullmatch(their_value):
                        continue
                    one_host = _one_hosts(env, kind, path) or _one_hosts(other, kind, their_path)
                    if one_host and elsewhere:
                        continue
                    there = f" on host `{env.host.name}`" if one_host else ""
                    where = scope.where(other, their_path)
                    yield Finding(
                        env.name,
                        path,
                        f"{kind} `{value}` becomes {other.name}'s `{their_value}` in "
                        f"one preview{there} ({where})",
                        "name the template's values so that no id turns them into "
                        "another environment's",
                    )


RULES = [
    Rule(
        "PRV001",
        "every identifying value of a preview template holds its name",
        "Each preview replaces the template's name by its id (`pr-42`) in its compose "
        "project, domain, database, volumes, networks, identities and secret variables; a "
        "value without the name would be the same in every preview.",
        everywhere("error"),
        own_values,
        hint="write the template's name in the value, for each preview's id to replace",
    ),
    Rule(
        "PRV002",
        "a preview template shares nothing by construction",
        "A fixed host port, an external network or volume, a volume on a network share "
        "(NFS, CIFS), or an external database would be every preview's at once: the second "
        "preview fails to start, or reaches the first one's data.",
        everywhere("error"),
        nothing_shared,
        hint="publish no host port and let Compose create each network and volume per preview",
    ),
    Rule(
        "PRV003",
        "no other environment holds a value that a preview would take",
        "Proved once for every id: the template's values, with any id in place of its "
        "name, match no other environment's project, domain, database, volume, network, "
        "identity or variable. Previews run on the template's host: a project, container, "
        "volume or network is one Docker engine's, and is compared with the environments on "
        "that host only (a volume plugin's volume, a network share or an overlay network "
        "with every host's).",
        everywhere("error"),
        out_of_reach,
        hint="name the values so that no preview id turns one into another environment's",
    ),
]
