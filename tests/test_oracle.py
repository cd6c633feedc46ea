"""The oracle: for services drawn across the whole Compose vocabulary, Compose's
normalized model of envgen's rendering equals that of the same services written as a
plain compose file. envgen is transparent for everything it does not own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.spec.compose_schema import service_properties
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose
from tests.compose_strategies import DRAWN, STANDALONE, service
from tests.conftest import Run, write_tree

# 50 examples of 6 services each: 300 service definitions per run, in 50 Compose calls
# per side, to keep the run short.
SERVICES_PER_FILE = 6

ENVGEN_ONLY = {
    "app": "oracle",
    "access": "localhost",
    "host": {"name": "ci"},
    "compose_project": "oracle",
    "tier": "local",
}
TEMPLATE = {"image": "busybox:1", "environment": {"FROM_TEMPLATE": "1"}}
TOP_LEVEL = {
    "secrets": {"token": {"environment": "TOKEN"}},
    "configs": {"settings": {"content": "workers = 2"}},
    "models": {"llm": {"model": "ai/smollm2"}},
    "x-owner": "platform",
}


def test_every_service_key_of_the_pinned_schema_is_drawn() -> None:
    assert sorted(DRAWN) == sorted(service_properties())
    assert not set(STANDALONE) & {"image", "build", "ports", "volumes", "networks"}


def _files(services: list[tuple[dict[str, Any], dict[str, Any]]], root: Path) -> dict[str, str]:
    spec_services: dict[str, Any] = {"template": TEMPLATE}
    plain_services: dict[str, Any] = {"template": TEMPLATE}
    for index, (spec, plain) in enumerate(services):
        spec_services[f"s{index}"] = spec
        plain_services[f"s{index}"] = plain
    used_volume = any("volumes" in plain for _, plain in services)
    used_network = any("networks" in plain for _, plain in services)
    sections: dict[str, Any] = dict(TOP_LEVEL)
    spec_sections: dict[str, Any] = dict(TOP_LEVEL)
    if used_volume:
        sections["volumes"] = {"data": {"name": "oracle_data"}}
        spec_sections["volumes"] = {"data": {}}
    if used_network:
        network = {"name": "oracle-back", "external": False}
        sections["networks"] = spec_sections["networks"] = {"back": network}
    spec_doc = {**ENVGEN_ONLY, **spec_sections, "services": spec_services}
    plain_doc = {"name": "oracle", **sections, "services": plain_services}

    def text(doc: Any) -> str:
        return yaml.safe_dump(doc, sort_keys=False).replace("@ROOT@", str(root))

    return {
        "environments/base.yaml": text(spec_doc),
        "environments/local.yaml": "tier: local\n",
        "compose.yml": text(plain_doc),
        "app.env": "FROM_FILE=1\n",
        "labels.txt": "com.example.from-file=1\n",
    }


def _normalized(path: Path) -> Any:
    result = compose(path, "config", "--format", "json", variables={"TOKEN": "t"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@given(st.tuples(*(service(index) for index in range(SERVICES_PER_FILE))))
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_compose_reads_envgens_rendering_as_the_plain_file(
    tmp_path_factory: pytest.TempPathFactory, run: Run, services: Any
) -> None:
    root = tmp_path_factory.mktemp("oracle")
    (root / "src").mkdir()
    write_tree(root, _files(list(services), root))
    result = run("--root", root, "render")
    assert result.exit_code == 0, (result.output, (root / "environments/base.yaml").read_text())
    rendered = _normalized(root / "rendered" / "docker-compose.local.yml")
    assert rendered == _normalized(root / "compose.yml")
