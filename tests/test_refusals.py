"""What Compose would refuse, envgen refuses first: one exact line per problem, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run
from tests.test_bad_input import BASE, project


def _web(extra: str) -> dict[str, str | None]:
    """base.yaml with lines added to the `web` service."""
    return {"base": BASE.replace("nginx:1.27", "nginx:1.27\n" + extra.rstrip("\n"))}


CASES: list[tuple[str, dict[str, str | None], list[str]]] = [
    (
        "a key neither envgen nor Compose knows",
        _web("    shm_sise: 64m"),
        [
            "environments/base.yaml:12:5: services.web.shm_sise: unknown field `shm_sise` "
            "(did you mean `shm_size`?)"
        ],
    ),
    (
        "a passthrough value Compose's schema refuses",
        _web("    ulimits:\n      nofile: {soft: many}"),
        [
            "environments/base.yaml:13:15: services.web.ulimits.nofile: "
            "required field `hard` is missing"
        ],
    ),
    (
        "an unknown key inside a passthrough mapping",
        _web("    deploy:\n      replica: 2"),
        [
            "environments/base.yaml:13:7: services.web.deploy.replica: unknown field "
            "(did you mean `replicas`?)"
        ],
    ),
    (
        "a shorthand and its Compose key together",
        _web("    memory: 256m\n    deploy:\n      resources:\n        limits: {memory: 1g}"),
        [
            "environments/base.yaml:12:13: services.web.memory: `memory` is set twice "
            "(keep `memory` or `deploy.resources.limits.memory`)"
        ],
    ),
    (
        "unclosed reference",
        {"local": "tier: local\nservices:\n  web:\n    command: [echo, 'hi ${NAME']\n"},
        [
            "environments/local.yaml:4:21: services.web.command.1: `${` is not closed by `}` "
            "(at character 4) (write $$ for a literal $)"
        ],
    ),
    (
        "reference without a name",
        {"base": BASE.replace("nginx:1.27", "nginx:1.27\n    user: ${}")},
        [
            "environments/base.yaml:12:11: services.web.user: `${` must be followed by a "
            "variable name (at character 1) (write $$ for a literal $)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_refusal_is_reported_exactly(
    tmp_path: Path, run: Run, files: dict[str, str | None], expected: list[str]
) -> None:
    root = project(tmp_path, **files)
    result = run("--root", root, "render")
    assert result.exit_code == 2
    assert result.stdout == ""
    count = len(expected)
    assert result.stderr.splitlines() == [*expected, f"{count} error{'s' * (count != 1)}"]
    assert not (root / "rendered").exists()
