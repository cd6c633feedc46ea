"""Prose for the generated pages: paragraphs wrapped as the hand-written pages are."""

from __future__ import annotations

import textwrap

WIDTH = 90


def paragraph(text: str) -> str:
    """One paragraph of markdown, wrapped at spaces (never inside a word or at a hyphen)."""
    return textwrap.fill(
        " ".join(text.split()), WIDTH, break_long_words=False, break_on_hyphens=False
    )


def cell(text: str) -> str:
    """Text for a table cell: one line, with its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
