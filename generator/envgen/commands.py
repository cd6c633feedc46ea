"""What each command does, as plain functions from settings to results (no terminal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from envgen.files import FileStatus, compare, write_all
from envgen.outputs.compose import COMPOSE
from envgen.outputs.registry import OUTPUTS
from envgen.policies.check import enforce
from envgen.problems import Problem
from envgen.redaction import redact
from envgen.settings import Settings
from envgen.spec.project import load_project
from envgen.spec.source import field_path


def _stale_folders(settings: Settings) -> set[PurePosixPath]:
    return {output.folder(settings) for output in OUTPUTS}


@dataclass(frozen=True)
class RenderResult:
    statuses: list[FileStatus]  # as they were before writing
    warnings: list[Problem] = field(default_factory=list)  # policy warnings, not blocking


def render(settings: Settings, names: list[str]) -> RenderResult:
    """Write the outputs of the named environments (all when none); with all of them,
    also remove generated files that no environment makes any more."""
    project = load_project(settings)
    findings = enforce(project)
    from envgen.outputs.render import render_project  # Jinja only for the commands that render

    files = render_project(project, names)
    statuses = compare(settings.root, files, _stale_folders(settings) if not names else set())
    changed = {s.path: files[s.path] for s in statuses if s.state in ("changed", "missing")}
    stale = [s.path for s in statuses if s.state == "stale"]
    write_all(settings.root, changed, stale)
    warnings = [p for p in findings if p.severity == "warning"]
    return RenderResult(statuses, warnings)


def check(settings: Settings) -> list[FileStatus]:
    """Every generated file compared with a fresh render in memory."""
    project = load_project(settings)
    enforce(project)
    from envgen.outputs.render import render_project

    return compare(settings.root, render_project(project), _stale_folders(settings))


def validate(settings: Settings, names: list[str]) -> tuple[list[str], list[Problem]]:
    """The named environments (all when none) and the findings about them that do not
    block; raises SpecError listing every problem, UsageError for an unknown name."""
    project = load_project(settings)
    findings = enforce(project)
    chosen = [env.name for env in project.select(names)]
    return chosen, [p for p in findings if p.environment in chosen]


def environments(settings: Settings) -> list[dict[str, Any]]:
    """One summary per environment, for `envgen list`."""
    project = load_project(settings)
    return [
        {
            "name": env.name,
            "alias": env.suffix if env.suffix and env.suffix != env.name else None,
            "tier": env.tier.value,
            "host": env.host.name,
            "compose_file": str(COMPOSE.destination(settings, env)),
            "services": list(env.services),
        }
        for env in project.environments
    ]


def _name_of(path: tuple[str | int, ...]) -> str | None:
    """The key a value is written under: the last named step of its path."""
    return next((str(step) for step in reversed(path) if isinstance(step, str)), None)


def origins(settings: Settings, name: str) -> list[tuple[str, Any, str]]:
    """Every value the environment's specs set, with the file:line:column it comes from
    (base.yaml or the environment's own file), in the order of the merged spec; secret
    values redacted."""
    project = load_project(settings)
    document = project.documents[project.get(name).name]
    found: list[tuple[str, Any, str]] = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, dict) and value:
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                walk(item, (*path, index))
        else:
            shown = redact(value, _name_of(path))
            if len(path) >= 2 and path[-2] == "facts":
                shown = redact(value, "facts")  # a fact's name, under a variable's name
            found.append((field_path(path), shown, str(document.position_of(path))))

    walk(document.data, ())
    return found


def show(settings: Settings, name: str) -> dict[str, Any]:
    """One environment, fully resolved, as plain data; secret values redacted."""
    project = load_project(settings)
    env = project.get(name)
    data = env.model_dump(mode="json", exclude_none=True)
    data["derived"] = {
        "compose_project": env.project_name,
        "log_format": env.logs,
        "features": env.flags,
        "sources": list(project.sources[env.name]),
    }
    return redact(data)  # type: ignore[no-any-return]
