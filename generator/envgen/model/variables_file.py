"""Which variables files envgen writes, and so which ones a project commits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envgen.model.tiers import Tier

if TYPE_CHECKING:
    from envgen.model.environment import Environment


def is_generated_variables_file(env: Environment) -> bool:
    """envgen writes (and the project commits) the variables file of a test-tier
    environment, with throw-away values: the stack a test suite starts needs no value a
    person keeps. Every other variables file holds a person's values, out of git."""
    return env.tier is Tier.TEST and env.variables_file is not None
