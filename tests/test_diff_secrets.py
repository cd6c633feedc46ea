"""`envgen diff` prints no secret in any format or view, wherever it sits in a value, and
hides nothing that only looks secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run, edit_spec

CANARIES = """\
services:
  backend:
    environment:
      BROKER_URL: amqp://user:canary1@rabbit:5672/
      CACHE_URL: redis://:canary2@redis:6379/0
      SENTRY_DSN: https://0123456789abcdefcanary3abcdef@sentry.example.com/1
      FEED_URL: https://feed.example.com/v1?api_key=canary4&lang=en
      AUTH_HEADER: Bearer canary5abcdefgh
      SESSION_URL: redis://default:${SESSION_PASSWORD:-canary6}@redis
      BYPASS_CACHE: "true"
      DJANGO_SECRETKEY: canary9
    labels:
      com.example.deploy-token: glpat-canary7
    command: [uvicorn, main:app, --reload, --requirepass, canary8]
"""


@pytest.fixture
def planted(shipped: Path) -> Path:
    """local with a secret in every place a value can hold one."""
    edit_spec(
        shipped,
        "local.yaml",
        '    command: [uvicorn, main:app, --host, 0.0.0.0, --port, "8001", --reload]\n',
        "",
    )
    edit_spec(shipped, "local.yaml", "services:\n  backend:\n", CANARIES)
    return shipped


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
@pytest.mark.parametrize(
    "args", [["staging", "local"], ["local", "staging"], ["test", "local", "--spec"]]
)
def test_no_canary_in_any_format_or_view(
    planted: Path, run: Run, output_format: str, args: list[str]
) -> None:
    result = run("--root", planted, "diff", *args, "--format", output_format)
    assert result.exit_code == 0, result.output
    assert "canary" not in result.output


def test_credentials_are_cut_out_of_the_values_they_sit_in(planted: Path, run: Run) -> None:
    result = run("--root", planted, "diff", "staging", "local", "--service", "backend")
    lines = [line.rstrip() for line in result.output.splitlines()]
    expected = [
        "  ~ command                           gunicorn main:app --worker-class "
        "uvicorn.workers.UvicornWorker --bind 0.0.0.0:8001 -> uvicorn main:app --reload "
        "--requirepass (secret)",
        "  + environment.AUTH_HEADER           Bearer (secret)",
        "  + environment.BROKER_URL            amqp://user:(secret)@rabbit:5672/",
        "  + environment.BYPASS_CACHE          true",
        "  + environment.CACHE_URL             redis://:(secret)@redis:6379/0",
        "  + environment.DJANGO_SECRETKEY      (secret)",
        "  + environment.FEED_URL              https://feed.example.com/v1?api_key=(secret)&lang=en",
        "  + environment.SENTRY_DSN            https://(secret)@sentry.example.com/1",
        "  + environment.SESSION_URL           redis://default:${SESSION_PASSWORD}@redis",
        "  + labels[com.example.deploy-token]  (secret)",
    ]
    for line in expected:
        assert line in lines, result.output


def test_a_name_that_only_looks_secret_shows_its_values(shipped: Path, run: Run) -> None:
    for name, value in (("staging.yaml", "false"), ("production.yaml", "true")):
        edit_spec(
            shipped, name, "services:\n  backend:\n",
            f"services:\n  backend:\n    environment:\n      BYPASS_CACHE: '{value}'\n",
        )  # fmt: skip
    result = run("--root", shipped, "diff", "staging", "prod", "--service", "backend")
    assert "  ~ environment.BYPASS_CACHE        false -> true" in result.output.splitlines()
