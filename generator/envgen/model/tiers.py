"""The tiers an environment can be in: no pydantic, so the policies' catalogue (`envgen
rules`) can name them without loading the models."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """What an environment is for; the tier decides defaults and which policies apply."""

    LOCAL = "local"
    TEST = "test"
    STAGING = "staging"
    PRODUCTION = "production"

    @property
    def deployed(self) -> bool:
        return self in (Tier.STAGING, Tier.PRODUCTION)

    @property
    def rank(self) -> int:
        return list(Tier).index(self)
