"""Compares two environments: the changes between their views, computed with deepdiff.

Secrets are concealed here, so that no output format can print one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any, Literal

from deepdiff import DeepDiff

from envgen.compose.interpolation import REFERENCE, variable_of
from envgen.diff.views import compose_view, spec_view
from envgen.errors import UsageError
from envgen.model.declared.intended import Steps, dotted, item_step, key_step, matches
from envgen.model.environment import Environment
from envgen.model.facts import FACTS
from envgen.problems import Position
from envgen.project.load import Project
from envgen.redaction import redact, redact_text

Kind = Literal["added", "removed", "changed"]
View = Literal["compose", "spec"]

# Differences that two environments have by construction, whatever anyone decides.
PER_ENVIRONMENT = ("name", "suffix", "compose_project", "volumes.*.name")
# Changed values that only differ by construction: a network's alias is named after the
# compose project (joining or leaving a network is a real difference).
PER_ENVIRONMENT_CHANGES = ("services.*.networks[*]",)


@dataclass(frozen=True)
class Change:
    """One difference: `added` is only in B, `removed` only in A, `changed` in both."""

    path: Steps
    kind: Kind
    a: Any = None
    b: Any = None
    per_environment: bool = False
    reason: str | None = None  # why it is intended, when a spec declares it

    @property
    def service(self) -> str | None:
        return self.path[1] if len(self.path) > 1 and self.path[0] == "services" else None

    @property
    def where(self) -> str:
        return dotted(self.path)


@dataclass(frozen=True)
class Stale:
    """A declared difference that matches no difference any more."""

    environment: str
    against: str
    pattern: str
    reason: str
    position: Position
    shown: str = ""  # what diff prints near it, in its words, when it prints something


@dataclass(frozen=True)
class Comparison:
    a: str
    b: str
    view: View
    changes: tuple[Change, ...]
    stale: tuple[Stale, ...]
    services: tuple[str, ...]  # of both environments, A's first


def _without_defaults(text: str) -> str:
    """References cut to their variable: a default or alternate value may be a secret."""
    return REFERENCE.sub(lambda match: f"${{{variable_of(match.group())}}}", text)


class _Secrets:
    """Decides which values are secrets: the secret facts of either environment, any value
    under a name that says so, and the credentials inside any other value."""

    def __init__(self, envs: tuple[Environment, Environment]) -> None:
        self.facts = {
            (key_step(service_name), key_step(variable))
            for env in envs
            for service_name, service in env.services.items()
            for variable, fact in service.facts.items()
            if fact in FACTS and FACTS[fact].secret
        }

    def from_fact(self, path: Steps) -> bool:
        return len(path) == 4 and path[0] == "services" and (path[1], path[3]) in self.facts

    def hide(self, value: Any, path: Steps) -> Any:
        if isinstance(value, dict):
            return {k: self.hide(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.hide(item, path) for item in value]
        if self.from_fact(path) and isinstance(value, str):
            # envgen wrote this value: its only secret parts are references (and their
            # defaults), so the rest, such as a database URL's name and host, can show.
            return _without_defaults(value)
        if len(path) >= 2 and path[-2] == "facts":
            return redact(value)  # fact names, such as database.url, not values
        # A step in brackets is a key like any other (a label `com.example.deploy-token`).
        return redact(value, path[-1].removeprefix("[").removesuffix("]"))


def _label(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _raw_changes(a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    tree = DeepDiff(
        a,
        b,
        ignore_order=True,  # every list left in a view is a set: order means nothing
        view="tree",
        threshold_to_diff_deeper=0,  # compare mappings key by key, however different
        cutoff_intersection_for_pairs=0,
    )
    changes = []
    for report, levels in tree.items():
        for level in levels:
            steps = level.path(output_format="list")
            if steps and isinstance(steps[-1], int):
                # An item of a set: named by its value, whatever its position.
                path = tuple(steps[:-1])
                if report == "values_changed":
                    changes.append(
                        Change((*path, item_step(_label(level.t1))), "removed", level.t1)
                    )
                    changes.append(
                        Change((*path, item_step(_label(level.t2))), "added", None, level.t2)
                    )
                elif report == "iterable_item_added":
                    changes.append(
                        Change((*path, item_step(_label(level.t2))), "added", None, level.t2)
                    )
                elif report == "iterable_item_removed":
                    changes.append(
                        Change((*path, item_step(_label(level.t1))), "removed", level.t1)
                    )
                continue
            path = tuple(str(step) for step in steps)
            if report == "dictionary_item_added":
                changes.append(Change(path, "added", None, level.t2))
            elif report == "dictionary_item_removed":
                changes.append(Change(path, "removed", level.t1))
            elif report in ("values_changed", "type_changes"):
                changes.append(Change(path, "changed", level.t1, level.t2))
    return changes


def _pruned(value: Any) -> Any:
    """A whole added or removed part without its empty collections."""
    if isinstance(value, dict):
        pruned = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [])}
    return value


# A change of A -> B seen from B is the same change; seen from A, what only B has is
# what A lacks.
_FROM_A: dict[Kind, Kind] = {"added": "removed", "removed": "added", "changed": "changed"}


@dataclass(frozen=True)
class _Declared:
    env: Environment
    index: int
    pattern_index: int
    pattern: str
    reason: str
    against: str
    kinds: tuple[Kind, ...]  # as A -> B kinds of the comparison

    def covers(self, change: Change) -> bool:
        """The change is at or under the declared path, and of a kind it allows."""
        return change.kind in self.kinds and matches(self.pattern, change.path)


def _declarations(project: Project, a: Environment, b: Environment) -> list[_Declared]:
    found = []
    for env, other in ((a, b), (b, a)):
        for index, declared in enumerate(env.intended_differences):
            if project.get(declared.against).name != other.name:
                continue
            kinds = tuple(_FROM_A[k] if env is a else k for k in declared.kind)
            for pattern_index, pattern in enumerate(declared.paths):
                found.append(
                    _Declared(
                        env, index, pattern_index, pattern, declared.reason, other.name, kinds
                    )
                )
    return found


def _changes(
    view_a: dict[str, Any], view_b: dict[str, Any], secrets: _Secrets, declared: list[_Declared]
) -> list[Change]:
    changes = []
    for change in _raw_changes(view_a, view_b):
        reason = next((d.reason for d in declared if d.covers(change)), None)
        changes.append(
            replace(
                change,
                path=tuple(redact_text(step) for step in change.path),
                a=secrets.hide(_pruned(change.a), change.path),
                b=secrets.hide(_pruned(change.b), change.path),
                per_environment=any(matches(p, change.path) for p in PER_ENVIRONMENT)
                or (
                    change.kind == "changed"
                    and any(matches(p, change.path) for p in PER_ENVIRONMENT_CHANGES)
                ),
                reason=reason,
            )
        )
    return changes


def compare(project: Project, name_a: str, name_b: str, view: View = "compose") -> Comparison:
    """Every difference between two environments (names or aliases), in the given view."""
    a, b = project.get(name_a), project.get(name_b)
    secrets = _Secrets((a, b))
    declared = _declarations(project, a, b)
    views = {
        "compose": (compose_view(project, a), compose_view(project, b)),
        "spec": (spec_view(a), spec_view(b)),
    }
    found = {name: _changes(*pair, secrets, declared) for name, pair in views.items()}
    services = tuple(dict.fromkeys([*a.services, *b.services]))
    order = {key_step(name): index for index, name in enumerate(services)}
    changes = sorted(
        found[view],
        key=lambda c: (-1 if c.service is None else order.get(c.service, len(order)), c.where),
    )
    every_change = [c for changes_of_view in found.values() for c in changes_of_view]
    stale = tuple(
        Stale(
            d.env.name,
            d.against,
            d.pattern,
            d.reason,
            project.documents[d.env.name].position_of(
                ("intended_differences", d.index, "paths", d.pattern_index),
            ),
            _shown(d, every_change, a.name),
        )
        for d in declared
        if not any(d.covers(change) for change in every_change)
    )
    return Comparison(a.name, b.name, view, tuple(changes), stale, services)


def _shown(declared: _Declared, changes: list[Change], a: str) -> str:
    """A stale declaration's fix in the words diff prints: the kind of difference diff
    shows at that path, seen from the declaring environment as `kind` is; or the path
    diff prints closest to the one written."""
    kinds = {c.kind for c in changes if matches(declared.pattern, c.path)}
    if kinds:
        own = sorted(_FROM_A[k] if declared.env.name == a else k for k in kinds)
        return f"diff shows it as {' and '.join(own)} here: write `kind: {own[0]}`"
    if any(wildcard in declared.pattern for wildcard in "*?"):
        return ""  # a pattern of many paths has no one path to show
    paths = sorted({c.where for c in changes})
    close = difflib.get_close_matches(declared.pattern, paths, n=1, cutoff=0.6)
    return f"diff shows `{close[0]}`" if close else ""


def narrow(
    comparison: Comparison,
    services: tuple[str, ...] = (),
    undeclared_only: bool = False,
    hide_per_environment: bool = False,
) -> Comparison:
    """The differences a reader asked for: some services, the undecided ones, ..."""
    unknown = [name for name in services if name not in comparison.services]
    if unknown:
        raise UsageError(
            f"unknown service `{unknown[0]}`; services: {', '.join(comparison.services)}"
        )
    wanted = {key_step(name) for name in services}
    kept = tuple(
        change
        for change in comparison.changes
        if (not wanted or change.service in wanted)
        and not (undeclared_only and change.reason is not None)
        and not (hide_per_environment and change.per_environment)
    )
    return replace(comparison, changes=kept)
