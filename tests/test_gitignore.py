"""The .gitignore subset that the variables-file rules read."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.gitignore import GitIgnore, parse, read_gitignore

from tests.conftest import REPO

RULES = """\
# comment
.env
.env.*
!.env.example
/build
secrets/
deploy/*.env
"""


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        (".env", True),
        (".env.staging", True),
        ("ops/.env.production", True),  # no slash in the pattern: any folder
        (".env.example", False),  # re-included by the later `!` line
        (".envrc", False),
        ("build", True),
        ("src/build", False),  # a leading slash anchors the pattern at the root
        ("secrets/prod.txt", True),  # under an ignored folder
        ("secrets", False),  # `secrets/` matches folders only
        ("deploy/staging.env", True),
        ("other/deploy/staging.env", False),  # a slash inside anchors at the root
        ("# comment", False),
    ],
)
def test_matching(path: str, ignored: bool) -> None:
    assert GitIgnore(parse(RULES)).ignores(path) is ignored


def test_the_last_matching_line_wins() -> None:
    assert GitIgnore(parse("!.env.test\n.env.*\n")).ignores(".env.test") is True
    assert GitIgnore(parse(".env.*\n!.env.test\n")).ignores(".env.test") is False


def test_the_repository_keeps_secrets_out_and_the_generated_files_in() -> None:
    gitignore = read_gitignore(REPO)
    assert gitignore is not None
    assert [gitignore.ignores(p) for p in (".env.staging", ".env.production", ".env.local")] == [
        True,
        True,
        True,
    ]
    assert [gitignore.ignores(p) for p in (".env.example", ".env.test")] == [False, False]


def test_no_gitignore_is_none(tmp_path: Path) -> None:
    assert read_gitignore(tmp_path) is None
