"""Compose's model of one environment as a spec writes it: paths from the project root,
the defaults Compose adds left out, the short forms people write where they say the same."""

from __future__ import annotations

import posixpath
from typing import Any

from envgen.compose.paths import entry_paths, is_local, moved, service_paths
from envgen.compose.sizes import format_memory, parse_memory

# Top-level sections a spec takes as Compose does; `name` becomes `compose_project`.
_DEFAULT = object()
_NO_NEW = ["no-new-privileges:true"]
SECTIONS = ("services", "volumes", "networks", "secrets", "configs", "models")


def shaped(model: dict[str, Any], folder: str) -> dict[str, Any]:
    """`model` (Compose's, paths as written in `folder`, relative to the project root) as
    spec data: sections and `x-*` keys, in Compose's order."""
    spec: dict[str, Any] = {}
    for key, value in model.items():
        if key == "services":
            spec[key] = {name: _service(s, folder) for name, s in value.items()}
        elif key in SECTIONS:
            entries = {
                name: _entry(key, name, entry or {}, model.get("name", ""), folder)
                for name, entry in value.items()
            }
            # Compose declares `default` itself when services use it; a spec need not.
            entries = {name: entry for name, entry in entries.items() if entry is not _DEFAULT}
            if entries:
                spec[key] = entries
        elif key.startswith("x-"):
            spec[key] = value
    return spec


def rebased(path: str, folder: str) -> str:
    """A path written in a compose file in `folder`, as seen from the project root."""
    if not is_local(path) or folder in ("", "."):
        return path
    joined = posixpath.normpath(posixpath.join(folder, path))
    return joined if joined.startswith((".", "/")) else f"./{joined}"


def _service(service: dict[str, Any], folder: str) -> dict[str, Any]:
    # envgen's own spelling of the one option people write most, in the same place.
    data: dict[str, Any] = {
        ("no_new_privileges" if k == "security_opt" and v == _NO_NEW else k): (
            True if k == "security_opt" and v == _NO_NEW else v
        )
        for k, v in service.items()
    }
    build = data.get("build")
    if isinstance(build, dict) and isinstance(build.get("context"), str):
        build = {**build, "context": rebased(build["context"], folder)}
        if build.get("dockerfile") == "Dockerfile":  # Compose's default, which it writes
            del build["dockerfile"]
        data["build"] = build["context"] if list(build) == ["context"] else build
    if isinstance(data.get("logging"), dict):
        data["logging"] = _logging(data["logging"])
    if isinstance(data.get("env_file"), list):
        data["env_file"] = [_env_file(item, folder) for item in data["env_file"]]
    if isinstance(data.get("volumes"), list):
        data["volumes"] = [_mount(item, folder) for item in data["volumes"]]
    if isinstance(data.get("ports"), list):
        data["ports"] = [_port(item) for item in data["ports"]]
    if isinstance(data.get("depends_on"), dict):
        data["depends_on"] = {k: _dependency(v) for k, v in data["depends_on"].items()}
    networks = data.get("networks")
    if networks == {"default": None}:
        del data["networks"]  # Compose's own default: every service joins `default`
    elif isinstance(networks, dict) and not any(networks.values()):
        data["networks"] = list(networks)
    return moved(data, service_paths(data), lambda path: rebased(path, folder))


def _entry(section: str, name: str, entry: dict[str, Any], project: str, folder: str) -> Any:
    data = dict(entry)
    # Compose names what it creates `<project>_<key>`, and an external one `<key>`: the
    # name it writes is left out where it is that default, as people leave it out.
    external = data.get("external") is True
    default = name if external else f"{project}_{name}"
    if section in ("volumes", "networks") and data.get("name") == default:
        del data["name"]
    if section == "networks" and data.get("ipam") == {}:
        del data["ipam"]
    if section == "networks" and name == "default" and not data:
        return _DEFAULT
    return moved(data, entry_paths(section, data), lambda path: rebased(path, folder))


def _logging(logging: dict[str, Any]) -> dict[str, Any]:
    """Log rotation in envgen's words (`max_size`, `max_file`), where they say the same."""
    options = dict(logging.get("options") or {})
    sugar: dict[str, Any] = {}
    size, files = options.get("max-size"), options.get("max-file")
    if isinstance(size, str) and _memory_text(size) == size:
        sugar["max_size"] = options.pop("max-size")
    if isinstance(files, str) and files.isdigit() and str(int(files)) == files and int(files):
        sugar["max_file"] = int(options.pop("max-file"))
    if not sugar:
        return logging
    rest = {k: v for k, v in logging.items() if k != "options"}
    return {**rest, **sugar, **({"options": options} if options else {})}


def _memory_text(text: str) -> str | None:
    try:
        return format_memory(parse_memory(text))
    except ValueError:
        return None


def _env_file(item: Any, folder: str) -> Any:
    if not isinstance(item, dict) or not isinstance(item.get("path"), str):
        return item
    path = rebased(item["path"], folder)
    rest = {k: v for k, v in item.items() if k != "path" and not (k == "required" and v is True)}
    return {"path": path, **rest} if rest else path


def _mount(item: Any, folder: str) -> Any:
    """A bind or volume mount in the short form `source:target[:ro]` when that says all."""
    if not isinstance(item, dict):
        return item
    data = dict(item)
    if data.get("type") == "bind" and isinstance(data.get("source"), str):
        data["source"] = rebased(data["source"], folder)
    source, target = data.get("source"), data.get("target")
    simple = set(data) <= {"type", "source", "target", "read_only"}
    bindable = data.get("type") == "bind" and isinstance(source, str) and source[:1] in "./~"
    named = data.get("type") == "volume" and isinstance(source, str) and source
    if simple and isinstance(target, str) and (bindable or named):
        return f"{source}:{target}" + (":ro" if data.get("read_only") else "")
    return data


def _port(item: Any) -> Any:
    """A port in the short form `[ip:][published:]target[/protocol]` when that says all."""
    if not isinstance(item, dict):
        return item
    data = {k: v for k, v in item.items() if not (k == "mode" and v == "ingress")}
    if set(data) - {"target", "published", "host_ip", "protocol"}:
        return data
    text = str(data["target"])
    if data.get("published"):
        text = f"{data['published']}:{text}"
        if data.get("host_ip"):
            host = str(data["host_ip"])
            text = f"{f'[{host}]' if ':' in host else host}:{text}"
    elif data.get("host_ip"):
        return data
    if data.get("protocol", "tcp") != "tcp":
        text += f"/{data['protocol']}"
    return text


def _dependency(value: Any) -> Any:
    if isinstance(value, dict) and value.get("required") is True:
        value = {k: v for k, v in value.items() if k != "required"}
    return value
