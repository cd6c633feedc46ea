"""No change to Compose's model that the spec did not ask for: for random specs, every key
where Compose's normalized model of the rendered file differs from that of the spec's own
Compose text is an addition docs/reference/additions.md lists, of a switch that is on."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.model.additions import Additions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose
from tests.compose_strategies import service
from tests.conftest import REPO, Run, lint_markdown, write_tree
from tests.test_oracle import FILES, TEMPLATE, TOP_LEVEL

DOC = REPO / "docs" / "reference" / "additions.md"
SWITCHES = ("project_name", "proxy_alias", "build_left_out")
SERVICES_PER_FILE = 3


def documented() -> dict[str, list[str]]:
    """The keys each addition changes, by switch, from the documentation's table."""
    table: dict[str, list[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith(("`", "(")):
            switch = cells[0].strip("`()").split("`")[0]
            table[switch] = re.findall(r"`([^`]+)`", cells[1])
    return table


def test_the_documentation_lists_every_switch() -> None:
    assert list(Additions.model_fields) == list(SWITCHES)
    assert list(documented()) == [*SWITCHES, "image_tag"]


def _differences(left: Any, right: Any, path: str = "") -> list[str]:
    """The paths where two Compose models differ: a key on one side only, or a value
    (a list as a whole)."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            inner = f"{path}.{key}" if path else str(key)
            if key not in left or key not in right:
                found.append(inner)
            else:
                found += _differences(left[key], right[key], inner)
        return found
    return [] if left == right else [path]


def _allowed(paths: list[str], on: dict[str, bool], names: dict[str, str]) -> list[str]:
    patterns = []
    for switch, keys in documented().items():
        if switch == "image_tag" or on[switch]:
            for key in keys:
                pattern = key
                for placeholder, name in names.items():
                    pattern = pattern.replace(placeholder, name)
                patterns.append(pattern)
    return [
        path
        for path in paths
        if not any(
            fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(pattern, f"{path}.*")
            for pattern in patterns
        )
    ]


def _model(path: Path, project: str | None) -> Any:
    options = ["-p", project] if project else []
    result = compose(path, *options, "config", "--format", "json", variables={"TOKEN": "t"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@st.composite
def specs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, bool]]:
    """(the spec, its own Compose text, the switches)."""
    on = {switch: draw(st.booleans()) for switch in SWITCHES}
    drawn = [draw(service(index)) for index in range(SERVICES_PER_FILE)]
    # Released images need every built service to name its image (envgen refuses one
    # without): only then may the environment run released images.
    named = all("image" in spec for spec, _ in drawn if "build" in spec)
    released = draw(st.booleans()) and named
    spec_services: dict[str, Any] = {"template": TEMPLATE}
    plain_services: dict[str, Any] = {"template": TEMPLATE}
    for index, (spec, plain) in enumerate(drawn):
        spec_services[f"s{index}"] = spec
        plain_services[f"s{index}"] = plain
    # The proxy's service, on the network shared with the proxy, and a built service.
    front = {"image": "busybox:1", "networks": ["default", "edge"]}
    app = {"image": "example/app", "build": {"context": ".", "dockerfile": "ctx/Dockerfile"}}
    spec_services |= {"front": front, "app": app}
    plain_services |= {"front": front, "app": app}
    volumes: dict[str, Any] = {"spare": {}}  # declared, used by no service
    if any("volumes" in plain for _, plain in drawn):
        volumes["data"] = {}
    networks: dict[str, Any] = {"edge": {"name": "edge-net", "external": True}, "unused": {}}
    if any("networks" in plain for _, plain in drawn):
        networks["back"] = {"name": "oracle-back"}
    compose_text = {
        **TOP_LEVEL,
        "volumes": volumes,
        "networks": networks,
        "services": plain_services,
    }
    spec_doc = {
        "app": "oracle",
        "access": "localhost",
        "host": {"name": "ci"},
        "compose_project": "oracle",
        "tier": "local",
        "domain": "oracle.example.com",
        "proxy": {"network": "edge", "service": "front", "port": 80},
        "additions": on,
        **({"image_tag": "v1"} if released else {}),
        **TOP_LEVEL,
        "volumes": volumes,
        "networks": networks,
        "services": spec_services,
    }
    return spec_doc, compose_text, on


@given(specs())
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_render_differs_from_the_specs_compose_text_by_documented_additions(
    tmp_path_factory: pytest.TempPathFactory, run: Run, drawn: Any
) -> None:
    spec, compose_text, on = drawn
    root = tmp_path_factory.mktemp("additions")

    def text(doc: Any) -> str:
        return yaml.safe_dump(doc, sort_keys=False, width=1000)

    write_tree(
        root,
        {
            "environments/base.yaml": text(spec),
            "environments/local.yaml": "tier: local\n",
            "compose.yml": text(compose_text),
            **FILES,
        },
    )
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output
    # Without `name:`, Compose takes the project from -p, as the make targets pass it.
    project = None if on["project_name"] else "oracle"
    rendered = _model(root / "rendered" / "docker-compose.local.yml", project)
    own = _model(root / "compose.yml", project)
    names = {"<proxy.service>": "front", "<proxy.network>": "edge"}
    differences = _differences(rendered, own)
    left = _allowed(differences, on, names)
    assert left == [], (left, on)
    # A switch that is off leaves its keys as the spec wrote them.
    if not on["proxy_alias"]:
        assert rendered["services"]["front"]["networks"] == own["services"]["front"]["networks"]
    if not on["build_left_out"] or "image_tag" not in spec:
        assert rendered["services"]["app"]["build"] == own["services"]["app"]["build"]
    if not on["project_name"]:
        assert (
            "name"
            not in (root / "rendered" / "docker-compose.local.yml")
            .read_text(encoding="utf-8")
            .split("services:")[0]
            .split("\n", 5)[-1]
        )


def test_the_documentation_is_clean_markdown() -> None:
    assert lint_markdown(DOC.read_text(encoding="utf-8")) == []
