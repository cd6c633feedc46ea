"""Prose for the generated pages: paragraphs wrapped as the hand-written pages are."""

from __future__ import annotations

import re
import textwrap

WIDTH = 90

# A code span, which shows its text as written; outside one, `<` would open inline HTML.
_CODE = re.compile(r"(`[^`]*`)")


def _plain(text: str) -> str:
    """Text from the code (docstrings, help) as markdown shows it: a `<name>` outside a
    code span escaped, so that it reads as text, not as an HTML tag."""
    return "".join(
        part if _CODE.fullmatch(part) else part.replace("<", "\\<") for part in _CODE.split(text)
    )


def paragraph(text: str) -> str:
    """One paragraph of markdown, wrapped at spaces (never inside a word or at a hyphen)."""
    return textwrap.fill(
        _plain(" ".join(text.split())), WIDTH, break_long_words=False, break_on_hyphens=False
    )


def cell(text: str) -> str:
    """Text for a table cell: one line, with its pipes escaped."""
    return _plain(" ".join(text.split())).replace("|", "\\|")
