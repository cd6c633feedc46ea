"""Runs every policy rule over a project's environments and turns findings into problems."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

from envgen.errors import SpecError
from envgen.gitignore import GitIgnore, read_gitignore
from envgen.model.environment import Environment
from envgen.policies import RULES
from envgen.policies.rule import Finding, Rule, Scope
from envgen.problems import Problem, Severity
from envgen.project.load import BASE, Project
from envgen.reading.source import Document, field_path
from envgen.redaction import scrub_problems


def enforce(project: Project) -> list[Problem]:
    """The findings that do not block (warnings, and silenced findings with their reason),
    sorted; raises SpecError with every finding when any of them is an error."""
    base = str(project.settings.environments / BASE)
    gitignore = read_gitignore(project.settings.root)
    findings = check_policies(list(project.environments), project.documents, base, gitignore)
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
) -> list[Problem]:
    """Every finding of every rule, as problems: errors, warnings, and silenced findings
    with their reason; plus problems with the `silence` entries themselves. The
    environments come in project order (by tier), which decides the lower of a pair."""
    ordered = tuple(environments)
    by_name = {env.name: env for env in ordered}
    found = [
        (rule, finding)
        for rule in RULES.values()
        for finding in rule.check(Scope(ordered, documents, gitignore))
        if rule.judges(by_name[finding.environment])
    ]
    problems = []
    for rule, finding in _one_per_place(found):
        env = by_name[finding.environment]
        reason = env.silence.get(rule.id)
        if reason is None:
            problems.append(_problem(rule, finding, documents, rule.severity[env.tier]))
        else:
            problems.append(_problem(rule, finding, documents, "silenced", f"silenced: {reason}"))
    used = {(finding.environment, rule.id) for rule, finding in found}
    problems += _silence_problems(ordered, documents, base, used)
    return problems


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
        finding.hint if hint is None else hint,
        severity,
        rule.id,
        finding.environment,
    )


def _silence_problems(
    environments: tuple[Environment, ...],
    documents: Mapping[str, Document],
    base: str,
    used: set[tuple[str, str]],
) -> Iterator[Problem]:
    """Unknown rules, silences in base.yaml (they would silence every environment), and
    silences that no longer silence anything."""
    for env in environments:
        document = documents[env.name]
        for rule_id in env.silence:
            path = ("silence", rule_id)
            position = document.key_position_of(path)
            field = field_path(path)
            if rule_id not in RULES:
                upper = {known.upper(): known for known in RULES}
                close = difflib.get_close_matches(rule_id.upper(), list(upper), n=1)
                hint = f"did you mean `{upper[close[0]]}`?" if close else "see `envgen rules`"
                yield Problem(
                    position, field, f"unknown rule `{rule_id}`", hint, environment=env.name
                )
            elif position.path == base:
                yield Problem(
                    position,
                    field,
                    "a silence in base.yaml would apply to every environment",
                    "move it to the spec of the environment it is meant for",
                    environment=env.name,
                )
            elif (env.name, rule_id) not in used:
                yield Problem(
                    position,
                    field,
                    f"`{rule_id}` finds nothing in {env.name}",
                    "remove the silence",
                    "warning",
                    environment=env.name,
                )
