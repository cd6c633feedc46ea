"""PRD008 follows a variable that carries a development-only feature wherever its value
comes from: which variables carry a feature is known project-wide (every environment's
merged facts, base.yaml's included), so removing the fact and setting the variable by
hand, in mapping or list form, in any service, still turns the feature on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy_project import Patch, findings, patched

CARRIED: Patch = (
    "base.yaml",
    "      DATABASE_URL: database.url\n",
    "      DATABASE_URL: database.url\n      EXPLORER_ENABLED: features.explorer\n",
)
# The hint names the flag that carries the feature, not another convention's variable.
HINT = (
    " (let the flag set it (`EXPLORER_ENABLED: features.explorer` under `facts`, off in "
    "this tier), or set it only in lower tiers)"
)
BYPASS = (
    "services.api.environment.EXPLORER_ENABLED: `api` turns on `explorer` "
    f"(for developers only) through `EXPLORER_ENABLED`{HINT}"
)


def _by_hand(spec: str, environment: str, facts: str = "EXPLORER_ENABLED: !remove") -> Patch:
    return (spec, None, f"services:\n  api:\n    facts:\n      {facts}\n{environment}")


MAPPING = "    environment:\n      EXPLORER_ENABLED: 'true'\n"

CASES: dict[str, tuple[list[Patch], list[str]]] = {
    # The class: production removes the fact that carries the flag, then sets it by hand.
    "fact removed, set by hand": (
        [CARRIED, _by_hand("production.yaml", MAPPING)],
        [f"environments/production.yaml:29:25: PRD008 error: {BYPASS}"],
    ),
    "fact removed, set in list form": (
        [CARRIED, _by_hand("production.yaml", "    environment: [EXPLORER_ENABLED=1]\n")],
        [f"environments/production.yaml:28:19: PRD008 error: {BYPASS}"],
    ),
    "staging: a warning": (
        [CARRIED, _by_hand("staging.yaml", MAPPING)],
        [f"environments/staging.yaml:33:25: PRD008 warning: {BYPASS}"],
    ),
    # Carried only in local's spec: still known to production.
    "carried by the local spec alone": (
        [
            (
                "local.yaml",
                "services:\n",
                "services:\n  vectors:\n    facts:\n      EXPLORER_ENABLED: features.explorer\n",
            ),
            ("production.yaml", None, "services:\n  api:\n" + MAPPING),
        ],
        [f"environments/production.yaml:27:25: PRD008 error: {BYPASS}"],
    ),
    # A variable of the same name in a service that never carried it: the same switch.
    "another service, the same name": (
        [
            CARRIED,
            ("production.yaml", None, "services:\n  postgres:\n" + MAPPING),
        ],
        [
            "environments/production.yaml:27:25: PRD008 error: services.postgres.environment."
            "EXPLORER_ENABLED: `postgres` turns on `explorer` (for developers only) through "
            f"`EXPLORER_ENABLED`{HINT}"
        ],
    ),
    # Near misses: off by hand, off by default, unset, or a name that carries nothing.
    "fact removed, set to false": (
        [
            CARRIED,
            _by_hand("production.yaml", "    environment:\n      EXPLORER_ENABLED: 'false'\n"),
        ],
        [],
    ),
    "fact removed, a default that is off": (
        [
            CARRIED,
            _by_hand(
                "production.yaml", "    environment:\n      EXPLORER_ENABLED: ${EXPLORE:-0}\n"
            ),
        ],
        [],
    ),
    "fact removed, not set": ([CARRIED, _by_hand("production.yaml", "")], []),
    "a name that carries nothing": (
        [
            CARRIED,
            (
                "production.yaml",
                None,
                "services:\n  api:\n    environment:\n      EXPLORER_ON: 'true'\n",
            ),
        ],
        [],
    ),
    "set in local, where the feature is for": (
        [CARRIED, ("local.yaml", "services:\n", "services:\n  vectors:\n" + MAPPING)],
        [],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_development_variable_findings(tmp_path: Path, case: str) -> None:
    patches, expected = CASES[case]
    assert [str(p) for p in findings(tmp_path, patched(patches))] == expected


REPO = Path(__file__).parent.parent
SHIPPED_BYPASS = (
    "  backend:\n"
    "    facts:\n"
    "      SWAGGER_UI_ENABLED: !remove\n"
    "    environment:\n"
    '      SWAGGER_UI_ENABLED: "true"\n'
    "    networks: [default, proxy]\n"
)


def test_the_shipped_project_with_the_bypass(tmp_path: Path) -> None:
    """The hostile suite's case, in this repository's own specs: production's backend
    drops the fact that carries the API explorer and sets its variable by hand."""
    files = {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in [
            REPO / "pyproject.toml",
            REPO / ".gitignore",
            *sorted((REPO / "environments").glob("*.yaml")),
        ]
    }
    production = files["environments/production.yaml"]
    anchor = "  backend:\n    networks: [default, proxy]\n"
    assert production.count(anchor) == 1
    files["environments/production.yaml"] = production.replace(anchor, SHIPPED_BYPASS)
    line = production[: production.index(anchor)].count("\n") + 5
    assert [str(p) for p in findings(tmp_path, files) if p.rule == "PRD008"] == [
        f"environments/production.yaml:{line}:27: PRD008 error: "
        "services.backend.environment.SWAGGER_UI_ENABLED: `backend` turns on `swagger_ui` "
        "(for developers only) through `SWAGGER_UI_ENABLED` (let the flag set it "
        "(`SWAGGER_UI_ENABLED: features.swagger_ui` under `facts`, off in this tier), or set "
        "it only in lower tiers)"
    ]
