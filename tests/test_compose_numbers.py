"""A string where Compose wants a number: envgen refuses, where it is written, exactly the
strings the docker-compose binary refuses, for every key it converts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.compose import numbers as compose_numbers
from envgen.compose.interpolation import InterpolationError, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose
from tests.conftest import Run, edit_spec

_MESSAGES = {
    "integer": "expected a whole number or a ${VAR} reference "
    "(Compose converts the string after interpolation)",
    "number": "expected a number or a ${VAR} reference "
    "(Compose converts the string after interpolation)",
    "size": "expected a size such as 64m or a ${VAR} reference "
    "(Compose converts the string after interpolation)",
    "number only": "expected a whole number, not a string (Compose reads no string here)",
}


def _nested(path: tuple[str, ...], value: Any) -> Any:
    """The service fragment that puts `value` at `path`: `*` is a ulimit's name, or an
    item of `weight_device`; a ulimit's soft limit comes with a hard one and back."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if step == "*" and rest == ("weight",):
        return [{"path": "/dev/sda", "weight": value}]
    if step == "*":
        return {"nofile": _nested(rest, value)}
    if step in ("soft", "hard"):
        return {"soft": 10, "hard": 10, step: value}
    return {step: _nested(rest, value)}


def _compose_verdict(tmp_path: Path, key: tuple[str, ...], value: Any) -> int:
    service = {"image": "nginx:1", **_nested(key, value)}
    file = tmp_path / "compose.yml"
    # JSON, a YAML Compose reads: every string quoted, so `1e3` stays a string.
    file.write_text(json.dumps({"services": {"web": service}}), encoding="utf-8")
    return compose(file, "config", "-q").returncode


KEYS = list(compose_numbers.SERVICE_KEYS.items())


@pytest.mark.parametrize(("key", "kind"), KEYS, ids=[".".join(k) for k, _ in KEYS])
def test_a_word_is_refused_where_it_is_written(
    shipped: Path, run: Run, tmp_path: Path, key: tuple[str, ...], kind: str
) -> None:
    assert _compose_verdict(tmp_path, key, "threeish") != 0  # Compose refuses it too
    fragment = yaml.safe_dump(_nested(key, "threeish"), default_flow_style=False)
    indented = "".join(f"    {line}\n" for line in fragment.splitlines())
    edit_spec(shipped, "test.yaml", "  postgres:\n", "  postgres:\n" + indented)
    lines = (shipped / "environments/test.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "threeish" in text)
    column = lines[line - 1].index("threeish") + 1
    shown = ".".join(
        "nofile" if s == "*" and i == 1 else "0" if s == "*" else s for i, s in enumerate(key)
    )
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"environments/test.yaml:{line}:{column}: services.postgres.{shown}: {_MESSAGES[kind]}"
    )


# Strings to try on one key of each kind; the binary decides which it reads.
SAMPLES = [
    "12",
    "-1",
    "+3",
    "0",
    " 12",
    "12 ",
    "1.5",
    ".5",
    "1e3",
    "0x10",
    "1_000",
    "",
    "three",
    "64m",
    "64 m",
    "64  m",
    "64MB",
    "64kib",
    "64x",
    "1.5.5m",
    "${N:-3}",
    "${N}m",
    "$$N",
    "3$N",
    "${N}${N}",
    "${N}.5",
    "${N} m",
    "${N}x",
    "-${N}",
    "1__000",
    "1_000.5_5",
    "_1",
    "1_",
    "1.",
    "1.e5",
    "1e_5",
    "1E+5",
    "${N}_5",
    "64 Mi",
    "64i",
    "64b",
    "64 B",
    "64Kb",
    "64ki",
]
PER_KIND = {
    "integer": ("pids_limit",),
    "number": ("deploy", "update_config", "max_failure_ratio"),
    "size": ("shm_size",),
    "number only": ("blkio_config", "weight"),
}


@pytest.mark.parametrize("kind", list(PER_KIND))
def test_envgen_refuses_what_compose_refuses(tmp_path: Path, kind: str) -> None:
    key = PER_KIND[kind]
    assert compose_numbers.SERVICE_KEYS[key] == kind
    compose_refuses = []
    envgen_refuses = []
    for text in SAMPLES:
        # A reference is filled from an empty environment; give it a number to read.
        filled = text.replace("${N}", "${N:-6}").replace("$N", "${N:-6}")
        if _compose_verdict(tmp_path, key, filled) != 0:
            compose_refuses.append(text)
        if list(compose_numbers.check(key[0], _nested(key[1:], text) if key[1:] else text)):
            envgen_refuses.append(text)
    assert envgen_refuses == compose_refuses


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(list(PER_KIND)),
    text=st.text(alphabet="0123456789+-._eExkmgKMiIbB ${}N:", max_size=8),
)
def test_envgen_and_compose_agree_on_any_string(tmp_path: Path, kind: str, text: str) -> None:
    """Random strings of the characters that matter: envgen refuses one exactly when
    Compose does (a reference filled with a number, as a person would set it)."""
    key = PER_KIND[kind]
    try:
        parts = parse(text)
    except InterpolationError:
        return  # not Compose text at all: refused elsewhere, before this check
    filled = text if all(isinstance(part, str) for part in parts) else None
    refused = bool(list(compose_numbers.check(key[0], _nested(key[1:], text) if key[1:] else text)))
    if filled is not None:
        assert refused == (_compose_verdict(tmp_path, key, filled) != 0), text
