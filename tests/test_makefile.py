"""rendered/envgen.mk: every target is one Compose command that Compose accepts, as make
prints it; the questions before destructive targets; make's and the shell's quoting."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from envgen.outputs.languages.dotenv_text import read_dotenv
from envgen.outputs.languages.make_text import make_target, make_word, read_recipe
from envgen.outputs.makefile import make_targets
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.compose_cli import BINARY
from tests.conftest import REPO, Run, copy_shipped, edit_spec

TARGETS = [
    "dev",
    "dev-build",
    "dev-down",
    "dev-reset",
    "test-up",
    "test-down",
    "deploy-staging",
    "logs-staging",
    "seed-staging",  # its seed job
    "deploy-prod",
    "logs-prod",
    "envgen-check",
]
FRAGMENT = "rendered/envgen.mk"
# Options of Compose that take a value and come before the command.
GLOBAL_OPTIONS = ("--env-file", "-f", "-p")


def make(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=root,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
        timeout=60,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with every variables file a person would fill in."""
    root = copy_shipped(tmp_path_factory.mktemp("make") / "project")
    names, _ = read_dotenv((REPO / ".env.example").read_text(encoding="utf-8"))
    filled = "".join(f"{name}=placeholder\n" for name in names)
    for name in (".env.local", ".env.staging", ".env.production"):
        (root / name).write_text(filled, encoding="utf-8")
    (root / "Makefile").write_text(f"include {FRAGMENT}\n", encoding="utf-8")
    return root


def compose_config(root: Path, printed: str) -> subprocess.CompletedProcess[str]:
    """Compose's own check of the command make printed: its global options (variables
    file, compose file, project name) with `config -q` instead of the command."""
    words = read_recipe(printed)
    assert words[:2] == ["docker", "compose"], printed
    options: list[str] = []
    rest = words[2:]
    while rest and rest[0] in GLOBAL_OPTIONS:
        options += rest[:2]
        rest = rest[2:]
    assert rest, f"no command in {printed!r}"
    return subprocess.run(
        [BINARY, *options, "config", "-q"],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "HOME": str(root)},
        check=False,
        timeout=60,
    )


def test_the_fragment_has_the_targets_the_roadmap_names() -> None:
    text = (REPO / FRAGMENT).read_text(encoding="utf-8")
    assert f".PHONY: {' '.join(TARGETS)}\n" in text


@pytest.mark.parametrize("target", TARGETS)
def test_each_target_prints_one_command_that_compose_accepts(project: Path, target: str) -> None:
    printed = make(project, "-n", target)
    assert (printed.returncode, printed.stderr) == (0, "")
    commands = [line for line in printed.stdout.splitlines() if not line.startswith("if [")]
    assert len(commands) == 1, printed.stdout
    if target == "envgen-check":
        assert commands == ["envgen check"]
        return
    checked = compose_config(project, commands[0])
    assert (checked.returncode, checked.stderr) == (0, "")


def test_each_command_names_the_environments_file_project_and_variables() -> None:
    printed = make(REPO, "-n", "-f", FRAGMENT, "deploy-staging").stdout.splitlines()
    assert printed == [
        "docker compose --env-file .env.staging -f rendered/docker-compose.staging.yml "
        "-p coupette-staging up -d --pull always --wait"
    ]
    printed = make(REPO, "-n", "-f", FRAGMENT, "test-up").stdout.splitlines()
    assert printed == [
        "docker compose --env-file .env.test -f rendered/docker-compose.test.yml "
        "-p coupette-test up -d --wait"
    ]


def test_compose_refuses_a_command_with_a_wrong_file(project: Path) -> None:
    printed = make(project, "-n", "dev").stdout.strip()
    broken = printed.replace("docker-compose.dev.yml", "docker-compose.develop.yml")
    checked = compose_config(project, broken)
    assert checked.returncode == 1
    assert "docker-compose.develop.yml: no such file or directory" in checked.stderr


def test_make_refuses_a_recipe_that_lost_its_tab(tmp_path: Path) -> None:
    text = (REPO / FRAGMENT).read_text(encoding="utf-8")
    (tmp_path / "envgen.mk").write_text(text.replace("\t$(COMPOSE)", "    $(COMPOSE)", 1), "utf-8")
    result = make(tmp_path, "-n", "-f", "envgen.mk", "dev")
    assert result.returncode == 2
    assert "missing separator" in result.stderr


@pytest.mark.parametrize(
    ("target", "question"),
    [
        ("dev-reset", "Delete the volumes of coupette-local"),
        ("deploy-prod", "Deploy coupette-production"),
        ("seed-staging", "Load the data of seed into coupette-staging"),
    ],
)
def test_destructive_targets_ask_first(project: Path, target: str, question: str) -> None:
    refused = make(project, target, "COMPOSE=echo ran", stdin="n\n")
    assert refused.returncode == 2
    assert question in refused.stdout
    assert "Stopped; FORCE=1 skips the question." in refused.stdout
    assert "ran " not in refused.stdout
    accepted = make(project, target, "COMPOSE=echo ran", stdin="y\n")
    assert accepted.returncode == 0
    assert accepted.stdout.splitlines()[-1].startswith("ran --env-file ")
    forced = make(project, target, "COMPOSE=echo ran", "FORCE=1")
    assert forced.returncode == 0
    assert question not in forced.stdout
    assert forced.stdout.splitlines()[-1].startswith("ran --env-file ")


def test_other_targets_do_not_ask(project: Path) -> None:
    result = make(project, "deploy-staging", "COMPOSE=echo ran")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "echo ran --env-file .env.staging -f rendered/docker-compose.staging.yml "
        "-p coupette-staging up -d --pull always --wait",
        "ran --env-file .env.staging -f rendered/docker-compose.staging.yml "
        "-p coupette-staging up -d --pull always --wait",
    ]


TRICKY = [
    "plain",
    "two words",
    "$HOME",
    "$(shell id)",
    "it's",
    'say "hi"',
    "a#b",
    "back\\slash",
    "*",
    "~user",
    "%",
    "",
]


def test_make_and_the_shell_read_each_word_back(tmp_path: Path) -> None:
    lines = []
    for index, value in enumerate(TRICKY):
        lines.append(f"t{index}:\n\t@printf '[%s]' {make_word(value)}\n")
    (tmp_path / "Makefile").write_text("".join(lines), encoding="utf-8")
    for index, value in enumerate(TRICKY):
        result = make(tmp_path, f"t{index}")
        assert (result.returncode, result.stdout) == (0, f"[{value}]"), value


@pytest.mark.parametrize("value", ["a\nb", "a\rb"])
def test_a_line_break_cannot_be_written(value: str) -> None:
    with pytest.raises(ValueError, match="cannot write"):
        make_word(value)


def test_target_names_are_plain() -> None:
    assert make_target("deploy-prod") == "deploy-prod"
    with pytest.raises(ValueError, match="make target"):
        make_target("deploy prod")


def test_check_names_a_hand_edited_fragment(shipped: Path, run: Run) -> None:
    path = shipped / FRAGMENT
    path.write_text(path.read_text(encoding="utf-8").replace("--tail 100", "--tail 10"), "utf-8")
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert f"{FRAGMENT}: differs from its specs\n" in result.output


def test_the_fragment_path_comes_from_pyproject(shipped: Path, run: Run) -> None:
    pyproject = shipped / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    old = 'makefile = "rendered/envgen.mk"'
    assert text.count(old) == 1
    pyproject.write_text(text.replace(old, 'makefile = "make/environments.mk"'), "utf-8")
    assert run("--root", shipped, "render").exit_code == 0
    text = (shipped / "make/environments.mk").read_text(encoding="utf-8")
    assert "#   include make/environments.mk\n" in text
    assert not (shipped / FRAGMENT).exists()


def test_a_target_per_seed_job_and_none_without_one(shipped: Path) -> None:
    """One seed job is `seed-S`; with two, each is named; a service that is not declared
    a seed job gets none, whatever its name or profile."""
    fixtures = (
        "  fixtures:\n    image: example/fixtures:1\n    seed: true\n"
        "    profiles: [seed]\n  seed:\n"
    )
    edit_spec(shipped, "staging.yaml", "  seed:\n", fixtures)
    edit_spec(
        shipped,
        "local.yaml",
        "  bot:\n",
        "  seed:\n    image: example/seed:1\n    profiles: [seed]\n  bot:\n",
    )
    project = load_project(load_settings(shipped))
    seeds = [(t.name, t.args[-4:]) for t in make_targets(project) if t.name.startswith("seed")]
    assert seeds == [
        ("seed-staging-fixtures", ("coupette-staging", "run", "--rm", "fixtures")),
        ("seed-staging-seed", ("coupette-staging", "run", "--rm", "seed")),
    ]
