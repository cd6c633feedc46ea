"""The runtime guard: planted process environments that point at another environment."""

from __future__ import annotations

import os
import subprocess
import sys

import envgen
import pytest
from click.testing import CliRunner
from envgen.cli.main import main
from envgen.errors import GuardError
from envgen.project.load import load_project
from envgen.runtime_guard import trespasses
from envgen.settings import load_settings

from tests.conftest import REPO

PROJECT = load_project(load_settings(REPO))
TEST_URL = "postgresql://coupette_test:test@127.0.0.1:15432/coupette_test"


def found(name: str, environ: dict[str, str]) -> list[str]:
    return [str(t) for t in trespasses(PROJECT, name, environ)]


@pytest.mark.parametrize(
    ("name", "environ", "expected"),
    [
        (
            "test",
            {"PROD_POSTGRES_PASSWORD": "x"},
            ["PROD_POSTGRES_PASSWORD is set, and it is production's `database.password_variable`"],
        ),
        (
            "test",
            {"DATABASE_URL": "postgresql://coupette:x@db.internal:5432/coupette"},
            ["DATABASE_URL points at production's database `coupette`"],
        ),
        (
            "test",
            {"DATABASE_URL": "postgresql://coupette_dev:x@localhost:5432/coupette_test"},
            ["DATABASE_URL points at local's port 5432 on this host"],
        ),
        (
            "test",
            {"POSTGRES_DB": "coupette_staging"},
            ["POSTGRES_DB names staging's database `coupette_staging`"],
        ),
        (
            "staging",
            {"PROD_TELEGRAM_BOT_TOKEN": "x", "PROD_ANTHROPIC_API_KEY": "y"},
            [
                "PROD_ANTHROPIC_API_KEY is set, and it is production's "
                "`integrations.claude.secrets.key`",
                "PROD_TELEGRAM_BOT_TOKEN is set, and it is production's "
                "`integrations.telegram.secrets.token`",
            ],
        ),
        (
            "staging",
            {"TELEGRAM_BOT_USERNAME": "SAQSommelierBot"},
            ["TELEGRAM_BOT_USERNAME is production's telegram identity `SAQSommelierBot`"],
        ),
        (
            "staging",
            {"CORS_ORIGINS": "https://wine.victorpatrin.dev"},
            ["CORS_ORIGINS names production's domain `wine.victorpatrin.dev`"],
        ),
        (
            "production",
            {"PUBLIC_URL": "https://staging-wine.victorpatrin.dev/health"},
            ["PUBLIC_URL names staging's domain `staging-wine.victorpatrin.dev`"],
        ),
        (
            "local",
            {"COMPOSE_PROJECT_NAME": "coupette-production"},
            ["COMPOSE_PROJECT_NAME names production's compose project `coupette-production`"],
        ),
    ],
)
def test_a_planted_variable_is_named(
    name: str, environ: dict[str, str], expected: list[str]
) -> None:
    assert found(name, environ) == expected


@pytest.mark.parametrize(
    ("name", "environ"),
    [
        ("test", {}),
        ("test", {"TEST_POSTGRES_PASSWORD": "test", "DATABASE_URL": TEST_URL}),
        ("test", {"POSTGRES_DB": "coupette_test", "PROD_POSTGRES_PASSWORD": ""}),  # empty: unset
        # staging's own domain holds production's as a suffix, not as a host name.
        ("staging", {"CORS_ORIGINS": "https://staging-wine.victorpatrin.dev"}),
        (
            "staging",
            {"STAGING_TELEGRAM_BOT_TOKEN": "x", "TELEGRAM_BOT_USERNAME": "SAQSommelierStagingBot"},
        ),
        ("production", {"DATABASE_URL": "postgresql://coupette:x@postgres:5432/coupette"}),
        ("local", {"DATABASE_URL": "postgresql://coupette_dev:x@127.0.0.1:5432/coupette_dev"}),
        ("test", {"HOME": "/home/coupette", "NOT_A_URL": "http://[bad"}),
    ],
)
def test_its_own_resources_pass(name: str, environ: dict[str, str]) -> None:
    assert found(name, environ) == []


def test_the_command_exits_1_naming_each_variable() -> None:
    environ = {"PROD_POSTGRES_PASSWORD": "s3cret-value", "PATH": "/usr/bin:/bin"}
    result = CliRunner().invoke(main, ["--root", str(REPO), "guard", "test"], env=environ)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "envgen: guard test: PROD_POSTGRES_PASSWORD is set, and it is production's "
        "`database.password_variable`\n"
    )
    assert "s3cret-value" not in result.output


def test_the_command_passes_a_clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [v for v in os.environ if v != "PATH"]:
        monkeypatch.delenv(variable)
    result = CliRunner().invoke(main, ["--root", str(REPO), "guard", "prod"])
    assert (result.exit_code, result.stdout) == (
        0,
        "guard production: no variable points at another environment\n",
    )


def test_an_unknown_environment_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["--root", str(REPO), "guard", "tst"])
    assert result.exit_code == 2
    assert result.stderr.startswith("envgen: unknown environment `tst` (did you mean `test`?)")


def test_the_python_guard_raises_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROD_POSTGRES_PASSWORD", "x")
    with pytest.raises(GuardError, match="PROD_POSTGRES_PASSWORD is set") as raised:
        envgen.guard("test", root=str(REPO))
    assert raised.value.exit_code == 1
    monkeypatch.delenv("PROD_POSTGRES_PASSWORD")
    monkeypatch.chdir(REPO / "environments")  # the project is found upwards
    for variable in ("DATABASE_URL", "POSTGRES_DB", "COMPOSE_PROJECT_NAME"):
        monkeypatch.delenv(variable, raising=False)
    envgen.guard("test")


def test_importing_envgen_loads_nothing_until_the_guard_runs() -> None:
    modules = "('pydantic', 'yaml', 'envgen.runtime_guard')"
    code = f"import envgen, sys; print(sorted(m for m in {modules} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


# Staging's backend container as its spec makes it (rendered/docker-compose.staging.yml):
# its key arrives as ANTHROPIC_API_KEY, the name local's host sets its own key by.
STAGING_BACKEND = {
    "ANTHROPIC_API_KEY": "staging-key",
    "CHROMA_HOST": "chromadb",
    "CHROMA_PORT": "8000",
    "CLAUDE_MODE": "real",
    "CORS_ORIGINS": "https://staging-wine.victorpatrin.dev",
    "DATABASE_URL": "postgresql://coupette_staging:pw@postgres:5432/coupette_staging",
    "DEBUG": "false",
    "ENVIRONMENT": "staging",
    "LOG_FORMAT": "json",
    "SWAGGER_UI_ENABLED": "false",
}
LOCAL_KEY = ["ANTHROPIC_API_KEY is set, and it is local's `integrations.claude.secrets.key`"]


@pytest.mark.parametrize(
    ("name", "environ", "expected"),
    [
        # In its own container, an environment's secret under the container's name is its own
        # (failed before: LOCAL_KEY).
        ("staging", STAGING_BACKEND, []),
        (
            "staging",
            {
                "POSTGRES_DB": "coupette_staging",
                "POSTGRES_PASSWORD": "pw",
                "POSTGRES_USER": "coupette_staging",
            },
            [],
        ),
        # Near misses: the same name from a host shell, or in a container that is not
        # staging's (one plain variable off), is local's.
        ("staging", {"ANTHROPIC_API_KEY": "staging-key"}, LOCAL_KEY),
        ("staging", {**STAGING_BACKEND, "ENVIRONMENT": "production"}, LOCAL_KEY),
        ("staging", {**STAGING_BACKEND, "LOG_FORMAT": None}, LOCAL_KEY),
        # A container of staging carries production's key by value: refused by value.
        (
            "staging",
            {**STAGING_BACKEND, "PROD_ANTHROPIC_API_KEY": "staging-key"},
            [
                "ANTHROPIC_API_KEY holds the value of PROD_ANTHROPIC_API_KEY, production's "
                "`integrations.claude.secrets.key`",
                "PROD_ANTHROPIC_API_KEY is set, and it is production's "
                "`integrations.claude.secrets.key`",
            ],
        ),
        # Its own host variable holding production's value; production's named once, by name.
        (
            "staging",
            {"STAGING_POSTGRES_PASSWORD": "same", "PROD_POSTGRES_PASSWORD": "same"},
            [
                "PROD_POSTGRES_PASSWORD is set, and it is production's "
                "`database.password_variable`",
                "STAGING_POSTGRES_PASSWORD holds the value of PROD_POSTGRES_PASSWORD, "
                "production's `database.password_variable`",
            ],
        ),
        # A test run has no container that receives a Claude key: local's, wherever it is.
        ("test", {"ANTHROPIC_API_KEY": "k", "ENVIRONMENT": "test"}, LOCAL_KEY),
    ],
)
def test_an_environments_own_containers_carry_its_secrets(
    name: str, environ: dict[str, str | None], expected: list[str]
) -> None:
    assert found(name, {k: v for k, v in environ.items() if v is not None}) == expected


def test_a_loopback_address_in_its_own_container_is_the_container() -> None:
    """Inside staging's backend, localhost:8001 is the backend itself, not local's port
    8001 on the host (failed before: `HEALTH_URL points at local's port 8001 on this host`);
    from a host shell it is still local's."""
    url = {"HEALTH_URL": "http://localhost:8001/health"}
    assert found("staging", {**STAGING_BACKEND, **url}) == []
    assert found("staging", url) == ["HEALTH_URL points at local's port 8001 on this host"]
