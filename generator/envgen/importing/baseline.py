"""A baseline: each error the policies find at import, as a silence with the reason
"found at import", so that `render` works at once and each finding is a line to fix."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from envgen.problems import Problem

REASON = "found at import"

# Scoped silences (a rule, a service, a field path) are being added beside today's
# environment-wide ones (`silence: {RULE: reason}`); once specs take them, this turns on
# and the baseline silences each finding where it is, not the rule everywhere.
SCOPED = False


def silences(findings: Iterable[Problem], *, scoped: bool = SCOPED) -> dict[str, dict[str, Any]]:
    """For each environment, its `silence` block for the error findings."""
    blocks: dict[str, dict[str, Any]] = {}
    for finding in sorted(findings):
        if finding.severity != "error" or not finding.rule or not finding.environment:
            continue
        # A finding in base.yaml is one line for every environment it holds in.
        for environment in finding.environment.split(", "):
            block = blocks.setdefault(environment, {})
            if not scoped:
                block[finding.rule] = REASON
                continue
            entry = _scope(finding)
            entries = block.setdefault(finding.rule, [])
            if entry not in entries:
                entries.append(entry)
    return blocks


def _scope(finding: Problem) -> dict[str, str]:
    """`{service, path, reason}`: the service and field path the finding names."""
    entry: dict[str, str] = {}
    steps = finding.field.split(".")
    if len(steps) >= 2 and steps[0] == "services":
        entry["service"] = steps[1]
    if finding.field:
        entry["path"] = finding.field
    entry["reason"] = REASON
    return entry
