"""Spells spec values safely for GitHub markdown: escaped text and code spans.

Every value the parity document shows passes through here, so a value holding `|`, a
backtick, `*` or `<` reads as the same characters and never breaks the table.
"""

from __future__ import annotations

import re
import textwrap

# Characters that start inline markup anywhere, `_` only at a word edge (GitHub does not
# emphasise inside words, and snake_case names stay readable in a plain editor), `&` only
# where it would start an entity, and what starts a block at the beginning of a paragraph.
_INLINE = re.compile(
    r"[\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?[A-Za-z0-9]+;)|^[#+=-]"
)
_ORDERED = re.compile(r"^(\d+)([.)])")
_BLOCK_START = re.compile(r"^[#+=-]")


def _one_line(value: str) -> str:
    """A table cell or a paragraph is one line: runs of whitespace become one space."""
    return re.sub(r"\s+", " ", value).strip()


def text(value: str) -> str:
    """Plain text that renders as exactly these characters, on one line."""
    escaped = _INLINE.sub(lambda match: "\\" + match.group(), _one_line(value))
    return _ORDERED.sub(r"\1\\\2", escaped)


def paragraph(value: str, width: int = 80) -> str:
    """Text as one paragraph, wrapped at spaces to lines of at most `width` characters
    (longer only for a word that is longer); a word that starts a line is escaped where it
    would otherwise start a heading or a list, which it may do in the middle of a paragraph."""
    lines = textwrap.wrap(text(value), width - 1, break_long_words=False, break_on_hyphens=False)
    escaped = [_ORDERED.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\g<0>", line)) for line in lines]
    return "\n".join(escaped)


def code(value: str, in_table: bool = True) -> str:
    """A code span; a backtick inside gets a longer fence. In a table, GitHub ends the
    cell at any `|`, even inside a code span, unless it is escaped."""
    value = _one_line(value)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if value.startswith("`") or value.endswith("`") else ""
    if in_table:
        value = value.replace("|", "\\|")
    return f"{fence}{padding}{value}{padding}{fence}"


def flag(value: bool) -> str:
    return "✓" if value else "✗"
