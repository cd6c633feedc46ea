"""Renders the registered outputs to `{path: text}`, checking each file before it is kept.

Templates come from the project's own templates folder where it has one by that name, and
from the defaults shipped inside envgen otherwise: a project overrides them file by file.
"""

from __future__ import annotations

import contextlib
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import yaml

from envgen.compose.interpolation import InterpolationError
from envgen.errors import ProjectError
from envgen.model.environment import Environment
from envgen.outputs.caddy import caddy_token, caddy_variable
from envgen.outputs.languages.compose_meaning import meaning_of
from envgen.outputs.languages.yaml_text import yaml_block, yaml_key, yaml_scalar
from envgen.outputs.output import Output, comment_line, header
from envgen.outputs.registry import OUTPUTS, enabled_outputs
from envgen.project.load import Project
from envgen.redaction import redact_text

# Where the default templates live inside the installed package.
DEFAULT_TEMPLATES = "envgen/templates"


def make_jinja(project_templates: str, bytecode_cache: Path | None = None) -> jinja2.Environment:
    """The one Jinja environment: strict about undefined names, no autoescape (the filters
    quote for each file's language instead), and output independent of the machine.
    Compiled templates are kept in `bytecode_cache` (keyed by Jinja on each template's
    source), so a later run does not compile them again."""
    env = jinja2.Environment(
        bytecode_cache=(
            _ForgivingBytecodeCache(str(_folder(bytecode_cache / "jinja")))
            if bytecode_cache is not None
            else None
        ),
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(project_templates),
                jinja2.PackageLoader("envgen", "templates"),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["key"] = yaml_key
    env.filters["block"] = yaml_block
    env.filters["comment"] = comment_line
    env.filters["caddy"] = caddy_token
    env.filters["caddy_variable"] = caddy_variable
    for output in OUTPUTS:
        env.filters.update(output.filters)
    return env


def _template(jinja: jinja2.Environment, output: Output, folder: str, name: str) -> jinja2.Template:
    try:
        return jinja.get_template(output.template)
    except jinja2.TemplateNotFound:
        raise ProjectError(
            f"{output.template}: template not found in {folder}/ nor among envgen's defaults"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise ProjectError(f"{name}:{error.lineno}: {error.message}") from None


def _render(
    template: jinja2.Template, context: dict[str, Any], command: str, output: Output, name: str
) -> str:
    try:
        body = template.render(context)
    except jinja2.UndefinedError as error:
        raise ProjectError(f"{_where(template, error, name)}: {error.message}") from None
    except ValueError as error:  # a filter refusing a value it cannot write safely
        raise ProjectError(f"{_where(template, error, name)}: {redact_text(str(error))}") from None
    except Exception as error:
        if name.endswith(_DEFAULT):
            raise  # envgen's own template failing is envgen's bug
        # The project's own template failing is the project's error, like a syntax error.
        raise ProjectError(f"{_where(template, error, name)}: {redact_text(str(error))}") from None
    sources = " + ".join(context["sources"])
    if output.comment_text is not None:
        sources = output.comment_text(sources)
    return header(output.comment, sources, command) + body


def _where(template: jinja2.Template, error: BaseException, name: str) -> str:
    """`name:LINE` at the template line that failed (Jinja rewrites the traceback to
    point into the template), or `name` alone when no frame of it is found."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == template.filename:
            line = trace.tb_lineno
        trace = trace.tb_next
    return name if line is None else f"{name}:{line}"


# How errors name a template of envgen's own (see _display_name).
_DEFAULT = " (envgen's default)"


def _display_name(project_templates: Path, folder: str, output: Output) -> str:
    """How errors name a template: the project's override, or envgen's default."""
    if (project_templates / output.template).is_file():
        return f"{folder}/{output.template}"
    return f"{output.template}{_DEFAULT}"


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


# libyaml's parser where PyYAML was built with it: the same YAML 1.1 safe loader, in C.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_back(text: str, expected: dict[str, Any], name: str) -> None:
    """A YAML file is kept only if it reads back as exactly the intended meaning: parsed
    as YAML, then every string read with Compose's interpolation grammar."""
    try:
        parsed = meaning_of(yaml.load(text, Loader=_LOADER))
    except yaml.YAMLError as error:
        raise ProjectError(f"{name} renders invalid YAML: {error}") from None
    except InterpolationError as error:
        raise ProjectError(f"{name} renders text Compose refuses: {error}") from None
    if parsed != expected:
        raise ProjectError(
            f"{name} does not render what the specs say: {_first_difference(expected, parsed)}"
        )


def _verify(output: Output, text: str, context: dict[str, Any], name: str) -> str:
    """The rendered text, once its language's read-back accepts it."""
    if output.verify is not None:
        wrong = output.verify(text, context)
        if wrong is not None:
            raise ProjectError(f"{name} does not render what the specs say: {wrong}")
    return text


class _ForgivingBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache, where a folder that cannot be used (a file, unwritable, a
    full disk) means compiling again: a cache is never a reason to fail."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _folder(path: Path) -> Path:
    """`path`, created if it can be; Jinja's cache then skips what it cannot write."""
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    return path


def render_project(
    project: Project,
    names: list[str] | None = None,
    bytecode_cache: Path | None = None,
    only: tuple[str, ...] = (),
) -> dict[PurePosixPath, str]:
    """Every output of the named environments (all when None), keyed by project path;
    with `only`, the outputs of those names alone."""
    settings = project.settings
    jinja = make_jinja(str(settings.path(settings.templates)), bytecode_cache)
    chosen: list[Environment] = project.select(names or [])
    files: dict[PurePosixPath, str] = {}
    for output in enabled_outputs(settings):
        if only and output.name not in only:
            continue
        if output.project_text is not None:
            files[output.destination(settings)] = output.project_text(project)
            continue
        if output.environment_files is not None:
            for each in chosen:
                files.update(output.environment_files(project, each))
            continue
        name = _display_name(settings.path(settings.templates), str(settings.templates), output)
        template = _template(jinja, output, str(settings.templates), name)
        for env in chosen if output.environment_context is not None else [None]:
            try:
                text = _render_one(project, output, env, template, name)
            except ValueError as error:  # a value the file's language cannot hold safely
                where = f"{output.name} of {env.name}" if env is not None else output.name
                raise ProjectError(f"{where}: {error}") from None
            if text is not None:
                files[output.destination(settings, env)] = text
    return files


def _render_one(
    project: Project,
    output: Output,
    env: Environment | None,
    template: jinja2.Template,
    name: str,
) -> str | None:
    """One file of an output, checked; None when its context has nothing to say."""
    if env is not None and output.environment_context is not None:
        context = output.environment_context(project, env)
        command = f"envgen render {env.name}"
    elif output.project_context is not None:
        context = output.project_context(project)
        command = "envgen render"
    else:
        return None
    if context is None:
        return None
    text = _render(template, context, command, output, name)
    if output.parse_back:
        _parse_back(text, context["meaning"], name)
    return _verify(output, text, context, name)
