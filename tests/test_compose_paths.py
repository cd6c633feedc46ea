"""Paths inside the Compose keys envgen passes through mean what the same paths mean in a
compose file at the project root: Compose's own model of both is the same, and a file
Compose requires is refused at its line when it is missing."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from envgen.compose.paths import is_local
from envgen.outputs.compose import passthrough_path

from tests.compose_cli import compose
from tests.conftest import Run, write_tree
from tests.test_bad_input import BASE, project

ENVGEN_ONLY = "app: shop\naccess: localhost\nhost:\n  name: laptop\ncompose_project: shop\n"

SERVICES = """\
services:
  web:
    image: nginx:1.27
    env_file: app.env
    label_file: [labels.txt, ~/home.labels]
    develop:
      watch:
        - {path: ./src, action: sync, target: /app}
        - {path: /srv/static, action: sync, target: /static}
    secrets: [token, key]
    configs: [settings]
    volumes: [bound:/data]
  worker:
    image: busybox:1
    label_file: ./labels.txt
    extends: {file: parts/common.yml, service: base}
    env_file: [{path: app.env, format: raw, required: false}]
  built:
    image: example/built
    build:
      context: .
      additional_contexts:
        - extra=./ctx
        - image=docker-image://alpine
        - remote=https://github.com/example/repo.git
      ssh: [default, deploy=./keys/id_ed25519, home=~/.ssh/id_rsa, abs=/etc/ssh/key]
secrets:
  token:
    file: ./secret.txt
  key:
    file: ~/key.txt
configs:
  settings:
    file: config/settings.toml
volumes:
  bound:
    driver: local
    driver_opts: {o: bind, type: none, device: ./src}
"""

FILES = {
    "app.env": "FROM_FILE=1\n",
    "labels.txt": "com.example.from-file=1\n",
    "home/home.labels": "com.example.home=1\n",
    "parts/common.yml": "services:\n  base:\n    image: busybox:1\n    label_file: base.labels\n",
    "parts/base.labels": "com.example.base=1\n",
    "secret.txt": "s\n",
    "config/settings.toml": "workers = 2\n",
    "src/app.py": "",
    "ctx/file": "",
}


def _config(path: Path, home: Path, output: str) -> Any:
    variables = {"HOME": str(home)}
    result = compose(path, "config", "--format", output, variables=variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if output == "json" else yaml.safe_load(result.stdout)


def _built(service: dict[str, Any]) -> dict[str, Any]:
    """A built service without its image (envgen's own: its tag follows the environment),
    and its ssh keys in order (Compose prints them in its map's random order)."""
    build = {**service["build"], "ssh": sorted(service["build"]["ssh"])}
    return {**{key: value for key, value in service.items() if key != "image"}, "build": build}


def test_paths_in_passed_through_keys_mean_what_they_mean_at_the_root(
    tmp_path: Path, run: Run
) -> None:
    write_tree(
        tmp_path,
        {
            **FILES,
            "environments/base.yaml": ENVGEN_ONLY + SERVICES,
            "environments/local.yaml": "tier: local\n",
            "compose.yml": "name: shop\n" + SERVICES,
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = tmp_path / "rendered" / "docker-compose.local.yml"
    home = tmp_path / "home"
    # YAML: Compose's JSON output cannot encode build.ssh (a bug of its SSHKey type).
    mine, plain = _config(rendered, home, "yaml"), _config(tmp_path / "compose.yml", home, "yaml")
    for model in (mine, plain):
        model["services"]["built"] = _built(model["services"]["built"])
        for mount in model["services"]["web"]["volumes"]:  # the short form's, not a path's
            mount.pop("volume", None)
    assert mine == plain
    root = str(tmp_path)
    built = mine["services"]["built"]["build"]
    assert built["additional_contexts"] == {
        "extra": f"{root}/ctx",
        "image": "docker-image://alpine",
        "remote": "https://github.com/example/repo.git",
    }
    assert built["ssh"] == [
        "abs: /etc/ssh/key",
        "default",
        f"deploy: {root}/keys/id_ed25519",
        f"home: {home}/.ssh/id_rsa",
    ]
    assert (mine["secrets"]["token"]["file"], mine["secrets"]["key"]["file"]) == (
        f"{root}/secret.txt",
        f"{home}/key.txt",
    )


def test_the_rendered_file_writes_the_paths_from_its_folder(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            **FILES,
            "environments/base.yaml": ENVGEN_ONLY + SERVICES,
            "environments/local.yaml": "tier: local\n",
        },
    )
    assert run("--root", tmp_path, "render").exit_code == 0
    document = yaml.safe_load((tmp_path / "rendered" / "docker-compose.local.yml").read_text())
    web, worker = document["services"]["web"], document["services"]["worker"]
    assert web["label_file"] == ["../labels.txt", "~/home.labels"]
    assert [rule["path"] for rule in web["develop"]["watch"]] == ["../src", "/srv/static"]
    assert worker["extends"]["file"] == "../parts/common.yml"
    assert worker["env_file"] == [{"path": "../app.env", "required": False, "format": "raw"}]
    assert document["volumes"]["bound"]["driver_opts"]["device"] == "../src"
    assert document["configs"]["settings"]["file"] == "../config/settings.toml"


def test_a_path_that_starts_with_a_variable_is_passed_as_written(tmp_path: Path, run: Run) -> None:
    base = BASE + "    label_file: ${LABELS:-/etc/app.labels}\n"
    assert run("--root", project(tmp_path, base=base), "render").exit_code == 0
    text = (tmp_path / "rendered" / "docker-compose.local.yml").read_text()
    assert 'label_file: "${LABELS:-/etc/app.labels}"\n' in text


@pytest.mark.parametrize(
    ("path", "local"),
    [
        ("./a", True),
        ("a/b", True),
        ("../shared/a", True),
        ("", False),
        ("/abs", False),
        ("~/a", False),
        ("~", False),
        ("${DIR}/a", False),
        ("C:\\keys", False),
        ("https://example.com/x.git", False),
        ("docker-image://alpine", False),
        ("service:web", False),
        ("github.com/a/b", False),
        ("git@github.com:a/b.git", False),
    ],
)
def test_which_paths_are_the_projects(path: str, local: bool) -> None:
    assert is_local(path) is local


def _web(extra: str) -> dict[str, str | None]:
    return {"base": BASE + extra}


REFUSED: list[tuple[str, dict[str, str | None], str]] = [
    (
        "a missing env file written as one string",
        _web("    env_file: web.env\n"),
        "environments/base.yaml:10:15: services.web.env_file.0: `web.env` does not exist "
        "(create it, or write `required: false`)",
    ),
    (
        "a missing label file",
        _web("    label_file: ./web.labels\n"),
        "environments/base.yaml:10:17: services.web.label_file: `./web.labels` does not exist "
        "(create it, or fix the path)",
    ),
    (
        "a missing label file in a list",
        _web("    label_file: [labels.txt, more.labels]\n"),
        "environments/base.yaml:10:30: services.web.label_file.1: `more.labels` does not exist "
        "(create it, or fix the path)",
    ),
    (
        "a missing extended file",
        _web("    extends: {file: ../common.yml, service: base}\n"),
        "environments/base.yaml:10:21: services.web.extends.file: `../common.yml` does not "
        "exist (create it, or fix the path)",
    ),
    (
        "a missing secret file",
        _web("secrets:\n  token:\n    file: ./token.txt\n"),
        "environments/base.yaml:12:11: secrets.token.file: `./token.txt` does not exist "
        "(create it, or fix the path)",
    ),
    (
        "a missing config file",
        _web("configs:\n  app:\n    file: app.toml\n"),
        "environments/base.yaml:12:11: configs.app.file: `app.toml` does not exist "
        "(create it, or fix the path)",
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_a_missing_required_file_is_refused_at_its_line(
    tmp_path: Path, run: Run, files: dict[str, str | None], expected: str
) -> None:
    (tmp_path / "labels.txt").write_text("a=b\n")
    result = run("--root", project(tmp_path, **files), "validate")
    # A file base.yaml names is missing for the one environment, which heads the line.
    assert (result.exit_code, result.stderr.splitlines()) == (2, ["local:", expected, "1 error"])


NEAR_MISSES: list[tuple[str, dict[str, str | None]]] = [
    ("a label file that exists", _web("    label_file: labels.txt\n")),
    ("a label file in the home folder", _web("    label_file: ~/web.labels\n")),
    ("an absolute secret file", _web("secrets:\n  token:\n    file: /run/keys/token\n")),
    ("a secret file named by a variable", _web("secrets:\n  token:\n    file: ${TOKEN_FILE}\n")),
    ("a secret from the environment", _web("secrets:\n  token:\n    environment: TOKEN\n")),
    (
        "a watched folder not made yet",
        _web("    develop:\n      watch: [{path: ./src, action: rebuild}]\n"),
    ),
    (
        "an extended service in this file",
        _web("  api:\n    image: nginx:1.27\n    extends: {service: web}\n"),
    ),
]


@pytest.mark.parametrize(
    "files", [case[1] for case in NEAR_MISSES], ids=[case[0] for case in NEAR_MISSES]
)
def test_paths_compose_does_not_require_pass(
    tmp_path: Path, run: Run, files: dict[str, str | None]
) -> None:
    (tmp_path / "labels.txt").write_text("a=b\n")
    result = run("--root", project(tmp_path, **files), "validate")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("./certs/a.pem", "../certs/a.pem"),
        ("certs/a.pem", "../certs/a.pem"),
        ("./", ".."),
        ("../shared/a", "../../shared/a"),
        ("./certs/${ENV}.pem", "../certs/${ENV}.pem"),
        ("certs/$${HOME}", "../certs/$${HOME}"),
    ],
)
def test_a_passed_through_path_is_written_from_the_rendered_folder(
    path: str, rendered: str
) -> None:
    assert passthrough_path(path, PurePosixPath("rendered")) == rendered
    deeper = passthrough_path(path, PurePosixPath("out/compose"))
    assert deeper == "../" + rendered


def test_a_file_named_with_a_variable_is_not_looked_for(tmp_path: Path, run: Run) -> None:
    base = BASE + "secrets:\n  token:\n    file: ./certs/${ENV:-dev}.pem\n"
    result = run("--root", project(tmp_path, base=base), "render")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "rendered" / "docker-compose.local.yml").read_text()
    assert 'file: "../certs/${ENV:-dev}.pem"\n' in text
