"""Any string survives rendering: YAML quoting, Compose's `$` escaping, and Compose itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.compose.interpolation import escape, is_required, literal, parse, variable_of
from envgen.model.environment import Environment
from envgen.outputs.languages.yaml_text import yaml_block, yaml_string
from envgen.outputs.render import render_project
from envgen.project.load import Project
from envgen.settings import load_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose_json

# Text a YAML file can carry: any character but lone surrogates (not encodable) and NUL
# (no process can receive it, so the models refuse it).
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
# Strings built to hit the dangerous cases more often than chance would.
NASTY = st.lists(
    st.sampled_from(
        [
            "$",
            "$$",
            "${A}",
            "${A:-x}",
            "${B:?msg}",
            "{{ x }}",
            ": ",
            "#",
            "'",
            '"',
            "\n",
            "*",
            "&",
            "!",
            "-",
            "no",
            "8001",
            "~",
            "null",
            "\\",
            "é",
            "\U0001f600",
            " ",
            "\t",
        ]
    )
    | TEXT,
    max_size=6,
).map("".join)


@given(NASTY)
@settings(max_examples=500)
def test_yaml_string_reads_back_as_the_same_string(text: str) -> None:
    assert yaml.safe_load(yaml_string(text)) == text


@given(NASTY)
@settings(max_examples=500)
def test_an_escaped_literal_means_itself_to_compose(text: str) -> None:
    assert parse(escape(text)) == literal(text)


@given(
    st.recursive(
        NASTY | st.integers() | st.booleans(),
        lambda inner: (
            st.lists(inner, min_size=1, max_size=3)
            | st.dictionaries(NASTY, inner, min_size=1, max_size=3)
        ),
        max_leaves=10,
    ).filter(lambda v: isinstance(v, dict | list))
)
@settings(max_examples=200)
def test_yaml_block_reads_back_as_the_same_data(value: Any) -> None:
    assert yaml.safe_load(yaml_block(value, 2)) == value


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("$HOME", "$$HOME"),
        ("cost: 5$", "cost: 5$$"),
        ("${A:-${B}}", "$${A:-$${B}}"),
        ("$$", "$$$$"),
    ],
)
def test_a_literal_doubles_every_dollar(text: str, escaped: str) -> None:
    assert escape(text) == escaped


@pytest.mark.parametrize(
    ("reference", "variable", "required"),
    [
        ("${TOKEN}", "TOKEN", False),
        ("${TOKEN:?set it}", "TOKEN", True),
        ("${TOKEN?}", "TOKEN", True),
        ("${URL:-http://x?y=1}", "URL", False),
        ("${TAG-latest}", "TAG", False),
        ("${ON:+yes}", "ON", False),
        ("$TOKEN", "TOKEN", False),
    ],
)
def test_references_name_their_variable(reference: str, variable: str, required: bool) -> None:
    assert (variable_of(reference), is_required(reference)) == (variable, required)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("nginx:1.27", "nginx:1.27"),
        ("http://backend:8001", "http://backend:8001"),
        ("no", '"no"'),
        ("8001", '"8001"'),
        ("a: b", '"a: b"'),
        ("", '""'),
        ("line\nbreak", '"line\\nbreak"'),
        ("caf\u00e9", '"caf\\xe9"'),
        ("trailing\n", '"trailing\\n"'),
    ],
)
def test_values_are_plain_only_when_unambiguous(text: str, written: str) -> None:
    assert yaml_string(text) == written


def _render_with(tmp_path: Path, value: str) -> Path:
    """Render a one-service environment carrying the literal `value` (written as Compose
    text) as a variable, a label and a command argument; return the compose file."""
    root = tmp_path / "project"
    if not root.exists():
        (root / "environments").mkdir(parents=True)
    env = Environment.model_validate(
        {
            "name": "prop",
            "tier": "test",
            "app": "prop",
            "host": {"name": "ci"},
            "access": "localhost",
            "services": {
                "probe": {
                    "image": "busybox:1",
                    "command": ["echo", escape(value)],
                    "environment": {"VALUE": escape(value)},
                    "labels": {"value": escape(value)},
                }
            },
        }
    )
    project = Project(load_settings(root), (env,), {"prop": ("environments/base.yaml",)})
    files = render_project(project)
    path, text = next(iter(files.items()))
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")
    return root / path


@given(NASTY)
@settings(max_examples=40, deadline=None)
def test_compose_reads_every_string_back_unchanged(tmp_path_factory: Any, text: str) -> None:
    path = _render_with(tmp_path_factory.mktemp("prop"), text)
    probe = compose_json(path)["services"]["probe"]
    seen = [probe["environment"]["VALUE"], probe["labels"]["value"], probe["command"][1]]
    # `config --no-interpolate` prints Compose text: it means the literal written in.
    assert [parse(value) for value in seen] == [literal(text)] * 3
