"""PRD010 judges what Compose runs: a service with `build` beside an `image` that names a
tag (a literal, a required variable, one with a default) pulls that released image, in
whichever spelling; an image without a tag, a tag from a bare variable, or
`pull_policy: build` still builds on the host. Exact lines, and near misses."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.outputs.parity import parity_rows
from envgen.policies.meaning.images import names_a_tag
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import write_tree
from tests.policy_project import Patch, findings, patched

NO_TAG: Patch = ("production.yaml", "image_tag: production\n", "")


def _image(image: str, extra: str = "") -> list[Patch]:
    return [NO_TAG, ("production.yaml", None, f"services:\n  api:\n    image: '{image}'\n{extra}")]


RELEASED = [
    ("envgen's image_tag", []),
    (
        "envgen's image_tag_required",
        [NO_TAG, ("production.yaml", None, "image_tag_required: set it\n")],
    ),
    ("a required tag with spaces", _image("example/api:${IMAGE_TAG:?Set IMAGE_TAG (e.g. v1.3.0)}")),
    ("a required tag without colon", _image("example/api:${IMAGE_TAG?}")),
    ("a tag with a default", _image("example/api:${IMAGE_TAG:-v1.3.0}")),
    ("a literal tag", _image("example/api:v1.3.0")),
    ("a digest", _image("example/api@sha256:" + "a" * 64)),
    ("a registry port and a tag", _image("registry.example:5000/api:${TAG:-1}")),
]

_BUILT = (
    "environments/base.yaml:37:12: PRD010 error: services.api.build: `api` is built from "
    "the source on the host, since no `image_tag` is set and its `image` names no tag"
    " (set `image_tag` (or `image_tag_required`), or give `image` a tag, and no "
    "`pull_policy: build`, so that production runs a released image)"
)
_PULL_BUILD = (
    "environments/production.yaml:{line}:18: PRD010 error: services.api.pull_policy: `api` is "
    "built from the source on the host, since its `pull_policy` is `build`"
    " (set `image_tag` (or `image_tag_required`), or give `image` a tag, and no "
    "`pull_policy: build`, so that production runs a released image)"
)

BUILT = [
    ("no image_tag and base's image without a tag", [NO_TAG], _BUILT),
    ("an image without a tag", _image("example/api"), _BUILT),
    ("a registry port is no tag", _image("registry.example:5000/api"), _BUILT),
    ("a tag from a bare variable", _image("example/api:${IMAGE_TAG}"), _BUILT),
    ("a tag with an empty default", _image("example/api:${IMAGE_TAG:-}"), _BUILT),
    (
        "a tag, but pull_policy build",
        _image("example/api:v1", "    pull_policy: build\n"),
        _PULL_BUILD.format(line=26),
    ),
    (
        "image_tag, but pull_policy build",
        [("production.yaml", None, "services:\n  api:\n    pull_policy: build\n")],
        _PULL_BUILD.format(line=26),
    ),
]


@pytest.mark.parametrize("patches", [c[1] for c in RELEASED], ids=[c[0] for c in RELEASED])
def test_a_released_image_passes(tmp_path: Path, patches: list[Patch]) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == []


@pytest.mark.parametrize(("patches", "expected"), [c[1:] for c in BUILT], ids=[c[0] for c in BUILT])
def test_a_built_image_is_refused(tmp_path: Path, patches: list[Patch], expected: str) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == [expected]


@pytest.mark.parametrize(
    ("image", "tagged"),
    [
        ("app:1", True),
        ("app", False),
        ("host:5000/app", False),
        ("host:5000/app:1", True),
        ("app:${T:?a/b message}", True),
        ("app:${T:-${U:-1}}", True),
        ("app:${T:-${U}}", False),
        ("app:${T:+1}", False),
        ("app:$T", False),
        ("${IMAGE}", False),
        ("app@sha256:${DIGEST:?}", True),
    ],
)
def test_names_a_tag(image: str, tagged: bool) -> None:
    assert names_a_tag(image) is tagged


def _image_cells(tmp_path: Path, files: dict[str, str]) -> tuple[str, str]:
    write_tree(tmp_path, files)
    project = load_project(load_settings(tmp_path))
    column = [env.name for env in project.environments].index("production")
    rows = {row.label: row.cells[column] for row in parity_rows(project)}
    return rows["Image: `api`"], rows["Image tag"]


_REQUIRED = [NO_TAG, ("production.yaml", None, "image_tag_required: set it\n")]
_DEFAULT = [("production.yaml", "image_tag: production\n", "image_tag: v1\n")]


@pytest.mark.parametrize(
    ("patches", "expected"),
    [
        (_REQUIRED, ("`example/api:${IMAGE_TAG}`", "`IMAGE_TAG`, required")),
        (
            _image("example/api:${IMAGE_TAG:?Set IMAGE_TAG (e.g. v1.3.0)}"),
            ("`example/api:${IMAGE_TAG}`", "none: each app image names its own tag"),
        ),
        (
            _image("example/api:${IMAGE_TAG?}"),
            ("`example/api:${IMAGE_TAG}`", "none: each app image names its own tag"),
        ),
        (_DEFAULT, ("`example/api:v1`", "`v1`, or `IMAGE_TAG` when set (e.g. a rollback tag)")),
        (
            _image("example/api:${IMAGE_TAG:-v1}"),
            ("`example/api:v1`", "none: each app image names its own tag"),
        ),
        (_image("example/api:v1"), ("`example/api:v1`", "none: each app image names its own tag")),
        (
            _image("example/api:${IMAGE_TAG}"),
            ("built from `./api`", "none: app images are built from source"),
        ),
        (
            _image("example/api:v1", "    pull_policy: build\n"),
            ("built from `./api`", "none: app images are built from source"),
        ),
    ],
    ids=[
        "required",
        "required-in-image",
        "required-bare",
        "default",
        "default-in-image",
        "literal",
        "bare-variable",
        "pull-build",
    ],
)
def test_the_parity_table_shows_the_image_compose_runs(
    tmp_path: Path, patches: list[Patch], expected: tuple[str, str]
) -> None:
    """The image row reads the same for one meaning in either spelling (the tag row says
    where the tag is written)."""
    assert _image_cells(tmp_path, patched(patches)) == expected
