"""What validate asks of the outputs: every enabled output's data built as render builds
it, templates aside, so that a spec no file can be made from is refused by validate, at
the spec line that causes it, and never first by render."""

from __future__ import annotations

from envgen.outputs.registry import enabled_outputs
from envgen.project.load import Project


def preflight(project: Project) -> None:
    """Raises the SpecError an output's data raises for the specs (at their lines)."""
    for output in enabled_outputs(project.settings):
        if output.environment_context is not None:
            for env in project.environments:
                output.environment_context(project, env)
        elif output.project_context is not None:
            output.project_context(project)
