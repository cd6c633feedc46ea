"""Variables files: .env.example and .env.test, judged by Compose and dotenv-linter."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from envgen.outputs.languages.dotenv_text import (
    dotenv_comment,
    dotenv_name,
    dotenv_value,
    read_dotenv,
)

from tests.compose_cli import BINARY
from tests.conftest import REPO, Run, edit_spec, set_envgen, spec_position
from tests.tools import run_tool

COMPOSE_FILES = sorted((REPO / "rendered").glob("docker-compose.*.yml"))


def _compose(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Compose with an empty process environment: only what the files give it."""
    return subprocess.run(
        [BINARY, *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
        cwd=cwd,
        check=False,
        timeout=60,
    )


def compose_variables(path: Path) -> dict[str, bool]:
    """Compose's own list of the variables a file reads, with whether each is required."""
    result = _compose("-f", str(path), "config", "--variables")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    return {row[0]: row[1] == "true" for row in rows}


def missing_from_example(example: str, compose_files: list[Path]) -> list[str]:
    """The variables some compose file reads that the example file does not name."""
    named, _ = read_dotenv(example)
    read = {name for path in compose_files for name in compose_variables(path)}
    return sorted(read - set(named))


def test_the_test_stack_starts_from_its_variables_file_alone() -> None:
    result = _compose("--env-file", ".env.test", "-f", "rendered/docker-compose.test.yml", "config")
    assert (result.returncode, result.stderr) == (0, "")
    assert "POSTGRES_PASSWORD: test\n" in result.stdout


def test_compose_refuses_a_broken_variables_file(tmp_path: Path) -> None:
    broken = tmp_path / ".env.test"
    broken.write_text("TEST POSTGRES_PASSWORD=test\n", encoding="utf-8")
    test_file = str(REPO / "rendered/docker-compose.test.yml")
    result = _compose("--env-file", str(broken), "-f", test_file, "config", "-q")
    assert result.returncode == 1
    assert "line 1: key cannot contain a space" in result.stderr


def test_the_test_variables_file_sets_every_variable_compose_reads() -> None:
    values, wrong = read_dotenv((REPO / ".env.test").read_text(encoding="utf-8"))
    assert wrong == []
    assert sorted(values) == sorted(compose_variables(REPO / "rendered/docker-compose.test.yml"))


def test_the_example_names_every_variable_of_every_compose_file() -> None:
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    required = {
        name for path in COMPOSE_FILES for name, needed in compose_variables(path).items() if needed
    }
    # The bot token and API key of local; those and the database password of staging and
    # of production (local's and test's passwords have throw-away defaults).
    assert len(required) == 8
    assert missing_from_example(example, COMPOSE_FILES) == []


def test_an_example_without_a_required_variable_is_caught() -> None:
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    broken = example.replace("\nPROD_POSTGRES_PASSWORD=\n", "\n")
    assert missing_from_example(broken, COMPOSE_FILES) == ["PROD_POSTGRES_PASSWORD"]


def test_the_example_holds_no_value_and_says_what_each_variable_is() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    values, wrong = read_dotenv(text)
    assert wrong == []
    assert set(values.values()) == {""}
    assert "# PROD_TELEGRAM_BOT_TOKEN: the Telegram bot token; required\n" in text
    assert "# IMAGE_TAG: optional, default staging in staging, latest in production\n" in text
    # A default under a secret name is not shown, even a throw-away one.
    assert "# TEST_POSTGRES_PASSWORD: named by database.password_variable; optional, " in text
    assert "STAGING_BASIC_AUTH_HASH=\n" in text  # what Caddy's environment must set, too


def test_each_variable_is_named_once_under_the_environments_that_read_it() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("# read by ")]
    assert [h.split(":")[0] for h in headings] == [
        "# read by local",
        "# read by test",
        "# read by staging",
        "# read by staging and production",
        "# read by production",
        "# read by the reverse proxy",
    ]


@pytest.mark.parametrize("name", [".env.example", ".env.test"])
def test_dotenv_linter_accepts_the_files(name: str) -> None:
    result = run_tool("dotenv-linter", name, cwd=REPO)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_dotenv_linter_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / ".env.test"
    broken.write_text("# ok\nTEST_POSTGRES_PASSWORD = test\n", encoding="utf-8")
    result = run_tool("dotenv-linter", str(broken))
    assert result.returncode == 1
    assert ".env.test:2 200 Found spaced assign" in result.stdout + result.stderr


@pytest.mark.parametrize("name", [".env.example", ".env.test"])
def test_check_names_a_hand_edited_variables_file(shipped: Path, run: Run, name: str) -> None:
    path = shipped / name
    path.write_text(path.read_text(encoding="utf-8") + "EXTRA=1\n", encoding="utf-8")
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert f"{name}: differs from its specs\n" in result.output


@pytest.mark.parametrize(
    ("value", "written"),
    [("test", "test"), ("v1.2-rc", "v1.2-rc"), ("a:b@c/d", "a:b@c/d"), ("", "")],
)
def test_values_are_written_bare(value: str, written: str) -> None:
    assert dotenv_value(value) == written


@pytest.mark.parametrize("value", ["a b", "x#y", "${HOME}", "$x", "'q'", '"q"', "a\nB=c", "\\"])
def test_values_that_bare_would_change_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="cannot write"):
        dotenv_value(value)


def test_names_and_comments() -> None:
    assert dotenv_name("IMAGE_TAG") == "IMAGE_TAG"
    with pytest.raises(ValueError, match="variable name"):
        dotenv_name("image-tag")
    assert dotenv_comment("two\nlines\x00 here ") == "two lines here"


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_test_stack_variable_without_a_default_is_refused(
    shipped: Path, run: Run, command: str
) -> None:
    """At the field that names it, by validate as by render: what validate accepts, render
    renders."""
    edit_spec(shipped, "test.yaml", "  password_default: test\n", "")
    result = run("--root", shipped, command)
    assert result.exit_code == 2
    line = spec_position(shipped, "test.yaml", "password_variable: TEST_POSTGRES_PASSWORD")
    assert result.stderr == (
        f"test:\n{line}: database.password_variable: `TEST_POSTGRES_PASSWORD` has no default, "
        "so .env.test, committed, cannot hold a throw-away value for it (give it one, such "
        "as ${NAME:-value}, or `password_default` for the database)\n1 error\n"
    )


def test_a_test_stack_variable_a_service_reads_is_refused_where_it_reads_it(
    shipped: Path, run: Run
) -> None:
    edit_spec(
        shipped,
        "test.yaml",
        '    restart: "no"\n  chromadb:\n',
        ('    restart: "no"\n    environment:\n      EXTRA: ${TEST_EXTRA}\n  chromadb:\n'),
    )
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    line = spec_position(shipped, "test.yaml", "EXTRA: ${TEST_EXTRA}")
    assert result.stderr.splitlines()[1] == (
        f"{line}: services.postgres.environment.EXTRA: `TEST_EXTRA` has no default, so "
        ".env.test, committed, cannot hold a throw-away value for it (give it one, such as "
        "${NAME:-value}, or `password_default` for the database)"
    )


def test_a_secret_looking_default_is_refused_and_never_printed(shipped: Path, run: Run) -> None:
    planted = "planted0canary0value0123"
    edit_spec(shipped, "test.yaml", "password_default: test\n", f"password_default: {planted}\n")
    before = (shipped / ".env.test").read_text(encoding="utf-8")
    result = run("--root", shipped, "render")
    assert result.exit_code == 2
    assert "VAR002 error: database.password_default:" in result.stderr
    assert planted not in result.output
    assert (shipped / ".env.test").read_text(encoding="utf-8") == before


def test_a_deployed_variables_file_that_git_keeps_is_refused(shipped: Path, run: Run) -> None:
    (shipped / ".gitignore").write_text(".env.local\n!.env.test\n", encoding="utf-8")
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "VAR001" in line]
    production = spec_position(shipped, "production.yaml", "variables_file: .env.production")
    staging = spec_position(shipped, "staging.yaml", "variables_file: .env.staging")
    assert lines == [
        f"{production}: VAR001 error: variables_file: `.env.production` "
        "holds this environment's secrets but .gitignore does not ignore it "
        "(add `.env.production` to .gitignore)",
        f"{staging}: VAR001 error: variables_file: `.env.staging` holds "
        "this environment's secrets but .gitignore does not ignore it "
        "(add `.env.staging` to .gitignore)",
    ]


def test_switching_the_example_off_removes_it(shipped: Path, run: Run) -> None:
    set_envgen(shipped, 'disabled = ["variables-example"]')
    result = run("--root", shipped, "render")
    assert result.exit_code == 0, result.output
    assert "  removed  .env.example\n" in result.output
    assert not (shipped / ".env.example").exists()
    assert (shipped / ".env.test").exists()


def test_an_unknown_output_name_is_refused_with_a_hint(shipped: Path, run: Run) -> None:
    set_envgen(shipped, 'disabled = ["variables-exmple"]')
    result = run("--root", shipped, "check")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "envgen: pyproject.toml: [tool.envgen]: `disabled`: unknown output `variables-exmple` "
        "(did you mean `variables-example`?; outputs: compose, "
    )


def test_a_secret_or_config_read_from_a_variable_is_in_the_example(shipped: Path, run: Run) -> None:
    """Compose reads a top-level secret's or config's `environment` variable bare, and its
    `config --variables` does not list it; the example still names it."""
    production = shipped / "environments/production.yaml"
    production.write_text(
        production.read_text(encoding="utf-8")
        + "\nsecrets:\n  api_key:\n    environment: PROD_API_KEY\n"
        + "configs:\n  greeting:\n    environment: PROD_GREETING\n",
        encoding="utf-8",
    )
    assert run("--root", shipped, "render").exit_code == 0
    compose_file = shipped / "rendered/docker-compose.prod.yml"
    assert "PROD_API_KEY" not in compose_variables(compose_file)
    example = (shipped / ".env.example").read_text(encoding="utf-8")
    group = example.split("# read by production:", 1)[1].split("\n\n", 1)[0]
    assert "# PROD_API_KEY: the content of the secret `api_key`; required\nPROD_API_KEY=\n" in group
    assert "# PROD_GREETING: the content of the config `greeting`; required\n" in group
