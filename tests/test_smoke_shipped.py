"""The shipped project is valid and its committed files match its specs."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run


def test_shipped_project_is_in_sync(shipped: Path, run: Run) -> None:
    result = run("--root", shipped, "check")
    assert result.exit_code == 0, result.output
    assert result.output == "all 15 generated files are up to date\n"
