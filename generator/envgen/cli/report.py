"""Formats results for people (text) and machines (json, GitHub annotations)."""

from __future__ import annotations

import json
import re
from typing import Any

from envgen.cli.colour import unified_diff
from envgen.cli.envelope import envelope, problem_counts, problem_record
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


def annotation(level: str, message: str, **properties: str | int) -> str:
    """One `::level key=value,...::message` line; GitHub shows it on the file's line."""
    place = ",".join(f"{key}={github_property(str(value))}" for key, value in properties.items())
    return f"::{level}{' ' if place else ''}{place}::{github_data(message)}\n"


def problems_github(problems: list[Problem]) -> str:
    """Workflow commands that GitHub Actions shows as annotations on the lines; a policy
    finding carries its rule id as the annotation's title."""
    lines = []
    for problem in problems:
        where = problem.position
        level = "notice" if problem.severity == "silenced" else problem.severity
        title = {"title": problem.rule} if problem.rule else {}
        lines.append(
            annotation(
                level, problem.what(), file=where.path, line=where.line, col=where.column, **title
            )
        )
    return "".join(lines)


def github_data(text: str) -> str:
    """A workflow command's message, escaped as the Actions toolkit escapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value (`file=`), escaped as the Actions toolkit
    escapes it; control characters first made visible, so none can end the command."""
    return github_data(printable(text)).replace(":", "%3A").replace(",", "%2C")


def problems_json(problems: list[Problem], **extra: Any) -> str:
    """`validate`'s result in the JSON envelope."""
    records = [problem_record(p) for p in problems]
    ok = not any(p.severity == "error" for p in problems)
    return envelope("validate", ok, records, {**extra, "summary": problem_counts(problems)})


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(statuses: list[FileStatus], *, dry_run: bool = False) -> str:
    """One line per file, then the count; with `dry_run`, what would be done, then each
    change as a unified diff."""
    words = {
        "unchanged": "unchanged",
        "changed": "updated",
        "missing": "created",
        "stale": "removed",
        "leftover": "cleaned",
    }
    if dry_run:
        words = {
            "unchanged": "unchanged",
            "changed": "update",
            "missing": "create",
            "stale": "remove",
            "leftover": "clean",
        }
    width = max(len(word) for word in words.values())
    lines = [f"{words[s.state]:>{width}}  {printable(str(s.path))}" for s in statuses]
    touched = sum(1 for s in statuses if s.state != "unchanged")
    files = f"{touched} file{'s' if touched != 1 else ''}"
    unchanged = len(statuses) - touched
    if not dry_run:
        # A removed file is not a written one: each is counted for what was done to it.
        removed = sum(1 for s in statuses if s.state in ("stale", "leftover"))
        written = touched - removed
        counts = f"{written} file{'s' if written != 1 else ''} written"
        counts += f", {removed} removed" if removed else ""
        return "\n".join([*lines, f"{counts}, {unchanged} unchanged"]) + "\n"
    diffs = "".join(s.diff for s in statuses if s.state != "unchanged")
    summary = (
        f"dry run: {files} would be written or removed, {unchanged} unchanged; nothing written"
    )
    return "\n".join(lines) + "\n" + (f"\n{diffs}" if diffs else "") + "\n" + summary + "\n"


_EXPLAIN = {
    "changed": "differs from its specs",
    "missing": "is missing",
    "stale": "is generated but no environment makes it any more",
    "leftover": "is a temporary file left by an interrupted render",
}


def check_text(statuses: list[FileStatus], fix: str, *, colour: bool = False) -> str:
    drifted = [s for s in statuses if s.state != "unchanged"]
    if not drifted:
        return f"all {len(statuses)} generated files are up to date\n"
    lines = [f"{printable(str(s.path))}: {_EXPLAIN[s.state]}" for s in drifted]
    diffs = "".join(s.diff for s in drifted if s.diff)
    if colour:
        diffs = unified_diff(diffs)
    summary = (
        f"{len(drifted)} of {len(statuses)} generated files out of date; "
        f"run `{fix}` and commit the result"
    )
    return "\n".join(lines) + "\n" + (f"\n{diffs}\n" if diffs else "\n") + summary + "\n"


def first_changed_line(status: FileStatus) -> int:
    """The line of the file on disk where it first differs from a fresh render: the old
    side of the first hunk, past its unchanged lines (1 for a missing file)."""
    line = 0
    for text in status.diff.splitlines():
        hunk = re.match(r"^@@ -(\d+)(?:,\d+)? ", text)
        if hunk:
            line = max(int(hunk[1]), 1)
        elif not line:
            continue  # the file names, before the first hunk
        elif text.startswith(("-", "+")):
            return line
        else:
            line += 1
    return 1


def drift_github(statuses: list[FileStatus], fix: str) -> str:
    """One error annotation per drifted file, at its first differing line."""
    return "".join(
        annotation(
            "error",
            printable(f"{s.path} {_EXPLAIN[s.state]}; run `{fix}` and commit the result"),
            file=str(s.path),
            line=first_changed_line(s),
            title="envgen check",
        )
        for s in statuses
        if s.state != "unchanged"
    )


def drift_records(statuses: list[FileStatus], fix: str) -> list[dict[str, Any]]:
    """The drifted files as problem records of the JSON envelope."""
    return [
        {
            "file": str(s.path),
            "line": first_changed_line(s),
            "column": 1,
            "field": "",
            "severity": "error",
            "rule": None,
            "environment": None,
            "message": _EXPLAIN[s.state],
            "hint": f"run `{fix}` and commit the result",
        }
        for s in statuses
        if s.state != "unchanged"
    ]


def check_json(statuses: list[FileStatus], fix: str) -> str:
    in_sync = all(s.state == "unchanged" for s in statuses)
    files = [{"path": str(s.path), "state": s.state, "diff": s.diff} for s in statuses]
    return envelope(
        "check",
        in_sync,
        drift_records(statuses, fix),
        {"in_sync": in_sync, "files": files, "fix": fix},
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
    """The rule catalogue as the table of the documentation's rules page."""
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
