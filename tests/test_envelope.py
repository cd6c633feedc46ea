"""Every `--format json` result has one envelope, on success and on failure, and matches the
committed JSON Schema of envgen's outputs (docs/schemas/output.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from envgen.cli.envelope import SCHEMA_VERSION

from tests.conftest import REPO, Run, edit_spec

OUTPUT_SCHEMA = json.loads((REPO / "docs/schemas/output.schema.json").read_text(encoding="utf-8"))
ENVELOPE = ["schema_version", "command", "ok", "problems"]

# Each command with --format json, as it succeeds on the shipped project.
COMMANDS = {
    "validate": ["validate"],
    "check": ["check"],
    "list": ["list"],
    "show": ["show", "staging"],
    "origins": ["show", "test", "--origins"],
    "diff": ["diff", "staging", "prod"],
    "rules": ["rules"],
}


def _json(run: Run, root: Path, args: list[str]) -> tuple[int, dict[str, Any]]:
    result = run("--root", root, *args, "--format", "json")
    data = json.loads(result.stdout)
    jsonschema.validate(data, OUTPUT_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert list(data)[:4] == ENVELOPE
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["ok"] is (result.exit_code == 0)
    return result.exit_code, data


@pytest.mark.parametrize("name", list(COMMANDS))
def test_success_matches_the_schema(shipped: Path, run: Run, name: str) -> None:
    code, data = _json(run, shipped, COMMANDS[name])
    assert (code, data["ok"], data["problems"]) == (0, True, [])
    assert data["command"] == COMMANDS[name][0]


@pytest.mark.parametrize("name", ["validate", "check", "list", "diff"])
def test_invalid_specs_keep_the_shape_of_success(shipped: Path, run: Run, name: str) -> None:
    _, success = _json(run, shipped, COMMANDS[name])
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: testing\n")
    code, failure = _json(run, shipped, COMMANDS[name])
    assert (code, failure["ok"]) == (2, False)
    assert set(failure) == set(success)
    assert failure["problems"][0]["file"] == "environments/test.yaml"
    assert failure["problems"][0]["line"] == 3
    assert failure["problems"][0]["field"] == "tier"


def test_validate_names_the_environments_even_when_it_fails(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: testing\n")
    code, data = _json(run, shipped, ["validate"])
    assert code == 2
    assert data["environments"] == ["local", "production", "staging", "test"]
    assert data["summary"] == {"errors": 1, "warnings": 0, "silenced": 0}


def test_drift_is_a_problem_at_the_first_differing_line(shipped: Path, run: Run) -> None:
    path = shipped / "rendered/docker-compose.prod.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, start=1) if text.strip().startswith("memory:"))
    lines[line - 1] = '          memory: "2g"'
    path.write_text("\n".join(lines), encoding="utf-8")
    code, data = _json(run, shipped, ["check"])
    assert code == 1
    assert data["in_sync"] is False
    assert data["problems"] == [
        {
            "file": "rendered/docker-compose.prod.yml",
            "line": line,
            "column": 1,
            "field": "",
            "severity": "error",
            "rule": None,
            "environment": None,
            "message": "differs from its specs",
            "hint": "run `envgen render` and commit the result",
        }
    ]


@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        (["check", "--bogus"], "check", "No such option '--bogus'."),
        (["diff", "staging"], "diff", "Missing argument 'B'."),
        (
            ["show", "stagin"],
            "show",
            "unknown environment `stagin` (did you mean `staging`?); "
            "environments: local (dev), test, staging, production (prod)",
        ),
        (
            ["validate", "--root", "no/such/folder"],
            "validate",
            "Invalid value for '--root': Directory 'no/such/folder' does not exist.",
        ),
    ],
)
def test_usage_errors_are_envelopes_on_stdout(
    run: Run, args: list[str], command: str, message: str
) -> None:
    result = run("--root", REPO, *args, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    jsonschema.validate(data, OUTPUT_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert (data["command"], data["ok"]) == (command, False)
    assert [p["message"] for p in data["problems"]] == [message]


def test_usage_errors_without_json_stay_text(run: Run) -> None:
    result = run("--root", REPO, "check", "--bogus")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "No such option '--bogus'." in result.stderr
