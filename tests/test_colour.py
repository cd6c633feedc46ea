"""Colour for people on a terminal, never for a pipe, and as the conventions say."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.cli.colour import unified_diff, use_colour

from tests.conftest import Run

RED, GREEN, CYAN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"


@pytest.mark.parametrize(
    ("choice", "tty", "environ", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # set but empty: not set (no-color.org)
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": "0"}, False),
        ("auto", True, {"FORCE_COLOR": "false"}, False),
        ("auto", False, {"FORCE_COLOR": ""}, False),
        ("auto", False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_use_colour(choice: str, tty: bool, environ: dict[str, str], expected: bool) -> None:
    assert use_colour(choice, tty, environ) is expected


def test_unified_diff_colours_each_kind_of_line() -> None:
    diff = "--- a/x (on disk)\n+++ b/x (rendered)\n@@ -1,2 +1,2 @@\n same\n-old\n+new\n"
    assert unified_diff(diff) == (
        f"{BOLD}--- a/x (on disk){RESET}\n{BOLD}+++ b/x (rendered){RESET}\n"
        f"{CYAN}@@ -1,2 +1,2 @@{RESET}\n same\n{RED}-old{RESET}\n{GREEN}+new{RESET}\n"
    )


def _drifted(root: Path) -> None:
    path = root / "rendered/docker-compose.prod.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('cpus: "2"', 'cpus: "3"', 1))


def test_check_colours_its_diff_when_forced(
    shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drifted(shipped)
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert f'{RED}-          cpus: "3"{RESET}' in result.stdout.splitlines()
    assert f'{GREEN}+          cpus: "2"{RESET}' in result.stdout.splitlines()
    # The summary lines stay plain, for people who search the log.
    assert (
        result.stdout.splitlines()[0] == "rendered/docker-compose.prod.yml: differs from its specs"
    )


@pytest.mark.parametrize(
    ("args", "environ"),
    [([], {}), ([], {"NO_COLOR": "1"}), (["--color", "never"], {"FORCE_COLOR": "1"})],
)
def test_check_stays_plain(
    shipped: Path,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    environ: dict[str, str],
) -> None:
    _drifted(shipped)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    result = run("--root", shipped, "check", *args)
    assert result.exit_code == 1
    assert "\x1b[" not in result.stdout


def test_check_color_always(shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _drifted(shipped)
    monkeypatch.setenv("NO_COLOR", "1")
    result = run("--root", shipped, "check", "--color", "always")
    assert f'{RED}-          cpus: "3"{RESET}' in result.stdout.splitlines()
