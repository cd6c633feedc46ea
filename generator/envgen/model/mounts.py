"""Mounts (a service's `volumes` and `tmpfs`) in every form Compose takes, with
Compose's meaning.

envgen reasons about the source, the target, read-only and the kind of mount (a named
volume, a bind of a host path, a RAM disk); every other option is Compose's and reaches
the rendered file as written. The short form's modes are read as Compose reads them.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)

from envgen.compose.sizes import format_memory, parse_ram
from envgen.model.fields import AbsolutePath, ComposeForm, MemorySize, Model, Scalar

MountType = Literal["volume", "bind", "tmpfs", "npipe", "image", "cluster"]
Propagation = Literal["shared", "slave", "private", "rshared", "rslave", "rprivate"]

# The short form's modes after the second colon, and the long-form keys they stand for.
_MODES: dict[str, dict[str, Any]] = {
    "ro": {"read_only": True},
    "rw": {},
    "z": {"bind": {"selinux": "z"}},
    "Z": {"bind": {"selinux": "Z"}},
    "nocopy": {"volume": {"nocopy": True}},
    # Docker Desktop's consistency modes: Compose reads and drops them in the short form.
    "cached": {},
    "delegated": {},
    "consistent": {},
    **{mode: {"bind": {"propagation": mode}} for mode in Propagation.__args__},  # type: ignore[attr-defined]
}


class BindOptions(ComposeForm):
    """Compose's options of a bind mount."""

    propagation: Propagation | None = Field(None, description="mount propagation")
    create_host_path: bool | None = Field(
        None, description="create the host folder when it does not exist"
    )
    selinux: Literal["z", "Z"] | None = Field(
        None, description="SELinux relabelling: z shared, Z private"
    )
    recursive: Literal["enabled", "disabled", "writable", "readonly"] | None = Field(
        None, description="how mounts below the source are mounted"
    )


class VolumeOptions(ComposeForm):
    """Compose's options of a volume mount."""

    nocopy: bool | None = Field(None, description="do not copy the image's files in")
    subpath: str | None = Field(None, description="mount this folder of the volume")
    labels: dict[str, Scalar] | list[str] | None = Field(None, description="volume labels")


class TmpfsOptions(ComposeForm):
    """Compose's options of a tmpfs mount."""

    size: int | str | None = Field(
        None, description="size limit: bytes, or 64m, 1g (counted by the host budget)"
    )
    mode: int | str | None = Field(None, description="file mode, in octal")

    @field_validator("size")
    @classmethod
    def _size_reads(cls, value: int | str | None) -> int | str | None:
        if value is not None:
            parse_ram(value)
        return value


class ImageOptions(ComposeForm):
    """Compose's options of an image mount."""

    subpath: str | None = Field(None, description="mount this folder of the image")


class Mount(ComposeForm):
    """A named or anonymous volume, a bind mount of a host path, a RAM disk, or another
    of Compose's mount types."""

    type: MountType | None = Field(
        None,
        description="volume, bind, tmpfs, npipe, image or cluster; none: a path source is a "
        "bind, a name a volume, no source an anonymous volume",
    )
    source: str | None = Field(
        None,
        description="a volume declared under `volumes`, a host path (./project/path, "
        "/absolute, ~/home), an image; none for an anonymous volume or a tmpfs",
    )
    target: str = Field(description="absolute path inside the container")
    read_only: bool = Field(False, description="mount read-only")
    consistency: str | None = Field(None, description="Docker Desktop's consistency mode")
    bind: BindOptions | None = Field(None, description="bind options")
    volume: VolumeOptions | None = Field(None, description="volume options")
    tmpfs: TmpfsOptions | None = Field(None, description="tmpfs options (`size`, `mode`)")
    image: ImageOptions | None = Field(None, description="image options")

    @classmethod
    def short_form(cls, value: Any) -> Any:
        return parse_short(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _absolute_target(self) -> Mount:
        if self.kind != "npipe":  # a Windows pipe is named \\.\pipe\name
            _absolute(self.target)
        if self.kind in ("bind", "image", "npipe") and not self.source:
            raise ValueError(f"a {self.kind} mount needs a `source`")
        return self

    @property
    def kind(self) -> MountType:
        """The mount type, as Compose infers it when the spec does not say it."""
        if self.type is not None:
            return self.type
        if self.source and self.source.startswith((".", "/", "~")):
            return "bind"
        return "volume"

    @property
    def is_bind(self) -> bool:
        return self.kind == "bind"

    @property
    def bind_source(self) -> str | None:
        """The host path a bind mount mounts; None for anything else."""
        return self.source if self.kind == "bind" else None

    @property
    def volume_name(self) -> str | None:
        """The named volume mounted (declared under `volumes`); None for anything else."""
        return self.source if self.kind == "volume" and self.source else None

    @property
    def ram_size(self) -> int | None:
        """The bytes a tmpfs mount may hold; None when unbounded or not a tmpfs."""
        if self.kind != "tmpfs" or self.tmpfs is None or self.tmpfs.size is None:
            return None
        return parse_ram(self.tmpfs.size)

    def options(self) -> dict[str, Any]:
        """Compose's keys beyond type, source and target, as the spec gave them."""
        found = self.model_dump(
            include={"consistency", "bind", "volume", "tmpfs", "image"}, exclude_none=True
        )
        if self.read_only:
            found = {"read_only": True, **found}
        return found


def _absolute(target: str) -> None:
    if not target.startswith("/") or any(c.isspace() for c in target):
        raise ValueError(f"invalid target `{target}`: must be an absolute path, without spaces")


def parse_short(value: str) -> dict[str, Any]:
    """`SOURCE:TARGET[:MODES]`, or `TARGET` alone (an anonymous volume), as Compose reads
    it; the modes become the long form's keys. An unknown mode, which Compose ignores, is
    refused: `r0` for `ro` would leave a mount writable without a word."""
    parts = value.split(":")
    if len(parts) == 1:
        return {"target": value}
    if len(parts) > 3:
        raise ValueError(
            f"invalid mount `{value}`: write SOURCE:TARGET[:MODES] (MODES such as ro or ro,z)"
        )
    found: dict[str, Any] = {"source": parts[0], "target": parts[1]}
    modes = parts[2].split(",") if len(parts) == 3 else []
    if {"ro", "rw"} <= set(modes):
        raise ValueError(f"invalid mount `{value}`: ro and rw contradict each other")
    for mode in modes:
        if mode not in _MODES:
            close = difflib.get_close_matches(mode, _MODES, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            known = ", ".join(_MODES)
            raise ValueError(f"unknown mount mode `{mode}`{hint}: use {known}")
        for key, option in _MODES[mode].items():
            found[key] = {**found.get(key, {}), **option} if isinstance(option, dict) else option
    return found


class Tmpfs(Model):
    """A RAM disk mounted in the container (envgen's mapping, written as Compose's tmpfs
    mount); its content is gone when the container stops."""

    target: AbsolutePath = Field(description="absolute path inside the container")
    size: MemorySize | None = Field(None, description="size limit, e.g. 512m")

    @property
    def bytes(self) -> int | None:
        return self.size

    def compose(self) -> dict[str, Any]:
        """Compose's tmpfs mount (under `volumes`) that this stands for."""
        entry: dict[str, Any] = {"type": "tmpfs", "target": self.target}
        if self.size is not None:
            entry["tmpfs"] = {"size": format_memory(self.size)}
        return entry


class TmpfsLine(Model):
    """Compose's string form of a RAM disk, `/path` or `/path:options`, written under the
    service's `tmpfs` as it is: Docker's defaults for it (noexec, nosuid, nodev) are not a
    tmpfs mount's."""

    target: AbsolutePath
    options: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _line(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        target, colon, options = value.partition(":")
        return {"target": target, "options": options if colon else None}

    @field_validator("options")
    @classmethod
    def _size_reads(cls, value: str | None) -> str | None:
        _size_option(value)
        return value

    @model_serializer
    def _text(self) -> str:
        return self.compose()

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: GetJsonSchemaHandler) -> Any:
        return {
            "type": "string",
            "pattern": r"^/[^\s:]*(:.*)?$",
            "description": "Compose's form: /path or /path:options (rw,noexec,size=64m)",
        }

    @property
    def bytes(self) -> int | None:
        return _size_option(self.options)

    def compose(self) -> str:
        return self.target if self.options is None else f"{self.target}:{self.options}"


def _size_option(options: str | None) -> int | None:
    """The `size=` of tmpfs options, in bytes, as the kernel reads it (binary units);
    None when there is none, or when it is a share of the RAM (`size=50%`)."""
    for option in (options or "").split(","):
        name, equals, value = option.partition("=")
        if name.strip() == "size" and equals:
            return None if value.endswith("%") else parse_ram(value)
    return None


def _tmpfs_form(value: Any) -> str:
    """Which form an entry is in: read from a spec, or serialized from a model."""
    return "line" if isinstance(value, str | TmpfsLine) else "mapping"


# One `tmpfs` entry: Compose's string, or envgen's mapping with a size the budget reads.
RamDiskEntry = Annotated[
    Annotated[TmpfsLine, Tag("line")] | Annotated[Tmpfs, Tag("mapping")],
    Discriminator(_tmpfs_form),
]
