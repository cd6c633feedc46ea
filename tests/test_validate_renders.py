"""What validate accepts, render renders: for generated specs that pass `validate`, every
output of the registry renders and passes its own check; a spec that validate refuses is
refused at a spec line (file:line:column, exit 2), never with a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from envgen.outputs.registry import OUTPUTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Run, spec_position, write_tree
from tests.policy_project import CLEAN

# Variables a service may read: its own, another environment's, the proxy's credentials,
# with every modifier, and text that is no reference at all.
REFERENCES = [
    "${STAGING_AUTH_USER}",
    "${STAGING_AUTH_HASH:?the proxy's hash}",
    "${PROD_DB_PASSWORD}",
    "${STAGING_DB_PASSWORD:-x}",
    "${LOG_LEVEL:-info}",
    "${FEATURE:+on}",
    "${NEEDED:?set NEEDED before you start}",
    "$$HOME",
    "plain text with # and {$NOT_CADDY} and `ticks`",
    "ünïcödé ✓",
    "${A:-${B:-nested default}}",
]
SERVICE_LINES = [
    "    ports: ['127.0.0.1:${API_PORT:-18001}:8001']\n",
    "    ports: ['127.0.0.1:${API_PORT}:8001']\n",
    "    env_file: [/etc/shop/api.env, '${CONF_DIR}/api.env']\n",
    "    labels: {com.example.team: 'shop # api'}\n",
    "    command: 'serve --name \"the api\" --level ${LOG_LEVEL:-info}'\n",
    "    cap_drop: [NET_RAW, ALL]\n",
    "    healthcheck: {test: 'curl -f http://localhost:8001/ || exit 1'}\n",
    "    x-note: {when: 2024-01-01, what: yes}\n",
    "    stop_grace_period: 1m30s\n",
    "    logging: {driver: json-file, max_size: 10m, max_file: 3}\n",
]
TOP_LINES = [
    "notes: 'free text: {$HOME} and `make` and $(rm -rf /) and # and \\\\'\n",
    "description: 'a line with \"quotes\" and ${VAR}'\n",
    "additions: {project_name: false}\n",
    "additions: {proxy_alias: false}\n",
    "additions: {build_left_out: false}\n",
    "x-defaults: {retries: 3, note: 'a b'}\n",
    "volumes:\n  cache_data: {}\n",
]


@st.composite
def project(draw: st.DrawFn) -> dict[str, str]:
    """The clean four-environment project, with drawn lines in staging or production."""
    files = dict(CLEAN)
    name = draw(st.sampled_from(["staging", "production"]))
    lines = draw(st.lists(st.sampled_from(SERVICE_LINES), max_size=4, unique=True))
    variables = draw(st.lists(st.sampled_from(REFERENCES), min_size=1, max_size=4, unique=True))
    environment = "".join(
        f"      VALUE_{index}: {_quoted(value)}\n" for index, value in enumerate(variables)
    )
    service = "services:\n  api:\n    environment:\n" + environment + "".join(lines)
    if draw(st.booleans()):
        service += "  extra:\n    image: example/extra:1\n    memory: 64m\n"
        service += "    restart: unless-stopped\n    healthcheck: {test: [CMD, check]}\n"
    top = "".join(draw(st.lists(st.sampled_from(TOP_LINES), max_size=3, unique=True)))
    if "cache_data" in top:
        service += "    volumes: ['cache_data:/cache']\n" * ("  extra:" in service)
    files[f"environments/{name}.yaml"] += top + service
    return files


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


PROBLEM = re.compile(r"^\S+:\d+:\d+: ")


def test_every_output_of_the_registry_is_drawn_into() -> None:
    """The drawn projects have a domain, basic auth, a test tier's variables file, make
    targets, workflows and scripts: every Compose output of the registry has a file to
    render. The two others have property tests of their own: the manifests in
    tests/test_kubernetes_property.py, the preview workflow in tests/test_previews.py."""
    others = {"kubernetes", "preview-workflow"}
    assert len([output for output in OUTPUTS if output.name not in others]) == 11
    assert others <= {output.name for output in OUTPUTS}


@given(project())
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_a_spec_validate_accepts_renders_every_output(
    tmp_path_factory: pytest.TempPathFactory, run: Run, files: dict[str, str]
) -> None:
    root = write_tree(tmp_path_factory.mktemp("renders"), files)
    validated = run("--root", root, "validate")
    assert validated.exit_code in (0, 2), validated.output
    if validated.exit_code == 2:
        for line in validated.stderr.splitlines()[:-1]:
            assert PROBLEM.match(line) or line.endswith(":"), line
        return
    rendered = run("--root", root, "render")
    assert rendered.exit_code == 0, (rendered.output, files)
    written = {path.name for path in (root / "rendered").rglob("*") if path.is_file()}
    assert {"Caddyfile", "envgen.mk"} <= written


def test_a_production_service_reading_the_proxys_credentials_renders(
    tmp_path: Path, run: Run
) -> None:
    """The case that once passed validate and failed in `.env.example`, without a line:
    the variable is listed once, where the compose file reads it."""
    files = dict(CLEAN)
    files["environments/production.yaml"] += (
        "services:\n  api:\n    environment:\n      AUTH_USER: ${STAGING_AUTH_USER}\n"
    )
    root = write_tree(tmp_path, files)
    assert run("--root", root, "validate").exit_code == 0
    assert run("--root", root, "render").exit_code == 0
    example = (root / ".env.example").read_text(encoding="utf-8")
    assert example.count("\nSTAGING_AUTH_USER=\n") == 1
    assert "\nSTAGING_AUTH_HASH=\n" in example


def test_two_services_that_undo_migrations_are_refused_by_validate_at_the_line(
    tmp_path: Path, run: Run
) -> None:
    files = dict(CLEAN)
    files["environments/production.yaml"] += (
        "services:\n  api:\n    migration_down: [migrate, down]\n"
        "  postgres:\n    migration_down: [psql, undo]\n"
    )
    root = write_tree(tmp_path, files)
    for command in ("validate", "render"):
        result = run("--root", root, command)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[1:] == [
            f"{spec_position(root, 'production.yaml', 'migration_down: [psql, undo]')}: "
            "services.postgres.migration_down: `api` sets `migration_down` too; "
            "rollback-migration.sh undoes the migrations of one service (keep it on the "
            "service that migrates the database)",
            "1 error",
        ]
