"""Writes are all or nothing, inside the project only; I/O failures are one line, exit 2.

Faults are injected by making one os function fail on its Nth call: whatever N, the tree
after the failure is the tree before it, byte for byte and mode for mode, with no
temporary file left.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from envgen.errors import FileError
from envgen.files import write_all

from tests.conftest import Run, edit_spec, write_tree

P = PurePosixPath
Snapshot = dict[str, tuple[str, int]]


def snapshot(root: Path) -> Snapshot:
    """Every file and folder under `root`: its text (or `<dir>`) and its mode."""
    return {
        str(path.relative_to(root)): (
            "<dir>" if path.is_dir() else path.read_text(encoding="utf-8", errors="replace"),
            path.stat().st_mode & 0o777,
        )
        for path in sorted(root.rglob("*"))
    }


def fail_on_call(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    n: int,
    code: int = errno.EIO,
    inside: Path | None = None,
) -> list[int]:
    """Make os.`name` raise OSError(`code`) on its `n`th call only; returns the call count.
    With `inside`, only calls on a path inside that folder count (a cache folder's own
    writes, such as Jinja's compiled templates, are elsewhere)."""
    real: Callable[..., Any] = getattr(os, name)
    calls = [0]

    def failing(*args: Any, **kwargs: Any) -> Any:
        if inside is not None and not any(
            Path(arg).is_relative_to(inside) for arg in args if isinstance(arg, str | Path)
        ):
            return real(*args, **kwargs)
        calls[0] += 1
        if calls[0] == n:
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)
    return calls


def _tree(tmp_path: Path) -> tuple[Path, dict[PurePosixPath, str], list[PurePosixPath]]:
    root = write_tree(
        tmp_path,
        {
            "out/a.yml": "old a\n",
            "out/b.yml": "old b\n",
            "out/stale.yml": "old stale\n",
            "docs/c.md": "old c\n",
        },
    )
    (root / "out/b.yml").chmod(0o600)
    files = {
        P("out/a.yml"): "new a\n",
        P("out/b.yml"): "new b\n",
        P("docs/c.md"): "new c\n",
        P("new/deep/d.yml"): "new d\n",
    }
    return root, files, [P("out/stale.yml")]


@pytest.mark.parametrize("n", range(1, 5))
def test_a_failed_replace_puts_back_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    root, files, remove = _tree(tmp_path)
    before = snapshot(root)
    fail_on_call(monkeypatch, "replace", n)
    with pytest.raises(FileError, match=r": cannot write: Input/output error; nothing was changed"):
        write_all(root, files, remove)
    monkeypatch.undo()
    assert snapshot(root) == before


@pytest.mark.parametrize("n", [1, 2])
def test_a_failed_removal_puts_back_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    root, files, remove = _tree(tmp_path)
    remove.append(P("docs/c.md"))
    del files[P("docs/c.md")]
    before = snapshot(root)
    fail_on_call(monkeypatch, "unlink", n)
    with pytest.raises(FileError):
        write_all(root, files, remove)
    monkeypatch.undo()
    assert snapshot(root) == before


def test_a_full_disk_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, files, remove = _tree(tmp_path)
    before = snapshot(root)
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *_: object) -> None:
            self.stream.close()

        def write(self, _: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    calls = [0]

    def fdopen(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        stream = real_fdopen(*args, **kwargs)
        return Full(stream) if calls[0] == 3 else stream

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(
        FileError, match=r"^out/a.yml: cannot write: No space left on device; nothing"
    ):
        write_all(root, files, remove)
    monkeypatch.undo()
    assert snapshot(root) == before


def test_success_leaves_no_temporary_file_or_backup(tmp_path: Path) -> None:
    root, files, remove = _tree(tmp_path)
    write_all(root, files, remove)
    after = snapshot(root)
    assert not [name for name in after if ".envgen-" in name]
    assert after["out/a.yml"] == ("new a\n", 0o644)
    assert after["out/b.yml"] == ("new b\n", 0o600)
    assert "out/stale.yml" not in after


def test_render_is_all_or_nothing_and_says_so_in_one_line(
    shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_spec(shipped, "base.yaml", "app: coupette", "app: coupette2")  # every file changes
    before = snapshot(shipped)
    fail_on_call(monkeypatch, "replace", 3, inside=shipped)
    result = run("--root", shipped, "render")
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("envgen: ")
    assert result.stderr.endswith(": cannot write: Input/output error; nothing was changed\n")
    assert result.stderr.count("\n") == 1
    assert snapshot(shipped) == before


def test_an_unwritable_folder_is_one_line(
    shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    (shipped / "rendered/docker-compose.dev.yml").unlink()
    before = snapshot(shipped)

    def refuse(*_: Any, **__: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    result = run("--root", shipped, "render")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "envgen: rendered/docker-compose.dev.yml: cannot write: Permission denied; "
        "nothing was changed\n"
    )
    assert snapshot(shipped) == before


@pytest.mark.parametrize("command", ["render", "check"])
def test_a_folder_where_a_file_goes_is_one_line(shipped: Path, run: Run, command: str) -> None:
    target = shipped / "rendered/docker-compose.dev.yml"
    target.unlink()
    target.mkdir()
    result = run("--root", shipped, command)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "envgen: rendered/docker-compose.dev.yml: a folder where envgen writes a file\n"
    )
    assert target.is_dir()


def test_leftovers_of_a_killed_render_are_reported_then_cleaned(shipped: Path, run: Run) -> None:
    leftovers = [
        "rendered/.envgen-docker-compose.dev.yml.k1l2m3n4.tmp",
        "docs/.envgen-ENVIRONMENTS.md.0a1b2c3d.bak",
    ]
    write_tree(shipped, dict.fromkeys(leftovers, "half a file\n"))
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        f"{leftovers[1]}: is a temporary file left by an interrupted render",
        f"{leftovers[0]}: is a temporary file left by an interrupted render",
    ]
    result = run("--root", shipped, "render")
    assert result.exit_code == 0
    assert f"  cleaned  {leftovers[0]}" in result.stdout.splitlines()
    assert not any((shipped / path).exists() for path in leftovers)
    assert run("--root", shipped, "check").exit_code == 0


def test_a_rendered_folder_linked_out_of_the_project_is_never_written(
    shipped: Path, tmp_path: Path, run: Run
) -> None:
    elsewhere = write_tree(
        tmp_path / "elsewhere",
        {"docker-compose.old.yml": "# Generated by envgen from environments/old.yaml.\n"},
    )
    before = snapshot(elsewhere)
    shutil.rmtree(shipped / "rendered")
    (shipped / "rendered").symlink_to(elsewhere)
    for command in ("render", "check"):
        result = run("--root", shipped, command)
        assert result.exit_code == 2
        assert result.stderr.startswith("envgen: rendered/")
        assert result.stderr.endswith(
            ": its folder leads outside the project; envgen reads and writes only inside it\n"
        )
    assert snapshot(elsewhere) == before


def test_a_generated_file_linked_out_of_the_project_is_never_followed(
    shipped: Path, tmp_path: Path, run: Run
) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("theirs\n", encoding="utf-8")
    target = shipped / "rendered/docker-compose.dev.yml"
    target.unlink()
    target.symlink_to(outside)
    result = run("--root", shipped, "render")
    assert result.exit_code == 2
    assert result.stderr == (
        "envgen: rendered/docker-compose.dev.yml: a symbolic link leading outside the project; "
        "envgen reads and writes only inside it\n"
    )
    assert outside.read_text(encoding="utf-8") == "theirs\n"


SETTINGS = [
    (
        'docs = "../../x.md"',
        "`docs` = '../../x.md' leads outside the project; envgen writes only inside it",
    ),
    (
        'rendered = "a/../../out"',
        "`rendered` = 'a/../../out' leads outside the project; envgen writes only inside it",
    ),
    (
        'docs = "environments/base.yaml"',
        "`docs` = 'environments/base.yaml' would be read as a spec in `environments`",
    ),
    (
        'rendered = "./environments"',
        "`rendered` = 'environments' is also `environments`, which envgen reads",
    ),
    (
        'caddyfile = "templates/x"',
        "`caddyfile` = 'templates/x' is inside `templates`, which envgen reads",
    ),
    (
        'docs = "rendered/Caddyfile"',
        "`caddyfile` = 'rendered/Caddyfile' is also `docs`; give each its own path",
    ),
    (
        'docs = "environments/new.yml"',
        "`docs` = 'environments/new.yml' would be read as a spec in `environments`",
    ),
    ('docs = "pyproject.toml"', "`docs` = 'pyproject.toml' would overwrite the project's settings"),
    ('docs = "docs\\\\x.md"', "`docs` = 'docs\\\\x.md' holds a backslash; write paths with /"),
]


@pytest.mark.parametrize(("setting", "message"), SETTINGS)
def test_settings_paths_stay_inside_and_apart(
    shipped: Path, run: Run, setting: str, message: str
) -> None:
    pyproject = shipped / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    key = setting.split(" ", 1)[0]
    lines = [line for line in text.splitlines() if not line.startswith(f"{key} =")]
    at = lines.index("[tool.envgen]") + 1
    pyproject.write_text("\n".join([*lines[:at], setting, *lines[at:]]) + "\n", encoding="utf-8")
    before = snapshot(shipped)
    for command in ("render", "check", "list"):
        result = run("--root", shipped, command)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"envgen: pyproject.toml: [tool.envgen]: {message}\n"
    assert snapshot(shipped) == before
