"""The oracle: for services drawn across the whole Compose vocabulary, Compose's
normalized model of envgen's rendering equals that of the same services written as a
plain compose file. envgen is transparent for everything it does not own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.compose.schema import service_properties
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose
from tests.compose_strategies import DRAWN, STANDALONE, service
from tests.conftest import Run, write_tree

# 300 examples per run, each a file of 6 services: 1,800 service definitions, in one
# Compose call per side and example (about 40 s on a 2-core machine).
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
    "secrets": {"token": {"environment": "TOKEN"}, "cert": {"file": "./secrets/cert.pem"}},
    "configs": {"settings": {"content": "workers = 2"}, "workers": {"file": "config/app.toml"}},
    "models": {"llm": {"model": "ai/smollm2"}},
    "x-owner": "platform",
}


def test_every_service_key_of_the_pinned_schema_is_drawn() -> None:
    assert sorted(DRAWN) == sorted(service_properties())
    assert not set(STANDALONE) & {"image", "build", "ports", "volumes", "networks"}


# How a service takes keys from an anchor: not at all, `<<: *own`, `<<: [*own, *common]`.
MERGE_FORMS = ("none", "alias", "list")
# Compose leaves a service's x-* keys out of its model: the keys whose winner shows are real.
COMMON = "x-common: &common\n  hostname: from-common\n  domainname: common.example\n"


@st.composite
def merges(draw: st.DrawFn, services: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[Any]:
    """Per service: how it merges, which keys it takes from its anchor (those the spec and
    the plain file write alike), and whether it also writes the anchor's `hostname` itself
    (its own must win)."""
    drawn = []
    for spec, plain in services:
        alike = sorted(key for key in spec if key in plain and spec[key] == plain[key])
        form = draw(st.sampled_from(MERGE_FORMS))
        moved = draw(st.sets(st.sampled_from(alike))) if alike and form != "none" else set()
        drawn.append((form, sorted(moved), draw(st.booleans())))
    return drawn


def _merge_keys(text_of: Any, doc: dict[str, Any], drawn: list[Any]) -> str:
    """The document as YAML, each service's drawn keys moved to an anchor it merges."""
    doc = {**doc, "services": dict(doc["services"])}
    anchors = [COMMON]
    for index, (form, moved, own_hostname) in enumerate(drawn):
        if form == "none":
            continue
        name = f"s{index}"
        service = dict(doc["services"][name])
        anchor = {"hostname": "from-anchor", **{key: service.pop(key) for key in moved}}
        written = text_of({f"x-merge-{index}": anchor})
        anchors.append(written.replace(f"x-merge-{index}:", f"x-merge-{index}: &m{index}", 1))
        merged = f"*m{index}" if form == "alias" else f"[*m{index}, *common]"
        own = {"hostname": "own"} if own_hostname and "hostname" not in service else {}
        doc["services"][name] = {"MERGE": merged, **own, **service}
    # A placeholder key, dumped as a quoted string, becomes the merge key and its aliases.
    text = re.sub(r"MERGE: '([^']*)'", r"<<: \1", text_of(doc))
    return "".join(anchors) + text


def _files(
    services: list[tuple[dict[str, Any], dict[str, Any]]], drawn: list[Any]
) -> dict[str, str]:
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
        return yaml.safe_dump(doc, sort_keys=False, width=1000)

    return {
        "environments/base.yaml": _merge_keys(text, spec_doc, drawn),
        "environments/local.yaml": "tier: local\n",
        "compose.yml": _merge_keys(text, plain_doc, drawn),
        **FILES,
    }


# The files the drawn paths name, relative to the project root.
FILES = {
    "app.env": "FROM_FILE=1\n",
    "labels.txt": "com.example.from-file=1\n",
    "parts/more.labels": "com.example.more=1\n",
    "parts/common.yml": "services:\n  common:\n    image: busybox:1\n    label_file: more.labels\n",
    "secrets/cert.pem": "not a real certificate\n",
    "config/app.toml": "workers = 2\n",
    "ctx/Dockerfile": "FROM busybox:1\n",
    "src/app.py": "",
}


def _normalized(path: Path) -> Any:
    result = compose(path, "config", "--format", "json", variables={"TOKEN": "t"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@given(st.tuples(*(service(index) for index in range(SERVICES_PER_FILE))), st.data())
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_compose_reads_envgens_rendering_as_the_plain_file(
    tmp_path_factory: pytest.TempPathFactory, run: Run, services: Any, data: st.DataObject
) -> None:
    root = tmp_path_factory.mktemp("oracle")
    drawn = data.draw(merges(list(services)))
    write_tree(root, _files(list(services), drawn))
    result = run("--root", root, "render")
    assert result.exit_code == 0, (result.output, (root / "environments/base.yaml").read_text())
    rendered = _normalized(root / "rendered" / "docker-compose.local.yml")
    assert rendered == _normalized(root / "compose.yml")
