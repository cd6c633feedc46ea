"""The parity table's rows on how each environment is run: its make targets, the workflow
that deploys it and the gate before it, and the commands that roll it back.

Each cell is read from the data its output is rendered from (the make targets, the
workflow documents, the scripts' targets), never restated, so the table and the files
cannot disagree. An output a project switches off has no row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from envgen.model.environment import Environment
from envgen.outputs.languages.markdown import code
from envgen.outputs.makefile import MAKEFILE, targets_of
from envgen.outputs.output import Output
from envgen.outputs.scripts import (
    CONFIRMATION,
    ROLLBACK,
    ROLLBACK_MIGRATION,
    Target,
    migration_context,
    rollback_context,
)
from envgen.outputs.workflows import (
    DEPLOY_WORKFLOW,
    PULL_REQUEST_WORKFLOW,
    deploy_context,
    tested_on_pull_requests,
)
from envgen.project.load import Project

Cell = Callable[[Environment], str]
NONE = "none"  # this environment has no such thing


def _enabled(project: Project, output: Output) -> bool:
    return output.name not in project.settings.disabled


def _make_targets(project: Project) -> Cell:
    def cell(env: Environment) -> str:
        return ", ".join(code(f"make {t.name}") for t in targets_of(project.settings, env))

    return cell


def _deploys(project: Project) -> dict[str, dict[str, Any]]:
    """The workflow document of each environment the deploy-workflow output renders."""
    contexts = {env.name: deploy_context(project, env) for env in project.environments}
    return {name: context["document"] for name, context in contexts.items() if context}


def _trigger(document: dict[str, Any]) -> str:
    trigger = document["on"]
    if "push" in trigger:
        branches = ", ".join(code(branch) for branch in trigger["push"]["branches"])
        return f"deploys on every push to {branches}"
    return f"deploys when started by hand ({code('workflow_dispatch')})"


def _workflow(project: Project) -> tuple[Cell, Cell]:
    """The cells `Workflow` and `Approval gate`."""
    settings = project.settings
    deploys = _deploys(project) if _enabled(project, DEPLOY_WORKFLOW) else {}
    tested = (
        {env.name for env in tested_on_pull_requests(project)}
        if _enabled(project, PULL_REQUEST_WORKFLOW)
        else set()
    )

    def workflow(env: Environment) -> str:
        if env.name in deploys:
            path = code(str(DEPLOY_WORKFLOW.destination(settings, env)))
            return f"{path}: {_trigger(deploys[env.name])}"
        if env.name in tested:
            path = code(str(PULL_REQUEST_WORKFLOW.destination(settings)))
            return f"{path}: runs the tests against it on every pull request"
        return NONE

    def gate(env: Environment) -> str:
        approval = deploys.get(env.name, {}).get("jobs", {}).get("deploy", {}).get("environment")
        if approval is None:
            return NONE
        return f"the required reviewers of the GitHub environment {code(approval)}"

    return workflow, gate


def _targets(context: dict[str, Any] | None) -> dict[str, Target]:
    return {target.names[0]: target for target in (context or {}).get("targets", [])}


def _rollback(project: Project) -> Cell:
    settings = project.settings
    images = _targets(rollback_context(project)) if _enabled(project, ROLLBACK) else {}
    migrations = (
        _targets(migration_context(project)) if _enabled(project, ROLLBACK_MIGRATION) else {}
    )

    def cell(env: Environment) -> str:
        commands = []
        for targets, output, arguments in (
            (images, ROLLBACK, (env.name, "TAG")),
            (migrations, ROLLBACK_MIGRATION, (env.name,)),
        ):
            target = targets.get(env.name)
            if target is not None:
                confirm = (CONFIRMATION,) if target.production else ()
                words = (str(output.destination(settings)), *arguments, *confirm)
                commands.append(code(" ".join(words)))
        return ", ".join(commands) or NONE

    return cell


def operations_rows(project: Project) -> list[tuple[str, Cell]]:
    """(label, cell) of each row, for the outputs the project renders; a row where no
    environment has anything (no workflow at all, nothing to roll back) is left out."""
    rows: list[tuple[str, Cell]] = []
    if _enabled(project, MAKEFILE):
        rows.append(("Make targets", _make_targets(project)))
    workflow, gate = _workflow(project)
    rows += [("Workflow", workflow), ("Approval gate", gate), ("Rollback", _rollback(project))]
    return [
        (label, cell)
        for label, cell in rows
        if any(cell(env) != NONE for env in project.environments)
    ]
