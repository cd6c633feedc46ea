"""Two renders of one project at once both succeed (they take turns on a lock of the
project's folder), and a render cleans only the leftovers of processes that are gone,
never the files a render still running is staging."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from envgen.files import TEMPORARY, project_lock

from tests.conftest import Run, write_tree

ENVGEN = [sys.executable, "-m", "envgen"]


def _temporary_files(root: Path) -> list[Path]:
    return [path for path in root.rglob(".envgen-*") if TEMPORARY.fullmatch(path.name)]


def test_two_renders_at_once_both_succeed_and_leave_the_files_rendered(shipped: Path) -> None:
    for _ in range(4):
        shutil.rmtree(shipped / "rendered")
        (shipped / "docs" / "ENVIRONMENTS.md").unlink()
        renders = [
            subprocess.Popen(
                [*ENVGEN, "--root", str(shipped), "render"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outcomes = [(render.wait(timeout=120), render.stderr.read()) for render in renders]  # type: ignore[union-attr]
        assert outcomes == [(0, ""), (0, "")]
        check = subprocess.run(
            [*ENVGEN, "--root", str(shipped), "check"], check=False, capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout
        assert _temporary_files(shipped) == []


def _gone_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_render_still_running_keeps_its_staged_files(shipped: Path, run: Run) -> None:
    mine = f"rendered/.envgen-docker-compose.dev.yml.{os.getpid()}-k1l2m3n4.tmp"
    gone = f"rendered/.envgen-docker-compose.dev.yml.{_gone_pid()}-a1b2c3d4.tmp"
    write_tree(shipped, {mine: "being written\n", gone: "half a file\n"})
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{gone}: is a temporary file left by an interrupted render"
    )
    assert mine not in result.stdout
    assert run("--root", shipped, "render").exit_code == 0
    assert (shipped / mine).read_text() == "being written\n"
    assert not (shipped / gone).exists()


def test_a_render_waits_while_another_holds_the_project(shipped: Path) -> None:
    (shipped / "docs" / "ENVIRONMENTS.md").unlink()
    with project_lock(shipped):
        render = subprocess.Popen(
            [*ENVGEN, "--root", str(shipped), "render"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            render.wait(timeout=8)
        assert not (shipped / "docs" / "ENVIRONMENTS.md").exists()
    assert render.wait(timeout=120) == 0
    assert (shipped / "docs" / "ENVIRONMENTS.md").exists()
