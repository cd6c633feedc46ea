"""The projects the benchmarks time are real: a generated one passes every policy and
renders files Compose accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.policies.check import enforce
from envgen.project.load import load_project
from envgen.settings import load_settings

from benchmarks.previews import validate_previews
from benchmarks.projects import compose_project, generated, with_preview_template
from tests.compose_cli import compose
from tests.conftest import Run


def test_a_generated_project_passes_every_policy(tmp_path: Path, run: Run) -> None:
    root = generated(tmp_path / "project", 4, 5)
    project = load_project(load_settings(root))
    assert [env.name for env in project.environments] == ["env0", "env1", "env2", "env3"]
    assert all(len(env.services) == 5 for env in project.environments)
    assert enforce(project) == []
    assert run("--root", root, "render").exit_code == 0
    result = compose(root / "rendered/docker-compose.e3x.yml", "config", "-q")
    assert (result.returncode, result.stderr) == (0, "")


def test_the_import_benchmark_project_imports_equal(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = compose_project(tmp_path / "project", 4)
    monkeypatch.chdir(root)
    words = ["--env", "local", "-f", "compose.yaml"]
    words += ["--env", "prod", "-f", "compose.yaml", "-f", "compose.prod.yaml"]
    result = run("--root", root, "import", "--dry-run", *words)
    assert result.exit_code == 0, result.output
    assert "local: equal, by `docker compose config`\n" in result.stdout
    assert "prod: equal, by `docker compose config`\n" in result.stdout


def test_the_generated_project_draws_every_tier(tmp_path: Path) -> None:
    project = load_project(load_settings(generated(tmp_path / "project", 8, 2)))
    assert sorted({env.tier.value for env in project.environments}) == [
        "local",
        "production",
        "staging",
        "test",
    ]
    assert enforce(project) == []


def test_two_hundred_previews_of_the_template_are_all_apart(tmp_path: Path) -> None:
    """No rule finds anything among them (before, PRX002 refused each preview's own
    network: 200 errors)."""
    root = with_preview_template(tmp_path / "project", 3)
    assert enforce(load_project(load_settings(root))) == []
    assert validate_previews(root, 200) == 0
