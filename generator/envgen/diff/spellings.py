"""A compose service in one spelling per meaning, so that `envgen diff` reports what
Compose runs differently and not how each spec writes it: `mem_limit` and `cpus` as
`deploy.resources.limits`, `mem_reservation` as its reservation, sizes in one unit, a
health check turned off as `disable: true`, `deploy.restart_policy.condition` (and
`max_attempts` with `on-failure`) as the `restart` it overrides, and no `restart` as the
engine's default, `"no"`."""

from __future__ import annotations

import copy
from typing import Any

from envgen.compose.sizes import format_memory, parse_ram
from envgen.policies.resolved import resolved

# Service keys that are another spelling of a key under `deploy.resources`.
_RESOURCES = {
    "mem_limit": ("limits", "memory"),
    "cpus": ("limits", "cpus"),
    "mem_reservation": ("reservations", "memory"),
}
# `deploy.restart_policy.condition` as the engine's restart modes (what `docker compose
# up` reads; policies.meaning.resources maps it alike for the rules).
_CONDITIONS = {"none": "no", "any": "always", "on-failure": "on-failure"}


def _size(value: Any) -> Any:
    """A size in the largest exact unit (`1024m` is `1g`); one a variable decides, or
    that does not read as a size, as written."""
    if resolved(str(value)) != str(value):
        return value
    try:
        return format_memory(parse_ram(value))
    except ValueError:
        return value


def _cpus(value: Any) -> Any:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return value


def one_spelling(service: dict[str, Any]) -> dict[str, Any]:
    """The service with each meaning under one key (a copy; the input is not changed)."""
    doc = copy.deepcopy(service)
    deploy = doc.get("deploy") if isinstance(doc.get("deploy"), dict) else None
    for key, (group, name) in _RESOURCES.items():
        if key in doc:
            deploy = doc.setdefault("deploy", deploy if deploy is not None else {})
            resources = deploy.setdefault("resources", {})
            resources.setdefault(group, {})[name] = doc.pop(key)
    resources = (deploy or {}).get("resources")
    for group in ("limits", "reservations"):
        values = resources.get(group) if isinstance(resources, dict) else None
        if isinstance(values, dict):
            if "memory" in values:
                values["memory"] = _size(values["memory"])
            if "cpus" in values:
                values["cpus"] = _cpus(values["cpus"])
    policy = (deploy or {}).get("restart_policy")
    if isinstance(policy, dict) and policy.get("condition") in _CONDITIONS:
        doc["restart"] = _CONDITIONS[policy.pop("condition")]
        # `docker compose up` passes `max_attempts` as the retry count, which only
        # `on-failure` reads: the `on-failure:N` that `restart` writes.
        attempts = policy.get("max_attempts")
        if doc["restart"] == "on-failure" and isinstance(attempts, int):
            policy.pop("max_attempts")
            doc["restart"] = f"on-failure:{attempts}"
        if not policy:
            deploy.pop("restart_policy")  # type: ignore[union-attr]
    if doc.get("restart") == "on-failure:0":
        doc["restart"] = "on-failure"  # Compose passes the retry count 0 for both
    doc.setdefault("restart", "no")  # the engine's default: a container is not restarted
    check = doc.get("healthcheck")
    if (isinstance(check, dict) and check.get("test") in (["NONE"], "NONE")) or (
        isinstance(check, dict) and check.get("disable") is True
    ):
        doc["healthcheck"] = {"disable": True}
    return doc
