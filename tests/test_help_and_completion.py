"""Help a person can act on (examples, exit codes), and shell completion of the names a
project defines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from envgen.cli.main import main

from tests.conftest import REPO, edit_spec


def _complete(words: str, root: Path, shell: str = "bash") -> list[str]:
    """What the shell would offer after `words` (the cursor ends the last word)."""
    parts = words.split(" ")
    environ = {
        "_ENVGEN_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
        "ENVGEN_ROOT": str(root),
    }
    result = CliRunner().invoke(main, [], env=environ, prog_name="envgen")
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_environment_names_and_aliases_complete() -> None:
    assert _complete("envgen show ", REPO) == [
        "local",
        "dev",
        "test",
        "staging",
        "production",
        "prod",
    ]
    assert _complete("envgen diff staging pro", REPO) == ["production", "prod"]
    assert _complete("envgen render st", REPO) == ["staging"]


def test_service_names_complete() -> None:
    assert _complete("envgen diff staging prod --service ", REPO) == [
        "backend",
        "bot",
        "chromadb",
        "migrate",
        "postgres",
        "scraper",
        "seed",  # staging's alone
    ]
    assert _complete("envgen diff staging prod --service b", REPO) == ["backend", "bot"]


def test_completion_follows_root_on_the_command_line(tmp_path: Path) -> None:
    assert _complete(f"envgen --root {REPO} validate te", tmp_path) == ["test"]


def test_invalid_specs_still_complete_the_file_names(shipped: Path) -> None:
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: testing\n")
    assert _complete("envgen show ", shipped) == ["local", "production", "staging", "test"]
    assert _complete("envgen diff a b --service ", shipped) == []


def test_zsh_and_fish_scripts_are_generated() -> None:
    for shell in ("bash", "zsh", "fish"):
        result = subprocess.run(
            [sys.executable, "-m", "envgen"],
            env={"_ENVGEN_COMPLETE": f"{shell}_source", "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "_ENVGEN_COMPLETE" in result.stdout


def test_the_command_list_shows_whole_descriptions() -> None:
    result = CliRunner().invoke(main, ["--help"])
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert len(listed) == len(main.commands)
    assert not any(line.rstrip().endswith("...") for line in listed)
    assert "  render    Write the generated files (all environments by default)." in listed


@pytest.mark.parametrize("command", sorted(main.commands))
def test_each_commands_help_has_examples_and_exit_codes(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    text = result.stdout
    examples = text.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples[0].strip().startswith(f"envgen {command}")
    codes = text.split("Exit codes:\n", 1)[1].splitlines()
    assert codes[0].strip().startswith("0  ")
    assert any(line.strip().startswith("2  ") for line in codes)
