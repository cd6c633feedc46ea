"""What Compose would refuse, envgen refuses first: one exact line per problem, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run
from tests.test_bad_input import BASE, project, reported


def _web(extra: str) -> dict[str, str | None]:
    """base.yaml with lines added to the `web` service."""
    return {"base": BASE.replace("nginx:1.27", "nginx:1.27\n" + extra.rstrip("\n"))}


CASES: list[tuple[str, dict[str, str | None], list[str]]] = [
    (
        "cpus with a limit Compose reads apart from deploy.resources.limits",
        _web("    cpus: 0.5\n    pids_limit: 100"),
        [
            "environments/base.yaml:9:17: services.web.pids_limit: `cpus` writes "
            "deploy.resources.limits, which `pids_limit` contradicts (write the limit in "
            "`deploy.resources.limits` instead of `pids_limit`)"
        ],
    ),
    (
        "a dependency cycle",
        {
            "local": "tier: local\nservices:\n  web:\n    depends_on: [db]\n"
            "  db:\n    image: postgres:16\n    depends_on: [web]\n"
        },
        [
            "environments/local.yaml:7:17: services.db.depends_on.web: dependency cycle: "
            "web -> db -> web"
        ],
    ),
    (
        "a missing required env_file",
        _web("    env_file: [.env.web]"),
        [
            "environments/base.yaml:8:16: services.web.env_file.0: `.env.web` does not exist "
            "(create it, or write `required: false`)"
        ],
    ),
    (
        "two mounts at one container path",
        _web("    volumes: ['./a:/data']\n    tmpfs: [/data/]"),
        [
            "environments/base.yaml:9:13: services.web.tmpfs.0.target: `/data/` is already "
            "mounted by volumes[0]"
        ],
    ),
    (
        "extends that points nowhere",
        _web("    extends: {service: wbe}"),
        [
            "environments/base.yaml:8:14: services.web.extends: unknown service `wbe` "
            "(did you mean `web`?)"
        ],
    ),
    (
        "a key neither envgen nor Compose knows",
        _web("    shm_sise: 64m"),
        [
            "environments/base.yaml:8:5: services.web.shm_sise: unknown field `shm_sise` "
            "(did you mean `shm_size`?)"
        ],
    ),
    (
        "a passthrough value Compose's schema refuses",
        _web("    ulimits:\n      nofile: {soft: many}"),
        [
            "environments/base.yaml:9:15: services.web.ulimits.nofile: "
            "required field `hard` is missing"
        ],
    ),
    (
        "an unknown key inside a passthrough mapping",
        _web("    deploy:\n      replica: 2"),
        [
            "environments/base.yaml:9:7: services.web.deploy.replica: unknown field "
            "(did you mean `replicas`?)"
        ],
    ),
    (
        "a shorthand and its Compose key together",
        _web("    memory: 256m\n    deploy:\n      resources:\n        limits: {memory: 1g}"),
        [
            "environments/base.yaml:8:13: services.web.memory: `memory` is set twice "
            "(keep `memory` or `deploy.resources.limits.memory`)"
        ],
    ),
    (
        "unclosed reference",
        {"local": "tier: local\nservices:\n  web:\n    command: [echo, 'hi ${NAME']\n"},
        [
            "environments/local.yaml:4:21: services.web.command.1: `${` is not closed by `}` "
            "(at character 4) (write $$ for a literal $)"
        ],
    ),
    (
        "reference without a name",
        {"base": BASE.replace("nginx:1.27", "nginx:1.27\n    user: ${}")},
        [
            "environments/base.yaml:8:11: services.web.user: `${` must be followed by a "
            "variable name (at character 1) (write $$ for a literal $)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_refusal_is_reported_exactly(
    tmp_path: Path, run: Run, files: dict[str, str | None], expected: list[str]
) -> None:
    root = project(tmp_path, **files)
    result = run("--root", root, "render")
    assert result.exit_code == 2
    assert result.stdout == ""
    count = len(expected)
    assert result.stderr.splitlines() == [
        *reported(expected),
        f"{count} error{'s' * (count != 1)}",
    ]
    assert not (root / "rendered").exists()


def test_a_build_context_that_is_a_file_is_refused(tmp_path: Path, run: Run) -> None:
    root = project(tmp_path, base=BASE.replace("nginx:1.27", "example/web\n    build: ./web"))
    (root / "web").write_text("not a folder\n", encoding="utf-8")
    result = run("--root", root, "render")
    assert (result.exit_code, result.stderr.splitlines()) == (
        2,
        [
            "local:",
            "environments/base.yaml:8:12: services.web.build: build context `./web` is not a "
            "folder",
            "1 error",
        ],
    )
    (root / "web").unlink()
    (root / "web").mkdir()
    assert run("--root", root, "render").exit_code == 0


def test_compose_merge_tags_reset_and_override(tmp_path: Path, run: Run) -> None:
    base = BASE.replace(
        "nginx:1.27",
        "nginx:1.27\n    labels: {team: web, tier: front}\n    environment: {A: '1'}",
    )
    local = (
        "tier: local\nservices:\n  web:\n    labels: !override {owner: ops}\n"
        "    environment: !reset {}\n    hostname: !reset\n"
    )
    root = project(tmp_path, base=base, local=local)
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output
    text = (root / "rendered" / "docker-compose.local.yml").read_text(encoding="utf-8")
    assert "owner: ops" in text
    assert "team:" not in text
    assert "environment:" not in text


def test_an_unknown_tag_names_the_three_tags(tmp_path: Path, run: Run) -> None:
    root = project(tmp_path, local="tier: local\nservices:\n  web: !replace {}\n")
    result = run("--root", root, "validate")
    assert result.stderr.splitlines()[0] == (
        "environments/local.yaml:3:8: services.web: unknown tag `!replace` "
        "(the tags are `!remove`, `!reset` and `!override`)"
    )
