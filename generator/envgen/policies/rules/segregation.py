"""Rules across environments: no two environments may share what would let one touch the other."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from envgen.compose.command_line import command_texts
from envgen.model.tiers import Tier
from envgen.policies.meaning.databases import DatabaseName, database_name
from envgen.policies.meaning.edge import proxy_networks, why_an_edge
from envgen.policies.meaning.mounts import bound_device
from envgen.policies.meaning.storage import Storage, network_spans_hosts, volume_storage
from envgen.policies.resolved import decoded, resolved, resolved_path
from envgen.policies.rule import Finding, Rule, Scope, everywhere
from envgen.policies.spotting import Spotted, production_index

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.ports import PortMapping
    from envgen.reading.source import Path

Values = Callable[["Environment"], Iterable[tuple[object, "Path"]]]


def _nowhere(value: object) -> bool:
    return False


def _anywhere(value: object) -> bool:
    return True


def _clashes(
    scope: Scope,
    values: Values,
    what: str | Callable[[object], str],
    on_host: Callable[[object], bool] = _nowhere,
    key: Callable[[object], Hashable] = lambda value: value,
) -> Iterator[Finding]:
    """A finding wherever two environments hold the same value (by `key`), on the one to
    change, naming where the other holds it. `what` names the value in the message. A
    value that `on_host` says is one host's (a Docker engine's name, a host's folder) is
    compared only between environments on that host, and the message names the host;
    any other is compared everywhere. One finding per value and other environment, however
    many of its identities they share."""

    Held = list[tuple[tuple[str, Hashable], object]]
    held_at: dict[str, dict[Path, Held]] = {}
    for env in scope.environments:
        mine = held_at.setdefault(env.name, {})
        for value, path in values(env):
            pair = (env.host.name if on_host(value) else "", key(value))
            mine.setdefault(path, []).append((pair, value))

    def held(env: Environment) -> Iterator[tuple[Hashable, Path]]:
        for path, pairs in held_at[env.name].items():
            for pair, _ in pairs:
                yield pair, path

    reported: set[tuple[str, Path, str]] = set()
    for blamed, blamed_paths, other, other_paths in scope.clashes(held):
        theirs = {pair for at in other_paths for pair, _ in held_at[other.name][at]}
        where = scope.where(other, other_paths[0])
        for path in blamed_paths:
            if (blamed.name, path, other.name) in reported:
                continue
            reported.add((blamed.name, path, other.name))
            (host, _), value = next(
                (pair, value) for pair, value in held_at[blamed.name][path] if pair in theirs
            )
            name = what(value) if callable(what) else f"{what} `{value}`"
            there = f" on host `{host}`" if host else ""
            yield Finding(blamed.name, path, f"{name} is also {other.name}'s{there} ({where})")


def _used_volumes(env: Environment) -> set[str]:
    return {m.volume_name for s in env.services.values() for m in s.volumes if m.volume_name}


def _data_volumes(env: Environment) -> set[str]:
    return {
        m.volume_name for s in env.services.values() if s.data for m in s.volumes if m.volume_name
    }


def project_names(scope: Scope) -> Iterator[Finding]:
    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        yield env.project_name, ("compose_project",)

    # Compose finds a project's containers by their label in one engine: on two hosts,
    # one name is two projects.
    return _clashes(scope, values, "compose project", on_host=_anywhere)


def _storage_of(value: object) -> Storage:
    return cast(Storage, value)


def _host_storage(value: object) -> bool:
    return not _storage_of(value).shared


def _storage_key(value: object) -> Hashable:
    return _storage_of(value).key


def volumes(scope: Scope) -> Iterator[Finding]:
    """A volume's Docker name on one host; its plugin's volume or network share on every
    host (see `volume_storage`)."""

    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        # SEG006 speaks for the volumes of data services.
        for key in sorted(_used_volumes(env) - _data_volumes(env)):
            for storage in volume_storage(env, key):
                yield storage, ("volumes", key)

    def what(value: object) -> str:
        return _storage_of(value).described("volume")

    return _clashes(scope, values, what, on_host=_host_storage, key=_storage_key)


def _network_values(env: Environment) -> Iterator[tuple[object, Path]]:
    """Each network a service (not the edge proxy) joins, as (Docker's name, spans hosts)."""
    used = {n for s in env.services.values() if not s.is_edge_proxy for n in s.networks}
    for key in env.networks:
        if key in used:
            network = env.networks[key]
            at = ("networks", key, "name") if network.name is not None else ("networks", key)
            # An overlay network is one network on every node of a swarm.
            yield (resolved(env.network_name(key)), network_spans_hosts(env, key)), at
    if any(
        not s.is_edge_proxy and (not s.networks or "default" in s.networks)
        for s in env.services.values()
    ):
        # Compose's implicit network, `<project>_default`: one named so elsewhere is it.
        yield (f"{env.project_name}_default", False), ("compose_project",)


def _network_on_host(value: object) -> bool:
    return not cast(tuple[str, bool], value)[1]


def _network_described(value: object) -> str:
    return f"network `{cast(tuple[str, bool], value)[0]}`"


def networks(scope: Scope) -> Iterator[Finding]:
    """Any Docker network (by the name Docker gives it) that services of two environments
    on one host would join; only an edge proxy (`role: edge-proxy`) may join another
    environment's network, since reaching every environment is its job. When a service
    on the network looks like one without the role, the hint says to declare it."""
    names = {
        (env.name, path): cast(tuple[str, bool], value)[0]
        for env in scope.environments
        for value, path in _network_values(env)
    }
    proxies = proxy_networks(scope.environments)
    by_name = {env.name: env for env in scope.environments}
    found = _clashes(scope, _network_values, _network_described, on_host=_network_on_host)
    for finding in found:
        name = names[(finding.environment, finding.path)]
        host = by_name[finding.environment].host.name
        edge = _unroled_edge(scope, host, name, proxies)
        if edge is None:
            yield finding
        else:
            yield replace(
                finding,
                hint=f"{edge}, declare it `role: edge-proxy`, the one service that may join "
                "every environment's network; otherwise give the network a name of this "
                "environment's own",
            )


def _unroled_edge(
    scope: Scope, host: str, name: object, proxies: set[tuple[str, str]]
) -> str | None:
    """`if <service> of <env> is the edge proxy (why)`, for a service on network `name`
    that looks like one without the role; None when none does."""
    for env in scope.environments:
        if env.host.name != host:
            continue
        for service_name, service in env.services.items():
            on = any(
                key in env.networks and resolved(env.network_name(key)) == name
                for key in service.networks
            )
            why = why_an_edge(env, service_name, proxies) if on else None
            if why is not None:
                return f"if `{service_name}` of {env.name} is the edge proxy ({why})"
    return None


def container_names(scope: Scope) -> Iterator[Finding]:
    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        for name, service in env.services.items():
            if service.container_name is not None:
                yield resolved(service.container_name), ("services", name, "container_name")

    # Docker's one container per name is per engine.
    return _clashes(scope, values, "container name", on_host=_anywhere)


def database_names(scope: Scope) -> Iterator[Finding]:
    """As written, by a variable's default, or, with none, by the variable and the file
    it is read from (envgen.policies.meaning.databases)."""

    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        name = database_name(env)
        if name is not None:
            yield name, ("database", "name")

    return _clashes(
        scope,
        values,
        lambda name: cast(DatabaseName, name).shown,
        key=lambda name: cast(DatabaseName, name).key,
    )


def _data_storage(env: Environment, volume: str | None, bind: str | None) -> Iterator[Storage]:
    """What a data service's mount keeps its data in: a host folder (bound, or a local
    volume that binds one) is that host's; a volume as `volume_storage` says; an
    anonymous volume or a RAM disk is the container's own, shared with nobody."""
    if volume is not None:
        yield from volume_storage(env, volume)
        bind = bound_device(env, volume)
    if bind is not None:
        folder = resolved_path(bind)
        yield Storage(("folder", folder), False, folder)


def data_storage(scope: Scope) -> Iterator[Finding]:
    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        for name, service in env.services.items():
            if not service.data:
                continue
            for index, mount in enumerate(service.volumes):
                at = ("services", name, "volumes", index)
                for storage in _data_storage(env, mount.volume_name, mount.bind_source):
                    yield storage, at

    def what(value: object) -> str:
        return _storage_of(value).described("data storage")

    return _clashes(scope, values, what, on_host=_host_storage, key=_storage_key)


def _identities(env: Environment) -> Iterator[tuple[str, str, Path]]:
    """The identity of each real integration: its name, the identity, and its path."""
    for name, integration in env.integrations.items():
        if integration.mode == "real" and integration.identity is not None:
            yield name, integration.identity, ("integrations", name, "identity")


def identities(scope: Scope) -> Iterator[Finding]:
    """One integration's identity in two environments (case does not make it another)."""

    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        for name, who, path in _identities(env):
            yield (name, who), path

    def lowered(value: object) -> Hashable:
        name, who = cast(tuple[str, str], value)
        return name, who.lower()

    def what(value: object) -> str:
        name, who = cast(tuple[str, str], value)
        return f"`{name}` identity `{who}`"

    return _clashes(scope, values, what, key=lowered)


def secret_variables(scope: Scope) -> Iterator[Finding]:
    # Basic-auth credentials count: one proxy serves every environment. A preview
    # template and its previews share one document, and so one login by design: the
    # first of them holds it for all.
    first_of_each: dict[int, Environment] = {}
    for env in scope.environments:
        first_of_each.setdefault(id(scope.documents[env.name]), env)

    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        holds_login = first_of_each[id(scope.documents[env.name])] is env
        for variable, path in env.secret_variables():
            if path[0] != "proxy" or holds_login:
                yield variable, path

    return _clashes(scope, values, "secret variable")


def domains(scope: Scope) -> Iterator[Finding]:
    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        if env.domain is not None:
            yield env.domain, ("domain",)

    return _clashes(scope, values, "domain")


def origins(scope: Scope) -> Iterator[Finding]:
    """CORS origins naming another environment's domain (its own is fine); each origin's
    host is looked up among the domains, by domain."""
    owners: dict[str, list[Environment]] = {}
    for env in scope.environments:
        if env.domain is not None:
            owners.setdefault(env.domain, []).append(env)
    for env in scope.environments:
        for index, origin in enumerate(env.cors_origins):
            host = urlsplit(origin).hostname
            if host is None or host == env.domain:  # a shared domain is SEG009's
                continue
            for other in owners.get(host, ()):
                where = scope.where(other, ("domain",))
                yield Finding(
                    env.name,
                    ("cors_origins", index),
                    f"origin `{origin}` is {other.name}'s domain ({where})",
                )


def host_ports(scope: Scope) -> Iterator[Finding]:
    """Ports are indexed by host, number and protocol (a range under each of its
    numbers; a port Docker picks under none, as it cannot collide): only ports that could
    collide are compared, one blamed port against the first of the other environment's
    it hits in spec order, once however many numbers of a range they share."""

    def held(env: Environment) -> Iterator[tuple[Hashable, Path]]:
        for (_, name, index), port in env.published_ports():
            for number in port.host_ports or ():
                key = (env.host.name, number, port.protocol.lower())
                yield key, ("services", name, "ports", index)

    reported: set[tuple[str, Path, str]] = set()
    for blamed, blamed_paths, other, _ in scope.clashes(held):
        for path in blamed_paths:
            if (blamed.name, path, other.name) in reported:
                continue
            port = _port_at(blamed, path)
            theirs = (
                ("services", name, "ports", index)
                for (_, name, index), their_port in other.published_ports()
                if port.collides_with(their_port)
            )
            their_path = next(theirs, None)
            if their_path is not None:
                reported.add((blamed.name, path, other.name))
                yield Finding(
                    blamed.name,
                    path,
                    f"{port.described} is also published by {other.name} on host "
                    f"`{blamed.host.name}` ({scope.where(other, their_path)})",
                )


def _port_at(env: Environment, path: Path) -> PortMapping:
    _, name, _, index = path
    return env.services[str(name)].ports[int(index)]


def _free_text(env: Environment) -> Iterator[tuple[str, Path]]:
    """Every value a person types freely into a service, with its path."""
    for name, service in env.services.items():
        at: Path = ("services", name)
        for variable, value in service.environment.items():
            yield value, (*at, "environment", variable)
        for field in ("command", "entrypoint"):
            for steps, text in command_texts(getattr(service, field)):
                yield text, (*at, field, *steps)
        for label, value in service.labels.items():
            yield value, (*at, "labels", label)
        if service.healthcheck is not None:
            for index, arg in enumerate(service.healthcheck.test):
                yield arg, (*at, "healthcheck", "test", index)


def production_values(scope: Scope) -> Iterator[Finding]:
    """Every text of every lower tier's services looked up once in an index of every
    production's values: linear in the texts, however many production environments."""
    index = production_index(scope.of_tier(Tier.PRODUCTION))
    in_order = _in_project_order(scope)
    for env in scope.environments:
        if env.tier is Tier.PRODUCTION:
            continue
        for text, path in _free_text(env):
            # As the program reads it: defaults expanded, `%63oupette` decoded.
            found = {id(s): s for form in (text, decoded(text)) for s in index.found_in(form)}
            for spotted in sorted(found.values(), key=in_order):
                where = scope.where(spotted.production, spotted.path)
                yield Finding(
                    env.name,
                    path,
                    f"`{spotted.value}` belongs to {spotted.production.name} ({where})",
                )


def _in_project_order(scope: Scope) -> Callable[[Spotted], tuple[int, str]]:
    order = {env.name: rank for rank, env in enumerate(scope.environments)}
    return lambda spotted: (order[spotted.production.name], str(spotted.path))


def _variables_file(env: Environment) -> str | None:
    return None if env.variables_file is None else resolved_path(env.variables_file)


def variables_files(scope: Scope) -> Iterator[Finding]:
    def values(env: Environment) -> Iterator[tuple[object, Path]]:
        path = _variables_file(env)
        if path is not None:
            yield path, ("variables_file",)

    yield from _clashes(scope, values, "variables file")
    # A service's env_file hands a file's variables to the container: another
    # environment's variables file there hands it that environment's secrets. Each
    # env_file is looked up among the variables files, by path.
    owners: dict[str, list[Environment]] = {}
    for env in scope.environments:
        theirs = _variables_file(env)
        if theirs is not None:
            owners.setdefault(theirs, []).append(env)
    for env in scope.environments:
        for name, service in env.services.items():
            for index, item in enumerate(service.env_file):
                for other in owners.get(resolved_path(item.path), ()):
                    if other is env:
                        continue
                    yield Finding(
                        env.name,
                        ("services", name, "env_file", index),
                        f"env_file `{item.path}` is {other.name}'s variables file "
                        f"({scope.where(other, ('variables_file',))})",
                    )


def _rule(
    id: str,
    title: str,
    rationale: str,
    check: Callable[[Scope], Iterable[Finding]],
    *,
    hint: str,
    reads: tuple[str, ...] = (),
) -> Rule:
    return Rule(id, title, rationale, everywhere("error"), check, hint, reads)


RULES = [
    _rule(
        "SEG001",
        "distinct compose project names on one host",
        "Compose names containers, networks and volumes after the project; one name shared "
        "on one host means one stack replacing the other's containers. Compared per "
        "`host.name`: Compose finds a project in one Docker engine, so environments on "
        "different hosts may share a name.",
        project_names,
        hint="set `compose_project` to a name of this environment's own",
    ),
    _rule(
        "SEG002",
        "no named volume shared between environments on one host, nor shared storage",
        "A shared volume is shared data: a test run would write into another environment's. "
        "A volume's name is compared per `host.name`, as each Docker engine keeps its own "
        "volumes; a volume other hosts reach too (a volume plugin's, by `driver` and name; "
        "a local volume mounting an NFS or CIFS share, by server and export) is compared on "
        "every host.",
        volumes,
        hint=(
            "give the volume a `name` of this environment's own, or none: Compose prefixes the "
            "project's"
        ),
    ),
    _rule(
        "SEG003",
        "no network shared between environments on one host",
        "Services on one network reach each other by name, alias and address, past the "
        "proxy and its basic auth. A network is named as Docker names it (its `name`, "
        "`<key>` when external, `<project>_<key>` otherwise); each environment has its own "
        "proxy network, which the proxy joins (an edge proxy of the stack, `role: "
        "edge-proxy`, may join several). Compared per `host.name`, as each Docker engine "
        "keeps its own networks; an `overlay` network spans a swarm's hosts and is "
        "compared on every host.",
        networks,
        hint=(
            "give the network a name of this environment's own: each environment has its own "
            "network to the proxy, which the proxy joins"
        ),
    ),
    _rule(
        "SEG004",
        "no container name shared between environments on one host",
        "Docker allows one container per name in an engine; the second stack on one host "
        "would stop the first or fail to start. Compared per `host.name`.",
        container_names,
        hint="remove `container_name`: Compose names the container after the project",
    ),
    _rule(
        "SEG005",
        "distinct database names",
        "A test run or a seed script aimed at a database name must not find another "
        "environment's data under it. Compared on every host: a database server is reached "
        "over the network, and one name is one database on a shared server.",
        database_names,
        hint="give `database.name` a name of this environment's own, e.g. `<app>_<environment>`",
    ),
    _rule(
        "SEG006",
        "distinct storage for each data service",
        "A service marked `data` (a vector store, a search index) keeps data like a "
        "database: two environments on one store overwrite each other's. A host folder "
        "(bound, or bound by a local volume) and a volume's name are compared per "
        "`host.name`; a volume plugin's volume or a network share, which every host "
        "reaches, on every host.",
        data_storage,
        hint="mount a volume or a host folder of this environment's own",
    ),
    _rule(
        "SEG007",
        "distinct identities for each integration",
        "Two environments on one account (one bot, one project) answer each other's users "
        "and mix their data, wherever each runs: compared on every host.",
        identities,
        hint="give this environment an account of its own and name it under `identity`",
    ),
    _rule(
        "SEG008",
        "distinct secret variables (integrations, database password, basic auth)",
        "With one variable name for two environments, a value exported for one reaches the "
        "other; a CI secret or a variables file travels to every host, so compared on every "
        "host.",
        secret_variables,
        hint="name a variable of this environment's own, e.g. with the environment as a prefix",
    ),
    _rule(
        "SEG009",
        "distinct domains",
        "Two environments on one domain means the proxy sends one's users to the other; DNS "
        "names one place for the whole world, so compared on every host.",
        domains,
        hint="give this environment a domain of its own",
    ),
    _rule(
        "SEG010",
        "no CORS origin pointing at another environment's domain",
        "A browser on one environment's site must not be allowed to call another's API, "
        "wherever each runs: compared on every host.",
        origins,
        hint="list this environment's own origins only",
    ),
    _rule(
        "SEG011",
        "no host port published by two environments on one host",
        "Two stacks on one machine (local and test on a laptop) cannot both bind a port; "
        "the second one fails to start, or a client reaches the wrong one. A range "
        "(`8000-8005`) holds each port in it; a host port Docker picks (`3000`) holds none. "
        "Compared per `host.name`: each machine has its own ports.",
        host_ports,
        hint="pick a host port that no other environment on this host publishes",
        reads=("published port",),
    ),
    _rule(
        "SEG012",
        "no production value in a lower tier's services",
        "Production's domain, identities, database or secret variables in a lower tier's "
        "variables, commands, labels or health checks are a path from that tier into "
        "production, whatever host each runs on.",
        production_values,
        hint="use this environment's own value: a lower tier never names production's",
        reads=("environment variable", "command"),
    ),
    _rule(
        "SEG013",
        "distinct variables files, also as a service's env_file",
        "Environments reading one variables file share every secret in it, and so does a "
        "service given another environment's variables file as its `env_file`. Paths are "
        "compared as the files they name (`././.env.production` is `.env.production`), on "
        "every host: a file of the repository is shipped to each host, one file everywhere.",
        variables_files,
        hint="point it at this environment's own variables file",
        reads=("env file",),
    ),
]
