"""The registry of generated files, in the order they are rendered and listed (the order
and the names of envgen/output_names.py, which settings read without loading this)."""

from __future__ import annotations

from envgen.outputs.caddy import CADDY
from envgen.outputs.compose import COMPOSE
from envgen.outputs.kubernetes.manifests import KUBERNETES
from envgen.outputs.makefile import MAKEFILE
from envgen.outputs.output import Output
from envgen.outputs.parity import DOCS
from envgen.outputs.preview_workflow import PREVIEW_WORKFLOW
from envgen.outputs.schema import SCHEMA
from envgen.outputs.scripts import ROLLBACK, ROLLBACK_MIGRATION
from envgen.outputs.variables import VARIABLES_EXAMPLE, VARIABLES_FILE
from envgen.outputs.workflows import DEPLOY_WORKFLOW, PULL_REQUEST_WORKFLOW
from envgen.settings import Settings

OUTPUTS: tuple[Output, ...] = (
    COMPOSE,
    DOCS,
    CADDY,
    VARIABLES_EXAMPLE,
    VARIABLES_FILE,
    MAKEFILE,
    ROLLBACK,
    ROLLBACK_MIGRATION,
    PULL_REQUEST_WORKFLOW,
    DEPLOY_WORKFLOW,
    PREVIEW_WORKFLOW,
    SCHEMA,
    KUBERNETES,
)


def enabled_outputs(settings: Settings) -> list[Output]:
    """The outputs a project renders: all but those its `disabled` setting names (each
    known: load_settings refuses an unknown one)."""
    return [output for output in OUTPUTS if output.name not in settings.disabled]
