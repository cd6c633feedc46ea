"""A canary secret pasted anywhere a secret may go never appears in any command's output,
in any format, GitHub annotations included: only the names of variables do."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from envgen.cli.main import main
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import copy_shipped, edit_spec

SERVICE = "  bot:\n    volumes:\n"


def _service(extra: str) -> tuple[str, str, str]:
    """An edit of local.yaml that gives the bot service `extra` (indented YAML)."""
    return ("local.yaml", SERVICE, f"  bot:\n{extra}    volumes:\n")


SILENCED = "silence:\n  SEC001: the canary test pastes secrets on purpose\n"
# In a field for a variable's name the canary holds a character no name has, as tokens
# do (a string that is a valid name is taken for one).
NAMES = [
    ("local.yaml", "token: TELEGRAM_BOT_TOKEN", "token: {c}-live"),
    ("local.yaml", "user: coupette_dev\n", "user: coupette_dev\n  password_variable: {c}.x\n"),
]
IN_SERVICE = (
    "    environment:\n"
    "      API_KEY: {c}\n"
    "      CACHE_URL: redis://:{c}@redis:6379\n"
    "      BROKER_URL: amqp://app:{c}@rabbit/vh\n"
    "      HOOK: https://h.example/x?api_key={c}\n"
    "      AUTH_HEADER: Bearer {c}\n"
    '      DB_PASSWORD: "{c}\\n::error ::x"\n'
    "    labels:\n"
    "      com.example.deploy-token: {c}\n"
    "    healthcheck:\n"
    "      test: [CMD, redis-cli, -a, {c}, ping]\n"
)
# Where a person may paste a secret, grouped by how envgen meets it; {c} is the canary.
SCENARIOS: dict[str, list[tuple[str, str, str]]] = {
    "refused by the schema": [
        *NAMES,
        ("local.yaml", "password_default: coupette", 'password_default: "{c}!"'),
    ],
    "refused by the policies": [_service(IN_SERVICE)],
    "accepted, then shown": [
        ("local.yaml", "password_default: coupette", "password_default: {c}"),
        _service(IN_SERVICE),
        ("local.yaml", "services:\n", SILENCED + "services:\n"),
    ],
}
COMMANDS: list[tuple[str, ...]] = [
    ("render",),
    ("check",),
    ("check", "--format", "json"),
    ("validate",),
    ("validate", "--format", "json"),
    ("list",),
    ("list", "--format", "json"),
    ("show", "local"),
    ("show", "local", "--format", "json"),
    ("show", "local", "--origins"),
    ("show", "local", "--origins", "--format", "json"),
    ("diff", "local", "test"),
    ("diff", "local", "test", "--format", "json"),
    ("diff", "local", "test", "--format", "markdown"),
    ("diff", "local", "test", "--spec"),
]
# The commands that print problems, and so GitHub annotations on GitHub Actions.
ANNOTATING = [("render",), ("check",), ("validate",)]


def _plant(root: Path, edits: list[tuple[str, str, str]], canary: str) -> None:
    for name, old, new in edits:
        edit_spec(root, name, old, new.replace("{c}", canary))


def _leaks(root: Path, canary: str) -> list[str]:
    """The commands (and formats) whose output holds the canary."""
    leaks = []
    runs = [(command, "false") for command in COMMANDS]
    runs += [(command, "true") for command in ANNOTATING]
    for command, github in runs:
        result = CliRunner(env={"GITHUB_ACTIONS": github}).invoke(
            main, ["--root", str(root), *command]
        )
        assert result.exit_code in (0, 1, 2), result.output
        assert "Traceback" not in result.output
        if canary in result.output:
            leaks.append(f"{' '.join(command)} (GITHUB_ACTIONS={github})")
    return leaks


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(canary="Zq9kC4nAry7sEcrEt")
@given(canary=st.from_regex(r"[A-Za-z0-9_\-.~+/]{12,30}", fullmatch=True).map(lambda s: f"Zq9{s}"))
def test_a_pasted_secret_never_appears_in_any_output(scenario: str, canary: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_shipped(Path(folder) / "project")
        _plant(root, SCENARIOS[scenario], canary)
        assert _leaks(root, canary) == []
