"""The `envgen` command line: options to core calls, results to exit codes.

Each command imports what it needs when it runs, so that `envgen list` does not pay for
Jinja and only `envgen diff` loads deepdiff.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from envgen import __version__
from envgen.errors import EnvgenError, ExitCode, SpecError
from envgen.problems import Problem, printable

if TYPE_CHECKING:
    from envgen.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str) -> Callable[[F], F]:
    """`--format`, the first choice being the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output for people or for machines.",
    )


def _settings(ctx: click.Context) -> Settings:
    from envgen.settings import find_root, load_settings

    root: Path | None = ctx.meta.get(_ROOT_KEY)
    return load_settings(root if root is not None else find_root(Path.cwd()))


_ROOT_KEY = "envgen.root"


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


def _print_problems(problems: list[Problem], *, err: bool) -> None:
    """Problem lines for people, preceded on GitHub Actions by annotations on the lines."""
    from envgen.cli import report

    if os.environ.get("GITHUB_ACTIONS") == "true":
        click.echo(report.problems_github(problems), nl=False)
    click.echo(report.problems_text(problems), nl=False, err=err)


def _report_problems(error: SpecError, output_format: str) -> None:
    from envgen.cli import report

    if output_format == "json":
        click.echo(report.problems_json(error.problems), nl=False)
        return
    _print_problems(error.problems, err=True)


def handled(command: F) -> F:
    """The one place where errors become messages and exit codes."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SpecError as error:
            _report_problems(error, kwargs.get("output_format", "text"))
            sys.exit(error.exit_code)
        except EnvgenError as error:
            click.echo(f"envgen: {printable(str(error))}", err=True)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="envgen")
def main() -> None:
    """One source of truth for every environment of a Docker Compose application."""


main.params.append(_root_option("ENVGEN_ROOT"))


@main.command()
@click.argument("environments", nargs=-1)
@click.pass_context
@handled
def render(ctx: click.Context, environments: tuple[str, ...]) -> None:
    """Write the compose file of each environment (all by default) and the docs."""
    from envgen import commands
    from envgen.cli import report

    result = commands.render(_settings(ctx), list(environments))
    click.echo(report.render_text(result.statuses), nl=False)
    if result.warnings:
        _print_problems(result.warnings, err=True)


@main.command()
@format_option("text", "json")
@click.pass_context
@handled
def check(ctx: click.Context, output_format: str) -> None:
    """Compare the committed generated files with a fresh render (exit 1 on drift)."""
    from envgen import commands
    from envgen.cli import report

    statuses = commands.check(_settings(ctx))
    fix = "envgen render"
    if output_format == "json":
        click.echo(report.check_json(statuses, fix), nl=False)
    else:
        click.echo(report.check_text(statuses, fix), nl=False)
    if any(status.state != "unchanged" for status in statuses):
        sys.exit(ExitCode.DIFFERENT)


@main.command()
@click.argument("environments", nargs=-1)
@format_option("text", "json")
@click.pass_context
@handled
def validate(ctx: click.Context, environments: tuple[str, ...], output_format: str) -> None:
    """Check the specs only: schema, references and policies."""
    from envgen import commands
    from envgen.cli import report

    names, findings = commands.validate(_settings(ctx), list(environments))
    if output_format == "json":
        click.echo(report.problems_json(findings, environments=names), nl=False)
        return
    if findings:
        _print_problems(findings, err=False)
    click.echo(f"{len(names)} environment(s) valid: {', '.join(names)}")


@main.command(name="list")
@format_option("text", "json")
@click.pass_context
@handled
def list_(ctx: click.Context, output_format: str) -> None:
    """The environments, their aliases, tiers and compose files."""
    from envgen import commands
    from envgen.cli import report

    rows = commands.environments(_settings(ctx))
    if output_format == "json":
        click.echo(report.as_json({"environments": rows}), nl=False)
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


@main.command()
@click.argument("environment")
@format_option("yaml", "json")
@click.option(
    "--origins", is_flag=True, help="Each value the specs set, with the file:line it comes from."
)
@click.pass_context
@handled
def show(ctx: click.Context, environment: str, output_format: str, origins: bool) -> None:
    """One environment, merged over base.yaml, with its derived values."""
    from envgen import commands
    from envgen.cli import report

    if origins:
        found = commands.origins(_settings(ctx), environment)
        if output_format == "json":
            records = [{"field": f, "value": v, "origin": o} for f, v, o in found]
            click.echo(report.as_json({"origins": records}), nl=False)
        else:
            click.echo(report.origins_text(found), nl=False)
        return
    data = commands.show(_settings(ctx), environment)
    if output_format == "json":
        click.echo(report.as_json(data), nl=False)
        return
    import yaml

    click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)


def use_colour(choice: str, is_tty: bool, environ: dict[str, str]) -> bool:
    """Colour on a terminal unless NO_COLOR is set (https://no-color.org); a flag wins."""
    if choice != "auto":
        return choice == "always"
    return is_tty and not environ.get("NO_COLOR")


@main.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@format_option("text", "json", "markdown")
@click.option("--service", "services", multiple=True, help="Only this service (repeatable).")
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
@click.option(
    "--color",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output; auto: on a terminal, unless NO_COLOR is set.",
)
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
    """What differs between environments A and B (names or aliases), from the specs."""
    from envgen.diff import report as diff_report
    from envgen.diff.compare import compare, narrow
    from envgen.spec.project import load_project

    project = load_project(_settings(ctx))
    full = compare(project, a, b, "spec" if spec else "compose")
    shown = narrow(full, services, undeclared_only, hide_per_environment)
    hidden = len(full.changes) - len(shown.changes)
    if output_format == "json":
        click.echo(diff_report.json(shown, hidden), nl=False)
    elif output_format == "markdown":
        click.echo(diff_report.markdown(shown, hidden), nl=False)
    else:
        colour = use_colour(color, sys.stdout.isatty(), dict(os.environ))
        click.echo(diff_report.text(shown, hidden, colour), nl=False, color=colour)
    if exit_code and shown.changes:
        sys.exit(ExitCode.DIFFERENT)


@main.command()
@format_option("text", "json", "markdown")
@handled
def rules(output_format: str) -> None:
    """The policy rules: id, severity in each tier, what each demands (and why, in json)."""
    from envgen.cli import report
    from envgen.policies import catalogue

    rows = catalogue()
    if output_format == "json":
        click.echo(report.as_json({"rules": rows}), nl=False)
    elif output_format == "markdown":
        click.echo(report.rules_markdown(rows), nl=False)
    else:
        click.echo(report.rules_text(rows), nl=False)


# Every command also takes `--root` after its name: `envgen check --root ../app`.
for _command in main.commands.values():
    _command.params.append(_root_option(None))
