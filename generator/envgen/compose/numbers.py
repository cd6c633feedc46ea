"""Strings where Compose wants a number. Its schema takes a string for these keys only so
that `${VAR}` can fill them: after interpolation Compose casts the string to a number (Go's
strconv, base 10, no spaces) or reads it as a size (`64m`), and stops on anything else.
So a string here must be such a number or hold a reference; `three` is refused where it
is written, not by `docker compose` on the rendered file. (Each kind and key is judged
against the docker-compose binary in tests/test_compose_numbers.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from envgen.compose.interpolation import InterpolationError, parse

_INTEGER = r"[+-]?[0-9]+"  # ASCII digits: Go reads no other
_DIGIT_RUN = r"[0-9](?:_?[0-9])*"  # Go's ParseFloat takes an underscore between digits
_NUMBER = rf"[+-]?(?:{_DIGIT_RUN}\.?(?:{_DIGIT_RUN})?|\.{_DIGIT_RUN})(?:[eE][+-]?{_DIGIT_RUN})?"
_SIZE = rf"{_NUMBER} ?[kKmMgGtTpP]?(?:[iI]?[bB])?"


@dataclass(frozen=True)
class _Kind:
    """What a key takes as a string: its grammar (None: no string at all), the characters
    the text around a reference may hold, and how the message names it."""

    grammar: re.Pattern[str] | None
    around_references: frozenset[str]
    words: str


_DIGITS = "+-0123456789"
_KINDS = {
    "integer": _Kind(re.compile(_INTEGER), frozenset(_DIGITS), "a whole number"),
    "number": _Kind(re.compile(_NUMBER), frozenset(_DIGITS + "._eE"), "a number"),
    "size": _Kind(
        re.compile(_SIZE), frozenset(_DIGITS + "._eE kKmMgGtTpPiIbB"), "a size such as 64m"
    ),
    # Read as a number with no conversion: not even a reference can fill it.
    "number only": _Kind(None, frozenset(), "a whole number, not a string"),
}


def _readable(kind: _Kind, text: str) -> bool:
    """Whether Compose can read `text` as the kind: a number as written, or one a
    reference may fill (the text around the references could be part of a number)."""
    assert kind.grammar is not None
    if kind.grammar.fullmatch(text):
        return True
    try:
        parts = parse(text)
    except InterpolationError:
        return True  # refused elsewhere, as Compose text
    around = "".join(part for part in parts if isinstance(part, str))
    has_reference = any(not isinstance(part, str) for part in parts)
    return has_reference and set(around) <= kind.around_references


# Compose's keys of a service that cast or size a string (compose-go's interpolation
# casts and its size fields), as paths below the service; `*` is any key or item.
SERVICE_KEYS: dict[tuple[str, ...], str] = {
    ("pids_limit",): "integer",
    ("oom_score_adj",): "integer",
    ("cpu_shares",): "integer",
    ("cpu_count",): "integer",
    ("cpu_period",): "integer",
    ("cpu_quota",): "integer",
    ("cpu_rt_period",): "integer",
    ("cpu_rt_runtime",): "integer",
    ("cpu_percent",): "number",
    ("scale",): "integer",
    ("deploy", "replicas"): "integer",
    ("deploy", "restart_policy", "max_attempts"): "integer",
    ("deploy", "update_config", "parallelism"): "integer",
    ("deploy", "rollback_config", "parallelism"): "integer",
    ("deploy", "update_config", "max_failure_ratio"): "number",
    ("deploy", "rollback_config", "max_failure_ratio"): "number",
    ("deploy", "placement", "max_replicas_per_node"): "integer",
    ("deploy", "resources", "limits", "pids"): "integer",
    ("ulimits", "*"): "integer",
    ("ulimits", "*", "soft"): "integer",
    ("ulimits", "*", "hard"): "integer",
    ("shm_size",): "size",
    ("mem_limit",): "size",
    ("mem_reservation",): "size",
    ("memswap_limit",): "size",
    ("mem_swappiness",): "size",  # read as a size by Compose, whatever its meaning
    ("build", "shm_size"): "size",
    ("blkio_config", "weight"): "number only",
    ("blkio_config", "weight_device", "*", "weight"): "number only",
}


def _strings(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string inside `value`, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _kind(path: tuple[str | int, ...]) -> str | None:
    for pattern, kind in SERVICE_KEYS.items():
        if len(pattern) == len(path) and all(
            p in ("*", step) for p, step in zip(pattern, path, strict=True)
        ):
            return kind
    return None


def check(key: str, value: Any) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """Each string below the service key `key` that Compose cannot read as the number it
    wants: where it is (below the service), what was expected, and why."""
    for path, text in _strings(value, (key,)):
        kind = _kind(path)
        if kind is None:
            continue
        found = _KINDS[kind]
        if found.grammar is None:
            yield path, f"expected {found.words}", "Compose reads no string here"
        elif not _readable(found, text):
            yield (
                path,
                f"expected {found.words} or a ${{VAR}} reference",
                "Compose converts the string after interpolation",
            )
