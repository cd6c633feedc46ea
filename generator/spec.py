"""The pydantic models of an environment spec, after it is merged over base.yaml."""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from generator.types import (
    AbsolutePath,
    BotUsername,
    Capability,
    DatabaseName,
    DiffPattern,
    Domain,
    Duration,
    Image,
    MemorySize,
    Origin,
    Port,
    ProjectPath,
    Reason,
    Scalar,
    ServiceName,
    Slug,
    Tag,
    Text,
    VariableName,
)


class Model(BaseModel):
    """Strict and immutable: unknown keys are errors, nothing changes after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=False)


class Tier(StrEnum):
    """What an environment is for; the tier decides defaults and which policies apply."""

    LOCAL = "local"
    TEST = "test"
    STAGING = "staging"
    PRODUCTION = "production"

    @property
    def deployed(self) -> bool:
        return self in (Tier.STAGING, Tier.PRODUCTION)

    @property
    def rank(self) -> int:
        return list(Tier).index(self)


_PORT = re.compile(
    r"^(?:(?P<host_ip>\d{1,3}(?:\.\d{1,3}){3}):)?(?P<host>\d+):(?P<container>\d+)(?:/(?P<protocol>tcp|udp))?$"
)


class PortMapping(Model):
    """A container port published on the host."""

    host: Port = Field(description="port on the host")
    container: Port = Field(description="port inside the container")
    host_ip: str = Field("127.0.0.1", description="host address to bind; 127.0.0.1 by default")
    protocol: Literal["tcp", "udp"] = Field("tcp", description="tcp or udp")

    @model_validator(mode="before")
    @classmethod
    def _short_syntax(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError("give both ports, HOST:CONTAINER, so that the host port is known")
        if isinstance(value, str):
            match = _PORT.fullmatch(value)
            if not match:
                raise ValueError(
                    f"invalid port mapping {value!r}: write HOST:CONTAINER or IP:HOST:CONTAINER"
                )
            return {k: v for k, v in match.groupdict().items() if v is not None}
        return value

    @field_validator("host_ip")
    @classmethod
    def _address(cls, value: str) -> str:
        return str(ipaddress.ip_address(value))


class Mount(Model):
    """A named volume or a bind mount of a project path."""

    source: str = Field(
        description="a volume declared under `volumes`, or a project path starting with ./"
    )
    target: AbsolutePath = Field(description="absolute path inside the container")
    read_only: bool = Field(False, description="mount read-only")

    @model_validator(mode="before")
    @classmethod
    def _short_syntax(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = value.split(":")
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] not in ("ro", "rw")):
                raise ValueError(
                    f"invalid mount {value!r}: write SOURCE:TARGET or SOURCE:TARGET:ro"
                )
            return {"source": parts[0], "target": parts[1], "read_only": parts[2:] == ["ro"]}
        return value

    @property
    def is_bind(self) -> bool:
        return self.source.startswith((".", "/"))


class Tmpfs(Model):
    """A RAM disk mounted in the container; its content is gone when the container stops."""

    target: AbsolutePath = Field(description="absolute path inside the container")
    size: MemorySize | None = Field(None, description="size limit, e.g. 512m")

    @model_validator(mode="before")
    @classmethod
    def _short_syntax(cls, value: Any) -> Any:
        return {"target": value} if isinstance(value, str) else value


class Healthcheck(Model):
    """How Docker tells that the service is healthy."""

    test: list[Text] = Field(
        description="[CMD, program, args...] or [CMD-SHELL, command]; a string means CMD-SHELL",
        min_length=1,
    )
    interval: Duration | None = Field(None, description="time between checks, e.g. 10s")
    timeout: Duration | None = Field(None, description="time one check may take")
    retries: int | None = Field(None, ge=1, description="failures before unhealthy")
    start_period: Duration | None = Field(None, description="grace period after start")

    @field_validator("test", mode="before")
    @classmethod
    def _shell_string(cls, value: Any) -> Any:
        return ["CMD-SHELL", value] if isinstance(value, str) else value

    @field_validator("test")
    @classmethod
    def _form(cls, value: list[str]) -> list[str]:
        if value[0] not in ("CMD", "CMD-SHELL", "NONE"):
            raise ValueError("the first item must be CMD, CMD-SHELL or NONE")
        return value


class Logging(Model):
    """The container's log driver and its rotation."""

    driver: str = Field("json-file", description="Docker log driver")
    max_size: MemorySize | None = Field(None, description="rotate a log file at this size")
    max_file: int | None = Field(None, ge=1, description="how many rotated files to keep")


class EnvFile(Model):
    """A file of variables passed to the container."""

    path: ProjectPath = Field(description="path relative to the project root")
    required: bool = Field(True, description="fail when the file does not exist")

    @model_validator(mode="before")
    @classmethod
    def _short_syntax(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value


Condition = Literal["service_started", "service_healthy", "service_completed_successfully"]
Restart = Literal["no", "always", "on-failure", "unless-stopped"]


class Service(Model):
    """One service of the compose file."""

    description: str = Field("", description="what the service is; a comment in the output")
    image: Image = Field(
        description="image; without a tag when `build` is set (the tag comes from `image_tag`)"
    )
    build: ProjectPath | None = Field(
        None, description="build context, relative to the project root; marks an app image"
    )
    command: list[Text] | None = Field(None, description="command, as a list of arguments")
    entrypoint: list[Text] | None = Field(None, description="entrypoint, as a list")
    environment: dict[VariableName, Scalar] = Field(
        default_factory=dict, description="container variables; secrets as ${VAR} references"
    )
    facts: dict[VariableName, str] = Field(
        default_factory=dict,
        description="container variables filled from the environment's facts (see `envgen facts`)",
    )
    env_file: list[EnvFile] = Field(default_factory=list, description="files of variables")
    ports: list[PortMapping] = Field(default_factory=list, description="published ports")
    volumes: list[Mount] = Field(default_factory=list, description="volumes and bind mounts")
    tmpfs: list[Tmpfs] = Field(default_factory=list, description="RAM disks")
    memory: MemorySize | None = Field(None, description="memory limit, e.g. 512m")
    cpus: float | None = Field(None, gt=0, description="CPU limit, e.g. 0.5")
    restart: Restart | None = Field(None, description="no, always, on-failure, unless-stopped")
    healthcheck: Healthcheck | None = Field(None, description="health check")
    read_only: bool = Field(False, description="read-only root filesystem")
    no_new_privileges: bool = Field(False, description="forbid privilege escalation")
    cap_drop: list[Capability] = Field(default_factory=list, description="capabilities dropped")
    cap_add: list[Capability] = Field(default_factory=list, description="capabilities added")
    logging: Logging | None = Field(None, description="log driver and rotation")
    depends_on: dict[str, Condition] = Field(
        default_factory=dict, description="services to wait for, with the condition"
    )
    profiles: list[Slug] = Field(default_factory=list, description="compose profiles")
    networks: list[str] = Field(
        default_factory=list, description="networks to join: `default` or one under `networks`"
    )
    labels: dict[str, Text] = Field(default_factory=dict, description="container labels")
    user: str | None = Field(None, description="user to run as, e.g. 1000:1000")
    working_dir: AbsolutePath | None = Field(None, description="working directory")
    container_name: str | None = Field(None, description="fixed container name (rarely wanted)")
    stop_grace_period: Duration | None = Field(None, description="time to stop before a kill")

    @field_validator("depends_on", mode="before")
    @classmethod
    def _list_form(cls, value: Any) -> Any:
        return dict.fromkeys(value, "service_started") if isinstance(value, list) else value

    @field_validator("command", "entrypoint", mode="before")
    @classmethod
    def _no_shell_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(
                "write the command as a list of arguments, e.g. [uvicorn, app:app], "
                "so that nothing depends on shell splitting"
            )
        return value

    @property
    def is_app(self) -> bool:
        """Built from this project's source (so its image tag follows the environment)."""
        return self.build is not None


class Volume(Model):
    """A named volume."""

    name: str | None = Field(None, description="Docker name; `<compose_project>_<key>` by default")
    external: bool = Field(False, description="created outside compose")
    description: str = Field("", description="what it holds")


class Network(Model):
    """A network besides compose's default one."""

    name: str = Field(description="Docker name of the network")
    external: bool = Field(True, description="created outside compose (shared with Caddy)")
    description: str = Field("", description="what it is for")


class Bot(Model):
    """The environment's Telegram bot."""

    mode: Literal["real", "mocked"] = Field(description="a real bot account, or mocked")
    username: BotUsername | None = Field(None, description="bot username, without @")
    token_variable: VariableName | None = Field(
        None, description="the variable that holds the bot token (never the token itself)"
    )

    @model_validator(mode="after")
    def _real_needs_account(self) -> Bot:
        if self.mode == "real" and (self.username is None or self.token_variable is None):
            raise ValueError("a real bot needs `username` and `token_variable`")
        if self.mode == "mocked" and self.token_variable is not None:
            raise ValueError("a mocked bot has no `token_variable`")
        return self


class Claude(Model):
    """How the environment reaches the Claude API."""

    mode: Literal["real", "mocked"] = Field(description="real API calls, or mocked")
    key_variable: VariableName | None = Field(
        None, description="the variable that holds the API key"
    )

    @model_validator(mode="after")
    def _real_needs_key(self) -> Claude:
        if self.mode == "real" and self.key_variable is None:
            raise ValueError("a real Claude API needs `key_variable`")
        return self


class Database(Model):
    """The environment's database."""

    engine: Literal["postgres"] = Field("postgres", description="database engine")
    service: str = Field("postgres", description="the service that runs it")
    name: DatabaseName = Field(description="database name")
    user: DatabaseName = Field(description="database user")
    port: Port = Field(5432, description="port inside the network")
    password_variable: VariableName = Field(description="the variable that holds the password")
    password_default: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="a throw-away default password, for laptop tiers only",
    )


class Features(Model):
    """Feature flags; unset flags follow the tier."""

    swagger_ui: bool | None = Field(None, description="Swagger UI at /docs (default: local, test)")
    hot_reload: bool | None = Field(None, description="code reload on change (default: local)")
    debug: bool | None = Field(None, description="debug mode (default: local)")


class Host(Model):
    """The machine the environment runs on."""

    name: Slug = Field(description="host name; environments on one host share its ports")
    memory: MemorySize | None = Field(None, description="memory the host can give its stacks")


class IntendedDifference(Model):
    """A difference from another environment that someone decided on, with the reason."""

    against: Slug = Field(description="the other environment, by name or alias")
    paths: list[DiffPattern] = Field(
        min_length=1,
        description="what differs, as paths shown by `envgen diff`; `*` matches one step",
    )
    reason: str = Field(min_length=1, description="why the difference is intended")

    @field_validator("paths", mode="before")
    @classmethod
    def _one_path(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("reason")
    @classmethod
    def _said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why the difference is intended")
        return value


class Environment(Model):
    """One environment, merged over base.yaml."""

    name: Slug = Field(description="the spec's file name without .yaml")
    tier: Tier = Field(description="local, test, staging or production")
    description: str = Field("", description="one line on what the environment is for")
    suffix: Slug | None = Field(
        None, description="compose file suffix and alias (prod for production); default: name"
    )
    app: Slug = Field(description="application name")
    compose_project: Slug | None = Field(
        None, description="compose project name; default `<app>-<name>`"
    )
    host: Host = Field(description="where it runs")
    domain: Domain | None = Field(None, description="public domain, for deployed environments")
    access: Literal["localhost", "basic_auth", "public"] = Field(
        description="who can reach it: localhost, basic_auth or public"
    )
    deploy: str = Field("", description="how it is deployed")
    variables_file: ProjectPath | None = Field(
        None, description="file Compose reads ${...} values from (--env-file), never committed"
    )
    image_tag: Tag | None = Field(
        None, description="default IMAGE_TAG for app images; unset means build from source"
    )
    bot: Bot = Field(description="Telegram bot")
    claude: Claude = Field(description="Claude API")
    database: Database | None = Field(None, description="database")
    features: Features = Field(default_factory=Features, description="feature flags")
    log_format: Literal["human", "json"] | None = Field(
        None, description="human or json; default json for staging and production"
    )
    cors_origins: list[Origin] = Field(default_factory=list, description="allowed CORS origins")
    notes: str = Field("", description="free text for docs/ENVIRONMENTS.md")
    volumes: dict[Slug, Volume] = Field(default_factory=dict, description="named volumes")
    networks: dict[Slug, Network] = Field(default_factory=dict, description="extra networks")
    services: dict[ServiceName, Service] = Field(description="the services", min_length=1)
    intended_differences: list[IntendedDifference] = Field(
        default_factory=list,
        description="differences from other environments that are intended (see `envgen diff`)",
    )
    silence: dict[str, Reason] = Field(
        default_factory=dict,
        description="policy rules silenced in this environment, each with the reason",
    )

    @property
    def file_suffix(self) -> str:
        return self.suffix or self.name

    @property
    def project_name(self) -> str:
        return self.compose_project or f"{self.app}-{self.name}"

    @property
    def logs(self) -> Literal["human", "json"]:
        if self.log_format is not None:
            return self.log_format
        return "json" if self.tier.deployed else "human"

    @property
    def swagger_ui(self) -> bool:
        flag = self.features.swagger_ui
        return not self.tier.deployed if flag is None else flag

    @property
    def hot_reload(self) -> bool:
        flag = self.features.hot_reload
        return self.tier is Tier.LOCAL if flag is None else flag

    @property
    def debug(self) -> bool:
        flag = self.features.debug
        return self.tier is Tier.LOCAL if flag is None else flag

    @property
    def builds_from_source(self) -> bool:
        return self.image_tag is None

    def volume_name(self, key: str) -> str:
        volume = self.volumes[key]
        return volume.name or f"{self.project_name}_{key}"
