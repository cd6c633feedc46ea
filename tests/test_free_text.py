"""Free text (descriptions, reasons) may hold any character a spec file can: what
`validate` accepts, `render` renders, every output judged by its own read-back. A
character no text file may hold raw reaches a comment as its escape."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Run, copy_shipped

# Any text but lone surrogates (which no file can encode; refused with their own line).
FREE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12).filter(
    lambda text: text.strip()
)

# Where the shipped specs hold free text: an environment's description, a service's,
# a feature's, a volume's, the reason of a declared difference.
PLACES = (
    ("staging.yaml", r"^description: .*$"),
    ("base.yaml", r"^    description: FastAPI app.*$"),
    ("base.yaml", r"^    description: Swagger UI.*$"),
    ("base.yaml", r"^    description: PostgreSQL data$"),
    ("staging.yaml", r"^    reason: its own Telegram bot.*$"),
)


def _with_text(project: Path, text: str) -> None:
    quoted = json.dumps(text)  # a YAML double-quoted scalar, escapes included
    for name, line in PLACES:
        spec = project / "environments" / name
        old = spec.read_text(encoding="utf-8")
        new = re.sub(
            line, lambda match: f"{match.group().split(':')[0]}: {quoted}", old, count=1, flags=re.M
        )
        assert new != old, line
        spec.write_text(new, encoding="utf-8")


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=FREE_TEXT)
def test_free_text_that_validates_renders(tmp_path: Path, run: Run, text: str) -> None:
    project = tmp_path / "project"
    shutil.rmtree(project, ignore_errors=True)
    copy_shipped(project)
    _with_text(project, text)
    validated = run("--root", project, "validate")
    rendered = run("--root", project, "render")
    assert validated.exit_code in (0, 2), validated.stderr
    # Refused by validate, it is refused by render alike; accepted, it renders.
    assert rendered.exit_code == validated.exit_code, rendered.stderr


def test_a_control_character_reaches_a_comment_as_its_escape(shipped: Path, run: Run) -> None:
    _with_text(shipped, "up\x1b[2Jdown\x00\x7f")
    assert run("--root", shipped, "render").exit_code == 0
    compose = (shipped / "rendered" / "docker-compose.staging.yml").read_text(encoding="utf-8")
    assert "# staging (staging tier): up\\x1b[2Jdown\\x00\\x7f\n" in compose
