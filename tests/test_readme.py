"""The README and the documentation pages keep their promises: two quick-start commands
that CI runs, a tour that runs as shown on a new project, and command examples and files
that match the code. ENVGEN_UPDATE_GOLDEN=1 rewrites the shown output."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import NamedTuple

import pytest
from envgen.docs_reference.pages import PAGES as REFERENCE_PAGES

from tests.conftest import REPO, Run, lint_markdown

README = REPO / "README.md"
# The hand-written pages of the documentation site; the generated reference pages are
# tests/test_docs_reference.py's, and docs/ENVIRONMENTS.md is tests/test_parity.py's.
GENERATED = {REPO / path for path in REFERENCE_PAGES} | {REPO / "docs/ENVIRONMENTS.md"}
PAGES = [README, *sorted(p for p in (REPO / "docs").rglob("*.md") if p not in GENERATED)]
UPDATE = os.environ.get("ENVGEN_UPDATE_GOLDEN") == "1"


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _quick_start_commands() -> list[str]:
    section = _section(README.read_text(encoding="utf-8"), "Quick start")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def _name(page: Path) -> str:
    return str(page.relative_to(REPO))


def test_the_readme_is_a_front_page() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 250


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_pages_pass_the_markdown_linter(page: Path) -> None:
    # MD010 (hard tabs) is off here only: pymarkdown 0.9.41 loses track of fenced blocks
    # after long tables and flags the tabs inside the Caddyfile shown below them,
    # although code blocks are excluded (and it does not, cut to that section).
    assert lint_markdown(page.read_text(encoding="utf-8"), disabled=("md010",)) == []


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
CONSOLE = re.compile(
    r"(?<!<!-- envgen-tour -->\n\n)```console\n\$ envgen ([^\n]*)\n((?:(?!\$ )[^\n]*\n)*?)```"
)


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
    source: str = ""  # the whole block as the page has it, to rewrite it in place
    page: Path = README


def _examples() -> list[Example]:
    examples = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        examples += [
            Example(m[3], m[4], m[1] or "", m[2], m[0], page) for m in MARKED.finditer(text)
        ]
        examples += [Example(m[1], m[2], source=m[0], page=page) for m in CONSOLE.finditer(text)]
    return examples


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
        text = example.page.read_text(encoding="utf-8")
        block = example.source.replace(example.shown, actual)
        example.page.write_text(text.replace(example.source, block, 1), encoding="utf-8")
        return
    assert actual == example.shown


# Generated files shown whole: a fenced block after `<!-- envgen-file: PATH -->`.
FILES = re.compile(r"<!-- envgen-file: (.*?) -->\n\n```\w+\n(.*?)```", re.DOTALL)


def test_generated_files_are_shown_as_they_are() -> None:
    shown = [(page, *found) for page in PAGES for found in FILES.findall(page.read_text("utf-8"))]
    assert sorted(path for _, path, _ in shown) == [".env.test", "rendered/Caddyfile"]
    for page, path, body in shown:
        actual = (REPO / path).read_text(encoding="utf-8")
        if UPDATE and body != actual:
            text = page.read_text(encoding="utf-8")
            page.write_text(text.replace(body, actual), encoding="utf-8")
            continue
        assert body == actual


# The README's tour, run as shown on a new project: `<!-- envgen-tour -->` before a console
# block of `$ envgen ...` and `$ cd DIR` lines, each followed by what it prints (stdout and
# stderr); `<!-- envgen-tour-edit: NAME -->` makes the edit TOUR_EDITS names, which the
# block after it shows. Every step runs in order, in one folder.
TOUR_EDITS = {
    "staging-on-production-database": (
        "environments/staging.yaml",
        "  name: shop_staging\n",
        "  name: shop_production\n",
    ),
    "staging-on-its-own-database": (
        "environments/staging.yaml",
        "  name: shop_production\n",
        "  name: shop_staging\n",
    ),
}


def _tour_steps(text: str) -> list[tuple[str, str]]:
    """(`edit` or `run`, the edit's name or the block), in the README's order; a marker
    pair (an edit, then a block to run) gives both steps."""
    steps: list[tuple[str, str]] = []
    for match in re.finditer(r"<!-- envgen-tour(?:-edit: ([^\n]*?))? -->", text):
        if match[1]:
            steps.append(("edit", match[1]))
            continue
        block = re.match(r"\n\n```console\n(.*?)```", text[match.end() :], re.DOTALL)
        assert block is not None, "a tour marker stands before a console block"
        steps.append(("run", block[1]))
    return steps


def _commands(block: str) -> list[tuple[str, str]]:
    """Each `$ ` line of a console block, with the lines it prints."""
    found: list[tuple[str, str]] = []
    for line in block.splitlines(keepends=True):
        if line.startswith("$ "):
            found.append((line[2:].strip(), ""))
        else:
            found[-1] = (found[-1][0], found[-1][1] + line)
    return found


def test_the_tour_runs_as_shown(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    steps = _tour_steps(text)
    assert [kind for kind, _ in steps].count("edit") == len(TOUR_EDITS)
    monkeypatch.chdir(tmp_path)
    updated = text
    for kind, step in steps:
        if kind == "edit":
            path, old, new = TOUR_EDITS[step]
            target = Path.cwd() / path
            spec = target.read_text(encoding="utf-8")
            assert spec.count(old) == 1, f"{old!r} occurs {spec.count(old)} times in {path}"
            target.write_text(spec.replace(old, new), encoding="utf-8")
            continue
        block = ""
        for command, shown in _commands(step):
            words = shlex.split(command)
            if words[0] == "cd":
                monkeypatch.chdir(words[1])
                actual = ""
            else:
                assert words[0] == "envgen"
                actual = run(*words[1:]).output
            block += f"$ {command}\n{actual}"
            if not UPDATE:
                assert (command, actual) == (command, shown)
        updated = updated.replace(f"```console\n{step}```", f"```console\n{block}```", 1)
    if UPDATE:
        README.write_text(updated, encoding="utf-8")


def test_the_tour_shows_each_edit_it_makes() -> None:
    text = README.read_text(encoding="utf-8")
    for name, (_, _, new) in TOUR_EDITS.items():
        shown = re.search(rf"<!-- envgen-tour-edit: {name} -->\n\n```yaml\n(.*?)```", text, re.S)
        if shown is not None:  # an edit that only undoes one is told in words
            assert new.strip() in shown[1]
