"""The command-line contract: outputs, exit codes, aliases, --root and settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from envgen import commands
from envgen.outputs.registry import OUTPUTS

from tests.conftest import (
    REPO,
    Run,
    copy_shipped,
    edit_value,
    spec_value,
    write_tree,
)

COMPOSE_FILES = [
    "rendered/docker-compose.dev.yml",
    "rendered/docker-compose.prod.yml",
    "rendered/docker-compose.staging.yml",
    "rendered/docker-compose.test.yml",
]


def test_render_reports_every_file_and_writes_only_changes(shipped: Path, run: Run) -> None:
    staging = shipped / "rendered/docker-compose.staging.yml"
    staging.unlink()
    result = run("--root", shipped, "render")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "  created  rendered/docker-compose.staging.yml" in lines
    assert "unchanged  rendered/docker-compose.prod.yml" in lines
    assert lines[-1].startswith("1 file written, ")
    assert staging.read_text(encoding="utf-8") == (
        REPO / "rendered/docker-compose.staging.yml"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("alias", ["prod", "production"])
def test_render_one_environment_by_name_or_alias(shipped: Path, run: Run, alias: str) -> None:
    for relative in COMPOSE_FILES:
        (shipped / relative).unlink()
    result = run("--root", shipped, "render", alias)
    assert result.exit_code == 0, result.output
    assert sorted(str(p.relative_to(shipped)) for p in (shipped / "rendered").iterdir()) == [
        "rendered/Caddyfile",  # made from the whole project, like docs/ENVIRONMENTS.md
        "rendered/docker-compose.prod.yml",
        "rendered/envgen.mk",  # made from the whole project too
        "rendered/github",  # the deploy workflow of production, and the pull request's
        "rendered/scripts",
    ]


def test_unknown_environment_is_a_usage_error(shipped: Path, run: Run) -> None:
    result = run("--root", shipped, "render", "stagin")
    assert result.exit_code == 2
    assert result.stderr == (
        "envgen: unknown environment `stagin` (did you mean `staging`?); "
        "environments: local (dev), test, staging, production (prod)\n"
    )


def test_check_passes_on_the_committed_files(run: Run) -> None:
    result = run("--root", REPO, "check")
    assert (result.exit_code, result.stderr) == (0, "")


def test_check_fails_after_a_hand_edit(shipped: Path, run: Run) -> None:
    path = shipped / "rendered/docker-compose.prod.yml"
    text = path.read_text(encoding="utf-8")
    rendered = re.search(r'memory: "(\w+)"', text)
    assert rendered is not None
    assert rendered[1] != "2g"
    path.write_text(text.replace(rendered[0], 'memory: "2g"', 1))
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("rendered/docker-compose.prod.yml: differs from its specs\n")
    assert f'-          memory: "2g"\n+          memory: "{rendered[1]}"\n' in out
    assert out.endswith("run `envgen render` and commit the result\n")


def test_check_fails_after_a_spec_change_that_is_not_rendered(shipped: Path, run: Run) -> None:
    _, _, old = edit_value(shipped, "staging.yaml", "  bot:", "memory", "4g")
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert f'-          memory: "{old}"\n+          memory: "4g"\n' in result.stdout
    assert run("--root", shipped, "render").exit_code == 0
    assert run("--root", shipped, "check").exit_code == 0


def test_check_reports_missing_and_stale_files(shipped: Path, run: Run) -> None:
    (shipped / "rendered/docker-compose.dev.yml").unlink()
    (shipped / "environments/test.yaml").unlink()
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert "rendered/docker-compose.dev.yml: is missing\n" in result.stdout
    assert (
        "rendered/docker-compose.test.yml: is generated but no environment makes it any more\n"
        in result.stdout
    )
    render = run("--root", shipped, "render")
    assert "  removed  rendered/docker-compose.test.yml" in render.stdout.splitlines()
    assert not (shipped / "rendered/docker-compose.test.yml").exists()
    assert run("--root", shipped, "check").exit_code == 0


def test_check_leaves_files_it_did_not_generate_alone(shipped: Path, run: Run) -> None:
    write_tree(shipped, {"rendered/notes.yml": "mine: true\n"})
    assert run("--root", shipped, "check").exit_code == 0
    run("--root", shipped, "render")
    assert (shipped / "rendered/notes.yml").exists()


def test_check_json(shipped: Path, run: Run) -> None:
    (shipped / "rendered/docker-compose.dev.yml").unlink()
    result = run("--root", shipped, "check", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["in_sync"] is False
    assert data["fix"] == "envgen render"
    assert {"path": "rendered/docker-compose.dev.yml", "state": "missing", "diff": ""} in data[
        "files"
    ]


def test_list(run: Run) -> None:
    result = run("--root", REPO, "list")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == [
        "NAME        ALIAS  TIER        HOST    COMPOSE FILE                         SERVICES",
        "local       dev    local       laptop  rendered/docker-compose.dev.yml      "
        "backend, bot, scraper, migrate, postgres, chromadb",
        "test        -      test        laptop  rendered/docker-compose.test.yml     "
        "postgres, chromadb",
    ]


def test_list_json(run: Run) -> None:
    data = json.loads(run("--root", REPO, "list", "--format", "json").stdout)
    assert [(e["name"], e["alias"]) for e in data["environments"]] == [
        ("local", "dev"),
        ("test", None),
        ("staging", None),
        ("production", "prod"),
    ]


def test_show_resolves_aliases_and_derived_values(run: Run) -> None:
    by_alias = run("--root", REPO, "show", "prod", "--format", "json")
    by_name = run("--root", REPO, "show", "production", "--format", "json")
    assert by_alias.stdout == by_name.stdout
    data = json.loads(by_alias.stdout)
    assert data["derived"]["log_format"] == "json"
    assert data["derived"]["features"] == {"swagger_ui": False, "hot_reload": False, "debug": False}
    _, _, memory = spec_value(REPO, "production.yaml", "  postgres:", "memory")
    assert data["services"]["postgres"]["memory"] == memory
    assert data["derived"]["sources"] == ["environments/base.yaml", "environments/production.yaml"]


def test_settings_from_pyproject_move_the_outputs(shipped: Path, run: Run) -> None:
    pyproject = shipped / "pyproject.toml"
    pyproject.write_text('[tool.envgen]\nrendered = "deploy/compose"\n', encoding="utf-8")
    result = run("--root", shipped, "render", "test")
    assert result.exit_code == 0, result.output
    text = (shipped / "deploy/compose/docker-compose.test.yml").read_text(encoding="utf-8")
    start = "# Start: docker compose --env-file .env.test -f deploy/compose/docker-compose.test.yml"
    assert f"{start} up -d" in text


def test_unknown_setting_is_reported(shipped: Path, run: Run) -> None:
    (shipped / "pyproject.toml").write_text('[tool.envgen]\nrendred = "x"\n', encoding="utf-8")
    result = run("--root", shipped, "check")
    assert result.exit_code == 2
    assert result.stderr == (
        "envgen: pyproject.toml: [tool.envgen]: unknown setting `rendred` "
        "(did you mean `rendered`?)\n"
    )


def test_root_is_found_upwards(shipped: Path) -> None:
    inside = shipped / "environments"
    result = subprocess.run(
        [sys.executable, "-m", "envgen", "check"],
        cwd=inside,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_internal_error_says_it_is_a_bug(
    shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(commands, "check", broken)
    result = run("--root", shipped, "check")
    assert result.exit_code == 3
    assert result.stderr.startswith("envgen: internal error: this is a bug in envgen")
    assert "KeyError: 'oops'" in result.stderr


def test_github_annotations_in_actions(
    shipped: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    line, column, _ = edit_value(shipped, "staging.yaml", "  bot:", "memory", "lots")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    assert result.stdout.startswith(
        f"::error file=environments/staging.yaml,line={line},col={column}::services.bot.memory: "
        "invalid memory size 'lots'"
    )


def test_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    texts = []
    for seed in ("1", "2"):
        root = copy_shipped(tmp_path / seed)
        for relative in COMPOSE_FILES:
            (root / relative).unlink()
        subprocess.run(
            [sys.executable, "-m", "envgen", "--root", str(root), "render"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
        )
        texts.append([(root / relative).read_bytes() for relative in COMPOSE_FILES])
    assert texts[0] == texts[1]
    assert texts[0] == [(REPO / relative).read_bytes() for relative in COMPOSE_FILES]


@pytest.mark.parametrize(
    ("command", "unused"),
    [
        ("render", ["deepdiff"]),
        ("check", ["deepdiff"]),
        ("list", ["deepdiff", "jinja2"]),
        ("validate", ["deepdiff", "jinja2"]),
        ("show production", ["deepdiff", "jinja2"]),
    ],
)
def test_everyday_commands_import_only_what_they_use(
    shipped: Path, command: str, unused: list[str]
) -> None:
    code = (
        "import sys; from envgen.cli.main import main\n"
        "try:\n    main(['--root', sys.argv[1], *sys.argv[2].split()])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[3].split())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(shipped), command, " ".join(unused)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "[]"


def test_show_origins_says_where_each_value_is_written(run: Run) -> None:
    result = run("--root", REPO, "show", "prod", "--origins")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    number, column, memory = spec_value(REPO, "production.yaml", "  postgres:", "memory")
    assert any(
        line.startswith(f"environments/production.yaml:{number}:{column} ")
        and line.endswith(f'services.postgres.memory = "{memory}"')
        for line in lines
    )
    assert any(
        line.startswith("environments/base.yaml:") and line.endswith('app = "coupette"')
        for line in lines
    )


def test_show_origins_json(run: Run) -> None:
    data = json.loads(run("--root", REPO, "show", "test", "--origins", "--format", "json").stdout)
    records = {record["field"]: record for record in data["origins"]}
    assert records["tier"] == {
        "field": "tier",
        "value": "test",
        "origin": "environments/test.yaml:3:7",
    }
    assert records["services.postgres.image"]["origin"].startswith("environments/base.yaml:")


@pytest.mark.parametrize(
    "arguments",
    [
        ("--root", "{root}", "check"),
        ("check", "--root", "{root}"),
        ("list", "--root", "{root}", "--format", "json"),
    ],
    ids=["before", "after", "after-with-options"],
)
def test_root_is_read_before_or_after_the_command(
    shipped: Path, tmp_path: Path, run: Run, arguments: tuple[str, ...], monkeypatch: Any
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run(*(part.format(root=shipped) for part in arguments))
    assert (result.exit_code, result.stderr) == (0, "")


def test_root_after_the_command_wins_over_envgen_root(
    shipped: Path, tmp_path: Path, run: Run, monkeypatch: Any
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.setenv("ENVGEN_ROOT", str(empty))
    refused = run("validate")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("environments:1:1: no such folder")
    assert run("validate", "--root", str(shipped)).exit_code == 0
    monkeypatch.setenv("ENVGEN_ROOT", str(shipped))
    assert run("validate").exit_code == 0


COMMANDS = [["validate"], ["list"], ["check"], ["render"], ["show", "staging"], ["schema"]]
COMMANDS += [["diff", "staging", "production"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_settings_problems_are_the_same_for_every_command_and_all_at_once(
    shipped: Path, run: Run, command: list[str]
) -> None:
    (shipped / "pyproject.toml").write_text(
        '[tool.envgen]\ndisabled = ["cady"]\nrendred = "x"\ndocs = "../x.md"\n',
        encoding="utf-8",
    )
    result = run("--root", shipped, *command)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "envgen: pyproject.toml: [tool.envgen]: `disabled`: unknown output `cady` "
        "(did you mean `caddy`?; outputs: " + ", ".join(o.name for o in OUTPUTS) + ")",
        "envgen: pyproject.toml: [tool.envgen]: unknown setting `rendred` "
        "(did you mean `rendered`?)",
        "envgen: pyproject.toml: [tool.envgen]: `docs` = '../x.md' leads outside the project; "
        "envgen writes only inside it",
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[tool.envgen]\ndisabled = ["caddy" "docs"]\n', "pyproject.toml:2:21: Unclosed array"),
        ("[tool.envgen]\nx = = 1\n", "pyproject.toml:2:5: Invalid value"),
        (
            "[tool.envgen]\n[tool.envgen]\n",
            "pyproject.toml:2:13: Cannot declare ('tool', 'envgen') twice",
        ),
    ],
)
def test_a_toml_error_is_reported_at_its_line_and_column(
    shipped: Path, run: Run, text: str, line: str
) -> None:
    (shipped / "pyproject.toml").write_text(text, encoding="utf-8")
    result = run("--root", shipped, "validate")
    assert (result.exit_code, result.stderr) == (2, f"envgen: {line}\n")


def test_every_file_the_help_cites_exists(run: Run) -> None:
    cited = set()
    for command in ("render", "check", "validate", "diff", "list", "show", "rules", "schema"):
        text = run(command, "--help").output
        cited |= set(re.findall(r"\b(?:docs|environments|rendered)/[\w./-]+\w", text))
    assert "docs/schemas/output.schema.json" in cited
    assert [path for path in sorted(cited) if not (REPO / path).exists()] == []
