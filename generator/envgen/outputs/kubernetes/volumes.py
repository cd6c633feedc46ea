"""A service's mounts as a pod's volumes: claims, ConfigMaps of project files, RAM disks."""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from envgen.compose.sizes import parse_memory
from envgen.outputs.kubernetes.quantities import memory

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service
    from envgen.settings import Settings


class Volumes:
    """A pod's volumes and a container's mounts, with the memory its RAM disks take."""

    def __init__(self) -> None:
        self.volumes: list[dict[str, Any]] = []
        self.mounts: list[dict[str, Any]] = []
        self.claims: list[str] = []
        self.ram = 0
        self.files: dict[str, str] = {}

    def add(self, name: str, target: str, source: dict[str, Any] | None, **mount: Any) -> None:
        if source is not None:
            self.volumes.append({"name": name, **source})
        self.mounts.append({"name": name, "mountPath": target, **mount})

    def ram_disk(self, name: str, target: str, size: int | None) -> None:
        disk: dict[str, Any] = {"medium": "Memory"}
        if size is not None:
            disk["sizeLimit"] = memory(size)
            self.ram += size
        self.add(name, target, {"emptyDir": disk})


def _file_key(source: str) -> str:
    return re.sub(r"[^-._a-zA-Z0-9]", "-", posixpath.basename(posixpath.normpath(source)))


def pod_volumes(
    settings: Settings, env: Environment, name: str, service: Service, kind: str
) -> Volumes:
    found = Volumes()
    for index, mount in enumerate(service.volumes):
        read_only = {"readOnly": True} if mount.read_only else {}
        volume = mount.volume_name
        if mount.kind == "tmpfs":
            found.ram_disk(f"ram-v{index}", mount.target, mount.ram_size)
        elif volume is not None and env.volumes[volume].external:
            claim = {"persistentVolumeClaim": {"claimName": env.volume_name(volume)}}
            found.add(volume, mount.target, claim, **read_only)
        elif volume is not None and kind == "StatefulSet":
            found.claims.append(volume)
            found.add(volume, mount.target, None, **read_only)
        elif mount.bind_source is not None and mount.bind_source.startswith(("/", "~")):
            host = {"hostPath": {"path": mount.bind_source}}
            found.add(f"host-{index}", mount.target, host, **read_only)
        elif mount.bind_source is not None:
            key = _file_key(mount.bind_source)
            if key in found.files:  # two files of one name: the second keeps its place
                key = f"{index}-{key}"
            found.files[key] = settings.path(PurePosixPath(mount.bind_source)).read_text("utf-8")
            config = {"configMap": {"name": f"{name}-files", "items": [{"key": key, "path": key}]}}
            found.add(f"file-{index}", mount.target, config, subPath=key, readOnly=True)
        else:  # an anonymous volume: the container's own scratch space
            found.add(f"scratch-{index}", mount.target, {"emptyDir": {}}, **read_only)
    for index, disk in enumerate(service.tmpfs):
        found.ram_disk(f"ram-{index}", disk.target, disk.bytes)
    shm = service.passthrough.get("shm_size")
    if shm is not None:
        found.ram_disk("shm", "/dev/shm", parse_memory(shm))
    return found
