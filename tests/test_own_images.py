"""A service that runs the image another service of its environment builds (a worker, a
migration on the API's image) is the project's own image, not a third party's: it takes
the environment's tag, is never built twice, and PRD011 does not ask for a pin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from envgen.compose.images import normalised

from tests.compose_cli import compose_json
from tests.conftest import Run, copy_shipped, edit_spec, write_tree
from tests.kube_project import BASE as KUBE_BASE
from tests.kube_project import kube_project, manifests
from tests.policy_project import Patch, findings, line_of, patched

WORKER = """\
  worker:
    image: {image}
    command: [work]
    healthcheck:
      test: [CMD, check]
    restart: unless-stopped
    memory: 128m
"""
MIGRATE = "  migrate:\n    image: example/api\n"
MIGRATE_BUILD = MIGRATE + "    build: ./api\n"
# The test environment runs no API (policy_project's TEST removes it): nor its worker.
NO_TEST_WORKER: Patch = ("test.yaml", "  api: !remove\n", "  api: !remove\n  worker: !remove\n")


def _project(image: str, *more: Patch) -> dict[str, str]:
    return patched([("base.yaml", None, WORKER.format(image=image)), NO_TEST_WORKER, *more])


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("redis", ("docker.io/library/redis", "latest")),
        ("library/redis:7", ("docker.io/library/redis", "7")),
        ("docker.io/redis", ("docker.io/library/redis", "latest")),
        ("index.docker.io/library/redis", ("docker.io/library/redis", "latest")),
        ("example/api", ("docker.io/example/api", "latest")),
        ("ghcr.io/example/api:1.2", ("ghcr.io/example/api", "1.2")),
        ("localhost/app", ("localhost/app", "latest")),
        ("registry:5000/app", ("registry:5000/app", "latest")),
        ("registry:5000/app:2", ("registry:5000/app", "2")),
        ("ghcr.io/example/api@sha256:" + "a" * 64, None),  # a digest names no tag
        ("ghcr.io/example/api:${TAG}", None),  # nor does a variable, before Compose fills it
    ],
)
def test_a_reference_as_docker_completes_it(image: str, expected: tuple[str, str] | None) -> None:
    assert normalised(image) == expected


@pytest.mark.parametrize(
    "image",
    ["example/api", "docker.io/example/api", "index.docker.io/example/api", "example/api:latest"],
)
def test_the_image_the_api_builds_is_the_projects_own(tmp_path: Path, image: str) -> None:
    assert findings(tmp_path, _project(image)) == []


@pytest.mark.parametrize(
    "image",
    [
        "example/apx",  # another repository
        "ghcr.io/example/api",  # the same path on another registry
        "docker.io/library/api",  # an official image of that name
    ],
)
def test_another_image_without_a_tag_is_a_third_partys(tmp_path: Path, image: str) -> None:
    files = _project(image)
    at = line_of(files, "base.yaml", f"image: {image}")
    assert [str(p) for p in findings(tmp_path, files)] == [
        f"{at}:12: PRD011 error: services.worker.image: `worker` runs `{image}` "
        "without a tag: whatever `latest` is when the host pulls it (pin the image to a "
        "tag, e.g. `postgres:16`)",
    ]


def test_an_image_of_the_project_pinned_to_another_tag_stays_pinned(
    tmp_path: Path, run: Run
) -> None:
    """`example/api:2.0` is an earlier release, not what this environment builds."""
    files = _project("example/api:2.0")
    assert findings(tmp_path, files) == []
    root = write_tree(tmp_path, files)
    document = compose_json(_rendered(run, root, "production"))
    assert document["services"]["worker"]["image"] == "example/api:2.0"


def test_the_builder_must_be_in_the_same_environment(tmp_path: Path) -> None:
    """Where no service builds it (the test environment removes the API), the image is
    pulled as whatever `latest` is."""
    files = patched([("base.yaml", None, WORKER.format(image="example/api"))])
    at = line_of(files, "base.yaml", "image: example/api\n    command: [work]")
    assert [str(p) for p in findings(tmp_path, files)] == [
        f"{at}:12: PRD011 warning: services.worker.image: `worker` runs `example/api` "
        "without a tag: whatever `latest` is when the host pulls it (pin the image to a "
        "tag, e.g. `postgres:16`)",
    ]


def _rendered(run: Run, root: Path, env: str) -> Path:
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output
    return root / f"rendered/docker-compose.{env}.yml"


@pytest.mark.parametrize("image", ["example/api", "docker.io/example/api"])
def test_compose_runs_the_builders_image_at_the_environments_tag(
    tmp_path: Path, run: Run, image: str
) -> None:
    root = write_tree(tmp_path, _project(image))
    production = compose_json(_rendered(run, root, "production"))["services"]
    local = compose_json(root / "rendered/docker-compose.local.yml")["services"]
    # Written as the builder writes it, so that Compose, which compares the names as
    # text, knows that the build makes it (and does not pull it).
    assert production["worker"]["image"] == "example/api:${IMAGE_TAG:-production}"
    assert production["api"]["image"] == "example/api:${IMAGE_TAG:-production}"
    assert (local["worker"]["image"], "build" in local["worker"]) == ("example/api", False)
    assert (local["api"]["image"], "build" in local["api"]) == ("example/api", True)


def test_a_job_without_build_changes_no_workflow_nor_rollback(tmp_path: Path, run: Run) -> None:
    """The shipped migration repeats the backend's `build`; where staging and production
    drop it, their deploy workflows build each image once as before, the rollback script
    pulls the same images, and their compose files (which leave `build` out) are the
    same: the migration runs the backend's image at the environment's tag."""
    root = copy_shipped(tmp_path / "project")
    before = {p.relative_to(root): p.read_bytes() for p in (root / "rendered").rglob("*.*")}
    for spec in ("staging.yaml", "production.yaml"):
        edit_spec(root, spec, "  migrate:\n", "  migrate:\n    build: !remove\n")
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output
    after = {p.relative_to(root): p.read_bytes() for p in (root / "rendered").rglob("*.*")}
    changed = sorted(str(p) for p in after if after[p] != before.get(p))
    assert changed == []
    for name in ("staging", "prod"):
        services = compose_json(root / f"rendered/docker-compose.{name}.yml")["services"]
        assert services["migrate"]["image"] == services["backend"]["image"]


def _images(document: Any) -> list[tuple[str, str]]:
    """(container name, image) of every container in a rendered Kubernetes object."""
    if isinstance(document, dict):
        if "image" in document and "name" in document:
            return [(document["name"], document["image"])]
        return [found for value in document.values() for found in _images(value)]
    if isinstance(document, list):
        return [found for value in document for found in _images(value)]
    return []


def test_on_kubernetes_a_job_on_the_api_s_image_takes_the_tag(tmp_path: Path) -> None:
    """The small Kubernetes project's migration repeats the API's `build`; without it, it
    runs the same image at the environment's tag."""
    assert KUBE_BASE.count(MIGRATE_BUILD) == 1
    root = kube_project(tmp_path, base=KUBE_BASE.replace(MIGRATE_BUILD, MIGRATE))
    images = {
        (key.split("/", 1)[0], name): image
        for key, document in manifests(root).items()
        for name, image in _images(document)
    }
    assert images[("production", "migrate")] == images[("production", "api")]
    assert images[("production", "migrate")].startswith("example/api:")
    assert images[("production", "migrate")] != "example/api:latest"
