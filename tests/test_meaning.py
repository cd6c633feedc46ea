"""A spec string is Compose text: what it means in a compose file, it means in a spec."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from envgen.compose.interpolation import Text
from envgen.errors import ProjectError
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.compose_cli import compose
from tests.conftest import Run, write_tree

BASE = """\
app: shop
access: localhost
host:
  name: laptop
services:
  worker:
    image: example/worker:1
    command: [celery, -A, app, worker, -n, worker@$$HOSTNAME]
    user: $UID
    working_dir: /srv/${APP_DIR:-${HOME}}
    container_name: shop-$$worker
    environment:
      GREETING: ${GREETING:-hello $$USER}
    labels:
      price: 5$
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - ./data:/data
"""


def _rendered(root: Path, run: Run) -> Path:
    write_tree(root, {"environments/base.yaml": BASE, "environments/local.yaml": "tier: local\n"})
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output
    return root / "rendered" / "docker-compose.local.yml"


def test_compose_resolves_a_spec_as_it_resolves_the_same_text(tmp_path: Path, run: Run) -> None:
    path = _rendered(tmp_path, run)
    result = compose(path, "config", "--format", "json", variables={"UID": "1000", "HOME": "/h"})
    assert result.returncode == 0, result.stderr
    worker = json.loads(result.stdout)["services"]["worker"]
    # Compose's JSON writes a literal `$` as `$$`.
    assert (
        worker["command"][-1],
        worker["user"],
        worker["working_dir"],
        worker["container_name"],
        worker["environment"],
        worker["labels"],
    ) == (
        "worker@$$HOSTNAME",
        "1000",
        "/srv//h",
        "shop-$$worker",
        {"GREETING": "hello $$USER"},
        {"price": "5$$"},
    )


def test_bind_sources_are_absolute_or_relative_to_the_project(tmp_path: Path, run: Run) -> None:
    path = _rendered(tmp_path, run)
    result = compose(path, "config", "--format", "json")
    volumes = json.loads(result.stdout)["services"]["worker"]["volumes"]
    assert [(volume["source"], volume["target"]) for volume in volumes] == [
        ("/var/run/docker.sock", "/var/run/docker.sock"),
        (str(tmp_path / "data"), "/data"),
    ]


def test_output_is_the_same_from_any_working_folder(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "deep" / "er" / "project"
    outputs = []
    for folder in (tmp_path, project, Path("/")):
        monkeypatch.chdir(folder)
        outputs.append(_rendered(project, run).read_bytes())
        os.remove(project / "rendered" / "docker-compose.local.yml")
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"source: /var/run/docker.sock" in outputs[0]
    assert b'source: "../data"' in outputs[0]


def test_the_read_back_catches_an_escaping_that_changes_meaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path, {"environments/base.yaml": BASE, "environments/local.yaml": "tier: local\n"}
    )
    project = load_project(load_settings(tmp_path))

    def forgetful(parts: Text) -> str:  # writes references, but forgets to double `$`
        return "".join(p if isinstance(p, str) else f"${{{p.name}}}" for p in parts)

    monkeypatch.setattr("envgen.outputs.languages.compose_meaning.unparse", forgetful)
    with pytest.raises(ProjectError, match="does not render what the specs say"):
        render_project(project)
