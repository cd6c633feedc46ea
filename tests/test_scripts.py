"""Rollback scripts: shellcheck, and runs with a fake `docker` first on PATH that records
every call, asserting the exact calls and exit codes."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from envgen.outputs.languages.shell_text import read_words, shell_word
from envgen.outputs.scripts import rollback_context, verify_script
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import REPO, Run, copy_shipped
from tests.tools import run_tool

SCRIPTS = ("rollback.sh", "rollback-migration.sh")
FAKE_DOCKER = """\
#!/usr/bin/env bash
# Records each call: the folder it ran in, IMAGE_TAG, then the arguments.
{ printf '%s\\x1f%s' "$PWD" "${IMAGE_TAG-unset}"; printf '\\x1f%s' "$@"; printf '\\n'; } \\
  >> "$FAKE_DOCKER_LOG"
exit "${FAKE_DOCKER_EXIT:-0}"
"""
STAGING = ["--env-file", ".env.staging", "-f", "rendered/docker-compose.staging.yml"]
PRODUCTION = ["--env-file", ".env.production", "-f", "rendered/docker-compose.prod.yml"]
IMAGES = [f"ghcr.io/vpatrin/coupette-{name}" for name in ("backend", "bot", "scraper")]
DOWN = ["run", "--rm", "migrate", "alembic", "-c", "core/alembic.ini", "downgrade", "-1"]


@dataclass(frozen=True)
class Call:
    folder: str
    image_tag: str
    args: list[str]


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str
    calls: list[Call]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_shipped(tmp_path_factory.mktemp("scripts") / "project")
    fake = root.parent / "bin" / "docker"
    fake.parent.mkdir()
    fake.write_text(FAKE_DOCKER, encoding="utf-8")
    fake.chmod(0o755)
    return root


def script(project: Path, name: str, *args: str, docker_exit: int = 0) -> Ran:
    log = project.parent / "docker.log"
    log.write_text("", encoding="utf-8")
    result = subprocess.run(
        [str(project / "rendered" / "scripts" / name), *args],
        capture_output=True,
        text=True,
        cwd=project.parent,  # anywhere: the script finds the project root itself
        env={
            "PATH": f"{project.parent / 'bin'}:/usr/bin:/bin",
            "FAKE_DOCKER_LOG": str(log),
            "FAKE_DOCKER_EXIT": str(docker_exit),
        },
        check=False,
        timeout=30,
    )
    calls = []
    for line in log.read_text(encoding="utf-8").splitlines():
        folder, image_tag, *arguments = line.split("\x1f")
        calls.append(Call(folder, image_tag, arguments))
    return Ran(result.returncode, result.stdout, result.stderr, calls)


def test_rollback_redeploys_staging_at_the_tag_and_waits(project: Path) -> None:
    ran = script(project, "rollback.sh", "staging", "20260101-120000")
    assert (ran.code, ran.stderr) == (0, "")
    up = ["up", "-d", "--pull", "always", "--wait"]
    assert ran.calls == [
        Call(str(project), "20260101-120000", ["compose", *STAGING, "-p", "coupette-staging", *up])
    ]
    assert ran.stdout == (
        "+ env IMAGE_TAG=20260101-120000 docker compose --env-file .env.staging "
        "-f rendered/docker-compose.staging.yml -p coupette-staging up -d --pull always --wait\n"
    )


def test_rollback_refuses_production_without_the_confirmation(project: Path) -> None:
    ran = script(project, "rollback.sh", "prod", "20260101-120000")
    assert (ran.code, ran.stdout, ran.calls) == (2, "", [])
    assert ran.stderr == "rollback.sh: rolling production back needs --confirm-production\n"


@pytest.mark.parametrize("name", ["production", "prod"])
def test_rollback_runs_production_with_the_confirmation(project: Path, name: str) -> None:
    ran = script(project, "rollback.sh", name, "20260101-120000", "--confirm-production")
    assert ran.code == 0, ran.stderr
    assert [call.args for call in ran.calls] == [
        [
            "compose",
            *PRODUCTION,
            "-p",
            "coupette-production",
            "up",
            "-d",
            "--pull",
            "always",
            "--wait",
        ]
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stagin", "v1"], "unknown environment 'stagin' (environments: staging, production)"),
        (["local", "v1"], "unknown environment 'local' (environments: staging, production)"),
        (["staging", "../v1"], "'../v1' is not an image tag"),
        (["staging", "v1 v2"], "'v1 v2' is not an image tag"),
        (["staging", "-v"], "'-v' is not an image tag"),
        (["staging", "v1", "--yes"], "unknown option '--yes'"),
        ([], "usage: rollback.sh ENV [TAG [--confirm-production]]"),
        (["a", "b", "c", "d"], "usage: rollback.sh ENV [TAG [--confirm-production]]"),
    ],
)
def test_rollback_refuses_what_it_cannot_run(project: Path, args: list[str], message: str) -> None:
    ran = script(project, "rollback.sh", *args)
    assert (ran.code, ran.stdout, ran.stderr, ran.calls) == (2, "", f"rollback.sh: {message}\n", [])


def test_rollback_without_a_tag_lists_the_tags_of_the_images(project: Path) -> None:
    ran = script(project, "rollback.sh", "staging")
    assert ran.code == 0
    fmt = "{{.Repository}}:{{.Tag}}"
    assert [call.args for call in ran.calls] == [
        ["image", "ls", "--format", fmt, image] for image in IMAGES
    ]


def test_rollback_fails_when_docker_fails(project: Path) -> None:
    ran = script(project, "rollback.sh", "staging", "v1", docker_exit=1)
    assert ran.code == 1
    assert len(ran.calls) == 1


def test_rollback_migration_runs_one_step_down_in_the_migration_service(project: Path) -> None:
    ran = script(project, "rollback-migration.sh", "staging")
    assert (ran.code, ran.stderr) == (0, "")
    assert ran.calls == [
        Call(str(project), "unset", ["compose", *STAGING, "-p", "coupette-staging", *DOWN])
    ]
    assert ran.stdout == (
        "+ docker compose --env-file .env.staging -f rendered/docker-compose.staging.yml "
        "-p coupette-staging run --rm migrate alembic -c core/alembic.ini downgrade -1\n"
    )


def test_rollback_migration_on_a_laptop_by_alias(project: Path) -> None:
    ran = script(project, "rollback-migration.sh", "dev")
    assert ran.code == 0, ran.stderr
    local = ["--env-file", ".env.local", "-f", "rendered/docker-compose.dev.yml"]
    assert [call.args for call in ran.calls] == [["compose", *local, "-p", "coupette-local", *DOWN]]


def test_rollback_migration_guards_production(project: Path) -> None:
    refused = script(project, "rollback-migration.sh", "production")
    assert (refused.code, refused.calls) == (2, [])
    assert refused.stderr == (
        "rollback-migration.sh: undoing a production migration needs --confirm-production\n"
    )
    confirmed = script(project, "rollback-migration.sh", "production", "--confirm-production")
    assert confirmed.code == 0
    assert [call.args for call in confirmed.calls] == [
        ["compose", *PRODUCTION, "-p", "coupette-production", *DOWN]
    ]


def test_rollback_migration_refuses_an_environment_without_migrations(project: Path) -> None:
    ran = script(project, "rollback-migration.sh", "test")
    assert (ran.code, ran.calls) == (2, [])
    assert ran.stderr == (
        "rollback-migration.sh: unknown environment 'test' "
        "(environments: local, staging, production)\n"
    )


@pytest.mark.parametrize("name", SCRIPTS)
def test_shellcheck_accepts_the_scripts(name: str) -> None:
    result = run_tool("shellcheck", str(REPO / "rendered" / "scripts" / name))
    assert (result.returncode, result.stdout) == (0, "")


def test_shellcheck_rejects_an_unquoted_expansion(tmp_path: Path) -> None:
    text = (REPO / "rendered/scripts/rollback.sh").read_text(encoding="utf-8")
    broken = tmp_path / "rollback.sh"
    broken.write_text(text.replace('\n"${run[@]}"\n', "\n${run[@]}\n"), encoding="utf-8")
    result = run_tool("shellcheck", str(broken))
    assert result.returncode == 1
    assert "SC2068" in result.stdout


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_scripts_are_executable(name: str) -> None:
    assert os.access(REPO / "rendered" / "scripts" / name, os.X_OK)


@pytest.mark.parametrize("name", SCRIPTS)
def test_check_names_a_hand_edited_script(shipped: Path, run: Run, name: str) -> None:
    path = shipped / "rendered" / "scripts" / name
    path.write_text(path.read_text(encoding="utf-8").replace("exit 2", "exit 0"), "utf-8")
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert f"rendered/scripts/{name}: differs from its specs\n" in result.output


def test_the_read_back_catches_a_changed_word() -> None:
    context = rollback_context(load_project(load_settings(REPO)))
    assert context is not None
    text = (REPO / "rendered/scripts/rollback.sh").read_text(encoding="utf-8")
    assert verify_script(text, context) is None
    broken = text.replace("-p coupette-staging)", "-p coupette staging)")
    assert verify_script(broken, context) == (
        "`compose` arrays read back as "
        + repr(
            [
                ["docker", "compose", *STAGING, "-p", "coupette", "staging"],
                ["docker", "compose", *PRODUCTION, "-p", "coupette-production"],
            ]
        )
        + ", expected "
        + repr(
            [
                ["docker", "compose", *STAGING, "-p", "coupette-staging"],
                ["docker", "compose", *PRODUCTION, "-p", "coupette-production"],
            ]
        )
    )


@pytest.mark.parametrize(
    "value", ["plain", "two words", "$HOME", "it's", "`id`", "a;b", "*", "~", "!x", ""]
)
def test_shell_words_read_back_as_themselves(value: str) -> None:
    assert read_words(shell_word(value)) == [value]
    result = subprocess.run(
        ["bash", "-c", f"printf '[%s]' {shell_word(value)}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == f"[{value}]"
