"""The views `envgen diff` compares: plain data whose keys are path steps.

A port, a mount or a RAM disk becomes a mapping entry named by its identity, commands
become one string (their order means something), and every other list is a set; so
deepdiff can ignore order everywhere and still report an added port as that port.
"""

from __future__ import annotations

import shlex
from typing import Any

from envgen.compose.command_line import split_command_line
from envgen.compose.sizes import format_memory
from envgen.diff.spellings import one_spelling
from envgen.model.declared.intended import item_step, key_step
from envgen.model.environment import Environment
from envgen.model.mounts import Tmpfs, TmpfsLine
from envgen.model.ports import PortMapping
from envgen.model.service import Service
from envgen.outputs.compose import compose_of
from envgen.project.load import Project

# Lists whose order means nothing and whose items are their own identity.
_VALUE_LISTS = ("cap_add", "cap_drop", "profiles", "security_opt")
# Always present in a service view, so that a first item shows as that item.
_COLLECTIONS = (
    "environment",
    "depends_on",
    "labels",
    "ports",
    "volumes",
    "tmpfs",
    "env_file",
    "networks",
)
_NO_SIZE = "(default size)"
_NO_ALIAS = "(no alias)"
# Compose puts a service that names no network on the project's `default` one; listing it
# explicitly means the same, and leaving it out of a list means leaving it.
_IMPLICIT_NETWORKS = ["default"]


class _Item(str):
    """The identity of a list item, as a mapping key of the view."""

    __slots__ = ()


def _steps(value: Any) -> Any:
    """Mapping keys as path steps, recursively; unset values dropped."""
    if isinstance(value, dict):
        return {
            item_step(k) if isinstance(k, _Item) else key_step(str(k)): _steps(v)
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, list):
        return [_steps(item) for item in value]
    return value


def _items(pairs: list[tuple[str, Any]]) -> dict[_Item, Any]:
    return {_Item(identity): value for identity, value in pairs}


def _port(written: str | dict[str, Any]) -> tuple[str, str]:
    """A published port as (identity, container port); compose.py wrote it, so it is
    valid (an error here is a bug, not bad input)."""
    port = PortMapping.model_validate(written)
    return port.identity, port.target


def _mount(source: str | None, read_only: bool | None) -> str:
    """A mount's value: its source (an anonymous volume has none), `:ro` when read-only."""
    shown = source or "(anonymous volume)"
    return f"{shown}:ro" if read_only else shown


def _ram_disk(entry: Tmpfs | TmpfsLine) -> str:
    """A `tmpfs` entry's value: the size of envgen's mapping, the options of Compose's
    string (written alike in the compose view)."""
    if isinstance(entry, TmpfsLine):
        return entry.options or _NO_SIZE
    return format_memory(entry.size) if entry.size is not None else _NO_SIZE


def _healthcheck(check: dict[str, Any]) -> dict[str, Any]:
    """A health check with its test as one string; a check may have none (only timings,
    or `disable`), and then it keeps none."""
    if check.get("test") is None:
        return dict(check)
    return {**check, "test": shlex.join(check["test"])}


def _command_line(command: list[str] | str) -> str:
    """A command as one line of the words Compose runs, joined as a shell would read them:
    a string and a list that run the same words read the same."""
    words = split_command_line(command) if isinstance(command, str) else command
    return shlex.join(words)


def _compose_service(doc: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = {key: [] if key in _VALUE_LISTS else {} for key in _COLLECTIONS}
    view.update({key: [] for key in _VALUE_LISTS})
    view["deploy"] = {"resources": {"limits": {}}}  # so that a first limit shows as that limit
    doc = {**one_spelling(doc), "networks": doc.get("networks", _IMPLICIT_NETWORKS)}
    for key, value in doc.items():
        if key in ("command", "entrypoint"):
            view[key] = _command_line(value)
        elif key == "healthcheck":
            view[key] = _healthcheck(value)
        elif key == "depends_on":
            view[key] = {name: spec["condition"] for name, spec in value.items()}
        elif key == "ports":
            view[key] = _items([_port(port) for port in value])
        elif key == "volumes":
            view["volumes"] = _items(
                [
                    (m["target"], _mount(m.get("source"), m.get("read_only")))
                    for m in value
                    if m["type"] != "tmpfs"
                ]
            )
            view["tmpfs"].update(
                _items(
                    [
                        (m["target"], m.get("tmpfs", {}).get("size", _NO_SIZE))
                        for m in value
                        if m["type"] == "tmpfs"
                    ]
                )
            )
        elif key == "tmpfs":  # Compose's strings, written as they are
            lines = [TmpfsLine.model_validate(line) for line in value]
            view["tmpfs"].update(_items([(line.target, _ram_disk(line)) for line in lines]))
        elif key == "networks":
            # A network with its aliases, so that another alias shows as a changed value.
            joined = value if isinstance(value, dict) else {name: {} for name in value}
            view[key] = _items(
                [
                    (name, ", ".join((n or {}).get("aliases", [])) or _NO_ALIAS)
                    for name, n in joined.items()
                ]
            )
        elif key == "env_file":
            view[key] = _items(
                [(f["path"], "required" if f["required"] else "optional") for f in value]
            )
        else:
            view[key] = value
    return view


def _facts(env: Environment) -> dict[str, Any]:
    """The environment-level facts, with the defaults that follow from the tier."""
    return {
        "tier": env.tier.value,
        "host": env.host.name,
        "domain": env.domain,
        "access": env.access,
        "image_tag": env.image_tag,
        "integrations": {
            name: {"mode": integration.mode, "identity": integration.identity}
            for name, integration in env.integrations.items()
        },
        "features": env.flags,
        "log_format": env.logs,
        "cors_origins": list(env.cors_origins),
        # Where it runs: a diff between targets shows it, and the cluster's own names.
        "target": list(env.targets),
        "kubernetes": (
            {"namespace": env.namespace, **env.kubernetes.model_dump(exclude={"namespace"})}
            if "kubernetes" in env.targets
            else None
        ),
    }


def compose_view(project: Project, env: Environment) -> dict[str, Any]:
    """What runs: the compose document, plus the facts it is made from."""
    doc = compose_of(project, env)[0]
    view = _facts(env)
    view["name"] = doc["name"]
    view["services"] = {name: _compose_service(s) for name, s in doc["services"].items()}
    for section in ("volumes", "networks", "secrets", "configs", "models"):
        view[section] = doc.get(section, {})
    return _steps(view)  # type: ignore[no-any-return]


def _spec_service(data: dict[str, Any], service: Service) -> dict[str, Any]:
    view = dict(data)
    view["networks"] = data["networks"] or _IMPLICIT_NETWORKS
    for key in ("command", "entrypoint"):
        if view.get(key) is not None:
            view[key] = _command_line(view[key])
    if view.get("healthcheck") is not None:
        view["healthcheck"] = _healthcheck(view["healthcheck"])
    view["ports"] = _items([(port.identity, port.target) for port in service.ports])
    view["volumes"] = _items(
        [(m.target, _mount(m.source, m.read_only)) for m in service.volumes if m.kind != "tmpfs"]
    )
    view["tmpfs"] = _items([(t.target, _ram_disk(t)) for t in service.tmpfs])
    view["tmpfs"].update(
        _items(
            [
                (m.target, str(m.tmpfs.size) if m.tmpfs and m.tmpfs.size else _NO_SIZE)
                for m in service.volumes
                if m.kind == "tmpfs"
            ]
        )
    )
    view["env_file"] = _items(
        [(f["path"], "required" if f["required"] else "optional") for f in data["env_file"]]
    )
    return view


def spec_view(env: Environment) -> dict[str, Any]:
    """What the spec says, merged over base.yaml, declarations aside."""
    data = env.model_dump(mode="json", exclude={"intended_differences"})
    data["services"] = {
        name: _spec_service(s, env.services[name]) for name, s in data["services"].items()
    }
    return _steps(data)  # type: ignore[no-any-return]
