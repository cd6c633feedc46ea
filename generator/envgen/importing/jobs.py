"""Which services are one-shot jobs (`job: migration | seed | task`), read from what the
files say: `restart: "no"`, a profile, a command that migrates or seeds, a service that
waits for it to complete, a comment. Each inferred kind carries its evidence; where the
signs are few or contradict each other, a TODO says what was found."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

KeyPath = tuple[str | int, ...]

# A team's own words for a service that runs and ends.
_ONE_SHOT = re.compile(r"\bone[- ]?shot\b|\bruns? once\b|\brun-once\b", re.IGNORECASE)
# A shell line that chains commands: a migration followed by a server is no job.
_CHAINED = re.compile(r"&&|\|\||[;|\n]")
_TOKEN = re.compile(r"[^\s;&|()'\"`]+")
# deploy.restart_policy.condition in `restart`'s words.
_CONDITIONS = {"none": "no", "on-failure": "on-failure", "any": "always"}
# Tools whose own word for migrating is not "migrate": (tool, subcommand).
_MIGRATORS = (("alembic", "upgrade"), ("liquibase", "update"), ("goose", "up"), ("dbmate", "up"))
_MIGRATION_IMAGES = ("flyway", "liquibase")
_SEED_WORDS = ("seed", "seeds", "seeding", "loaddata")


@dataclass
class _Signs:
    """What the files say of one service, over every environment that has it."""

    restart_no: bool = False
    profiles: list[str] = field(default_factory=list)
    waited_by: list[str] = field(default_factory=list)
    kind: str | None = None  # from the command or the image: migration or seed
    command: str = ""  # the command (or image) that says the kind, as shown
    chained: bool = False
    comment: str = ""
    against: list[str] = field(default_factory=list)  # what says it runs for good


@dataclass(frozen=True)
class Jobs:
    """The kind of each service found to be a job, its evidence, and the TODO lines for
    the services that may be jobs."""

    kinds: dict[str, str]
    evidence: dict[str, str]
    todos: dict[str, str]


def infer_jobs(models: Sequence[Mapping[str, Any]], comments: Mapping[KeyPath, list[str]]) -> Jobs:
    """The jobs among the services of `models` (Compose's model of each environment):
    one when a service waits for it to complete, or its command migrates or seeds (and
    runs nothing after), or two of `restart: "no"`, a profile and a comment that says
    one-shot agree; never when it publishes a port, has a health check, is waited on as
    healthy or restarts."""
    signs: dict[str, _Signs] = {}
    for model in models:
        services = model.get("services") or {}
        for name, service in services.items():
            _read(signs.setdefault(name, _Signs()), service)
        for name, service in services.items():
            for other, condition in _dependencies(service):
                if other not in services:
                    continue
                found = signs.setdefault(other, _Signs())
                if condition == "service_completed_successfully" and name not in found.waited_by:
                    found.waited_by.append(name)
                elif condition == "service_healthy":
                    _add(found.against, f"`{name}` waits for it to be healthy")
    kinds: dict[str, str] = {}
    evidence: dict[str, str] = {}
    todos: dict[str, str] = {}
    for name, found in signs.items():
        found.comment = found.comment or _comment(name, comments)
        kind = found.kind or "task"
        said = _evidence(found)
        weak = sum(map(bool, (found.restart_no, found.profiles, found.comment)))
        strong = bool(found.waited_by) or (found.kind is not None and not found.chained)
        if found.against:
            if strong or weak >= 2:
                todos[name] = (
                    f"TODO: job: `{name}` looks like a one-shot job ({said}), but "
                    f"{' and '.join(found.against)}; if it runs and ends, declare "
                    f"`job: {kind}`"
                )
        elif strong or weak >= 2:
            kinds[name] = kind
            evidence[name] = said
        elif found.restart_no or found.comment or found.kind is not None:
            todos[name] = (
                f"TODO: job: `{name}` may be a one-shot job ({said}); if it runs and ends, "
                f"declare `job: {kind}`, else give it a restart policy"
            )
    return Jobs(kinds, evidence, todos)


def _read(found: _Signs, service: Mapping[str, Any]) -> None:
    mode = _restart(service)
    if mode == "no":
        found.restart_no = True
    elif mode in ("always", "unless-stopped"):
        _add(found.against, f"it has `restart: {mode}`")
    for profile in service.get("profiles") or []:
        if profile not in found.profiles:
            found.profiles.append(str(profile))
    if service.get("ports"):
        _add(found.against, "it publishes a port")
    if _health_check(service.get("healthcheck")):
        _add(found.against, "it has a health check")
    texts = [*_texts(service.get("entrypoint")), *_texts(service.get("command"))]
    kind, shown = _kind(texts), " ".join(texts)
    if kind is None and _migration_image(service.get("image")):
        kind, shown = "migration", ""
    if kind is not None and found.kind in (None, "seed"):
        found.kind = kind
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        found.command = f"`{shown}`" if shown else f"the image `{service.get('image')}`"
        found.chained = bool(shown) and any(_CHAINED.search(text) for text in texts)


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _restart(service: Mapping[str, Any]) -> str | None:
    """The restart policy's mode; `deploy.restart_policy` overrides `restart`, as
    `docker compose up` reads them."""
    deploy = service.get("deploy")
    policy = deploy.get("restart_policy") if isinstance(deploy, dict) else None
    if isinstance(policy, dict) and isinstance(policy.get("condition"), str):
        return _CONDITIONS.get(policy["condition"], policy["condition"])
    restart = service.get("restart")
    return restart.partition(":")[0] if isinstance(restart, str) else None


def _health_check(check: Any) -> bool:
    if not isinstance(check, dict) or check.get("disable") is True:
        return False
    test = check.get("test")
    return bool(test) and not (isinstance(test, list) and test[0] == "NONE")


def _dependencies(service: Mapping[str, Any]) -> list[tuple[str, str]]:
    depends = service.get("depends_on")
    if isinstance(depends, list):
        return [(str(name), "service_started") for name in depends]
    if isinstance(depends, dict):
        return [
            (str(name), str((value or {}).get("condition", "service_started")))
            for name, value in depends.items()
        ]
    return []


def _texts(command: Any) -> list[str]:
    if isinstance(command, str):
        return [command]
    if isinstance(command, list):
        return [str(word) for word in command]
    return []


def _kind(texts: list[str]) -> str | None:
    """`migration` or `seed` when the command's words say it (a flag says nothing: a
    long-running program may take `--migrate`)."""
    tokens = [token.lower() for text in texts for token in _TOKEN.findall(text) if token[:1] != "-"]
    if any("migrat" in token for token in tokens) or any(
        tool in tokens and word in tokens for tool, word in _MIGRATORS
    ):
        return "migration"
    steps = (re.split(r"[-_.:]", token.rsplit("/", 1)[-1]) for token in tokens)
    return "seed" if any(step in _SEED_WORDS for parts in steps for step in parts) else None


def _migration_image(image: Any) -> bool:
    """A migration tool's image: `migrate/migrate`, `flyway/flyway`, `liquibase/liquibase`."""
    if not isinstance(image, str):
        return False
    repository = image.split("@")[0].rsplit("/", 1)[-1].split(":")[0].lower()
    return "migrat" in repository or repository in _MIGRATION_IMAGES


def _comment(name: str, comments: Mapping[KeyPath, list[str]]) -> str:
    """The team's words for one-shot, in a comment above the service or one of its keys."""
    for path, lines in comments.items():
        if path[:2] != ("services", name) or len(path) > 3:
            continue
        for line in lines:
            match = _ONE_SHOT.search(line)
            if match:
                return match[0]
    return ""


def _evidence(found: _Signs) -> str:
    parts = []
    if found.kind is not None:
        what = "migrates" if found.kind == "migration" else "seeds"
        parts.append(f"{found.command} {what}" + (", then runs more" if found.chained else ""))
    if found.restart_no:
        parts.append('`restart: "no"`')
    if found.profiles:
        parts.append(f"in the profile `{found.profiles[0]}`")
    parts.extend(f"`{name}` waits for it to complete" for name in found.waited_by)
    if found.comment:
        parts.append(f'a comment says "{found.comment}"')
    return ", ".join(parts)
