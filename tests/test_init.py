"""`envgen init`: a new project that validates, renders and checks as written, and a
refusal, with nothing written, wherever a project already is."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.policies.check import enforce
from envgen.project.load import load_project
from envgen.scaffolding import APP_NAME, SPECS, app_name_of, scaffold
from envgen.settings import load_settings
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose, required_variables
from tests.conftest import REPO, Run

CREATED = [
    "  created  environments/base.yaml",
    "  created  environments/local.yaml",
    "  created  environments/test.yaml",
    "  created  environments/staging.yaml",
    "  created  environments/production.yaml",
]
GITIGNORE_RULES = [".env", ".env.*", "!.env.example", "!.env.test"]


def _tree(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_scaffolded_project_validates_renders_and_checks(tmp_path: Path, run: Run) -> None:
    root = tmp_path / "Shop Front"
    result = run("init", root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        *CREATED,
        "  created  .gitignore",
        "6 files written, 0 unchanged",
        f"next: envgen --root '{root}' render, then commit the specs and what it writes",
    ]
    specs = "".join((root / "environments" / f"{name}.yaml").read_text() for name in SPECS)
    assert "app: shop-front\n" in specs
    assert "silence" not in specs
    validated = run("--root", root, "validate")
    assert (validated.exit_code, validated.output) == (
        0,
        "4 environment(s) valid: local, test, staging, production\n",
    )
    rendered = run("--root", root, "render")
    assert (rendered.exit_code, rendered.stderr) == (0, "")
    assert run("--root", root, "check").exit_code == 0
    composes = sorted((root / "rendered").glob("docker-compose.*.yml"))
    assert [path.name for path in composes] == [
        "docker-compose.dev.yml",
        "docker-compose.prod.yml",
        "docker-compose.staging.yml",
        "docker-compose.test.yml",
    ]
    for path in composes:
        needed = dict.fromkeys(required_variables(path.read_text(encoding="utf-8")), "x")
        checked = compose(path, "config", "-q", variables=needed)
        assert (path.name, checked.returncode, checked.stderr) == (path.name, 0, "")


def test_the_variables_files_are_ignored_except_those_envgen_writes(
    tmp_path: Path, run: Run
) -> None:
    assert run("init", tmp_path).exit_code == 0
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == GITIGNORE_RULES


def test_an_existing_gitignore_gets_the_lines_it_lacks(tmp_path: Path, run: Run) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/", encoding="utf-8")
    result = run("init", tmp_path)
    assert result.stdout.splitlines()[5:7] == [
        "  updated  .gitignore",
        "6 files written, 0 unchanged",
    ]
    text = (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert text.startswith("node_modules/\n\n# Variables files")
    assert text.splitlines()[-4:] == GITIGNORE_RULES


def test_a_gitignore_that_has_the_lines_is_left_alone(tmp_path: Path, run: Run) -> None:
    before = "# mine\n" + "\n".join(GITIGNORE_RULES) + "\n"
    (tmp_path / ".gitignore").write_text(before, encoding="utf-8")
    result = run("init", tmp_path)
    assert result.stdout.splitlines()[5:7] == [
        "unchanged  .gitignore",
        "5 files written, 1 unchanged",
    ]
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == before


@pytest.mark.parametrize("existing", ["base.yaml", "qa.yaml"])
def test_init_refuses_where_specs_already_are(tmp_path: Path, run: Run, existing: str) -> None:
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / existing).write_text("app: mine\n", encoding="utf-8")
    before = _tree(tmp_path)
    result = run("init", tmp_path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"envgen: {tmp_path}/environments/{existing} already exists: `envgen init` starts a "
        "new project and overwrites nothing (nothing written)\n"
    )
    assert _tree(tmp_path) == before


def test_a_second_init_changes_nothing(tmp_path: Path, run: Run) -> None:
    assert run("init", tmp_path).exit_code == 0
    before = _tree(tmp_path)
    assert run("init", tmp_path).exit_code == 2
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("app", ["Shop", "9shop", "shop-", "shop_front", "a" * 41])
def test_an_invalid_app_name_is_refused(tmp_path: Path, run: Run, app: str) -> None:
    result = run("init", tmp_path / "new", "--app", app)
    assert result.exit_code == 2
    assert result.stderr == (
        f"envgen: application name `{app}`: use lower-case letters, digits and dashes, "
        "starting with a letter, at most 40 characters\n"
    )
    assert not (tmp_path / "new").exists()


def test_the_longest_app_name_makes_valid_specs(tmp_path: Path, run: Run) -> None:
    app = "a" + "-b" * 19 + "c"  # 40 characters: the boundary
    assert run("init", tmp_path, "--app", app).exit_code == 0
    assert run("--root", tmp_path, "validate").exit_code == 0


@pytest.mark.parametrize(
    ("folder", "app"),
    [
        ("shop", "shop"),
        ("My Shop", "my-shop"),
        ("shop_front.v2", "shop-front-v2"),
        ("2024-shop", "shop"),
        ("123", "app"),
        ("---", "app"),
        ("x" * 60, "x" * 40),
    ],
)
def test_the_app_name_comes_from_the_folder(tmp_path: Path, folder: str, app: str) -> None:
    assert app_name_of(tmp_path / folder) == app


def test_the_tutorial_shows_what_init_prints(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutorial = (REPO / "docs/tutorials/first-project.md").read_text(encoding="utf-8")
    shown = tutorial.split("```text\n$ envgen init shop\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    assert run("init", "shop").stdout == shown


@given(st.text(st.characters(exclude_characters="/\x00", codec="utf-8"), min_size=1, max_size=80))
def test_any_folder_name_gives_a_valid_app_name(folder: str) -> None:
    assume(folder not in (".", ".."))
    assert APP_NAME.fullmatch(app_name_of(Path("/projects") / folder))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.from_regex(APP_NAME, fullmatch=True))
def test_every_valid_app_name_makes_a_valid_project(
    tmp_path_factory: pytest.TempPathFactory, app: str
) -> None:
    root = tmp_path_factory.mktemp("scaffold")
    scaffold(root, app)
    project = load_project(load_settings(root))
    assert [env.app for env in project.environments] == [app] * 4
    assert enforce(project) == []
