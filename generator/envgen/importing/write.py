"""Writes specs as YAML text with their comments: the evidence of each inferred value,
the TODOs, the comments kept from the compose files, `!remove` where an environment
drops what base.yaml has."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from envgen.outputs.languages.yaml_text import yaml_key, yaml_scalar
from envgen.problems import printable
from envgen.reading.source import REMOVE

KeyPath = tuple[str | int, ...]


def spec_text(
    data: dict[str, Any],
    *,
    header: list[str],
    comments: Mapping[KeyPath, str],
    notes: Mapping[KeyPath, list[str]],
) -> str:
    """`data` as a spec: `header` lines first, each key's note lines above it and its
    comment after it."""
    lines = [_comment_line(line) for line in header]
    lines += _block(data, (), 0, comments, notes)
    return "\n".join(lines) + "\n"


def _comment_line(text: str, indent: int = 0) -> str:
    body = printable(text)
    return " " * indent + (f"# {body}" if body else "#")


def _after(path: KeyPath, comments: Mapping[KeyPath, str]) -> str:
    comment = comments.get(path)
    return f"  # {printable(comment)}" if comment else ""


def _block(
    value: Any,
    path: KeyPath,
    indent: int,
    comments: Mapping[KeyPath, str],
    notes: Mapping[KeyPath, list[str]],
) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            at = (*path, key)
            lines += [_comment_line(note, indent) for note in notes.get(at, [])]
            head = f"{pad}{yaml_key(str(key))}:"
            if isinstance(item, dict | list) and item:
                lines.append(head + _after(at, comments))
                lines += _block(item, at, indent + 2, comments, notes)
            else:
                lines.append(f"{head} {_inline(item)}{_after(at, comments)}")
        return lines
    for index, item in enumerate(value):
        at = (*path, index)
        if isinstance(item, dict | list) and item:
            nested = _block(item, at, indent + 2, comments, notes)
            first = next(i for i, line in enumerate(nested) if not line.lstrip().startswith("#"))
            nested[first] = f"{pad}- {nested[first][indent + 2 :]}"
            lines += nested
        else:
            lines.append(f"{pad}- {_inline(item)}{_after(at, comments)}")
    return lines


def _inline(value: Any) -> str:
    if value is REMOVE:
        return "!remove"
    if value in ({}, []) and isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return yaml_scalar(value)
