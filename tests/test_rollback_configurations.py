"""rollback.sh over every way staging and production of an `envgen init` project can run
their images: built from source (staging only), released under a default tag or a
required one, or pinned (no service builds its own image, so no tag to go back to). Each
renders; the script holds exactly the environments with a tag to go back to and passes
shellcheck."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from envgen.cli.main import main
from envgen.outputs.scripts import Target, verify_script

from tests.conftest import Run, edit_spec
from tests.tools import run_tool

TAGS = {"staging": "image_tag: staging\n", "production": "image_tag: latest\n"}
WAYS = ("source", "released", "required", "pinned")
# Production built from source is refused before anything renders (PRD010).
PRODUCTION_WAYS = WAYS[1:]
SCRIPT = Path("rendered/scripts/rollback.sh")


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rollback") / "shop"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    return root


def _runs(root: Path, name: str, way: str) -> None:
    """Make environment `name` run its images `way`."""
    spec = f"{name}.yaml"
    if way == "source":
        edit_spec(root, spec, TAGS[name], "")
    elif way == "required":
        edit_spec(root, spec, TAGS[name], "image_tag_required: set IMAGE_TAG to a release\n")
    elif way == "pinned":
        edit_spec(
            root,
            spec,
            "services:\n  web:\n",
            "services:\n  web:\n    build: !remove\n    image: ghcr.io/example/shop:1.0\n",
        )


def _arms(text: str) -> list[str]:
    """The patterns of `case $environment in`, in order."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.startswith("  ") and line.endswith(")") and "=" not in line
    ]


@pytest.mark.parametrize(("staging", "production"), list(itertools.product(WAYS, PRODUCTION_WAYS)))
def test_rollback_holds_each_environment_with_a_tag_to_go_back_to(
    scaffolded: Path, tmp_path: Path, run: Run, staging: str, production: str
) -> None:
    root = Path(shutil.copytree(scaffolded, tmp_path / "shop"))
    _runs(root, "staging", staging)
    _runs(root, "production", production)
    rendered = run("--root", root, "render")
    # Failed before with `staging` and/or `production` pinned: "rollback.sh.j2 (envgen's
    # default) does not render what the specs say: `images` arrays read back as [[]], ...".
    assert (rendered.exit_code, rendered.stderr) == (0, "")
    tagged = {"staging": staging, "production": production}
    rolled = [name for name, way in tagged.items() if way in ("released", "required")]
    parity = (root / "docs" / "ENVIRONMENTS.md").read_text(encoding="utf-8").splitlines()
    rows = [line for line in parity if line.startswith("| Rollback |")]
    if not rolled:
        assert not (root / SCRIPT).exists()
        assert rows == []
        return
    text = (root / SCRIPT).read_text(encoding="utf-8")
    arms = {"staging": "staging)", "production": "production | prod)"}
    assert _arms(text) == [*(arms[name] for name in rolled), "*)"]
    assert (
        f"""fail "unknown environment '$environment' (environments: {", ".join(rolled)})\""""
        in (text)
    )
    assert text.count("    images=(ghcr.io/example/shop)\n") == len(rolled)
    checked = run_tool("shellcheck", str(root / SCRIPT))
    assert (checked.returncode, checked.stdout) == (0, "")
    cells = {
        "staging": "`rendered/scripts/rollback.sh staging TAG`",
        "production": "`rendered/scripts/rollback.sh production TAG --confirm-production`",
    }
    expected = ["none", "none", *(cells[n] if n in rolled else "none" for n in tagged)]
    assert rows == ["| Rollback | " + " | ".join(expected) + " |"]
    assert run("--root", root, "check").exit_code == 0


def test_the_read_back_counts_every_array_an_empty_one_too() -> None:
    """Each environment's `images` array is read back, so a script that lost one, or
    wrote one more, is refused (before, an empty array went uncounted either way)."""
    staging = Target(("staging",), False, ("docker", "compose"), ("shop",))
    pinned = Target(("production",), True, ("docker", "compose"), ())
    text = "  compose=(docker compose)\n  images=(shop)\n  compose=(docker compose)\n"
    assert verify_script(text, {"targets": [staging, pinned]}) == (
        "`images` arrays read back as [['shop']], expected [['shop'], []]"
    )
    assert verify_script(text + "  images=()\n", {"targets": [staging, pinned]}) is None
    extra = text + "  images=()\n  command=()\n"
    assert verify_script(extra, {"targets": [staging, pinned]}) == (
        "`command` arrays read back as [[]], expected []"
    )
