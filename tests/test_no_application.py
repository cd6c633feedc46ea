"""envgen knows no application: a project without a bot or an AI key needs nothing invented,
and the package names none of the shipped application's services."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import REPO, Run

WEB_WORKER = Path(__file__).parent / "cases" / "web-worker"
APPLICATION_WORDS = re.compile(r"telegram|claude|chroma|swagger|botfather", re.IGNORECASE)


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(WEB_WORKER / "environments", tmp_path / "environments")
    return tmp_path


def test_a_web_worker_project_validates_with_nothing_silenced(tmp_path: Path, run: Run) -> None:
    root = _copy(tmp_path)
    result = run("--root", root, "validate")
    assert (result.exit_code, result.output) == (
        0,
        "4 environment(s) valid: local, test, staging, production\n",
    )
    assert "silence" not in "".join(
        path.read_text(encoding="utf-8") for path in (root / "environments").iterdir()
    )


def test_its_parity_table_has_no_row_about_what_it_lacks() -> None:
    doc = (WEB_WORKER / "expected" / "docs" / "ENVIRONMENTS.md").read_text(encoding="utf-8")
    labels = [line.split(" | ")[0].removeprefix("| ") for line in doc.splitlines()]
    assert [label for label in labels if re.search(r"bot|claude|swagger|api", label, re.I)] == []
    assert "Admin debug toolbar" in labels  # its own flag has a row


def test_the_package_names_no_application() -> None:
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "generator" / "envgen").rglob("*"))
        if path.is_file() and path.suffix in (".py", ".j2", ".md", ".toml", ".yaml", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if APPLICATION_WORDS.search(line)
    ]
    assert found == []
