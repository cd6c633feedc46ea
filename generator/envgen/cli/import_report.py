"""Formats what `envgen import` did for people: the specs, the first report, the proof."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from envgen.cli.report import problems_text
from envgen.importing.run import Imported
from envgen.problems import printable


def specs_text(files: dict[PurePosixPath, str]) -> str:
    """Each spec under a `--- path` line, for --dry-run."""
    return "".join(f"--- {path}\n{text}" for path, text in sorted(files.items()))


def summary_text(result: Imported, root: Path, *, written: bool) -> str:
    lines = []
    verb = "wrote" if written else "would write"
    lines += [f"{verb} {path}" for path in sorted(result.files)]
    findings = [p for p in result.findings if p.severity != "silenced" or result.silenced]
    if findings:
        lines.append("")
        lines.append("The policies on today's setup (the first report; fix them one by one):")
        lines.append(problems_text(findings).rstrip("\n"))
    if result.silenced:
        lines.append(f'baseline: {result.silenced} silence(s) written, reason "found at import"')
    lines.append("")
    for name, differences in result.differences.items():
        unexplained = [d for d in differences if not d.reason]
        documented = [d for d in differences if d.reason]
        verdict = "equal" if not unexplained else f"{len(unexplained)} difference(s)"
        extra = f" (besides {len(documented)} documented)" if documented and unexplained else ""
        extra = (
            f" (with {len(documented)} documented difference(s))"
            if documented and not unexplained
            else extra
        )
        lines.append(f"{printable(name)}: {verdict}{extra}, by `docker compose config`")
        lines += [f"  {printable(str(d))}" for d in unexplained]
        by_reason: dict[str, list[str]] = {}
        for difference in documented:
            by_reason.setdefault(difference.reason, []).append(difference.path)
        for reason, paths in by_reason.items():
            lines.append(f"  by design ({printable(reason)}): {printable(', '.join(paths))}")
    if result.equal and written:
        lines.append("next: read the TODO comments, then envgen render, and commit both")
    return "".join(f"{line}\n" for line in lines)
