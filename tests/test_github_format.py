"""`--format github`: workflow commands that GitHub shows on the lines, exactly."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from envgen.cli import report
from envgen.files import FileStatus, unified
from envgen.problems import Position, Problem

from tests.conftest import Run, edit_spec

PROD = "rendered/docker-compose.prod.yml"


def _drift(old: str, new: str) -> FileStatus:
    path = PurePosixPath("x.yml")
    return FileStatus(path, "changed", unified(path, old, new))


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("a\nb\nc\n", "a\nB\nc\n", 2),  # a change inside
        ("a\nb\nc\n", "A\nb\nc\n", 1),  # the first line
        ("a\nb\nc\n", "a\nb\nc\nd\n", 4),  # an addition at the end: where it goes
        ("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n5\n6\n7\n8\nnine\n", 9),  # past the context
        ("--x\n", "--y\n", 1),  # a line that looks like a file header
    ],
)
def test_first_changed_line(old: str, new: str, line: int) -> None:
    assert report.first_changed_line(_drift(old, new)) == line


def test_missing_and_stale_files_point_at_the_first_line() -> None:
    assert report.first_changed_line(FileStatus(PurePosixPath("x.yml"), "missing")) == 1


def test_drift_annotation_is_one_exact_line(shipped: Path, run: Run) -> None:
    path = shipped / PROD
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, start=1) if text.strip().startswith("memory:"))
    rendered = lines[line - 1]
    assert rendered != '          memory: "2g"'
    lines[line - 1] = '          memory: "2g"'
    path.write_text("\n".join(lines))
    result = run("--root", shipped, "check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"::error file={PROD},line={line},title=envgen check::{PROD} differs from its specs; "
        "run `envgen render` and commit the result"
    )
    # The log keeps the diff, uncoloured.
    assert f"+{rendered}" in result.stdout.splitlines()
    assert "\x1b[" not in result.stdout


def test_drift_is_annotated_on_github_actions_in_text_mode(
    shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (shipped / PROD).unlink()
    result = run("--root", shipped, "check")
    assert result.stdout.splitlines()[0] == (
        f"::error file={PROD},line=1,title=envgen check::{PROD} is missing; "
        "run `envgen render` and commit the result"
    )


def test_no_annotation_when_in_sync(shipped: Path, run: Run) -> None:
    result = run("--root", shipped, "check", "--format", "github")
    assert (result.exit_code, result.stdout) == (0, "all 15 generated files are up to date\n")


def test_spec_problems_as_annotations_carry_the_rule(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "15432:5432", "5432:5432")
    result = run("--root", shipped, "validate", "--format", "github")
    assert result.exit_code == 2
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1
    assert annotations[0].startswith(
        "::error file=environments/test.yaml,line=35,col=9,title=TST004::"
        "services.postgres.ports.0: "
    )


def test_schema_errors_have_no_title(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: testing\n")
    result = run("--root", shipped, "render", "--format", "github")
    assert result.exit_code == 2
    assert result.stdout.startswith("::error file=environments/test.yaml,line=3,col=7::tier: ")


def test_properties_and_messages_are_escaped_as_the_toolkit_does() -> None:
    problem = Problem(
        Position("a,b:c%d.yaml", 2, 3), "services.x", "100% sure\nor\rnot", rule="SEG001"
    )
    assert report.problems_github([problem]) == (
        "::error file=a%2Cb%3Ac%25d.yaml,line=2,col=3,title=SEG001::"
        "services.x: 100%25 sure\\nor\\rnot\n"  # control characters made visible first
    )
    assert report.annotation("error", "a\nb%") == "::error::a%0Ab%25\n"
    assert report.annotation("warning", "m", title="a:b,c") == "::warning title=a%3Ab%2Cc::m\n"
