"""`envgen diff`: what differs between two environments, declared or not, secrets hidden."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from envgen.cli.colour import use_colour

from tests.conftest import REPO, Run, edit_spec, spec_position, spec_value

EXPECTED = Path(__file__).parent / "expected" / "diff"


def _append(project: Path, name: str, text: str) -> None:
    path = project / "environments" / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# The shipped environments, in every format. To review a change of output, run
# `envgen diff A B [--format F] > tests/expected/diff/A-B.EXT` and read the diff.
EXTENSIONS = {"text": "txt", "json": "json", "markdown": "md"}


@pytest.mark.parametrize(
    "case",
    [
        ("staging", "production", "staging-production"),
        ("staging", "prod", "staging-production"),  # aliases name the same environments
        ("local", "test", "local-test"),
    ],
)
@pytest.mark.parametrize("output_format", list(EXTENSIONS))
def test_shipped_environments(
    shipped: Path, run: Run, case: tuple[str, str, str], output_format: str
) -> None:
    a, b, expected = case
    result = run("--root", shipped, "diff", a, b, "--format", output_format)
    assert result.exit_code == 0, result.output
    path = EXPECTED / f"{expected}.{EXTENSIONS[output_format]}"
    assert result.output == path.read_text(encoding="utf-8")


def test_staging_declares_every_difference_from_production(shipped: Path, run: Run) -> None:
    for view in ([], ["--spec"]):
        result = run(
            "--root", shipped, "diff", "staging", "production", *view,
            "--undeclared-only", "--exit-code",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[-1].startswith("no differences; ")


def test_an_environment_against_itself(shipped: Path, run: Run) -> None:
    result = run("--root", shipped, "diff", "staging", "staging", "--exit-code")
    assert result.exit_code == 0
    assert result.output == (
        "staging -> staging: what runs (- only in staging, + only in staging, ~ changed)\n"
        "\n"
        "no differences\n"
    )


def test_exit_code_when_differences_are_left(shipped: Path, run: Run) -> None:
    assert run("--root", shipped, "diff", "local", "test", "--exit-code").exit_code == 1
    assert run("--root", shipped, "diff", "local", "test").exit_code == 0


def test_unknown_environment(shipped: Path, run: Run) -> None:
    result = run("--root", shipped, "diff", "staging", "prd")
    assert result.exit_code == 2
    assert result.output == (
        "envgen: unknown environment `prd` (did you mean `prod`?); "
        "environments: local (dev), test, staging, production (prod)\n"
    )


def test_invalid_specs_exit_2(shipped: Path, run: Run) -> None:
    spec = shipped / "environments" / "staging.yaml"
    line, _, _ = spec_value(shipped, "staging.yaml", "  backend:", "memory")
    lines = spec.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = lines[line - 1].replace("memory:", "memry:")
    spec.write_text("\n".join(lines), encoding="utf-8")
    result = run("--root", shipped, "diff", "staging", "production")
    assert result.exit_code == 2
    assert result.output == (
        f"environments/staging.yaml:{line}:5: services.backend.memry: unknown field `memry` "
        "(did you mean `memory`?)\n1 error\n"
    )


WITH_EXTRAS = """\
services:
  backend:
    networks: [proxy, default]
    memory: 1g
    cpus: 2
    ports: ["127.0.0.1:8001:8001", "127.0.0.1:9001:9001/udp"]
    tmpfs:
      - target: /tmp
        size: 64m
      - /cache
    volumes: ["./uploads:/srv/uploads:ro"]
    cap_add: [NET_BIND_SERVICE]
  worker:
    image: ghcr.io/vpatrin/coupette-worker
    build: ./worker
    command: [python, -m, worker]
  bot:
    memory: 256m
"""


def _production_with_extras(project: Path) -> None:
    """Production with a new service, new list items and a removed one (scraper...)."""
    path = project / "environments" / "production.yaml"
    text = path.read_text(encoding="utf-8")
    head, _ = text.split("services:\n", 1)
    tail = "  scraper:\n    memory: 512m\n  migrate: !remove\n"
    tail += "  postgres:\n    memory: 1g\n  chromadb:\n    memory: 1g\n"
    path.write_text(head + WITH_EXTRAS + tail, encoding="utf-8")


def test_each_kind_of_difference(shipped: Path, run: Run) -> None:
    _production_with_extras(shipped)
    result = run(
        "--root", shipped, "diff", "staging", "production", "--undeclared-only",
        "--service", "backend", "--service", "worker", "--service", "migrate",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stale = spec_position(shipped, "staging.yaml", "- services.migrate.image", "services")
    assert result.output == (
        "staging -> production: what runs (- only in staging, + only in production, ~ changed)\n"
        "\n"
        "backend\n"
        "  + cap_add[NET_BIND_SERVICE]\n"
        "  + ports[127.0.0.1:8001/tcp]  8001\n"
        "  + ports[127.0.0.1:9001/udp]  9001\n"
        "  + tmpfs[/cache]              (default size)\n"
        "  + volumes[/srv/uploads]      ../uploads:ro\n"
        "\n"
        "migrate\n"
        "  - (whole service)  image ghcr.io/vpatrin/coupette-backend:${IMAGE_TAG:-staging}\n"
        "\n"
        "worker\n"
        "  + (whole service)  image ghcr.io/vpatrin/coupette-worker:${IMAGE_TAG:-latest}\n"
        "\n"
        "stale declarations (they match no difference):\n"
        f"  {stale}: services.migrate.image (against production): "
        "runs the :staging images built on every push to main; production runs :latest, "
        "promoted by hand (diff shows `services.migrate`)\n"
        "\n"
        "7 differences (0 changed, 6 added, 1 removed): 0 declared, 7 undeclared; "
        "34 left out by the options; 1 stale declaration\n"
    )


def test_removed_list_items_by_identity(shipped: Path, run: Run) -> None:
    _production_with_extras(shipped)
    result = run(
        "--root", shipped, "diff", "production", "staging", "--service", "backend",
        "--format", "json",
    )  # fmt: skip
    records = json.loads(result.output)["differences"]
    removed = [(r["path"], r["a"]) for r in records if r["kind"] == "removed"]
    assert removed == [
        ("services.backend.cap_add[NET_BIND_SERVICE]", "NET_BIND_SERVICE"),
        ("services.backend.ports[127.0.0.1:8001/tcp]", "8001"),
        ("services.backend.ports[127.0.0.1:9001/udp]", "9001"),
        ("services.backend.tmpfs[/cache]", "(default size)"),
        ("services.backend.volumes[/srv/uploads]", "../uploads:ro"),
    ]


def test_ipv6_ports_are_compared_by_identity(shipped: Path, run: Run) -> None:
    edit_spec(
        shipped,
        "test.yaml",
        "- 127.0.0.1:15432:5432",
        "- host: 15432\n        container: 5432\n        host_ip: '::1'",
    )
    result = run("--root", shipped, "diff", "local", "test", "--service", "postgres")
    assert "  + ports[[::1]:15432/tcp]" in result.output
    assert "  - ports[127.0.0.1:5432/tcp]" in result.output


def test_a_changed_item_keeps_its_identity(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "test.yaml", "15432:5432", "5432:5433")
    result = run(
        "--root", shipped, "diff", "local", "test", "--service", "postgres", "--format", "json"
    )
    records = json.loads(result.output)["differences"]
    assert [(r["path"], r["kind"], r["a"], r["b"]) for r in records if "ports" in r["path"]] == [
        ("services.postgres.ports[127.0.0.1:5432/tcp]", "changed", "5432", "5433")
    ]


# Production's services written another way; `{name}` is the memory production gives it.
MIRROR_SERVICES = """\
services:
  backend:
    networks: [proxy, default]
    memory: {backend}
    cpus: 2
  bot:
    memory: {bot}
  scraper:
    memory: {scraper}
  migrate:
    memory: {migrate}
  postgres:
    memory: {postgres}
    cap_add: [DAC_READ_SEARCH, FOWNER, SETGID, SETUID, CHOWN]
    tmpfs:
      - target: /tmp
        size: 64m
      - target: /var/run/postgresql
        size: 8m
  chromadb:
    memory: {chromadb}
"""


def test_reordering_lists_changes_nothing(shipped: Path, run: Run) -> None:
    text = (shipped / "environments" / "production.yaml").read_text(encoding="utf-8")
    head, _ = text.split("services:\n", 1)
    head = head.replace("suffix: prod\n", "")
    head = head.replace(
        "  - https://wine.victorpatrin.dev\n",
        "  - https://www.wine.victorpatrin.dev\n  - https://wine.victorpatrin.dev\n",
    )
    sizes = {
        name: spec_value(shipped, "production.yaml", f"  {name}:", "memory")[2]
        for name in ("backend", "bot", "scraper", "migrate", "postgres", "chromadb")
    }
    (shipped / "environments" / "mirror.yaml").write_text(head + MIRROR_SERVICES.format(**sizes))
    edit_spec(
        shipped,
        "production.yaml",
        "  - https://wine.victorpatrin.dev\n",
        "  - https://wine.victorpatrin.dev\n  - https://www.wine.victorpatrin.dev\n",
    )
    result = run(
        "--root", shipped, "diff", "production", "mirror", "--hide-per-environment",
        "--exit-code",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.endswith("\nno differences; 4 left out by the options\n")
    per_environment = run("--root", shipped, "diff", "production", "mirror", "--spec")
    assert per_environment.output.splitlines()[2:6] == [
        "(environment)",
        "  ~ name    production -> mirror (per environment)",
        "  - suffix  prod (per environment)",
        "",
    ]


SECRETS = """\
services:
  backend:
    environment:
      SIGNING_SECRET: literal-value-never-shown
      WEBHOOK_TOKEN: ${WEBHOOK_TOKEN:-also-never-shown}
"""


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_secrets_never_print(shipped: Path, run: Run, output_format: str) -> None:
    edit_spec(shipped, "local.yaml", "services:\n  backend:\n", SECRETS)
    result = run("--root", shipped, "diff", "staging", "local", "--format", output_format)
    for literal in ("literal-value-never-shown", "also-never-shown", "password_default"):
        assert literal not in result.output
    assert "(secret)" in result.output
    assert "${WEBHOOK_TOKEN}" in result.output
    # local's throw-away password default, inside a URL that envgen built from facts: the
    # URL shows, the default does not.
    assert ":-coupette" not in result.output
    assert "postgresql://coupette_dev:${POSTGRES_PASSWORD}@postgres:5432/coupette_dev" in (
        result.output.replace("\\", "")
    )
    spec = run("--root", shipped, "diff", "test", "local", "--spec", "--format", output_format)
    assert "literal-value-never-shown" not in spec.output
    assert "also-never-shown" not in spec.output


@pytest.mark.parametrize("name", ["REDIS_PASS", "DB_PWD", "PRIVATEKEY", "SMTP_CREDENTIALS"])
def test_every_secret_looking_name_is_hidden(shipped: Path, run: Run, name: str) -> None:
    edit_spec(
        shipped, "local.yaml", "services:\n  backend:\n",
        f"services:\n  backend:\n    environment:\n      {name}: ${{X_{name}:-hunter2}}\n",
    )  # fmt: skip
    for args in (["staging", "local"], ["test", "local", "--spec"]):
        for output_format in ("text", "json", "markdown"):
            result = run("--root", shipped, "diff", *args, "--format", output_format)
            assert "hunter2" not in result.output


def test_secrets_in_the_spec_view(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "local.yaml", "services:\n  backend:\n", SECRETS)
    result = run("--root", shipped, "diff", "test", "local", "--spec", "--format", "json")
    records = {r["path"]: (r["a"], r["b"]) for r in json.loads(result.output)["differences"]}
    assert records["database.password_default"] == ("(secret)", "(secret)")
    assert records["database.password_variable"] == ("TEST_POSTGRES_PASSWORD", "POSTGRES_PASSWORD")
    assert records["services.backend"][1]["environment"] == {
        "CHROMA_HOST": "chromadb",
        "CHROMA_PORT": "8000",
        "SIGNING_SECRET": "(secret)",
        "WEBHOOK_TOKEN": "${WEBHOOK_TOKEN}",
    }


def test_stale_declarations_are_reported(shipped: Path, run: Run) -> None:
    _append(
        shipped,
        "production.yaml",
        "intended_differences:\n"
        "  - against: staging\n"
        "    paths: [services.*.user, integrations.telegram.identity]\n"
        "    reason: nobody remembers\n",
    )
    result = run("--root", shipped, "diff", "staging", "prod", "--undeclared-only")
    assert result.exit_code == 0
    position = spec_position(shipped, "production.yaml", "paths: [services.*.user", "services")
    line, column = (int(part) for part in position.split(":")[1:])
    assert result.output.splitlines()[-4:] == [
        "stale declarations (they match no difference):",
        f"  {position}: services.*.user (against staging): nobody remembers",
        "",
        "no differences; 37 left out by the options; 1 stale declaration",
    ]
    stale = json.loads(run("--root", shipped, "diff", "prod", "staging", "--format", "json").output)
    assert stale["stale"] == [
        {
            "environment": "production",
            "against": "staging",
            "path": "services.*.user",
            "reason": "nobody remembers",
            "file": "environments/production.yaml",
            "line": line,
            "column": column,
        }
    ]


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        (
            "  - against: prodution\n    paths: [tier]\n    reason: typo\n",
            "environments/staging.yaml:{line}:14: intended_differences.{index}.against: "
            "unknown environment `prodution` (environments: local, production, staging, test)",
        ),
        (
            "  - against: staging\n    paths: [tier]\n    reason: self\n",
            "environments/staging.yaml:{line}:14: intended_differences.{index}.against: "
            "an environment cannot differ from itself",
        ),
        (
            "  - against: prod\n    paths: [tier]\n    reason: '  '\n",
            "environments/staging.yaml:{line_2}:13: intended_differences.{index}.reason: "
            "say why the difference is intended",
        ),
        (
            "  - against: prod\n    paths: ['services. backend']\n    reason: spaces\n",
            "environments/staging.yaml:{line_1}:13: intended_differences.{index}.paths.0: "
            "invalid value "
            "`services. backend`: write a path as shown by `envgen diff`, such as "
            "services.*.memory or database.name",
        ),
    ],
)
def test_invalid_declarations(shipped: Path, run: Run, declaration: str, expected: str) -> None:
    # The declaration is appended: its index and lines follow from the spec as it is.
    text = (shipped / "environments" / "staging.yaml").read_text(encoding="utf-8")
    assert text.endswith("\n")
    line = text.count("\n") + 1
    index = text.count("\n  - against: ")
    _append(shipped, "staging.yaml", declaration)
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    where = {"line": line, "line_1": line + 1, "line_2": line + 2, "index": index}
    assert result.output == f"{expected.format(**where)}\n1 error\n"


def test_colour_only_when_asked_or_on_a_terminal(shipped: Path, run: Run) -> None:
    result = run(
        "--root", shipped, "diff", "local", "test", "--service", "chromadb", "--color", "always"
    )
    assert result.output.splitlines()[2:9] == [
        "chromadb",
        "\x1b[32m  + deploy.resources.limits.memory  512m\x1b[0m",
        "\x1b[32m  + ports[127.0.0.1:18000/tcp]      8000\x1b[0m",
        "\x1b[31m  - ports[127.0.0.1:8000/tcp]       8000\x1b[0m",
        "\x1b[33m  ~ restart                         unless-stopped -> no\x1b[0m",
        "\x1b[32m  + tmpfs[/data]                    256m\x1b[0m",
        "\x1b[31m  - volumes[/data]                  chromadata\x1b[0m",
    ]
    assert "\x1b[" not in run("--root", shipped, "diff", "local", "test").output
    assert use_colour("auto", True, {}) is True
    assert use_colour("auto", True, {"NO_COLOR": "1"}) is False
    assert use_colour("auto", False, {}) is False
    assert use_colour("always", False, {"NO_COLOR": "1"}) is True
    assert use_colour("never", True, {}) is False


def test_unknown_service(shipped: Path, run: Run) -> None:
    result = run("--root", shipped, "diff", "local", "test", "--service", "web")
    assert result.exit_code == 2
    assert result.output == (
        "envgen: unknown service `web`; services: backend, bot, scraper, migrate, "
        "postgres, chromadb\n"
    )


def _imports_deepdiff(project: Path, *args: str) -> bool:
    """Runs envgen in a fresh interpreter and tells whether deepdiff got imported."""
    code = (
        "import sys\n"
        "from envgen.cli.main import main\n"
        "try:\n"
        f"    main({['--root', str(project), *args]!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('deepdiff' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    return done.stderr.strip().splitlines()[-1] == "True"


def test_only_diff_imports_deepdiff(shipped: Path) -> None:
    assert not _imports_deepdiff(shipped, "render")
    assert not _imports_deepdiff(shipped, "check")
    assert _imports_deepdiff(shipped, "diff", "staging", "production")


def test_markdown_keeps_backticks_inside_code_spans(shipped: Path, run: Run) -> None:
    edit_spec(
        shipped, "local.yaml", "services:\n  backend:\n",
        "services:\n  backend:\n    labels:\n      note: a``b|c\n",
    )  # fmt: skip
    result = run("--root", shipped, "diff", "staging", "local", "--format", "markdown")
    assert "| `labels.note` |  | ```a``b\\|c``` |" in result.output


def test_top_level_secrets_and_configs_are_compared(shipped: Path, run: Run) -> None:
    """What runs includes the top-level secrets and configs a service mounts, as the spec
    view does; a secret's variable is a name, never a value."""
    _append(shipped, "production.yaml", "\nsecrets:\n  api_key:\n    environment: API_KEY\n")
    _append(shipped, "production.yaml", "configs:\n  greeting:\n    content: hello prod\n")
    _append(shipped, "staging.yaml", "\nconfigs:\n  greeting:\n    content: hello staging\n")
    for view in ([], ["--spec"]):
        result = run("--root", shipped, "diff", "staging", "production", *view, "--undeclared-only")
        assert result.exit_code == 0, result.output
        shown = result.output.split("(environment)\n", 1)[1].split("\n\n", 1)[0].splitlines()
        assert [line for line in shown if "configs" in line or "secrets" in line] == [
            "  ~ configs.greeting.content  hello staging -> hello prod",
            "  + secrets.api_key           environment=API_KEY",
        ], result.output
