"""A canary secret pasted anywhere a secret may go never appears in any command's output,
in any format, GitHub annotations included: only the names of variables do."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from envgen.cli.main import main
from envgen.outputs.registry import OUTPUTS
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, copy_shipped, edit_spec

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


# A value that looks like a real credential (16 characters or more, letters and digits).
CANARY = "Zq9canaryS3cr3tV4lue"


# Every place a spec can hold a secret value, one edit each; {c} is the canary (braces
# doubled for str.format). Each is refused by a rule or by the schema, never written.
PLACES: dict[str, tuple[str, str, str]] = {
    "a secret variable": _service("    environment:\n      API_KEY: {c}\n"),
    "a secret variable's default on a laptop": _service(
        "    environment:\n      SESSION_KEY: ${{SESSION_KEY:-{c}}}\n"
    ),
    "a secret variable's alternate value": _service(
        "    environment:\n      SESSION_KEY: ${{SESSION_ON:+{c}}}\n"
    ),
    "a URL's password": _service("    environment:\n      CACHE_URL: redis://:{c}@redis:6379\n"),
    "a database URL written by hand": _service(
        "    environment:\n      DB: postgresql://app:{c}@postgres/app\n"
    ),
    "a secret query parameter": _service(
        "    environment:\n      HOOK: https://h.example/x?api_key={c}\n"
    ),
    "a bearer token": _service("    environment:\n      AUTH_HEADER: Bearer {c}\n"),
    "a label named as a secret": _service("    labels:\n      com.example.deploy-token: {c}\n"),
    "a password option in a health check": _service(
        "    healthcheck:\n      test: [CMD, redis-cli, -a, {c}, ping]\n"
    ),
    "a secret option on the command line": _service(
        "    command: [python, -m, bot, --token, {c}]\n"
    ),
    "a build argument": _service(
        "    build:\n      context: ./bot\n      args:\n        NPM_TOKEN: {c}\n"
    ),
    "an extension key": _service("    x-api-token: {c}\n"),
    "a service's description": _service("    description: bot, password={c}\n"),
    "an environment's notes": ("local.yaml", "notes: Each", "notes: password={c}. Each"),
    "an inline config": (
        "local.yaml",
        "services:\n",
        "configs:\n  app:\n    content: api_key={c}\nservices:\n",
    ),
    "the laptop's database password": (
        "local.yaml",
        "password_default: coupette",
        "password_default: {c}",
    ),
    "the test stack's database password": (
        "test.yaml",
        "password_default: test",
        "password_default: {c}",
    ),
    "a deployed database password": (
        "staging.yaml",
        "  password_variable: STAGING_POSTGRES_PASSWORD\n",
        "  password_variable: STAGING_POSTGRES_PASSWORD\n  password_default: {c}\n",
    ),
    "an integration's secret variable": ("local.yaml", "token: TELEGRAM_BOT_TOKEN", "token: {c}-x"),
    "basic auth's hash variable": (
        "staging.yaml",
        "hash_variable: STAGING_BASIC_AUTH_HASH",
        "hash_variable: {c}-x",
    ),
    "a Docker secret's variable": (
        "local.yaml",
        "services:\n",
        "secrets:\n  api:\n    environment: {c}-x\nservices:\n",
    ),
    "a deploy secret's name": ("base.yaml", "host_secret: VPS_HOST", "host_secret: {c}-x"),
    "a notice's URL": (
        "base.yaml",
        "url: https://api.telegram.org/bot{{token}}/sendMessage",
        "url: https://api.telegram.org/bot123456:{c}/sendMessage",
    ),
    "a notice's field": ("base.yaml", 'chat_id: "{{chat_id}}"', 'chat_id: "{c}"'),
    "the test command": (
        "test.yaml",
        "test_command: [python, -m, pytest, -q]",
        "test_command: [python, -m, pytest, -q, --token, {c}]",
    ),
}


def _generated(root: Path) -> dict[str, str]:
    """Every file the registered outputs make for the shipped project, read from `root`:
    each output of the registry in turn, so that an output added later is read too."""
    settings = load_settings(REPO)
    project = load_project(settings)
    files: dict[str, str] = {}
    for output in OUTPUTS:
        if output.environment_files is not None:
            # The shipped environments stay on Compose: the manifests are read on
            # examples/kubernetes instead (tests/test_kubernetes_canary.py).
            continue
        made = []
        for env in project.environments if output.environment_context else [None]:
            path = root / output.destination(settings, env)
            if path.is_file():
                made.append(path)
                files[str(output.destination(settings, env))] = path.read_text(encoding="utf-8")
        # The preview workflow is made for a preview template only (examples/previews);
        # tests/test_preview_workflow.py holds its every `${{ }}` to secrets' names.
        assert made or output.name == "preview-workflow", (
            f"output {output.name} makes no file in the shipped project"
        )
    return files


def test_every_registered_output_is_read() -> None:
    assert len(_generated(REPO)) == len(render_project(load_project(load_settings(REPO))))


@pytest.mark.parametrize("place", list(PLACES))
def test_a_secret_in_any_place_reaches_no_generated_file(tmp_path: Path, place: str) -> None:
    root = copy_shipped(tmp_path / "project")
    name, old, new = PLACES[place]
    edit_spec(root, name, old.format(c=CANARY), new.format(c=CANARY))
    lines = []
    refused = CliRunner().invoke(main, ["--root", str(root), "validate"])
    assert refused.exit_code == 2, refused.output
    for command in (["render"], ["render", "--dry-run"], ["check"], ["validate"]):
        for github in ("false", "true"):
            result = CliRunner(env={"GITHUB_ACTIONS": github}).invoke(
                main, ["--root", str(root), *command]
            )
            assert result.exit_code in (0, 1, 2), result.output
            lines += result.output.splitlines()
    assert [line for line in lines if CANARY in line] == []
    leaks = [path for path, text in _generated(root).items() if CANARY in text]
    assert leaks == []
