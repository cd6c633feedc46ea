"""One preview's compose file and proxy route, rendered as the template's would be."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from envgen.errors import SpecError, UsageError
from envgen.model.environment import Environment
from envgen.outputs.caddy import CADDY
from envgen.outputs.compose import COMPOSE
from envgen.outputs.registry import OUTPUTS
from envgen.outputs.render import render_project
from envgen.previews.template import expiry, instance_document
from envgen.project.load import Project
from envgen.project.validate import validate
from envgen.redaction import scrub_problems


def template_of(project: Project, name: str | None = None) -> Environment:
    """The project's preview template: the one spec with a `preview` block (or `name`)."""
    templates = [env for env in project.environments if env.preview is not None]
    if name is not None:
        templates = [env for env in templates if name in (env.name, env.file_suffix)]
    if len(templates) == 1:
        return templates[0]
    if not templates:
        raise UsageError(
            "no preview template: give one environment's spec a `preview:` block "
            "(see docs/how-to/previews.md)"
        )
    names = ", ".join(env.name for env in templates)
    raise UsageError(f"several preview templates ({names}): name one with --template")


def instance(project: Project, template: Environment, preview_id: str, now: datetime) -> Project:
    """The project with preview `preview_id` as its one environment, made from
    `template` and labelled to expire its time to live after `now`."""
    document = instance_document(
        project.documents[template.name], template.name, preview_id, expiry(now, template)
    )
    env, problems = validate(document, preview_id)
    if env is None:
        raise SpecError(scrub_problems(problems, project.secrets))
    return replace(
        project,
        environments=(env,),
        sources={preview_id: project.sources[template.name]},
        documents={preview_id: document},
        derived={},
    )


def render_preview(preview: Project) -> dict[str, str]:
    """The preview's compose file and its Caddy route (a Caddyfile of one site, for the
    proxy to import), keyed by file name."""
    others = tuple(output.name for output in OUTPUTS if output not in (COMPOSE, CADDY))
    settings = replace(preview.settings, disabled=others)
    files = render_project(replace(preview, settings=settings))
    env = preview.environments[0]
    named = {
        COMPOSE.destination(settings, env): f"docker-compose.{env.name}.yml",
        CADDY.destination(settings): f"{env.name}.caddy",
    }
    remake = f"run `envgen preview render {env.name}`"
    return {
        named[path]: _header_fixed(text, remake) for path, text in files.items() if path in named
    }


def _header_fixed(text: str, remake: str) -> str:
    """The header's second line names the command that remakes a preview's file."""
    first, second, rest = text.split("\n", 2)
    second = re.sub(r"run `envgen render[^`]*`", lambda _: remake, second)
    return "\n".join((first, second, rest))


def written_in(folder: Path, files: dict[str, str]) -> list[PurePosixPath]:
    """Each file written into `folder` (created if need be); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [PurePosixPath(folder.as_posix()) / name for name in files]
