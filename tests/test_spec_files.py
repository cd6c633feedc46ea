"""Whatever stands where a spec belongs is read or refused, never skipped, never followed
out of the project, never allowed to hang the run."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run

STAGING = "environments/staging.yaml"
RENDERED = "rendered/docker-compose.staging.yml"


def _dangling(path: Path, _: Path) -> None:
    path.symlink_to(path.parent / "nowhere.yaml")


def _folder(path: Path, _: Path) -> None:
    path.mkdir()


def _pipe(path: Path, _: Path) -> None:
    os.mkfifo(path)


def _loop(path: Path, _: Path) -> None:
    path.symlink_to(path)


def _outside(path: Path, elsewhere: Path) -> None:
    secret = elsewhere / "private.yaml"
    secret.write_text("tier: staging\nCANARY-LINE: [unclosed\n", encoding="utf-8")
    path.symlink_to(secret)


def _large(path: Path, _: Path) -> None:
    path.write_text("tier: staging\nnotes: '" + "x" * 300_000 + "'\n", encoding="utf-8")


def _latin1(path: Path, _: Path) -> None:
    path.write_bytes("tier: staging\nnotes: caf\xe9\n".encode("latin-1"))


CASES: list[tuple[str, Callable[[Path, Path], None], str]] = [
    (
        "dangling symlink",
        _dangling,
        "a symbolic link to nothing (point it at a spec, or remove it)",
    ),
    ("folder", _folder, "a folder where a spec file belongs"),
    ("named pipe", _pipe, "not a regular file (a pipe, socket or device)"),
    ("symlink loop", _loop, "a symbolic link that leads nowhere (a loop)"),
    (
        "symlink out of the project",
        _outside,
        "a symbolic link to a file outside the project "
        "(envgen reads specs only from inside the project; copy the file in)",
    ),
    ("larger than the limit", _large, "the file is larger than 256 KiB (a spec is a few KiB)"),
]


@pytest.mark.parametrize("case", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["render", "check", "validate"])
def test_a_spec_that_cannot_be_read_is_an_error_and_nothing_is_written(
    shipped: Path,
    tmp_path: Path,
    run: Run,
    case: tuple[Callable[[Path, Path], None], str],
    command: str,
) -> None:
    make, message = case
    (shipped / STAGING).unlink()
    make(shipped / STAGING, tmp_path)
    before = (shipped / RENDERED).read_text(encoding="utf-8")
    result = run("--root", shipped, command)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"{STAGING}:1:1: {message}\n1 error\n"
    assert "CANARY" not in result.output
    assert (shipped / RENDERED).read_text(encoding="utf-8") == before  # not removed as stale


def test_a_spec_that_is_not_utf8_is_refused_at_the_byte(
    shipped: Path, tmp_path: Path, run: Run
) -> None:
    _latin1(shipped / STAGING, tmp_path)
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    assert (
        result.stderr == f"{STAGING}:2:11: not UTF-8 text: byte 0xe9 is not a character\n1 error\n"
    )


def test_hidden_files_are_not_specs(shipped: Path, run: Run) -> None:
    # An editor's lock file is a dangling link named after the spec it locks.
    (shipped / "environments/.#staging.yaml").symlink_to("user@host.1234")
    (shipped / "environments/.staging.yaml.swp").write_bytes(b"\x00\xff")
    assert run("--root", shipped, "check").exit_code == 0


def test_a_symlink_inside_the_project_is_read(shipped: Path, run: Run) -> None:
    (shipped / "specs").mkdir()
    (shipped / STAGING).rename(shipped / "specs/staging.yaml")
    (shipped / STAGING).symlink_to(shipped / "specs/staging.yaml")
    assert run("--root", shipped, "check").exit_code == 0
