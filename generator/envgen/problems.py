"""The sortable record of one problem found in the specs, with where it is."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "silenced"]


@dataclass(frozen=True, order=True)
class Position:
    """A 1-based place in a file, relative to the project root."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where, which field, what, and how to fix it."""

    position: Position
    field: str
    message: str
    hint: str = ""
    severity: Severity = "error"
    rule: str = ""
    environment: str = ""  # set on policy findings, which belong to one environment

    def __str__(self) -> str:
        where = f"{self.position}: "
        what = f"{self.field}: " if self.field else ""
        rule = f"{self.rule} {self.severity}: " if self.rule else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{rule}{what}{self.message}{hint}"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`did you mean `x`?` for the closest known name, or nothing when none is close."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean `{close[0]}`?" if close else ""


def sorted_unique(problems: list[Problem]) -> list[Problem]:
    """Problems in file order, each once (a value inherited from base.yaml can fail in
    every environment but is one line for the person who edits it)."""
    return sorted(set(problems))
