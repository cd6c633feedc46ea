"""The diff gate: a declaration allows one kind of difference (changed unless it says
added or removed), seen from the environment that declares it; Compose's implicit
`default` network is seen the same on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run, edit_spec, spec_position


def _append(project: Path, name: str, text: str) -> None:
    path = project / "environments" / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# Production's backend without DATABASE_URL, which staging declares as intended to differ.
NO_DATABASE_URL = "services:\n  backend:\n    facts:\n      DATABASE_URL: !remove\n"
PRODUCTION_DECLARES = (
    "intended_differences:\n"
    "  - against: staging\n"
    "    paths: [services.backend.environment.DATABASE_URL]\n"
    "    kind: {kind}\n"
    "    reason: the backend reads its database from the secrets file\n"
)
REMOVED_LINE = (
    "  - environment.DATABASE_URL  postgresql://coupette_staging:${STAGING_POSTGRES_PASSWORD}"
    "@postgres:5432/coupette_staging"
)


def _without_database_url(project: Path) -> None:
    edit_spec(project, "production.yaml", "services:\n  backend:\n", NO_DATABASE_URL)


def test_a_removal_is_not_a_declared_change(shipped: Path, run: Run) -> None:
    _without_database_url(shipped)
    result = run(
        "--root", shipped, "diff", "staging", "production", "--undeclared-only", "--exit-code"
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[2:5] == ["backend", REMOVED_LINE, ""]
    assert result.output.splitlines()[-1] == (
        "1 difference (0 changed, 0 added, 1 removed): 0 declared, 1 undeclared; "
        "36 left out by the options"
    )


@pytest.mark.parametrize(("a", "b"), [("staging", "production"), ("production", "staging")])
def test_a_declared_removal_passes_in_both_directions(
    shipped: Path, run: Run, a: str, b: str
) -> None:
    _without_database_url(shipped)
    # Seen from production, what only staging has is `removed`.
    _append(shipped, "production.yaml", PRODUCTION_DECLARES.format(kind="removed"))
    result = run("--root", shipped, "diff", a, b, "--undeclared-only", "--exit-code")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "no differences; 37 left out by the options"


def test_the_wrong_kind_is_stale_and_leaves_the_difference(shipped: Path, run: Run) -> None:
    _without_database_url(shipped)
    _append(shipped, "production.yaml", PRODUCTION_DECLARES.format(kind="added"))
    result = run("--root", shipped, "diff", "staging", "production", "--undeclared-only")
    stale = spec_position(shipped, "production.yaml", "paths: [services.backend", "services")
    assert result.output.splitlines()[2:] == [
        "backend",
        REMOVED_LINE,
        "",
        "stale declarations (they match no difference):",
        f"  {stale}: services.backend.environment.DATABASE_URL "
        "(against staging): the backend reads its database from the secrets file "
        "(diff shows it as removed here: write `kind: removed`)",
        "",
        "1 difference (0 changed, 0 added, 1 removed): 0 declared, 1 undeclared; "
        "36 left out by the options; 1 stale declaration",
    ]


def test_an_unknown_kind_is_a_spec_error(shipped: Path, run: Run) -> None:
    _append(shipped, "production.yaml", PRODUCTION_DECLARES.format(kind="deleted"))
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    kind = spec_position(shipped, "production.yaml", "kind: deleted")
    assert result.output == (
        f"{kind}: intended_differences.0.kind: "
        "input should be 'changed', 'added' or 'removed'\n1 error\n"
    )


def test_naming_default_changes_nothing(shipped: Path, run: Run) -> None:
    """local's backend names no network; on Compose's `default` alone it is the same."""
    edit_spec(shipped, "local.yaml", "  backend:\n", "  backend:\n    networks: [default]\n")
    result = run("--root", shipped, "diff", "local", "staging", "--service", "backend")
    networks = [line for line in result.output.splitlines() if "networks" in line]
    assert networks == ["  + networks[proxy]                 coupette-staging-backend"]


def test_leaving_the_default_network_shows(shipped: Path, run: Run) -> None:
    edit_spec(
        shipped, "production.yaml", "    networks: [default, proxy]\n", "    networks: [proxy]\n"
    )
    for a, b, sign in (("local", "production", "-"), ("production", "local", "+")):
        result = run("--root", shipped, "diff", a, b, "--service", "backend")
        networks = [line for line in result.output.splitlines() if "networks[default]" in line]
        assert networks == [f"  {sign} networks[default]               (no alias)"], result.output
