"""Reusable field types for specs: names, sizes, ports, durations, paths and references."""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)
from pydantic.fields import FieldInfo

from envgen.compose.interpolation import InterpolationError, parse
from envgen.compose.sizes import format_memory, parse_memory
from envgen.reading.scalars import compose_text

_MEANINGS: dict[str, str] = {}


def _pattern(regex: str, meaning: str, max_length: int | None = None) -> StringConstraints:
    """A string pattern, remembered with words a person understands for error messages."""
    _MEANINGS[regex] = meaning
    return StringConstraints(pattern=regex, max_length=max_length)


def pattern_meaning(regex: str) -> str:
    return _MEANINGS.get(regex, f"must match {regex}")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters cannot be passed to a container")
    return value


# Any text a container receives: a variable, a label, a command argument.
Text = Annotated[str, AfterValidator(_no_nul)]


def _scalar_text(value: Any) -> Any:
    """Variables are strings to a container; YAML numbers and booleans are spelled out
    as Compose spells them (`1.0` is `1`, `1e6` is `1e+06`)."""
    if isinstance(value, bool | int | float):
        return compose_text(value)
    if value is None or isinstance(value, dict | list):
        kind = {type(None): "nothing", dict: "a mapping", list: "a list"}[type(value)]
        raise ValueError(f"expected a string, number or boolean, got {kind}")
    return value


# `json_schema_input_type` says what a before-validator accepts, for the JSON Schema.
Scalar = Annotated[
    Text, BeforeValidator(_scalar_text, json_schema_input_type=str | int | float | bool)
]


def _label_text(value: Any) -> Any:
    """A label with no value (`name:` or `- name`) is Compose's empty label."""
    return "" if value is None else _scalar_text(value)


LabelValue = Annotated[
    Text, BeforeValidator(_label_text, json_schema_input_type=str | int | float | bool | None)
]

# A size as written in a spec: the form parse_memory reads (the schema cannot check >= 4m).
MemoryText = Annotated[str, StringConstraints(pattern=r"^\s*\d+(\.\d+)?\s*[bkmgBKMG]?[bB]?\s*$")]

MemorySize = Annotated[
    int,
    BeforeValidator(parse_memory, json_schema_input_type=int | MemoryText),
    PlainSerializer(format_memory, when_used="json"),
]

Port = Annotated[int, Field(ge=1, le=65535)]

Restart = Annotated[
    str,
    _pattern(
        r"^(?:no|always|unless-stopped|on-failure(?::\d+)?)$",
        "must be no, always, on-failure, on-failure:N or unless-stopped",
    ),
]

# A Compose project name, as Compose takes it (`my_shop`, `2024-site`).
ProjectName = Annotated[
    str,
    _pattern(
        r"^[a-z0-9][a-z0-9_-]*$",
        "use lower-case letters, digits, `_` and `-`, starting with a letter or digit",
        63,
    ),
]

Slug = Annotated[
    str,
    _pattern(
        r"^[a-z][a-z0-9-]*$",
        "use lower-case letters, digits and dashes, starting with a letter",
        63,
    ),
]

ServiceName = Annotated[
    str,
    _pattern(
        r"^[a-z][a-z0-9_-]*$", "use lower-case letters, digits, - and _, starting with a letter", 63
    ),
]

VariableName = Annotated[
    str,
    _pattern(r"^[A-Za-z_][A-Za-z0-9_]*$", "use letters, digits and _, not starting with a digit"),
]

# A key of `environment`: Compose passes any name to a container (`spring.profiles.active`,
# `MY-VAR`); only `=`, which ends a name in the list form, and control characters are not.
EnvironmentKey = Annotated[
    str,
    _pattern(r"^[^=\x00-\x1f\x7f]+$", "use a name without `=` or control characters"),
]

Duration = Annotated[
    str,
    _pattern(
        r"^(?:\d+(?:\.\d+)?(?:us|ms|s|m|h))+$", "write a duration such as 10s, 1m30s or 500ms"
    ),
]

AbsolutePath = Annotated[str, _pattern(r"^/\S*$", "must be an absolute path, without spaces")]

# A path inside the project, relative to its root, written ./like/this or like/this.
ProjectPath = Annotated[
    str,
    _pattern(r"^[^/\s$][^\s$]*$", "must be a path relative to the project root, such as ./backend"),
]

Domain = Annotated[
    str,
    _pattern(
        r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
        "must be a lower-case domain name such as staging.example.com",
        253,
    ),
]

Origin = Annotated[
    str,
    _pattern(
        r"^https?://[a-z0-9.-]+(?::\d{1,5})?$", "must be an origin such as https://example.com"
    ),
]


def _no_space_outside_references(value: str) -> str:
    """Text with variables: whitespace only inside a `${...}` (a `${TAG:?set TAG first}`
    message may have spaces; what the reference stands for is checked where it is set)."""
    if "$" not in value:
        return value
    try:
        parts = parse(value)
    except InterpolationError:
        return value  # the interpolation check reports it at its column
    if any(isinstance(part, str) and re.search(r"\s", part) for part in parts):
        raise ValueError("an image reference has no whitespace outside `${...}`")
    return value


# Registry references, or Compose text with variables (`${REGISTRY}/app:${TAG:-1}`),
# which Compose interpolates and the interpolation check reads; no whitespace outside
# the references.
Image = Annotated[
    str,
    _pattern(
        r"^(?:(?:[a-z0-9][a-z0-9.-]*(?::[0-9]+)?/)?"  # a registry, with its port
        r"[a-z0-9][a-z0-9._/-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
        r"(?:@sha256:[a-f0-9]{64})?|[^\s$]*\$.*)$",
        "must be an image reference such as ghcr.io/owner/name, postgres:16, one with "
        "@sha256:<digest> or one with ${VARIABLES}",
    ),
    AfterValidator(_no_space_outside_references),
]

# A key of top-level `volumes`, `networks` (and the others): Compose's schema pattern.
# A path matcher of Caddy's, written bare in the Caddyfile: no space, quote, brace (Caddy's
# placeholders), backslash or `#`, so that no path can change the file's shape.
RoutePath = Annotated[
    str,
    _pattern(
        r"^/[A-Za-z0-9._~%!$&()+,;=:@*/-]*$",
        "must start with / and use letters, digits and . _ ~ % ! $ & ( ) + , ; = : @ * / -",
        1024,
    ),
]

ComposeKey = Annotated[
    str,
    _pattern(r"^[a-zA-Z0-9._-]+$", "use letters, digits, `.`, `_` and `-` (Compose's names)", 255),
]

# A file of variables, any path Compose takes: a project path (./app.env), an absolute
# one, or Compose text with variables (`${CONFIG_DIR}/app.env`); all but a project path
# stay as written.
EnvFilePath = Annotated[
    str,
    _pattern(
        r"^[^\x00-\x1f\x7f]+$",
        "must be a path such as ./app.env or /etc/app.env, or one with ${VARIABLES}, "
        "without control characters",
    ),
]

Tag = Annotated[
    str, _pattern(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", "must be an image tag such as staging")
]

# Who an environment is to an outside service: a bot username, an account, a project id.
Identity = Annotated[
    str,
    _pattern(
        r"^[A-Za-z0-9][A-Za-z0-9_.@:/+-]*$",
        "use letters, digits and _ . @ : / + -, starting with a letter or digit",
        253,
    ),
]

# A name that becomes one step of a fact's name (`features.<name>`, `integrations.<name>`).
KeyName = Annotated[
    str,
    _pattern(
        r"^[a-z][a-z0-9_-]*$", "use lower-case letters, digits, - and _, starting with a letter", 63
    ),
]

# A URL scheme, with a driver if any: postgresql, postgresql+asyncpg, mysql+pymysql.
UrlScheme = Annotated[
    str,
    _pattern(
        r"^[a-z][a-z0-9+.-]*$",
        "write a URL scheme such as postgresql or postgresql+asyncpg, without ://",
        63,
    ),
]

# A database name or user as written, or a variable that gives it (the real files'
# `POSTGRES_DB: ${DB_NAME}`): with a default of the same shape, or required.
DatabaseName = Annotated[
    str,
    _pattern(
        r"^(?:[a-z_][a-z0-9_]{0,62}"
        r"|\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[a-z_][a-z0-9_]{0,62}|:?\?[^${}]*)?\})$",
        "use lower-case letters, digits and _ (at most 63), or a variable: ${DB_NAME}, "
        "${DB_NAME:-shop} or ${DB_NAME:?message}",
    ),
]

# Linux capabilities as Docker names them (without the CAP_ prefix).
CAPABILITIES = frozenset(
    [
        "ALL",
        "AUDIT_CONTROL",
        "AUDIT_READ",
        "AUDIT_WRITE",
        "BLOCK_SUSPEND",
        "BPF",
        "CHECKPOINT_RESTORE",
        "CHOWN",
        "DAC_OVERRIDE",
        "DAC_READ_SEARCH",
        "FOWNER",
        "FSETID",
        "IPC_LOCK",
        "IPC_OWNER",
        "KILL",
        "LEASE",
        "LINUX_IMMUTABLE",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "MKNOD",
        "NET_ADMIN",
        "NET_BIND_SERVICE",
        "NET_BROADCAST",
        "NET_RAW",
        "PERFMON",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYSLOG",
        "SYS_ADMIN",
        "SYS_BOOT",
        "SYS_CHROOT",
        "SYS_MODULE",
        "SYS_NICE",
        "SYS_PACCT",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_RESOURCE",
        "SYS_TIME",
        "SYS_TTY_CONFIG",
        "WAKE_ALARM",
    ]
)


def _capability(value: str) -> str:
    name = value.upper().removeprefix("CAP_")
    if name not in CAPABILITIES:
        close = difflib.get_close_matches(name, CAPABILITIES, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"unknown capability {value!r}{hint}")
    return name


Capability = Annotated[str, AfterValidator(_capability)]

# A path in `envgen diff` output, such as `services.*.deploy.resources.limits.memory` or
# `services.backend.ports[127.0.0.1:8001/tcp]`; `*` and `?` match within one step.
DiffPattern = Annotated[
    str,
    _pattern(
        r"^(?:[A-Za-z0-9_*?-]+|\[[^\]\s]+\])(?:\.[A-Za-z0-9_*?-]+|\[[^\]\s]+\])*$",
        "write a path as shown by `envgen diff`, such as services.*.memory or database.name",
    ),
]


def _reason(value: str) -> str:
    if not value.strip():
        raise ValueError("write why the rule does not apply here; a reviewer reads it")
    return value.strip()


# The written reason for silencing a policy rule in one environment.
Reason = Annotated[str, AfterValidator(_reason)]


# The mark of a field that envgen fills in from one of Compose's forms (`networks` as a
# mapping fills `network_options`) or sets itself (`name`, from the file): a spec never
# writes it, so the field reference and the JSON Schema leave it out and validation
# refuses it where a spec writes it.
DERIVED: dict[str, Any] = {"x-envgen-derived": True}


def is_derived(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get("x-envgen-derived") is True


def spec_fields(model: type[BaseModel]) -> list[str]:
    """The fields a spec may write, in the model's order: all but the derived ones."""
    return [name for name, info in model.model_fields.items() if not is_derived(info)]


class Model(BaseModel):
    """Strict and immutable: unknown keys are errors, nothing changes after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=False)


class ComposeForm(Model):
    """A model of one of Compose's long forms (a port, a mount, a mount's options): its
    `x-*` keys are taken, as Compose takes them, and dropped, as Compose drops them from
    its model; they mean nothing to a container."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra={"patternProperties": {"^x-": {}}}
    )

    @model_validator(mode="before")
    @classmethod
    def _read(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if not (isinstance(k, str) and k[:2] == "x-")}
        return cls.short_form(value)

    @classmethod
    def short_form(cls, value: Any) -> Any:
        """The long form's keys for a short form (a string, a number); a subclass that
        has one reads it here."""
        return value
