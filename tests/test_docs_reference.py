"""The reference pages equal what the code generates (ENVGEN_UPDATE_GOLDEN=1 rewrites
them), and each lists exactly what the code has: every field, rule, command and output,
and nothing else."""

from __future__ import annotations

import os
import re

import click
import pytest
from envgen.cli.main import main
from envgen.docs_reference import commands_page, outputs_page, spec_page
from envgen.docs_reference.pages import generated
from envgen.model.environment import Environment
from envgen.model.service import Service
from envgen.outputs.registry import OUTPUTS
from envgen.policies import RULES
from envgen.project.passthrough import _SERVICE_FIELDS
from pydantic import BaseModel

from tests.conftest import REPO, lint_markdown

UPDATE = os.environ.get("ENVGEN_UPDATE_GOLDEN") == "1"
PAGES = generated()


@pytest.mark.parametrize("path", PAGES)
def test_the_page_is_up_to_date(path: str) -> None:
    target = REPO / path
    if UPDATE:
        target.write_text(PAGES[path], encoding="utf-8")
    assert target.read_text(encoding="utf-8") == PAGES[path], (
        f"{path} is stale: run `ENVGEN_UPDATE_GOLDEN=1 pytest tests/test_docs_reference.py`"
    )


@pytest.mark.parametrize("path", PAGES)
def test_the_page_passes_the_markdown_linter(path: str) -> None:
    assert lint_markdown(PAGES[path]) == []


def _page(path: str) -> str:
    return (REPO / path).read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, list[str]]:
    """{heading: the first cell of each row of the table under it}."""
    found: dict[str, list[str]] = {}
    heading = ""
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:]
            found[heading] = []
        elif heading and line.startswith("| ") and not line.startswith(("| ---", "| field")):
            found[heading].append(line.split(" | ")[0].removeprefix("| "))
    return found


def _all_models() -> set[str]:
    """Every model a spec holds, as pydantic's own JSON Schema names them."""
    schema = Environment.model_json_schema()
    names = {Environment.__name__, *schema.get("$defs", {})}
    enums = {name for name, d in schema.get("$defs", {}).items() if "enum" in d}
    return names - enums - set(spec_page.STRING_FORMS)


def test_every_model_of_a_spec_has_a_section() -> None:
    assert {s.model.__name__ for s in spec_page.sections()} == _all_models()


def test_the_spec_page_lists_every_field_and_no_other() -> None:
    listed = _sections(_page("docs/reference/spec.md"))
    for section in spec_page.sections():
        heading = next(h for h in listed if h.startswith(spec_page._title(section)))
        names = [cell.strip("(`)") for cell in listed[heading]]
        assert names == list(section.model.model_fields), heading
    titles = {spec_page._title(s) for s in spec_page.sections()}
    facts = {h for h in listed if h.startswith("Facts")}
    assert set(listed) - facts == titles


def test_a_field_in_parentheses_is_one_a_spec_cannot_write() -> None:
    """A service field the models refuse as a key (they fill it from Compose's forms) is
    listed in parentheses with how it is written, never as a key (a user found one)."""
    refused = {f"Service.{name}" for name in set(Service.model_fields) - _SERVICE_FIELDS}
    assert refused == {key for key in spec_page.WRITTEN_AS if key.startswith("Service.")}
    text = _page("docs/reference/spec.md")
    for key in refused:
        name = key.split(".")[1]
        assert f"\n| (`{name}`) |" in text
        assert f"\n| `{name}` |" not in text


def test_every_documented_spelling_names_a_field() -> None:
    models: dict[str, type[BaseModel]] = {s.model.__name__: s.model for s in spec_page.sections()}
    for key in [*spec_page.WRITTEN_AS, *spec_page.COMPOSE_SPELLING]:
        model, name = key.split(".")
        assert name in models[model].model_fields, key


def test_the_rules_page_lists_every_rule_and_no_other() -> None:
    headings = re.findall(r"^## ([A-Z]{3}\d{3}): (.*)$", _page("docs/reference/rules.md"), re.M)
    assert headings == [(rule.id, rule.title) for rule in RULES.values()]


def test_the_commands_page_lists_every_command_and_option() -> None:
    text = _page("docs/reference/commands.md")
    headings = re.findall(r"^## `envgen ?(.*)`$", text, re.M)
    assert headings == ["", *main.commands]
    for name, command in main.commands.items():
        section = text.split(f"## `envgen {name}`\n", 1)[1].split("\n## ", 1)[0]
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                assert f"`{parameter.opts[0]}" in section, (name, parameter.opts)
        codes = [code for code, _ in commands_page.exit_codes(command)]
        assert codes[0] == "0", name
        assert codes[-1] == "3", name
        for code in codes:
            assert f"\n| {code} | " in section, (name, code)


def test_the_outputs_page_lists_every_output_and_no_other() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \|", _page("docs/reference/outputs.md"), re.M)
    assert rows == [output.name for output in OUTPUTS]
    assert set(outputs_page.CONSUMERS) == {output.name for output in OUTPUTS}


def test_no_command_imports_the_generator() -> None:
    sources = (REPO / "generator/envgen").rglob("*.py")
    importers = [
        path.relative_to(REPO)
        for path in sources
        if "docs_reference" in path.read_text(encoding="utf-8")
        and "docs_reference" not in path.parts
    ]
    assert importers == []
