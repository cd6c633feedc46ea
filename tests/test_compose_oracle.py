"""Docker Compose itself accepts every rendered file of the shipped project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.compose_cli import compose, compose_json, required_variables
from tests.conftest import REPO

RENDERED = sorted((REPO / "rendered").glob("docker-compose.*.yml"))


def test_every_environment_has_a_rendered_file() -> None:
    assert [path.name for path in RENDERED] == [
        "docker-compose.dev.yml",
        "docker-compose.prod.yml",
        "docker-compose.staging.yml",
        "docker-compose.test.yml",
    ]


@pytest.mark.parametrize("path", RENDERED, ids=lambda path: path.name)
def test_compose_accepts_the_file_without_interpolation(path: Path) -> None:
    result = compose(path, "config", "-q", "--no-interpolate")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("path", RENDERED, ids=lambda path: path.name)
def test_compose_accepts_the_file_with_its_variables_set(path: Path) -> None:
    needed = required_variables(path.read_text(encoding="utf-8"))
    result = compose(path, "config", "-q", variables=dict.fromkeys(needed, "placeholder"))
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("name", "needed"),
    [
        ("docker-compose.dev.yml", ["ANTHROPIC_API_KEY", "TELEGRAM_BOT_TOKEN"]),
        ("docker-compose.test.yml", []),
        (
            "docker-compose.staging.yml",
            [
                "STAGING_ANTHROPIC_API_KEY",
                "STAGING_POSTGRES_PASSWORD",
                "STAGING_TELEGRAM_BOT_TOKEN",
            ],
        ),
        (
            "docker-compose.prod.yml",
            ["PROD_ANTHROPIC_API_KEY", "PROD_POSTGRES_PASSWORD", "PROD_TELEGRAM_BOT_TOKEN"],
        ),
    ],
)
def test_secrets_are_required_variables_that_compose_enforces(name: str, needed: list[str]) -> None:
    path = REPO / "rendered" / name
    assert required_variables(path.read_text(encoding="utf-8")) == needed
    if needed:
        result = compose(path, "config", "-q")
        assert result.returncode != 0
        assert f"required variable {needed[0]} is missing a value" in result.stderr


def test_compose_sees_the_services_each_environment_declares() -> None:
    services = {path.name: sorted(compose_json(path)["services"]) for path in RENDERED}
    everything = ["backend", "bot", "chromadb", "migrate", "postgres", "scraper"]
    assert services == {
        "docker-compose.dev.yml": everything,
        "docker-compose.prod.yml": everything,
        "docker-compose.staging.yml": sorted([*everything, "seed"]),  # its seed job
        "docker-compose.test.yml": ["chromadb", "postgres"],
    }


def test_test_tier_keeps_database_data_on_a_ram_disk() -> None:
    postgres = compose_json(REPO / "rendered" / "docker-compose.test.yml")["services"]["postgres"]
    data = [v for v in postgres["volumes"] if v["target"] == "/var/lib/postgresql/data"]
    assert data == [
        {"type": "tmpfs", "target": "/var/lib/postgresql/data", "tmpfs": {"size": "512m"}}
    ]
    assert postgres["ports"] == [
        {
            "mode": "ingress",
            "host_ip": "127.0.0.1",
            "target": 5432,
            "published": "15432",
            "protocol": "tcp",
        }
    ]


def test_dev_bind_mounts_resolve_to_the_project_source(tmp_path: Path) -> None:
    backend = compose_json(REPO / "rendered" / "docker-compose.dev.yml")["services"]["backend"]
    assert backend["build"]["context"] == str(REPO / "backend")
    assert {
        "type": "bind",
        "source": str(REPO / "backend"),
        "target": "/app",
    } in backend["volumes"]


@pytest.mark.parametrize("name", ["docker-compose.staging.yml", "docker-compose.prod.yml"])
def test_deployed_files_pass_compose_lint_hardening_checks(name: str) -> None:
    """compose-lint (OWASP / CIS Docker Benchmark rules) finds nothing high or critical in
    the deployed tiers. Local and test are not held to it: their throw-away database
    password defaults are flagged as inline credentials, by design of those tiers."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "compose-lint"), str(REPO / "rendered" / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "HIGH" not in result.stdout
    assert "CRITICAL" not in result.stdout
