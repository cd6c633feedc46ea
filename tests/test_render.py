"""A broken template is stopped before it writes anything, with a clear message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run


def _template(root: Path) -> Path:
    return root / "templates" / "docker-compose.yml.j2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda text: "",
            "envgen: templates/docker-compose.yml.j2 does not render what the specs say: "
            "(top): expected {",
        ),
        (
            lambda text: text.replace("{{ service | block(4) }}", "    image: nginx:1\n"),
            "envgen: templates/docker-compose.yml.j2 does not render what the specs say: "
            "services.backend.image: expected 'ghcr.io/vpatrin/coupette-backend:"
            "${IMAGE_TAG:-staging}', rendered 'nginx:1'",
        ),
        (
            lambda text: text + "{% if %}\n",
            "envgen: templates/docker-compose.yml.j2:",
        ),
        (
            lambda text: text + "{{ no_such_name }}\n",
            "envgen: templates/docker-compose.yml.j2: 'no_such_name' is undefined",
        ),
    ],
    ids=["empty", "drops-values", "syntax-error", "undefined-name"],
)
def test_broken_template_is_refused_and_nothing_written(
    shipped: Path, run: Run, change: Callable[[str], str], message: str
) -> None:
    template = _template(shipped)
    template.write_text(change(template.read_text(encoding="utf-8")), encoding="utf-8")
    before = {p: p.read_bytes() for p in (shipped / "rendered").iterdir()}
    result = run("--root", shipped, "render", "staging")
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in (shipped / "rendered").iterdir()} == before


def test_missing_template(shipped: Path, run: Run) -> None:
    _template(shipped).unlink()
    result = run("--root", shipped, "check")
    assert (result.exit_code, result.stderr) == (
        2,
        "envgen: templates/docker-compose.yml.j2: template not found\n",
    )


def test_unreadable_spec_is_a_problem_not_a_crash(shipped: Path, run: Run) -> None:
    (shipped / "environments/broken.yaml").write_bytes(b"tier: \xff\xfe\n")
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    assert result.stderr.startswith("environments/broken.yaml:1:1: not UTF-8 text: ")
