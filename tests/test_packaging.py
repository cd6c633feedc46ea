"""The install users do: the wheel holds every module, template and JSON file it reads
(the Compose schema, the shipped spec schema), and runs on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from envgen.scaffolding import SPECS

from tests.conftest import REPO

PACKAGE = REPO / "generator" / "envgen"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of what the build reads: a build writes its egg-info and build/
    folders beside the sources, and two test workers building in the checkout at once
    would trip over each other's."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    ignored = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO / "generator", source / "generator", ignore=ignored)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("compose_envgen-*.whl")
    return found


def test_the_wheel_holds_every_module_and_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix in (".py", ".j2", ".typed", ".json")
    }
    assert expected - names == set()
    assert not any(name.startswith(("tests/", "generator/")) for name in names)


def test_the_wheel_holds_the_scaffold_of_envgen_init(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    scaffold = {
        str(path.relative_to(PACKAGE.parent))
        for path in (PACKAGE / "scaffold").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert scaffold >= {
        "envgen/scaffold/gitignore",
        *(f"envgen/scaffold/environments/{name}.yaml" for name in SPECS),
    }
    assert scaffold - names == set()


def test_the_wheel_names_its_command_and_license(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
    assert "envgen = envgen.cli.main:main" in archive.read(entry_points).decode()
    (metadata,) = [n for n in archive.namelist() if n.endswith("/METADATA")]
    text = archive.read(metadata).decode()
    assert "Name: compose-envgen\n" in text
    assert "License-Expression: MIT\n" in text
    assert any(n.endswith("licenses/LICENSE") for n in archive.namelist())
