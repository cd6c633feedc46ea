"""The pre-commit hooks, run by pre-commit itself on a project in a git repository: they pass
on a project in sync and fail on drift.

pre-commit installs envgen from the hooks repository into an environment of its own, from
the package index (about 30 s the first time); both runs share that environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO, copy_shipped

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
# What `pip install .` needs from the hooks repository, and the manifest.
DISTRIBUTION = ("pyproject.toml", "README.md", "LICENSE", "generator", ".pre-commit-hooks.yaml")


def _git(folder: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _hooks_repository(folder: Path) -> str:
    """This checkout's envgen as a one-commit repository; its commit id."""
    for part in DISTRIBUTION:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / part)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "envgen")
    return _git(folder, "rev-parse", "HEAD")


def test_the_manifest_declares_both_hooks() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["envgen-check", "envgen-validate"]
    assert all(hook["pass_filenames"] is False for hook in hooks)
    check = next(hook for hook in hooks if hook["id"] == "envgen-check")
    for path in (
        "environments/staging.yaml",
        "environments/envgen.schema.json",
        "templates/docker-compose.yml.j2",
        "rendered/docker-compose.prod.yml",
        "rendered/scripts/rollback.sh",
        "docs/ENVIRONMENTS.md",
        "pyproject.toml",
    ):
        assert re.search(check["files"], path), path
    assert not re.search(check["files"], "docs/other.md")
    result = subprocess.run(
        [*PRE_COMMIT, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_try_repo_passes_in_sync_and_fails_on_drift(tmp_path: Path) -> None:
    rev = _hooks_repository(tmp_path / "hooks")
    project = copy_shipped(tmp_path / "project")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "project")
    # The user's HOME keeps pip's cache; PRE_COMMIT_HOME keeps pre-commit's state apart.
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PRE_COMMIT, "try-repo", str(tmp_path / "hooks"), "--ref", rev, "--all-files"],
            cwd=project,
            capture_output=True,
            text=True,
            env=environment,
            check=False,
            timeout=300,
        )

    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "envgen check......" in passed.stdout
    assert "envgen validate......" in passed.stdout

    prod = project / "rendered/docker-compose.prod.yml"
    prod.write_text(prod.read_text(encoding="utf-8").replace('cpus: "2"', 'cpus: "3"', 1))
    failed = try_repo()
    assert failed.returncode == 1
    lines = failed.stdout.splitlines()
    assert any(line.startswith("envgen check") and line.endswith("Failed") for line in lines)
    assert any(line.startswith("envgen validate") and line.endswith("Passed") for line in lines)
    assert "rendered/docker-compose.prod.yml: differs from its specs" in lines
