"""What an environment with the target `kubernetes` may not say: every Compose key that
has no meaning on a cluster is refused at its line, never dropped in silence
(docs/reference/kubernetes.md lists what is mapped and what is approximated)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from envgen.compose.paths import is_local
from envgen.project.kubernetes_plan import Plan, plan, variables
from envgen.project.kubernetes_routes import route_refusals
from envgen.project.kubernetes_values import Refusal, command_words, secret_names, translate

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service
    from envgen.reading.source import Path
    from envgen.settings import Settings

Found = tuple["Path", str, str]

# Compose keys envgen maps although its models do not (they pass through).
MAPPED_PASSTHROUGH = ("expose", "privileged", "shm_size", "deploy", "pull_policy")
# Compose's pull policies that a cluster has (`build`, `daily`... it has not).
_PULL_POLICIES = ("always", "missing", "if_not_present", "never")
# Under `deploy`, what has a meaning on a cluster.
_DEPLOY = {"replicas", "resources"}
_RESOURCES = {"limits"}
_LIMITS = {"memory", "cpus"}
# A Kubernetes object name (DNS-1123 label).
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
# What a ConfigMap may hold: 1 MiB with its keys.
CONFIG_FILE_LIMIT = 1024 * 1024
_NUMERIC_USER = re.compile(r"^\d+(:\d+)?$")


def kubernetes_refusals(settings: Settings, env: Environment) -> list[Found]:
    """Every problem of `env` as a Kubernetes environment; none for a Compose-only one."""
    if "kubernetes" not in env.targets:
        return []
    layout = plan(env)
    found = list(_environment(env, layout))
    for name, service in env.services.items():
        found += _service(settings, env, name, service)
        job = layout.kinds[name] == "Job"
        found += _mounts(settings, env, ("services", name), service, job)
    return found


def _environment(env: Environment, layout: Plan) -> Iterator[Found]:
    if env.image_tag_required is not None:
        yield (
            ("image_tag_required",),
            "a cluster reads no IMAGE_TAG when it applies manifests",
            "set `image_tag`; `kustomize edit set image` changes it at deploy",
        )
    elif env.builds_from_source:
        yield (
            ("target",),
            "a cluster pulls images and builds none: this environment builds from source",
            "set `image_tag` to the tag CI pushes",
        )
    yield from route_refusals(env)
    for section in ("secrets", "configs", "models"):
        for key in getattr(env, section):
            yield (
                (section, key),
                f"Docker's top-level `{section}` have no Kubernetes mapping in envgen",
                "use secret variables (a Secret) or a bind-mounted project file (a ConfigMap)",
            )
    for key, volume in env.volumes.items():
        for option in sorted(volume.model_extra or {}):
            yield (
                ("volumes", key, option),
                f"volume option `{option}` has no Kubernetes mapping",
                "a claim's storage class is the cluster's; remove it for this target",
            )
    for name in layout.reached():
        if not layout.ports[name]:
            edge = next(e for e in layout.edges if e.server == name)
            yield (
                edge.path,
                f"`{edge.client}` reaches `{name}`, which listens on no port the spec names",
                f"add `expose: [PORT]` to `{name}`, or `kubernetes.ports.{name}: [PORT]`",
            )


def _service(settings: Settings, env: Environment, name: str, service: Service) -> list[Found]:
    at: Path = ("services", name)
    found: list[Found] = []
    if not _NAME.fullmatch(name):
        found.append((at, f"`{name}` is not a Kubernetes name", "use a-z, 0-9 and - only"))
    if service.image is None:
        found.append((at, "a service without `image` cannot run on a cluster", "name its image"))
    for key in sorted(service.passthrough):
        found += _passthrough(at, key, service.passthrough[key])
    for index, _ in enumerate(service.env_file):
        found.append(
            (
                (*at, "env_file", index),
                "an env_file has no Kubernetes mapping: its values would reach the manifests",
                "name the variables under `environment`, secrets as ${VAR} from the Secret",
            )
        )
    for variable in service.from_shell:
        found.append(
            (
                (*at, "environment", variable),
                f"`{variable}` takes its value from Compose's shell, which a cluster has not",
                "give it a value, or a secret ${VAR}",
            )
        )
    if service.user is not None and not _NUMERIC_USER.fullmatch(service.user):
        found.append(
            (
                (*at, "user"),
                f"user `{service.user}` is a name: Kubernetes runs containers as numbers only",
                "write UID or UID:GID",
            )
        )
    found += _values(env, at, service)
    return found


def _passthrough(at: Path, key: str, value: Any) -> list[Found]:
    if key == "network_mode" and value == "host":
        return [
            (
                (*at, key),
                "`network_mode: host` has no place on a cluster: a pod on the node's network "
                "escapes every NetworkPolicy",
                "remove it for this target",
            )
        ]
    if key not in MAPPED_PASSTHROUGH:
        return [((*at, key), f"`{key}` has no Kubernetes mapping in envgen", _REMOVE)]
    if key == "pull_policy" and value not in _PULL_POLICIES:
        return [
            (
                (*at, key),
                f"`pull_policy: {value}` has no Kubernetes mapping",
                f"use {', '.join(_PULL_POLICIES)}",
            )
        ]
    if key != "deploy" or not isinstance(value, dict):
        return []
    found: list[Found] = []
    for option in sorted(set(value) - _DEPLOY):
        found.append(((*at, key, option), f"`deploy.{option}` has no Kubernetes mapping", _REMOVE))
    resources = value.get("resources") or {}
    for option in sorted(set(resources) - _RESOURCES):
        where = (*at, key, "resources", option)
        found.append((where, f"`deploy.resources.{option}` has no Kubernetes mapping", _REMOVE))
    for option in sorted(set(resources.get("limits") or {}) - _LIMITS):
        where = (*at, key, "resources", "limits", option)
        found.append((where, f"limit `{option}` has no Kubernetes mapping", _REMOVE))
    return found


_REMOVE = "remove it, or keep this environment on the target compose"


def _values(env: Environment, at: Path, service: Service) -> list[Found]:
    secrets = secret_names(env)
    found: list[Found] = []
    for key, value in variables(env, service).items():
        where = (*at, "facts" if key in service.facts else "environment", key)
        try:
            translate(value, secrets)
        except Refusal as error:
            found.append((where, str(error), ""))
    for field in ("command", "entrypoint"):
        command = getattr(service, field)
        if command is None:
            continue
        try:
            command_words(command, secrets)
        except Refusal as error:
            found.append(((*at, field), str(error), ""))
    return found


def _mounts(
    settings: Settings, env: Environment, at: Path, service: Service, job: bool
) -> list[Found]:
    found: list[Found] = []
    users: dict[str, int] = {}
    for other in env.services.values():
        for mount in other.volumes:
            if mount.volume_name is not None:
                users[mount.volume_name] = users.get(mount.volume_name, 0) + 1
    for index, mount in enumerate(service.volumes):
        where = (*at, "volumes", index)
        options = mount.options()
        options.pop("read_only", None)
        for option in sorted(set(options) - {"tmpfs"}):
            found.append((where, f"mount option `{option}` has no Kubernetes mapping", _REMOVE))
        if mount.kind in ("npipe", "image", "cluster"):
            found.append((where, f"a `{mount.kind}` mount has no Kubernetes mapping", _REMOVE))
        elif mount.volume_name is not None:
            if (
                env.volumes.get(mount.volume_name) is not None
                and env.volumes[mount.volume_name].external
            ):
                continue  # an existing claim, by its name
            if users[mount.volume_name] > 1:
                found.append(
                    (
                        where,
                        f"volume `{mount.volume_name}` is shared by several services: a "
                        "claim of each StatefulSet is its own",
                        "give each service its own volume",
                    )
                )
            elif job:
                found.append(
                    (where, "a one-shot job keeps no volume of its own on a cluster", _REMOVE)
                )
        elif mount.bind_source is not None:
            found += _bind(settings, where, mount.bind_source)
    return found


def _bind(settings: Settings, where: Path, source: str) -> list[Found]:
    """A bind of a project file becomes a ConfigMap; of a folder, source code, refused;
    of a host path, a hostPath volume (rule KUB001 decides whether it may)."""
    if "$" in source:
        return [(where, "a bind mount's source with `${...}`: a cluster has no value for it", "")]
    if source.startswith("~"):
        return [(where, f"`{source}` is in a home folder, which no node has for a pod", "")]
    if not is_local(source):
        return []
    path = settings.path(PurePosixPath(source))
    if path.is_dir():
        return [
            (
                where,
                f"bind mount of the folder `{source}`: source code is built into the image "
                "on a cluster",
                "remove it for this target (build the image instead)",
            )
        ]
    if not path.is_file():
        return [(where, f"`{source}` is not a file in the project", "create it, or fix the path")]
    if path.stat().st_size > CONFIG_FILE_LIMIT:
        return [(where, f"`{source}` is larger than a ConfigMap holds (1 MiB)", "")]
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [(where, f"`{source}` is not UTF-8 text, which a ConfigMap's data holds", "")]
    return []
