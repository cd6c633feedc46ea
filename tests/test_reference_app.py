"""examples/reference-app: the reference application's production-grade setup as specs,
rendered to files Compose accepts, committed and kept up to date."""

from __future__ import annotations

import json

from tests.compose_cli import compose, required_variables
from tests.conftest import REPO, Run

EXAMPLE = REPO / "examples" / "reference-app"
RENDERED = EXAMPLE / "rendered"


def test_the_committed_output_matches_the_specs(run: Run) -> None:
    result = run("--root", EXAMPLE, "check")
    assert (result.exit_code, result.output) == (0, "all 8 generated files are up to date\n")


def _config(name: str, **variables: str) -> dict[str, object]:
    path = RENDERED / name
    needed = dict.fromkeys(required_variables(path.read_text(encoding="utf-8")), "x")
    result = compose(path, "config", "--format", "json", variables={**needed, **variables})
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_production_pulls_the_release_it_is_given() -> None:
    services = _config("docker-compose.production.yml", IMAGE_TAG="v1.3.0")["services"]
    assert isinstance(services, dict)
    backend = services["backend"]
    assert backend["image"] == "ghcr.io/vpatrin/coupette-backend:v1.3.0"
    assert "build" not in backend
    assert (backend["container_name"], backend["shm_size"]) == ("coupette-backend", "268435456")
    tmpfs = [(v["target"], v["tmpfs"]["size"]) for v in backend["volumes"]]
    assert tmpfs == [("/tmp", "67108864"), ("/tmp/prometheus_multiproc", "16777216")]
    # As the spec writes it: no proxy routes to this environment, so no alias is added.
    assert backend["networks"] == {"internal": None}


def test_production_refuses_to_start_without_an_image_tag() -> None:
    path = RENDERED / "docker-compose.production.yml"
    needed = dict.fromkeys(required_variables(path.read_text(encoding="utf-8")), "x")
    del needed["IMAGE_TAG"]
    result = compose(path, "config", "-q", variables=needed)
    assert result.returncode != 0
    assert "Set IMAGE_TAG (e.g. v1.3.0)" in result.stderr


def test_local_builds_from_the_repository_root_with_one_dockerfile_per_service() -> None:
    config = _config("docker-compose.local.yml")
    services = config["services"]
    assert isinstance(services, dict)
    build = services["backend"]["build"]
    assert (build["context"], build["dockerfile"]) == (str(EXAMPLE), "backend/Dockerfile")
    assert services["postgres"]["image"] == "pgvector/pgvector:0.8.2-pg16"
