"""The YAML reader's limits and tags: hostile input is one problem line at its position,
quickly, in little memory; never a traceback, never a silently changed value."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from envgen.reading.limits import MAX_BYTES, MAX_DEPTH, MAX_VALUES
from envgen.reading.source import REMOVE, load

from tests.conftest import Run
from tests.test_bad_input import project


def _laughs(levels: int) -> str:
    """The billion-laughs bomb: each level an alias list of nine of the level below."""
    lines = ['x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"x{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


REFUSED: list[tuple[str, str, str]] = [
    (
        "billion laughs",
        _laughs(12),
        "x.yaml:4:26: x3.4: more than 5000 values (aliases count as what they stand for)",
    ),
    ("recursive alias", "a: &r [*r]\n", "x.yaml:1:8: a.0: alias `*r` is inside its own anchor"),
    (
        "recursive alias in a mapping",
        "a: &r {b: *r}\n",
        "x.yaml:1:11: a.b: alias `*r` is inside its own anchor",
    ),
    (
        "500-deep flow nesting",
        "a: " + "[" * 500 + "]" * 500 + "\n",
        "x.yaml:1:68: nested more than 64 levels deep",
    ),
    (
        "deep block nesting",
        "".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "v: 1\n",
        "x.yaml:64:127: k0.k1.k2.k3.k4.k5.k6.k7....: nested more than 64 levels deep",
    ),
    (
        "4301-digit integer",
        "port: " + "9" * 4301 + "\n",
        "x.yaml:1:7: port: a number of more than 100 characters (quote it if it is text)",
    ),
    (
        "!!int on text",
        "port: !!int abc\n",
        "x.yaml:1:7: port: `!!int` takes a whole number such as 42, 0o17 or 0x1F",
    ),
    (
        "!!bool yes (YAML 1.1's boolean)",
        "read_only: !!bool yes\n",
        "x.yaml:1:12: read_only: `!!bool` takes true or false (YAML 1.2 has no yes, no, on or off)",
    ),
    ("!!null on text", "a: !!null x\n", "x.yaml:1:4: a: `!!null` takes null, ~ or nothing"),
    (
        "!!float on text",
        "a: !!float x\n",
        "x.yaml:1:4: a: `!!float` takes a number such as 1.5 or 2e3",
    ),
    (
        "!!binary",
        "a: !!binary aGVsbG8=\n",
        "x.yaml:1:4: a: tag `!!binary` is not supported: a spec holds text, numbers, "
        "true or false, lists and mappings (quote the value if it is text)",
    ),
    (
        "!!timestamp",
        "a: !!timestamp 2001-12-14\n",
        "x.yaml:1:4: a: tag `!!timestamp` is not supported: a spec holds text, numbers, "
        "true or false, lists and mappings (quote the value if it is text)",
    ),
    (
        "!!set",
        "a: !!set {x, y}\n",
        "x.yaml:1:4: a: tag `!!set` is not supported: a spec holds text, numbers, "
        "true or false, lists and mappings (quote the value if it is text)",
    ),
    (
        "!!omap",
        "a: !!omap [x: 1]\n",
        "x.yaml:1:4: a: tag `!!omap` is not supported: a spec holds text, numbers, "
        "true or false, lists and mappings (quote the value if it is text)",
    ),
    (
        "foreign tag",
        "a: !foo bar\n",
        "x.yaml:1:4: a: unknown tag `!foo` (the tags are `!remove`, `!reset` and `!override`)",
    ),
    (
        "verbatim foreign tag",
        "a: !<tag:example.com,2000:x> bar\n",
        "x.yaml:1:4: a: unknown tag `tag:example.com,2000:x` "
        "(the tags are `!remove`, `!reset` and `!override`)",
    ),
    (
        "foreign tag on a key",
        "!foo k: 1\n",
        "x.yaml:1:1: unknown tag `!foo` (the tags are `!remove`, `!reset` and `!override`)",
    ),
    ("!!str on a mapping", "a: !!str {b: 1}\n", "x.yaml:1:4: a: `!!str` cannot tag a mapping"),
    ("!!map on a scalar", "a: !!map b\n", "x.yaml:1:4: a: a scalar cannot be tagged `!!map`"),
    (
        ".inf",
        "cpus: .inf\n",
        "x.yaml:1:7: cpus: `.inf` is not a finite number (quote it if it is text)",
    ),
    (
        "-.Inf",
        "cpus: -.Inf\n",
        "x.yaml:1:7: cpus: `-.Inf` is not a finite number (quote it if it is text)",
    ),
    (
        ".nan",
        "cpus: .nan\n",
        "x.yaml:1:7: cpus: `.nan` is not a finite number (quote it if it is text)",
    ),
    (
        "a float past the largest",
        "cpus: 1e999\n",
        "x.yaml:1:7: cpus: a number too large to be represented (quote it if it is text)",
    ),
    (
        "lone surrogate",
        'a: "\\ud800"\n',
        "x.yaml:1:4: a: holds a lone surrogate (an escape such as \\ud800), "
        "which no file can encode",
    ),
    (
        "lone surrogate in a key",
        '"\\udfff": 1\n',
        "x.yaml:1:1: a key holds a lone surrogate (an escape such as \\ud800), "
        "which no file can encode",
    ),
    (
        "control character",
        "a: b\x07c\n",
        "x.yaml:1:5: character U+0007 is not allowed in YAML "
        "(write it as an escape inside double quotes, e.g. \\t)",
    ),
    (
        "anchor defined twice",
        "a: &x 1\nb: &x 2\n",
        "x.yaml:2:4: anchor `&x` is defined twice (first at line 1)",
    ),
    ("alias without anchor", "a: *nope\n", "x.yaml:1:4: YAML error: found undefined alias 'nope'"),
    (
        "larger than the size limit",
        "a: '" + "b" * MAX_BYTES + "'\n",
        "x.yaml:1:1: the file is larger than 256 KiB (a spec is a few KiB)",
    ),
    (
        "newline in a tag",
        "a: !<!x%0Ay> b\n",
        "x.yaml:1:4: a: unknown tag `!x\\ny` (the tags are `!remove`, `!reset` and `!override`)",
    ),
]


@pytest.mark.parametrize(("text", "line"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_hostile_yaml_is_one_problem_at_its_position(text: str, line: str) -> None:
    started = time.perf_counter()
    tracemalloc.start()
    try:
        _, problems = load(text, "x.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [str(p) for p in problems] == [line]
    assert time.perf_counter() - started < 1.0
    assert peak < 100 * 1024 * 1024


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: !!bool true", True),
        ("a: !!bool FALSE", False),
        ("a: !!str 8080", "8080"),
        ("a: !!str true", "true"),
        ("a: ! 12", "12"),  # the non-specific tag: a string
        ("a: !!int 0x1F", 31),
        ("a: !!float 1", 1.0),
        ("a: !!null ~", None),
        ("a: !!seq [1]", [1]),
        ("a: !!map {b: 1}", {"b": 1}),
        ("a: '.inf'", ".inf"),
        ("a: 1e308", 1e308),
        ("a: " + "9" * 100, float("9" * 100)),  # at the limit; past 64 bits, a float
        ("a: &x [1, 2]\nb: *x", [1, 2]),  # an alias within the budget
        ("a: !remove", REMOVE),
    ],
)
def test_standard_tags_and_aliases_keep_their_meaning(text: str, value: object) -> None:
    document, problems = load(text + "\n", "x.yaml")
    assert problems == []
    assert document.data[text[text.rindex("\n") + 1 if "\n" in text else 0]] == value


def test_limits_leave_room_for_real_specs() -> None:
    flat = "a: [" + ",".join(["1"] * (MAX_VALUES - 3)) + "]\n"
    assert load(flat, "x.yaml")[1] == []
    nested = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load(nested, "x.yaml")[1] == []
    assert load("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "x.yaml")[1] != []


@pytest.mark.parametrize(
    "text", [_laughs(9), "tier: local\nx: &r [*r]\n", "tier: local\nport: !!int abc\n"]
)
def test_the_command_answers_exit_2_without_traceback(tmp_path: Path, run: Run, text: str) -> None:
    run("--root", project(tmp_path / "warm-up"), "validate")  # imports paid before timing
    root = project(tmp_path / "hostile", local=text)
    started = time.perf_counter()
    result = run("--root", root, "validate")
    assert time.perf_counter() - started < 1.0
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.startswith("environments/local.yaml:")
