"""The README keeps its promises: two quick-start commands that CI runs, a field reference
and command examples that match the code. ENVGEN_UPDATE_GOLDEN=1 rewrites the generated
parts."""

from __future__ import annotations

import os
import re
import shlex

import pytest
from envgen.spec.field_reference import spec_reference

from tests.conftest import REPO, Run, lint_markdown

README = REPO / "README.md"
UPDATE = os.environ.get("ENVGEN_UPDATE_GOLDEN") == "1"


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _quick_start_commands() -> list[str]:
    section = _section(README.read_text(encoding="utf-8"), "Quick start")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_readme_passes_the_markdown_linter() -> None:
    # MD010 (hard tabs) is off here only: pymarkdown 0.9.41 loses track of fenced blocks
    # after the README's long tables and flags the tabs inside the Caddyfile shown below
    # them, although code blocks are excluded (and it does not, cut to that section).
    assert lint_markdown(README.read_text(encoding="utf-8"), disabled=("md010",)) == []


def test_quick_start_is_two_one_line_commands() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert commands[0].endswith("envgen render")
    assert "'.[test]'" in commands[1]
    assert commands[1].endswith("pytest -q")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci/run").read_text(encoding="utf-8").splitlines()
    assert _quick_start_commands()[1] in ci
    assert ".venv/bin/envgen check" in ci
    assert ci.index(".venv/bin/envgen check") > ci.index(_quick_start_commands()[1])


def _replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
    assert pattern.search(text), f"README lacks the {name} markers"
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def test_field_reference_matches_the_models() -> None:
    text = README.read_text(encoding="utf-8")
    updated = _replace_block(text, "spec-reference", "\n" + spec_reference() + "\n")
    if UPDATE:
        README.write_text(updated, encoding="utf-8")
    assert text == updated


# Examples of the shipped project's output, checked against the real thing: a fenced block
# after `<!-- envgen-output: ARGS -->`, or a console block with one `$ envgen ARGS` line.
MARKED = re.compile(r"<!-- envgen-output: (.*?) -->\n\n```\w+\n(.*?)```", re.DOTALL)
CONSOLE = re.compile(r"```console\n\$ envgen ([^\n]*)\n((?:(?!\$ )[^\n]*\n)*?)```")


def _examples() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    return MARKED.findall(text) + CONSOLE.findall(text)


def test_readme_has_checked_examples() -> None:
    assert len(_examples()) >= 5


@pytest.mark.parametrize(("args", "shown"), _examples(), ids=[args for args, _ in _examples()])
def test_command_examples_show_real_output(run: Run, args: str, shown: str) -> None:
    result = run("--root", REPO, *shlex.split(args))
    if UPDATE and result.stdout != shown:
        text = README.read_text(encoding="utf-8")
        for prefix in (
            f"{args} -->\n\n```text\n",
            f"{args} -->\n\n```json\n",
            f"$ envgen {args}\n",
        ):
            text = text.replace(prefix + shown, prefix + result.stdout)
        README.write_text(text, encoding="utf-8")
        return
    assert result.stdout == shown


# Generated files shown whole: a fenced block after `<!-- envgen-file: PATH -->`.
FILES = re.compile(r"<!-- envgen-file: (.*?) -->\n\n```\w+\n(.*?)```", re.DOTALL)


def test_generated_files_are_shown_as_they_are() -> None:
    text = README.read_text(encoding="utf-8")
    shown = FILES.findall(text)
    assert [path for path, _ in shown] == ["rendered/Caddyfile", ".env.test"]
    for path, body in shown:
        actual = (REPO / path).read_text(encoding="utf-8")
        if UPDATE and body != actual:
            README.write_text(text.replace(body, actual), encoding="utf-8")
            continue
        assert body == actual
