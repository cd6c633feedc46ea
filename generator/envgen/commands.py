"""What each command does, as plain functions from settings to results (no terminal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from envgen.errors import GuardError
from envgen.files import FileStatus, compare, project_lock, unified, write_all
from envgen.problems import Problem
from envgen.settings import Settings

if TYPE_CHECKING:
    from envgen.cache import Rendered
    from envgen.project.load import Project
    from envgen.status.running import Docker

# The modules that load specs and render (pydantic, Jinja) are imported where they are
# used: on a cache hit, `check` and `render` need none of them.


def _load(settings: Settings) -> Project:
    from envgen.project.load import load_project

    return load_project(settings)


def _stale_folders(settings: Settings) -> set[PurePosixPath]:
    from envgen.outputs.registry import OUTPUTS

    folders = {output.folder(settings) for output in OUTPUTS if output.removes_stale}
    for output in OUTPUTS:
        # A folder per environment (rendered/kubernetes/<env>/): each one on disk, so that
        # the files of a removed service or environment are found too.
        top = settings.root / output.folder(settings)
        if output.environment_files is not None and top.is_dir():
            folders |= {
                output.folder(settings) / path.name
                for path in top.iterdir()
                if path.is_dir() and not path.is_symlink()
            }
    return folders


@dataclass(frozen=True)
class RenderResult:
    statuses: list[FileStatus]  # as they were before writing
    warnings: list[Problem] = field(default_factory=list)  # policy warnings, not blocking


def _rendered(settings: Settings, names: list[str], cache: Path | None) -> Rendered:
    """The outputs of the named environments (all when none), from the render cache when
    every input is as it was, else rendered afresh (and cached)."""
    from envgen import cache as render_cache

    hit = render_cache.lookup(cache, settings, names)
    if hit is not None:
        return hit
    from envgen.outputs.render import render_project
    from envgen.policies.check import enforce

    project = _load(settings)
    findings = enforce(project)
    rendered = render_cache.Rendered(
        files=render_project(project, names, bytecode_cache=cache),
        warnings=[p for p in findings if p.severity == "warning"],
        # Only a render of every environment knows which generated files are stale.
        stale_folders=_stale_folders(settings) if not names else set(),
        consulted=frozenset(settings.consulted),
    )
    render_cache.store(cache, settings, names, rendered)
    return rendered


def render(
    settings: Settings, names: list[str], *, dry_run: bool = False, cache: Path | None = None
) -> RenderResult:
    """Write the outputs of the named environments (all when none); with all of them,
    also remove generated files that no environment makes any more. With `dry_run`,
    write nothing: the statuses say what would be done, each with its diff."""
    rendered = _rendered(settings, names, cache)
    files = rendered.files
    warnings = rendered.warnings
    if dry_run:
        statuses = compare(settings.root, files, rendered.stale_folders)
        shown = [
            replace(s, diff=unified(s.path, "", files[s.path])) if s.state == "missing" else s
            for s in statuses
        ]
        return RenderResult(shown, warnings)
    # Compared and written under one lock: a render running beside this one has either
    # finished writing (and its files read as unchanged here) or not started.
    with project_lock(settings.root):
        statuses = compare(settings.root, files, rendered.stale_folders)
        changed = {s.path: files[s.path] for s in statuses if s.state in ("changed", "missing")}
        stale = [s.path for s in statuses if s.state in ("stale", "leftover")]
        write_all(settings.root, changed, stale)
    return RenderResult(statuses, warnings)


def render_compose(settings: Settings, name: str) -> str:
    """One environment's compose file, as `render` would write it, without writing it."""
    from envgen.outputs.compose import COMPOSE
    from envgen.outputs.render import render_project
    from envgen.policies.check import enforce

    project = _load(settings)
    enforce(project)

    env = project.get(name)
    return render_project(project, [env.name])[COMPOSE.destination(settings, env)]


def schema(settings: Settings) -> list[FileStatus]:
    """Write the JSON Schema of the specs where [tool.envgen] `schema` says; it depends on
    envgen alone, so it is written even while the specs are invalid (an editor helps fix
    them)."""
    from envgen.outputs.schema import schema_text

    files = {settings.schema: schema_text()}
    with project_lock(settings.root):
        statuses = compare(settings.root, files, set())
        write_all(
            settings.root, {s.path: files[s.path] for s in statuses if s.state != "unchanged"}, []
        )
    return statuses


def check(settings: Settings, cache: Path | None = None) -> list[FileStatus]:
    """Every generated file compared with a fresh render in memory (or the cached one)."""
    rendered = _rendered(settings, [], cache)
    return compare(settings.root, rendered.files, rendered.stale_folders)


def validate(
    settings: Settings, names: list[str], cache: Path | None = None
) -> tuple[list[str], list[Problem]]:
    """The named environments (all when none) and the findings about them that do not
    block; raises SpecError listing every problem, UsageError for an unknown name."""
    from envgen import cache as results

    def answer() -> dict[str, Any]:
        from envgen.outputs.preflight import preflight
        from envgen.policies.check import enforce

        project = _load(settings)
        findings = enforce(project)
        preflight(project)  # what validate accepts, render renders
        chosen = [env.name for env in project.select(names)]
        found = [results.record(p) for p in findings if p.environment in chosen]
        return {"environments": chosen, "findings": found}

    got = results.remembered(cache, settings, ["validate", *names], answer)
    return got["environments"], [results.problem(item) for item in got["findings"]]


def spec_names(settings: Settings) -> list[str]:
    """The environments the spec files name, read from the folder alone (for a result
    that must name them while the specs are invalid, and for shell completion)."""
    folder = settings.path(settings.environments)
    return sorted(
        path.stem
        for path in folder.glob("*.y*ml")
        if path.suffix in (".yaml", ".yml") and path.stem != "base" and path.is_file()
    )


def environments(settings: Settings, cache: Path | None = None) -> list[dict[str, Any]]:
    """One summary per environment, for `envgen list`."""
    from envgen.cache import remembered

    return remembered(cache, settings, ["list"], lambda: _summaries(settings))  # type: ignore[no-any-return]


def _summaries(settings: Settings) -> list[dict[str, Any]]:
    from envgen.outputs.compose import COMPOSE

    project = _load(settings)
    return [
        {
            "name": env.name,
            "alias": env.suffix if env.suffix and env.suffix != env.name else None,
            "tier": env.tier.value,
            "host": env.host.name,
            # None for an environment not on Compose: it has no compose file.
            "compose_file": (
                str(COMPOSE.destination(settings, env)) if "compose" in env.targets else None
            ),
            "services": list(env.services),
        }
        for env in project.environments
    ]


def origins(settings: Settings, name: str, cache: Path | None = None) -> list[tuple[str, Any, str]]:
    """`envgen show --origins` (see _origins), kept in the cache like a render."""
    from envgen.cache import remembered

    found = remembered(cache, settings, ["origins", name], lambda: _origins(settings, name))
    return [(field, value, origin) for field, value, origin in found]


def _origins(settings: Settings, name: str) -> list[tuple[str, Any, str]]:
    """Every value the environment's specs set, with the file:line:column it comes from
    (base.yaml or the environment's own file), in the order of the merged spec; secret
    values redacted."""
    from envgen.reading.source import field_path
    from envgen.redaction import name_at, redact

    project = _load(settings)
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
            shown = redact(value, name_at(path))
            found.append((field_path(path), shown, str(document.position_of(path))))

    walk(document.data, ())
    return found


def show(settings: Settings, name: str, cache: Path | None = None) -> dict[str, Any]:
    """`envgen show` (see _show), kept in the cache like a render."""
    from envgen.cache import remembered

    return remembered(cache, settings, ["show", name], lambda: _show(settings, name))  # type: ignore[no-any-return]


def _show(settings: Settings, name: str) -> dict[str, Any]:
    """One environment, fully resolved, as plain data; secret values redacted."""
    from envgen.redaction import redact

    project = _load(settings)
    env = project.get(name)
    data = env.model_dump(mode="json", exclude_none=True)
    data["derived"] = {
        "compose_project": env.project_name,
        "log_format": env.logs,
        "features": env.flags,
        "sources": list(project.sources[env.name]),
    }
    return redact(data)  # type: ignore[no-any-return]


def guard(settings: Settings, name: str, environ: Mapping[str, str]) -> str:
    """What `environ` may hold for environment `name`; raises GuardError naming every
    variable that points at another environment's resources."""
    from envgen.runtime_guard import trespasses

    project = _load(settings)
    own = project.get(name).name
    found = trespasses(project, own, environ)
    if found:
        raise GuardError(own, [str(trespass) for trespass in found])
    return f"guard {own}: no variable points at another environment"


def status(
    settings: Settings, name: str, environ: Mapping[str, str], docker: Docker
) -> tuple[str, list[str]]:
    """The environment's name and every difference between it running on the engine (read through
    `docker`) and its rendered compose file, resolved with `environ` (none: in sync).
    A UsageError when nothing of it runs. Starts, stops and changes nothing."""
    import yaml

    from envgen.errors import UsageError
    from envgen.status.compare import compare
    from envgen.status.running import running
    from envgen.status.wanted import rendered_file, wanted

    project = _load(settings)
    env = project.get(name)
    file = rendered_file(settings.root, settings.rendered, env.file_suffix)
    if not file.is_file():
        raise UsageError(f"status {env.name}: no rendered file {file.name}: run `envgen render`")
    expected = wanted(yaml.safe_load(file.read_text()), file, environ)
    found = running(expected.name, expected.networks, docker)
    if not any(seen.service for seen in found):
        raise UsageError(
            f"status {env.name}: no container of project {expected.name} on this engine"
        )
    return env.name, compare(expected, found)
