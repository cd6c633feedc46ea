"""Reading specs: YAML 1.2 core types, positions, duplicate keys, `!remove`."""

from __future__ import annotations

import pytest
from envgen.model.merge import merge
from envgen.problems import Position
from envgen.reading.source import REMOVE, load


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("v: no", "no"),
        ("v: on", "on"),
        ("v: 5432:22", "5432:22"),
        ("v: 012", 10),  # octal, as Compose reads it
        ("v: 0x1F", 31),
        ("v: 1.5", 1.5),
        ("v: true", True),
        ("v: ~", None),
        ("v: 2026-01-01", "2026-01-01 00:00:00 +0000 UTC"),  # a timestamp to Compose
        ("v: 2026-13-01", "2026-13-01"),  # no month 13: text
        ("v: '8001'", "8001"),
    ],
)
def test_core_schema_keeps_strings_strings(text: str, value: object) -> None:
    document, problems = load(text, "x.yaml")
    assert problems == []
    assert document.data == {"v": value}


def test_positions_are_one_based_for_keys_and_values() -> None:
    document, _ = load("a:\n  b: [1, 2]\n", "x.yaml")
    assert document.keys[("a", "b")] == Position("x.yaml", 2, 3)
    assert document.values[("a", "b", 1)] == Position("x.yaml", 2, 10)


def test_duplicate_keys_are_all_reported() -> None:
    _, problems = load("a: 1\nb: 2\na: 3\nb: 4\n", "x.yaml")
    assert [str(p) for p in problems] == [
        "x.yaml:3:1: a: duplicate key `a` (first defined at line 1)",
        "x.yaml:4:1: b: duplicate key `b` (first defined at line 2)",
    ]


def test_non_string_keys_are_refused() -> None:
    _, problems = load("8001: x\n", "x.yaml")
    assert [str(p) for p in problems] == ["x.yaml:1:1: keys must be strings (quote the key)"]


def test_remove_with_a_value_is_refused() -> None:
    document, problems = load("a: !remove yes\n", "x.yaml")
    assert document.data == {"a": REMOVE}
    assert [str(p) for p in problems] == ["x.yaml:1:4: a: `!remove` takes no value"]


def test_merge_keeps_where_each_value_came_from() -> None:
    base, _ = load("s:\n  a: {x: 1, y: [1, 2]}\n  b: {x: 2}\n", "base.yaml")
    spec, _ = load("s:\n  a:\n    y: [3]\n  b: !remove\n  c: {q: 1}\n", "env.yaml")
    merged, problems = merge(base, spec)
    assert problems == []
    assert merged.data == {"s": {"a": {"x": 1, "y": [3]}, "c": {"q": 1}}}
    assert merged.values[("s", "a", "x")] == Position("base.yaml", 2, 10)
    assert merged.values[("s", "a", "y")] == Position("env.yaml", 3, 8)
    assert merged.values[("s", "c", "q")] == Position("env.yaml", 5, 10)


def test_merge_replaces_lists_and_keeps_base_key_order() -> None:
    base, _ = load("a: 1\nb: [1, 2]\nc: 3\n", "base.yaml")
    spec, _ = load("d: 4\nb: [9]\n", "env.yaml")
    merged, _ = merge(base, spec)
    assert list(merged.data.items()) == [("a", 1), ("b", [9]), ("c", 3), ("d", 4)]
