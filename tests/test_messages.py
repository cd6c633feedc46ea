"""Messages a person can act on: every rule says what to do, a problem found in
base.yaml is one line naming every environment it breaks, and problems are grouped by
place, not repeated."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from envgen.cli.main import main
from envgen.policies import RULES
from envgen.policies.rule import Rule
from envgen.problems import Position, Problem, Severity, grouped

from tests.conftest import write_tree
from tests.policy_project import findings, patched


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_every_rule_has_a_hint(rule: Rule) -> None:
    assert rule.hint.strip(), f"{rule.id} says nothing to do"


def test_a_rule_hint_reaches_the_problem(tmp_path: Path) -> None:
    """SEG005 had no hint: two environments on one database name now say what to do."""
    problems = findings(
        tmp_path, patched([("staging.yaml", "name: shop_staging", "name: shop_production")])
    )
    assert [p.hint for p in problems if p.rule == "SEG005"] == [
        "give `database.name` a name of this environment's own, e.g. `<app>_<environment>`"
    ]


def test_an_inherited_finding_is_one_line_naming_each_environment(tmp_path: Path) -> None:
    """A memory limit removed in base.yaml: staging's warning and production's error are
    one line, as severe as the worst, naming both."""
    api = "    restart: unless-stopped\n    memory: 256m\n  postgres:"
    problems = findings(
        tmp_path, patched([("base.yaml", api, api.replace("    memory: 256m\n", ""))])
    )
    prd001 = [p for p in problems if p.rule == "PRD001"]
    assert [(p.environment, p.severity, str(p.position)) for p in prd001] == [
        ("staging, production", "error", "environments/base.yaml:36:5")
    ]


def _problem(environment: str, severity: Severity = "error", line: int = 1) -> Problem:
    return Problem(
        Position("environments/base.yaml", line), "f", "m", "h", severity, "R", environment
    )


def test_grouping_keeps_order_and_the_worst_severity() -> None:
    found = grouped(
        [_problem("staging", "warning"), _problem("production"), _problem("test", line=2)]
    )
    assert [(p.environment, p.severity, p.position.line) for p in found] == [
        ("staging, production", "error", 1),
        ("test", "error", 2),
    ]


def test_problems_at_other_places_stay_apart() -> None:
    found = grouped([_problem("staging"), _problem("staging", line=3)])
    assert len(found) == 2


def test_the_environment_heads_the_line_of_a_base_problem(tmp_path: Path) -> None:
    """A refusal in base.yaml (not a policy) names the environments that inherit it."""

    write_tree(
        tmp_path,
        {
            "environments/base.yaml": "app: shop\naccess: localhost\nhost:\n  name: laptop\n"
            "services:\n  web:\n    image: nginx:1.27\n    restart: sometimes\n",
            "environments/local.yaml": "tier: local\n",
            "environments/test.yaml": "tier: test\ncompose_project: shop-t\n",
        },
    )
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "validate"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "local, test:",
        "environments/base.yaml:8:14: services.web.restart: invalid value `sometimes`: "
        "must be no, always, on-failure, on-failure:N or unless-stopped",
        "1 error",
    ]
