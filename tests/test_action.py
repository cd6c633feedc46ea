"""The GitHub Action (action.yml) and its example workflow, judged by actionlint with
shellcheck, GitHub's published schemas, and by running the action's own steps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO, Run, copy_shipped
from tests.tools import BIN, run_tool, tool

ACTION = REPO / "action.yml"
EXAMPLE = REPO / "docs/examples/envgen-workflow.yml"
CHECK = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]


def _action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return loaded


def _repository_with_the_example(folder: Path, workflow: str) -> Path:
    """A checkout as GitHub sees it: the action at the root, the workflow in place."""
    shutil.copy2(ACTION, folder / "action.yml")
    (folder / ".github/workflows").mkdir(parents=True)
    path = folder / ".github/workflows/envgen.yml"
    path.write_text(workflow, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    return path


def _actionlint(folder: Path, workflow: Path) -> subprocess.CompletedProcess[str]:
    return run_tool(
        "actionlint",
        "-shellcheck",
        tool("shellcheck"),
        str(workflow.relative_to(folder)),
        cwd=folder,
        env={**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"},
    )


def test_actionlint_accepts_the_example_workflow(tmp_path: Path) -> None:
    workflow = _repository_with_the_example(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    result = _actionlint(tmp_path, workflow)
    assert (result.returncode, result.stdout) == (0, "")


def test_actionlint_reads_the_actions_inputs(tmp_path: Path) -> None:
    # A near miss: the same workflow with an input the action does not declare.
    text = EXAMPLE.read_text(encoding="utf-8").replace("          a: staging", "          c: x")
    workflow = _repository_with_the_example(tmp_path, text)
    result = _actionlint(tmp_path, workflow)
    assert result.returncode == 1
    assert 'input "c" is not defined in action "envgen"' in result.stdout


def test_github_schemas_accept_the_action_and_the_workflow() -> None:
    for builtin, path in (("github-actions", ACTION), ("github-workflows", EXAMPLE)):
        result = subprocess.run(
            [*CHECK, f"vendor.{builtin}", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout


def _steps() -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in _action()["runs"]["steps"]}


def test_the_action_installs_from_its_own_path_and_defaults_to_staging_and_production() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["a"]["default"] == "staging"
    assert action["inputs"]["b"]["default"] == "production"
    install = _steps()["Install envgen"]
    assert install["env"]["ENVGEN_SOURCE"] == "${{ github.action_path }}"
    assert '"$ENVGEN_SOURCE"' in install["run"]


def test_shellcheck_accepts_every_step_script(tmp_path: Path) -> None:
    for name, step in _steps().items():
        if "run" not in step:
            continue
        script = tmp_path / "step.sh"
        script.write_text(f"#!/usr/bin/env bash\n{step['run']}\n", encoding="utf-8")
        result = run_tool("shellcheck", str(script))
        assert result.returncode == 0, f"{name}: {result.stdout}"


def _run_step(name: str, project: Path, summary: Path) -> subprocess.CompletedProcess[str]:
    """One of the action's steps, as the runner runs it: bash, its env, the inputs' defaults."""
    step = _steps()[name]
    defaults = {key: str(value.get("default", "")) for key, value in _action()["inputs"].items()}
    environment = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    for key, value in step.get("env", {}).items():
        environment[key] = str(value).replace("${{ inputs.root }}", str(project))
        for input_name, default in defaults.items():
            environment[key] = environment[key].replace(f"${{{{ inputs.{input_name} }}}}", default)
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_steps_check_and_summarize(tmp_path: Path, run: Run) -> None:
    project = copy_shipped(tmp_path / "project")
    summary = tmp_path / "summary.md"
    checked = _run_step("envgen check", project, summary)
    assert (checked.returncode, checked.stdout) == (0, "all 15 generated files are up to date\n")
    summarized = _run_step("Summarize the undeclared differences", project, summary)
    assert summarized.returncode == 0, summarized.stderr
    expected = run(
        "--root",
        project,
        "diff",
        "staging",
        "production",
        "--undeclared-only",
        "--format",
        "markdown",
    ).stdout
    assert summary.read_text(encoding="utf-8") == expected
    assert expected.startswith("#")


def test_the_check_step_fails_with_an_annotation_on_drift(tmp_path: Path) -> None:
    project = copy_shipped(tmp_path / "project")
    prod = project / "rendered/docker-compose.prod.yml"
    prod.write_text(prod.read_text(encoding="utf-8").replace('cpus: "2"', 'cpus: "3"', 1))
    checked = _run_step("envgen check", project, tmp_path / "summary.md")
    assert checked.returncode == 1
    assert checked.stdout.startswith(
        "::error file=rendered/docker-compose.prod.yml,line=60,title=envgen check::"
    )
