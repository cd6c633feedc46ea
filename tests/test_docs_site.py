"""The documentation site builds with `mkdocs build --strict`: every page in the
navigation, every link and anchor found; a broken link fails the build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO


def _build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    return root


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return []


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    result = _build(REPO, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/reference/rules/index.html").is_file()


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = sorted(str(p.relative_to(REPO / "docs")) for p in (REPO / "docs").rglob("*.md"))
    assert sorted(_nav_pages(config["nav"])) == pages


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    page = root / "docs/how-to/rollback.md"
    page.write_text(page.read_text("utf-8") + "\n[gone](no-such-page.md)\n", "utf-8")
    result = _build(root, tmp_path / "site")
    assert result.returncode == 1
    assert "no-such-page.md" in result.stderr


def test_a_broken_anchor_fails_the_build(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    page = root / "docs/how-to/rollback.md"
    page.write_text(page.read_text("utf-8") + "\n[gone](../reference/rules.md#nothing)\n", "utf-8")
    result = _build(root, tmp_path / "site")
    assert result.returncode == 1
    assert "#nothing" in result.stderr


def test_no_table_holds_an_escaped_pipe_in_code() -> None:
    """Python-Markdown shows `\\|` inside a code span in a table as written (GitHub shows
    a pipe): the site's pages write choices without pipes."""
    found = [
        f"{page.relative_to(REPO)}:{number}"
        for page in sorted((REPO / "docs").rglob("*.md"))
        if page.name != "ENVIRONMENTS.md"  # GitHub's page, generated for GitHub
        for number, line in enumerate(page.read_text("utf-8").splitlines(), 1)
        if line.startswith("|") and re.search(r"`[^`]*\\\|[^`]*`", line)
    ]
    assert found == []
