"""The README keeps its promises: two quick-start commands that CI runs, a field reference
and command examples that match the code. ENVGEN_UPDATE_GOLDEN=1 rewrites the generated
parts."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import NamedTuple

import pytest
from envgen.model.field_reference import spec_reference
from envgen.outputs.registry import OUTPUTS
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings

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
# after `<!-- envgen-output: ARGS -->`, or a console block with one `$ envgen ARGS` line. An
# `<!-- envgen-edit: NAME -->` line just before the marker first makes the edits EDITS
# names in a copy of the project (a hand edit, a broken spec) and the block shows
# stdout and stderr; `envgen-excerpt` instead of `envgen-output` shows some of the lines.
MARKED = re.compile(
    r"(?:<!-- envgen-edit: ([^\n]*?) -->\n)?"
    r"<!-- envgen-(output|excerpt): ([^\n]*?) -->\n\n```\w+\n(.*?)```",
    re.DOTALL,
)
CONSOLE = re.compile(r"```console\n\$ envgen ([^\n]*)\n((?:(?!\$ )[^\n]*\n)*?)```")


# The edits the README's examples are made after, by name.
EDITS = {
    "prod-memory": [
        [
            "rendered/docker-compose.prod.yml",
            'cpus: "2"\n          memory: "384m"',
            'cpus: "2"\n          memory: "768m"',
        ]
    ],
    "broken-local": [
        ["environments/local.yaml", "tier: local\n", "tier: lokal\n"],
        [
            "environments/local.yaml",
            "    volumes:\n      - ./backend:/app\n",
            "    memroy: 512m\n    volumes:\n      - ./backend:/app\n",
        ],
        [
            "environments/local.yaml",
            "      - 127.0.0.1:8001:8001\n",
            "      - 127.0.0.1:80001:8001\n",
        ],
        [
            "environments/local.yaml",
            "  bot:\n    volumes:\n",
            "  bot:\n    memory: 12xb\n    volumes:\n",
        ],
    ],
    "staging-on-production-bot": [
        [
            "environments/staging.yaml",
            "    identity: SAQSommelierStagingBot\n",
            "    identity: SAQSommelierBot\n",
        ],
        [
            "environments/staging.yaml",
            "access: basic_auth\n",
            "access: basic_auth\nfeatures:\n  swagger_ui:\n    enabled: true\nsilence:\n"
            "  PRD007: the QA team reviews the API here before each release\n",
        ],
    ],
    "doc-cell": [
        [
            "docs/ENVIRONMENTS.md",
            "| Claude API | real | mocked | real | real |",
            "| Claude API | mocked | mocked | real | real |",
        ]
    ],
}


class Example(NamedTuple):
    args: str
    shown: str
    edits: str = ""
    kind: str = "output"
    source: str = ""  # the whole block as the README has it, to rewrite it in place


def _examples() -> list[Example]:
    text = README.read_text(encoding="utf-8")
    marked = [Example(m[3], m[4], m[1] or "", m[2], m[0]) for m in MARKED.finditer(text)]
    console = [Example(m[1], m[2], source=m[0]) for m in CONSOLE.finditer(text)]
    return marked + console


def test_readme_has_checked_examples() -> None:
    examples = _examples()
    assert len(examples) >= 10
    assert any(example.edits for example in examples)
    assert any(example.kind == "excerpt" for example in examples)


@pytest.mark.parametrize("example", _examples(), ids=[e.args for e in _examples()])
def test_command_examples_show_real_output(shipped: Path, run: Run, example: Example) -> None:
    for path, old, new in EDITS[example.edits] if example.edits else []:
        target = shipped / path
        text = target.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        target.write_text(text.replace(old, new), encoding="utf-8")
    result = run("--root", shipped, *shlex.split(example.args))
    actual = result.output if example.edits else result.stdout
    if example.kind == "excerpt":
        lines = actual.splitlines()
        shown = example.shown.splitlines()
        assert [line for line in lines if line in shown] == shown
        return
    if UPDATE and actual != example.shown:
        text = README.read_text(encoding="utf-8")
        block = example.source.replace(example.shown, actual)
        README.write_text(text.replace(example.source, block, 1), encoding="utf-8")
        return
    assert actual == example.shown


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


def _outputs_table() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- outputs:start -->\n")[1].split("<!-- outputs:end -->")[0]
    rows = [line.strip("|").split(" | ") for line in table.strip().splitlines()[2:]]
    return [[cell.strip() for cell in row] for row in rows]


def test_the_outputs_table_lists_the_registry_and_its_files() -> None:
    settings = load_settings(REPO)
    project = load_project(settings)
    rendered = render_project(project)
    expected = []
    for output in OUTPUTS:
        envs = project.environments if output.environment_context else [None]
        paths = [output.destination(settings, env) for env in envs]
        # An output this repository's specs do not call for (the preview workflow) says so.
        files = ", ".join(f"`{path}`" for path in paths if path in rendered)
        files = files or "none in this repository"
        template = f"`{output.template}`"
        if output.project_text is not None:
            template = "none: written from the models"
        expected.append([f"`{output.name}`", template, files])
    table = _outputs_table()
    assert [row[:3] for row in table] == expected
    assert all(len(row) == 5 and row[3] and row[4] for row in table)
