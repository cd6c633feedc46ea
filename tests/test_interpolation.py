"""Compose's interpolation grammar, as envgen reads it, checked against Docker Compose."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from envgen.compose.interpolation import (
    InterpolationError,
    MissingVariable,
    Reference,
    escape,
    interpolate,
    parse,
    unparse,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose

# The environment Compose runs with in these tests.
VARIABLES = {"SET": "s", "EMPTY": "", "b": "B"}


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a$$b", ("a$b",)),
        ("$SET", (Reference("SET"),)),
        ("${SET}", (Reference("SET"),)),
        ("$A.B", (Reference("A"), ".B")),
        ("${X:-d}", (Reference("X", ":-", ("d",)),)),
        ("${X-}", (Reference("X", "-", ()),)),
        ("${X:?must be set}", (Reference("X", ":?", ("must be set",)),)),
        ("${X?}", (Reference("X", "?", ()),)),
        ("${X:+on}", (Reference("X", ":+", ("on",)),)),
        ("${X+on}", (Reference("X", "+", ("on",)),)),
        ("${X:-${HOME}}", (Reference("X", ":-", (Reference("HOME"),)),)),
        ("${X:-a}}", (Reference("X", ":-", ("a",)), "}")),
        ("${X:-{}", (Reference("X", ":-", ("{",)),)),
        ("$", ("$",)),
        ("5$", ("5$",)),
        ("$1 $ -", ("$1 $ -",)),
        ("$$HOSTNAME", ("$HOSTNAME",)),
        ("worker@$$HOSTNAME", ("worker@$HOSTNAME",)),
    ],
)
def test_compose_text_parses_as_compose_reads_it(text: str, parts: tuple[Any, ...]) -> None:
    assert parse(text) == parts


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("${", 0, "`${` must be followed by a variable name"),
        ("ab${SET", 2, "`${` is not closed by `}`"),
        ("${1X}", 0, "`${` must be followed by a variable name"),
        ("${ SET}", 0, "`${` must be followed by a variable name"),
        ("${SET }", 0, "` ` cannot follow the variable name inside `${...}`"),
        ("${SET/a/b}", 0, "`/` cannot follow the variable name inside `${...}`"),
        ("${X:-${Y}", 5, "`${` is not closed by `}`"),
        ("x${X:-${}", 6, "`${` must be followed by a variable name"),
    ],
)
def test_a_malformed_reference_is_refused_at_its_offset(
    text: str, offset: int, message: str
) -> None:
    with pytest.raises(InterpolationError) as caught:
        parse(text)
    assert (caught.value.offset, str(caught.value)) == (offset, message)


def test_a_required_variable_without_a_value_stops_interpolation() -> None:
    with pytest.raises(MissingVariable):
        interpolate(parse("${UNSET:?set it}"), VARIABLES)


# Strings built from the pieces of the grammar, valid and malformed alike.
PIECES = st.sampled_from(
    [
        "$",
        "$$",
        "{",
        "}",
        "${",
        "$SET",
        "$b",
        "${SET}",
        "${UNSET",
        "${EMPTY",
        "${SET",
        ":-",
        "-",
        ":?",
        "?",
        ":+",
        "+",
        "x",
        " ",
        "1",
        ".",
        "$UNSET",
    ]
)
COMPOSE_TEXT = st.lists(PIECES, max_size=8).map("".join)


def _compose_values(
    tmp_path: Path, texts: list[str], variables: dict[str, str] = VARIABLES
) -> tuple[int, dict[str, str]]:
    """What Compose makes of each text as a container variable (its JSON escapes `$`)."""
    lines = ["services:", "  probe:", "    image: busybox:1", "    environment:"]
    lines += [f"      V{index}: {json.dumps(text)}" for index, text in enumerate(texts)]
    path = tmp_path / "compose.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = compose(path, "config", "--format", "json", variables=variables)
    if result.returncode != 0:
        return result.returncode, {}
    environment = json.loads(result.stdout)["services"]["probe"]["environment"]
    return 0, dict(environment)


def _ours(text: str) -> str | None:
    """What envgen says Compose makes of `text`, written as Compose's JSON writes it; None
    when envgen refuses it."""
    try:
        return escape(interpolate(parse(text), VARIABLES))
    except (InterpolationError, MissingVariable):
        return None


@given(st.lists(COMPOSE_TEXT, min_size=20, max_size=20))
@settings(max_examples=25, deadline=None)
def test_envgen_reads_compose_text_as_docker_compose_does(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("grammar")
    accepted = [text for text in texts if _ours(text) is not None]
    refused = [text for text in texts if _ours(text) is None]
    code, values = _compose_values(tmp_path, accepted)
    assert code == 0
    assert values == {f"V{index}": _ours(text) for index, text in enumerate(accepted)}
    # One file each: Compose stops at the first error. Compose reads a default or an
    # alternative only when it uses it, so a malformed one fails with every variable
    # unset (defaults used) or with every variable set (alternatives used).
    for text in refused[:3]:
        everything_set = dict.fromkeys(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text), "v")
        codes = [_compose_values(tmp_path, [text], env)[0] for env in ({}, everything_set)]
        assert codes != [0, 0], text


@given(COMPOSE_TEXT)
@settings(max_examples=300)
def test_unparse_writes_what_parse_read(text: str) -> None:
    try:
        parts = parse(text)
    except InterpolationError:
        return
    assert parse(unparse(parts)) == parts
