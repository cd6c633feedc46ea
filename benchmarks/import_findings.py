"""The first report of `envgen import` over the whole corpus: each project's findings by
rule, the totals, and Compose's verdict, to compare what import infers before and after.

    python benchmarks/import_findings.py [CORPUS]

Each project of CORPUS (default tests/import_corpus) is imported from a scratch copy, as
`envgen import` would (its SOURCE's `args`, else the usual file names), without a
baseline; nothing is written into the corpus. This script reports; it does not fail.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from envgen.importing.read import clean_environment, find_compose
from envgen.importing.run import import_project
from envgen.importing.sources import discover, parse_words
from envgen.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


def _args(project: Path) -> list[str]:
    for line in (project / "SOURCE").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(": ")
        if key == "args":
            return value.split()
    return []


def first_report(project: Path, compose: list[str]) -> tuple[Counter[str], str]:
    """The findings of one project's import, counted by `RULE severity`, and Compose's
    verdict (`equal`, or the environments that differ)."""
    with tempfile.TemporaryDirectory(prefix="envgen-findings-") as scratch:
        root = Path(scratch) / project.name
        shutil.copytree(project, root)
        settings = load_settings(root)
        sources = discover(root, parse_words(_args(project), root))
        result = import_project(settings, sources, compose, clean_environment(os.environ))
    counts = Counter(f"{p.rule} {p.severity}" for p in result.findings if p.rule)
    unequal = [
        name for name, found in result.differences.items() if any(not d.reason for d in found)
    ]
    return counts, "equal" if not unequal else "differs: " + ", ".join(unequal)


def main(corpus: Path) -> None:
    compose = find_compose(os.environ.get("PATH", ""), sys.executable)
    totals: Counter[str] = Counter()
    print("| project | errors | warnings | by rule | Compose |")
    print("| --- | --- | --- | --- | --- |")
    for project in sorted(p for p in corpus.iterdir() if (p / "SOURCE").is_file()):
        counts, verdict = first_report(project, compose)
        totals += counts
        errors = sum(n for key, n in counts.items() if key.endswith(" error"))
        warnings = sum(n for key, n in counts.items() if key.endswith(" warning"))
        rules = ", ".join(f"{key.split()[0]} {n}" for key, n in sorted(counts.items()))
        print(f"| {project.name} | {errors} | {warnings} | {rules} | {verdict} |")
    print()
    print("| rule | severity | findings |")
    print("| --- | --- | --- |")
    for key, count in sorted(totals.items()):
        rule, severity = key.split()
        print(f"| {rule} | {severity} | {count} |")
    print(f"| all | | {sum(totals.values())} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests/import_corpus")
