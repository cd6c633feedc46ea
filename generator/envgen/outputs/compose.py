"""Builds the compose document of one environment: plain data, ready for a template.

Spec strings are Compose text and go in as written; what envgen makes itself (paths,
aliases) goes in as `Literal`. `compose_meaning` is what the rendered file must mean (the
read-back checks it); `compose_document` is that meaning written as Compose text.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from envgen.compose.interpolation import escape, parse, referenced
from envgen.compose.paths import entry_paths, is_local, moved, service_paths
from envgen.compose.sizes import format_memory
from envgen.model.environment import Environment, Network, Volume
from envgen.model.facts import FACTS
from envgen.model.own_images import image_builders
from envgen.model.service import Service
from envgen.outputs.languages.compose_meaning import Literal, meaning, written
from envgen.outputs.output import Output
from envgen.settings import Settings

if TYPE_CHECKING:
    from envgen.project.load import Project


def output_relative(path: str, output_dir: PurePosixPath) -> Literal | str:
    """A project path, written in Compose text as every spec string is, as seen from the
    folder of the rendered file, where Compose resolves it; always starting with . or /
    so that Compose never takes it for a volume name. An absolute path stays as written:
    it never depends on where envgen runs. A path of literal text is rebased by what it
    means (`./a$$b` is the folder `a$b`), so its `$` is escaped once, when written."""
    parts = parse(path)
    if any(not isinstance(part, str) for part in parts):
        # A `${VAR}` in it stays Compose's to interpolate, from the rendered file's folder.
        if path.startswith("/"):
            return path
        up = posixpath.relpath(".", posixpath.normpath(str(output_dir)))
        return f"{up}/{path.removeprefix('./')}"
    value = "".join(part for part in parts if isinstance(part, str))
    if value.startswith("/"):
        return Literal(posixpath.normpath(value))
    relative = posixpath.relpath(posixpath.normpath(value), posixpath.normpath(str(output_dir)))
    return Literal(relative if relative.startswith((".", "/")) else f"./{relative}")


def passthrough_path(path: str, output_dir: PurePosixPath) -> str:
    """A project path inside a key envgen passes through, from the rendered file's folder,
    as Compose text: a `${VAR}` in it is still interpolated."""
    rebased = output_relative(path, output_dir)
    return escape(rebased.text) if isinstance(rebased, Literal) else rebased


def _env_file_path(path: str, output_dir: PurePosixPath) -> str | Literal:
    """A project path from the rendered file's folder; an absolute path, one from `~` or
    from a variable stays as written (Compose text: its `${...}` is Compose's to fill)."""
    return output_relative(path, output_dir) if is_local(path) else path


def _image(env: Environment, service: Service, builder: Service | None) -> dict[str, Any]:
    """`image` (and `build`) of a service; `builder` builds the image it runs, when a
    service of the environment does (itself, or another: then it runs that image under
    the builder's own spelling and tag, and Compose builds it once)."""
    if builder is not None and builder is not service:
        assert builder.image is not None  # only a named image is run by another service
        if env.builds_from_source:
            return {"image": builder.image}
        return {"image": _released(env, builder.image)}
    if not service.is_app:  # no image only with `extends`, which gives it
        return {"image": service.image} if service.image is not None else {}
    if env.builds_from_source:
        # Compose tags the built image with `image`; without one, `<project>-<service>`.
        named = {"image": service.image} if service.image is not None else {}
        return {**named, "build": _build(service)}
    assert service.image is not None  # the references demand it where `image_tag` is set
    released = {"image": _released(env, service.image)}
    if env.additions.build_left_out:
        return released
    # Kept beside the released image: `docker compose build` remakes it under that name.
    return {**released, "build": _build(service)}


def _released(env: Environment, image: str) -> str:
    """A built image as deployed hosts pull it: at the environment's tag, or IMAGE_TAG."""
    if env.image_tag_required is not None:
        return f"{image}:${{IMAGE_TAG:?{env.image_tag_required}}}"
    return f"{image}:${{IMAGE_TAG:-{env.image_tag}}}"


def _build(service: Service) -> dict[str, Any]:
    """The service's `build` as written; its context made relative by the caller."""
    assert service.build is not None
    build = service.build.model_dump(exclude_none=True, exclude_defaults=True)
    build.pop("context", None)
    if service.build.args:
        build["args"] = dict(sorted(service.build.args.items()))
    return {"context": service.build.context, **build}


def _environment(env: Environment, service: Service) -> dict[str, str | None]:
    """Container variables; one written without a value stays without (`NAME: null`):
    Compose then takes it from the shell it runs in."""
    values: dict[str, str | None] = dict.fromkeys(service.from_shell)
    values.update(service.environment)
    values.update({name: FACTS[fact].value(env) for name, fact in service.facts.items()})
    return {name: values[name] for name in sorted(values)}


def _volumes(env: Environment, service: Service, output_dir: PurePosixPath) -> list[Any]:
    mounts: list[dict[str, Any]] = []
    for mount in service.volumes:
        entry: dict[str, Any] = {"type": mount.kind}
        if mount.source is not None:
            # A bind of a project path is written from the rendered file; `~` is
            # Compose's to expand.
            bind = mount.is_bind and not mount.source.startswith("~")
            entry["source"] = output_relative(mount.source, output_dir) if bind else mount.source
        entry["target"] = mount.target
        entry.update(mount.options())
        mounts.append(entry)
    mounts += [tmpfs.compose() for tmpfs in service.tmpfs_mounts()]
    return mounts


def network_alias(env: Environment, service: str) -> str:
    """The name the proxy routes to: the environment's own alias of `service` on the
    proxy's network, or the service's name where the spec turns that addition off."""
    return f"{env.project_name}-{service}" if env.additions.proxy_alias else service


def _proxy_alias(env: Environment, name: str) -> str | None:
    """The network on which `name` gets an alias for the proxy, or None. Compose makes
    every service name an alias on every network the container joins, so on a network
    shared with other stacks (Caddy's) `backend` would answer for staging and production
    alike: each service the proxy routes to, and those alone, also answer to a name of
    their environment's own, on the proxy's network, where the environment has a domain."""
    proxy = env.proxy
    routed = env.domain is not None and proxy is not None and env.additions.proxy_alias
    if not routed or proxy is None or all(service != name for _, service, _, _ in proxy.routed()):
        return None
    return proxy.network


def _networks(env: Environment, name: str, service: Service) -> list[str] | dict[str, Any]:
    """The networks a service joins, as written, with the proxy's alias where it needs one."""
    aliased = _proxy_alias(env, name)
    if aliased not in service.networks and not service.network_options:
        return list(service.networks)
    attached: dict[str, Any] = {}
    for network in service.networks:
        # No options is `null`, as Compose reads the list form; `{}` only where written.
        options = copy.deepcopy(service.network_options.get(network))
        if network == aliased:
            options = options or {}
            options["aliases"] = [*options.get("aliases", []), network_alias(env, name)]
        attached[network] = options
    return attached


def _service(
    env: Environment,
    name: str,
    service: Service,
    output_dir: PurePosixPath,
    builders: Mapping[str, str],
) -> dict[str, Any]:
    builder = env.services[builders[name]] if name in builders else None
    doc: dict[str, Any] = _image(env, service, builder)
    if "build" in doc:
        doc["build"]["context"] = output_relative(doc["build"]["context"], output_dir)
    optional: dict[str, Any] = {
        "command": _command(service.command),
        "entrypoint": _command(service.entrypoint),
        "restart": service.restart,
        "profiles": list(service.profiles),
        "depends_on": {
            name: dependency.model_dump(exclude_none=True)
            for name, dependency in service.depends_on.items()
        },
        "environment": _environment(env, service),
        "env_file": [
            {
                "path": _env_file_path(item.path, output_dir),
                "required": item.required,
                **({"format": item.format} if item.format is not None else {}),
            }
            for item in service.env_file
        ],
        "ports": [port.compose() for port in service.ports],
        "volumes": _volumes(env, service, output_dir),
        "tmpfs": [line.compose() for line in service.tmpfs_lines()],
        "read_only": service.read_only or None,
        "security_opt": ["no-new-privileges:true"] if service.no_new_privileges else [],
        # In the spec's order, each once, as Compose keeps them.
        "cap_drop": list(dict.fromkeys(service.cap_drop)),
        "cap_add": list(dict.fromkeys(service.cap_add)),
        "user": service.user,
        "working_dir": service.working_dir,
        "container_name": service.container_name,
        "stop_grace_period": service.stop_grace_period,
        "healthcheck": _healthcheck(service),
        "deploy": _deploy(service),
        "logging": _logging(service),
        "networks": _networks(env, name, service),
        "labels": {name: service.labels[name] for name in sorted(service.labels)},
    }
    doc.update(
        {
            key: value
            for key, value in optional.items()
            if value is not None and (key in _KEPT_EMPTY or value not in ([], {}))
        }
    )
    passthrough = service.passthrough
    passthrough.pop("deploy", None)  # merged with the shorthands by _deploy
    doc.update({key: passthrough[key] for key in sorted(passthrough)})
    return moved(doc, service_paths(doc), lambda path: passthrough_path(path, output_dir))


# Written even when empty: `command: []` and `entrypoint: []` clear the image's own.
_KEPT_EMPTY = ("command", "entrypoint")


def _command(command: list[str] | str | None) -> list[str] | str | None:
    """A command as written: Compose splits a string itself, after interpolation."""
    return command if command is None or isinstance(command, str) else list(command)


def _healthcheck(service: Service) -> dict[str, Any] | None:
    check = service.healthcheck
    if check is None:
        return None
    doc: dict[str, Any] = {"test": list(check.test)} if check.test else {}
    for key in ("interval", "timeout", "retries", "start_period", "start_interval", "disable"):
        value = getattr(check, key)
        if value is not None:
            doc[key] = value
    return doc


def _deploy(service: Service) -> dict[str, Any] | None:
    """Compose's `deploy` as written, with the `memory` and `cpus` shorthands in its
    `resources.limits` (a spec cannot set both; the references check refuses it)."""
    deploy: dict[str, Any] = copy.deepcopy(service.passthrough.get("deploy") or {})
    limits: dict[str, Any] = {}
    if service.cpus is not None:
        limits["cpus"] = f"{service.cpus:g}"
    if service.memory is not None:
        limits["memory"] = format_memory(service.memory)
    if limits:
        resources = deploy.setdefault("resources", {})
        resources["limits"] = {**(resources.get("limits") or {}), **limits}
    return deploy or None


def _logging(service: Service) -> dict[str, Any] | None:
    logging = service.logging
    if logging is None:
        return None
    options: dict[str, Any] = dict(sorted(logging.options.items()))
    if logging.max_size is not None:
        options["max-size"] = format_memory(logging.max_size)
    if logging.max_file is not None:
        options["max-file"] = str(logging.max_file)
    # No driver written, none added: Compose leaves the choice to the Docker daemon.
    driver = {"driver": logging.driver} if logging.driver is not None else {}
    return {**driver, **({"options": options} if options else {})}


def compose_meaning(env: Environment, output_dir: PurePosixPath) -> dict[str, Any]:
    """What the compose file of `env`, written in `output_dir`, must mean to Compose."""
    return meaning(_document(env, output_dir))  # type: ignore[no-any-return]


def compose_document(env: Environment, output_dir: PurePosixPath) -> dict[str, Any]:
    """The complete compose file of `env` as Compose text, for `output_dir`."""
    return written(compose_meaning(env, output_dir))  # type: ignore[no-any-return]


def _document(env: Environment, output_dir: PurePosixPath) -> dict[str, Any]:
    builders = image_builders(env)
    doc: dict[str, Any] = {
        **({"name": env.project_name} if env.additions.project_name else {}),
        "services": {
            name: _service(env, name, service, output_dir, builders)
            for name, service in env.services.items()
        },
    }
    used_volumes = {m.volume_name for service in env.services.values() for m in service.volumes}
    volumes: dict[str, dict[str, Any]] = {}
    for key, volume in env.volumes.items():
        if key not in used_volumes:
            # Inherited from base.yaml by an environment that does not use it: Compose
            # leaves it out of its model too.
            continue
        volumes[key] = _docker_name(env, volume, env.volume_name(key))
        if volume.external:
            volumes[key]["external"] = True
        volumes[key].update(_sorted(volume.model_extra))
        volumes[key] = _moved_paths("volumes", volumes[key], output_dir)
    if volumes:
        doc["volumes"] = volumes
    used_networks = {name for service in env.services.values() for name in service.networks}
    networks = {
        key: {
            **_docker_name(env, network, env.network_name(key)),
            **({"external": True} if network.external else {}),
            **_sorted(network.model_extra),
        }
        for key, network in env.networks.items()
        if key in used_networks
    }
    if networks:
        doc["networks"] = networks
    for section, entries in (
        ("secrets", env.secrets),
        ("configs", env.configs),
        ("models", env.models),
    ):
        if entries:
            doc[section] = {
                key: _moved_paths(section, entries[key], output_dir) for key in sorted(entries)
            }
    doc.update(_sorted(env.extensions))
    return doc


def _docker_name(env: Environment, entry: Volume | Network, name: str) -> dict[str, Any]:
    """`name:` of a volume or network: the spec's own, or the one envgen pins from the
    project's name (none when the spec turns that addition off: Compose names it)."""
    if entry.name is not None or env.additions.project_name:
        return {"name": name}
    return {}


def _moved_paths(section: str, entry: dict[str, Any], output_dir: PurePosixPath) -> dict[str, Any]:
    """A top-level entry with its project paths written from the rendered file's folder."""
    paths = entry_paths(section, entry)
    return moved(entry, paths, lambda path: passthrough_path(path, output_dir))


def _sorted(entries: dict[str, Any] | None) -> dict[str, Any]:
    entries = entries or {}
    return {key: entries[key] for key in sorted(entries)}


def referenced_variables(doc: Any) -> dict[str, bool]:
    """Every `${VAR}` the document refers to, by name, and whether Compose requires it
    (`${VAR:?message}`)."""
    found: dict[str, bool] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict | list):
            for item in value.values() if isinstance(value, dict) else value:
                walk(item)
        elif isinstance(value, str):
            for name, required in referenced(value).items():
                found[name] = found.get(name, False) or required

    walk(doc)
    return dict(sorted(found.items()))


def compose_of(project: Project, env: Environment) -> tuple[dict[str, Any], dict[str, Any]]:
    """The compose document of one of the project's environments, and what it must mean
    to Compose: built once per project, however many outputs read it. Read-only."""
    built: dict[str, tuple[dict[str, Any], dict[str, Any]]]
    built = project.derived.setdefault("compose", {})
    if env.name not in built:
        meant = compose_meaning(env, project.settings.rendered)
        built[env.name] = (written(meant), meant)
    return built[env.name]


def start_command(settings: Settings, env: Environment) -> str:
    """How a person starts an environment from its rendered compose file."""
    variables = f"--env-file {env.variables_file} " if env.variables_file else ""
    project = "" if env.additions.project_name else f" -p {env.project_name}"
    return f"docker compose {variables}-f {COMPOSE.destination(settings, env)}{project} up -d"


_WRITTEN = ("name", "services", "volumes", "networks")


def compose_context(project: Project, env: Environment) -> dict[str, Any] | None:
    """What templates/docker-compose.yml.j2 needs; `meaning` is what the file must mean.
    None for an environment that is not rendered for Compose."""
    if "compose" not in env.targets:
        return None
    document, meant = compose_of(project, env)
    return {
        "sources": project.sources[env.name],
        "env": env,
        "start_command": start_command(project.settings, env),
        "descriptions": {name: service.description for name, service in env.services.items()},
        "document": document,
        "meaning": meant,
        # Top-level secrets, configs and x-* keys, after the sections written above.
        "sections": {key: value for key, value in document.items() if key not in _WRITTEN},
    }


def _compose_filename(_: Settings, env: Environment | None) -> str:
    assert env is not None, "a compose file belongs to one environment"
    return f"docker-compose.{env.file_suffix}.yml"


COMPOSE = Output(
    "compose",
    "docker-compose.yml.j2",
    comment="#",
    folder=lambda settings: settings.rendered,
    filename=_compose_filename,
    environment_context=compose_context,
    parse_back=True,
)
