"""docs/reference/rules.md: every policy rule from the registry, with its severity in each
tier, what it reads, why, how to fix a finding, and an example of a violation and its fix."""

from __future__ import annotations

from envgen.cli.report import rules_markdown
from envgen.docs_reference.prose import paragraph
from envgen.model.tiers import Tier
from envgen.policies import RULES, catalogue
from envgen.policies.rule import Rule

INTRO = """\
# Rules

Every `envgen validate`, `render` and `check` runs these rules over all the environments
together. An **error** stops the command (exit 2, nothing written); a **warning** is
printed and the command goes on; "-" means that the rule does not apply in that tier.
[The segregation model](../explanation/segregation.md) says why they exist, and
[Silence a rule well](../how-to/silence-a-rule.md) what to do when one does not fit.
Each example below is a piece of one spec of the project `envgen init shop` makes (a web
service and PostgreSQL; staging and production on one host); a test writes each violation
and each fix into that project and runs the rules: the violation draws the rule, the fix
nothing at all.

This page is generated from the rule registry (`python -m envgen.docs_reference`); a test
fails when it is out of date. The table is `envgen rules --format markdown`.
"""


def _example(rule: Rule) -> list[str]:
    if rule.example is None:
        return []
    spec = f"environments/{rule.example.spec}"
    given: list[str] = []
    for other, piece in rule.example.given:
        given += [
            f"Given, in `environments/{other}`:",
            "",
            "```yaml",
            piece.rstrip("\n"),
            "```",
            "",
        ]
    return [
        *given,
        f"A violation, in `{spec}`:",
        "",
        "```yaml",
        rule.example.violation.rstrip("\n"),
        "```",
        "",
        "Fixed:",
        "",
        "```yaml",
        rule.example.fix.rstrip("\n"),
        "```",
        "",
    ]


def _rule(rule: Rule) -> list[str]:
    severities = " | ".join(rule.severity.get(tier) or "-" for tier in Tier)
    out = [
        f"## {rule.id}: {rule.title}",
        "",
        f"| {' | '.join(tier.value for tier in Tier)} |",
        f"| {' | '.join('---' for _ in Tier)} |",
        f"| {severities} |",
        "",
        paragraph(f"**Why.** {rule.rationale}"),
        "",
    ]
    if rule.reads_text:
        text = rule.reads_text
        out += [paragraph(f"**Reads.** {text[0].upper()}{text[1:]}"), ""]
    if rule.fix:
        out += [paragraph(f"**Fix.** {rule.fix}"), ""]
    return out + _example(rule)


def page() -> str:
    out = [INTRO, "<!-- rules:start -->", "", rules_markdown(catalogue()), "<!-- rules:end -->", ""]
    for rule in RULES.values():
        out += _rule(rule)
    return "\n".join(out).rstrip("\n") + "\n"
