"""The sortable record of one problem found in the specs, with where it is."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning", "silenced"]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` on one line with nothing hidden: every character Python does not call
    printable (controls, line and paragraph separators, bidirectional and zero-width
    format characters, lone surrogates, spaces other than the space) as an escape
    (`\\n`, `\\x1b`, `\\u2028`), so that a value echoed in a problem cannot start
    another line, a terminal sequence or a workflow command."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char == " " else _escape(char) for char in text)


def _escape(character: str) -> str:
    if character in _ESCAPES:
        return _ESCAPES[character]
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@dataclass(frozen=True, order=True)
class Position:
    """A 1-based place in a file, relative to the project root."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.column}"


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
        """The problem's one line: control characters in any part are escaped."""
        where = f"{self.position}: "
        rule = f"{self.rule} {self.severity}: " if self.rule else ""
        return f"{where}{rule}{self.what()}"

    def what(self) -> str:
        """`field: message (hint)`, on one line."""
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{field}{self.message}{hint}")


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`did you mean `x`?` for the closest known name, or nothing when none is close."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean `{close[0]}`?" if close else ""


def sorted_unique(problems: list[Problem]) -> list[Problem]:
    """Problems in file order, each once (a value inherited from base.yaml can fail in
    every environment but is one line for the person who edits it)."""
    return sorted(set(problems))


_WORST = {"error": 0, "warning": 1, "silenced": 2}


def grouped(problems: Iterable[Problem]) -> list[Problem]:
    """One problem for each place and message, naming every environment it was found in
    (`staging, production`), in the order they came: a value inherited from base.yaml
    fails in each environment that inherits it, and is one line for the person who edits
    it, as severe as its most severe finding."""
    groups: dict[tuple[object, ...], list[Problem]] = {}
    for problem in problems:
        key = (problem.position, problem.field, problem.message, problem.hint, problem.rule)
        groups.setdefault(key, []).append(problem)
    found = []
    for members in groups.values():
        names = list(dict.fromkeys(p.environment for p in members if p.environment))
        worst = min(members, key=lambda p: _WORST[p.severity])
        found.append(replace(worst, environment=", ".join(names)))
    return found
