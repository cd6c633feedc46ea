"""Formats a comparison of two environments as text (grouped by service), JSON or markdown."""

from __future__ import annotations

from json import dumps
from typing import Any

from envgen.diff.compare import Change, Comparison
from envgen.model.declared.intended import dotted
from envgen.outputs.languages.markdown import code as markdown_code
from envgen.outputs.languages.markdown import text as markdown_text

SIGNS = {"added": "+", "removed": "-", "changed": "~"}
_COLOURS = {"added": "32", "removed": "31", "changed": "33", "stale": "35", "note": "2"}
VIEWS = {"compose": "what runs", "spec": "the resolved specs"}
ENVIRONMENT = "(environment)"


def _paint(text: str, colour: str | None) -> str:
    return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m" if colour else text


def show(value: Any) -> str:
    """A value on one line: scalars as written, mappings flattened to `key=value`."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, list):
        return ", ".join(show(item) for item in value) or "(empty)"
    if isinstance(value, dict):
        return ", ".join(f"{key}={show(item)}" for key, item in _flat(value)) or "(empty)"
    return str(value)


def _flat(mapping: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, value in mapping.items():
        if isinstance(value, dict) and value:
            pairs += _flat(value, (*prefix, key))
        else:
            pairs.append((dotted((*prefix, key)), value))
    return pairs


def _whole_service(change: Change) -> bool:
    return change.service is not None and len(change.path) == 2


def _relative(change: Change) -> str:
    """The path under its service heading."""
    if _whole_service(change):
        return "(whole service)"
    return dotted(change.path[2:]) if change.service else change.where


def _side(change: Change, value: Any) -> str:
    """One side of a difference; a whole service by its image."""
    if value is None:
        return ""
    if _whole_service(change):
        image = value.get("image") or value.get("build", {}).get("context", "")
        return f"image {image}" if "image" in value else f"build {image}"
    return show(value)


def _values(change: Change) -> str:
    if change.kind == "changed":
        return f"{show(change.a)} -> {show(change.b)}"
    value = change.b if change.kind == "added" else change.a
    if change.path[-1] == f"[{value}]":
        return ""  # an item that is its own identity, such as a capability
    return _side(change, value)


def _summary(comparison: Comparison, hidden: int) -> str:
    changes = comparison.changes
    if not changes:
        text = "no differences"
    else:
        counts = ", ".join(
            f"{sum(1 for c in changes if c.kind == kind)} {kind}"
            for kind in ("changed", "added", "removed")
        )
        declared = sum(1 for c in changes if c.reason is not None)
        noun = "difference" if len(changes) == 1 else "differences"
        text = (
            f"{len(changes)} {noun} ({counts}): "
            f"{declared} declared, {len(changes) - declared} undeclared"
        )
    if hidden:
        text += f"; {hidden} left out by the options"
    if comparison.stale:
        noun = "declaration" if len(comparison.stale) == 1 else "declarations"
        text += f"; {len(comparison.stale)} stale {noun}"
    return text


def _groups(comparison: Comparison) -> list[tuple[str, list[Change]]]:
    groups: dict[str, list[Change]] = {}
    for change in comparison.changes:
        groups.setdefault(change.service or ENVIRONMENT, []).append(change)
    return list(groups.items())


def _reasons(comparison: Comparison) -> list[str]:
    return list(dict.fromkeys(c.reason for c in comparison.changes if c.reason is not None))


def text(comparison: Comparison, hidden: int = 0, colour: bool = False) -> str:
    """Grouped by service, one line per difference, declared reasons as numbered notes."""
    a, b = comparison.a, comparison.b
    lines = [f"{a} -> {b}: {VIEWS[comparison.view]} (- only in {a}, + only in {b}, ~ changed)"]
    reasons = _reasons(comparison)
    for group, changes in _groups(comparison):
        lines.append("")
        lines.append(group)
        width = min(max(len(_relative(c)) for c in changes), 40)
        for change in changes:
            paint = change.kind if colour else None
            line = f"  {SIGNS[change.kind]} {_relative(change).ljust(width)}  {_values(change)}"
            notes = []
            if change.reason is not None:
                notes.append(f"[{reasons.index(change.reason) + 1}]")
            if change.per_environment:
                notes.append("(per environment)")
            lines.append(_paint(" ".join([line.rstrip(), *notes]), paint))
    if reasons:
        lines += ["", "declared:"]
        lines += [f"  [{n}] {reason}" for n, reason in enumerate(reasons, 1)]
    if comparison.stale:
        lines += ["", "stale declarations (they match no difference):"]
        lines += [
            _paint(
                f"  {s.position}: {s.pattern} (against {s.against}): {s.reason}"
                + (f" ({s.shown})" if s.shown else ""),
                "stale" if colour else None,
            )
            for s in comparison.stale
        ]
    lines += ["", _summary(comparison, hidden)]
    return "\n".join(lines) + "\n"


def records(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {
            "service": change.service,
            "path": change.where,
            "kind": change.kind,
            "a": change.a,
            "b": change.b,
            "declared": change.reason is not None,
            "reason": change.reason,
            "per_environment": change.per_environment,
        }
        for change in comparison.changes
    ]


def json(comparison: Comparison, hidden: int = 0) -> str:
    """One record per difference, and the stale declarations (documented in
    docs/how-to/compare-environments.md)."""
    changes = comparison.changes
    declared = sum(1 for c in changes if c.reason is not None)
    document = {
        "a": comparison.a,
        "b": comparison.b,
        "view": comparison.view,
        "differences": records(comparison),
        "stale": [
            {
                "environment": s.environment,
                "against": s.against,
                "path": s.pattern,
                "reason": s.reason,
                "file": s.position.path,
                "line": s.position.line,
                "column": s.position.column,
            }
            for s in comparison.stale
        ],
        "summary": {
            "differences": len(changes),
            "changed": sum(1 for c in changes if c.kind == "changed"),
            "added": sum(1 for c in changes if c.kind == "added"),
            "removed": sum(1 for c in changes if c.kind == "removed"),
            "declared": declared,
            "undeclared": len(changes) - declared,
            "not_shown": hidden,
        },
    }
    return dumps(document, indent=2, ensure_ascii=False) + "\n"


def _code(value: str, in_table: bool = True) -> str:
    return markdown_code(value, in_table) if value else ""


def markdown(comparison: Comparison, hidden: int = 0) -> str:
    """A table for a pull-request comment."""
    a, b = comparison.a, comparison.b
    lines = [f"### `envgen diff {a} {b}`: {VIEWS[comparison.view]}", ""]
    if comparison.changes:
        lines += [
            f"| | service | path | {a} | {b} | declared |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for change in comparison.changes:
            cells = [_code(_side(change, value)) for value in (change.a, change.b)]
            note = change.reason or ("per environment" if change.per_environment else "")
            service = change.service or ENVIRONMENT
            lines.append(
                f"| {SIGNS[change.kind]} | {service} | {_code(_relative(change))} "
                f"| {cells[0]} | {cells[1]} | {markdown_text(note)} |"
            )
        lines.append("")
    if comparison.stale:
        lines += ["Stale declarations (they match no difference):", ""]
        lines += [
            f"- {_code(str(s.position), in_table=False)}: {_code(s.pattern, in_table=False)} "
            f"(against {s.against}): {markdown_text(s.reason)}"
            for s in comparison.stale
        ]
        lines.append("")
    summary = _summary(comparison, hidden)
    lines.append(f"{summary[0].upper()}{summary[1:]}.")
    return "\n".join(lines) + "\n"
