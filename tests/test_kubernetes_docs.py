"""docs/reference/kubernetes.md: every row of its mapping table names a test that exists,
its rules are the registry's, and the page is clean markdown."""

from __future__ import annotations

import ast
import re

from envgen.policies import RULES

from tests.conftest import REPO, lint_markdown

PAGE = REPO / "docs" / "reference" / "kubernetes.md"


def _table(heading: str) -> list[list[str]]:
    """The first table at or after `heading`, without its header rows."""
    text = PAGE.read_text(encoding="utf-8")
    text = text[text.index(heading) :]
    block = next(b for b in text.split("\n\n") if b.startswith("|"))
    lines = block.splitlines()
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def _tests(module: str) -> set[str]:
    tree = ast.parse((REPO / "tests" / module).read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_mapping_row_names_a_test_that_exists() -> None:
    rows = _table("## The mapping")
    assert len(rows) >= 40
    mapping = _tests("test_kubernetes_mapping.py")
    named = 0
    for row in rows:
        for name in re.findall(r"`([^`]+)`", row[3]):
            module, _, test = name.rpartition("::")
            if module:
                assert test in _tests(module.removeprefix("tests/")), name
            elif name.startswith("tests/"):
                assert (REPO / name).is_file(), name
            else:
                assert name in mapping, name
            named += 1
        assert named or row[3].startswith(("none", "(")), row
    # every test of the mapping is a row's
    cited = "".join(row[3] for row in rows)
    assert sorted(t for t in mapping if t.startswith("test_") and t not in cited) == [
        "test_every_file_is_marked_as_generated",
        "test_every_manifest_passes_kubernetes_validate_strict",
        "test_no_secret_value_reaches_a_manifest",
    ]


def test_the_rules_table_is_the_registry_s() -> None:
    rows = _table("| rule | severity | what |")
    listed = [row[0] for row in rows]
    assert listed == [rule for rule in RULES if rule.startswith("KUB")]


def test_the_page_is_clean_markdown() -> None:
    assert lint_markdown(PAGE.read_text(encoding="utf-8")) == []
