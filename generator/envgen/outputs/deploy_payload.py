"""What a deploy carries: each image's build as the spec wrote it, and the project files
the environment's compose file reads on the host.

A build is handed to Compose itself (`docker compose build` on a one-service file), so
that every key of the spec's `build` (context, dockerfile, target, args, and any other
Compose build key) means on CI what it means on a laptop. A project file the compose
file reads is copied to the host, unless the project's .gitignore leaves it out (a
variables file with secrets, a person's values): such a file lives on the host, and the
deploy checks that it is there before it starts anything.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

from envgen.compose.interpolation import parse
from envgen.compose.paths import entry_paths, is_local, service_paths
from envgen.gitignore import GitIgnore
from envgen.model.environment import Environment
from envgen.model.service import Service

# The image and the two tags a build step pushes, interpolated by Compose from the step's
# environment (IMAGE, TAG, STAMP).
_IMAGE = "${IMAGE}:${TAG}"
_STAMPED = "${IMAGE}:${STAMP}"


def build_file(name: str, service: Service) -> str:
    """A compose file, as one line of JSON, that builds `service`'s image with the spec's
    own `build` (Compose text, as every spec string), tagged with the environment's tag
    and the timestamp; paths are relative to the project's root, where it is run."""
    assert service.build is not None
    build: dict[str, Any] = service.build.model_dump(exclude_none=True)
    if not build.get("args"):
        build.pop("args", None)
    build["tags"] = [*build.get("tags", []), _STAMPED]
    document = {"services": {name: {"image": _IMAGE, "build": build}}}
    return json.dumps(document, sort_keys=True, ensure_ascii=True)


@dataclass(frozen=True)
class HostFiles:
    """The project files an environment's compose file reads, by who brings them."""

    shipped: tuple[str, ...]  # copied from the checkout by the deploy
    on_host: tuple[str, ...]  # git-ignored: they must already be on the host


# The passthrough keys whose files Compose reads where the stack runs (a watched path and
# a build's contexts are read where it is built).
_READ_ON_THE_HOST = ("label_file", "extends")


def _paths(service: Service) -> list[str]:
    paths = [env_file.path for env_file in service.env_file]
    paths += [mount.source for mount in service.volumes if mount.is_bind and mount.source]
    paths += [
        value.path
        for value in service_paths(service.passthrough)
        if value.steps[0] in _READ_ON_THE_HOST
    ]
    return paths


def _meant(path: str) -> str | None:
    """The file a project path names (`a$$b` is `a$b`); None where Compose fills part of
    it from variables, which only the host knows."""
    parts = parse(path)
    if any(not isinstance(part, str) for part in parts):
        return None
    return posixpath.normpath("".join(part for part in parts if isinstance(part, str)))


def host_files(env: Environment, gitignore: GitIgnore | None) -> HostFiles:
    """Every project path the compose file of `env` reads on the host (variables file,
    env files, bind sources, label and extended files, secret and config files), split
    into those the deploy ships and those that must be on the host."""
    paths = [env.variables_file] if env.variables_file else []
    for service in env.services.values():
        paths += _paths(service)
    for section, entries in (("secrets", env.secrets), ("configs", env.configs)):
        for entry in entries.values():
            paths += [value.path for value in entry_paths(section, entry)]
    meant = (_meant(path) for path in paths if is_local(path))
    local = sorted({path for path in meant if path is not None})
    ignored = [path for path in local if gitignore is not None and gitignore.ignores(path)]
    return HostFiles(
        shipped=tuple(path for path in local if path not in ignored), on_host=tuple(ignored)
    )
