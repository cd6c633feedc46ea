"""A spec merges over base.yaml name by name in `environment`, `labels`, `build.args` and
`sysctls`, whatever form each writes, as Compose's `-f base -f override` does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from envgen.reading.list_forms import as_mapping

from tests.compose_cli import compose
from tests.conftest import Run, write_tree

FORMS = {
    "mapping": {
        "base": """\
    build:
      context: .
      args: {A: "1", B: "2"}
    environment: {A: "1", B: "2", E: "5"}
    labels: {l1: "1", l2: "2"}
    sysctls: {net.a: "1", net.b: "2"}
""",
        "override": """\
    build:
      args: {C: "3", A: "9"}
    environment: {C: "3", A: "9", D: null}
    labels: {l3: "3", l1: "9"}
    sysctls: {net.c: "3", net.a: "9"}
""",
    },
    "list": {
        "base": """\
    build:
      context: .
      args: [A=1, B=2]
    environment: [A=1, B=2, E=5]
    labels: [l1=1, l2=2]
    sysctls: [net.a=1, net.b=2]
""",
        "override": """\
    build:
      args: [C=3, A=9]
    environment: [C=3, A=9, D]
    labels: [l3=3, l1=9]
    sysctls: [net.c=3, net.a=9]
""",
    },
}
FIELDS = ("environment", "labels", "sysctls")


def _view(path: Path) -> Any:
    result = compose(path, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]["s"]


@pytest.mark.parametrize("base_form", ["mapping", "list"])
@pytest.mark.parametrize("override_form", ["mapping", "list"])
def test_an_override_merges_by_name_in_either_form(
    tmp_path: Path, run: Run, base_form: str, override_form: str
) -> None:
    base = FORMS[base_form]["base"]
    override = FORMS[override_form]["override"]
    spec = "app: shop\naccess: localhost\nhost:\n  name: laptop\nservices:\n  s:\n"
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": f"{spec}    image: example/s\n{base}",
            "environments/local.yaml": f"tier: local\nservices:\n  s:\n{override}",
            "plain/a.yml": f"services:\n  s:\n    image: example/s\n{base}",
            "plain/b.yml": f"services:\n  s:\n{override}",
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    ours = _view(tmp_path / "rendered/docker-compose.local.yml")
    plain = compose(tmp_path / "plain/a.yml", "-f", "b.yml", "config", "--format", "json")
    assert plain.returncode == 0, plain.stderr
    theirs = json.loads(plain.stdout)["services"]["s"]
    for field in FIELDS:
        assert ours[field] == theirs[field], field
    assert ours["build"]["args"] == theirs["build"]["args"]
    # What Compose makes of it, so that a change on both sides is seen too.
    assert theirs["environment"] == {"A": "9", "B": "2", "C": "3", "D": None, "E": "5"}
    assert theirs["labels"] == {"l1": "9", "l2": "2", "l3": "3"}
    assert theirs["build"]["args"] == {"A": "9", "B": "2", "C": "3"}
    assert theirs["sysctls"] == {"net.a": "9", "net.b": "2", "net.c": "3"}


@pytest.mark.parametrize(
    ("items", "mapping"),
    [
        (["A=1", "B"], {"A": "1", "B": None}),
        (["A=1=2"], {"A": "1=2"}),  # the first `=` ends the name
        (["A="], {"A": ""}),  # near miss of `A` alone: an empty value
        (["A=1", "A=2"], {"A": "2"}),  # the last wins
        (["A=1", 5], None),  # not all text: the models say why
        ([], {}),
    ],
)
def test_the_list_form_as_a_mapping(items: list[Any], mapping: dict[str, Any] | None) -> None:
    assert as_mapping(items) == mapping


def test_a_problem_in_a_list_form_points_at_its_item(tmp_path: Path, run: Run) -> None:
    spec = (
        "app: shop\naccess: localhost\nhost:\n  name: laptop\nservices:\n  a:\n"
        "    image: example/a:1\n    labels:\n      - com.example.x=1\n"
        "      - com.example.y=${BROKEN\n"
    )
    write_tree(
        tmp_path, {"environments/base.yaml": spec, "environments/local.yaml": "tier: local\n"}
    )
    result = run("--root", tmp_path, "validate")
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == "local:"
    assert result.output.splitlines()[1].startswith(
        "environments/base.yaml:10:9: services.a.labels.com.example.y: "
    )
