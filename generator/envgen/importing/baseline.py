"""A baseline: each error the policies find at import, as a silence scoped to where it is
(its service and field path), with the reason "found at import", so that `render` works at
once, each finding is a line to fix, and a later mistake elsewhere is still reported."""

from __future__ import annotations

from collections.abc import Iterable

from envgen.problems import Problem

REASON = "found at import"


def silences(findings: Iterable[Problem]) -> dict[str, dict[str, list[dict[str, str]]]]:
    """For each environment, its `silence` block for the error findings: under each rule,
    one scope per place found, never the rule in the whole environment."""
    blocks: dict[str, dict[str, list[dict[str, str]]]] = {}
    for finding in sorted(findings):
        if finding.severity != "error" or not finding.rule or not finding.environment:
            continue
        # A finding in base.yaml is one line for every environment it holds in.
        for environment in finding.environment.split(", "):
            entries = blocks.setdefault(environment, {}).setdefault(finding.rule, [])
            entry = _scope(finding)
            if entry not in entries:
                entries.append(entry)
    return blocks


def count(blocks: dict[str, dict[str, list[dict[str, str]]]]) -> int:
    """The number of silences written: one per scope."""
    return sum(len(entries) for block in blocks.values() for entries in block.values())


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
