"""What each `envgen preview` command does, from settings and inputs to results."""

from __future__ import annotations

from datetime import datetime

from envgen.errors import UsageError
from envgen.model.previews.names import branch_id, family, parse_id, spelled
from envgen.policies.check import enforce
from envgen.previews.collect import OpenPulls, Preview, previews
from envgen.previews.render import instance, render_preview, template_of
from envgen.problems import Problem
from envgen.project.load import load_project
from envgen.settings import Settings


def preview_id_of(number_or_id: str | None, branch: str | None) -> str:
    """The id a command line names: `42` or `pr-42`, or `--branch NAME`."""
    if (number_or_id is None) == (branch is None):
        raise UsageError("name one preview: a pull request's number, or --branch NAME")
    if branch is not None:
        return branch_id(branch)
    assert number_or_id is not None
    found = parse_id(number_or_id)
    if found is None:
        raise UsageError(
            f"`{number_or_id}` is not a preview: give a pull request's number (42) or an id "
            "(pr-42, br-<slug>)"
        )
    return found


def render(
    settings: Settings, preview_id: str, now: datetime, template: str | None = None
) -> tuple[dict[str, str], list[Problem]]:
    """The preview's files by name (its compose file and Caddy route), once every policy
    passes on the project, and the warnings."""
    project = load_project(settings)
    findings = enforce(project)
    files = render_preview(instance(project, template_of(project, template), preview_id, now))
    return files, [p for p in findings if p.severity == "warning"]


def running(
    settings: Settings,
    projects: list[str],
    *,
    pulls: OpenPulls,
    expiries: dict[str, str],
    now: datetime,
    template: str | None = None,
) -> list[Preview]:
    """The previews among the host's projects, each with its fate."""
    chosen = template_of(load_project(settings), template)
    pattern = family(chosen.project_name, chosen.name, "plain")
    token = spelled(chosen.name, "plain")
    if pattern is None or chosen.project_name.count(token) != 1:
        raise UsageError(
            f"{chosen.name}: the compose project `{chosen.project_name}` must hold "
            f"`{token}` once, for previews' names to be told from others"
        )
    before, _, after = chosen.project_name.partition(token)
    return previews(projects, pattern, (before, after), pulls=pulls, expiries=expiries, now=now)
