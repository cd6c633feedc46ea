"""The names and labels every object of an environment carries, and the Secret's name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from envgen.model.environment import Environment

# The labels that pick out a service's pods, and name the application and environment.
NAME = "app.kubernetes.io/name"
PART_OF = "app.kubernetes.io/part-of"
ENVIRONMENT = "envgen.io/environment"


def labels(env: Environment, name: str) -> dict[str, str]:
    return {NAME: name, PART_OF: env.app, ENVIRONMENT: env.name}


def metadata(env: Environment, name: str, service: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": env.namespace}
    meta["labels"] = labels(env, service or name)
    return meta


def secret_name(env: Environment) -> str:
    return env.kubernetes.variables_from or f"{env.app}-secrets"
