"""The paths inside Compose keys that envgen passes through, found in one place.

Compose resolves a relative path against the folder of the compose file; a spec's relative
paths are relative to the project root, like the paths envgen models (build contexts,
bind mounts, env files). The keys below hold paths (compose-go resolves the same list):
the rendering writes each local one from the rendered file's folder, and the loader
checks them. An absolute path, one starting with `~` (Compose puts the home folder of
whoever runs it there), one starting with a variable (its value decides; Compose reads a
relative value from the rendered file's folder), an empty one and a remote build context
or extends file (a URL, `docker-image://...`, `service:name`, `github.com/...`,
`git@...`) stay as written.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Steps = tuple[str | int, ...]

_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_REMOTE_CONTEXT = ("service:", "github.com/", "git@")


@dataclass(frozen=True)
class PathValue:
    """One path written in a passthrough key: where (steps below the service or entry),
    what comes before the path in its string (`name=` in `name=./path`), the path, and
    whether Compose refuses a missing file there (before running, or when starting)."""

    steps: Steps
    prefix: str
    path: str
    required: bool = False


def is_local(path: str) -> bool:
    """Whether `path` is relative to the project, so that the rendering moves it."""
    return bool(path) and not (
        path.startswith(("/", "~", "$"))
        or _WINDOWS_ABSOLUTE.match(path) is not None
        or "://" in path
        or path.startswith(_REMOTE_CONTEXT)
    )


def service_paths(service: dict[str, Any]) -> Iterator[PathValue]:
    """The paths of one service's passthrough keys, and of its long-form `build`."""
    label_file = service.get("label_file")
    if isinstance(label_file, str):
        yield PathValue(("label_file",), "", label_file, required=True)
    elif isinstance(label_file, list):
        for index, item in enumerate(label_file):
            if isinstance(item, str):
                yield PathValue(("label_file", index), "", item, required=True)
    extends = service.get("extends")
    if isinstance(extends, dict) and isinstance(extends.get("file"), str):
        yield PathValue(("extends", "file"), "", extends["file"], required=True)
    develop = service.get("develop")
    watch = develop.get("watch") if isinstance(develop, dict) else None
    for index, rule in enumerate(watch if isinstance(watch, list) else []):
        if isinstance(rule, dict) and isinstance(rule.get("path"), str):
            yield PathValue(("develop", "watch", index, "path"), "", rule["path"])
    build = service.get("build")
    if isinstance(build, dict):
        for key in ("additional_contexts", "ssh"):
            yield from _named_paths(("build", key), build.get(key))


def _named_paths(at: Steps, value: Any) -> Iterator[PathValue]:
    """`{name: path}`, or `[name=path, ...]` (a bare `default` in `ssh` is no path)."""
    if isinstance(value, dict):
        for name, path in value.items():
            if isinstance(path, str):
                yield PathValue((*at, name), "", path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str) and "=" in item:
                name, _, path = item.partition("=")
                yield PathValue((*at, index), f"{name}=", path)


def entry_paths(section: str, entry: dict[str, Any]) -> Iterator[PathValue]:
    """The paths of one top-level entry: a secret's or config's `file`, and the device of
    a volume that the local driver binds (`driver_opts: {o: bind, device: ./data}`)."""
    if section in ("secrets", "configs") and isinstance(entry.get("file"), str):
        yield PathValue(("file",), "", entry["file"], required=True)
    options = entry.get("driver_opts")
    if section != "volumes" or entry.get("driver") != "local" or not isinstance(options, dict):
        return
    if options.get("o") == "bind" and isinstance(options.get("device"), str):
        yield PathValue(("driver_opts", "device"), "", options["device"])


def moved(
    data: dict[str, Any], paths: Iterator[PathValue], move: Callable[[str], str]
) -> dict[str, Any]:
    """A copy of `data` with each local path among `paths` replaced by `move(path)`."""
    result = copy.deepcopy(data)
    for value in paths:
        if not is_local(value.path):
            continue
        holder: Any = result
        for step in value.steps[:-1]:
            holder = holder[step]
        holder[value.steps[-1]] = value.prefix + move(value.path)
    return result
