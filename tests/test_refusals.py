"""What Compose would refuse, envgen refuses first: one exact line per problem, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run
from tests.test_bad_input import BASE, project

CASES: list[tuple[str, dict[str, str | None], list[str]]] = [
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
