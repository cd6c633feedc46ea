"""Rendered output of small example projects, pinned byte for byte.

Each folder in tests/cases/ holds `environments/` and `expected/` (the files `envgen render`
must write). After an intended change, regenerate with ENVGEN_UPDATE_GOLDEN=1 and review.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.compose_cli import compose, required_variables
from tests.conftest import Run

CASES = sorted(path for path in (Path(__file__).parent / "cases").iterdir() if path.is_dir())


def _render_case(case: Path, root: Path, run: Run) -> dict[str, str]:
    shutil.copytree(case / "environments", root / "environments")
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.parts[len(root.parts)] not in ("environments", "templates")
    }


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_rendered_output_matches_the_golden_files(case: Path, tmp_path: Path, run: Run) -> None:
    rendered = _render_case(case, tmp_path, run)
    expected_dir = case / "expected"
    if os.environ.get("ENVGEN_UPDATE_GOLDEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        for relative, text in rendered.items():
            (expected_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / relative).write_text(text, encoding="utf-8")
    expected = {
        str(path.relative_to(expected_dir)): path.read_text(encoding="utf-8")
        for path in sorted(expected_dir.rglob("*"))
        if path.is_file()
    }
    assert rendered == expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_golden_files_are_valid_compose(case: Path) -> None:
    for path in sorted((case / "expected").rglob("docker-compose.*.yml")):
        needed = required_variables(path.read_text(encoding="utf-8"))
        result = compose(path, "config", "-q", variables=dict.fromkeys(needed, "x"))
        assert (path.name, result.returncode, result.stderr) == (path.name, 0, "")
