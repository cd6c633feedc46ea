"""A database's name and user may be variables (`POSTGRES_DB: ${DB_NAME}` in real files):
SEG005 compares a default where one is written, and otherwise the variable and the file
it is read from, and DBS002 says what it cannot judge. Exact lines, and near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy_project import Patch, findings, patched

STAGING_NAME = "  name: shop_staging\n"
PRODUCTION_NAME = "  name: shop_production\n"
_HINT_DBS002 = (
    " (give it a default, such as `${DB_NAME:-<app>_<environment>}`, which SEG005 judges)"
)
_HINT_SEG005 = (
    " (give `database.name` a name of this environment's own, e.g. `<app>_<environment>`)"
)


def _unjudged(spec: str, others: str) -> str:
    return (
        f"environments/{spec}.yaml:20:9: DBS002 warning: database.name: `DB_NAME` without a "
        "default decides the database's name, so SEG005 cannot compare it with the database "
        f"names of {others} (it compares the variable and the file it is read from)" + _HINT_DBS002
    )


CASES: list[tuple[str, list[Patch], list[str]]] = [
    (
        "a variable without a default in two environments, each with its own file",
        [
            ("staging.yaml", STAGING_NAME, "  name: ${DB_NAME}\n  user: ${DB_USER}\n"),
            ("production.yaml", PRODUCTION_NAME, "  name: ${DB_NAME}\n"),
        ],
        [
            _unjudged("production", "local, test and staging"),
            _unjudged("staging", "local, test and production"),
        ],
    ),
    (
        "a required variable",
        [("staging.yaml", STAGING_NAME, "  name: '${DB_NAME:?set DB_NAME}'\n")],
        [_unjudged("staging", "local, test and production")],
    ),
    (
        "a default that is production's name",
        [("staging.yaml", STAGING_NAME, "  name: ${DB_NAME:-shop_production}\n")],
        [
            "environments/staging.yaml:20:9: SEG005 error: database.name: database name "
            "`shop_production` (`${DB_NAME:-shop_production}`) is also production's "
            "(environments/production.yaml:20:9)" + _HINT_SEG005
        ],
    ),
    (
        "one variable read from one file by two environments",
        [
            ("staging.yaml", STAGING_NAME, "  name: ${DB_NAME}\n"),
            ("production.yaml", PRODUCTION_NAME, "  name: ${DB_NAME}\n"),
            ("staging.yaml", "variables_file: .env.staging\n", "variables_file: .env.production\n"),
        ],
        [
            _unjudged("production", "local, test and staging"),
            "environments/staging.yaml:7:17: SEG013 error: variables_file: variables file "
            "`.env.production` is also production's (environments/production.yaml:7:17)"
            " (point it at this environment's own variables file)",
            "environments/staging.yaml:20:9: SEG005 error: database.name: database name "
            "`${DB_NAME}`, read from `.env.production`, is also production's "
            "(environments/production.yaml:20:9)" + _HINT_SEG005,
        ],
    ),
    (
        "a default of its own",
        [("staging.yaml", STAGING_NAME, "  name: ${DB_NAME:-shop_staging}\n")],
        [],
    ),
    (
        "a user from a variable",
        [("staging.yaml", STAGING_NAME, "  name: shop_staging\n  user: ${DB_USER}\n")],
        [],
    ),
]


@pytest.mark.parametrize(
    ("patches", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_database_names_from_variables(
    tmp_path: Path, patches: list[Patch], expected: list[str]
) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == expected


@pytest.mark.parametrize(
    "name", ["${DB_NAME:-Shop}", "${DB_NAME:+shop}", "${DB_NAME:-shop-x}", "shop-${DB_NAME}"]
)
def test_other_variables_are_refused(tmp_path: Path, name: str) -> None:
    files = patched([("staging.yaml", STAGING_NAME, f"  name: '{name}'\n")])
    assert [str(p) for p in findings(tmp_path, files)] == [
        f"environments/staging.yaml:20:9: database.name: invalid value `{name}`: use "
        "lower-case letters, digits and _ (at most 63), or a variable: ${DB_NAME}, "
        "${DB_NAME:-shop} or ${DB_NAME:?message}"
    ]
