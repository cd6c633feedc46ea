"""What a policy rule is, what it finds, and the view of the project that it checks."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from envgen.gitignore import GitIgnore
from envgen.model.tiers import Tier

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Document, Path


@dataclass(frozen=True)
class Finding:
    """One offending value: in which environment, at which path, and what is wrong."""

    environment: str
    path: Path
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Scope:
    """Every valid environment in tier order, with the merged documents for positions."""

    environments: tuple[Environment, ...]
    documents: Mapping[str, Document]
    # The project's .gitignore, for rules on what may be committed; None when it has none.
    gitignore: GitIgnore | None = None

    def where(self, env: Environment, path: Path) -> str:
        """`file:line:column` of a value, for messages that name another environment."""
        return str(self.documents[env.name].position_of(path))

    def of_tier(self, tier: Tier) -> list[Environment]:
        return [env for env in self.environments if env.tier is tier]

    def pairs(self, same_host: bool = False) -> Iterator[tuple[Environment, Environment]]:
        """Every pair of environments once, as (blamed, other): the one to change comes
        first. A clash is blamed on the later tier, except that production is never the
        one to move away from a value a lower tier copied."""
        envs = self.environments
        for i, first in enumerate(envs):
            for second in envs[i + 1 :]:
                if same_host and first.host.name != second.host.name:
                    continue
                yield self.blame(first, second)

    @staticmethod
    def blame(first: Environment, second: Environment) -> tuple[Environment, Environment]:
        """(blamed, other) for two environments, `first` earlier in project order."""
        if second.tier is Tier.PRODUCTION and first.tier is not Tier.PRODUCTION:
            return first, second
        return second, first

    def clashes(
        self, held: Callable[[Environment], Iterable[tuple[Hashable, Path]]]
    ) -> Iterator[tuple[Environment, list[Path], Environment, list[Path]]]:
        """Every two environments that hold one key, as (blamed, where blamed holds it,
        other, where the other holds it). What environments hold is indexed by key, so
        only holders of one key meet: linear in what they hold, not quadratic in their
        number."""
        index: dict[Hashable, dict[str, tuple[Environment, list[Path]]]] = {}
        for env in self.environments:
            for key, path in held(env):
                index.setdefault(key, {}).setdefault(env.name, (env, []))[1].append(path)
        for by_env in index.values():
            holders = list(by_env.values())  # in project order
            for i, (first, first_paths) in enumerate(holders):
                for second, second_paths in holders[i + 1 :]:
                    blamed, other = self.blame(first, second)
                    if blamed is first:
                        yield blamed, first_paths, other, second_paths
                    else:
                        yield blamed, second_paths, other, first_paths


Severity = Literal["error", "warning"]
Check = Callable[[Scope], Iterable[Finding]]


@dataclass(frozen=True)
class Example:
    """A violation of a rule and its fix, each a piece of one spec file (`spec`) of the
    project that `envgen init` makes, after the pieces `given` (spec file, piece) that set
    the scene; tests/test_rule_examples.py runs both."""

    spec: str
    violation: str
    fix: str
    given: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A policy: an id, what it demands and why, how severe it is in each tier (a tier
    that is absent is one where the rule does not apply), the check itself, what to do
    about a finding (unless the finding says better), and the concepts it reads (names
    of envgen.policies.meaning's concepts, for the rules-by-spelling page); for the
    reference page, what it reads in words, how to fix a finding, and an example."""

    id: str
    title: str
    rationale: str
    severity: Mapping[Tier, Severity]
    check: Check
    hint: str = ""
    reads: tuple[str, ...] = ()
    reads_text: str = ""
    fix: str = ""
    example: Example | None = None
    # The targets whose environments it judges: a rule on Compose's own machinery (the
    # proxy's network, the variables file) says nothing of a Kubernetes-only environment.
    targets: frozenset[str] = frozenset({"compose", "kubernetes"})

    def applies_to(self, tier: Tier) -> bool:
        return tier in self.severity

    def judges(self, env: Environment) -> bool:
        """Whether it applies to `env`: in its tier, and for one of its targets."""
        return self.applies_to(env.tier) and not self.targets.isdisjoint(env.targets)


COMPOSE_ONLY = frozenset({"compose"})
KUBERNETES_ONLY = frozenset({"kubernetes"})


def everywhere(severity: Severity) -> dict[Tier, Severity]:
    return dict.fromkeys(Tier, severity)


def deployed(production: Severity, staging: Severity) -> dict[Tier, Severity]:
    return {Tier.STAGING: staging, Tier.PRODUCTION: production}


def per_environment(
    check: Callable[[Environment], Iterable[tuple[Path, str]]],
) -> Check:
    """A check of one environment at a time, lifted to the whole project."""

    def run(scope: Scope) -> Iterator[Finding]:
        for env in scope.environments:
            for path, message in check(env):
                yield Finding(env.name, path, message)

    return run
