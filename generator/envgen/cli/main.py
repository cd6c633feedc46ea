"""The `envgen` command line: options to core calls, results to exit codes.

Each command imports what it needs when it runs, so that `envgen list` does not pay for
Jinja and only `envgen diff` loads deepdiff.
"""

from __future__ import annotations

import gc
import itertools
import os
import shlex
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from envgen.cli.colour import use_colour
from envgen.cli.complete import complete_environments, complete_services
from envgen.cli.envelope import EMPTY_DATA, envelope, message_record, problem_record
from envgen.errors import EnvgenError, ExitCode, SpecError
from envgen.problems import Problem, printable
from envgen.version import __version__

if TYPE_CHECKING:
    from envgen.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


_FORMATS = {
    "text": "for people",
    "yaml": "for people",
    "json": "for machines",
    "markdown": "for a pull request",
    "github": "as GitHub Actions annotations",
}


def format_option(*choices: str) -> Callable[[F], F]:
    """`--format`, the first choice being the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output: " + "; ".join(f"{c} {_FORMATS[c]}" for c in choices) + ".",
    )


def colour_option() -> Callable[[F], F]:
    return click.option(
        "--color",
        "color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour the text output; auto: on a terminal, or when FORCE_COLOR is set, "
        "unless NO_COLOR is set.",
    )


def _epilog(examples: list[tuple[str, str]], exits: list[tuple[int, str]]) -> str:
    """The end of a command's help: examples, then its exit codes (click keeps the lines
    of a paragraph that starts with \\b as they are)."""
    shown = "\n".join(f"  {command}\n      {what}" for command, what in examples)
    codes = "\n".join(f"  {code}  {meaning}" for code, meaning in exits)
    return f"\b\nExamples:\n{shown}\n\n\b\nExit codes:\n{codes}"


def _settings(ctx: click.Context) -> Settings:
    from envgen.settings import find_root, load_settings

    root: Path | None = ctx.meta.get(_ROOT_KEY)
    return load_settings(root if root is not None else find_root(Path.cwd()))


_ROOT_KEY = "envgen.root"


def _cache(no_cache: bool) -> Path | None:
    """The render cache's folder, unless `--no-cache` or ENVGEN_NO_CACHE=1 turn it off."""
    from envgen.cache import cache_folder

    return None if no_cache else cache_folder(os.environ)


no_cache_option = click.option(
    "--no-cache",
    is_flag=True,
    help="Render afresh, ignoring the cache in $XDG_CACHE_HOME/envgen (or ENVGEN_NO_CACHE=1).",
)


def _remember_root(ctx: click.Context, _: click.Parameter, value: Path | None) -> None:
    """`--root` is read wherever it is written, before the command name or after it; the
    one written last wins (ctx.meta is shared by the group and its command)."""
    if value is not None:
        ctx.meta[_ROOT_KEY] = value.resolve()


def _root_option(envvar: str | None) -> click.Option:
    return click.Option(
        ["--root"],
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        envvar=envvar,
        expose_value=False,
        callback=_remember_root,
        help="Project folder (default: the nearest one upwards with environments/base.yaml)"
        + (f"; or set {envvar}." if envvar else "."),
    )


def _in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _print_problems(problems: list[Problem], *, err: bool, output_format: str = "text") -> None:
    """Problem lines for people, preceded by annotations on the lines with `--format
    github`, or on GitHub Actions (GITHUB_ACTIONS=true)."""
    from envgen.cli import report

    if output_format == "github" or _in_github_actions():
        click.echo(report.problems_github(problems), nl=False)
    click.echo(report.problems_text(problems), nl=False, err=err)


def _command_name() -> str:
    context = click.get_current_context(silent=True)
    return context.info_name if context is not None and context.info_name else "envgen"


def _report_error(error: EnvgenError, output_format: str) -> None:
    if output_format == "json":
        command = _command_name()
        if isinstance(error, SpecError):
            records = [problem_record(p) for p in error.problems]
        else:
            records = [message_record(str(error))]
        click.echo(envelope(command, False, records, EMPTY_DATA.get(command, {})), nl=False)
    elif isinstance(error, SpecError):
        _print_problems(error.problems, err=True, output_format=output_format)
    else:
        for line in str(error).splitlines():  # settings problems come all at once
            click.echo(f"envgen: {line}", err=True)


def handled(command: F) -> F:
    """The one place where errors become messages and exit codes."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except EnvgenError as error:
            _report_error(error, kwargs.get("output_format", "text"))
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception:
            click.echo(
                "envgen: internal error: this is a bug in envgen, not in your specs; "
                "please report it with the traceback below",
                err=True,
            )
            click.echo(traceback.format_exc(), err=True, nl=False)
            sys.exit(ExitCode.INTERNAL)

    return run  # type: ignore[return-value]


def _wants_json(args: list[str]) -> bool:
    """Whether the command line asks for JSON, read before click has understood it."""
    return "--format=json" in args or any(
        flag == "--format" and value == "json" for flag, value in itertools.pairwise(args)
    )


class EnvgenGroup(click.Group):
    """click's group, with usage errors in the JSON envelope on stdout when the command
    line asks for `--format json`, so that a machine always gets JSON to read."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # A run is short, and most of what it allocates lives to its end: the cycle
        # collector runs less often (it still runs), which saves a quarter of a large render.
        gc.set_threshold(100_000, 20, 100)
        arguments = list(sys.argv[1:] if args is None else args)
        if not _wants_json(arguments):
            return super().main(arguments, prog_name, complete_var, standalone_mode, **extra)
        try:
            return super().main(arguments, prog_name, complete_var, False, **extra)
        except click.ClickException as error:
            command = next((a for a in arguments if a in self.commands), "envgen")
            record = message_record(error.format_message())
            click.echo(envelope(command, False, [record], EMPTY_DATA.get(command, {})), nl=False)
            sys.exit(ExitCode.INVALID)
        except click.exceptions.Abort:
            sys.exit(ExitCode.INVALID)


@click.group(cls=EnvgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="envgen")
def main() -> None:
    """One source of truth for every environment of a Docker Compose application."""


main.params.append(_root_option("ENVGEN_ROOT"))


_INVALID = (2, "invalid specs, settings or command line, or a policy error")
_BUG = (3, "a bug in envgen (with a traceback)")


@main.command(
    short_help="Start a project: a web service and PostgreSQL in four environments.",
    epilog=_epilog(
        [
            ("envgen init shop", "a new project in ./shop, for the application `shop`"),
            ("envgen init --app ledger", "here, for the application `ledger`"),
        ],
        [(0, "ok"), (2, "specs already exist there, or an invalid name (nothing written)"), _BUG],
    ),
)
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--app", help="The application's name; default: from the folder's name.")
@click.pass_context
@handled
def init(ctx: click.Context, folder: Path | None, app: str | None) -> None:
    """Start a project in FOLDER (default: --root, or here): specs for a web service and
    PostgreSQL in four environments, and the .gitignore lines for variables files."""
    from envgen import scaffolding
    from envgen.cli import report

    root = folder or ctx.meta.get(_ROOT_KEY) or Path(".")
    statuses = scaffolding.scaffold(root, app or scaffolding.app_name_of(root))
    click.echo(report.render_text(statuses), nl=False)
    where = "" if root == Path(".") else f" --root {shlex.quote(printable(str(root)))}"
    click.echo(f"next: envgen{where} render, then commit the specs and what it writes")


@main.command(
    short_help="Write the generated files (all environments by default).",
    epilog=_epilog(
        [
            ("envgen render", "every environment, the parity table, Caddyfile, schema"),
            ("envgen render staging prod", "two environments (by name or alias)"),
            ("envgen render --dry-run", "what would be written or removed, with the diff"),
            (
                "envgen render staging --stdout | docker compose"
                " --project-directory rendered -f - config",
                "one compose file, to a pipe; paths resolve from the rendered folder",
            ),
        ],
        [(0, "ok, also with warnings"), _INVALID, _BUG],
    ),
)
@click.argument("environments", nargs=-1, shell_complete=complete_environments)
@click.option(
    "--dry-run", is_flag=True, help="Show what would be written or removed, and write nothing."
)
@click.option(
    "--stdout",
    "to_stdout",
    is_flag=True,
    help="Print the one named environment's compose file instead of writing any file; "
    "paths in it are relative to the rendered folder (Compose: --project-directory).",
)
@format_option("text", "github")
@no_cache_option
@click.pass_context
@handled
def render(  # noqa: PLR0917 (click passes every option as an argument)
    ctx: click.Context,
    environments: tuple[str, ...],
    dry_run: bool,
    to_stdout: bool,
    output_format: str,
    no_cache: bool,
) -> None:
    """Write the compose file of each environment (all by default), the parity table, the
    Caddyfile and the specs' JSON Schema; with all environments, also remove the files
    envgen generated that no environment makes any more."""
    from envgen import commands
    from envgen.cli import report
    from envgen.errors import UsageError

    settings = _settings(ctx)
    if to_stdout:
        if len(environments) != 1 or dry_run:
            raise UsageError("--stdout prints one environment's compose file: name one")
        click.echo(commands.render_compose(settings, environments[0]), nl=False)
        return
    result = commands.render(settings, list(environments), dry_run=dry_run, cache=_cache(no_cache))
    click.echo(report.render_text(result.statuses, dry_run=dry_run), nl=False)
    if result.warnings:
        _print_problems(result.warnings, err=True, output_format=output_format)


@main.command(
    short_help="Fail when a generated file differs from its specs.",
    epilog=_epilog(
        [
            ("envgen check", "the files on disk against a fresh render"),
            ("envgen check --format github", "drift as annotations on the first changed line"),
            ("envgen check --format json", "for machines (docs/schemas/output.schema.json)"),
        ],
        [(0, "in sync"), (1, "drift: a file differs, is missing or is stale"), _INVALID, _BUG],
    ),
)
@format_option("text", "json", "github")
@colour_option()
@no_cache_option
@click.pass_context
@handled
def check(ctx: click.Context, output_format: str, color: str, no_cache: bool) -> None:
    """Compare the committed generated files with a fresh render in memory: changed,
    missing and stale files, with a unified diff and the command that fixes them."""
    from envgen import commands
    from envgen.cli import report

    statuses = commands.check(_settings(ctx), _cache(no_cache))
    fix = "envgen render"
    if output_format == "json":
        click.echo(report.check_json(statuses, fix), nl=False)
    else:
        if output_format == "github" or _in_github_actions():
            click.echo(report.drift_github(statuses, fix), nl=False)
        colour = output_format == "text" and use_colour(
            color, sys.stdout.isatty(), dict(os.environ)
        )
        click.echo(report.check_text(statuses, fix, colour=colour), nl=False, color=colour)
    if any(status.state != "unchanged" for status in statuses):
        sys.exit(ExitCode.DIFFERENT)


@main.command(
    short_help="Check the specs: schema, references, policies.",
    epilog=_epilog(
        [
            ("envgen validate", "every environment"),
            ("envgen validate staging", "one environment, by name or alias"),
            ("envgen validate --format github", "problems as annotations on their lines"),
        ],
        [(0, "valid, also with warnings"), _INVALID, _BUG],
    ),
)
@click.argument("environments", nargs=-1, shell_complete=complete_environments)
@format_option("text", "json", "github")
@no_cache_option
@click.pass_context
@handled
def validate(
    ctx: click.Context, environments: tuple[str, ...], output_format: str, no_cache: bool
) -> None:
    """Check the specs only, writing nothing: the schema of each spec, the names they
    refer to, and the policy rules across all environments."""
    from envgen import commands
    from envgen.cli import report

    settings = _settings(ctx)
    try:
        names, findings = commands.validate(settings, list(environments), _cache(no_cache))
    except SpecError as error:
        if output_format != "json":
            raise
        # The same keys as on success: the environments whose specs were read.
        named = list(environments) or commands.spec_names(settings)
        click.echo(report.problems_json(error.problems, environments=named), nl=False)
        sys.exit(error.exit_code)
    if output_format == "json":
        click.echo(report.problems_json(findings, environments=names), nl=False)
        return
    if findings:
        _print_problems(findings, err=False, output_format=output_format)
    click.echo(f"{len(names)} environment(s) valid: {', '.join(names)}")


@main.command(
    name="list",
    short_help="The environments, aliases, tiers and compose files.",
    epilog=_epilog(
        [("envgen list", "a table"), ("envgen list --format json", "for machines")],
        [(0, "ok"), _INVALID, _BUG],
    ),
)
@format_option("text", "json")
@no_cache_option
@click.pass_context
@handled
def list_(ctx: click.Context, output_format: str, no_cache: bool) -> None:
    """The environments, their aliases, tiers, hosts, compose files and services."""
    from envgen import commands
    from envgen.cli import report

    rows = commands.environments(_settings(ctx), _cache(no_cache))
    if output_format == "json":
        click.echo(envelope("list", True, [], {"environments": rows}), nl=False)
        return
    headers = ["NAME", "ALIAS", "TIER", "HOST", "COMPOSE FILE", "SERVICES"]
    cells = [
        [
            *(str(row[key] or "-") for key in ("name", "alias", "tier", "host", "compose_file")),
            ", ".join(row["services"]),
        ]
        for row in rows
    ]
    click.echo(report.table(headers, cells), nl=False)


@main.command(
    short_help="One environment merged over base.yaml.",
    epilog=_epilog(
        [
            ("envgen show staging", "as YAML, with its derived values"),
            ("envgen show prod --origins", "each value with the file:line it comes from"),
            ("envgen show test --format json", "for machines"),
        ],
        [(0, "ok"), (2, "an unknown environment, invalid specs or settings"), _BUG],
    ),
)
@click.argument("environment", shell_complete=complete_environments)
@format_option("yaml", "json")
@click.option(
    "--origins", is_flag=True, help="Each value the specs set, with the file:line it comes from."
)
@no_cache_option
@click.pass_context
@handled
def show(
    ctx: click.Context, environment: str, output_format: str, origins: bool, no_cache: bool
) -> None:
    """One environment, merged over base.yaml, with its derived values."""
    from envgen import commands
    from envgen.cli import report

    if origins:
        found = commands.origins(_settings(ctx), environment, _cache(no_cache))
        if output_format == "json":
            records = [{"field": f, "value": v, "origin": o} for f, v, o in found]
            click.echo(envelope("show", True, [], {"origins": records}), nl=False)
        else:
            click.echo(report.origins_text(found), nl=False)
        return
    data = commands.show(_settings(ctx), environment, _cache(no_cache))
    if output_format == "json":
        click.echo(envelope("show", True, [], data), nl=False)
        return
    import yaml

    click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)


@main.command(
    short_help="Refuse a process environment that points at another environment.",
    epilog=_epilog(
        [
            ("envgen guard test", "before a test run: no other environment's resources"),
            ("envgen guard staging", "before a deploy"),
        ],
        [
            (0, "nothing points at another environment"),
            (1, "each variable that does is named (never its value)"),
            (2, "an unknown environment, invalid specs or settings"),
            _BUG,
        ],
    ),
)
@click.argument("environment", shell_complete=complete_environments)
@click.pass_context
@handled
def guard(ctx: click.Context, environment: str) -> None:
    """Exit 1 naming each variable of this process that points at another environment's
    resources: its secret variables, database, host ports, domain or integrations."""
    from envgen import commands
    from envgen.errors import GuardError

    try:
        click.echo(commands.guard(_settings(ctx), environment, dict(os.environ)))
    except GuardError as error:
        lines = "".join(f"envgen: {printable(line)}\n" for line in error.lines())
        click.echo(lines, nl=False, err=True)
        sys.exit(error.exit_code)


@main.command(
    short_help="What differs between two environments.",
    epilog=_epilog(
        [
            ("envgen diff staging prod", "what runs, grouped by service"),
            ("envgen diff local test --service postgres", "one service"),
            (
                "envgen diff staging prod --undeclared-only --exit-code",
                "a promotion gate",
            ),
            ("envgen diff staging prod --format markdown", "a table for a pull request"),
        ],
        [
            (0, "ok, also when they differ (without --exit-code)"),
            (1, "with --exit-code, a difference is left after the options"),
            (2, "an unknown environment, invalid specs or settings"),
            _BUG,
        ],
    ),
)
@click.argument("a", metavar="A", shell_complete=complete_environments)
@click.argument("b", metavar="B", shell_complete=complete_environments)
@format_option("text", "json", "markdown")
@click.option(
    "--service",
    "services",
    multiple=True,
    shell_complete=complete_services,
    help="Only this service (repeatable).",
)
@click.option("--spec", is_flag=True, help="Compare the resolved specs instead of what runs.")
@click.option(
    "--undeclared-only", is_flag=True, help="Leave out the differences a spec declares intended."
)
@click.option(
    "--hide-per-environment",
    is_flag=True,
    help="Leave out what differs by construction (compose project and volume names).",
)
@click.option("--exit-code", is_flag=True, help="Exit 1 when a difference is left, else 0.")
@colour_option()
@click.pass_context
@handled
def diff(  # noqa: PLR0917 (click passes every option as an argument)
    ctx: click.Context,
    a: str,
    b: str,
    output_format: str,
    services: tuple[str, ...],
    spec: bool,
    undeclared_only: bool,
    hide_per_environment: bool,
    exit_code: bool,
    color: str,
) -> None:
    """What differs between environments A and B (names or aliases), from the specs,
    offline: what runs (or, with --spec, the resolved specs), grouped by service."""
    import json

    from envgen.diff import report as diff_report
    from envgen.diff.compare import compare, narrow
    from envgen.project.load import load_project

    project = load_project(_settings(ctx))
    full = compare(project, a, b, "spec" if spec else "compose")
    shown = narrow(full, services, undeclared_only, hide_per_environment)
    hidden = len(full.changes) - len(shown.changes)
    failed = exit_code and bool(shown.changes)
    if output_format == "json":
        data = json.loads(diff_report.json(shown, hidden))
        click.echo(envelope("diff", not failed, [], data), nl=False)
    elif output_format == "markdown":
        click.echo(diff_report.markdown(shown, hidden), nl=False)
    else:
        colour = use_colour(color, sys.stdout.isatty(), dict(os.environ))
        click.echo(diff_report.text(shown, hidden, colour), nl=False, color=colour)
    if failed:
        sys.exit(ExitCode.DIFFERENT)


@main.command(
    short_help="The policy rules and their severity in each tier.",
    epilog=_epilog(
        [
            ("envgen rules", "a table"),
            ("envgen rules --format markdown", "the table of the documentation's rules page"),
            ("envgen rules --format json", "with each rule's rationale"),
        ],
        [(0, "ok"), _INVALID, _BUG],
    ),
)
@format_option("text", "json", "markdown")
@handled
def rules(output_format: str) -> None:
    """The policy rules: id, severity in each tier, what each demands (and why, in json)."""
    from envgen.cli import report
    from envgen.policies import catalogue

    rows = catalogue()
    if output_format == "json":
        click.echo(envelope("rules", True, [], {"rules": rows}), nl=False)
    elif output_format == "markdown":
        click.echo(report.rules_markdown(rows), nl=False)
    else:
        click.echo(report.rules_text(rows), nl=False)


@main.command(
    short_help="Write the JSON Schema of the specs, for editors.",
    epilog=_epilog(
        [
            ("envgen schema", "write it where [tool.envgen] schema says"),
            ("envgen schema --stdout", "print it"),
        ],
        [(0, "ok"), _INVALID, _BUG],
    ),
)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the schema; write no file.")
@click.pass_context
@handled
def schema(ctx: click.Context, to_stdout: bool) -> None:
    """Write the JSON Schema (draft 2020-12) of a spec file, which editors with the YAML
    language server use for completion and errors (`render` writes it too, and `check`
    gates it). It depends on envgen alone, so it is written even while a spec is invalid."""
    from envgen.cli import report

    if to_stdout:
        from envgen.outputs.schema import schema_text

        click.echo(schema_text(), nl=False)
        return
    from envgen import commands

    click.echo(report.render_text(commands.schema(_settings(ctx))), nl=False)


@main.command(
    short_help="Compare a running environment with its rendered compose file.",
    epilog=_epilog(
        [
            ("envgen status staging", "what differs on this engine"),
            ("DOCKER_HOST=ssh://vps envgen status prod", "on another engine"),
        ],
        [
            (0, "what runs matches the rendered file"),
            (1, "each difference is named (variables by name, never their values)"),
            (2, "no container of the environment runs, no engine, or invalid specs"),
            _BUG,
        ],
    ),
)
@click.argument("environment", shell_complete=complete_environments)
@click.pass_context
@handled
def status(ctx: click.Context, environment: str) -> None:
    """Compare what runs on the Docker engine with the environment's rendered compose file
    (resolved with this process's variables, as `docker compose up` would): services
    missing or extra, containers on its networks that are not its own, and per service
    the image, the variables (by name), memory and CPU limits, ports and mounts. Reads
    only: it never starts, stops or recreates anything."""
    from envgen import commands
    from envgen.status.engine import docker_client

    settings = _settings(ctx)
    environ = dict(os.environ)
    name, lines = commands.status(settings, environment, environ, docker_client(environ))
    if not lines:
        click.echo(f"status {name}: running as rendered")
        return
    click.echo("".join(f"{printable(line)}\n" for line in lines), nl=False)
    sys.exit(ExitCode.DIFFERENT)


@main.command(
    "import",
    short_help="Turn a team's compose files into specs, proven equal by Compose.",
    context_settings={"ignore_unknown_options": True},
    epilog=_epilog(
        [
            (
                "envgen import",
                "compose.yaml (or docker-compose.yml) and one overlay per environment",
            ),
            (
                "envgen import --env dev -f docker-compose.yml -f docker-compose.dev.yml"
                " --env prod -f docker-compose.yml -f docker-compose.prod.yml",
                "each environment's files, in Compose's order",
            ),
            ("envgen import --baseline", "silence today's policy errors, so render works at once"),
            ("envgen import --dry-run", "print the specs; write nothing"),
        ],
        [
            (0, "imported, and equal to the originals by Compose"),
            (1, "imported, but Compose sees differences (listed)"),
            (2, "a file Compose refuses, missing files, or specs already there (nothing written)"),
            _BUG,
        ],
    ),
)
@click.argument("words", nargs=-1, type=click.UNPROCESSED, metavar="[--env NAME -f FILE...]...")
@click.option(
    "--baseline",
    is_flag=True,
    help="Write each policy error as a silence scoped to its service and field path, reason "
    '"found at import".',
)
@click.option("--dry-run", is_flag=True, help="Print the specs and the comparison; write nothing.")
@click.option("--force", is_flag=True, help="Write over specs that already exist.")
@click.pass_context
@handled
def import_(
    ctx: click.Context, words: tuple[str, ...], baseline: bool, dry_run: bool, force: bool
) -> None:
    """Read each environment's compose files exactly as Compose reads them (overlays,
    extends, profiles, anchors, env_file, .env), and write environments/base.yaml (what
    they share) and one spec per environment (what differs). Values the files say are
    inferred with their evidence; what they do not say is a TODO. The policies then run:
    every finding is printed as the first report. Last, envgen renders each environment in
    memory and Compose compares it with the original files."""
    from envgen.cli import import_report
    from envgen.files import write_all
    from envgen.importing.read import clean_environment, find_compose
    from envgen.importing.run import import_project, refuse_existing
    from envgen.importing.sources import discover, parse_words

    settings = _settings(ctx)
    sources = discover(settings.root, parse_words(words, Path.cwd()))
    if not dry_run and not force:
        refuse_existing(settings, [source.name for source in sources])
    compose = find_compose(os.environ.get("PATH", ""), sys.executable)
    result = import_project(
        settings, sources, compose, clean_environment(os.environ), baseline=baseline
    )
    if dry_run:
        click.echo(import_report.specs_text(result.files), nl=False)
    else:
        write_all(settings.root, result.files, [])
    click.echo(import_report.summary_text(result, settings.root, written=not dry_run), nl=False)
    if not result.equal:
        sys.exit(ExitCode.DIFFERENT)


@main.group(
    short_help="Preview environments: one per pull request, from a template spec.",
    epilog=_epilog(
        [
            ("envgen preview render 42", "pull request 42's compose file"),
            ("envgen preview render 42 --out previews/", "its compose file and Caddy route"),
            (
                "envgen preview gc --projects ls.json --open prs.json",
                "the `down` commands for closed and expired previews",
            ),
        ],
        [(0, "ok"), (1, "gc --run: a `down` command failed"), _INVALID, _BUG],
    ),
)
def preview() -> None:
    """Preview environments, made from the spec with a `preview:` block: each named after
    its pull request (pr-42) or branch (br-<slug>), with its own compose project, domain,
    database, volumes and networks (docs/how-to/previews.md)."""


def _now(value: str | None) -> Any:
    from datetime import UTC, datetime

    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise click.BadParameter(
            "write a UTC time as 2026-12-07T03:00:00Z", param_hint="--now"
        ) from None


_now_option = click.option(
    "--now",
    metavar="TIME",
    help="The time to count expiries from, as 2026-12-07T03:00:00Z; default: the clock's.",
)
_template_option = click.option(
    "--template", help="The template's name, when several specs have a `preview` block."
)


@preview.command(
    "render",
    short_help="Print (or write) one preview's compose file and Caddy route.",
)
@click.argument("pull_request", metavar="[PR]", required=False)
@click.option("--branch", help="A branch's preview instead of a pull request's.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write docker-compose.<id>.yml and <id>.caddy into this folder instead of printing.",
)
@click.option("--route", is_flag=True, help="Print the Caddy route instead of the compose file.")
@_now_option
@_template_option
@click.pass_context
@handled
def preview_render(  # noqa: PLR0917 (click passes every option as an argument)
    ctx: click.Context,
    pull_request: str | None,
    branch: str | None,
    out: Path | None,
    route: bool,
    now: str | None,
    template: str | None,
) -> None:
    """The compose file of pull request PR's preview (42 or pr-42), or of --branch's,
    labelled to expire the template's `ttl` after --now; with --out, also its route."""
    from envgen.previews import commands as previews

    preview_id = previews.preview_id_of(pull_request, branch)
    files, warnings = previews.render(_settings(ctx), preview_id, _now(now), template)
    if warnings:
        _print_problems(warnings, err=True)
    if out is not None:
        from envgen.previews.render import written_in

        for path in written_in(out, files):
            click.echo(f"wrote {printable(str(path))}")
        return
    wanted = f"{preview_id}.caddy" if route else f"docker-compose.{preview_id}.yml"
    click.echo(files[wanted], nl=False)


_projects_option = click.option(
    "--projects",
    type=click.File("r", encoding="utf-8"),
    required=True,
    help="`docker compose ls --all --format json` as printed on the host (- for stdin).",
)
_open_option = click.option(
    "--open",
    "open_pulls",
    type=click.File("r", encoding="utf-8"),
    required=True,
    help="The open pull requests: `gh pr list --state open --json number,headRefName`, "
    "or numbers one per line (- for stdin).",
)
_containers_option = click.option(
    "--containers",
    type=click.File("r", encoding="utf-8"),
    help="`docker ps --all --format json` on the host, whose expiry labels say which "
    "previews outlived their time.",
)


def _running(
    ctx: click.Context,
    *,
    projects: Any,
    open_pulls: Any,
    containers: Any,
    now: str | None,
    template: str | None,
) -> Any:
    from envgen.previews import collect
    from envgen.previews import commands as previews

    return previews.running(
        _settings(ctx),
        collect.read_projects(projects.read(), projects.name),
        pulls=collect.read_open_pulls(open_pulls.read(), open_pulls.name),
        expiries=collect.read_expiries(containers.read(), containers.name) if containers else {},
        now=_now(now),
        template=template,
    )


@preview.command("list", short_help="The previews on a host, and which gc would take down.")
@_projects_option
@_open_option
@_containers_option
@_now_option
@_template_option
@click.pass_context
@handled
def preview_list(  # noqa: PLR0917 (click passes every option as an argument)
    ctx: click.Context,
    projects: Any,
    open_pulls: Any,
    containers: Any,
    now: str | None,
    template: str | None,
) -> None:
    """Every preview among the host's compose projects (no other project is listed): its
    id, expiry, and whether it stays (its pull request open) or goes (closed, expired)."""
    from envgen.cli import report

    found = _running(
        ctx,
        projects=projects,
        open_pulls=open_pulls,
        containers=containers,
        now=now,
        template=template,
    )
    cells = [[p.project, p.preview_id, p.expires or "-", p.verdict] for p in found]
    click.echo(report.table(["PROJECT", "PREVIEW", "EXPIRES", "FATE"], cells), nl=False)


@preview.command("gc", short_help="Take down previews whose pull request closed or expired.")
@_projects_option
@_open_option
@_containers_option
@_now_option
@_template_option
@click.option("--run", "execute", is_flag=True, help="Run the commands instead of printing them.")
@click.pass_context
@handled
def preview_gc(  # noqa: PLR0917 (click passes every option as an argument)
    ctx: click.Context,
    projects: Any,
    open_pulls: Any,
    containers: Any,
    now: str | None,
    template: str | None,
    execute: bool,
) -> None:
    """Print one `docker compose -p NAME down --volumes --remove-orphans` per preview
    whose pull request is closed or whose expiry has passed, and nothing for any other
    project; with --run, run them (docker on PATH) and say each."""
    import subprocess

    found = _running(
        ctx,
        projects=projects,
        open_pulls=open_pulls,
        containers=containers,
        now=now,
        template=template,
    )
    failed = False
    for gone in (p for p in found if p.down):
        click.echo(gone.command_line())
        if execute and subprocess.run(gone.command(), check=False).returncode != 0:
            click.echo(f"envgen: `{gone.command_line()}` failed", err=True)
            failed = True
    if failed:
        sys.exit(ExitCode.DIFFERENT)


for _command in preview.commands.values():
    _command.params.append(_root_option(None))


# Every command also takes `--root` after its name: `envgen check --root ../app`.
for _command in main.commands.values():
    _command.params.append(_root_option(None))
