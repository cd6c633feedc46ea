"""Policies through the command line: refusals on the shipped specs, silencing, `envgen rules`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from envgen.cli import report
from envgen.policies import RULES, catalogue
from envgen.problems import Position, Problem

from tests.conftest import REPO, Run, edit_spec, spec_position


def _refused(shipped: Path, run: Run) -> str:
    """Render with the generated files gone: a refusal must leave them gone."""
    shutil.rmtree(shipped / "rendered")
    result = run("--root", shipped, "render")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert not (shipped / "rendered").exists()
    return result.stderr


def test_shipped_specs_pass_every_rule(run: Run) -> None:
    result = run("--root", REPO, "validate")
    assert result.exit_code == 0
    assert result.output == "4 environment(s) valid: local, test, staging, production\n"


def test_shipped_specs_json(run: Run) -> None:
    result = run("--root", REPO, "validate", "--format", "json")
    assert json.loads(result.stdout) == {
        "schema_version": 1,
        "command": "validate",
        "ok": True,
        "environments": ["local", "test", "staging", "production"],
        "problems": [],
        "summary": {"errors": 0, "warnings": 0, "silenced": 0},
    }


def test_test_on_production_database_is_refused(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "name: coupette_test", "name: coupette")
    test = spec_position(shipped, "test.yaml", "name: coupette")
    production = spec_position(shipped, "production.yaml", "  name: coupette")
    assert _refused(shipped, run) == (
        "test:\n"
        f"{test}: SEG005 error: database.name: database name `coupette` "
        f"is also production's ({production}) (give `database.name` a name of this "
        "environment's own, e.g. `<app>_<environment>`)\n"
        "1 error\n"
    )


def test_staging_on_production_bot_is_refused(shipped: Path, run: Run) -> None:
    edit_spec(
        shipped, "staging.yaml", "identity: SAQSommelierStagingBot", "identity: SAQSommelierBot"
    )
    edit_spec(shipped, "staging.yaml", "STAGING_TELEGRAM_BOT_TOKEN", "PROD_TELEGRAM_BOT_TOKEN")
    identity, token = "identity: SAQSommelierBot", "token: PROD_TELEGRAM_BOT_TOKEN"
    assert _refused(shipped, run) == (
        "staging:\n"
        f"{spec_position(shipped, 'staging.yaml', identity)}: STG002 error: "
        "integrations.telegram.identity: staging uses production's `telegram` identity "
        f"`SAQSommelierBot` ({spec_position(shipped, 'production.yaml', identity)}) "
        "(give staging an account of its own)\n"
        f"{spec_position(shipped, 'staging.yaml', token)}: SEG008 error: "
        "integrations.telegram.secrets.token: secret variable `PROD_TELEGRAM_BOT_TOKEN` is "
        f"also production's ({spec_position(shipped, 'production.yaml', token)}) "
        "(name a variable of this environment's own, e.g. with the environment as a prefix)\n"
        "2 errors\n"
    )


def test_local_and_test_on_one_port_is_refused(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "15432:5432", "5432:5432")
    assert _refused(shipped, run) == (
        "test:\n"
        "environments/test.yaml:35:9: TST004 error: services.postgres.ports.0: host port 5432 "
        "is also local's (environments/local.yaml:54:9) "
        "(pick a host port that local does not publish)\n"
        "1 error\n"
    )


def test_refusal_as_json(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "15432:5432", "5432:5432")
    result = run("--root", shipped, "validate", "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["summary"] == {"errors": 1, "warnings": 0, "silenced": 0}
    assert data["problems"][0] | {"message": "", "hint": ""} == {
        "file": "environments/test.yaml",
        "line": 35,
        "column": 9,
        "field": "services.postgres.ports.0",
        "severity": "error",
        "rule": "TST004",
        "environment": "test",
        "message": "",
        "hint": "",
    }


DEBUG_ON = ("access: basic_auth\n", "access: basic_auth\nfeatures:\n  debug:\n    enabled: true\n")
DEBUG_MESSAGE = "Debug mode is on, and it is for developers only"
DEBUG_HINT = "(set `enabled: false` under the feature in this environment's spec)"


def test_a_warning_prints_and_does_not_block(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "staging.yaml", *DEBUG_ON)
    debug = spec_position(shipped, "staging.yaml", "enabled: true")
    warning = (
        f"staging:\n{debug}: PRD007 warning: features.debug.enabled: {DEBUG_MESSAGE} {DEBUG_HINT}\n"
    )
    validated = run("--root", shipped, "validate")
    assert validated.exit_code == 0
    assert validated.output == (
        f"{warning}1 warning\n4 environment(s) valid: local, test, staging, production\n"
    )
    rendered = run("--root", shipped, "render", "staging")
    assert rendered.exit_code == 0
    assert (
        rendered.stdout == "unchanged  .env.example\n"
        "  updated  docs/ENVIRONMENTS.md\n"
        "unchanged  environments/envgen.schema.json\n"
        "unchanged  rendered/Caddyfile\n"
        "  updated  rendered/docker-compose.staging.yml\n"
        "unchanged  rendered/envgen.mk\n"
        "unchanged  rendered/github/deploy-staging.yml\n"
        "unchanged  rendered/github/pull-request.yml\n"
        "unchanged  rendered/scripts/rollback-migration.sh\n"
        "unchanged  rendered/scripts/rollback.sh\n"
        "2 files written, 8 unchanged\n"
    )
    assert rendered.stderr == f"{warning}1 warning\n"


def test_a_silenced_rule_shows_its_reason(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "staging.yaml", *DEBUG_ON)
    reason = "tracing a login bug this week; revert with PR 212"
    edit_spec(
        shipped, "staging.yaml", "tier: staging\n", f"tier: staging\nsilence:\n  PRD007: {reason}\n"
    )
    validated = run("--root", shipped, "validate")
    assert validated.exit_code == 0
    assert validated.output == (
        "staging:\n"
        f"environments/staging.yaml:5:3: PRD007 silenced: silence.PRD007: {reason} "
        "(silences features.debug.enabled at "
        f"{spec_position(shipped, 'staging.yaml', 'enabled: true')})\n"
        "1 silenced\n"
        "4 environment(s) valid: local, test, staging, production\n"
    )
    rendered = run("--root", shipped, "render", "staging")
    assert (rendered.exit_code, rendered.stderr) == (0, "")


def test_silencing_an_error_lets_rendering_proceed(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "15432:5432", "5432:5432")
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: test\nsilence:\n  TST004: CI only\n")
    result = run("--root", shipped, "render", "test")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_silence_of_an_unknown_rule(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: test\nsilence:\n  tst04: because\n")
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    assert result.stderr == (
        "test:\n"
        "environments/test.yaml:5:3: silence.tst04: unknown rule `tst04` "
        "(did you mean `TST004`?)\n"
        "1 error\n"
    )


def test_silence_needs_a_reason(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "tier: test\n", 'tier: test\nsilence:\n  TST004: " "\n')
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    assert result.stderr == (
        "environments/test.yaml:5:11: silence.TST004: write why the rule does not apply "
        "here; a reviewer reads it\n"
        "1 error\n"
    )


def test_silence_in_base_is_refused(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "base.yaml", "app: coupette\n", "app: coupette\nsilence:\n  SEG001: all\n")
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    # Once, naming every environment it would silence; not once per environment.
    assert lines == [
        "local, test, staging, production:",
        "environments/base.yaml:6:3: silence.SEG001: a silence in base.yaml would apply to "
        "every environment (move it to the spec of the environment it is meant for)",
        "1 error",
    ]


def test_a_silence_that_silences_nothing_is_a_warning(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: test\nsilence:\n  TST004: old\n")
    result = run("--root", shipped, "validate", "test")
    assert result.exit_code == 0
    assert result.output == (
        "test:\n"
        "environments/test.yaml:5:3: silence.TST004: `TST004` finds nothing in test "
        "(remove the silence)\n"
        "1 warning\n"
        "1 environment(s) valid: test\n"
    )


def test_rules_text(run: Run) -> None:
    result = run("rules")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "LOCAL", "TEST", "STAGING", "PRODUCTION", "RULE"]
    assert lines[1].split() == [
        "SEG001",
        "error",
        "error",
        "error",
        "error",
        "distinct",
        "compose",
        "project",
        "names",
        "on",
        "one",
        "host",
    ]
    assert "PRD001  -        -        warning  error       a memory limit" in result.output
    assert len(lines) == 1 + len(RULES)


def test_rules_json(run: Run) -> None:
    data = json.loads(run("rules", "--format", "json").output)
    assert data["rules"][0] == {
        "id": "SEG001",
        "title": "distinct compose project names on one host",
        "severity": {"local": "error", "test": "error", "staging": "error", "production": "error"},
        "rationale": RULES["SEG001"].rationale,
    }
    assert [rule["id"] for rule in data["rules"]] == list(RULES)


def test_the_rules_page_lists_every_rule_as_the_registry_does(run: Run) -> None:
    page = (REPO / "docs/reference/rules.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- rules:start -->\n\n(.*?)\n<!-- rules:end -->", page, re.DOTALL)
    assert block is not None, "docs/reference/rules.md has no rules block"
    assert block.group(1) == report.rules_markdown(catalogue())
    assert run("rules", "--format", "markdown").output == block.group(1)


def test_findings_become_github_annotations(
    shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    edit_spec(shipped, "staging.yaml", *DEBUG_ON)
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: test\nsilence:\n  TST004: old\n")
    result = run("--root", shipped, "validate")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "::warning file=environments/staging.yaml,line=12,col=14,title=PRD007::"
        f"features.debug.enabled: {DEBUG_MESSAGE} {DEBUG_HINT}",
        "::warning file=environments/test.yaml,line=5,col=3::silence.TST004: `TST004` finds "
        "nothing in test (remove the silence)",
    ]


def test_a_silenced_finding_is_a_github_notice() -> None:
    silenced = Problem(
        Position("environments/staging.yaml", 13, 10),
        "features.debug",
        "debug mode is on",
        "silenced: tracing a bug",
        "silenced",
        "PRD008",
        "staging",
    )
    assert report.problems_github([silenced]) == (
        "::notice file=environments/staging.yaml,line=13,col=10,title=PRD008::features.debug: "
        "debug mode is on (silenced: tracing a bug)\n"
    )


def test_inspection_works_on_specs_a_policy_refuses(shipped: Path, run: Run) -> None:
    """list, show and diff help a person understand a refusal; they do not gate anything."""
    edit_spec(shipped, "test.yaml", "name: coupette_test", "name: coupette")
    assert run("--root", shipped, "validate").exit_code == 2
    shown = run("--root", shipped, "show", "test", "--format", "json")
    assert shown.exit_code == 0
    assert '"name": "coupette"' in shown.stdout
    diff = run("--root", shipped, "diff", "test", "production", "--service", "postgres")
    assert diff.exit_code == 0
    assert "environment.POSTGRES_DB" not in diff.stdout
    assert run("--root", shipped, "list").exit_code == 0
