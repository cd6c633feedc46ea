"""Splits the environments' models into what they share (base.yaml) and what each one
says on top of it, under envgen's merge: mappings merge key by key, lists and single
values replace, `!remove` deletes an inherited key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from envgen.reading.source import REMOVE

_ABSENT = object()


def factor(models: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """base.yaml's part and each environment's part, such that merging each part over the
    base gives that environment's model back. A key goes to the base when a majority of
    at least two environments has it (the others `!remove` it); a value when a majority of
    them agrees on it (the others write their own)."""
    if len(models) == 1:
        return dict(models[0]), [{}]
    base, overlays = _mapping(list(models))
    return base, overlays


def _mapping(values: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    base: dict[str, Any] = {}
    overlays: list[dict[str, Any]] = [{} for _ in values]
    keys = list(dict.fromkeys(key for value in values for key in value))
    for key in keys:
        having = [i for i, value in enumerate(values) if key in value]
        if not _majority(len(having), len(values)):
            for i in having:
                overlays[i][key] = values[i][key]
            continue
        shared, own = _value([values[i][key] for i in having])
        emptied = shared == {} and any(values[i][key] for i in having)
        if shared is _ABSENT or emptied:  # nothing most agree on: each says its own
            for i in having:
                overlays[i][key] = values[i][key]
            continue
        base[key] = shared
        for i in range(len(values)):
            if i not in having:
                overlays[i][key] = REMOVE
        for i, part in zip(having, own, strict=True):
            if part is not _ABSENT:
                overlays[i][key] = part
    return base, overlays


def _value(values: list[Any]) -> tuple[Any, list[Any]]:
    """The part of `values` that a majority shares (`_ABSENT`: none), and each one's own
    part (`_ABSENT`: nothing to say over the shared part)."""
    if all(isinstance(value, dict) for value in values):
        base, overlays = _mapping(values)
        return base, [overlay if overlay else _ABSENT for overlay in overlays]
    counts = Counter(_key(value) for value in values)
    common, count = counts.most_common(1)[0]
    if not _majority(count, len(values)):
        return _ABSENT, list(values)
    shared = next(value for value in values if _key(value) == common)
    return shared, [_ABSENT if _key(value) == common else _over(shared, value) for value in values]


def _over(shared: Any, own: Any) -> Any:
    """What an environment writes so that, merged over `shared`, it has `own`: a mapping
    over a mapping merges, so what it lacks is removed."""
    if not (isinstance(shared, dict) and isinstance(own, dict)):
        return own
    part: dict[str, Any] = {key: REMOVE for key in shared if key not in own}
    for key, value in own.items():
        if key not in shared:
            part[key] = value
        elif _key(shared[key]) != _key(value):
            part[key] = _over(shared[key], value)
    return part


def _majority(count: int, total: int) -> bool:
    return count == total or (count >= 2 and 2 * count > total)


def _key(value: Any) -> str:
    """A value's identity for counting (dicts and lists are not hashable)."""
    return repr(value)
