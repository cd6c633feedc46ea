"""The one shape of every `--format json` result, on success and on failure alike.

`schema_version` changes only when a field is removed or changes meaning; new fields may
appear in any version. The JSON Schemas of the results are committed in docs/schemas/.
"""

from __future__ import annotations

import json
from typing import Any

from envgen.problems import Problem

SCHEMA_VERSION = 1

# Each command's data when it could not be computed (invalid specs, a usage error), so
# that its keys are there on failure too: a consumer never branches on the shape.
EMPTY_DATA: dict[str, dict[str, Any]] = {
    "validate": {"environments": [], "summary": {"errors": 0, "warnings": 0, "silenced": 0}},
    "check": {"in_sync": False, "files": [], "fix": "envgen render"},
    "render": {"files": []},
    "list": {"environments": []},
    "show": {},
    "diff": {"a": None, "b": None, "view": None, "differences": [], "stale": [], "summary": None},
    "rules": {"rules": []},
}


def problem_record(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.position.path,
        "line": problem.position.line,
        "column": problem.position.column,
        "field": problem.field,
        "severity": problem.severity,
        "rule": problem.rule or None,
        "environment": problem.environment or None,
        "message": problem.message,
        "hint": problem.hint or None,
    }


def message_record(message: str) -> dict[str, Any]:
    """A problem that is about no file: a usage error, an unusable setting."""
    return {
        "file": None,
        "line": None,
        "column": None,
        "field": "",
        "severity": "error",
        "rule": None,
        "environment": None,
        "message": message,
        "hint": None,
    }


def envelope(command: str, ok: bool, problems: list[dict[str, Any]], data: dict[str, Any]) -> str:
    """The JSON text: the envelope's keys first, then the command's own."""
    head = {"schema_version": SCHEMA_VERSION, "command": command, "ok": ok, "problems": problems}
    return json.dumps({**head, **data}, indent=2, ensure_ascii=False) + "\n"


def problem_counts(problems: list[Problem]) -> dict[str, int]:
    return {
        key: sum(1 for p in problems if p.severity == severity)
        for key, severity in (
            ("errors", "error"),
            ("warnings", "warning"),
            ("silenced", "silenced"),
        )
    }
