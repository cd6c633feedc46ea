"""A project path in a spec is Compose text, as every spec string is: `./a$$b` is the
folder `a$b`. Rebased to the rendered file's folder, it reaches Compose meaning that same
folder: its `$` escaped once, never twice (judged by `docker-compose config`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose_json
from tests.conftest import Run

# Path segments as people write them, `$$` (a literal `$`) among their pieces.
SEGMENT = (
    st.lists(
        st.sampled_from(["a", "b", "data", "-", "_", ".x", "$$", "$$HOME", "1"]),
        min_size=1,
        max_size=5,
    )
    .map("".join)
    .filter(lambda text: text not in (".x",) and not text.startswith("."))
)


def _sources(compose: dict[str, object], service: str) -> list[str]:
    volumes = compose["services"][service]["volumes"]  # type: ignore[index]
    return [volume["source"] for volume in volumes if volume["type"] == "bind"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(short=SEGMENT, long=SEGMENT)
def test_a_bind_source_means_the_folder_the_spec_wrote(
    tmp_path: Path, run: Run, short: str, long: str
) -> None:
    project = tmp_path / "project"
    shutil.rmtree(project, ignore_errors=True)
    assert run("init", project).exit_code == 0
    local = project / "environments" / "local.yaml"
    local.write_text(
        local.read_text(encoding="utf-8").replace(
            "    ports:\n      - 127.0.0.1:8000:8000\n",
            "    ports:\n      - 127.0.0.1:8000:8000\n"
            f"    volumes:\n      - ./{short}:/short\n"
            f"      - type: bind\n        source: ./{long}\n        target: /long\n",
            1,
        ),
        encoding="utf-8",
    )
    result = run("--root", project, "render")
    assert result.exit_code == 0, result.stdout + result.stderr
    # The same text, given to Compose directly from the project's root.
    direct = project / "direct.yml"
    direct.write_text(
        "services:\n  web:\n    image: x\n    volumes:\n"
        f"      - ./{short}:/short\n"
        f"      - type: bind\n        source: ./{long}\n        target: /long\n",
        encoding="utf-8",
    )
    rendered = compose_json(project / "rendered" / "docker-compose.dev.yml")
    assert _sources(rendered, "web") == _sources(compose_json(direct), "web")
