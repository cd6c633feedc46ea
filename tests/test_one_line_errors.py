"""A problem is one line: whatever a value holds, it cannot start another problem line, a
terminal sequence or a GitHub workflow command."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.cli.report import github_data, github_property, problems_github
from envgen.problems import Position, Problem, printable
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Run
from tests.test_bad_input import project

FORGED_KEY = '"memroy\\n::error file=x,line=1::forged\\r\\u2028\\e[31m"'


@pytest.mark.parametrize("github", [False, True])
def test_a_newline_in_a_value_forges_no_line(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, github: bool
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true" if github else "false")
    root = project(tmp_path, local=f"tier: local\nservices:\n  web:\n    {FORGED_KEY}: 1\n")
    result = run("--root", root, "validate")
    assert result.exit_code == 2
    line = (
        "environments/local.yaml:4:5: "
        "services.web.memroy\\n::error file=x,line=1::forged\\r\\u2028\\x1b[31m: "
        "unknown field `memroy\\n::error file=x,line=1::forged\\r\\u2028\\x1b[31m`"
    )
    assert result.stderr == f"{line}\n1 error\n"
    annotation = (
        "::error file=environments/local.yaml,line=4,col=5::"
        "services.web.memroy\\n::error file=x,line=1::forged\\r\\u2028\\x1b[31m: "
        "unknown field `memroy\\n::error file=x,line=1::forged\\r\\u2028\\x1b[31m`\n"
    )
    assert result.stdout == (annotation if github else "")


def test_a_file_name_is_escaped_in_text_and_in_annotation_properties() -> None:
    problem = Problem(Position("env/a,b:c\nd%.yaml", 2, 3), "f", "bad\nthing 100%")
    assert str(problem) == "env/a,b:c\\nd%.yaml:2:3: f: bad\\nthing 100%"
    assert problems_github([problem]) == (
        "::error file=env/a%2Cb%3Ac\\nd%25.yaml,line=2,col=3::f: bad\\nthing 100%25\n"
    )


def test_github_escapes_follow_the_actions_toolkit() -> None:
    assert github_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert github_property("a%b\rc\nd:e,f") == "a%25b\\rc\\nd%3Ae%2Cf"


@given(st.text())
def test_printable_text_is_one_line_with_nothing_hidden(text: str) -> None:
    shown = printable(text)
    assert shown.splitlines() == ([shown] if shown else [])
    assert all(char.isprintable() or char == " " for char in shown)
    shown.encode("utf-8")  # no lone surrogate survives


@given(st.text(), st.text())
def test_an_annotation_is_one_workflow_command(path: str, message: str) -> None:
    output = problems_github([Problem(Position(path, 1, 1), "", message)])
    assert output.count("\n") == 1
    assert output.startswith("::error file=")
    assert "::" not in output.split("::", 2)[1].removeprefix("error ")
