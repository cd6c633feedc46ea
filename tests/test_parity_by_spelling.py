"""The parity table states what Compose runs, whatever key the spec writes it under: for
each row that Compose also spells otherwise (memory limit, published ports, storage, the
released image), every spelling of one meaning gives the same cell. The spellings are the
rules' own (envgen.policies.meaning.catalogue, planted as tests/test_rules_by_spelling.py
plants them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.outputs.parity import parity_rows
from envgen.policies.meaning.catalogue import CONCEPTS
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import write_tree
from tests.test_rules_by_spelling import (
    NO_DATA_VOLUME,
    NO_MEMORY,
    PRODUCTION_API,
    Case,
    _planted,
)

Row = tuple[str, str, Case, str | tuple[str, ...]]
POSTGRES = ("production.yaml", "postgres")
_EVERY, _IPV4 = "`8001` → `api:8001`", "`0.0.0.0:8001` → `api:8001`"
# (row label, concept, where it is planted, the production cell every spelling gives, or
# the cell of each spelling where two spellings mean two things)
ROWS: list[Row] = [
    (
        "Memory limit: `api`",
        "memory limit",
        Case(*PRODUCTION_API, True, False, setup=(NO_MEMORY,)),
        "5g",
    ),
    (
        "Host ports",
        "published port",
        Case(*PRODUCTION_API, True, False),
        # Every interface (IPv4 and IPv6) without an address; IPv4's only with 0.0.0.0.
        (_EVERY, _IPV4, _IPV4, _EVERY),
    ),
    (
        "Storage: `postgres`",
        "volume mount",
        Case(*POSTGRES, True, False, setup=(NO_DATA_VOLUME,)),
        "volume `shop-production_dbdata`",
    ),
    (
        "Storage: `postgres`",
        "RAM disk",
        Case(*POSTGRES, True, False, setup=(NO_DATA_VOLUME,)),
        "RAM disk (tmpfs, 5g), lost on stop",
    ),
]


def _cell(tmp_path: Path, files: dict[str, str], label: str) -> str:
    write_tree(tmp_path, files)
    project = load_project(load_settings(tmp_path))
    column = [env.name for env in project.environments].index("production")
    (row,) = [row for row in parity_rows(project) if row.label == label]
    return row.cells[column]


@pytest.mark.parametrize(
    ("row", "index"),
    [(row, index) for row in ROWS for index in range(len(CONCEPTS[row[1]].spellings))],
    ids=[f"{row[1]}-{spelling.key}" for row in ROWS for spelling in CONCEPTS[row[1]].spellings],
)
def test_every_spelling_gives_the_same_cell(tmp_path: Path, row: Row, index: int) -> None:
    label, concept, case, expected = row
    fragment = CONCEPTS[concept].spellings[index].example
    wanted = expected if isinstance(expected, str) else expected[index]
    assert _cell(tmp_path, _planted(case, dict(fragment)), label) == wanted
