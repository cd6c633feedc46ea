"""Shared test helpers: a copy of the shipped project, small file trees, the CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from envgen.cli.main import main
from pymarkdown.api import PyMarkdownApi

from tests import parallel

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = (
    "pyproject.toml",
    ".gitignore",
    ".env.example",
    ".env.test",
    "environments",
    "templates",
    "rendered",
    "docs",
)


def lint_markdown(markdown: str, *, disabled: tuple[str, ...] = ()) -> list[str]:
    """pymarkdown's findings, with this repository's configuration ([tool.pymarkdown])."""
    api = PyMarkdownApi().configuration_file_path(str(REPO / "pyproject.toml"))
    for rule in disabled:
        api = api.disable_rule_by_identifier(rule)
    return [
        f"{f.line_number}:{f.column_number}: {f.rule_id} {f.rule_description}"
        f"{f.extra_error_information or ''}"
        for f in api.scan_string(markdown).scan_failures
    ]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `{relative path: text}` under `root` and return `root`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def edit_spec(root: Path, name: str, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in environments/`name`."""
    path = root / "environments" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def spec_position(root: Path, name: str, needle: str, at: str | None = None) -> str:
    """`environments/NAME:LINE:COLUMN` as a problem line says it: the one line of the spec
    that holds `needle`, at the column where `at` starts in it (by default the value after
    `key: ` in `needle`). Tests derive positions from the spec's text this way, so that an
    edit elsewhere in the spec does not move their expectations."""
    lines = (root / "environments" / name).read_text(encoding="utf-8").split("\n")
    found = [number for number, line in enumerate(lines) if needle in line]
    assert len(found) == 1, f"{needle!r} is on {len(found)} lines of {name}"
    line = lines[found[0]]
    if at is None:
        _, separator, at = needle.partition(": ")
        assert separator, f"say where in {needle!r} the position is"
    column = line.index(needle) + needle.index(at) if at in needle else line.index(at)
    return f"environments/{name}:{found[0] + 1}:{column + 1}"


def _value_line(lines: list[str], after: str, key: str) -> int:
    """The index of the `key:` line inside the block that opens at the line `after`."""
    start = lines.index(after)
    inside = " " * (len(after) - len(after.lstrip()) + 1)
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line.startswith(inside):
            break  # past the block
        if line.lstrip().startswith(f"{key}:"):
            return index
    raise AssertionError(f"no `{key}:` under {after!r}")


def spec_value(root: Path, name: str, after: str, key: str) -> tuple[int, int, str]:
    """Line, column (1-based) and text of the value of `key:` in the block that opens at
    the line `after` (`"  bot:"`), its comment left out."""
    lines = (root / "environments" / name).read_text(encoding="utf-8").split("\n")
    index = _value_line(lines, after, key)
    line = lines[index]
    column = line.index(f"{key}:") + len(key) + 3  # 1-based, after `key: `
    return index + 1, column, line[column - 1 :].split("  #")[0].strip()


def edit_value(root: Path, name: str, after: str, key: str, new: str) -> tuple[int, int, str]:
    """Set the value of `key:` in the block that opens at `after`, keeping the line's
    comment; the line, column and old value, as `spec_value` gives them."""
    path = root / "environments" / name
    lines = path.read_text(encoding="utf-8").split("\n")
    number, column, old = spec_value(root, name, after, key)
    line = lines[number - 1]
    lines[number - 1] = line[: column - 1] + line[column - 1 :].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return number, column, old


def set_envgen(root: Path, line: str) -> None:
    """Add one line to the [tool.envgen] table of the project's pyproject.toml."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert text.count("[tool.envgen]\n") == 1
    pyproject.write_text(text.replace("[tool.envgen]\n", f"[tool.envgen]\n{line}\n"), "utf-8")


def copy_shipped(destination: Path) -> Path:
    """A copy of this repository's specs, templates and generated files."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        elif source.is_file():
            shutil.copy2(source, destination / part)
    return destination


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A writable copy of the shipped project."""
    return copy_shipped(tmp_path / "project")


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Run envgen in-process: `run("--root", path, "check")`."""

    def invoke(*args: str | Path) -> Result:
        return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)

    return invoke


@pytest.fixture(autouse=True, scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test runs with the render cache on, in a folder of this session's own: the
    whole suite then also proves the cache sound (a test that edits a spec and expects a
    new result would fail on a stale hit), and nothing is left in the user's cache."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "ENVGEN_NO_CACHE")}
    os.environ["XDG_CACHE_HOME"] = str(folder)
    os.environ.pop("ENVGEN_NO_CACHE", None)
    yield folder / "envgen"
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    return parallel.workers(config)


@pytest.hookimpl(trylast=True)  # after `-m` has deselected the live suite
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    parallel.longest_first(config, items)
