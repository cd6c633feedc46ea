"""Runs every policy rule over a project's environments and turns findings into problems."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from envgen.errors import SpecError
from envgen.gitignore import GitIgnore, read_gitignore
from envgen.model.declared.all_silences import declared_silences
from envgen.model.environment import Environment
from envgen.policies import RULES
from envgen.policies.rule import Finding, Rule, Scope
from envgen.policies.silences import Covered, silence_lines, silence_problems
from envgen.problems import Problem, Severity, grouped
from envgen.project.load import BASE, Project
from envgen.reading.inline_silences import InlineSilence
from envgen.reading.source import Document, field_path
from envgen.redaction import scrub_problems


def enforce(project: Project) -> list[Problem]:
    """The findings that do not block (warnings, and silenced findings with their reason),
    sorted; raises SpecError with every finding when any of them is an error."""
    base = str(project.settings.environments / BASE)
    gitignore = read_gitignore(project.settings.root)
    findings = check_policies(
        list(project.environments),
        project.documents,
        base,
        gitignore,
        project.inline_silences,
    )
    if findings:  # the project's secrets are found only for a message to scrub
        findings = scrub_problems(findings, project.secrets)
    if any(finding.severity == "error" for finding in findings):
        raise SpecError(findings)  # with the warnings, which explain more than they hurt
    return sorted(findings)


def check_policies(
    environments: list[Environment],
    documents: Mapping[str, Document],
    base: str,
    gitignore: GitIgnore | None = None,
    inline: Iterable[InlineSilence] = (),
) -> list[Problem]:
    """Every finding of every rule that no silence covers, as problems (errors and
    warnings); one `silenced` line per silence that covers some, with its reason; plus
    problems with the silences themselves. The environments come in project order (by
    tier), which decides the lower of a pair."""
    ordered = tuple(environments)
    by_name = {env.name: env for env in ordered}
    found = [
        (rule, finding)
        for rule in RULES.values()
        for finding in rule.check(Scope(ordered, documents, gitignore))
        if rule.judges(by_name[finding.environment])
    ]
    silences = declared_silences(ordered, documents, inline)
    covered = {index: Covered(silence) for index, silence in enumerate(silences)}
    problems = []
    for rule, finding in _one_per_place(found):
        env = by_name[finding.environment]
        path = field_path(finding.path)
        where = documents[finding.environment].position_of(finding.path)
        covering = [
            index
            for index, silence in enumerate(silences)
            if silence.covers(env.name, rule.id, path, where)
        ]
        if not covering:
            problems.append(_problem(rule, finding, documents, rule.severity[env.tier]))
            continue
        for index in covering:  # each silence that covers it lists it
            covered[index].findings.append((path, where, env.name))
    problems += silence_lines(covered.values(), base)
    problems += silence_problems(silences, covered, ordered, RULES, base)
    return grouped(problems)


def _one_per_place(found: list[tuple[Rule, Finding]]) -> Iterator[tuple[Rule, Finding]]:
    """When rules overlap on one value (staging on production's bot is both SEG007 and
    STG002), the narrower rule, the one that applies to fewer tiers, speaks for it alone;
    so silencing that rule settles the value."""
    best: dict[tuple[str, tuple[object, ...]], Rule] = {}
    for rule, finding in found:
        key = (finding.environment, finding.path)
        if key not in best or len(rule.severity) < len(best[key].severity):
            best[key] = rule
    for rule, finding in found:
        if best[(finding.environment, finding.path)] is rule:
            yield rule, finding


def _problem(
    rule: Rule,
    finding: Finding,
    documents: Mapping[str, Document],
    severity: Severity,
    hint: str | None = None,
) -> Problem:
    return Problem(
        documents[finding.environment].position_of(finding.path),
        field_path(finding.path),
        finding.message,
        (finding.hint or rule.hint) if hint is None else hint,
        severity,
        rule.id,
        finding.environment,
    )
