"""The registry of policy rules, in the order the documentation and `envgen rules` list them."""

from __future__ import annotations

from dataclasses import replace

from envgen.model.tiers import Tier
from envgen.policies.rule import Rule
from envgen.policies.rule_docs import DOCS
from envgen.policies.rules import (
    budget,
    database,
    host_access,
    jobs,
    kubernetes,
    previews,
    production,
    proxy,
    secrets,
    segregation,
    tiers,
    variable_ports,
    variables_files,
)

RULES: dict[str, Rule] = {
    rule.id: replace(rule, **DOCS[rule.id]._asdict()) if rule.id in DOCS else rule
    for rule in (
        *segregation.RULES,
        *production.RULES,
        *tiers.RULES,
        *secrets.RULES,
        *database.RULES,
        *proxy.RULES,
        *budget.RULES,
        *host_access.RULES,
        *variables_files.RULES,
        *jobs.RULES,
        *variable_ports.RULES,
        *kubernetes.RULES,
        *previews.RULES,
    )
}


def catalogue() -> list[dict[str, object]]:
    """Every rule as plain data: id, title, severity in each tier (None: not applied), why."""
    return [
        {
            "id": rule.id,
            "title": rule.title,
            "severity": {tier.value: rule.severity.get(tier) for tier in Tier},
            "rationale": rule.rationale,
        }
        for rule in RULES.values()
    ]
