"""Declared differences between environments: path patterns and their `against` names."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from envgen.model.environment import Environment
from envgen.problems import Problem
from envgen.reading.source import Document, field_path

_STEP = re.compile(r"\[[^\]]*\]|[^.\[]+")
_PLAIN = re.compile(r"^[A-Za-z0-9_-]+$")

Steps = tuple[str, ...]


def key_step(key: str) -> str:
    """A mapping key as a path step: bare when plain, else in brackets (a label `a.b`)."""
    return key if _PLAIN.match(key) else f"[{key}]"


def item_step(identity: str) -> str:
    """A list item, named by its identity rather than its position: `[/tmp]`, `[CHOWN]`."""
    return f"[{identity}]"


def dotted(steps: Steps) -> str:
    """`services.backend.ports[127.0.0.1:8001/tcp]`."""
    return "".join(
        step if step.startswith("[") or not i else f".{step}" for i, step in enumerate(steps)
    )


def split(pattern: str) -> Steps:
    return tuple(_STEP.findall(pattern))


def _step_matches(step: str, glob: str) -> bool:
    """`*` and `?` are wildcards; brackets name an item, they are no character class."""
    if glob.startswith("["):
        return step.startswith("[") and fnmatchcase(step[1:-1], glob[1:-1].replace("[", "[[]"))
    return fnmatchcase(step, glob.replace("[", "[[]"))


def matches(pattern: str, steps: Steps) -> bool:
    """A pattern matches a path, or anything under it (`bot` matches `bot.username`)."""
    wanted = split(pattern)
    return len(wanted) <= len(steps) and all(
        _step_matches(step, glob) for step, glob in zip(steps, wanted, strict=False)
    )


def check_against(environments: list[Environment], documents: dict[str, Document]) -> list[Problem]:
    """Each declaration must name another environment that exists."""
    names = {alias: env.name for env in environments for alias in (env.name, env.file_suffix)}
    problems = []
    for env in environments:
        for index, declared in enumerate(env.intended_differences):
            where = ("intended_differences", index, "against")
            other = names.get(declared.against)
            if other is None:
                known = ", ".join(sorted(e.name for e in environments))
                message = f"unknown environment `{declared.against}`"
                hint = f"environments: {known}"
            elif other == env.name:
                message, hint = "an environment cannot differ from itself", ""
            else:
                continue
            position = documents[env.name].position_of(where)
            problems.append(Problem(position, field_path(where), message, hint))
    return problems
