"""A canary secret pasted where a secret may go in a Kubernetes environment reaches no
manifest and no command's output (test_canary.py does the same for the Compose files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from envgen.cli.main import main
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import REPO, edit_spec

EXAMPLE = REPO / "examples" / "kubernetes"
CANARY = "Canary0b7e2f5aQ9x"
# Where a person may paste a secret in the example's staging spec; {c} is the canary.
REFUSED = {
    "a secret variable's value": (
        "  backend:\n    pull_policy: always\n",
        "  backend:\n    pull_policy: always\n    environment:\n      API_TOKEN: {c}\n",
    ),
    "a database password's default": (
        "  password_variable: STAGING_POSTGRES_PASSWORD\n",
        "  password_variable: STAGING_POSTGRES_PASSWORD\n  password_default: {c}\n",
    ),
    "a credential in a URL": (
        "  backend:\n    pull_policy: always\n",
        "  backend:\n    pull_policy: always\n    environment:\n"
        "      CACHE_URL: redis://:{c}@cache:6379\n",
    ),
}
# A secret reference's default: refused by SEC001, and a value no manifest may hold even
# when rendered past the policies.
DEFAULTED = (
    "  backend:\n    pull_policy: always\n",
    "  backend:\n    pull_policy: always\n    environment:\n"
    "      API_TOKEN: ${{STAGING_API_TOKEN:-{c}}}\n",
)


def _copy(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(EXAMPLE, tmp_path / "example"))
    shutil.rmtree(root / "rendered")
    return root


def _outputs(root: Path) -> list[str]:
    lines = []
    for command in (["render"], ["check"], ["validate"], ["show", "staging"], ["list"]):
        for github in ("false", "true"):
            result = CliRunner(env={"GITHUB_ACTIONS": github}).invoke(
                main, ["--root", str(root), *command]
            )
            assert "Traceback" not in result.output
            lines += result.output.splitlines()
    return lines


@pytest.mark.parametrize("place", list(REFUSED))
def test_a_secret_pasted_is_refused_and_written_nowhere(tmp_path: Path, place: str) -> None:
    root = _copy(tmp_path)
    old, new = REFUSED[place]
    edit_spec(root, "staging.yaml", old, new.format(c=CANARY))
    refused = CliRunner().invoke(main, ["--root", str(root), "render"])
    assert refused.exit_code == 2, refused.output
    assert [line for line in _outputs(root) if CANARY in line] == []
    assert not (root / "rendered").exists()
    # Rendered past the policies, the manifests still hold no copy of it where envgen
    # moves a secret (a reference); a literal under a secret name is the policies' to refuse.
    if place == "a database password's default":
        files = render_project(load_project(load_settings(root)))
        assert [path for path, text in files.items() if CANARY in text] == []


def test_a_secret_reference_s_default_reaches_no_manifest(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    old, new = DEFAULTED
    edit_spec(root, "staging.yaml", old, new.format(c=CANARY))
    result = CliRunner().invoke(main, ["--root", str(root), "render"])
    assert result.exit_code == 2, result.output
    assert [line for line in _outputs(root) if CANARY in line] == []
    files = render_project(load_project(load_settings(root)))
    assert [path for path, text in files.items() if CANARY in text] == []
    backend = next(text for path, text in files.items() if path.name == "backend.yaml")
    assert "key: STAGING_API_TOKEN\n" in backend
