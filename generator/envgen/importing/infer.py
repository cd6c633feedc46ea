"""What envgen needs beyond Compose (tier, host, access, database, data services), taken
from what the files say, each value with its evidence; what they do not say is a TODO."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from envgen.compose.interpolation import InterpolationError, Reference, parse, referenced
from envgen.importing.compare import mapping_as_compose_means
from envgen.model.secrecy import is_secret_name

# Environment names that say the tier, as teams name them.
_TIERS = {
    "local": ("local", "dev", "develop", "development", "laptop"),
    "test": ("test", "tests", "testing", "ci"),
    "staging": ("staging", "stage", "preprod", "pre-prod", "qa", "uat"),
    "production": ("production", "prod", "prd", "live"),
}
# An image's name says its database engine: the last part of its repository.
_ENGINES = (
    ("mariadb", "mariadb"),
    ("mysql", "mysql"),
    ("postgis", "postgres"),
    ("pgvector", "postgres"),
    ("postgres", "postgres"),
)
_DATABASE_VARIABLES = {
    "postgres": ("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"),
    "mysql": ("MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD"),
    "mariadb": ("MARIADB_DATABASE", "MARIADB_USER", "MARIADB_PASSWORD"),
}
_DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _one_variable(text: str) -> str | None:
    """The variable a value is wholly made of (`$PW`, `${PW}`, `${PW:-dev}`), read with
    Compose's grammar; None for anything else."""
    try:
        parts = parse(text)
    except InterpolationError:
        return None
    if len(parts) == 1 and isinstance(parts[0], Reference) and parts[0].operator in ("", ":-", "-"):
        return parts[0].name
    return None


@dataclass(frozen=True)
class Field:
    """One field of a spec, with the comment that says where it comes from."""

    key: str
    value: Any
    comment: str = ""


def tier(name: str) -> Field:
    words = re.split(r"[-_.]", name.lower())
    for tier_name, spellings in _TIERS.items():
        if name.lower() in spellings or any(word in spellings for word in words):
            return Field("tier", tier_name, f"from the environment's name `{name}`")
    return Field(
        "tier",
        "local",
        "TODO: local, test, staging or production; the name says none (local is the "
        "tier with the fewest demands)",
    )


def host(name: str) -> Field:
    return Field(
        "host",
        {"name": name},
        "TODO: the machine it runs on (environments on one host share its ports); "
        "the files do not say, so each environment is its own until you say",
    )


def access(model: dict[str, Any]) -> Field:
    ports = [
        port
        for service in model.get("services", {}).values()
        for port in service.get("ports") or []
        if isinstance(port, dict) and port.get("published")
    ]
    if ports and all(port.get("host_ip") in ("127.0.0.1", "::1") for port in ports):
        return Field("access", "localhost", "every published port is bound to localhost")
    if not ports:
        return Field("access", "localhost", "no port is published")
    return Field(
        "access",
        "localhost",
        "TODO: localhost, basic_auth or public; ports are published on every interface, "
        "which says nothing of who may reach them",
    )


_START = re.compile(r"^# Start: docker compose --env-file (?P<file>\S+) ")


def rendered_variables_file(text: str) -> Field | None:
    """The variables file that envgen's own rendered file names in its start line."""
    for line in text.splitlines()[:8]:
        match = _START.match(line)
        if match:
            return Field(
                "variables_file", match["file"], "the start line of envgen's rendered file"
            )
    return None


_TITLE = re.compile(r"^# (?P<name>[a-z][a-z0-9-]*) \([a-z]+ tier\): (?P<description>.+)$")


def rendered_description(text: str) -> Field | None:
    """The description that envgen's own rendered file writes in its title line."""
    for line in text.splitlines()[:8]:
        match = _TITLE.match(line)
        if match:
            return Field("description", match["description"], "")
    return None


def database(model: dict[str, Any]) -> tuple[Field | None, list[str]]:
    """The database the stack runs, when one service's image and variables say all of
    it; else TODO lines with what was found."""
    for service_name, service in _services(model).items():
        engine = _engine(service.get("image"))
        if engine is None:
            continue
        environment = service.get("environment") or {}
        name_var, user_var, password_var = _DATABASE_VARIABLES[engine]
        name, user = environment.get(name_var), environment.get(user_var)
        password = _one_variable(str(environment.get(password_var) or ""))
        evidence = f"the image `{service['image']}` of `{service_name}`"
        if not (
            isinstance(name, str)
            and isinstance(user, str)
            and _DATABASE_NAME.match(name)
            and _DATABASE_NAME.match(user)
            and password
        ):
            return None, [
                f"TODO: database: {evidence} runs {engine}; say its `name`, `user` and "
                f"`password_variable` ({name_var}, {user_var} and {password_var} are not "
                "all written as a name, a name and a ${VARIABLE})"
            ]
        value: dict[str, Any] = {"engine": engine}
        if service_name != engine:
            value["service"] = service_name
        value |= {"name": name, "user": user, "password_variable": password}
        comment = f"{evidence}, with {name_var}, {user_var} and {password_var}"
        return Field("database", value, comment), []
    return None, []


def _engine(image: Any) -> str | None:
    if not isinstance(image, str):
        return None
    repository = image.split("@")[0].rsplit("/", 1)[-1].split(":")[0]
    return next((engine for word, engine in _ENGINES if word in repository), None)


def _services(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services with their `environment` as a mapping of strings, as Compose reads it."""
    return {
        name: {**service, "environment": mapping_as_compose_means(service.get("environment"))}
        for name, service in (model.get("services") or {}).items()
    }


def data_services(model: dict[str, Any], database_service: str | None) -> dict[str, str]:
    """Services that keep data of their own in a named volume, other than the database,
    with the evidence: their storage must be their own in every environment."""
    found: dict[str, str] = {}
    for name, service in model.get("services", {}).items():
        if name == database_service or "build" in service:
            continue
        named = [
            mount
            for mount in service.get("volumes") or []
            if isinstance(mount, dict) and mount.get("type") == "volume" and mount.get("source")
        ]
        if named:
            found[name] = f"keeps data in the volume `{named[0]['source']}`"
    return found


def secret_variables(model: dict[str, Any]) -> list[str]:
    """TODO lines for the variables whose names say they hold a secret, so a person
    decides which integration or Docker secret each one is."""
    found: dict[str, str] = {}
    for name, service in _services(model).items():
        for key, value in (service.get("environment") or {}).items():
            for variable in referenced(str(value)) if isinstance(value, str) else {}:
                if is_secret_name(variable) and variable not in found:
                    found[variable] = f"services.{name}.environment.{key}"
            if is_secret_name(key) and value is None and key not in found:
                found[key] = f"services.{name}.environment.{key}"
    return [
        f"TODO: {variable} ({where}) holds a secret by its name: name it under "
        "`integrations` or `database` so the policies can follow it"
        for variable, where in sorted(found.items())
    ]
