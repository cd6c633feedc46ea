"""Merges an environment's spec over base.yaml, keeping where every value came from.

Mappings merge key by key (Compose's list form of one, `- NAME=value`, as the mapping:
list_forms.py); lists and scalars replace what base.yaml had; `!remove`
deletes an inherited key (and it is an error when there is none); Compose's `!reset`
drops it whether or not there is one; Compose's `!override` replaces a mapping whole.
Positions follow the values, so a problem in an inherited value points into base.yaml,
where the person must edit it.
"""

from __future__ import annotations

from typing import Any

from envgen.problems import Problem, did_you_mean
from envgen.reading.list_forms import mapping_forms
from envgen.reading.source import REMOVE, RESET, Document, Override, Path, field_path


def _copy_positions(source: Document, target: Document, path: Path, value: Any) -> None:
    """Take from `source` the positions of `path` and of everything inside `value`, the
    data found there: a walk of that value alone, not a scan of the whole document."""
    stack: list[tuple[Path, Any]] = [(path, value)]
    while stack:
        at, item = stack.pop()
        if at in source.values:
            target.values[at] = source.values[at]
        if at in source.keys:
            target.keys[at] = source.keys[at]
        if isinstance(item, Override):
            stack.append((at, item.value))
        elif isinstance(item, dict):
            stack.extend(((*at, key), child) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend(((*at, index), child) for index, child in enumerate(item))


def merge(base: Document, overlay: Document) -> tuple[Document, list[Problem]]:
    """Return `overlay` merged over `base`, with problems for `!remove` of nothing."""
    base, overlay = mapping_forms(base), mapping_forms(overlay)
    result = Document(None)
    problems: list[Problem] = []

    def walk(low: Any, high: Any, path: Path) -> Any:
        if isinstance(low, dict) and isinstance(high, dict):
            merged: dict[str, Any] = {}
            result.values[path] = overlay.values.get(path, base.values.get(path))  # type: ignore[assignment]
            for key in low:
                if key not in high:
                    _copy_positions(base, result, (*path, key), low[key])
                    merged[key] = low[key]
            for key, value in high.items():
                child = (*path, key)
                if value is REMOVE:
                    if key not in low:
                        problems.append(_nothing_to_remove(overlay, child, list(low)))
                    continue
                if value is RESET:
                    continue  # Compose's !reset: drop base.yaml's value, if there is one
                if isinstance(value, Override) or key not in low:
                    _copy_positions(overlay, result, child, value)
                    merged[key] = _without_removals(value, child, overlay, problems)
                    continue
                result.keys[child] = overlay.keys[child]
                merged[key] = walk(low[key], value, child)
            # Keep base order for inherited keys, then the overlay's additions.
            order = [k for k in low if k in merged] + [k for k in high if k not in low]
            return {k: merged[k] for k in order if k in merged}
        _copy_positions(overlay, result, path, high)
        return _without_removals(high, path, overlay, problems)

    result.data = walk(base.data, overlay.data, ())
    return result, problems


def _without_removals(value: Any, path: Path, document: Document, problems: list[Problem]) -> Any:
    """A value that is new in the overlay has nothing to remove from; say so where asked.
    `!override` and `!reset` mean nothing more there than the plain value and no value."""
    if isinstance(value, Override):
        return _without_removals(value.value, path, document, problems)
    if isinstance(value, dict):
        clean = {}
        for key, item in value.items():
            if item is REMOVE:
                problems.append(_nothing_to_remove(document, (*path, key), []))
            elif item is RESET:
                continue
            else:
                clean[key] = _without_removals(item, (*path, key), document, problems)
        return clean
    if isinstance(value, list):
        return [
            _without_removals(item, (*path, i), document, problems) for i, item in enumerate(value)
        ]
    return value


def _nothing_to_remove(document: Document, path: Path, inherited: list[str]) -> Problem:
    key = str(path[-1])
    hint = did_you_mean(key, inherited)
    return Problem(
        document.keys.get(path, document.values[path]),
        field_path(path),
        f"`!remove` of `{key}`, which base.yaml does not define",
        hint,
    )
