"""The parity table and `envgen diff` state what Compose runs, whatever key the spec
writes it under: for each row that Compose also spells otherwise (memory limit, published
ports, storage), every spelling of one meaning gives the same cell, and the same view
for diff (limits, reservations, restart policies, a health check turned off). The spellings are the
rules' own (envgen.policies.meaning.catalogue, planted as tests/test_rules_by_spelling.py
plants them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from envgen.diff.views import compose_view
from envgen.outputs.parity import parity_rows
from envgen.policies.meaning.catalogue import CONCEPTS
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import write_tree
from tests.policy_project import Patch
from tests.test_rules_by_spelling import (
    NO_DATA_VOLUME,
    NO_HEALTHCHECK,
    NO_MEMORY,
    NO_RESTART,
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


# What `envgen diff` compares: production's compose view, the same for every spelling
# of one meaning, so that two environments that spell it differently show no change.
VIEWS = [
    ("memory limit", (NO_MEMORY,)),
    ("memory reservation", ()),
    ("CPU limit", ()),
    ("restart policy", (NO_RESTART,)),
    ("no restart policy", (NO_RESTART,)),
    ("health check turned off", (NO_HEALTHCHECK,)),
]


def _view(tmp_path: Path, files: dict[str, str]) -> Any:
    write_tree(tmp_path, files)
    project = load_project(load_settings(tmp_path))
    return compose_view(project, project.get("production"))


@pytest.mark.parametrize(("concept", "setup"), VIEWS, ids=[view[0] for view in VIEWS])
def test_diff_sees_one_meaning_in_every_spelling(
    tmp_path: Path, concept: str, setup: tuple[Patch, ...]
) -> None:
    case = Case(*PRODUCTION_API, True, False, setup=setup)
    views = [
        _view(tmp_path / str(index), _planted(case, dict(spelling.example)))
        for index, spelling in enumerate(CONCEPTS[concept].spellings)
    ]
    assert len(views) > 1
    assert all(view == views[0] for view in views[1:])
    without = _view(tmp_path / "without", _planted(case, None))
    if concept == "no restart policy":
        # No `restart` is the engine's default, "no": the same; the near miss restarts.
        assert views[0] == without
        assert views[0] != _view(tmp_path / "always", _planted(case, {"restart": "always"}))
    else:
        assert views[0] != without
