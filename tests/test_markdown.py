"""Markdown spelling of spec values: escaped text, wrapped paragraphs, code spans."""

from __future__ import annotations

import pytest
from envgen.outputs.languages.markdown import code, flag, paragraph, text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain words", "plain words"),
        ("a | b", "a \\| b"),
        ("run `make`", "run \\`make\\`"),
        ("*bold* and [link](x)", "\\*bold\\* and \\[link\\](x)"),
        ("<b>tag</b>", "\\<b\\>tag\\</b\\>"),
        ("snake_case stays, _emphasis_ does not", "snake_case stays, \\_emphasis\\_ does not"),
        ("AT&T &amp; more", "AT&T \\&amp; more"),
        ("~~gone~~ C:\\path", "\\~\\~gone\\~\\~ C:\\\\path"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("two\n  lines\tand tabs ", "two lines and tabs"),
    ],
)
def test_text_renders_as_the_same_characters(value: str, expected: str) -> None:
    assert text(value) == expected


@pytest.mark.parametrize(
    ("value", "in_table", "expected"),
    [
        ("docker compose up", True, "`docker compose up`"),
        ("a|b", True, "`a\\|b`"),
        ("a|b", False, "`a|b`"),
        ("say `hi`", True, "`` say `hi` ``"),
        ("``x``", True, "``` ``x`` ```"),
        ("two\nlines", True, "`two lines`"),
    ],
)
def test_code_span_fences_backticks_and_escapes_pipes_in_tables(
    value: str, in_table: bool, expected: str
) -> None:
    assert code(value, in_table) == expected


def test_paragraph_wraps_at_spaces_and_escapes_block_starts_on_every_line() -> None:
    value = "one two three four five six seven eight - nine ten # eleven 12. twelve + end"
    assert paragraph(value, width=12).splitlines() == [
        "one two",
        "three four",
        "five six",
        "seven eight",
        "\\- nine ten",
        "\\# eleven",
        "12\\. twelve",
        "\\+ end",
    ]


def test_paragraph_keeps_a_long_word_whole() -> None:
    url = "https://example.org/" + "a" * 60
    assert paragraph(f"see {url} now", width=40) == f"see\n{url}\nnow"


def test_flags() -> None:
    assert (flag(True), flag(False)) == ("✓", "✗")
