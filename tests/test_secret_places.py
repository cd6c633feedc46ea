"""The parity table's secrets row lists what is secret, judged as the secrecy rules judge
names and values: a variable named as a secret, one given to a container variable named
as one, one in the password of a URL. A variable that names a database or its user is
listed among the other variables. Names only: no value ever appears."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.model.secret_places import secret_references
from envgen.outputs.parity import parity_rows
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import write_tree
from tests.policy_project import patched


def _service(environment: dict[str, str]) -> dict[str, object]:
    return {"services": {"db": {"image": "postgres:16", "environment": environment}}}


@pytest.mark.parametrize(
    ("environment", "secret"),
    [
        ({"POSTGRES_PASSWORD": "${DB_PASSWORD}"}, {"DB_PASSWORD"}),
        ({"POSTGRES_PASSWORD": "${DB_PW}"}, {"DB_PW"}),  # by its place
        ({"POSTGRES_USER": "${DB_USER}"}, set()),
        ({"POSTGRES_DB": "${DB_NAME}"}, set()),
        ({"POSTGRES_USER": "${DB_USER:-app}", "POSTGRES_DB": "${DB_NAME:?set it}"}, set()),
        ({"BOT": "${TELEGRAM_BOT_TOKEN}"}, {"TELEGRAM_BOT_TOKEN"}),
        ({"LLM": "${ANTHROPIC_API_KEY}"}, {"ANTHROPIC_API_KEY"}),
        ({"KEYBOARD": "${KEYBOARD_LAYOUT}"}, set()),
        ({"CACHE": "${BYPASS_CACHE}"}, set()),
        ({"SECRET_KEY_BASE": "${RAILS_MASTER}"}, {"RAILS_MASTER"}),
        ({"POSTGRES_PASSWORD_FILE": "${DB_FILE}"}, set()),  # where the secret is, not it
        (
            {"DATABASE_URL": "postgresql://${DB_USER}:${DB_PW}@postgres:5432/${DB_NAME}"},
            {"DB_PW"},
        ),
    ],
)
def test_what_is_secret(environment: dict[str, str], secret: set[str]) -> None:
    assert secret_references(_service(environment)) == secret


def test_a_list_environment_is_read_alike() -> None:
    doc = {"services": {"db": {"environment": ["POSTGRES_PASSWORD=${DB_PW}", "A=${DB_USER}"]}}}
    assert secret_references(doc) == {"DB_PW"}


_NAMED_BY_VARIABLES = (
    "services:\n  postgres:\n    environment:\n      POSTGRES_DB: ${PG_NAME:-shop}\n"
    "      POSTGRES_USER: ${PG_USER}\n      POSTGRES_PASSWORD: ${PG_PW}\n"
)


def test_the_rows_of_the_table(tmp_path: Path) -> None:
    files = patched([("production.yaml", None, _NAMED_BY_VARIABLES)])
    write_tree(tmp_path, files)
    project = load_project(load_settings(tmp_path))
    column = [env.name for env in project.environments].index("production")
    rows = {row.label: row.cells[column] for row in parity_rows(project)}
    assert rows["Secrets (variable names)"] == (
        "`PROD_BOT_TOKEN`, `PROD_LLM_KEY`, `PROD_DB_PASSWORD`, `PG_PW`"
    )
    assert rows["Other variables"] == "`PG_NAME`, `PG_USER`"
