"""The specs' silences: which findings each covers, one line per silence that covers some
(with its reason, once), and what is wrong with the others (an unknown rule, a silence in
base.yaml's `silence`, a silence that matches nothing)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from envgen.model.declared.all_silences import Declared
from envgen.model.environment import Environment
from envgen.problems import Position, Problem, did_you_mean


@dataclass
class Covered:
    """The findings one silence covers, as (field, position, environment)."""

    silence: Declared
    findings: list[tuple[str, Position, str]] = field(default_factory=list)


def silence_lines(covered: Iterable[Covered], base: str) -> Iterator[Problem]:
    """One `silenced` line per silence that covers something: its reason once, and the
    findings it covers."""
    for entry in covered:
        if not entry.findings:
            continue
        silence = entry.silence
        places: dict[tuple[str, Position], list[str]] = {}
        for path, where, env in entry.findings:
            places.setdefault((path, where), []).append(env)
        shown = []
        for (path, where), envs in places.items():
            name = f"{path} at {where}"
            # An inline silence in base.yaml covers its line in every environment.
            in_base = silence.position.path == base
            shown.append(f"{name} in {', '.join(envs)}" if in_base else name)
        yield Problem(
            silence.position,
            silence.field,
            silence.reason,
            f"silences {'; '.join(shown)}",
            "silenced",
            silence.rule,
            entry.findings[0][2],
        )


def silence_problems(
    silences: list[Declared],
    covered: Mapping[int, Covered],
    environments: tuple[Environment, ...],
    known: Iterable[str],
    base: str,
) -> Iterator[Problem]:
    """Unknown rules, a `silence` entry in base.yaml (it would silence every environment),
    and silences that cover nothing (RUF100's unused `noqa`)."""
    rules = list(known)
    by_name = {env.name: env for env in environments}
    first = environments[0].name if environments else ""
    for index, silence in enumerate(silences):
        env = silence.environment or first
        if silence.rule not in rules:
            upper = {rule.upper(): rule for rule in rules}
            close = difflib.get_close_matches(silence.rule.upper(), list(upper), n=1)
            hint = f"did you mean `{upper[close[0]]}`?" if close else "see `envgen rules`"
            message = f"unknown rule `{silence.rule}`"
            yield Problem(silence.position, silence.field, message, hint, environment=env)
        elif silence.environment is not None and silence.position.path == base:
            yield Problem(
                silence.position,
                silence.field,
                "a silence in base.yaml would apply to every environment",
                "move it to the spec of the environment it is meant for",
                environment=env,
            )
        elif not covered[index].findings:
            yield Problem(
                silence.position,
                silence.field,
                _unused(silence, by_name.get(env)),
                _unused_hint(silence, by_name.get(env)),
                "warning",
                environment=env,
            )


def _unused(silence: Declared, env: Environment | None) -> str:
    if silence.inline is not None:
        return f"`{silence.rule}` finds nothing on this line"
    name = env.name if env is not None else silence.environment
    if silence.scope is None:
        return f"`{silence.rule}` finds nothing in {name}"
    return f"`{silence.rule}` finds nothing in {name} for {silence.scope.describe()}"


def _unused_hint(silence: Declared, env: Environment | None) -> str:
    service = silence.scope.service if silence.scope is not None else None
    if service is None or env is None or service in env.services:
        return "remove the silence"
    close = did_you_mean(service, env.services)
    return f"{env.name} has no service `{service}`" + (f"; {close}" if close else "")
