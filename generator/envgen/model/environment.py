"""The pydantic models of an environment spec, after it is merged over base.yaml."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from envgen.model.additions import Additions
from envgen.model.declared.silences import Silence
from envgen.model.delivery import Delivery
from envgen.model.engines import ENGINES, Engine
from envgen.model.fields import (
    DERIVED,
    ComposeKey,
    DatabaseName,
    DiffPattern,
    Domain,
    Identity,
    KeyName,
    MemorySize,
    Model,
    Origin,
    Port,
    ProjectName,
    ProjectPath,
    RoutePath,
    ServiceName,
    Slug,
    Tag,
    UrlScheme,
    VariableName,
)
from envgen.model.kubernetes import Kubernetes, Target, targets_of
from envgen.model.ports import PortMapping
from envgen.model.previews.template import PreviewTemplate
from envgen.model.service import Service
from envgen.model.tiers import Tier
from envgen.problems import did_you_mean
from envgen.reading.source import Path


class Volume(Model):
    """A named volume; Compose's other volume keys (driver, labels, ...) pass through,
    checked by its schema."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str | None = Field(
        None,
        description="Docker name; by default `<compose_project>_<key>`, or `<key>` when external",
    )
    external: bool = Field(False, description="created outside compose")
    description: str = Field("", description="what it holds")


class Network(Model):
    """A network besides compose's default one; Compose's other network keys (driver,
    internal, ipam, ...) pass through, checked by its schema."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str | None = Field(
        None,
        description="Docker name; by default `<compose_project>_<key>`, or `<key>` when external",
    )
    external: bool = Field(
        False,
        description="created outside compose (the proxy's network is: the deploy creates it)",
    )
    description: str = Field("", description="what it is for")


class Integration(Model):
    """An outside service the application talks to: a messaging bot, an API, an account."""

    description: str = Field(
        "", description="what it is, for the parity table and messages; default: its name"
    )
    mode: Literal["real", "mocked", "off"] = Field(
        description="real: the outside service itself; mocked: a stand-in; off: not used"
    )
    identity: Identity | None = Field(
        None,
        description="who the environment is to the service: a bot username, an account, "
        "a project id",
    )
    secrets: dict[KeyName, VariableName] = Field(
        default_factory=dict,
        description="each secret it needs (`token: VARIABLE`): the variable that holds it, "
        "never the value; a real integration only",
    )

    @field_validator("secrets")
    @classmethod
    def _only_real_has_secrets(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        mode = info.data.get("mode")
        if value and mode in ("mocked", "off"):
            raise ValueError(f"an integration that is {mode} has no secrets; remove them")
        return value

    def label(self, name: str) -> str:
        return self.description or name


class Database(Model):
    """The environment's database: one the stack runs (`postgres`, `mysql`, `mariadb`), or
    one it reaches through a variable (`external`)."""

    engine: str = Field(
        "postgres", description=f"database engine: {', '.join(ENGINES)}; default postgres"
    )
    service: ServiceName | None = Field(
        None, description="the service that runs it; default: the engine's name"
    )
    name: DatabaseName | None = Field(None, description="database name (required unless external)")
    user: DatabaseName | None = Field(None, description="database user (required unless external)")
    port: Port | None = Field(
        None, description="port inside the network; default: the engine's (5432, 3306)"
    )
    password_variable: VariableName | None = Field(
        None, description="the variable that holds the password (required unless external)"
    )
    password_default: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="a throw-away default password, for laptop tiers only",
    )
    password_url_safe: bool = Field(
        False,
        description="the password holds only URL-safe characters (A-Z a-z 0-9 - . _ ~), so "
        "it may be interpolated into a URL (rule DBS001)",
    )
    url_scheme: UrlScheme | None = Field(
        None,
        description="the scheme of the fact `database.url`, e.g. postgresql+asyncpg; "
        "default: the engine's",
    )
    url_variable: VariableName | None = Field(
        None, description="external only: the variable that holds the database's URL"
    )

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if value not in ENGINES:
            hint = did_you_mean(value, list(ENGINES)) or f"known: {', '.join(ENGINES)}"
            raise ValueError(f"unknown engine `{value}` ({hint})")
        return value

    @model_validator(mode="after")
    def _fits_engine(self) -> Database:
        if self.runs_in_stack:
            missing = [
                f"`{field}`"
                for field in ("name", "user", "password_variable")
                if getattr(self, field) is None
            ]
            if missing:
                raise ValueError(f"a {self.engine} database needs {' and '.join(missing)}")
            if self.url_variable is not None:
                raise ValueError("`url_variable` is for an external database; the URL is built")
        else:
            if self.url_variable is None:
                raise ValueError("an external database needs `url_variable`")
            written = [
                f"`{field}`"
                for field in ("service", "port", "password_default", "url_scheme")
                if getattr(self, field) is not None
            ]
            if written:
                raise ValueError(
                    f"an external database is reached through `url_variable` only; "
                    f"remove {' and '.join(written)}"
                )
        return self

    @property
    def kind(self) -> Engine:
        return ENGINES[self.engine]

    @property
    def runs_in_stack(self) -> bool:
        return self.kind.runs_in_stack

    @property
    def service_name(self) -> str | None:
        """The service that runs it; None for an external database."""
        return self.service or self.kind.service

    @property
    def port_number(self) -> int | None:
        return self.port or self.kind.port

    @property
    def scheme(self) -> str | None:
        return self.url_scheme or self.kind.scheme


class Feature(Model):
    """A feature flag that the project defines; services read it as the fact
    `features.<name>`."""

    description: str = Field(
        "", description="what it turns on, for the parity table; default: its name"
    )
    default_on: list[Tier] = Field(
        default_factory=list, description="the tiers where it is on unless `enabled` is set"
    )
    enabled: bool | None = Field(
        None, description="on or off in this environment; unset follows `default_on`"
    )
    development_only: bool = Field(
        False, description="for developers only: off in staging and production (rule PRD007)"
    )

    def on_in(self, tier: Tier) -> bool:
        return tier in self.default_on if self.enabled is None else self.enabled

    def label(self, name: str) -> str:
        return self.description or name


class Host(Model):
    """The machine the environment runs on."""

    name: Slug = Field(description="host name; environments on one host share its ports")
    memory: MemorySize | None = Field(None, description="memory the host can give its stacks")


DifferenceKind = Literal["changed", "added", "removed"]


def _only_changes() -> list[DifferenceKind]:
    return ["changed"]


class IntendedDifference(Model):
    """A difference from another environment that someone decided on, with the reason."""

    against: Slug = Field(description="the other environment, by name or alias")
    paths: list[DiffPattern] = Field(
        min_length=1,
        description="what differs, as paths shown by `envgen diff`; `*` matches one step",
    )
    reason: str = Field(min_length=1, description="why the difference is intended")
    kind: list[DifferenceKind] = Field(
        default_factory=_only_changes,
        min_length=1,
        description="what may differ, seen from this environment: `changed` (a value in "
        "both), `added` (only here), `removed` (only in `against`); one or a list, "
        "default `changed`",
    )

    @field_validator("paths", "kind", mode="before")
    @classmethod
    def _one_path(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("reason")
    @classmethod
    def _said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why the difference is intended")
        return value


class BasicAuth(Model):
    """Basic-auth credentials, as variables of the proxy's own environment (never values)."""

    user_variable: VariableName = Field(description="the variable that holds the user name")
    hash_variable: VariableName = Field(
        description="the variable that holds the password's bcrypt hash (`caddy hash-password`)"
    )


class Route(Model):
    """One path of the domain, sent to a service of its own (an API, a websocket, a stream)."""

    path: RoutePath = Field(
        description="Caddy's path matcher: `/api/*` (a prefix), `/ws` (exactly that path)"
    )
    service: ServiceName = Field(description="the service requests on this path go to")
    port: Port = Field(description="the service's port inside the network")


class Proxy(Model):
    """How the reverse proxy reaches an environment that has a domain: through a network of
    the environment's own, which the proxy joins and no other environment's services do."""

    network: ComposeKey = Field(
        description="the entry of `networks` that the proxy joins: this environment's own"
    )
    service: ServiceName = Field(
        description="the service the domain is routed to: every request no route matches"
    )
    port: Port = Field(description="the service's port inside the network")
    routes: list[Route] = Field(
        default_factory=list,
        description="paths sent to other services before the rest goes to `service`; Caddy "
        "tries the most specific path first",
    )
    basic_auth: BasicAuth | None = Field(
        None, description="the credentials the proxy asks for, with `access: basic_auth`"
    )
    container: str | None = Field(
        None,
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$",
        description="the proxy's container when it runs outside this stack: the deploy "
        "attaches it to the network (`docker network connect`)",
    )

    def routed(self) -> list[tuple[str | None, str, int, Path]]:
        """Each route as (path, service, port, its field path), the rest (`service`, no
        path) last."""
        return [
            *(
                (route.path, route.service, route.port, ("proxy", "routes", i, "service"))
                for i, route in enumerate(self.routes)
            ),
            (None, self.service, self.port, ("proxy", "service")),
        ]


class Environment(Model):
    """One environment, merged over base.yaml."""

    name: Slug = Field(description="the spec's file name without .yaml", json_schema_extra=DERIVED)
    tier: Tier = Field(description="local, test, staging or production")
    description: str = Field("", description="one line on what the environment is for")
    suffix: Slug | None = Field(
        None, description="compose file suffix and alias (prod for production); default: name"
    )
    app: Slug = Field(description="application name")
    compose_project: ProjectName | None = Field(
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
    image_tag_required: str | None = Field(
        None,
        pattern=r"^[^}$\n]+$",
        description="instead of a default: IMAGE_TAG must be set, or Compose stops with this",
    )
    integrations: dict[KeyName, Integration] = Field(
        default_factory=dict,
        description="outside services the application talks to, each real, mocked or off",
    )
    database: Database | None = Field(None, description="database")
    features: dict[KeyName, Feature] = Field(
        default_factory=dict, description="feature flags that the project defines"
    )
    log_format: Literal["human", "json"] | None = Field(
        None, description="human or json; default json for staging and production"
    )
    cors_origins: list[Origin] = Field(default_factory=list, description="allowed CORS origins")
    notes: str = Field("", description="free text for docs/ENVIRONMENTS.md")
    volumes: dict[ComposeKey, Volume] = Field(default_factory=dict, description="named volumes")
    networks: dict[ComposeKey, Network] = Field(default_factory=dict, description="extra networks")
    services: dict[ServiceName, Service] = Field(description="the services", min_length=1)
    secrets: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Docker secrets, as Compose's top-level `secrets`"
    )
    configs: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Docker configs, as Compose's top-level `configs`"
    )
    models: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="AI models, as Compose's top-level `models`"
    )
    extensions: dict[str, Any] = Field(
        default_factory=dict,
        description="the spec's `x-*` keys, passed to Compose as written",
        json_schema_extra=DERIVED,
    )
    intended_differences: list[IntendedDifference] = Field(
        default_factory=list,
        description="differences from other environments that are intended (see `envgen diff`)",
    )
    silence: dict[str, Silence] = Field(
        default_factory=dict,
        description="policy rules silenced in this environment: a rule's reason silences it "
        "everywhere in the environment; a list of scopes (`service`, `path`, `reason`) only "
        "there",
    )
    proxy: Proxy | None = Field(
        None,
        description="how the reverse proxy routes `domain` to a service (rendered/Caddyfile)",
    )
    delivery: Delivery | None = Field(
        None, description="how CI tests or deploys it (the rendered GitHub workflows)"
    )
    additions: Additions = Field(
        default_factory=Additions,
        description="what envgen adds to the compose file beyond the spec, each a switch "
        "(docs/reference/additions.md)",
    )
    target: Target | list[Target] = Field(
        "compose",
        description="what it is rendered for: compose, kubernetes, or a list of both",
    )
    kubernetes: Kubernetes = Field(
        default_factory=Kubernetes,
        description="the cluster's names, for the target kubernetes (docs/reference/kubernetes.md)",
    )
    preview: PreviewTemplate | None = Field(
        None,
        description="makes this spec the template of one preview environment per pull "
        "request (`envgen preview`); its name is the token each preview's id replaces",
    )

    @field_validator("volumes", "networks", mode="before")
    @classmethod
    def _declared_without_keys(cls, value: Any) -> Any:
        # `volumes: {data: }` is Compose's usual way to declare one with its defaults.
        if isinstance(value, dict):
            return {key: {} if entry is None else entry for key, entry in value.items()}
        return value

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
    def flags(self) -> dict[str, bool]:
        """Each feature flag, on or off in this environment."""
        return {name: flag.on_in(self.tier) for name, flag in self.features.items()}

    @property
    def targets(self) -> tuple[Target, ...]:
        return targets_of(self.target)

    @property
    def namespace(self) -> str:
        """The Kubernetes namespace of the environment."""
        return self.kubernetes.namespace or self.project_name

    @property
    def builds_from_source(self) -> bool:
        return self.image_tag is None and self.image_tag_required is None

    def secret_variables(self) -> list[tuple[str, tuple[str, ...]]]:
        """The variables that carry this environment's secrets, with the path of the field
        that names each: integrations' secrets, database password, basic-auth credentials,
        Docker secrets (`secrets.<name>.environment`)."""
        found: list[tuple[str | None, tuple[str, ...]]] = [
            (variable, ("integrations", name, "secrets", key))
            for name, integration in self.integrations.items()
            for key, variable in integration.secrets.items()
        ]
        if self.database is not None:
            found.append((self.database.password_variable, ("database", "password_variable")))
            found.append((self.database.url_variable, ("database", "url_variable")))
        credentials = self.proxy.basic_auth if self.proxy is not None else None
        if credentials is not None:
            found.append((credentials.user_variable, ("proxy", "basic_auth", "user_variable")))
            found.append((credentials.hash_variable, ("proxy", "basic_auth", "hash_variable")))
        for key, secret in self.secrets.items():  # Docker secrets read from a variable
            variable = secret.get("environment")
            if isinstance(variable, str):
                found.append((variable, ("secrets", key, "environment")))
        return [(name, path) for name, path in found if name is not None]

    def published_ports(self) -> list[tuple[tuple[str, str, int], PortMapping]]:
        """Every published port with the path of its entry, in spec order."""
        return [
            (("services", name, index), port)
            for name, service in self.services.items()
            for index, port in enumerate(service.ports)
        ]

    def volume_name(self, key: str) -> str:
        """The Docker name of a volume, as Compose names it."""
        return self._docker_name(key, self.volumes[key])

    def network_name(self, key: str) -> str:
        """The Docker name of a network, as Compose names it."""
        return self._docker_name(key, self.networks[key])

    def _docker_name(self, key: str, entry: Volume | Network) -> str:
        # Compose prefixes the project only to what it creates; an external one is
        # looked up by its key.
        if entry.name is not None:
            return entry.name
        return key if entry.external else f"{self.project_name}_{key}"
