"""Formats results for people (text) and machines (json, GitHub annotations)."""

from __future__ import annotations

import json
from typing import Any

from generator.files import FileStatus
from generator.problems import Problem


def problems_text(problems: list[Problem]) -> str:
    """One line per problem, then a count."""
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    counts = [
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    ]
    return "".join(f"{p}\n" for p in problems) + (", ".join(counts) or "no problems") + "\n"


def problems_github(problems: list[Problem]) -> str:
    """Workflow commands that GitHub Actions shows as annotations on the lines."""
    lines = []
    for problem in problems:
        where = problem.position
        message = f"{problem.field}: {problem.message}" if problem.field else problem.message
        if problem.hint:
            message += f" ({problem.hint})"
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        place = f"file={where.path},line={where.line},col={where.column}"
        lines.append(f"::{problem.severity} {place}::{message}")
    return "\n".join(lines) + ("\n" if lines else "")


def problems_json(problems: list[Problem]) -> str:
    records = [
        {
            "file": p.position.path,
            "line": p.position.line,
            "column": p.position.column,
            "field": p.field,
            "severity": p.severity,
            "rule": p.rule or None,
            "message": p.message,
            "hint": p.hint or None,
        }
        for p in problems
    ]
    return as_json({"problems": records})


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(statuses: list[FileStatus]) -> str:
    words = {
        "unchanged": "unchanged",
        "changed": "updated",
        "missing": "created",
        "stale": "removed",
    }
    lines = [f"{words[s.state]:>9}  {s.path}" for s in statuses]
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
    lines = [f"{s.path}: {explain[s.state]}" for s in drifted]
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


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain aligned text table."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines) + "\n"
