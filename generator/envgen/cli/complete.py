"""Shell completion of environment and service names, read from the project's specs."""

from __future__ import annotations

from pathlib import Path

import click
from click.shell_completion import CompletionItem


def _project_names(ctx: click.Context) -> tuple[list[str], list[str]]:
    """The environments (names and aliases) and the services of the project; only the spec
    files' names when the specs do not load (completion must never fail)."""
    from envgen.commands import spec_names
    from envgen.errors import EnvgenError
    from envgen.project.load import load_project
    from envgen.settings import find_root, load_settings

    root = ctx.meta.get("envgen.root")
    try:
        settings = load_settings(root if root is not None else find_root(Path.cwd()))
    except EnvgenError:
        return [], []
    try:
        project = load_project(settings)
    except EnvgenError:
        return spec_names(settings), []
    names = [n for env in project.environments for n in dict.fromkeys((env.name, env.file_suffix))]
    services = sorted({name for env in project.environments for name in env.services})
    return names, services


def complete_environments(
    ctx: click.Context, _: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    names, _services = _project_names(ctx)
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def complete_services(
    ctx: click.Context, _: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    _names, services = _project_names(ctx)
    return [CompletionItem(name) for name in services if name.startswith(incomplete)]
