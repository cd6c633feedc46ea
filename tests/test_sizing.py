"""The shipped specs size staging and production for the real VPS, a 4 GB Hetzner CX22
that they share with the infrastructure's own containers, and say where each size comes
from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from envgen.compose.sizes import format_memory, parse_memory
from envgen.model.environment import Environment
from envgen.policies.rules.budget import usage
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import REPO, Run

SPECS = sorted((REPO / "environments").glob("*.yaml"))
# Keys whose value is a size, a share of the machine or a count of copies.
SIZED_KEYS = {
    "memory",
    "cpus",
    "size",
    "max_size",
    "max_file",
    "shm_size",
    "mem_limit",
    "mem_reservation",
    "memswap_limit",
    "replicas",
}
# The CX22's 4 GB, less 768m for the kernel, Debian, Docker, Caddy and monitoring: the
# derivation production.yaml writes beside `host.memory`.
HOST = parse_memory("4g") - parse_memory("768m")
MEGABYTE = 1024**2


def _sized(text: str) -> Iterator[tuple[str, yaml.ScalarNode]]:
    """Every scalar under a sized key, walking YAML's nodes (tags are not constructed, so
    `!remove` needs no loader; an alias is the node it names, visited once)."""
    seen: set[int] = set()
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    stack: list[yaml.Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value in SIZED_KEYS and isinstance(value, yaml.ScalarNode):
                    yield key.value, value
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _explained(lines: list[str], value: yaml.ScalarNode) -> bool:
    """A comment after the value on its line, or a comment block right above that line."""
    line = value.start_mark.line
    if lines[line][value.end_mark.column :].lstrip().startswith("#"):
        return True
    return line > 0 and lines[line - 1].lstrip().startswith("#")


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.name)
def test_every_sized_number_says_where_it_comes_from(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    sized = list(_sized(text))
    unexplained = [
        f"{path.name}:{value.start_mark.line + 1}: {key}: {value.value}"
        for key, value in sized
        if not _explained(lines, value)
    ]
    assert unexplained == []
    if path.name != "local.yaml":  # the laptop sets no size of its own
        assert sized


def test_an_unexplained_size_is_found() -> None:
    text = "services:\n  api:\n    memory: 1g  # why\n    tmpfs:\n      - {target: /t, size: 8m}\n"
    lines = text.split("\n")
    assert [(k, v.value, _explained(lines, v)) for k, v in _sized(text)] == [
        ("memory", "1g", True),
        ("size", "8m", False),
    ]


def _by_hand(env: Environment) -> int:
    """Memory limits plus tmpfs sizes, added up here apart from the budget rule's code."""
    total = 0
    for service in env.services.values():
        assert service.memory is not None, f"{env.name}: {service} has no memory limit"
        assert not service.passthrough.get("deploy"), "deploy.* would count too"
        total += service.memory
        for tmpfs in service.tmpfs:
            assert tmpfs.bytes is not None
            total += tmpfs.bytes
    return total


def _deployed() -> list[Environment]:
    project = load_project(load_settings(REPO))
    return [env for env in project.environments if env.host.name == "vps"]


def test_staging_and_production_fit_the_real_host() -> None:
    deployed = _deployed()
    assert [env.name for env in deployed] == ["staging", "production"]
    assert {env.host.memory for env in deployed} == {HOST}
    # The budget rule's arithmetic is the plain sum, one-shot jobs and RAM disks included.
    assert [usage(env) for env in deployed] == [_by_hand(env) for env in deployed]
    total = sum(usage(env) for env in deployed)
    assert total <= HOST, f"{format_memory(total)} on a {format_memory(HOST)} host"
    # Staging is the smaller stack, as its spec promises production.
    assert usage(deployed[0]) < usage(deployed[1])


def _line_of(text: str, after: str, key: str) -> tuple[int, str]:
    """1-based number and text of the first `key:` line after the line `after`."""
    lines = text.split("\n")
    start = lines.index(after)
    number = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(key))
    return number + 1, lines[number]


def _grow_backend(root: Path, by: int) -> None:
    path = root / "environments" / "production.yaml"
    text = path.read_text(encoding="utf-8")
    number, line = _line_of(text, "  backend:", "memory:")
    size = re.search(r"memory: (\S+)", line)
    assert size is not None
    grown = line.replace(size[0], f"memory: {format_memory(parse_memory(size[1]) + by)}")
    lines = text.split("\n")
    lines[number - 1] = grown
    path.write_text("\n".join(lines), encoding="utf-8")


def test_the_budget_rule_holds_at_the_headroom_and_refuses_past_it(shipped: Path, run: Run) -> None:
    deployed = _deployed()
    headroom = HOST - sum(usage(env) for env in deployed)
    _grow_backend(shipped, headroom)  # exactly full: still fits
    result = run("--root", shipped, "validate")
    assert (result.exit_code, "BUD001" in result.output) == (0, False), result.output

    _grow_backend(shipped, MEGABYTE)  # one megabyte past the host
    result = run("--root", shipped, "validate")
    production = (shipped / "environments" / "production.yaml").read_text(encoding="utf-8")
    line, _ = _line_of(production, "host:", "memory:")
    staging, total = usage(deployed[0]), HOST + MEGABYTE
    expected = (
        f"environments/production.yaml:{line}:11: BUD001 warning: host.memory: the "
        f"environments on host `vps` may use {format_memory(total)} (staging "
        f"{format_memory(staging)}, production {format_memory(total - staging)}), more than "
        f"its {format_memory(HOST)} (lower memory limits or tmpfs sizes, or move an "
        "environment to another host)"
    )
    assert result.exit_code == 0
    assert expected in result.output.split("\n"), result.output
