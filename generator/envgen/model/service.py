"""The pydantic models of one service of an environment, and of its parts."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from pydantic import ConfigDict, Field, field_validator, model_validator

from envgen.compose.command_line import split_command_line
from envgen.model.fields import (
    DERIVED,
    AbsolutePath,
    Capability,
    Duration,
    EnvFilePath,
    EnvironmentKey,
    Image,
    LabelValue,
    MemorySize,
    Model,
    ProjectPath,
    Restart,
    Scalar,
    Slug,
    Text,
    VariableName,
)
from envgen.model.mounts import Mount, RamDiskEntry, Tmpfs, TmpfsLine
from envgen.model.ports import PortMapping


class RamDisk(NamedTuple):
    """A RAM disk of a service: where its entry is, where it is mounted, its bytes (None:
    no size, so the host's memory bounds it)."""

    path: tuple[str, int]
    target: str
    size: int | None


class Healthcheck(Model):
    """How Docker tells that the service is healthy."""

    test: list[Text] = Field(
        default_factory=list,
        description="[CMD, program, args...] or [CMD-SHELL, command]; a string means CMD-SHELL;"
        " none keeps the image's own",
    )
    interval: Duration | None = Field(None, description="time between checks, e.g. 10s")
    timeout: Duration | None = Field(None, description="time one check may take")
    retries: int | None = Field(None, ge=1, description="failures before unhealthy")
    start_period: Duration | None = Field(None, description="grace period after start")
    start_interval: Duration | None = Field(
        None, description="time between checks during the start period"
    )
    disable: bool | None = Field(None, description="turn off the image's own health check")

    @field_validator("test", mode="before")
    @classmethod
    def _shell_string(cls, value: Any) -> Any:
        return ["CMD-SHELL", value] if isinstance(value, str) else value

    @field_validator("test")
    @classmethod
    def _form(cls, value: list[str]) -> list[str]:
        if value and value[0] not in ("CMD", "CMD-SHELL", "NONE"):
            raise ValueError("the first item must be CMD, CMD-SHELL or NONE")
        return value


class Logging(Model):
    """The container's log driver and its rotation."""

    driver: str | None = Field(
        None, description="Docker log driver; none: the Docker daemon's default, as in Compose"
    )
    max_size: MemorySize | None = Field(
        None, description="rotate a log file at this size (sugar for `options.max-size`)"
    )
    max_file: int | None = Field(
        None, ge=1, description="how many rotated files to keep (sugar for `options.max-file`)"
    )
    options: dict[str, Scalar | None] = Field(
        default_factory=dict, description="the driver's options, as Compose takes them"
    )

    @model_validator(mode="after")
    def _sugar_or_option(self) -> Logging:
        for sugar, option in (("max_size", "max-size"), ("max_file", "max-file")):
            if getattr(self, sugar) is not None and option in self.options:
                raise ValueError(f"set `{sugar}` or `options.{option}`, not both")
        return self


class EnvFile(Model):
    """A file of variables passed to the container."""

    path: EnvFilePath = Field(
        description="a path relative to the project root; an absolute one, or one with "
        "${VARIABLES}, stays as written"
    )
    required: bool = Field(True, description="fail when the file does not exist")
    format: str | None = Field(None, description="the file's format, e.g. raw (Compose's)")

    @model_validator(mode="before")
    @classmethod
    def _short_syntax(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value


Condition = Literal["service_started", "service_healthy", "service_completed_successfully"]


class Dependency(Model):
    """A service to wait for (the long form of `depends_on`)."""

    condition: Condition = Field("service_started", description="what to wait for")
    restart: bool | None = Field(None, description="restart this service when that one is")
    required: bool | None = Field(None, description="false: start even if that one cannot")

    @model_validator(mode="before")
    @classmethod
    def _condition_only(cls, value: Any) -> Any:
        return {"condition": value} if isinstance(value, str) else value


class Build(Model):
    """How the image is built (the long form of `build`); Compose's other build keys pass
    through, checked by its schema."""

    model_config = ConfigDict(extra="allow", frozen=True)

    context: ProjectPath = Field(".", description="build context, relative to the project root")
    dockerfile: str | None = Field(None, description="Dockerfile, relative to the context")
    target: str | None = Field(None, description="the build stage to stop at")
    args: dict[str, Scalar | None] = Field(default_factory=dict, description="build arguments")

    @model_validator(mode="before")
    @classmethod
    def _short_syntax(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"context": value}
        if isinstance(value, dict) and isinstance(value.get("args"), list):
            return {**value, "args": _pairs(value["args"])}
        return value


def _pairs(items: list[Any]) -> dict[str, Any]:
    """Compose's list form of a mapping: `NAME=value`, or `NAME` alone for no value."""
    pairs: dict[str, Any] = {}
    for item in items:
        name, equals, value = str(item).partition("=")
        pairs[name] = value if equals else None
    return pairs


class Service(Model):
    """One service of the compose file. The keys envgen reasons about are modelled here;
    every other Compose service key passes through, checked by Compose's schema
    (envgen.compose.schema)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    description: str = Field("", description="what the service is; a comment in the output")
    image: Image | None = Field(
        None,
        description="image; with `build`, the name the built image is tagged with, whose tag "
        "comes from `image_tag` where that is set",
    )
    build: Build | None = Field(
        None, description="build context (or Compose's long form); marks an app image"
    )
    command: list[Text] | Text | None = Field(
        None, description="command: a list of arguments, or a string Compose splits into words"
    )
    entrypoint: list[Text] | Text | None = Field(
        None, description="entrypoint: a list, or a string Compose splits into words"
    )
    environment: dict[EnvironmentKey, Scalar] = Field(
        default_factory=dict, description="container variables; secrets as ${VAR} references"
    )
    from_shell: list[EnvironmentKey] = Field(
        default_factory=list,
        description="variables written without a value: Compose takes them from its shell",
        json_schema_extra=DERIVED,
    )
    facts: dict[VariableName, str] = Field(
        default_factory=dict,
        description="variables filled from the environment's facts (see the facts table below)",
    )
    data: bool = Field(
        False,
        description="keeps data of its own (a vector store, a search index): its storage "
        "must be its own in every environment (rule SEG006)",
    )
    role: Literal["edge-proxy"] | None = Field(
        None,
        description="`edge-proxy`: the reverse proxy inside the stack (Caddy, Traefik, nginx) "
        "that faces the internet: it alone may publish 80 and 443 beyond loopback (rule "
        "PRD004), and it alone may join other environments' proxy networks (rule SEG003)",
    )
    seed: bool = Field(
        False,
        description="a seed job: a one-shot service that loads sample or subset data into the "
        "environment's stores; on demand only, and never in production (rules JOB001, JOB002)",
    )
    job: Literal["migration", "seed", "task"] | None = Field(
        None,
        description="a one-shot job that runs and ends: `migration`, `seed` (as `seed: true`) "
        "or `task` (a scraper, a scheduled task); exempt from the long-running rules "
        "(PRD002, PRD003), held to the job rules (JOB001 to JOB003)",
    )
    env_file: list[EnvFile] = Field(default_factory=list, description="files of variables")
    ports: list[PortMapping] = Field(default_factory=list, description="published ports")
    volumes: list[Mount] = Field(default_factory=list, description="volumes and bind mounts")
    tmpfs: list[RamDiskEntry] = Field(
        default_factory=list,
        description="RAM disks: Compose's `/path[:options]`, or a mapping with a size",
    )
    memory: MemorySize | None = Field(None, description="memory limit, e.g. 512m")
    cpus: float | None = Field(None, gt=0, description="CPU limit, e.g. 0.5")
    restart: Restart | None = Field(None, description="no, always, on-failure, unless-stopped")
    healthcheck: Healthcheck | None = Field(None, description="health check")
    read_only: bool = Field(False, description="read-only root filesystem")
    no_new_privileges: bool = Field(False, description="forbid privilege escalation")
    cap_drop: list[Capability] = Field(default_factory=list, description="capabilities dropped")
    cap_add: list[Capability] = Field(default_factory=list, description="capabilities added")
    logging: Logging | None = Field(None, description="log driver and rotation")
    depends_on: dict[str, Dependency] = Field(
        default_factory=dict, description="services to wait for, with the condition"
    )
    profiles: list[Slug] = Field(default_factory=list, description="compose profiles")
    networks: list[str] = Field(
        default_factory=list, description="networks to join: `default` or one under `networks`"
    )
    network_options: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="per network, Compose's attachment keys (aliases, ipv4_address, ...)",
        json_schema_extra=DERIVED,
    )
    labels: dict[str, LabelValue] = Field(
        default_factory=dict,
        description="container labels; numbers and booleans as Compose spells them, "
        "no value is the empty label",
    )
    user: str | None = Field(None, description="user to run as, e.g. 1000:1000")
    working_dir: AbsolutePath | None = Field(None, description="working directory")
    container_name: str | None = Field(None, description="fixed container name (rarely wanted)")
    stop_grace_period: Duration | None = Field(None, description="time to stop before a kill")
    migration_down: list[Text] | None = Field(
        None,
        min_length=1,
        description="marks the service that migrates the database: the command, as a list, "
        "that undoes its last migration (rendered/scripts/rollback-migration.sh)",
    )

    @model_validator(mode="before")
    @classmethod
    def _compose_forms(cls, value: Any) -> Any:
        """Compose's list forms and `NAME:` without a value, to envgen's fields."""
        if not isinstance(value, dict):
            return value
        value = dict(value)
        environment = value.get("environment")
        if isinstance(environment, list):
            environment = _pairs(environment)
        if isinstance(environment, dict):
            value["environment"] = {k: v for k, v in environment.items() if v is not None}
            empty = [k for k, v in environment.items() if v is None]
            if empty:
                value["from_shell"] = empty
        if isinstance(value.get("labels"), list):
            value["labels"] = _pairs(value["labels"])
        networks = value.get("networks")
        if isinstance(networks, dict):
            value["networks"] = list(networks)
            # `name: {}` kept apart from `name:` (null): Compose's model keeps them apart.
            options = {k: v for k, v in networks.items() if v is not None}
            if options:
                value["network_options"] = options
        return value

    @field_validator("env_file", "tmpfs", mode="before")
    @classmethod
    def _one_entry(cls, value: Any) -> Any:
        """Compose takes one string where a list of them is meant."""
        return [value] if isinstance(value, str) else value

    @field_validator("depends_on", mode="before")
    @classmethod
    def _list_form(cls, value: Any) -> Any:
        return dict.fromkeys(value, "service_started") if isinstance(value, list) else value

    @field_validator("command", "entrypoint")
    @classmethod
    def _splits(cls, value: list[str] | str | None) -> list[str] | str | None:
        if isinstance(value, str):
            split_command_line(value.replace("$$", "$"))  # as Compose, after interpolation
        return value

    @property
    def passthrough(self) -> dict[str, Any]:
        """The Compose keys envgen does not model, as written (checked by the schema)."""
        return dict(self.model_extra or {})

    def ram_disks(self) -> list[RamDisk]:
        """Every RAM disk: the `tmpfs` entries and the tmpfs mounts under `volumes`."""
        disks = [RamDisk(("tmpfs", i), t.target, t.bytes) for i, t in enumerate(self.tmpfs)]
        disks += [
            RamDisk(("volumes", i), m.target, m.ram_size)
            for i, m in enumerate(self.volumes)
            if m.kind == "tmpfs"
        ]
        return disks

    def tmpfs_mounts(self) -> list[Tmpfs]:
        """envgen's tmpfs mappings, written as Compose's tmpfs mounts under `volumes`."""
        return [t for t in self.tmpfs if isinstance(t, Tmpfs)]

    def tmpfs_lines(self) -> list[TmpfsLine]:
        """Compose's tmpfs strings, written under `tmpfs` as they are."""
        return [t for t in self.tmpfs if isinstance(t, TmpfsLine)]

    @model_validator(mode="after")
    def _one_kind(self) -> Service:
        if self.seed and self.job not in (None, "seed"):
            raise ValueError(
                f"`seed: true` is the seed kind of job; `job: {self.job}` says another"
            )
        return self

    @property
    def job_kind(self) -> str | None:
        """The declared kind of one-shot job (`seed: true` is the seed kind), or None."""
        return "seed" if self.seed else self.job

    @property
    def is_edge_proxy(self) -> bool:
        return self.role == "edge-proxy"

    @property
    def is_app(self) -> bool:
        """Built from this project's source (so its image tag follows the environment)."""
        return self.build is not None
