"""The registry of policy rules, in the order the README and `envgen rules` list them."""

from __future__ import annotations

from envgen.model.tiers import Tier
from envgen.policies import (
    budget,
    database,
    host_access,
    jobs,
    previews,
    production,
    proxy,
    secrets,
    segregation,
    tiers,
    variables_files,
)
from envgen.policies.rule import Rule

RULES: dict[str, Rule] = {
    rule.id: rule
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
