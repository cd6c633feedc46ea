"""A spec is a superset of Compose: the same text, read by Compose from envgen's
rendering and from a plain compose file, means the same. These are the keys whose
defaults envgen once filled in its own way (networks, volumes, logging, image)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.compose_cli import compose
from tests.conftest import Run, write_tree

# What a spec says besides Compose's own keys; `compose_project` is the plain file's name.
ENVGEN_ONLY = "app: oracle\naccess: localhost\nhost:\n  name: ci\ncompose_project: oracle\n"


def _normalized(path: Path) -> Any:
    result = compose(path, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _both(root: Path, run: Run, text: str, tier: str = "local") -> tuple[Any, Any]:
    """Compose's model of `text` rendered by envgen as a spec, and of it as a compose file."""
    write_tree(
        root,
        {
            "environments/base.yaml": ENVGEN_ONLY + text,
            f"environments/{tier}.yaml": f"tier: {tier}\n",
            "compose.yml": "name: oracle\n" + text,
            "src/Dockerfile": "FROM busybox:1.36\n",
        },
    )
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output
    suffix = {"production": "prod", "development": "dev"}.get(tier, tier)
    return _normalized(root / "rendered" / f"docker-compose.{suffix}.yml"), _normalized(
        root / "compose.yml"
    )


NETWORKS = {
    "named, with a driver": "  back: {name: back, driver: bridge}\n",
    "internal, with ipam": (
        "  back:\n    name: back\n    internal: true\n"
        "    ipam: {config: [{subnet: 172.28.0.0/16}]}\n"
    ),
    "without a name": "  back: {}\n",
    "null": "  back: null\n",
    "nothing": "  back:\n",
    "external, named": "  back: {name: edge, external: true}\n",
    "external, without a name": "  back: {external: true}\n",
    "not external, said so": "  back: {name: back, external: false}\n",
}


@pytest.mark.parametrize("network", NETWORKS.values(), ids=NETWORKS)
def test_a_network_means_what_compose_means(tmp_path: Path, run: Run, network: str) -> None:
    text = f"services:\n  a:\n    image: busybox:1.36\n    networks: [back]\nnetworks:\n{network}"
    rendered, plain = _both(tmp_path, run, text)
    assert rendered["networks"] == plain["networks"]


VOLUMES = {
    "external, without a name": "  data: {external: true}\n",
    "external, named": "  data: {name: shared-data, external: true}\n",
    "null": "  data: null\n",
    "nothing": "  data:\n",
    "empty": "  data: {}\n",
    "named": "  data: {name: kept}\n",
    "with a driver": "  data: {driver: local}\n",
}


@pytest.mark.parametrize("volume", VOLUMES.values(), ids=VOLUMES)
def test_a_volume_means_what_compose_means(tmp_path: Path, run: Run, volume: str) -> None:
    service = "services:\n  a:\n    image: busybox:1.36\n    volumes: [data:/data]\n"
    text = f"{service}volumes:\n{volume}"
    rendered, plain = _both(tmp_path, run, text)
    assert rendered["volumes"] == plain["volumes"]


LOGGING = {
    "options, no driver": "      options: {max-file: 3, max-size: 10m}\n",
    "a driver": "      driver: local\n",
    "json-file with options": "      driver: json-file\n      options: {max-size: 10m}\n",
}


@pytest.mark.parametrize("logging", LOGGING.values(), ids=LOGGING)
def test_logging_means_what_compose_means(tmp_path: Path, run: Run, logging: str) -> None:
    text = f"services:\n  a:\n    image: busybox:1.36\n    logging:\n{logging}"
    rendered, plain = _both(tmp_path, run, text)
    assert rendered["services"]["a"]["logging"] == plain["services"]["a"]["logging"]


def test_the_rotation_shorthands_add_no_driver(tmp_path: Path, run: Run) -> None:
    text = "services:\n  a:\n    image: busybox:1.36\n    logging: {max_size: 10m, max_file: 3}\n"
    write_tree(
        tmp_path,
        {"environments/base.yaml": ENVGEN_ONLY + text, "environments/local.yaml": "tier: local\n"},
    )
    assert run("--root", tmp_path, "render").exit_code == 0
    rendered = _normalized(tmp_path / "rendered" / "docker-compose.local.yml")
    assert rendered["services"]["a"]["logging"] == {"options": {"max-file": "3", "max-size": "10m"}}


IMAGES = {
    "built, named": "    build: ./src\n    image: ghcr.io/example/b\n",
    "built, named with a tag": "    build: ./src\n    image: ghcr.io/example/b:1.0\n",
    "built, not named": "    build: ./src\n",
    "variables": "    image: ${REGISTRY:-docker.io}/library/busybox:${BB_TAG:-1.36}\n",
    "no tag": "    image: busybox\n",
    "a registry with a port": "    image: localhost:5000/busybox:1.36\n",
}


@pytest.mark.parametrize("image", IMAGES.values(), ids=IMAGES)
def test_an_image_means_what_compose_means(tmp_path: Path, run: Run, image: str) -> None:
    rendered, plain = _both(tmp_path, run, f"services:\n  b:\n{image}")
    assert rendered["services"]["b"] == plain["services"]["b"]


def test_where_image_tag_is_set_the_built_image_is_pulled_at_that_tag(
    tmp_path: Path, run: Run
) -> None:
    text = "services:\n  b:\n    build: ./src\n    image: ghcr.io/example/b\n"
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": ENVGEN_ONLY + text,
            "environments/local.yaml": "tier: local\nimage_tag: dev\n",
        },
    )
    assert run("--root", tmp_path, "render").exit_code == 0
    service = _normalized(tmp_path / "rendered" / "docker-compose.local.yml")["services"]["b"]
    assert (service["image"], "build" in service) == ("ghcr.io/example/b:dev", False)
