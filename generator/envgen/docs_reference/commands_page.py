"""docs/reference/commands.md: every command of the click tree, with its arguments,
options, examples and exit codes, as `envgen COMMAND --help` says them."""

from __future__ import annotations

import click

from envgen.cli.main import main
from envgen.docs_reference.prose import cell as _cell
from envgen.docs_reference.prose import paragraph

INTRO = """\
# Commands

Every command takes `--root DIR` (or `ENVGEN_ROOT`), before or after its name: the project
folder, by default the nearest one upwards that holds `environments/base.yaml`.
Environments are named by name or by file suffix alike (`production` and `prod`). Exit
codes everywhere: 0 ok, 1 drift or differences, 2 invalid input (specs, settings, usage,
unwritable targets), 3 an internal error (a bug, with a traceback). [Machine
output](machine-output.md) describes `--format json`.

This page is generated from the command line's own definition (`python -m
envgen.docs_reference`); a test fails when it is out of date.
"""


def _parameter(parameter: click.Parameter) -> tuple[str, str]:
    """How a parameter is written, and what it does."""
    if isinstance(parameter, click.Argument):
        name = (parameter.metavar or (parameter.name or "").upper()) + (
            "..." if parameter.nargs == -1 else ""
        )
        return f"`{name}`", "argument" + ("" if parameter.required else " (optional)")
    assert isinstance(parameter, click.Option)
    spelling = ", ".join(parameter.opts + parameter.secondary_opts)
    what = parameter.help or ""
    if not parameter.is_flag and isinstance(parameter.type, click.Choice):
        spelling += f" {parameter.opts[0].lstrip('-').upper()}"
        what += " One of " + ", ".join(f"`{choice}`" for choice in parameter.type.choices) + "."
    elif not parameter.is_flag and parameter.name not in ("help", "version"):
        spelling += f" {parameter.type.name.upper()}"
    if parameter.show_default and parameter.default is not None and not parameter.is_flag:
        what += f" Default: `{parameter.default}`."
    if parameter.envvar:
        what += f" Environment variable: `{parameter.envvar}`."
    return f"`{spelling}`", what


def epilog_section(command: click.Command, heading: str) -> list[str]:
    """The lines of one section of a command's epilog (`Examples:`, `Exit codes:`)."""
    lines = (command.epilog or "").splitlines()
    if f"{heading}:" not in lines:
        return []
    start = lines.index(f"{heading}:") + 1
    section: list[str] = []
    for line in lines[start:]:
        if not line.strip() or line == "\b":
            break
        section.append(line)
    return section


def exit_codes(command: click.Command) -> list[tuple[str, str]]:
    return [
        (code, meaning.strip())
        for code, _, meaning in (
            line.strip().partition("  ") for line in epilog_section(command, "Exit codes")
        )
    ]


def examples(command: click.Command) -> list[tuple[str, str]]:
    lines = epilog_section(command, "Examples")
    return [(lines[i].strip(), lines[i + 1].strip()) for i in range(0, len(lines) - 1, 2)]


def _usage(name: str, command: click.Command) -> str:
    words = ["envgen", name, "[OPTIONS]"]
    for parameter in command.params:
        if isinstance(parameter, click.Argument):
            word = parameter.metavar or (parameter.name or "").upper()
            if parameter.nargs == -1:
                word = f"[{word}]..."
            elif not parameter.required:
                word = f"[{word}]"
            words.append(word)
    return " ".join(words)


def _options(command: click.Command) -> list[str]:
    out = ["| argument or option | what |", "| --- | --- |"]
    help_option = command.get_help_option(click.Context(command))
    for parameter in [*command.params, *([help_option] if help_option else [])]:
        spelling, what = _parameter(parameter)
        out.append(f"| {spelling} | {_cell(what)} |")
    return [*out, ""]


def _command(name: str, command: click.Command) -> list[str]:
    usage = _usage(name, command)
    out = [
        f"## `envgen {name}`",
        "",
        paragraph(command.help or ""),
        "",
        "```text",
        usage,
        "```",
        "",
    ]
    out += _options(command)
    shown = examples(command)
    if shown:
        out += ["Examples:", "", "```text"]
        out += [f"{example}\n    {what}" for example, what in shown]
        out += ["```", ""]
    out += ["| exit code | meaning |", "| --- | --- |"]
    out += [f"| {code} | {_cell(meaning)} |" for code, meaning in exit_codes(command)]
    out.append("")
    return out


def commands() -> dict[str, click.Command]:
    return dict(main.commands)


def page() -> str:
    out = [INTRO]
    out += ["| command | does |", "| --- | --- |"]
    out += [
        f"| [`envgen {name}`](#envgen-{name}) | {_cell(command.get_short_help_str(200))} |"
        for name, command in commands().items()
    ]
    out += [
        "",
        "## `envgen`",
        "",
        paragraph(main.help or ""),
        "",
        "```text",
        "envgen [OPTIONS] COMMAND [ARGS]...",
        "```",
        "",
    ]
    out += _options(main)
    for name, command in commands().items():
        out += _command(name, command)
    return "\n".join(out).rstrip("\n") + "\n"
