"""`envgen import` with literal secrets planted in the compose files and in the env files
they read: no value reaches the specs it writes, what it prints (--dry-run, the report,
the comparison) or what render makes of the specs; each becomes a variable of the
environment's own, and Compose still finds the render equal to the originals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from envgen.importing.compare import Difference
from envgen.importing.lift import lift, restored

from tests.conftest import Run, write_tree

PLANTED = ("hunter2-planted", "apikey-planted-7", "dotenv-planted-5", "envfile-planted-3")
COMPOSE = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_DB: shop
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: hunter2-planted
    env_file: [db.env]
    healthcheck:
      test: [CMD-SHELL, "PGPASSWORD=hunter2-planted pg_isready -U shop"]
  web:
    image: nginx:1.27
    environment:
      - DATABASE_URL=postgresql://shop:hunter2-planted@db:5432/shop
      - API_TOKEN=${API_TOKEN}
    # reads the key given as --api-key apikey-planted-7
    command: ["serve", "--api-key", "apikey-planted-7"]
"""
FILES = {
    "compose.yaml": COMPOSE,
    "db.env": "PGPASSWORD=envfile-planted-3\n",
    ".env": "API_TOKEN=dotenv-planted-5\n",
}
SPEC = """\
# yaml-language-server: $schema=envgen.schema.json
# Imported by `envgen import` from: docker compose -f compose.yaml
# TODO: DEV_POSTGRES_PASSWORD holds what the compose files wrote as a literal secret at \
services.db.environment.POSTGRES_PASSWORD, services.db.healthcheck.test.1, \
services.web.environment.DATABASE_URL: set it in this environment's variables file \
(git-ignored), never in a spec
# TODO: DEV_WEB_COMMAND_SECRET holds what the compose files wrote as a literal secret at \
services.web.command.2: set it in this environment's variables file (git-ignored), never \
in a spec
"""


def _import(run: Run, root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(root)
    return run("--root", root, "import", "--env", "dev", "-f", "compose.yaml", *args)


def _leaks(*texts: str) -> list[str]:
    return [value for value in PLANTED if any(value in text for text in texts)]


def test_dry_run_prints_no_literal_secret(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "shop", FILES)
    result = _import(run, root, monkeypatch, "--dry-run")
    # Failed before: the spec printed `POSTGRES_PASSWORD: hunter2-planted`, the URL's
    # password, the health check's and the command's key.
    assert (result.exit_code, _leaks(result.stdout, result.stderr)) == (0, [])
    assert result.stdout.startswith("--- environments/base.yaml\n")
    base, spec = result.stdout.split("--- environments/dev.yaml\n", 1)
    assert spec.startswith(SPEC)
    # With its password a variable, the database is inferred whole (before: a TODO).
    assert "\n  password_variable: DEV_POSTGRES_PASSWORD\n" in spec
    db, web = base.split("  db:\n", 1)[1].split("  web:\n", 1)
    assert db.splitlines()[:10] == [
        "    image: postgres:16",
        "    environment:",
        "      POSTGRES_DB: shop",
        "      POSTGRES_USER: shop",  # the same word as a name: shown openly, kept
        '      POSTGRES_PASSWORD: "${DEV_POSTGRES_PASSWORD}"',
        "    env_file:",
        "      - db.env",
        "    healthcheck:",
        "      test:",
        "        - CMD-SHELL",
    ]
    assert '        - "PGPASSWORD=${DEV_POSTGRES_PASSWORD} pg_isready -U shop"' in db
    assert web.splitlines()[:9] == [
        "    image: nginx:1.27",
        "    environment:",
        '      - "DATABASE_URL=postgresql://shop:${DEV_POSTGRES_PASSWORD}@db:5432/shop"',
        '      - "API_TOKEN=${API_TOKEN}"',
        "    # reads the key given as --api-key (secret)",
        "    command:",
        "      - serve",
        '      - "--api-key"',
        '      - "${DEV_WEB_COMMAND_SECRET}"',
    ]
    assert result.stdout.endswith("dev: equal, by `docker compose config`\n")
    assert not (root / "environments").exists()


def test_the_written_specs_and_their_render_hold_no_literal_secret(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The specs are the team's own repository's files, but they are committed (a compose
    overlay or env file may not be) and SEC001 refuses a secret written in them: import
    writes none. The render needs the variables set, as any envgen project does."""
    root = write_tree(tmp_path / "shop", FILES)
    imported = _import(run, root, monkeypatch, "--baseline")
    assert (imported.exit_code, _leaks(imported.stdout, imported.stderr)) == (0, [])
    rendered = run("--root", root, "render")
    assert rendered.exit_code == 0, rendered.output
    written = [
        path
        for folder in ("environments", "rendered", "docs")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    ]
    assert [p.name for p in written if _leaks(p.read_text(encoding="utf-8"))] == []
    assert "SEC001" not in imported.stdout  # nothing left for the policies to refuse


def test_each_environment_lifts_its_own_variables() -> None:
    """Two environments with one password each name their own variable, so the specs do
    not tell that they hold the same value; a second place with the same value reuses it."""
    model = {"services": {"db": {"environment": {"POSTGRES_PASSWORD": "same-secret-1"}}}}
    for name, variable in (("dev", "DEV_POSTGRES_PASSWORD"), ("pr-7", "PR_7_POSTGRES_PASSWORD")):
        lifted, lifting = lift(name, model)
        environment = lifted["services"]["db"]["environment"]
        assert (environment, lifting.values) == (
            {"POSTGRES_PASSWORD": f"${{{variable}}}"},
            {variable: "same-secret-1"},
        )
        assert restored(lifted, lifting.values) == model


@pytest.mark.parametrize(
    ("environment", "kept"),
    [
        # Near misses: a reference, a `$` mixed in, an empty value, a plain name.
        ({"POSTGRES_PASSWORD": "${PW}"}, True),
        ({"POSTGRES_PASSWORD": "${PW:-x}"}, True),
        ({"POSTGRES_PASSWORD": "a$$b"}, True),
        ({"POSTGRES_PASSWORD": ""}, True),
        ({"POSTGRES_USER": "hunter2-planted"}, True),
        ({"POSTGRES_PASSWORD": "hunter2-planted"}, False),
        ({"URL": "redis://:hunter2-planted@cache:6379"}, False),
    ],
)
def test_only_a_written_down_secret_is_lifted(environment: dict[str, str], kept: bool) -> None:
    model = {"services": {"app": {"environment": environment}}}
    lifted, lifting = lift("dev", model)
    assert (lifted == model, bool(lifting.values)) == (kept, not kept)


def test_a_difference_shows_no_credential_inside_a_value() -> None:
    """The comparison's lines: a URL's password (failed before: printed as written) and a
    secret inside a mapping or a command line are cut out, as everywhere else."""
    assert str(
        Difference("services.web.environment.DATABASE_URL", "postgresql://a:pw-9x@db/s", "b")
    ) == (
        "services.web.environment.DATABASE_URL: 'postgresql://a:(secret)@db/s' in the "
        "original, 'b' rendered"
    )
    service = {"environment": {"POSTGRES_PASSWORD": "pw-9x"}, "command": ["--password", "pw-9x"]}
    line = str(Difference("services.db", service, "(absent)"))
    assert "pw-9x" not in line
    assert line.startswith("services.db: {'environment': {'POSTGRES_PASSWORD': '(secret)'}")
