"""Renders the registered outputs to `{path: text}`, checking each file before it is kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import jinja2
import yaml

from generator.caddy import caddy_context, caddy_token, caddy_variable
from generator.compose import compose_for
from generator.errors import ProjectError
from generator.outputs import CADDY, COMPOSE, DOCS, MARKER, OUTPUTS, Output, start_command
from generator.parity import parity_context
from generator.project import Project
from generator.quoting import yaml_block, yaml_key, yaml_scalar
from generator.spec import Environment


def _comment(text: str) -> str:
    """Free text as the body of one YAML comment line."""
    return re.sub(r"\s+", " ", text).strip()


def make_jinja(templates: str) -> jinja2.Environment:
    """The one Jinja environment: strict about undefined names, no autoescape (the filters
    quote for YAML instead), and output independent of the machine."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["key"] = yaml_key
    env.filters["block"] = yaml_block
    env.filters["comment"] = _comment
    env.filters["caddy"] = caddy_token
    env.filters["caddy_variable"] = caddy_variable
    return env


def compose_context(project: Project, env: Environment) -> dict[str, Any]:
    destination = COMPOSE.destination(project.settings, env)
    return {
        "marker": MARKER,
        "env": env,
        "sources": project.sources[env.name],
        "output": str(destination),
        "render_command": f"envgen render {env.name}",
        "start_command": start_command(project.settings, env),
        "descriptions": {name: service.description for name, service in env.services.items()},
        "compose": compose_for(project.settings, env),
    }


def _template(jinja: jinja2.Environment, output: Output, folder: str) -> jinja2.Template:
    try:
        return jinja.get_template(output.template)
    except jinja2.TemplateNotFound:
        raise ProjectError(f"{folder}/{output.template}: template not found") from None
    except jinja2.TemplateSyntaxError as error:
        raise ProjectError(f"{folder}/{output.template}:{error.lineno}: {error.message}") from None


def _render(template: jinja2.Template, context: dict[str, Any], name: str) -> str:
    try:
        return template.render(context)
    except jinja2.UndefinedError as error:
        raise ProjectError(f"{name}: {error.message}") from None


def _first_difference(expected: Any, actual: Any, path: str = "") -> str:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in [*expected, *(k for k in actual if k not in expected)]:
            if expected.get(key) != actual.get(key):
                return _first_difference(expected.get(key), actual.get(key), f"{path}.{key}")
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (low, high) in enumerate(zip(expected, actual, strict=True)):
            if low != high:
                return _first_difference(low, high, f"{path}[{index}]")
    return f"{path.lstrip('.') or '(top)'}: expected {expected!r}, rendered {actual!r}"


def _parse_back(text: str, expected: dict[str, Any], name: str) -> None:
    """A compose file is kept only if it reads back as exactly the intended document."""
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ProjectError(f"{name} renders invalid YAML: {error}") from None
    if parsed != expected:
        raise ProjectError(
            f"{name} does not render what the specs say: {_first_difference(expected, parsed)}"
        )


def _docs_context(project: Project) -> dict[str, Any] | None:
    return {"marker": MARKER, "project": project, **parity_context(project)}


def _caddy_context(project: Project) -> dict[str, Any] | None:
    found = caddy_context(project)
    if found is None:
        return None  # no environment is routed: no Caddyfile
    return {"marker": MARKER, "render_command": "envgen render", **found}


# What each output is made from: per environment, or from the whole project (where None
# means the file has nothing to say and is not written).
ENVIRONMENT_CONTEXTS: dict[str, Callable[[Project, Environment], dict[str, Any]]] = {
    COMPOSE.name: compose_context,
}
PROJECT_CONTEXTS: dict[str, Callable[[Project], dict[str, Any] | None]] = {
    DOCS.name: _docs_context,
    CADDY.name: _caddy_context,
}


def render_project(project: Project, names: list[str] | None = None) -> dict[PurePosixPath, str]:
    """Every output of the named environments (all when None), keyed by project path."""
    settings = project.settings
    folder = str(settings.templates)
    jinja = make_jinja(str(settings.path(settings.templates)))
    chosen = project.select(names or [])
    files: dict[PurePosixPath, str] = {}
    for output in OUTPUTS:
        template = _template(jinja, output, folder)
        name = f"{folder}/{output.template}"
        if output.per_environment:
            for env in chosen:
                context = ENVIRONMENT_CONTEXTS[output.name](project, env)
                text = _render(template, context, name)
                if output.parse_back:
                    _parse_back(text, context["compose"], name)
                files[output.destination(settings, env)] = text
        else:
            whole = PROJECT_CONTEXTS[output.name](project)
            if whole is not None:
                files[output.destination(settings)] = _render(template, whole, name)
    return files
