"""Formats results for people (text) and machines (json, GitHub annotations)."""

from __future__ import annotations

import json
from typing import Any

from envgen.files import FileStatus
from envgen.problems import Problem, printable


def problems_text(problems: list[Problem]) -> str:
    """One line per problem, policy findings grouped under their environment, then a count."""
    lines = []
    group = None
    for problem in sorted(problems, key=lambda p: (p.environment, p)):
        if problem.environment and problem.environment != group:
            group = problem.environment
            lines.append(f"{printable(group)}:")
        lines.append(str(problem))
    return "".join(f"{line}\n" for line in lines) + summary(problems) + "\n"


def summary(problems: list[Problem]) -> str:
    """`1 error, 2 warnings, 1 silenced`, or `no problems`."""
    counts = dict.fromkeys(("error", "warning", "silenced"), 0)
    for problem in problems:
        counts[problem.severity] += 1
    words = [
        f"{n} {severity}{'s' if n != 1 and severity != 'silenced' else ''}"
        for severity, n in counts.items()
        if n
    ]
    return ", ".join(words) or "no problems"


def problems_github(problems: list[Problem]) -> str:
    """Workflow commands that GitHub Actions shows as annotations on the lines."""
    lines = []
    for problem in problems:
        where = problem.position
        message = github_data(problem.what())
        level = "notice" if problem.severity == "silenced" else problem.severity
        place = f"file={github_property(where.path)},line={where.line},col={where.column}"
        lines.append(f"::{level} {place}::{message}")
    return "\n".join(lines) + ("\n" if lines else "")


def github_data(text: str) -> str:
    """A workflow command's message, escaped as the Actions toolkit escapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value (`file=`), escaped as the Actions toolkit
    escapes it; control characters first made visible, so none can end the command."""
    return github_data(printable(text)).replace(":", "%3A").replace(",", "%2C")


def problems_json(problems: list[Problem], **extra: Any) -> str:
    records = [
        {
            "file": p.position.path,
            "line": p.position.line,
            "column": p.position.column,
            "field": p.field,
            "severity": p.severity,
            "rule": p.rule or None,
            "environment": p.environment or None,
            "message": p.message,
            "hint": p.hint or None,
        }
        for p in problems
    ]
    counts = {
        key: sum(1 for p in problems if p.severity == severity)
        for key, severity in (
            ("errors", "error"),
            ("warnings", "warning"),
            ("silenced", "silenced"),
        )
    }
    return as_json({**extra, "problems": records, "summary": counts})


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(statuses: list[FileStatus]) -> str:
    words = {
        "unchanged": "unchanged",
        "changed": "updated",
        "missing": "created",
        "stale": "removed",
    }
    lines = [f"{words[s.state]:>9}  {printable(str(s.path))}" for s in statuses]
    written = sum(1 for s in statuses if s.state != "unchanged")
    lines.append(
        f"{written} file{'s' if written != 1 else ''} written, {len(statuses) - written} unchanged"
    )
    return "\n".join(lines) + "\n"


def check_text(statuses: list[FileStatus], fix: str) -> str:
    drifted = [s for s in statuses if s.state != "unchanged"]
    if not drifted:
        return f"all {len(statuses)} generated files are up to date\n"
    explain = {
        "changed": "differs from its specs",
        "missing": "is missing",
        "stale": "is generated but no environment makes it any more",
    }
    lines = [f"{printable(str(s.path))}: {explain[s.state]}" for s in drifted]
    diffs = "".join(s.diff for s in drifted if s.diff)
    summary = (
        f"{len(drifted)} of {len(statuses)} generated files out of date; "
        f"run `{fix}` and commit the result"
    )
    return "\n".join(lines) + "\n" + (f"\n{diffs}\n" if diffs else "\n") + summary + "\n"


def check_json(statuses: list[FileStatus], fix: str) -> str:
    return as_json(
        {
            "in_sync": all(s.state == "unchanged" for s in statuses),
            "files": [{"path": str(s.path), "state": s.state, "diff": s.diff} for s in statuses],
            "fix": fix,
        }
    )


def origins_text(found: list[tuple[str, Any, str]]) -> str:
    """One line per value: where it is written, then `field = value`."""
    width = max((len(origin) for _, _, origin in found), default=0)
    return "".join(
        f"{origin:<{width}}  {name} = {json.dumps(value, ensure_ascii=False)}\n"
        for name, value, origin in found
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain aligned text table."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines) + "\n"


def _severities(rule: dict[str, Any]) -> list[str]:
    return [severity or "-" for severity in rule["severity"].values()]


def rules_text(rules: list[dict[str, Any]]) -> str:
    """The rule catalogue as a table: id, severity in each tier, title."""
    tiers = [tier.upper() for tier in rules[0]["severity"]] if rules else []
    return table(
        ["ID", *tiers, "RULE"],
        [[rule["id"], *_severities(rule), rule["title"]] for rule in rules],
    )


def rules_markdown(rules: list[dict[str, Any]]) -> str:
    """The rule catalogue as the README's table."""
    tiers = list(rules[0]["severity"]) if rules else []
    lines = [
        f"| Rule | {' | '.join(tiers)} | What and why |",
        f"| --- | {' | '.join('---' for _ in tiers)} | --- |",
    ]
    for rule in rules:
        severities = " | ".join(_severities(rule))
        lines.append(
            f"| `{rule['id']}` | {severities} | **{rule['title']}.** {rule['rationale']} |"
        )
    return "\n".join(lines) + "\n"
