"""Each rule's example, as the rules page shows it, is true: applied to the project that
`envgen init` makes, the violation draws a finding of that rule, and the fix none at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.errors import SpecError
from envgen.policies import RULES
from envgen.policies.check import enforce
from envgen.policies.rule import Rule
from envgen.problems import Problem
from envgen.project.load import load_project
from envgen.scaffolding import scaffold
from envgen.settings import load_settings


class _Tag:
    """A tag of envgen's (`!remove`, `!reset`) kept through the edit."""

    def __init__(self, tag: str) -> None:
        self.tag = tag


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


for _name in ("!remove", "!reset"):
    _Loader.add_constructor(_name, lambda _loader, node: _Tag(node.tag))
_Dumper.add_representer(_Tag, lambda dumper, tag: dumper.represent_scalar(tag.tag, ""))


def _merged(spec: Any, piece: Any) -> Any:
    """`piece` written into `spec`: mappings key by key, anything else replaced."""
    if isinstance(spec, dict) and isinstance(piece, dict):
        return {**spec, **{k: _merged(spec.get(k), v) for k, v in piece.items()}}
    return piece


def _edit(root: Path, spec: str, piece: str) -> None:
    if yaml.load(piece, Loader=_Loader) is None:
        return
    path = root / "environments" / spec
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    merged = _merged(data, yaml.load(piece, Loader=_Loader))
    path.write_text(yaml.dump(merged, Dumper=_Dumper, sort_keys=False), encoding="utf-8")


def _problems(root: Path) -> list[Problem]:
    try:
        return enforce(load_project(load_settings(root)))
    except SpecError as error:
        return error.problems


def example_problems(root: Path, rule: Rule, part: str) -> list[Problem]:
    """Every problem of the scaffold with the example's `given` and then its `part`."""
    assert rule.example is not None
    scaffold(root, "shop")
    for spec, piece in rule.example.given:
        _edit(root, spec, piece)
    _edit(root, rule.example.spec, getattr(rule.example, part))
    return _problems(root)


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_the_violation_draws_the_rule(tmp_path: Path, rule: Rule) -> None:
    problems = example_problems(tmp_path, rule, "violation")
    assert rule.id in {problem.rule for problem in problems}, [str(p) for p in problems]


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_the_fix_draws_nothing(tmp_path: Path, rule: Rule) -> None:
    assert [str(p) for p in example_problems(tmp_path, rule, "fix")] == []


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_every_rule_is_documented(rule: Rule) -> None:
    assert rule.reads_text
    assert rule.fix
    assert rule.example is not None
